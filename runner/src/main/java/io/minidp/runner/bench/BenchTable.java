package io.minidp.runner.bench;

import java.util.Map;

/** The benchmark's results as a table a person reads: each figure with its target and whether it is met. */
final class BenchTable {

    private BenchTable() {}

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> results) {
        Map<String, Object> snapshot = (Map<String, Object>) results.get("snapshot");
        Map<String, Object> throughput = (Map<String, Object>) results.get("throughput");
        Map<String, Object> latency = (Map<String, Object>) results.get("latency");
        Map<String, Object> floor = (Map<String, Object>) results.get("floor");
        Map<String, Object> memory = (Map<String, Object>) results.get("peakRssMb");
        StringBuilder b = new StringBuilder();
        String row = "%-46s %16s %16s  %s%n";
        b.append(String.format("Benchmark of %s, %s cores, %s MB; settings %s%n%n", results.get("startedAt"),
                ((Map<String, Object>) results.get("machine")).get("cores"),
                ((Map<String, Object>) results.get("machine")).get("memoryMb"), results.get("settings")));
        b.append(String.format(row, "figure", "measured", "target", ""));
        long snap = number(snapshot, "rowsPerSecond");
        b.append(String.format(row, "(a) snapshot, rows/s (" + String.format("%,d", number(snapshot, "rows")) + " rows)",
                String.format("%,d", snap), ">= 50,000", verdict(snap >= 50_000)));
        long tput = number(throughput, "changesPerSecond");
        b.append(String.format(row, "(b) sustained end to end, changes/s", String.format("%,d", tput), ">= 20,000",
                verdict(tput >= 20_000)));
        long p99 = number(latency, "p99Ms");
        b.append(String.format(row, "(c) commit to silver at " + String.format("%,d", number(latency, "ratePerSecond"))
                + "/s, p50/p95/p99 ms", number(latency, "p50Ms") + "/" + number(latency, "p95Ms") + "/" + p99,
                "p99 <= 5,000", verdict(p99 <= 5_000)));
        b.append(String.format(row, "(d) floor: logical decoding alone, changes/s",
                String.format("%,d", number(floor, "logicalDecodingChangesPerSecond")), "", ""));
        b.append(String.format(row, "    PostgreSQL writes done after, s", floor.get("postgresWriteSeconds"), "", ""));
        b.append(String.format(row, "    all in Kafka (Debezium) after, s", floor.get("allInKafkaSeconds"), "", ""));
        b.append(String.format(row, "    all in bronze after, s", floor.get("allInBronzeSeconds"), "", ""));
        b.append(String.format(row, "    all in silver after, s", floor.get("allInSilverSeconds"), "", ""));
        long total = number(memory, "totalPeakMb");
        b.append(String.format(row, "(e) peak RSS, whole platform, MB", String.format("%,d", total), "<= 4,096",
                verdict(total <= 4_096)));
        memory.forEach((service, mb) -> {
            if (!service.equals("totalPeakMb") && !service.equals("targetMb")) {
                b.append(String.format(row, "    " + service, String.format("%,d", ((Number) mb).longValue()), "", ""));
            }
        });
        // Rows without a target end in padding: trim it.
        return b.toString().replaceAll("(?m) +$", "");
    }

    private static long number(Map<String, Object> section, String key) {
        return ((Number) section.get(key)).longValue();
    }

    private static String verdict(boolean met) {
        return met ? "met" : "NOT met";
    }
}
