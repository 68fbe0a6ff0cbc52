package io.minidp.processor.decode;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minidp.processor.LocalSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.avro.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decimals as Debezium's Avro converter writes them, read by Spark's own Avro reader. */
class ColumnMappingTest {

    /** A row image as Debezium writes one: numeric(50,10), numeric(12,2), and money (no declared precision: 64). */
    private static final Schema ROW = new Schema.Parser().parse("""
            {"type": "record", "name": "Value", "namespace": "it.public.wide", "fields": [
              {"name": "id", "type": "int"},
              {"name": "big", "type": ["null", {"type": "bytes", "scale": 10, "precision": 50, "connect.version": 1,
                "connect.parameters": {"scale": "10", "connect.decimal.precision": "50"},
                "connect.name": "org.apache.kafka.connect.data.Decimal", "logicalType": "decimal"}], "default": null},
              {"name": "price", "type": ["null", {"type": "bytes", "scale": 2, "precision": 12, "connect.version": 1,
                "connect.parameters": {"scale": "2", "connect.decimal.precision": "12"},
                "connect.name": "org.apache.kafka.connect.data.Decimal", "logicalType": "decimal"}], "default": null},
              {"name": "cash", "type": ["null", {"type": "bytes", "scale": 2, "precision": 64, "connect.version": 1,
                "connect.parameters": {"scale": "2"},
                "connect.name": "org.apache.kafka.connect.data.Decimal", "logicalType": "decimal"}], "default": null},
              {"name": "cashes", "type": ["null", {"type": "array", "items": ["null", {"type": "bytes", "scale": 2,
                "precision": 64, "connect.version": 1, "connect.parameters": {"scale": "2"},
                "connect.name": "org.apache.kafka.connect.data.Decimal", "logicalType": "decimal"}]}], "default": null}
            ]}""");

    private static SparkSession spark;

    @BeforeAll
    static void start(@TempDir Path dir) {
        spark = LocalSpark.builder("column-mapping-test", dir).getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void decimalsWiderThanSparksAreKeptAsTheirExactTextAndTheOthersAsDecimals() throws IOException {
        String wide = "1234567890123456789012345678901234567890.0123456789"; // 50 digits
        Dataset<Row> lake = lake(List.of(
                record(1, new BigDecimal(wide), new BigDecimal("12.30"), new BigDecimal("1234.56")),
                record(2, new BigDecimal("-0.0000000001"), new BigDecimal("-7.00"), new BigDecimal("-0.05")),
                record(3, null, null, null)), ColumnMapping.readerSchema(ROW));

        assertThat(lake.schema().apply("big").dataType()).isEqualTo(DataTypes.StringType);
        assertThat(lake.schema().apply("cash").dataType()).isEqualTo(DataTypes.StringType);
        assertThat(lake.schema().apply("price").dataType()).isEqualTo(new DecimalType(12, 2));
        assertThat(lake.schema().apply("cashes").dataType()).isEqualTo(DataTypes.createArrayType(DataTypes.StringType));
        List<Row> rows = lake.orderBy("id").collectAsList();
        assertThat(rows.get(0).<String>getAs("big")).isEqualTo(wide);
        assertThat(rows.get(0).<BigDecimal>getAs("price")).isEqualTo(new BigDecimal("12.30"));
        assertThat(rows.get(0).<String>getAs("cash")).isEqualTo("1234.56");
        assertThat(rows.get(0).getList(rows.get(0).fieldIndex("cashes"))).containsExactly("1.50", null, "-2.00");
        assertThat(rows.get(1).<String>getAs("big")).isEqualTo("-0.0000000001");
        assertThat(rows.get(1).<BigDecimal>getAs("price")).isEqualTo(new BigDecimal("-7.00"));
        assertThat(rows.get(1).<String>getAs("cash")).isEqualTo("-0.05");
        assertThat(rows.get(2).<String>getAs("big")).isNull();
        assertThat(rows.get(2).<String>getAs("cash")).isNull();
        assertThat(rows.get(2).isNullAt(rows.get(2).fieldIndex("cashes"))).isTrue();
    }

    @Test
    void sparkRefusesTheWriterSchemaItself() {
        // What readerSchema is for: with the writer's schema as it is, not one record of the topic can be read.
        assertThatThrownBy(() -> lake(List.of(), ROW.toString()).collectAsList())
                .hasMessageContaining("Decimal precision 50 exceeds max precision 38");
    }

    @Test
    void aSchemaWithoutWideDecimalsIsReadAsItIs() {
        Schema narrow = new Schema.Parser().parse("""
                {"type": "record", "name": "V", "fields": [{"name": "p", "type": {"type": "bytes", "scale": 2,
                  "precision": 38, "logicalType": "decimal"}}]}""");
        assertThat(ColumnMapping.readerSchema(narrow)).isEqualTo(narrow.toString());
        Schema reader = new Schema.Parser().parse(ColumnMapping.readerSchema(ROW));
        assertThat(ColumnMapping.nonNull(reader.getField("big").schema()).getLogicalType()).isNull();
        assertThat(ColumnMapping.nonNull(reader.getField("cash").schema()).getLogicalType()).isNull();
        assertThat(ColumnMapping.nonNull(reader.getField("price").schema()).getLogicalType()).isEqualTo(LogicalTypes.decimal(12, 2));
    }

    /** Each record's Avro bytes, read with {@code readerSchema}, each field as {@link ColumnMapping#convert} makes it. */
    private static Dataset<Row> lake(List<byte[]> records, String readerSchema) {
        List<Row> rows = new ArrayList<>();
        for (byte[] r : records) {
            rows.add(RowFactory.create((Object) r));
        }
        Dataset<Row> raw = spark.createDataFrame(rows, new StructType().add("value", DataTypes.BinaryType));
        Dataset<Row> decoded = raw.select(functions.from_avro(col("value"), readerSchema, Map.of("mode", "FAILFAST")).as("e"));
        List<Column> columns = new ArrayList<>();
        for (Schema.Field f : ROW.getFields()) {
            columns.add(ColumnMapping.convert(col("e." + f.name()), f.schema()).as(f.name()));
        }
        return decoded.select(columns.toArray(Column[]::new));
    }

    private static byte[] record(int id, BigDecimal big, BigDecimal price, BigDecimal cash) throws IOException {
        GenericData data = new GenericData();
        data.addLogicalTypeConversion(new Conversions.DecimalConversion());
        GenericRecord r = new GenericData.Record(ROW);
        r.put("id", id);
        r.put("big", big);
        r.put("price", price);
        r.put("cash", cash);
        r.put("cashes", cash == null ? null : java.util.Arrays.asList(new BigDecimal("1.50"), null, new BigDecimal("-2.00")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(ROW, data).write(r, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
