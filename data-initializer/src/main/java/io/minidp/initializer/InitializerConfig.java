package io.minidp.initializer;

import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.PostgresConfig;
import io.minidp.common.config.Settings;
import io.minidp.initializer.schema.ColumnType;
import io.minidp.initializer.schema.Identifiers;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The data initializer's settings.
 *
 * @param primaryKeys  table to key column, where the default ({@code id} or {@code <table>_id}) is not wanted
 * @param columnTypes  {@code table.column} to type, where inference is not wanted
 * @param publication  the publication change capture reads; it covers the whole schema
 */
public record InitializerConfig(
        PostgresConfig postgres,
        Path inputDir,
        Map<String, String> primaryKeys,
        Map<String, ColumnType> columnTypes,
        String publication) {

    public static InitializerConfig read(ConfigReader r) {
        return new InitializerConfig(
                PostgresConfig.read(r),
                r.path(Settings.INITIALIZER_INPUT_DIR),
                r.parsed(Settings.INITIALIZER_PRIMARY_KEYS, InitializerConfig::parsePrimaryKeys, Map.of()),
                r.parsed(Settings.INITIALIZER_COLUMN_TYPES, InitializerConfig::parseColumnTypes, Map.of()),
                r.parsed(Settings.CDC_PUBLICATION, InitializerConfig::identifier, ""));
    }

    /** {@code orders=order_id;customers=customer_no} */
    static Map<String, String> parsePrimaryKeys(String value) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String entry : entries(value)) {
            String[] kv = entry.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("must be table=column entries separated by ';', as in orders=order_id;customers=customer_no");
            }
            keys.put(identifier(kv[0]), identifier(kv[1]));
        }
        return keys;
    }

    /** {@code orders.total=numeric(12,2);orders.placed_at=timestamptz} */
    static Map<String, ColumnType> parseColumnTypes(String value) {
        Map<String, ColumnType> types = new LinkedHashMap<>();
        for (String entry : entries(value)) {
            String[] kv = entry.split("=", 2);
            String[] tc = kv[0].split("\\.", 2);
            if (kv.length != 2 || tc.length != 2) {
                throw new IllegalArgumentException("must be table.column=type entries separated by ';',"
                        + " as in orders.total=numeric(12,2);orders.placed_at=timestamptz");
            }
            types.put(identifier(tc[0]) + "." + identifier(tc[1]), ColumnType.parse(kv[1]));
        }
        return types;
    }

    private static String[] entries(String value) {
        return value.isBlank() ? new String[0] : value.strip().split("\\s*;\\s*");
    }

    private static String identifier(String raw) {
        return Identifiers.normalise(raw).filter(n -> n.equals(raw.strip()))
                .orElseThrow(() -> new IllegalArgumentException("'" + raw.strip() + "' is not a valid name: " + Identifiers.RULE));
    }
}
