package io.minidp.processor.decode;

import java.sql.Timestamp;
import java.time.Instant;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF0;
import org.apache.spark.sql.types.DataTypes;

/**
 * A value that is the same for every row of a batch and changes from batch to batch (the batch id,
 * the batch's time), as a column that does not change the batch's generated code.
 *
 * <p>Spark writes a literal number or timestamp into the Java code it generates for a stage (as
 * {@code current_timestamp()} becomes once planned), so a plan with {@code lit(batchId)} is new
 * code in every batch: compiled again by Janino and then by the JVM's JIT, about 30 classes a batch
 * (measured: docs/performance.md). A function of no arguments is neither folded nor written into
 * the code; the generated class only refers to it, and Spark's code cache serves the next batch.
 */
public final class BatchConstant {

    private BatchConstant() {}

    /** {@code value} for every row, as a non-null long column. */
    public static Column of(long value) {
        UDF0<Long> f = () -> value;
        return org.apache.spark.sql.functions.udf(f, DataTypes.LongType).asNonNullable().apply();
    }

    /** The time of this call for every row, as a non-null timestamp column (what {@code current_timestamp()} gives). */
    public static Column now() {
        Timestamp at = Timestamp.from(Instant.now());
        UDF0<Timestamp> f = () -> at;
        return org.apache.spark.sql.functions.udf(f, DataTypes.TimestampType).asNonNullable().apply();
    }
}
