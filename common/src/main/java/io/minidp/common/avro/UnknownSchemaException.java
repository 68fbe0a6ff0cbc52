package io.minidp.common.avro;

/** A message names a schema the registry does not have, or one that is not Avro: no retry will help. */
public final class UnknownSchemaException extends RuntimeException {

    public UnknownSchemaException(String message) {
        super(message);
    }
}
