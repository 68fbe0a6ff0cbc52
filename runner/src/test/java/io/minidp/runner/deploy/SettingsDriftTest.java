package io.minidp.runner.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.DotEnv;
import io.minidp.common.config.Env;
import io.minidp.common.config.Setting;
import io.minidp.common.config.Setting.Section;
import io.minidp.common.config.Settings;
import io.minidp.runner.PlatformConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every variable is declared once, in {@link Settings}; the places that must agree with it are
 * held to it here: {@code .env} (names and values), the tables of {@code docs/configuration.md}
 * (generated from the catalogue: {@code -Dsettings.write=true} rewrites them), the environment of
 * every compose service (only declared names), and what the local runner reads. What each service
 * of the compose file and verify read is checked against the catalogue by {@link DeploymentIT},
 * which asks their jars.
 */
class SettingsDriftTest {

    private static final Path HOME = Path.of(System.getProperty("minidp.home", "..")).toAbsolutePath().normalize();
    private static final Path REFERENCE = HOME.resolve("docs/configuration.md");
    private static final String BEGIN = "<!-- settings:%s begin: generated from Settings.java by SettingsDriftTest -->";
    /** Rewrites the reference's tables from the catalogue. */
    static final String REWRITE = "./mvnw -pl runner -am test -Dtest=SettingsDriftTest -Dsurefire.failIfNoSpecifiedTests=false -Dsettings.write=true";
    private static final String END = "<!-- settings:%s end -->";

    @Test
    void dotEnvSetsEveryDeclaredValueAndNothingUndeclared() throws IOException {
        Map<String, String> dotEnv = DotEnv.read(HOME.resolve(".env"));
        assertThat(dotEnvDiffers(dotEnv)).isEmpty();
    }

    @Test
    void aValueOrANameThatDriftedInDotEnvIsNamed() {
        Map<String, String> dotEnv = new HashMap<>();
        Settings.all().stream().filter(s -> s.dotEnv() != null).forEach(s -> dotEnv.put(s.name(), s.dotEnv()));
        dotEnv.put("GENERATOR_RATE", "70");
        dotEnv.remove("CDC_SLOT");
        dotEnv.put("EXAMPLE_X", "1");
        assertThat(dotEnvDiffers(dotEnv)).containsExactlyInAnyOrder(
                ".env sets EXAMPLE_X, which Settings (common) does not declare: declare it there, or remove it",
                ".env sets GENERATOR_RATE=70, but Settings declares GENERATOR_RATE=50 as .env's value: make them agree",
                ".env does not set CDC_SLOT; Settings declares its value there as shop_cdc: add CDC_SLOT=shop_cdc");
    }

    @Test
    void theConfigurationReferenceIsTheCatalogue() throws IOException {
        String text = Files.readString(REFERENCE, StandardCharsets.UTF_8);
        String expected = withTables(text);
        if (Boolean.getBoolean("settings.write") && !expected.equals(text)) {
            Files.writeString(REFERENCE, expected, StandardCharsets.UTF_8);
            text = expected;
        }
        assertThat(text)
                .as("docs/configuration.md's tables differ from Settings (common/src/main/java/io/minidp/common/config/"
                        + "Settings.java); rewrite them: " + REWRITE)
                .isEqualTo(expected);
    }

    @Test
    void everyComposeServiceIsGivenOnlyDeclaredVariables() throws IOException {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(HOME.resolve("docker-compose.yml").toFile());
        List<String> undeclared = new ArrayList<>();
        compose.path("services").fields().forEachRemaining(e -> e.getValue().path("environment").fieldNames()
                .forEachRemaining(name -> {
                    if (Settings.named(name).isEmpty()) {
                        undeclared.add(e.getKey() + ": " + name);
                    }
                }));
        assertThat(undeclared).as("compose environment variables that Settings (common) does not declare").isEmpty();
    }

    @Test
    void aServiceThatReadsWhatTheCatalogueDoesNotSayIsNamed() {
        java.util.Set<String> read = new TreeSet<>(Settings.readBy(Settings.CONSUMER));
        read.remove("CONSUMER_GROUP_ID");
        read.add("EXAMPLE_X");
        assertThat(ComposeChecks.catalogueDiffers(Settings.CONSUMER, read)).containsExactly(
                "service kafka-consumer reads [EXAMPLE_X], but Settings (common) does not list kafka-consumer among"
                        + " their readers: add it to each one's by(...)",
                "Settings (common) says kafka-consumer reads [CONSUMER_GROUP_ID], but it does not: remove kafka-consumer"
                        + " from each one's by(...)");
        assertThat(ComposeChecks.catalogueDiffers(Settings.CONSUMER, new TreeSet<>(Settings.readBy(Settings.CONSUMER))))
                .isEmpty();
    }

    @Test
    void theLocalRunnerReadsWhatTheCatalogueSays() throws IOException {
        ConfigReader r = new ConfigReader(Env.of(DotEnv.read(HOME.resolve(".env"))));
        PlatformConfig.read(r);
        assertThat(new TreeSet<>(r.names())).isEqualTo(new TreeSet<>(Settings.readBy(Settings.PLATFORM)));
    }

    @Test
    void everyDeclaredReaderIsAService() {
        for (Setting s : Settings.all()) {
            assertThat(Settings.SERVICES).as(s.name() + "'s readers").containsAll(s.readBy());
            assertThat(s.readBy().isEmpty() && s.readElsewhere() == null).as(s.name() + " is read by nobody").isFalse();
            assertThat(s.section() == Section.OUTSIDE && s.dotEnv() != null).as(s.name() + " is outside .env").isFalse();
        }
    }

    static List<String> dotEnvDiffers(Map<String, String> dotEnv) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(dotEnv).entrySet()) {
            var declared = Settings.named(e.getKey());
            if (declared.isEmpty()) {
                problems.add(".env sets " + e.getKey() + ", which Settings (common) does not declare: declare it there, or remove it");
            } else if (declared.get().dotEnv() == null) {
                problems.add(".env sets " + e.getKey() + ", but Settings declares no .env value for it: add one there (env(...)), or remove it");
            } else if (!declared.get().dotEnv().equals(e.getValue())) {
                problems.add(".env sets " + e.getKey() + "=" + e.getValue() + ", but Settings declares " + e.getKey() + "="
                        + declared.get().dotEnv() + " as .env's value: make them agree");
            }
        }
        for (Setting s : Settings.all()) {
            if (s.dotEnv() != null && !dotEnv.containsKey(s.name())) {
                problems.add(".env does not set " + s.name() + "; Settings declares its value there as " + s.dotEnv()
                        + ": add " + s.name() + "=" + s.dotEnv());
            }
        }
        return problems;
    }

    /** {@code text} with each generated table replaced by the catalogue's; a missing marker fails. */
    static String withTables(String text) {
        String out = text;
        for (Section section : Section.values()) {
            String begin = String.format(BEGIN, section.name().toLowerCase(java.util.Locale.ROOT));
            String end = String.format(END, section.name().toLowerCase(java.util.Locale.ROOT));
            int b = out.indexOf(begin);
            int e = out.indexOf(end);
            assertThat(b).as("docs/configuration.md has the line " + begin).isNotNegative();
            assertThat(e).as("docs/configuration.md has the line " + end).isGreaterThan(b);
            out = out.substring(0, b + begin.length()) + "\n" + table(section) + out.substring(e);
        }
        return out;
    }

    static String table(Section section) {
        List<Setting> settings = Settings.all().stream().filter(s -> s.section() == section).toList();
        StringBuilder t = new StringBuilder();
        switch (section) {
            case PLATFORM -> {
                t.append("| variable | in `.env` | unset | read by | meaning |\n|---|---|---|---|---|\n");
                settings.forEach(s -> t.append("| `").append(s.name()).append("` | ").append(dotEnvCell(s)).append(" | ")
                        .append(unsetCell(s)).append(" | ").append(readers(s)).append(" | ").append(s.meaning()).append(" |\n"));
            }
            case DOCKER -> {
                t.append("| variable | in `.env` | meaning |\n|---|---|---|\n");
                settings.forEach(s -> t.append("| `").append(s.name()).append("` | ").append(dotEnvCell(s)).append(" | ")
                        .append(s.meaning()).append(" |\n"));
            }
            case OUTSIDE -> {
                t.append("| variable | unset | read by | meaning |\n|---|---|---|---|\n");
                settings.forEach(s -> t.append("| `").append(s.name()).append("` | ").append(unsetCell(s)).append(" | ")
                        .append(readers(s)).append(" | ").append(s.meaning()).append(" |\n"));
            }
        }
        return t.toString();
    }

    private static String dotEnvCell(Setting s) {
        if (s.dotEnv() == null) {
            return "—";
        }
        if (s.secret()) {
            return "(a local secret)";
        }
        return s.dotEnv().isEmpty() ? "(empty)" : "`" + s.dotEnv() + "`";
    }

    private static String unsetCell(Setting s) {
        if (s.derived() != null) {
            return s.derived();
        }
        if (s.fallback() == null) {
            return s.readBy().isEmpty() ? "—" : "required";
        }
        return s.fallback().isEmpty() ? "(empty)" : "`" + s.fallback() + "`";
    }

    private static String readers(Setting s) {
        List<String> who = new ArrayList<>(s.readBy());
        if (s.readElsewhere() != null) {
            who.add(s.readElsewhere());
        }
        return who.stream().collect(Collectors.joining(", "));
    }
}
