package io.minidp.common.avro;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * The Confluent wire format: byte 0 is the magic byte 0, bytes 1-4 the writer schema's id (big
 * endian), the rest Avro binary written with that schema. Decoding uses the writer schema of each
 * message, so a new schema version (a column added upstream) is read without a restart.
 */
public final class ConfluentAvro {

    public static final byte MAGIC = 0;

    /** A message that cannot be decoded, and why; retrying will not help. */
    public static final class MalformedMessage extends Exception {
        public MalformedMessage(String message) {
            super(message);
        }
    }

    /** A decoded message: the writer schema's id and the value ({@code null} for a tombstone). */
    public record Decoded(int schemaId, GenericRecord value) {}

    /** Decimals decode to BigDecimal, dates and times to java.time values, as their logical types say. */
    private static final GenericData DATA = new GenericData();

    static {
        DATA.addLogicalTypeConversion(new Conversions.DecimalConversion());
        DATA.addLogicalTypeConversion(new TimeConversions.DateConversion());
        DATA.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        DATA.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        DATA.addLogicalTypeConversion(new TimeConversions.TimeMillisConversion());
        DATA.addLogicalTypeConversion(new TimeConversions.TimeMicrosConversion());
    }

    private final SchemaRegistryClient registry;

    public ConfluentAvro(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    /** Decodes one message value or key; null bytes (a tombstone) decode to a null value. */
    public Decoded decode(byte[] bytes) throws MalformedMessage, SchemaRegistryClient.RegistryUnavailable {
        if (bytes == null) {
            return new Decoded(-1, null);
        }
        int id = schemaId(bytes);
        Schema writer;
        try {
            writer = registry.schema(id);
        } catch (UnknownSchemaException e) {
            throw new MalformedMessage(e.getMessage());
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
            Object value = new GenericDatumReader<>(writer, writer, DATA).read(null, decoder);
            if (!decoder.isEnd()) {
                throw new MalformedMessage("the Avro body is longer than schema " + id + " describes");
            }
            if (!(value instanceof GenericRecord record)) {
                throw new MalformedMessage("schema " + id + " is not a record schema");
            }
            return new Decoded(id, record);
        } catch (IOException | AvroRuntimeException | ArrayIndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new MalformedMessage("the Avro body does not match schema " + id + ": " + e.getMessage());
        }
    }

    /** The schema id of a framed message, after checking the framing. */
    public static int schemaId(byte[] bytes) throws MalformedMessage {
        if (bytes.length < 5) {
            throw new MalformedMessage("the message has " + bytes.length + " bytes, fewer than the 5 of the Confluent framing");
        }
        if (bytes[0] != MAGIC) {
            throw new MalformedMessage(String.format("the first byte is 0x%02X, not the magic byte 0x00 of the Confluent"
                    + " framing: it was not written by the Avro converter", bytes[0]));
        }
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }
}
