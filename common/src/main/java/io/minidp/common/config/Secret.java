package io.minidp.common.config;

/** A credential: its value is never printed, whatever logs or formats it. */
public record Secret(String value) {

    @Override
    public String toString() {
        return "[hidden]";
    }
}
