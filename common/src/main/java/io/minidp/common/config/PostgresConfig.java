package io.minidp.common.config;

import java.util.regex.Pattern;

/** Where PostgreSQL is and how to log in; the variable names are those of the official postgres image. */
public record PostgresConfig(String host, int port, String database, String user, Secret password) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    public static PostgresConfig read(ConfigReader r) {
        return new PostgresConfig(
                r.string(Settings.POSTGRES_HOST),
                r.port(Settings.POSTGRES_PORT),
                r.parsed(Settings.POSTGRES_DB, PostgresConfig::identifier, ""),
                r.parsed(Settings.POSTGRES_USER, PostgresConfig::identifier, ""),
                r.secret(Settings.POSTGRES_PASSWORD));
    }

    public String jdbcUrl() {
        return jdbcUrl(database);
    }

    /** The same server, another database (for example {@code postgres}, to create this one). */
    public String jdbcUrl(String otherDatabase) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + otherDatabase
                + "?ApplicationName=minidp&connectTimeout=5";
    }

    public String address() {
        return host + ":" + port;
    }

    private static String identifier(String value) {
        if (!NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "must start with a letter or underscore, then letters, digits or underscores (at most 63)");
        }
        return value;
    }
}
