package io.minidp.consumer;

import io.minidp.common.app.PlatformException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The dead-letter topic: a change that cannot be decoded or is invalid is copied there byte for
 * byte, with headers saying why and where it came from, so nothing is lost and it can be replayed.
 * Sends are confirmed before the consumer commits past the message.
 */
final class DeadLetters implements AutoCloseable {

    static final String REASON = "dlq.reason";
    static final String TOPIC = "dlq.topic";
    static final String PARTITION = "dlq.partition";
    static final String OFFSET = "dlq.offset";

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final List<Future<RecordMetadata>> pending = new ArrayList<>();

    DeadLetters(String bootstrapServers, String topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.CLIENT_ID_CONFIG, "kafka-consumer-dead-letters"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    void send(ConsumerRecord<byte[], byte[]> record, String reason) {
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(topic, null, record.timestamp(), record.key(), record.value());
        dead.headers().add(REASON, reason.getBytes(StandardCharsets.UTF_8));
        dead.headers().add(TOPIC, record.topic().getBytes(StandardCharsets.UTF_8));
        dead.headers().add(PARTITION, Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        dead.headers().add(OFFSET, Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        record.headers().forEach(h -> dead.headers().add("original." + h.key(), h.value()));
        pending.add(producer.send(dead));
    }

    /** Waits until every dead letter sent so far is stored. */
    void confirm() {
        try {
            for (Future<RecordMetadata> f : pending) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new PlatformException("Cannot write to the dead-letter topic " + topic + ": " + e.getCause().getMessage()
                    + ". The consumer stops rather than lose the message; check Kafka.", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("Interrupted while writing dead letters", e);
        } finally {
            pending.clear();
        }
    }

    String topic() {
        return topic;
    }

    @Override
    public void close() {
        producer.close();
    }
}
