package io.minidp.processor.decode;

import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * How one column of a Debezium row image becomes a lake column: the Avro type Spark decodes it to,
 * turned into the type it had in PostgreSQL. Debezium names its semantic types in the schema's
 * {@code connect.name}; the session time zone is UTC, so every conversion is exact.
 *
 * <ul>
 *   <li>timestamptz ({@code ZonedTimestamp}, ISO-8601 in UTC with microseconds) → timestamp (an instant);</li>
 *   <li>timestamp ({@code MicroTimestamp}/{@code Timestamp}/{@code NanoTimestamp}) → timestamp_ntz;</li>
 *   <li>date ({@code Date}, days since 1970-01-01) → date;</li>
 *   <li>time ({@code MicroTime}/{@code Time}/{@code NanoTime}) → a {@code HH:mm:ss.SSSSSS} string;</li>
 *   <li>numeric(p,s) → decimal(p,s) (an Avro decimal, decoded by Spark as such); smallint → short;</li>
 *   <li>a decimal wider than Spark's 38 digits (numeric(p,s) with p up to 1000; money, which Debezium
 *       sends with no declared precision, so 64) → its exact decimal text, in an array too: Spark refuses
 *       such a decimal type, so {@link #readerSchema} reads its bytes and the scale from the writer's
 *       schema gives the value;</li>
 *   <li>numeric without a precision ({@code VariableScaleDecimal}: an unscaled integer and a scale per
 *       value) → its exact decimal text, as PostgreSQL prints it ({@code 1.50}, {@code -7}): no
 *       decimal type of Spark holds every such value, and a string loses nothing;</li>
 *   <li>interval ({@code Interval}, with {@code interval.handling.mode=string}) → ISO 8601 text as
 *       PostgreSQL prints it ({@link Intervals});</li>
 *   <li>arrays → Spark arrays of their elements; enums → their label;</li>
 *   <li>everything else (text, json, uuid, boolean, bytea, integers, floats) as Avro carries it.</li>
 * </ul>
 */
public final class ColumnMapping {

    /** The most digits a Spark decimal holds. */
    static final int SPARK_MAX_PRECISION = DecimalType.MAX_PRECISION();

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A decimal (two's-complement big-endian unscaled value, scale) as exact text: Debezium's
     * VariableScaleDecimal, and an Avro decimal wider than Spark's.
     */
    private static final UserDefinedFunction DECIMAL_TEXT = functions.udf(
            (UDF2<byte[], Integer, String>) (unscaled, scale) -> unscaled == null || scale == null ? null
                    : new BigDecimal(new BigInteger(unscaled), scale).toPlainString(),
            DataTypes.StringType);

    private static final UserDefinedFunction INTERVAL = functions.udf(
            (org.apache.spark.sql.api.java.UDF1<String, String>) Intervals::canonical, DataTypes.StringType);

    private ColumnMapping() {}

    /** The lake column for {@code value}, a decoded Avro field whose schema is {@code fieldSchema}. */
    public static Column convert(Column value, Schema fieldSchema) {
        Schema s = nonNull(fieldSchema);
        if (isWideDecimal(s)) {
            return DECIMAL_TEXT.apply(value, lit(((LogicalTypes.Decimal) s.getLogicalType()).getScale()));
        }
        if (s.getType() == Schema.Type.ARRAY && isWideDecimal(nonNull(s.getElementType()))) {
            int scale = ((LogicalTypes.Decimal) nonNull(s.getElementType()).getLogicalType()).getScale();
            return functions.transform(value, element -> DECIMAL_TEXT.apply(element, lit(scale)));
        }
        String connectName = s.getProp("connect.name");
        if (connectName != null) {
            switch (connectName) {
                case "io.debezium.time.ZonedTimestamp":
                    return value.cast("timestamp");
                case "io.debezium.time.MicroTimestamp":
                    return functions.timestamp_micros(value).cast("timestamp_ntz");
                case "io.debezium.time.Timestamp":
                    return functions.timestamp_millis(value).cast("timestamp_ntz");
                case "io.debezium.time.NanoTimestamp":
                    return functions.timestamp_micros(functions.floor(value.divide(1000))).cast("timestamp_ntz");
                case "io.debezium.time.Date":
                    return functions.date_from_unix_date(value);
                case "io.debezium.time.MicroTime":
                    return date_format(functions.timestamp_micros(value), "HH:mm:ss.SSSSSS");
                case "io.debezium.time.Time":
                    return date_format(functions.timestamp_millis(value), "HH:mm:ss.SSS");
                case "io.debezium.data.VariableScaleDecimal":
                    return DECIMAL_TEXT.apply(value.getField("value"), value.getField("scale"));
                case "io.debezium.time.Interval":
                    return INTERVAL.apply(value);
                case "io.debezium.time.NanoTime":
                    return date_format(functions.timestamp_micros(functions.floor(value.divide(1000))), "HH:mm:ss.SSSSSS");
                default:
                    break;
            }
        }
        String connectType = s.getProp("connect.type");
        if ("int16".equals(connectType)) {
            return value.cast("smallint");
        }
        if ("int8".equals(connectType)) {
            return value.cast("tinyint");
        }
        return value;
    }

    /**
     * The schema Spark reads {@code writer}'s records with: the same, but for decimals wider than
     * Spark's, which lose their logical type and are read as the bytes they are written as
     * ({@link #convert} turns them into text). Spark would refuse the whole schema otherwise.
     */
    public static String readerSchema(Schema writer) {
        String json = writer.toString();
        if (!json.contains("\"decimal\"")) {
            return json;
        }
        try {
            JsonNode tree = JSON.readTree(json);
            dropWideDecimalTypes(tree);
            return tree.toString();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Avro wrote a schema that is not JSON: " + json, e);
        }
    }

    private static void dropWideDecimalTypes(JsonNode node) {
        if (node instanceof ObjectNode o && "decimal".equals(o.path("logicalType").asText())
                && o.path("precision").asInt() > SPARK_MAX_PRECISION) {
            o.remove("logicalType");
        }
        node.forEach(ColumnMapping::dropWideDecimalTypes);
    }

    static boolean isWideDecimal(Schema s) {
        return s.getLogicalType() instanceof LogicalTypes.Decimal d && d.getPrecision() > SPARK_MAX_PRECISION;
    }

    /** Debezium's schema parameter (with {@code column.propagate.source.type}) that keeps a column's own name. */
    static final String SOURCE_COLUMN_NAME = "__debezium.source.column.name";

    /**
     * The lake name of a column: its name in PostgreSQL, exactly (case, spaces, reserved words and
     * all). Debezium makes names Avro can hold ({@code field.name.adjustment.mode=avro}: {@code my col}
     * becomes {@code my_col}) and keeps the real one in the field's schema parameters; without
     * them, the Avro name is the name.
     */
    public static String columnName(Schema.Field field) {
        Object parameters = nonNull(field.schema()).getObjectProp("connect.parameters");
        if (parameters instanceof java.util.Map<?, ?> m && m.get(SOURCE_COLUMN_NAME) instanceof String name
                && !name.isEmpty()) {
            return name;
        }
        return field.name();
    }

    /** The schema of a nullable union's non-null branch, or the schema itself. */
    public static Schema nonNull(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            for (Schema branch : schema.getTypes()) {
                if (branch.getType() != Schema.Type.NULL) {
                    return branch;
                }
            }
        }
        return schema;
    }
}
