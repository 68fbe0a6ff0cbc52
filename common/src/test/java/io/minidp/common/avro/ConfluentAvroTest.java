package io.minidp.common.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConfluentAvroTest {

    @Test
    void readsTheBigEndianSchemaIdAfterTheMagicByte() throws Exception {
        assertThat(ConfluentAvro.schemaId(new byte[] {0, 0, 0, 1, 2, 42})).isEqualTo(258);
    }

    @Test
    void rejectsShortMessagesAndAWrongMagicByte() {
        assertThatThrownBy(() -> ConfluentAvro.schemaId(new byte[] {0, 0, 1}))
                .isInstanceOf(ConfluentAvro.MalformedMessage.class)
                .hasMessage("the message has 3 bytes, fewer than the 5 of the Confluent framing");
        assertThatThrownBy(() -> ConfluentAvro.schemaId("{\"json\":1}".getBytes()))
                .isInstanceOf(ConfluentAvro.MalformedMessage.class)
                .hasMessage("the first byte is 0x7B, not the magic byte 0x00 of the Confluent framing:"
                        + " it was not written by the Avro converter");
    }
}
