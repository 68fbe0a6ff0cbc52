package io.minidp.initializer.schema;

/** {@code column} of one table refers to {@code refColumn}, the primary key of {@code refTable}. */
public record ForeignKey(String column, String refTable, String refColumn) {}
