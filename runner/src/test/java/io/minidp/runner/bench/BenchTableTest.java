package io.minidp.runner.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minidp.common.app.PlatformException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark's arithmetic and its table, from results of the shape Bench writes: no platform. */
class BenchTableTest {

    @Test
    void eachFigureIsShownWithItsTargetItsVerdictAndItsShareOfTheFloor() {
        String table = BenchTable.render(results(3_000, 2_500, 3_100));
        assertThat(table.lines().toList()).contains(
                "(a) snapshot, rows/s (111,200 rows)                       1,500              >= 50,000  NOT met",
                "(b) sustained end to end, changes/s                       4,000  >= 20,000, 80% of (g)  NOT met; 0.9% of decoding"
                        + " alone, 50.0% of (g)",
                "(c) commit to silver at 1,000/s, p50/p95/p99 ms   1200/2800/3000           p99 <= 3,000  met",
                "(d) floor: logical decoding alone, changes/s            450,000",
                "(e) peak RSS, whole platform, MB                          3,100               <= 3,072  NOT met",
                "    spark-processor                                       1,700",
                "(f) freshness, generator at 50/s, p50/p99 ms           900/2500           p99 <= 2,000  NOT met",
                "(g) floor: Debezium to Kafka alone, changes/s             8,000                         1.8% of decoding alone");
        assertThat(table).doesNotContain("targetMb").doesNotContain("totalPeakMb");
        assertThat(table.lines()).as("no line ends in padding").noneMatch(l -> l.endsWith(" "));
    }

    @Test
    void aTargetIsMetAtItsBoundAndMissedJustPastIt() {
        String met = BenchTable.render(results(3_000, 2_000, 3_072));
        assertThat(met).contains("p99 <= 3,000  met").contains("p99 <= 2,000  met").contains("<= 3,072  met");
        String missed = BenchTable.render(results(3_001, 2_001, 3_073));
        assertThat(missed).contains("p99 <= 3,000  NOT met").contains("p99 <= 2,000  NOT met").contains("<= 3,072  NOT met");
    }

    @Test
    void sustainedThroughputMustAlsoReachEightyPercentOfDebeziumToKafkaAlone() {
        Map<String, Object> r = results(3_000, 2_000, 3_072);
        r.put("throughput", Map.of("changesPerSecond", 20_000, "targetChangesPerSecond", Bench.TARGET_CHANGES_PER_SECOND,
                "targetShareOfKafkaAlone", Bench.TARGET_SHARE_OF_KAFKA_ALONE));
        r.put("kafkaAlone", Map.of("changes", 100_000, "changesPerSecond", 25_000));
        assertThat(BenchTable.render(r)).contains("80% of (g)  met; 4.4% of decoding alone, 80.0% of (g)");
        r.put("kafkaAlone", Map.of("changes", 100_000, "changesPerSecond", 30_000));
        assertThat(BenchTable.render(r)).contains("80% of (g)  NOT met; 4.4% of decoding alone, 66.7% of (g)");
    }

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1;
        }
        assertThat(Bench.percentile(sorted, 50)).isEqualTo(50);
        assertThat(Bench.percentile(sorted, 99)).isEqualTo(99);
        assertThat(Bench.percentile(new long[] {7}, 99)).isEqualTo(7);
        assertThat(Bench.percentile(new long[] {1, 2, 3}, 50)).isEqualTo(2);
    }

    @Test
    void theOptionsHaveDefaultsAndABadOneIsNamedWithTheUsage() {
        assertThat(Bench.Options.parse(List.of())).isEqualTo(new Bench.Options(100_000, 100_000, 1_000, 30));
        assertThat(Bench.Options.parse(List.of("--changes=5000", "--latency-seconds=10")))
                .isEqualTo(new Bench.Options(100_000, 5_000, 1_000, 10));
        assertThatThrownBy(() -> Bench.Options.parse(List.of("--rows=5"))).isInstanceOf(PlatformException.class)
                .hasMessage("Unknown argument '--rows=5'. " + Bench.Options.USAGE);
        assertThatThrownBy(() -> Bench.Options.parse(List.of("--changes=0"))).isInstanceOf(PlatformException.class)
                .hasMessage("Invalid value in '--changes=0'. " + Bench.Options.USAGE);
    }

    private static Map<String, Object> results(long latencyP99, long freshnessP99, long totalRss) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("startedAt", "2026-12-08T00:00:00Z");
        r.put("machine", Map.of("cores", 2, "memoryMb", 24_105));
        r.put("settings", Map.of("GENERATOR_RATE", "50"));
        r.put("snapshot", Map.of("rows", 111_200, "rowsPerSecond", 1_500, "targetRowsPerSecond", Bench.TARGET_SNAPSHOT_ROWS_PER_SECOND));
        r.put("throughput", Map.of("changesPerSecond", 4_000, "targetChangesPerSecond", Bench.TARGET_CHANGES_PER_SECOND,
                "targetShareOfKafkaAlone", Bench.TARGET_SHARE_OF_KAFKA_ALONE));
        r.put("latency", Map.of("ratePerSecond", 1_000, "p50Ms", 1_200, "p95Ms", 2_800, "p99Ms", latencyP99,
                "targetP99Ms", Bench.TARGET_LATENCY_P99_MS));
        Map<String, Object> floor = new LinkedHashMap<>();
        floor.put("logicalDecodingChangesPerSecond", 450_000);
        floor.put("postgresWriteSeconds", 1.3);
        floor.put("allInKafkaSeconds", 13.0);
        floor.put("allInBronzeSeconds", 21.2);
        floor.put("allInSilverSeconds", 26.7);
        r.put("floor", floor);
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("spark-processor", 1_700);
        memory.put("totalPeakMb", totalRss);
        memory.put("targetMb", Bench.TARGET_PEAK_RSS_MB);
        r.put("peakRssMb", memory);
        r.put("freshness", Map.of("generatorRate", "50", "p50Ms", 900, "p99Ms", freshnessP99,
                "targetP99Ms", Bench.TARGET_FRESHNESS_P99_MS));
        r.put("kafkaAlone", Map.of("changes", 100_000, "changesPerSecond", 8_000));
        return r;
    }
}
