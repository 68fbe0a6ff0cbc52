package io.minidp.processor.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.minidp.common.avro.ConfluentAvro;
import io.minidp.common.avro.SchemaRegistryClient;
import io.minidp.common.cdc.SnapshotProgress;
import io.minidp.processor.lake.CheckpointOffsets;
import io.minidp.processor.lake.LakePaths;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks every part of the platform for its state, as the console shows it: each service's health
 * and address, the connector and its tasks, the consumer's and the processor's lag per topic, the
 * WAL each replication slot holds back, each lake table's versions, rows and freshness (and its
 * freshness over the last minutes), and the latest dead letters. Each answer comes from the part
 * itself (PostgreSQL's catalog, Kafka's admin API, Connect's REST API, the registry's health, the
 * processor's checkpoint and status in the lake); a part that does not answer is shown as such,
 * with why. One thread samples ({@link #sample}); readers get the last sample.
 */
final class PlatformProbe implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformProbe.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    /** Freshness samples kept for the chart: the last ten minutes at one sample every two seconds. */
    private static final int HISTORY = 300;
    private static final int DEAD_LETTERS_SHOWN = 10;

    private final ConsoleSettings settings;
    private final LakePaths lake;
    /** The store's settings with calls that fail fast: a store that is away must not hold the whole sample up. */
    private final Configuration hadoop;
    /** The lake's and the checkpoint's file systems, the probe's own (Hadoop's cached ones retry for a minute). */
    private FileSystem lakeFs;
    private FileSystem checkpointFs;
    private final String queryAddress;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final Pattern changeTopics;
    private final Deque<ObjectNode> freshness = new ArrayDeque<>();
    private Admin admin;
    /** Follows Debezium's notifications from the topic's start: where each table's snapshot stands. */
    private KafkaConsumer<byte[], byte[]> notifications;
    /** Reads the dead-letter topic's last letters; kept open between samples. */
    private KafkaConsumer<byte[], byte[]> deadLetterReader;
    /** The dead-letter topic's end offsets at the last read, and the letters shown then. */
    private Map<TopicPartition, Long> deadLetterEnds = Map.of();
    private ArrayNode lastLetters = JSON.createArrayNode();
    private final SnapshotProgress snapshots = new SnapshotProgress();
    private final ConfluentAvro avro;
    /** Rows per table of the public schema, from PostgreSQL's statistics at the last sample. */
    private final Map<String, Long> liveRows = new TreeMap<>();
    /** Row changes PostgreSQL had taken in the public schema at the last sample, and when. */
    private long lastWrites = -1;
    private long lastWritesAt;
    private volatile ObjectNode last = JSON.createObjectNode();

    PlatformProbe(ConsoleSettings settings, LakePaths lake, Configuration hadoop, String queryAddress) {
        this.settings = settings;
        this.lake = lake;
        this.hadoop = new Configuration(hadoop);
        this.hadoop.set("fs.s3a.attempts.maximum", "1");
        this.hadoop.set("fs.s3a.retry.limit", "1");
        this.hadoop.set("fs.s3a.retry.throttle.limit", "1");
        this.hadoop.set("fs.s3a.connection.establish.timeout", Long.toString(TIMEOUT.toMillis()));
        this.hadoop.set("fs.s3a.connection.timeout", Long.toString(TIMEOUT.toMillis()));
        this.queryAddress = queryAddress;
        this.changeTopics = settings.topics().tables();
        this.avro = new ConfluentAvro(new SchemaRegistryClient(settings.registry(), TIMEOUT));
    }

    /** The last sample (empty before the first). */
    ObjectNode last() {
        return last;
    }

    /** Asks every part once and keeps the answer. Never throws: a part that fails is shown failing. */
    synchronized void sample() {
        ObjectNode o = JSON.createObjectNode();
        Instant now = Instant.now();
        o.put("at", now.toString());
        ArrayNode services = o.putArray("services");
        Map<TopicPartition, Long> ends = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));

        services.add(postgres(o));
        services.add(generator(o));
        services.add(kafka(ends));
        services.add(httpService("schema-registry", settings.registry().url(), "/health/ready"));
        services.add(httpService("kafka-connect", settings.connectUrl(), "/"));
        o.set("connector", connector());
        services.add(objectStore());
        services.add(consumer(o, ends));
        services.add(processor(o, ends, now));
        services.add(service("query-service", queryAddress, "healthy", "answering (this console is served by it)"));
        o.set("deadLetters", deadLetters());
        o.set("snapshots", snapshots());
        last = o;
    }

    private ObjectNode service(String name, String address, String state, String detail) {
        ObjectNode s = JSON.createObjectNode();
        s.put("name", name);
        s.put("address", address);
        s.put("state", state);
        s.put("detail", detail);
        return s;
    }

    /** PostgreSQL: reachable, its replication slots, and how fast it takes row changes (the generator's work). */
    private ObjectNode postgres(ObjectNode o) {
        ArrayNode slots = o.putArray("slots");
        String address = settings.postgres().host() + ":" + settings.postgres().port() + "/" + settings.postgres().database();
        try (Connection c = DriverManager.getConnection(settings.postgres().jdbcUrl(), settings.postgres().user(),
                settings.postgres().password().value())) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                    SELECT slot_name, slot_type, active, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint,
                           confirmed_flush_lsn::text
                    FROM pg_replication_slots ORDER BY slot_name""")) {
                while (rs.next()) {
                    ObjectNode slot = slots.addObject();
                    slot.put("name", rs.getString(1));
                    slot.put("type", rs.getString(2));
                    slot.put("active", rs.getBoolean(3));
                    slot.put("walHeldBackBytes", rs.getLong(4));
                    slot.put("confirmedFlushLsn", rs.getString(5));
                    slot.put("ours", rs.getString(1).equals(settings.slot()));
                }
            }
            long writes = 0;
            liveRows.clear();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                    SELECT relname, n_live_tup, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables
                    WHERE schemaname = 'public'""")) {
                while (rs.next()) {
                    liveRows.put(rs.getString(1), rs.getLong(2));
                    writes += rs.getLong(3);
                }
            }
            long at = System.nanoTime();
            if (lastWrites >= 0 && writes >= lastWrites && at > lastWritesAt) {
                o.put("writesPerSecond", Math.round((writes - lastWrites) / ((at - lastWritesAt) / 1e9)));
            }
            lastWrites = writes;
            lastWritesAt = at;
            return service("postgres", address, "healthy", slots.size() + " replication slot(s)");
        } catch (Exception e) {
            return service("postgres", address, "unreachable", firstLine(e));
        }
    }

    /**
     * The data-generator, by its work: the row changes PostgreSQL takes per second in the public
     * schema (anyone's writes count; the generator is the one writer of a shop left alone).
     */
    private ObjectNode generator(ObjectNode o) {
        if (!o.has("writesPerSecond")) {
            return service("data-generator", "-", "unknown", "measured from PostgreSQL's counters from the second sample on");
        }
        long rate = o.path("writesPerSecond").asLong();
        return service("data-generator", "-", rate > 0 ? "healthy" : "idle", rate > 0
                ? String.format("the shop's tables take %,d row changes/s", rate) : "no row changes in the shop's tables");
    }

    private FileSystem lakeFs() throws java.io.IOException {
        if (lakeFs == null) {
            lakeFs = FileSystem.newInstance(URI.create(lake.root()), hadoop);
        }
        return lakeFs;
    }

    private Admin admin() {
        if (admin == null) {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafka().bootstrapServers());
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
            admin = Admin.create(p);
        }
        return admin;
    }

    /** Kafka: its brokers, and each change topic's end offsets (into {@code ends}). */
    private ObjectNode kafka(Map<TopicPartition, Long> ends) {
        String address = settings.kafka().bootstrapServers();
        try {
            int brokers = admin().describeCluster().nodes().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).size();
            List<String> topics = admin().listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).stream()
                    .filter(t -> changeTopics.matcher(t).matches()).sorted().toList();
            Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
            Collection<TopicDescription> described = admin().describeTopics(topics).allTopicNames()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).values();
            for (TopicDescription d : described) {
                d.partitions().forEach(p -> wanted.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
            }
            admin().listOffsets(wanted).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .forEach((tp, info) -> ends.put(tp, info.offset()));
            return service("kafka", address, "healthy", brokers + " broker(s), " + topics.size() + " change topic(s)");
        } catch (Exception e) {
            return service("kafka", address, "unreachable", firstLine(e));
        }
    }

    private ObjectNode httpService(String name, URI base, String healthPath) {
        String url = base.toString().replaceAll("/+$", "");
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url + healthPath)).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200 ? service(name, url, "healthy", "GET " + healthPath + ": 200")
                    : service(name, url, "unhealthy", "GET " + healthPath + ": " + r.statusCode());
        } catch (Exception e) {
            return service(name, url, "unreachable", firstLine(e));
        }
    }

    /** The Debezium connector and its tasks, as Kafka Connect reports them. */
    private ObjectNode connector() {
        ObjectNode c = JSON.createObjectNode();
        c.put("name", settings.connector());
        String url = settings.connectUrl().toString().replaceAll("/+$", "") + "/connectors/" + settings.connector() + "/status";
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() == 404) {
                c.put("state", "NOT REGISTERED");
                c.put("detail", "Kafka Connect has no connector " + settings.connector()
                        + " (debezium-configurator registers it; ./platform restart debezium-configurator)");
                return c;
            }
            JsonNode status = JSON.readTree(r.body());
            c.put("state", status.path("connector").path("state").asText("UNKNOWN"));
            c.put("worker", status.path("connector").path("worker_id").asText(""));
            String trace = status.path("connector").path("trace").asText("");
            if (!trace.isEmpty()) {
                c.put("lastError", trace.lines().findFirst().orElse(""));
            }
            ArrayNode tasks = c.putArray("tasks");
            for (JsonNode t : status.path("tasks")) {
                ObjectNode task = tasks.addObject();
                task.put("id", t.path("id").asInt());
                task.put("state", t.path("state").asText());
                task.put("worker", t.path("worker_id").asText(""));
                String taskTrace = t.path("trace").asText("");
                if (!taskTrace.isEmpty()) {
                    task.put("lastError", taskTrace.lines().findFirst().orElse(""));
                }
            }
        } catch (Exception e) {
            c.put("state", "UNKNOWN");
            c.put("detail", "Kafka Connect did not answer: " + firstLine(e));
        }
        return c;
    }

    private ObjectNode objectStore() {
        String address = lake.root();
        try {
            FileSystem fs = lakeFs();
            boolean bucket = fs.exists(new Path(lake.root() + "/"));
            return service("object store", address, bucket ? "healthy" : "unhealthy",
                    bucket ? "the lake's bucket answers" : "no bucket (minio-init creates it)");
        } catch (Exception e) {
            return service("object store", address, "unreachable", firstLine(e));
        }
    }

    /** The kafka-consumer, from its group: members, and its lag per topic (into the overview's "lag"). */
    private ObjectNode consumer(ObjectNode o, Map<TopicPartition, Long> ends) {
        ArrayNode lag = o.putArray("lag");
        String group = settings.consumerGroup();
        try {
            ConsumerGroupDescription d = admin().describeConsumerGroups(List.of(group)).all()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(group);
            Map<TopicPartition, OffsetAndMetadata> committed = admin().listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Map<String, Long> consumerLag = perTopic(ends, tp -> committed.containsKey(tp) ? committed.get(tp).offset() : 0L);
            consumerLag.forEach((topic, behind) -> {
                ObjectNode row = lag.addObject();
                row.put("topic", topic);
                row.put("consumer", behind);
            });
            int members = d.members().size();
            String state = members > 0 ? "healthy" : "not running";
            return service("kafka-consumer", "group " + group, state, members + " member(s), group " + d.state()
                    + ", " + consumerLag.values().stream().mapToLong(Long::longValue).sum() + " record(s) behind");
        } catch (Exception e) {
            return service("kafka-consumer", "group " + group, "unknown", "Kafka did not answer: " + firstLine(e));
        }
    }

    /**
     * The spark-processor, from its checkpoint (the offsets it has committed: its lag per topic)
     * and the status it keeps in the lake (each table's versions, rows and freshness).
     */
    private ObjectNode processor(ObjectNode o, Map<TopicPartition, Long> ends, Instant now) {
        ArrayNode tables = o.putArray("tables");
        long behind = -1;
        String lagProblem = null;
        try {
            if (checkpointFs == null) {
                checkpointFs = FileSystem.newInstance(URI.create(settings.checkpoint()), hadoop);
            }
            Map<TopicPartition, Long> done = CheckpointOffsets.committed(checkpointFs, settings.checkpoint());
            Map<String, Long> processorLag = perTopic(ends, tp -> done.getOrDefault(tp, 0L));
            behind = processorLag.values().stream().mapToLong(Long::longValue).sum();
            for (JsonNode row : o.path("lag")) {
                ((ObjectNode) row).put("processor", processorLag.getOrDefault(row.path("topic").asText(), 0L));
            }
        } catch (Exception e) {
            lagProblem = firstLine(e);
        }
        JsonNode status;
        try {
            FileSystem fs = lakeFs();
            Path file = new Path(lake.statusObject());
            if (!fs.exists(file)) {
                return service("spark-processor", "checkpoint " + settings.checkpoint(), "starting",
                        "no status in the lake yet (the processor writes it after its first batch)");
            }
            try (var in = fs.open(file)) {
                status = JSON.readTree(in);
            }
        } catch (Exception e) {
            return service("spark-processor", "checkpoint " + settings.checkpoint(), "unknown",
                    "cannot read its status in the lake: " + firstLine(e));
        }
        ObjectNode sample = JSON.createObjectNode();
        sample.put("at", now.toString());
        ObjectNode seconds = sample.putObject("seconds");
        status.path("tables").fields().forEachRemaining(e -> {
            JsonNode t = e.getValue();
            ObjectNode row = tables.addObject();
            row.put("table", e.getKey());
            row.put("bronzeVersion", t.path("bronzeVersion").asLong(-1));
            row.put("silverVersion", t.path("silverVersion").asLong(-1));
            row.put("silverRows", t.path("silverRows").asLong(0));
            row.set("lastChangeAt", t.path("lastChangeAt"));
            row.set("lastAppliedAt", t.path("lastAppliedAt"));
            if (t.path("stopped").isTextual()) {
                row.put("stopped", t.path("stopped").asText());
            }
            if (t.path("lastAppliedAt").isTextual()) {
                long age = Math.max(0, Duration.between(Instant.parse(t.path("lastAppliedAt").asText()), now).toSeconds());
                row.put("freshnessSeconds", age);
                seconds.put(e.getKey(), age);
            }
        });
        freshness.addLast(sample);
        while (freshness.size() > HISTORY) {
            freshness.removeFirst();
        }
        o.set("freshness", JSON.valueToTree(freshness));
        long lastBatch = status.path("lastBatch").asLong(-1);
        String lastBatchAt = status.path("lastBatchAt").asText("");
        long sinceBatch = lastBatchAt.isEmpty() ? -1 : Duration.between(Instant.parse(lastBatchAt), now).toSeconds();
        String state = behind > 0 && sinceBatch > 300 ? "stalled" : "healthy";
        String detail = "last batch " + lastBatch + (sinceBatch >= 0 ? ", " + sinceBatch + " s ago" : "")
                + (lagProblem != null ? "; lag unknown: " + lagProblem : behind >= 0 ? ", " + behind + " record(s) behind" : "");
        return service("spark-processor", "checkpoint " + settings.checkpoint(), state, detail);
    }

    /** Records behind per topic: each partition's end minus what {@code done} says was read. */
    private static Map<String, Long> perTopic(Map<TopicPartition, Long> ends,
                                              java.util.function.Function<TopicPartition, Long> done) {
        Map<String, Long> byTopic = new TreeMap<>();
        ends.forEach((tp, end) -> byTopic.merge(tp.topic(), Math.max(0, end - done.apply(tp)), Long::sum));
        return byTopic;
    }

    /**
     * Each table's latest snapshot (the initial one, or a re-snapshot), from Debezium's
     * notifications, with PostgreSQL's row count (its statistics: an estimate on a busy table).
     */
    private ArrayNode snapshots() {
        try {
            if (notifications == null) {
                Properties p = new Properties();
                p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafka().bootstrapServers());
                p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
                p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
                p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
                notifications = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                notifications.assign(List.of(new TopicPartition(settings.topics().notifications(), 0)));
            }
            for (ConsumerRecord<byte[], byte[]> r : notifications.poll(Duration.ofMillis(200))) {
                try {
                    snapshots.add(avro.decode(r.value()).value());
                } catch (ConfluentAvro.MalformedMessage e) {
                    LOG.warn("A notification in {} at offset {} cannot be read: {}", r.topic(), r.offset(), e.getMessage());
                } catch (SchemaRegistryClient.RegistryUnavailable e) {
                    // Read again from this one at the next sample: a notification is not skipped because the registry was away.
                    notifications.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
                    LOG.debug("The registry is away; Debezium's notifications are read on at the next sample: {}", e.toString());
                    break;
                }
            }
        } catch (Exception e) {
            // The registry or Kafka away: the tables keep what was read; the next sample reads on.
            LOG.debug("Cannot read Debezium's notifications: {}", e.toString());
        }
        ArrayNode out = JSON.createArrayNode();
        for (SnapshotProgress.Table t : snapshots.tables()) {
            ObjectNode row = out.addObject();
            long pg = liveRows.getOrDefault(t.table(), -1L);
            row.put("table", t.table());
            row.put("kind", t.kind());
            row.put("state", t.state());
            row.put("rowsRead", t.rowsRead());
            row.put("rowsInPostgres", pg);
            row.put("line", SnapshotProgress.describe(t, pg));
            row.put("at", t.at().toString());
        }
        return out;
    }

    /**
     * The latest dead letters: where each came from and why it was refused (the consumer's
     * headers). Read again only when the topic has grown since the last sample.
     */
    private ArrayNode deadLetters() {
        try {
            if (deadLetterReader == null) {
                Properties p = new Properties();
                p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafka().bootstrapServers());
                p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
                p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
                p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
                deadLetterReader = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            }
            KafkaConsumer<byte[], byte[]> c = deadLetterReader;
            var infos = c.partitionsFor(settings.deadLetters(), TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                return JSON.createArrayNode(); // no dead letter yet: the consumer creates the topic with its first
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            Map<TopicPartition, Long> endOffsets = c.endOffsets(partitions, TIMEOUT);
            if (endOffsets.equals(deadLetterEnds)) {
                return lastLetters;
            }
            c.assign(partitions);
            Map<TopicPartition, Long> beginnings = c.beginningOffsets(partitions, TIMEOUT);
            long remaining = 0;
            for (TopicPartition tp : partitions) {
                long from = Math.max(beginnings.get(tp), endOffsets.get(tp) - DEAD_LETTERS_SHOWN);
                c.seek(tp, from);
                remaining += endOffsets.get(tp) - from;
            }
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (read.size() < remaining && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(read::add);
            }
            read.sort(java.util.Comparator.comparingLong(ConsumerRecord<byte[], byte[]>::timestamp).reversed());
            ArrayNode letters = JSON.createArrayNode();
            for (ConsumerRecord<byte[], byte[]> r : read.subList(0, Math.min(read.size(), DEAD_LETTERS_SHOWN))) {
                ObjectNode l = letters.addObject();
                l.put("at", Instant.ofEpochMilli(r.timestamp()).toString());
                l.put("offset", r.offset());
                l.put("topic", header(r, "dlq.topic"));
                l.put("partition", header(r, "dlq.partition"));
                l.put("sourceOffset", header(r, "dlq.offset"));
                l.put("reason", header(r, "dlq.reason"));
                l.put("bytes", r.value() == null ? 0 : r.value().length);
            }
            if (read.size() >= remaining) {
                // All read: the next sample shows these until the topic grows.
                deadLetterEnds = endOffsets;
                lastLetters = letters;
            }
            return letters;
        } catch (Exception e) {
            LOG.debug("Cannot read the dead letters: {}", e.toString());
            return lastLetters;
        }
    }

    /** A header the kafka-consumer's DeadLetters writes ({@code dlq.*}), as text; empty when absent. */
    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root
                && (root instanceof java.util.concurrent.ExecutionException || root.getMessage() == null)) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    /** Closes the clients; not synchronized: a sample still running must not hold the service's stop up. */
    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {notifications, deadLetterReader, admin, lakeFs, checkpointFs}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("Closing the probe's {}: {}", c.getClass().getSimpleName(), e.toString());
                }
            }
        }
    }
}
