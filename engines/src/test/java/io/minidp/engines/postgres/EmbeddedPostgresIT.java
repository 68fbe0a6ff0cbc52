package io.minidp.engines.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresIT {

    @TempDir
    Path work;

    @Test
    void startsARealServerReadyForLogicalDecodingOnLoopback() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(work, "shop");
                Connection c = DriverManager.getConnection(pg.config().jdbcUrl(), "postgres", "test-only");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_database(), current_setting('wal_level'),"
                        + " current_setting('listen_addresses'), current_setting('server_encoding'),"
                        + " current_setting('server_version_num')::int / 10000")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("shop");
            assertThat(rs.getString(2)).isEqualTo("logical");
            assertThat(rs.getString(3)).isEqualTo("127.0.0.1");
            assertThat(rs.getString(4)).isEqualTo("UTF8");
            assertThat(rs.getInt(5)).isEqualTo(Integer.parseInt(PostgresBinaries.version().split("\\.")[0]));
        }
    }
}
