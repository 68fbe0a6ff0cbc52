package io.minidp.consumer;

import io.minidp.common.app.Readiness;
import io.minidp.common.avro.ConfluentAvro;
import io.minidp.common.avro.SchemaRegistryClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every CDC topic ({@code <prefix>.<schema>.<table>}, new tables included), decodes each
 * change with the writer schema its id names, validates it, and commits offsets only once every
 * change before them is handled: counted, or stored in the dead-letter topic. One bad message is
 * set aside; it never stops the stream. When the registry cannot be asked, nothing is committed or
 * dead-lettered: the consumer waits and reads the same messages again.
 */
public final class CdcConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(CdcConsumer.class);
    private static final Logger EVENTS = LoggerFactory.getLogger("changes");
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final ConsumerSettings settings;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ConfluentAvro avro;
    private final TableStats stats = new TableStats();
    private final EventSampler sampler;
    private final io.minidp.common.cdc.CdcTopics topics;
    private volatile boolean stopping;

    public CdcConsumer(ConsumerSettings settings) {
        this.settings = settings;
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafka().bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        // New tables' topics are found within seconds.
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5000);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.avro = new ConfluentAvro(new SchemaRegistryClient(settings.registry(), Duration.ofSeconds(5)));
        this.sampler = new EventSampler(settings.logEvents());
        this.topics = new io.minidp.common.cdc.CdcTopics(settings.topicPrefix());
    }

    public TableStats stats() {
        return stats;
    }

    /** Asks a running consumer to stop after the message it is handling. */
    public void stop() {
        stopping = true;
        consumer.wakeup();
    }

    public void run() {
        LOG.info("Reading topics matching {} as group {}; dead letters go to {}", settings.topicPattern(),
                settings.groupId(), settings.deadLetterTopic());
        Reporter reporter = new Reporter(stats, consumer, settings.reportInterval());
        try (DeadLetters dead = new DeadLetters(settings.kafka().bootstrapServers(), settings.deadLetterTopic())) {
            consumer.subscribe(settings.topicPattern());
            Readiness.markReady();
            Duration backoff = Duration.ofSeconds(1);
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
                boolean registryDown = false;
                for (TopicPartition tp : records.partitions()) {
                    for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                        try {
                            handle(r, dead);
                            handled.put(tp, new OffsetAndMetadata(r.offset() + 1));
                        } catch (SchemaRegistryClient.RegistryUnavailable e) {
                            LOG.warn("{} Will read {}-{} again from offset {} in {} s.", e.getMessage(), r.topic(),
                                    r.partition(), r.offset(), backoff.toSeconds());
                            consumer.seek(tp, r.offset());
                            registryDown = true;
                            break;
                        }
                    }
                }
                dead.confirm();
                if (!handled.isEmpty()) {
                    consumer.commitSync(handled);
                }
                reporter.maybeReport();
                if (registryDown) {
                    sleep(backoff);
                    backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                } else {
                    backoff = Duration.ofSeconds(1);
                }
            }
        } catch (WakeupException e) {
            // stop() was called.
        } finally {
            reporter.report();
            consumer.close();
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> r, DeadLetters dead) throws SchemaRegistryClient.RegistryUnavailable {
        // Subscribed by the topics' pattern: every topic read is <prefix>.<schema>.<table>.
        String schema = topics.schemaOf(r.topic());
        String table = topics.tableOf(r.topic());
        Optional<String> problem;
        ConfluentAvro.Decoded key = null;
        ConfluentAvro.Decoded value = null;
        String part = "key";
        try {
            key = r.key() == null ? null : avro.decode(r.key());
            part = "value";
            value = avro.decode(r.value());
            if (value.value() == null) {
                // A tombstone after a delete, for log compaction: it carries only the key.
                problem = key == null ? Optional.of("a tombstone without a key") : Optional.empty();
            } else {
                problem = ChangeValidator.check(schema, table, key == null ? null : key.value(), value.value());
            }
        } catch (ConfluentAvro.MalformedMessage e) {
            problem = Optional.of("cannot decode the " + part + ": " + e.getMessage());
        }
        if (problem.isPresent()) {
            LOG.warn("Invalid change at {}-{} offset {}: {}. Sent to {}.", r.topic(), r.partition(), r.offset(),
                    problem.get(), dead.topic());
            dead.send(r, problem.get());
            stats.count(r.topic(), "invalid");
            return;
        }
        String op = value.value() == null ? "tombstone" : value.value().get("op").toString();
        stats.count(r.topic(), op);
        if (sampler.shouldLog(r.topic())) {
            EVENTS.info("{} {} key={} {}", r.topic(), op, key == null ? null : key.value(), describe(value));
        }
    }

    private static String describe(ConfluentAvro.Decoded value) {
        if (value.value() == null) {
            return "(tombstone)";
        }
        if ("t".equals(String.valueOf(value.value().get("op")))) {
            return "(TRUNCATE)";
        }
        Object after = value.value().get("after");
        String text = after != null ? "after=" + after : "before=" + value.value().get("before");
        return text.length() > 600 ? text.substring(0, 600) + "…" : text;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Logs a summary per topic every few seconds: changes by op, invalid ones, and the lag. */
    static final class Reporter {
        private final TableStats stats;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final long intervalNanos;
        private long next;

        Reporter(TableStats stats, KafkaConsumer<byte[], byte[]> consumer, Duration interval) {
            this.stats = stats;
            this.consumer = consumer;
            this.intervalNanos = interval.toNanos();
            this.next = System.nanoTime() + intervalNanos;
        }

        void maybeReport() {
            if (System.nanoTime() >= next) {
                report();
                next = System.nanoTime() + intervalNanos;
            }
        }

        void report() {
            Map<String, Long> lag = lagByTopic();
            stats.lines().forEach((topic, line) -> LOG.info("{}: {} lag={}", topic, line, lag.getOrDefault(topic, 0L)));
        }

        private Map<String, Long> lagByTopic() {
            Map<String, Long> lag = new HashMap<>();
            try {
                Set<TopicPartition> assigned = consumer.assignment();
                Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, Duration.ofSeconds(2));
                for (TopicPartition tp : assigned) {
                    lag.merge(tp.topic(), Math.max(0, ends.getOrDefault(tp, 0L) - consumer.position(tp, Duration.ofSeconds(2))), Long::sum);
                }
            } catch (RuntimeException e) {
                LOG.debug("Lag unknown this time: {}", e.getMessage());
            }
            return lag;
        }
    }

    /** Which decoded changes to log: all, none, or at most a few per topic per second. */
    static final class EventSampler {
        private static final int PER_SECOND = 20;
        private final ConsumerSettings.LogEvents mode;
        private final Map<String, long[]> windows = new HashMap<>();

        EventSampler(ConsumerSettings.LogEvents mode) {
            this.mode = mode;
        }

        boolean shouldLog(String topic) {
            return switch (mode) {
                case ALL -> true;
                case NONE -> false;
                case SAMPLE -> {
                    long second = System.currentTimeMillis() / 1000;
                    long[] w = windows.computeIfAbsent(topic, t -> new long[2]);
                    if (w[0] != second) {
                        w[0] = second;
                        w[1] = 0;
                    }
                    yield ++w[1] <= PER_SECOND;
                }
            };
        }
    }
}
