package io.minidp.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./platform bench} on a small workload: it runs a fresh platform, prints the seven figures and writes its files. */
class BenchIT {

    @TempDir
    Path state;
    private TestPlatform platform;

    @AfterEach
    void stop() {
        platform.env.put("PLATFORM_DATA_DIR", state.resolve("data/bench").toString());
        platform.attempt("down");
    }

    @Test
    void theBenchmarkMeasuresTheSevenFiguresAndWritesThem() throws Exception {
        platform = new TestPlatform(state);
        platform.env.put("BENCH_RESULTS_DIR", state.resolve("results").toString());
        String out = platform.run("bench", "--snapshot-rows=20000", "--changes=20000", "--latency-rate=200",
                "--latency-seconds=10");

        assertThat(out).contains("(a) snapshot, rows/s (31,200 rows)").contains("(b) sustained end to end, changes/s")
                .contains("(c) commit to silver at 200/s, p50/p95/p99 ms").contains("(d) floor: logical decoding alone")
                .contains("(e) peak RSS, whole platform, MB").contains("    spark-processor")
                .containsPattern("\\(f\\) freshness, generator at \\S+/s, p50/p99 ms +\\d+/\\d+ +p99 <= 2,000")
                .containsPattern("\\(g\\) floor: Debezium to Kafka alone, changes/s +[\\d,]+ +[\\d.]+% of decoding alone")
                .containsPattern("of decoding alone, [\\d.]+% of \\(g\\)");
        List<Path> files;
        try (Stream<Path> s = Files.list(state.resolve("results"))) {
            files = s.sorted().toList();
        }
        assertThat(files).hasSize(2);
        assertThat(files.get(0).toString()).endsWith(".json");
        assertThat(files.get(1).toString()).endsWith(".txt");
        JsonNode r = new ObjectMapper().readTree(files.get(0).toFile());
        assertThat(r.path("snapshot").path("rowsPerSecond").asLong()).isPositive();
        assertThat(r.path("throughput").path("changesPerSecond").asLong()).isPositive();
        assertThat(r.path("latency").path("p99Ms").asLong()).isPositive()
                .isGreaterThanOrEqualTo(r.path("latency").path("p50Ms").asLong());
        assertThat(r.path("floor").path("logicalDecodingChangesPerSecond").asLong()).isPositive();
        assertThat(r.path("freshness").path("p99Ms").asLong()).isPositive()
                .isGreaterThanOrEqualTo(r.path("freshness").path("p50Ms").asLong());
        assertThat(r.path("freshness").path("generatorRate").asText()).isNotEmpty();
        assertThat(r.path("kafkaAlone").path("changes").asLong()).isEqualTo(20_000);
        assertThat(r.path("kafkaAlone").path("changesPerSecond").asLong()).isPositive();
        assertThat(r.path("floor").path("allInSilverSeconds").asDouble())
                .isGreaterThanOrEqualTo(r.path("floor").path("allInKafkaSeconds").asDouble());
        assertThat(r.path("peakRssMb").path("spark-processor").asLong()).isGreaterThan(100);
        assertThat(r.path("peakRssMb").path("totalPeakMb").asLong()).isGreaterThan(r.path("peakRssMb").path("postgres").asLong());
        assertThat(Files.readString(files.get(1))).isEqualTo(out.substring(out.indexOf("Benchmark of"),
                out.indexOf("bench: results in")).stripTrailing() + System.lineSeparator());
        // The platform it ran, with its state in data/bench, is stopped.
        platform.env.put("PLATFORM_DATA_DIR", state.resolve("data/bench").toString());
        assertThat(platform.run("status")).contains("kafka-connect          stopped").doesNotContain("running");
    }
}
