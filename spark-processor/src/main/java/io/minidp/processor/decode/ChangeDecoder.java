package io.minidp.processor.decode;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.conv;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.minidp.common.avro.SchemaRegistryClient;
import io.minidp.common.cdc.CdcTopics;
import io.minidp.common.cdc.Signals;
import io.minidp.common.avro.UnknownSchemaException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.avro.functions;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a micro-batch of raw Kafka records (Confluent-framed Avro written by Debezium) into
 * flattened change rows per table. Each message is decoded with its own writer schema: the batch is
 * split by schema id, and each part is read with the schema the registry has for that id, so a
 * column added in PostgreSQL arrives without a restart.
 *
 * <p>Every change row carries, after the table's columns: {@code _op} (c, u, d or r for a snapshot
 * read, t for a TRUNCATE), {@code _lsn} (the change's WAL position), {@code _commit_lsn} (the commit
 * position of the transaction before it; -1 in the initial snapshot, 0 before the first commit), {@code _tx_id}, {@code _source_ts} (commit time in PostgreSQL),
 * {@code _snapshot}, {@code _kafka_topic}, {@code _kafka_partition}, {@code _kafka_offset},
 * {@code _schema_id}, {@code _batch_id}, {@code _ingested_at} and {@code _date} (the commit date, UTC).
 *
 * <p>A message that cannot be decoded is not dropped and does not stop the stream: it is returned
 * among the rejected records with the reason, topic, partition and offset.
 */
public final class ChangeDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeDecoder.class);

    /** Columns every change row ends with, in order. */
    public static final List<String> META_COLUMNS = List.of("_op", "_lsn", "_commit_lsn", "_tx_id", "_source_ts",
            "_snapshot", "_kafka_topic", "_kafka_partition", "_kafka_offset", "_schema_id", "_batch_id", "_ingested_at",
            "_date");

    /**
     * The decoded batch: per table changes, the records that could not be decoded, and per table
     * the Kafka records its changes came from.
     */
    public record Decoded(List<TableChanges> tables, Dataset<Row> rejected, Map<String, Dataset<Row>> records,
                          long batchId) {

        /**
         * {@code table}'s records in this batch, with {@code reason}, in the shape of
         * {@link #rejected}: for changes the lake cannot take now, kept with their bytes.
         */
        public Dataset<Row> kept(String table, String reason) {
            return reject(records.get(table), batchId, reason);
        }
    }

    private final SchemaRegistryClient registry;
    private final Pattern topics;
    /** Topic → the lake name of its table; a topic's table never changes. */
    private final Map<String, String> tableNames = new java.util.concurrent.ConcurrentHashMap<>();

    public ChangeDecoder(SchemaRegistryClient registry, String topicPrefix) {
        this.registry = registry;
        this.topics = new CdcTopics(topicPrefix).tables();
    }

    /** The Kafka topics this decoder reads, as a regular expression for Spark's subscribePattern. */
    public String topicPattern() {
        return topics.pattern();
    }

    /** Whether {@code topic} is a CDC table topic ({@code <prefix>.<schema>.<table>}). */
    public boolean isTableTopic(String topic) {
        return topics.matcher(topic).matches();
    }

    /**
     * The lake name of a table: its PostgreSQL name, exactly, for the public schema;
     * {@code <schema>__<table>} for another. Taken from the events' {@code source}, not from the
     * topic, whose name Debezium has made Kafka-safe ({@code "my table"} arrives on {@code .my_table}).
     */
    public static String lakeName(String schema, String table) {
        return "public".equals(schema) ? table : schema + "__" + table;
    }

    /**
     * The lake name of the table whose events {@code events} (decoded, column {@code e}) are, ""
     * for Debezium's signalling table, or null when none decodes; asked once per topic.
     */
    private String tableOf(String topic, Dataset<Row> events) {
        return tableNames.computeIfAbsent(topic, t -> {
            List<Row> first = events.filter(col("e.op").isNotNull()).select(col("e.source.schema"), col("e.source.table"))
                    .limit(1).collectAsList();
            if (first.isEmpty()) {
                return null;
            }
            // Debezium's signalling table is the platform's, not the lake's.
            return Signals.SCHEMA.equals(first.get(0).getString(0)) ? ""
                    : lakeName(first.get(0).getString(0), first.get(0).getString(1));
        });
    }

    /**
     * Decodes {@code raw} (the Kafka source's columns: key, value, topic, partition, offset,
     * timestamp). Throws {@link SchemaRegistryClient.RegistryUnavailable} when the registry cannot
     * be asked: nothing is decided about the batch then, and the caller retries it.
     */
    public Decoded decode(Dataset<Row> raw, long batchId) throws SchemaRegistryClient.RegistryUnavailable {
        Dataset<Row> framed = raw
                .filter(col("value").isNotNull()) // Debezium's tombstones follow deletes and carry nothing more
                .withColumn("_value_id", schemaId(col("value")))
                .withColumn("_key_id", schemaId(col("key")));
        Dataset<Row> rejected = null;
        Map<String, List<Dataset<Row>>> parts = new LinkedHashMap<>();
        Map<String, List<String>> keys = new LinkedHashMap<>();
        Map<String, Dataset<Row>> records = new LinkedHashMap<>();
        List<Row> groups = framed.groupBy(col("topic"), col("_value_id")).agg(max(col("_key_id")).as("key_id"))
                .orderBy(col("topic"), col("_value_id")).collectAsList();
        for (Row g : groups) {
            String topic = g.getString(0);
            Dataset<Row> part = framed.filter(col("topic").equalTo(topic));
            if (g.isNullAt(1)) {
                rejected = union(rejected, reject(part.filter(col("_value_id").isNull()), batchId,
                        "not Confluent-framed Avro: fewer than 5 bytes, or the first byte is not the magic byte 0x00;"
                                + " only Debezium's Avro converter should write to this topic"));
                continue;
            }
            long id = g.getLong(1);
            part = part.filter(col("_value_id").equalTo(id));
            Schema envelope;
            try {
                envelope = registry.schema((int) id);
            } catch (UnknownSchemaException e) {
                rejected = union(rejected, reject(part, batchId, e.getMessage()));
                continue;
            }
            if (!isTableTopic(topic) || !isEnvelope(envelope)) {
                rejected = union(rejected, reject(part, batchId, "schema " + id + " is not a Debezium change event"
                        + " envelope (op, before, after, source)"));
                continue;
            }
            Dataset<Row> events = part.withColumn("e", functions.from_avro(expr("substring(value, 6)"),
                    ColumnMapping.readerSchema(envelope), Map.of("mode", "PERMISSIVE")));
            String table = tableOf(topic, events);
            if ("".equals(table)) {
                continue;
            }
            if (table == null) {
                rejected = union(rejected, reject(events.filter(col("e.op").isNull()).drop("e"), batchId,
                        "the Avro body does not match schema " + id + ", the schema its header names"));
                continue;
            }
            if (!g.isNullAt(2) && !keys.containsKey(table)) {
                keys.put(table, keyColumns((int) g.getLong(2), envelope));
            }
            rejected = union(rejected, reject(events.filter(col("e.op").isNull()).drop("e"), batchId,
                    "the Avro body does not match schema " + id + ", the schema its header names"));
            parts.computeIfAbsent(table, t -> new ArrayList<>())
                    .add(flatten(events.filter(col("e.op").isNotNull()), envelope, id, batchId));
            records.merge(table, events.filter(col("e.op").isNotNull()).drop("e"), Dataset::union);
        }
        List<TableChanges> tables = new ArrayList<>();
        for (Map.Entry<String, List<Dataset<Row>>> p : parts.entrySet()) {
            String table = p.getKey();
            List<Dataset<Row>> ds = p.getValue();
            try {
                Dataset<Row> all = ds.get(0);
                for (int i = 1; i < ds.size(); i++) {
                    all = all.unionByName(ds.get(i), true);
                }
                tables.add(new TableChanges(table, metaLast(all), keys.getOrDefault(table, List.of())));
            } catch (Exception e) {
                if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
                    throw e;
                }
                // A column's type changed to one the earlier type does not combine with (integer to text).
                tables.add(new TableChanges(table, null, keys.getOrDefault(table, List.of()), "its changes in batch " + batchId
                        + " have columns of types that do not combine: " + e.getMessage().lines().findFirst().orElse("")));
            }
        }
        return new Decoded(tables, rejected, records, batchId);
    }

    /** The id in a Confluent frame (magic byte 0, 4-byte big-endian id), or null when not framed. */
    static Column schemaId(Column bytes) {
        return when(length(bytes).geq(5).and(hex(expr("substring(" + bytes + ", 1, 1)")).equalTo("00")),
                conv(hex(expr("substring(" + bytes + ", 2, 4)")), 16, 10).cast(DataTypes.LongType));
    }

    private static boolean isEnvelope(Schema s) {
        return s.getType() == Schema.Type.RECORD && s.getField("op") != null && s.getField("after") != null
                && s.getField("before") != null && s.getField("source") != null;
    }

    /** The key's columns by their lake names, which the row image of {@code envelope} gives. */
    private List<String> keyColumns(int keySchemaId, Schema envelope) throws SchemaRegistryClient.RegistryUnavailable {
        try {
            Schema key = registry.schema(keySchemaId);
            Schema row = ColumnMapping.nonNull(envelope.getField("after").schema());
            return key.getType() == Schema.Type.RECORD ? key.getFields().stream().map(f -> {
                Schema.Field inRow = row.getField(f.name());
                return ColumnMapping.columnName(inRow != null ? inRow : f);
            }).toList() : List.of();
        } catch (UnknownSchemaException e) {
            LOG.warn("The key schema {} is unknown to the registry; the table is kept in bronze only: {}", keySchemaId,
                    e.getMessage());
            return List.of();
        }
    }

    private static Dataset<Row> flatten(Dataset<Row> events, Schema envelope, long schemaId, long batchId) {
        Schema row = ColumnMapping.nonNull(envelope.getField("after").schema());
        Schema source = ColumnMapping.nonNull(envelope.getField("source").schema());
        List<Column> columns = new ArrayList<>();
        Column deleted = col("e.op").equalTo("d");
        for (Schema.Field f : row.getFields()) {
            Column value = when(deleted, col("e.before." + quoted(f.name()))).otherwise(col("e.after." + quoted(f.name())));
            columns.add(ColumnMapping.convert(value, f.schema()).as(ColumnMapping.columnName(f)));
        }
        Column sourceTs = source.getField("ts_us") != null
                ? timestamp_micros(col("e.source.ts_us")) : timestamp_millis(col("e.source.ts_ms"));
        Column sequence = source.getField("sequence") != null
                ? from_json(col("e.source.sequence"), DataTypes.createArrayType(DataTypes.StringType))
                : lit(null).cast(DataTypes.createArrayType(DataTypes.StringType));
        Column commitLsn = element_at(sequence, 1).cast(DataTypes.LongType);
        Column snapshot = coalesce(col("e.source.snapshot").cast(DataTypes.StringType), lit("false"));
        // The initial snapshot has no commit LSN: below every streamed change, even one of a
        // transaction that began before the slot's consistent point. An incremental snapshot's
        // reads have no LSN of their own: their position is the window's closing signal (sequence).
        Column noCommit = when(snapshot.notEqual("false").and(snapshot.notEqual("incremental")), lit(-1L)).otherwise(lit(0L));
        columns.add(col("e.op").as("_op"));
        columns.add(coalesce(col("e.source.lsn").cast(DataTypes.LongType), element_at(sequence, 2).cast(DataTypes.LongType))
                .as("_lsn"));
        columns.add(coalesce(commitLsn, noCommit).as("_commit_lsn"));
        columns.add(col("e.source.txId").cast(DataTypes.LongType).as("_tx_id"));
        columns.add(sourceTs.as("_source_ts"));
        columns.add(snapshot.notEqual("false").as("_snapshot"));
        columns.add(col("topic").as("_kafka_topic"));
        columns.add(col("partition").as("_kafka_partition"));
        columns.add(col("offset").as("_kafka_offset"));
        columns.add(lit(schemaId).as("_schema_id"));
        columns.add(BatchConstant.of(batchId).as("_batch_id"));
        columns.add(BatchConstant.now().as("_ingested_at"));
        columns.add(to_date(sourceTs).as("_date"));
        return events.select(columns.toArray(Column[]::new));
    }

    /** After a union of schema versions, the metadata columns go back to the end. */
    private static Dataset<Row> metaLast(Dataset<Row> ds) {
        List<Column> ordered = new ArrayList<>();
        for (String c : ds.columns()) {
            if (!META_COLUMNS.contains(c)) {
                ordered.add(col(quoted(c)));
            }
        }
        META_COLUMNS.forEach(c -> ordered.add(col(c)));
        return ds.select(ordered.toArray(Column[]::new));
    }

    private static Dataset<Row> reject(Dataset<Row> records, long batchId, String reason) {
        return records.select(col("topic").as("_kafka_topic"), col("partition").as("_kafka_partition"),
                col("offset").as("_kafka_offset"), col("timestamp").as("_kafka_timestamp"), lit(reason).as("_reason"),
                col("key"), col("value"), BatchConstant.of(batchId).as("_batch_id"), BatchConstant.now().as("_rejected_at"));
    }

    private static Dataset<Row> union(Dataset<Row> a, Dataset<Row> b) {
        return a == null ? b : a.union(b);
    }

    static String quoted(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
