package io.minidp.runner.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What the benchmark reads from Kafka: how far a CDC topic has got, and when its records were written. */
final class Topics implements AutoCloseable {

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;

    Topics(String bootstrap) {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000));
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The end offset of partition 0 of {@code topic}; 0 while the topic does not exist. */
    long end(String topic) {
        try {
            return admin.listOffsets(Map.of(new TopicPartition(topic, 0), OffsetSpec.latest())).all()
                    .get(10, TimeUnit.SECONDS).values().iterator().next().offset();
        } catch (Exception e) {
            return 0;
        }
    }

    /** The table topics of {@code cdc}, sorted. */
    List<String> tables(io.minidp.common.cdc.CdcTopics cdc) {
        try {
            return admin.listTopics().names().get(10, TimeUnit.SECONDS).stream().filter(cdc::isTable).sorted()
                    .toList();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot list Kafka's topics: " + e.getMessage(), e);
        }
    }

    /** When the record at {@code offset} of partition 0 was written (epoch ms). */
    OptionalLong timestamp(String topic, long offset) {
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(List.of(tp));
        consumer.seek(tp, offset);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                return OptionalLong.of(r.timestamp());
            }
        }
        return OptionalLong.empty();
    }

    @Override
    public void close() {
        consumer.close();
        admin.close();
    }
}
