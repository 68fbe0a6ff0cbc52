package io.minidp.runner.bench;

import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's results as a table a person reads: each figure with its target, whether it is
 * met, and, for the pipeline's rates, their share of the floor they are bounded by (logical
 * decoding alone; Debezium to Kafka alone).
 */
final class BenchTable {

    private BenchTable() {}

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> results) {
        Map<String, Object> snapshot = (Map<String, Object>) results.get("snapshot");
        Map<String, Object> throughput = (Map<String, Object>) results.get("throughput");
        Map<String, Object> latency = (Map<String, Object>) results.get("latency");
        Map<String, Object> floor = (Map<String, Object>) results.get("floor");
        Map<String, Object> freshness = (Map<String, Object>) results.get("freshness");
        Map<String, Object> kafkaAlone = (Map<String, Object>) results.get("kafkaAlone");
        Map<String, Object> memory = (Map<String, Object>) results.get("peakRssMb");
        StringBuilder b = new StringBuilder();
        String row = "%-46s %16s %22s  %s%n";
        b.append(String.format(Locale.ROOT, "Benchmark of %s, %s cores, %s MB; settings %s%n%n", results.get("startedAt"),
                ((Map<String, Object>) results.get("machine")).get("cores"),
                ((Map<String, Object>) results.get("machine")).get("memoryMb"), results.get("settings")));
        line(b, row, "figure", "measured", "target", "");
        long decoding = number(floor, "logicalDecodingChangesPerSecond");
        long kafka = number(kafkaAlone, "changesPerSecond");
        long snap = number(snapshot, "rowsPerSecond");
        long snapTarget = number(snapshot, "targetRowsPerSecond");
        line(b, row, "(a) snapshot, rows/s (" + n(number(snapshot, "rows")) + " rows)", n(snap), ">= " + n(snapTarget),
                verdict(snap >= snapTarget));
        long tput = number(throughput, "changesPerSecond");
        long tputTarget = number(throughput, "targetChangesPerSecond");
        double ofKafka = (double) tput / Math.max(1, kafka);
        double ofKafkaTarget = ((Number) throughput.get("targetShareOfKafkaAlone")).doubleValue();
        line(b, row, "(b) sustained end to end, changes/s", n(tput),
                ">= " + n(tputTarget) + ", " + Math.round(ofKafkaTarget * 100) + "% of (g)",
                verdict(tput >= tputTarget && ofKafka >= ofKafkaTarget) + "; " + share(tput, decoding)
                        + " of decoding alone, " + share(tput, kafka) + " of (g)");
        long p99 = number(latency, "p99Ms");
        long p99Target = number(latency, "targetP99Ms");
        line(b, row, "(c) commit to silver at " + n(number(latency, "ratePerSecond")) + "/s, p50/p95/p99 ms",
                number(latency, "p50Ms") + "/" + number(latency, "p95Ms") + "/" + p99,
                "p99 <= " + n(p99Target), verdict(p99 <= p99Target));
        line(b, row, "(d) floor: logical decoding alone, changes/s", n(decoding), "", "");
        line(b, row, "    PostgreSQL writes done after, s", floor.get("postgresWriteSeconds"), "", "");
        line(b, row, "    all in Kafka (Debezium) after, s", floor.get("allInKafkaSeconds"), "", "");
        line(b, row, "    all in bronze after, s", floor.get("allInBronzeSeconds"), "", "");
        line(b, row, "    all in silver after, s", floor.get("allInSilverSeconds"), "", "");
        long total = number(memory, "totalPeakMb");
        long totalTarget = number(memory, "targetMb");
        line(b, row, "(e) peak RSS, whole platform, MB", n(total), "<= " + n(totalTarget), verdict(total <= totalTarget));
        memory.forEach((service, mb) -> {
            if (!service.equals("totalPeakMb") && !service.equals("targetMb")) {
                line(b, row, "    " + service, n(((Number) mb).longValue()), "", "");
            }
        });
        long freshP99 = number(freshness, "p99Ms");
        long freshTarget = number(freshness, "targetP99Ms");
        line(b, row, "(f) freshness, generator at " + freshness.get("generatorRate") + "/s, p50/p99 ms",
                number(freshness, "p50Ms") + "/" + freshP99, "p99 <= " + n(freshTarget),
                verdict(freshP99 <= freshTarget));
        line(b, row, "(g) floor: Debezium to Kafka alone, changes/s", n(kafka), "",
                share(kafka, decoding) + " of decoding alone");
        // Rows without a target end in padding: trim it.
        return b.toString().replaceAll("(?m) +$", "");
    }

    private static void line(StringBuilder b, String row, Object... cells) {
        b.append(String.format(Locale.ROOT, row, cells));
    }

    /** A whole number with thousands separators, as the table shows them. */
    private static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    private static long number(Map<String, Object> section, String key) {
        return ((Number) section.get(key)).longValue();
    }

    /** {@code part} as a percentage of {@code whole}, one decimal. */
    private static String share(long part, long whole) {
        return String.format(Locale.ROOT, "%.1f%%", 100.0 * part / Math.max(1, whole));
    }

    private static String verdict(boolean met) {
        return met ? "met" : "NOT met";
    }
}
