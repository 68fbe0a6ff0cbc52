package io.minidp.engines.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.minidp.common.avro.ConfluentAvro;
import io.minidp.common.avro.SchemaRegistryClient;
import io.minidp.common.config.RegistryConfig;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our Confluent-framing decoder against the real registry. */
class SchemaRegistryClientIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema V1 = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"Value\",\"namespace\":\"shop.public.customers\",\"fields\":["
            + "{\"name\":\"customer_id\",\"type\":\"int\"},{\"name\":\"name\",\"type\":[\"null\",\"string\"]}]}");
    private static final Schema V2 = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"Value\",\"namespace\":\"shop.public.customers\",\"fields\":["
            + "{\"name\":\"customer_id\",\"type\":\"int\"},{\"name\":\"name\",\"type\":[\"null\",\"string\"]},"
            + "{\"name\":\"tier\",\"type\":[\"null\",\"string\"],\"default\":null}]}");

    @TempDir
    static Path work;
    private static EmbeddedRegistry registry;

    @BeforeAll
    static void start() {
        registry = EmbeddedRegistry.start(work);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static int register(Schema schema) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(registry.url() + "/apis/ccompat/v7/subjects/shop.public.customers-value/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("schema", schema.toString()))))
                .build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).get("id").asInt();
    }

    private static byte[] frame(int id, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, enc);
        enc.flush();
        return out.toByteArray();
    }

    private static ConfluentAvro decoder(String url) {
        return new ConfluentAvro(new SchemaRegistryClient(new RegistryConfig(URI.create(url)), Duration.ofSeconds(2)));
    }

    @Test
    void decodesEachMessageWithItsOwnWriterSchema() throws Exception {
        int v1 = register(V1);
        int v2 = register(V2);
        GenericRecord old = new GenericData.Record(V1);
        old.put("customer_id", 7);
        old.put("name", "Zoë");
        GenericRecord added = new GenericData.Record(V2);
        added.put("customer_id", 8);
        added.put("name", null);
        added.put("tier", "gold");
        ConfluentAvro avro = decoder(registry.url());

        ConfluentAvro.Decoded first = avro.decode(frame(v1, old));
        ConfluentAvro.Decoded second = avro.decode(frame(v2, added));

        assertThat(v2).isNotEqualTo(v1);
        assertThat(first.schemaId()).isEqualTo(v1);
        assertThat(first.value().get("name").toString()).isEqualTo("Zoë");
        assertThat(first.value().getSchema().getField("tier")).isNull();
        assertThat(second.value().get("tier").toString()).isEqualTo("gold");
        assertThat(second.value().get("name")).isNull();
        assertThat(avro.decode(null).value()).isNull();
    }

    @Test
    void anUnknownIdOrABodyThatDoesNotMatchIsMalformed() throws Exception {
        int v1 = register(V1);
        ConfluentAvro avro = decoder(registry.url());

        assertThatThrownBy(() -> avro.decode(new byte[] {0, 0, 0, 0x7f, 0x7f, 2}))
                .isInstanceOf(ConfluentAvro.MalformedMessage.class)
                .hasMessage("The schema registry at " + registry.url() + "/apis/ccompat/v7 has no schema with id 32639.");
        byte[] truncated = {0, 0, 0, 0, (byte) v1};
        assertThatThrownBy(() -> avro.decode(truncated))
                .isInstanceOf(ConfluentAvro.MalformedMessage.class)
                .hasMessageStartingWith("the Avro body does not match schema " + v1);
    }

    @Test
    void anUnreachableRegistryIsReportedAsSuchNotAsABadMessage() {
        ConfluentAvro avro = decoder("http://127.0.0.1:9");

        assertThatThrownBy(() -> avro.decode(new byte[] {0, 0, 0, 0, 1, 2}))
                .isInstanceOf(SchemaRegistryClient.RegistryUnavailable.class)
                .hasMessageStartingWith("The schema registry at http://127.0.0.1:9/apis/ccompat/v7 did not answer");
    }
}
