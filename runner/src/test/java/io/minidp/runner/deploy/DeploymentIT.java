package io.minidp.runner.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.Env;
import io.minidp.runner.PlatformConfig;
import io.minidp.runner.fleet.Fleet;
import io.minidp.runner.fleet.LocalService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The Docker deployment, checked without Docker: the real docker-compose.yml, .env and Dockerfiles
 * pass every check, and each check fails on a copy broken the way it guards against. An
 * integration test because it reads the build's output (the jars the Dockerfiles copy, and the
 * jars that say which variables each service reads).
 */
class DeploymentIT {

    private static final Path HOME = Path.of(System.getProperty("minidp.home", "..")).toAbsolutePath().normalize();

    private static String read(String relative) {
        try {
            Path p = HOME.resolve(relative);
            return Files.exists(p) ? Files.readString(p) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ComposeChecks checks(UnaryOperator<String> compose, UnaryOperator<String> envFile,
                                        Function<String, String> files) {
        return new ComposeChecks(HOME, compose.apply(read("docker-compose.yml")),
                ComposeChecks.parseEnv(envFile.apply(read(".env"))), files);
    }

    private static ComposeChecks real() {
        return checks(UnaryOperator.identity(), UnaryOperator.identity(), DeploymentIT::read);
    }

    private static ComposeChecks withCompose(UnaryOperator<String> change) {
        String before = read("docker-compose.yml");
        assertThat(change.apply(before)).as("the broken copy differs from the file").isNotEqualTo(before);
        return checks(change, UnaryOperator.identity(), DeploymentIT::read);
    }

    /** The local runner's fleet, with the standalone Spark cluster on as in Docker: name → what it waits for. */
    private static Map<String, List<String>> localFleet() {
        Map<String, String> vars = new HashMap<>(ComposeChecks.parseEnv(read(".env")));
        vars.put("SPARK_MASTER", "spark://127.0.0.1:7077");
        vars.put("PLATFORM_HOME", HOME.toString());
        ConfigReader r = new ConfigReader(Env.of(vars));
        PlatformConfig config = PlatformConfig.read(r);
        r.validate();
        Map<String, List<String>> fleet = new LinkedHashMap<>();
        for (LocalService s : Fleet.local(config).all()) {
            fleet.put(s.name(), s.dependsOn());
        }
        return fleet;
    }

    @Test
    void theDeploymentFilesPassEveryCheck() {
        ComposeChecks c = real();
        assertThat(c.undefinedVariables()).isEmpty();
        assertThat(c.healthAndOrder()).isEmpty();
        assertThat(c.dockerfileCopies()).isEmpty();
        assertThat(c.serviceVariables()).isEmpty();
        assertThat(c.verifyVariables()).isEmpty();
        assertThat(c.fleetDiffers(localFleet())).isEmpty();
        assertThat(c.duplicateHostPorts()).isEmpty();
    }

    @Test
    void aVariableWithoutAValueInDotEnvIsFound() {
        ComposeChecks c = withCompose(t -> t.replace("CONSUMER_GROUP_ID: ${CONSUMER_GROUP_ID}",
                "CONSUMER_GROUP_ID: ${CONSUMER_GROUP}"));
        assertThat(c.undefinedVariables()).containsExactly(
                "docker-compose.yml uses ${CONSUMER_GROUP}, which .env does not define");
    }

    @Test
    void aMissingHealthcheckAndADependencyWithoutConditionAreFound() {
        ComposeChecks noHealth = withCompose(t -> t.replace("""
                    healthcheck:
                      test: ["CMD", "mc", "ready", "local"]
                      interval: 5s
                      timeout: 3s
                      retries: 30
                """, ""));
        assertThat(noHealth.healthAndOrder()).containsExactly("service minio runs for long but has no healthcheck");

        ComposeChecks noCondition = withCompose(t -> t.replace("""
                    depends_on:
                      minio: {condition: service_healthy}
                """, """
                    depends_on: [minio]
                """));
        assertThat(noCondition.healthAndOrder()).containsExactly("service minio-init lists depends_on without conditions: [\"minio\"]");

        ComposeChecks wrongCondition = withCompose(t -> t.replace(
                "data-initializer: {condition: service_completed_successfully}\n\n  kafka-consumer",
                "data-initializer: {condition: service_healthy}\n\n  kafka-consumer"));
        assertThat(wrongCondition.healthAndOrder()).containsExactly("service debezium-configurator depends on"
                + " data-initializer with condition service_healthy; it should be service_completed_successfully");
    }

    @Test
    void aDockerfileCopyingWhatTheBuildDoesNotProduceIsFound() {
        ComposeChecks c = checks(UnaryOperator.identity(), UnaryOperator.identity(), path -> {
            String text = read(path);
            return path.equals("services/schema-registry/Dockerfile")
                    ? text.replace("schema-registry-runner.jar /app", "schema-registry-app.jar /app") : text;
        });
        assertThat(c.dockerfileCopies()).singleElement().asString()
                .startsWith("service schema-registry: services/schema-registry/Dockerfile copies schema-registry/target/schema-registry-app.jar");
    }

    @Test
    void aVariableTheServiceDoesNotReadOrOneItRequiresIsFound() {
        ComposeChecks extra = withCompose(t -> t.replace("      CONSUMER_REPORT_SECONDS: ${CONSUMER_REPORT_SECONDS}\n",
                "      CONSUMER_REPORT_SECONDS: ${CONSUMER_REPORT_SECONDS}\n      CONSUMER_REPORT_EVERY: \"5\"\n"));
        assertThat(extra.serviceVariables()).containsExactly(
                "service kafka-consumer is given CONSUMER_REPORT_EVERY, which its configuration does not read");

        ComposeChecks missing = withCompose(t -> t.replace("""
                      SERVICE_NAME: kafka-consumer
                      KAFKA_BOOTSTRAP_SERVERS: kafka:29092
                """, """
                      SERVICE_NAME: kafka-consumer
                """));
        assertThat(missing.serviceVariables()).singleElement().asString()
                .startsWith("service kafka-consumer: ").contains("KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void aFleetThatDiffersFromTheLocalRunnersIsFound() {
        String compose = read("docker-compose.yml");
        int start = compose.indexOf("  data-generator:\n");
        int end = compose.indexOf("\nnetworks:");
        ComposeChecks c = withCompose(t -> t.substring(0, start) + t.substring(end + 1));
        assertThat(c.fleetDiffers(localFleet()))
                .containsExactly("the local runner starts data-generator, but docker-compose.yml has no such service");
    }

    @Test
    void twoServicesOnOneHostPortAreFound() {
        ComposeChecks c = checks(UnaryOperator.identity(), t -> t.replace("SPARK_WORKER_UI_PORT=8082", "SPARK_WORKER_UI_PORT=8080"),
                DeploymentIT::read);
        assertThat(c.duplicateHostPorts()).containsExactly("services spark-master and spark-worker both publish host port 8080");
    }
}
