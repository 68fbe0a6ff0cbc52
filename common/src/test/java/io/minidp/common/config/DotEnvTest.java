package io.minidp.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minidp.common.app.PlatformException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DotEnvTest {

    @Test
    void readsAssignmentsCommentsQuotesAndExport() {
        Map<String, String> values = DotEnv.parse(".env", List.of(
                "# a comment",
                "",
                "POSTGRES_HOST=127.0.0.1",
                "export POSTGRES_PORT = 5432 # the port",
                "GREETING=\"hello # not a comment\"",
                "RAW='$NOT_EXPANDED'",
                "EMPTY="));

        assertThat(values).containsExactly(
                Map.entry("POSTGRES_HOST", "127.0.0.1"),
                Map.entry("POSTGRES_PORT", "5432"),
                Map.entry("GREETING", "hello # not a comment"),
                Map.entry("RAW", "$NOT_EXPANDED"),
                Map.entry("EMPTY", ""));
    }

    @Test
    void aMalformedLineIsReportedByNumberWithoutEchoingIt() {
        assertThatThrownBy(() -> DotEnv.parse(".env", List.of("A=1", "secret-password")))
                .isInstanceOf(PlatformException.class)
                .hasMessage(".env line 2: expected KEY=VALUE (a name of letters, digits and underscores, then '=')."
                        + " Fix or remove that line.");
    }

    @Test
    void anUnclosedQuoteIsAnError() {
        assertThatThrownBy(() -> DotEnv.parse(".env", List.of("PASSWORD=\"abc")))
                .hasMessage(".env line 1: the value of PASSWORD opens a \" quote that is never closed."
                        + " Close it on the same line.");
    }
}
