package io.minidp.configurator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minidp.common.app.PlatformException;
import io.minidp.common.config.Env;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorFileTest {

    @TempDir
    Path dir;

    @Test
    void fillsPlaceholdersFromTheEnvironmentEscapedAsJson() throws IOException {
        Path f = Files.writeString(dir.resolve("c.json"), """
                {"name": "${NAME}", "config": {"database.password": "${PW}", "tasks.max": 1, "url": "http://${HOST}:8081"}}
                """);

        ConnectorFile c = ConnectorFile.read(f, Env.of(Map.of("NAME", "shop", "PW", "p\"w\\1", "HOST", "registry")));

        assertThat(c.name()).isEqualTo("shop");
        assertThat(c.config()).containsExactly(Map.entry("database.password", "p\"w\\1"), Map.entry("tasks.max", "1"),
                Map.entry("url", "http://registry:8081"));
        assertThat(c.printable()).containsEntry("database.password", "[hidden]").containsEntry("tasks.max", "1");
    }

    @Test
    void everyMissingVariableIsNamedWithItsLine() throws IOException {
        Path f = Files.writeString(dir.resolve("c.json"), "{\"name\": \"${NAME}\",\n \"config\": {\"a\": \"${A}\"}}\n");

        assertThatThrownBy(() -> ConnectorFile.read(f, Env.of(Map.of()))).isInstanceOf(PlatformException.class)
                .hasMessage(f + " uses variables that are not set: NAME (line 1), A (line 2). Set them in .env or the environment.");
    }

    @Test
    void theShapeIsChecked() throws IOException {
        Path f = Files.writeString(dir.resolve("c.json"), "{\"config\": {}}");

        assertThatThrownBy(() -> ConnectorFile.read(f, Env.of(Map.of())))
                .hasMessage(f + " must be {\"name\": \"<connector name>\", \"config\": {...}}.");
    }
}
