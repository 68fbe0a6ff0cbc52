package io.minidp.runner.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.minidp.common.app.PlatformException;
import io.minidp.common.cdc.CdcTopics;
import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.Env;
import io.minidp.common.config.Setting;
import io.minidp.common.config.Settings;
import io.minidp.engines.process.Folders;
import io.minidp.runner.PlatformConfig;
import io.minidp.runner.cli.Console;
import io.minidp.runner.cli.Runner;
import io.minidp.runner.fleet.Fleet;
import io.minidp.runner.fleet.LocalService;
import io.minidp.runner.process.Supervisor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * {@code ./platform bench}: a fresh platform of its own (state in data/local/bench, logs in
 * logs/bench, the same ports), driven by a workload of its own, measuring in one run:
 * <ol>
 *   <li>the initial snapshot: the shop's tables and a preloaded one, from Debezium's first record to
 *       the last row in silver;</li>
 *   <li>the sustained end-to-end throughput: a burst of inserts written as fast as PostgreSQL
 *       takes them, from the first commit to the last row committed to silver;</li>
 *   <li>commit-to-silver latency at a fixed rate (1,000 rows/s by default);</li>
 *   <li>the floor: the same burst decoded straight from a replication slot with pgoutput, and
 *       when each stage (Kafka, bronze, silver) had all of it;</li>
 *   <li>the peak resident memory of every service, and of all of them together.</li>
 * </ol>
 * Times on the lake side are the Delta commits' own timestamps, read from the tables' logs.
 * Results go to bench-&lt;time&gt;.json and .txt in BENCH_RESULTS_DIR (default bench-results).
 */
public final class Bench {

    static final String SNAPSHOT = "bench_snapshot";
    static final String BURST = "bench_burst";
    static final String STEADY = "bench_latency";
    static final String FRESH = "bench_fresh";
    static final String KAFKA_ONLY = "bench_kafka_only";
    /** The probe rows written beside the generator for figure (f), per second. */
    static final int FRESHNESS_PROBES_PER_SECOND = 10;
    /** The targets of issue #14, each figure's own. */
    static final int TARGET_SNAPSHOT_ROWS_PER_SECOND = 50_000;
    static final int TARGET_CHANGES_PER_SECOND = 20_000;
    static final double TARGET_SHARE_OF_KAFKA_ALONE = 0.8;
    static final int TARGET_LATENCY_P99_MS = 3_000;
    static final int TARGET_FRESHNESS_P99_MS = 2_000;
    static final int TARGET_PEAK_RSS_MB = 3_072;
    private static final String FLOOR_SLOT = "bench_floor";
    private static final Duration STAGE_TIMEOUT = Duration.ofMinutes(20);

    /** The workload's sizes; {@code ./platform bench [--snapshot-rows=N] [--changes=N] [--latency-rate=N] [--latency-seconds=N]}. */
    record Options(long snapshotRows, long changes, int latencyRate, int latencySeconds) {

        static final String USAGE = "Usage: ./platform bench [--snapshot-rows=N] [--changes=N] [--latency-rate=N]"
                + " [--latency-seconds=N], each N a whole number above 0";

        static Options parse(List<String> args) {
            Map<String, Long> v = new LinkedHashMap<>(Map.of("snapshot-rows", 100_000L, "changes", 100_000L,
                    "latency-rate", 1_000L, "latency-seconds", 30L));
            for (String a : args) {
                String[] kv = a.startsWith("--") ? a.substring(2).split("=", 2) : new String[0];
                if (kv.length != 2 || !v.containsKey(kv[0])) {
                    throw new PlatformException("Unknown argument '" + a + "'. " + USAGE);
                }
                try {
                    long n = Long.parseLong(kv[1]);
                    if (n <= 0) {
                        throw new NumberFormatException();
                    }
                    v.put(kv[0], n);
                } catch (NumberFormatException e) {
                    throw new PlatformException("Invalid value in '" + a + "'. " + USAGE);
                }
            }
            return new Options(v.get("snapshot-rows"), v.get("changes"), Math.toIntExact(v.get("latency-rate")),
                    Math.toIntExact(v.get("latency-seconds")));
        }
    }

    private final PlatformConfig config;
    private final Console console;
    private final Options options;
    private final Map<String, Object> results = new LinkedHashMap<>();

    private Bench(PlatformConfig config, Console console, Options options) {
        this.config = config;
        this.console = console;
        this.options = options;
    }

    /** Runs the benchmark on a fresh platform of its own; the platform of {@code mainConfig} must be down. */
    public static int run(Env env, PlatformConfig mainConfig, Console console, List<String> args) {
        Options options = Options.parse(args);
        Supervisor mainSupervisor = new Supervisor(mainConfig.runDir());
        List<String> running = Fleet.local(mainConfig).all().stream().map(LocalService::name)
                .filter(s -> mainSupervisor.state(s).running()).toList();
        if (!running.isEmpty()) {
            throw new PlatformException("./platform bench starts a fresh platform of its own on the same ports;"
                    + " stop this one first (./platform down). Running now: " + String.join(", ", running) + ".");
        }
        Path dataDir = mainConfig.dataDir().resolve("bench");
        Env benchEnv = env.with(Map.of("PLATFORM_DATA_DIR", dataDir.toString(),
                "LOGS_DIR", mainConfig.logsDir().resolve("bench").toString(),
                "CONSUMER_LOG_EVENTS", "sample"));
        ConfigReader reader = new ConfigReader(benchEnv);
        PlatformConfig config = PlatformConfig.read(reader);
        reader.validate();
        wipeExceptBinaries(dataDir);
        return new Bench(config, console, options).run();
    }

    private int run() {
        Fleet fleet = Fleet.local(config);
        Runner runner = new Runner(config, fleet, console);
        Load load = new Load(config.postgres());
        CdcTopics cdc = config.cdc().topics();
        String publication = config.env().get(Settings.CDC_PUBLICATION).orElse(Settings.CDC_PUBLICATION.dotEnv());
        // The pipeline alone: no generator, no query service.
        List<String> platform = fleet.all().stream().map(LocalService::name)
                .filter(n -> !n.equals("data-generator") && !n.equals(Fleet.QUERY_SERVICE)).toList();
        results.put("startedAt", Instant.now().toString());
        results.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "memoryMb", totalMemoryMb()));
        results.put("settings", settings());
        try (RssSampler rss = new RssSampler(new Supervisor(config.runDir()), platform)) {
            runner.up(List.of("data-initializer"));
            load.createTable(SNAPSHOT);
            load.burst(SNAPSHOT, options.snapshotRows(), 50_000);
            Map<String, Long> snapshotted = load.rowCounts();
            load.createTable(BURST);
            load.createTable(STEADY);
            console.say("bench: %,d rows preloaded in %s; starting the rest of the platform", options.snapshotRows(), SNAPSHOT);
            runner.up(platform);
            try (Topics topics = new Topics(config.kafka().bootstrapServers()); DeltaLog lake = new DeltaLog(config.s3())) {
                snapshot(topics, lake, cdc, snapshotted);
                burst(load, topics, lake, cdc, publication);
                latency(load, lake);
                freshness(runner, load, lake);
                kafkaAlone(runner, load, topics, cdc);
            }
            Map<String, Object> memory = new LinkedHashMap<>();
            rss.peakKbByService().forEach((s, kb) -> memory.put(s, kb / 1024));
            memory.put("totalPeakMb", rss.peakTotalKb() / 1024);
            memory.put("targetMb", TARGET_PEAK_RSS_MB);
            results.put("peakRssMb", memory);
        } finally {
            runner.down(List.of(), false);
        }
        write();
        return 0;
    }

    /** Every table PostgreSQL holds rows of (the shop's and the preloaded one) is snapshotted; all must reach silver. */
    private void snapshot(Topics topics, DeltaLog lake, CdcTopics cdc, Map<String, Long> tables) {
        String topic = cdc.table("public", SNAPSHOT);
        long rows = tables.values().stream().mapToLong(Long::longValue).sum();
        long silver = await("silver (all snapshotted tables)", rows,
                () -> tables.keySet().stream().mapToLong(t -> Math.min(tables.get(t), lake.rows("silver", t))).sum());
        long start = topics.tables(cdc).stream().map(t -> topics.timestamp(t, 0)).filter(OptionalLong::isPresent)
                .mapToLong(OptionalLong::getAsLong).min().orElseThrow();
        long debezium = topics.timestamp(topic, topics.end(topic) - 1).orElseThrow();
        long bronze = lake.reached("bronze", SNAPSHOT, tables.get(SNAPSHOT)).orElseThrow();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rows", rows);
        r.put("tables", tables);
        r.put("seconds", seconds(start, silver));
        r.put("rowsPerSecond", perSecond(rows, start, silver));
        r.put("targetRowsPerSecond", TARGET_SNAPSHOT_ROWS_PER_SECOND);
        r.put("preloadedTableInKafkaSeconds", seconds(start, debezium));
        r.put("preloadedTableInBronzeSeconds", seconds(start, bronze));
        r.put("allInSilverSeconds", seconds(start, silver));
        results.put("snapshot", r);
        console.say("bench: snapshot of %,d rows in %d tables in silver after %.1f s: %,d rows/s", rows, tables.size(),
                seconds(start, silver), perSecond(rows, start, silver));
    }

    private void burst(Load load, Topics topics, DeltaLog lake, CdcTopics cdc, String publication) {
        String topic = cdc.table("public", BURST);
        long rows = options.changes();
        load.createSlot(FLOOR_SLOT);
        console.say("bench: writing %,d inserts into %s as fast as PostgreSQL takes them", rows, BURST);
        long start = System.currentTimeMillis();
        List<Load.Commit> commits = load.burst(BURST, rows, 1_000);
        long written = commits.get(commits.size() - 1).committedAtMillis();
        long[] kafka = {0};
        long silver = await("silver." + BURST, rows, () -> {
            if (kafka[0] == 0 && topics.end(topic) >= rows) {
                kafka[0] = System.currentTimeMillis();
            }
            return lake.rows("silver", BURST);
        });
        if (kafka[0] == 0) {
            kafka[0] = topics.timestamp(topic, rows - 1).orElseThrow();
        }
        long bronze = lake.reached("bronze", BURST, rows).orElseThrow();
        double decode = load.decodeAndDrop(FLOOR_SLOT, publication);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("changes", rows);
        r.put("seconds", seconds(start, silver));
        r.put("changesPerSecond", perSecond(rows, start, silver));
        r.put("targetChangesPerSecond", TARGET_CHANGES_PER_SECOND);
        r.put("targetShareOfKafkaAlone", TARGET_SHARE_OF_KAFKA_ALONE);
        results.put("throughput", r);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("logicalDecodingSeconds", round(decode));
        f.put("logicalDecodingChangesPerSecond", Math.round(rows / Math.max(decode, 0.001)));
        f.put("postgresWriteSeconds", seconds(start, written));
        f.put("postgresWriteChangesPerSecond", perSecond(rows, start, written));
        f.put("allInKafkaSeconds", seconds(start, kafka[0]));
        f.put("allInBronzeSeconds", seconds(start, bronze));
        f.put("allInSilverSeconds", seconds(start, silver));
        f.put("debeziumToKafkaChangesPerSecond", perSecond(rows, start, kafka[0]));
        f.put("kafkaToBronzeExtraSeconds", seconds(kafka[0], bronze));
        f.put("bronzeToSilverExtraSeconds", seconds(bronze, silver));
        results.put("floor", f);
        console.say("bench: %,d changes in silver after %.1f s: %,d changes/s end to end (decoding alone: %,d/s)", rows,
                seconds(start, silver), perSecond(rows, start, silver), Math.round(rows / Math.max(decode, 0.001)));
    }

    private void latency(Load load, DeltaLog lake) {
        console.say("bench: writing %,d rows/s into %s for %d s", options.latencyRate(), STEADY, options.latencySeconds());
        ready(load, lake, STEADY);
        List<Load.Commit> commits = load.steady(STEADY, options.latencyRate(), options.latencySeconds());
        long[] latencies = latencies(lake, STEADY, commits);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("ratePerSecond", options.latencyRate());
        r.put("seconds", options.latencySeconds());
        r.put("transactions", commits.size());
        r.put("p50Ms", percentile(latencies, 50));
        r.put("p95Ms", percentile(latencies, 95));
        r.put("p99Ms", percentile(latencies, 99));
        r.put("maxMs", latencies[latencies.length - 1]);
        r.put("targetP99Ms", TARGET_LATENCY_P99_MS);
        results.put("latency", r);
        console.say("bench: commit-to-silver latency at %,d rows/s: p50 %d ms, p95 %d ms, p99 %d ms", options.latencyRate(),
                percentile(latencies, 50), percentile(latencies, 95), percentile(latencies, 99));
    }

    /**
     * (f) Freshness at the shop's default rate: the generator runs as configured (GENERATOR_RATE),
     * and probe rows written beside it, a few a second into a table of their own, are timed from
     * their commit in PostgreSQL to their Delta commit in silver.
     */
    private void freshness(Runner runner, Load load, DeltaLog lake) {
        String rate = config.env().get(Settings.GENERATOR_RATE).orElse(Settings.GENERATOR_RATE.fallback());
        load.createTable(FRESH);
        ready(load, lake, FRESH);
        runner.up(List.of("data-generator"), true);
        List<Load.Commit> commits;
        try {
            console.say("bench: the generator at %s events/s; probe rows into %s at %d/s for %d s", rate, FRESH,
                    FRESHNESS_PROBES_PER_SECOND, options.latencySeconds());
            commits = load.steady(FRESH, FRESHNESS_PROBES_PER_SECOND, options.latencySeconds());
        } finally {
            runner.down(List.of("data-generator"), false, true);
        }
        long[] latencies = latencies(lake, FRESH, commits);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("generatorRate", rate);
        r.put("probesPerSecond", FRESHNESS_PROBES_PER_SECOND);
        r.put("seconds", options.latencySeconds());
        r.put("p50Ms", percentile(latencies, 50));
        r.put("p99Ms", percentile(latencies, 99));
        r.put("maxMs", latencies[latencies.length - 1]);
        r.put("targetP99Ms", TARGET_FRESHNESS_P99_MS);
        results.put("freshness", r);
        console.say("bench: freshness beside the generator: p50 %d ms, p99 %d ms", percentile(latencies, 50),
                percentile(latencies, 99));
    }

    /**
     * (g) Debezium to Kafka alone: the processor and the consumer stopped, a burst of the same size
     * as (b) into a table of its own, timed from the first insert until its topic holds every change.
     * The processor's floor: the pipeline cannot be faster than what reaches Kafka.
     */
    private void kafkaAlone(Runner runner, Load load, Topics topics, CdcTopics cdc) {
        runner.down(List.of("spark-processor", "kafka-consumer"), false, true);
        load.createTable(KAFKA_ONLY);
        String topic = cdc.table("public", KAFKA_ONLY);
        long rows = options.changes();
        console.say("bench: writing %,d inserts into %s with the processor and the consumer stopped", rows, KAFKA_ONLY);
        long start = System.currentTimeMillis();
        load.burst(KAFKA_ONLY, rows, 1_000);
        long inKafka = await("Kafka (" + topic + ")", rows, () -> topics.end(topic));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("changes", rows);
        r.put("seconds", seconds(start, inKafka));
        r.put("changesPerSecond", perSecond(rows, start, inKafka));
        results.put("kafkaAlone", r);
        console.say("bench: %,d changes in Kafka after %.1f s with nothing reading them: %,d changes/s", rows,
                seconds(start, inKafka), perSecond(rows, start, inKafka));
    }

    /** Row 0 of {@code table} written and in silver ({@link Load#firstRow}): a timed run into it can start. */
    private void ready(Load load, DeltaLog lake, String table) {
        load.firstRow(table);
        await("silver." + table + " (its first row, before the clock starts)", 1, () -> lake.rows("silver", table));
    }

    /**
     * Per commit of {@code commits} into {@code table} (after its {@link #ready} row), how long
     * until silver held its rows (ms), sorted.
     */
    private long[] latencies(DeltaLog lake, String table, List<Load.Commit> commits) {
        long rows = 1 + commits.get(commits.size() - 1).rowsSoFar();
        await("silver." + table, rows, () -> lake.rows("silver", table));
        List<DeltaLog.Commit> versions = lake.commits("silver", table);
        long[] latencies = new long[commits.size()];
        for (int i = 0; i < commits.size(); i++) {
            latencies[i] = visibleAt(table, versions, 1 + commits.get(i).rowsSoFar()) - commits.get(i).committedAtMillis();
        }
        Arrays.sort(latencies);
        return latencies;
    }

    private static long visibleAt(String table, List<DeltaLog.Commit> versions, long rows) {
        long total = 0;
        for (DeltaLog.Commit c : versions) {
            total += c.rowsAdded();
            if (total >= rows) {
                return c.timestampMillis();
            }
        }
        throw new IllegalStateException("silver." + table + " never held " + rows + " rows");
    }

    static long percentile(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** Waits until {@code rows()} reaches {@code target}, saying how far it is every 10 s; returns when (epoch ms). */
    private long await(String what, long target, LongSupplier rows) {
        long deadline = System.nanoTime() + STAGE_TIMEOUT.toNanos();
        long nextReport = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            long n = rows.getAsLong();
            if (n >= target) {
                return System.currentTimeMillis();
            }
            if (System.nanoTime() > deadline) {
                throw new PlatformException("bench: " + what + " holds " + n + " of " + target + " rows after "
                        + STAGE_TIMEOUT.toMinutes() + " min; the logs in " + config.logsDir() + " say why.");
            }
            if (System.nanoTime() > nextReport) {
                console.say("bench: %s holds %,d of %,d rows", what, n, target);
                nextReport = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            }
            sleep(250);
        }
    }

    private Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        for (Setting setting : List.of(Settings.SPARK_MASTER, Settings.PROCESSOR_TRIGGER_SECONDS,
                Settings.PROCESSOR_MAX_OFFSETS_PER_TRIGGER, Settings.PROCESSOR_SHUFFLE_PARTITIONS,
                Settings.PROCESSOR_TABLE_THREADS, Settings.PROCESSOR_HISTORY_SECONDS, Settings.PROCESSOR_COMPACT_WRITES,
                Settings.CONSUMER_LOG_EVENTS, Settings.GENERATOR_RATE)) {
            config.env().get(setting).ifPresent(v -> s.put(setting.name(), v));
        }
        return s;
    }

    private void write() {
        try {
            Path dir = Files.createDirectories(config.home().resolve(config.env().get(Settings.BENCH_RESULTS_DIR).orElseThrow()));
            String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
            Path json = dir.resolve("bench-" + stamp + ".json");
            Path text = dir.resolve("bench-" + stamp + ".txt");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), results);
            String table = BenchTable.render(results);
            Files.writeString(text, table);
            console.say("%s", table);
            console.say("bench: results in %s and %s", json, text);
        } catch (IOException e) {
            throw new PlatformException("Cannot write the benchmark's results: " + e.getMessage(), e);
        }
    }

    private static void wipeExceptBinaries(Path dataDir) {
        if (!Files.isDirectory(dataDir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dataDir)) {
            for (Path p : entries.filter(p -> !p.getFileName().toString().equals("bin")).toList()) {
                Folders.deleteTree(p);
            }
        } catch (IOException e) {
            throw new PlatformException("Cannot clear " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static long totalMemoryMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: left out.
        }
        return -1;
    }

    private static double seconds(long fromMillis, long toMillis) {
        return round((toMillis - fromMillis) / 1000.0);
    }

    private static long perSecond(long rows, long fromMillis, long toMillis) {
        return Math.round(rows * 1000.0 / Math.max(1, toMillis - fromMillis));
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("Interrupted", e);
        }
    }
}
