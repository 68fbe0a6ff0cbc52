package io.minidp.runner.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minidp.common.app.PlatformException;
import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.DotEnv;
import io.minidp.common.config.Env;
import io.minidp.runner.PlatformConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The local fleet's order, from the repository's own .env: what starts before what, and what stops with what. */
class FleetTest {

    private static final Path HOME = Path.of(System.getProperty("minidp.home", "..")).toAbsolutePath().normalize();

    @Test
    void everyServiceStartsAfterWhatItNeedsOnLocalSparkAndOnACluster() throws IOException {
        for (String master : List.of("local[*]", "spark://127.0.0.1:7077")) {
            List<String> order = names(fleet(master).withDependencies(List.of()));
            for (LocalService s : fleet(master).all()) {
                for (String need : s.dependsOn()) {
                    assertThat(order.indexOf(need)).as("%s (master %s) needs %s, which starts before it", s.name(), master, need)
                            .isNotNegative().isLessThan(order.indexOf(s.name()));
                }
            }
            assertThat(order).as("master %s", master).doesNotHaveDuplicates()
                    .startsWith("postgres").contains("spark-processor", Fleet.QUERY_SERVICE);
            assertThat(order.contains("spark-master")).as("a Spark cluster of its own only for %s", master)
                    .isEqualTo(master.startsWith("spark://"));
        }
    }

    @Test
    void aServiceComesWithWhatItNeedsAndStopsWithWhatNeedsIt() throws IOException {
        Fleet fleet = fleet("local[*]");
        assertThat(names(fleet.withDependencies(List.of("kafka-consumer"))))
                .containsExactly("postgres", "kafka", "schema-registry", "kafka-connect", "data-initializer",
                        "debezium-configurator", "kafka-consumer");
        List<String> stop = names(fleet.withDependents(List.of("schema-registry")));
        assertThat(stop).as("what needs the registry stops before it").endsWith("schema-registry")
                .contains("kafka-connect", "kafka-consumer", "spark-processor").doesNotContain("postgres", "kafka");
        assertThat(stop.indexOf("spark-processor")).isLessThan(stop.indexOf("debezium-configurator"));
        assertThat(names(fleet.withDependents(List.of()))).as("all, in the reverse of the start order")
                .containsExactlyElementsOf(reversed(names(fleet.withDependencies(List.of()))));
    }

    @Test
    void anUnknownServiceIsNamedWithTheServicesThereAre() throws IOException {
        assertThatThrownBy(() -> fleet("local[*]").withDependencies(List.of("spark-procesor")))
                .isInstanceOf(PlatformException.class)
                .hasMessageStartingWith("Unknown service 'spark-procesor'. The services are: postgres, kafka, ")
                .hasMessageContaining("spark-processor");
    }

    private static Fleet fleet(String master) throws IOException {
        Map<String, String> env = new HashMap<>(DotEnv.read(HOME.resolve(".env")));
        env.put("SPARK_MASTER", master);
        return Fleet.local(PlatformConfig.read(new ConfigReader(Env.of(env))));
    }

    private static List<String> names(java.util.Collection<LocalService> services) {
        return services.stream().map(LocalService::name).toList();
    }

    private static List<String> reversed(List<String> names) {
        List<String> r = new java.util.ArrayList<>(names);
        java.util.Collections.reverse(r);
        return r;
    }
}
