package io.minidp.processor;

import io.minidp.common.app.PlatformException;
import io.minidp.common.avro.SchemaRegistryClient;
import io.minidp.processor.decode.ChangeDecoder;
import io.minidp.processor.decode.TableChanges;
import io.minidp.processor.lake.Bronze;
import io.minidp.processor.lake.Compaction;
import io.minidp.processor.lake.Gold;
import io.minidp.processor.lake.History;
import io.minidp.processor.lake.LakePaths;
import io.minidp.processor.lake.LakeStatus;
import io.minidp.processor.lake.Silver;
import io.minidp.processor.lake.StoppedTables;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming query: the CDC topics from Kafka, one {@code foreachBatch} per micro-batch that
 * decodes the changes and writes bronze, silver, history and gold. Each step is a method tests can call;
 * {@link #processBatch} is the whole batch.
 */
public final class CdcPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(CdcPipeline.class);
    private static final Duration REGISTRY_WAIT_MAX = Duration.ofSeconds(30);
    private static final long GOLD_RETRY_SECONDS = 5;
    private static final long REBUILD_CHECK_SECONDS = 5;

    private final SparkSession spark;
    private final ProcessorSettings settings;
    private final LakePaths paths;
    private final ChangeDecoder decoder;
    private final Bronze bronze;
    private final Silver silver;
    private final History history;
    private final Compaction compaction;
    private final Gold gold;
    private final LakeStatus status;
    private final StoppedTables stopped;
    private final ExecutorService tableWriters;
    /**
     * Gold and history are written beside the stream, so that a batch never waits for them; and
     * rebuilds are taken between batches. One thread: none of them runs while another does.
     */
    private final java.util.concurrent.ScheduledExecutorService lakeWriter;
    private Instant goldAt = Instant.EPOCH;
    /** Tables whose history is behind bronze (guarded by this object's lock). */
    private final java.util.Set<String> historyBehind = new java.util.HashSet<>();
    /** Per table, the key it was last seen with in a batch. */
    private final Map<String, List<String>> historyKeys = new ConcurrentHashMap<>();
    /** When the last history catch-up began. */
    private Instant historyAt = Instant.EPOCH;
    /** A catch-up is scheduled or running: cleared only when it has ended. */
    private boolean historyPending;
    private boolean goldStale;
    /** A refresh is scheduled or running: the flag is cleared only when it has ended. */
    private boolean goldPending;
    private boolean rebuildsWatched;
    /** The process is stopping: the lake-writer takes no more work ({@link #close}). */
    private volatile boolean closed;

    public CdcPipeline(SparkSession spark, ProcessorSettings settings, SchemaRegistryClient registry) {
        this.spark = spark;
        this.settings = settings;
        this.paths = new LakePaths(settings.lakeRoot());
        this.decoder = new ChangeDecoder(registry, settings.topicPrefix());
        this.bronze = new Bronze(spark, paths, settings.statusFile().resolveSibling("bronze-marks.json"));
        this.silver = new Silver(spark, paths);
        this.history = new History(spark, paths);
        this.compaction = new Compaction(spark, settings.compactWrites());
        this.gold = new Gold(spark, paths);
        this.status = new LakeStatus(spark, paths, settings.statusFile());
        this.stopped = new StoppedTables(spark, paths);
        this.tableWriters = Executors.newFixedThreadPool(settings.tableThreads(), r -> {
            Thread t = new Thread(r, "table-writer");
            t.setDaemon(true);
            return t;
        });
        this.lakeWriter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lake-writer");
            t.setDaemon(true);
            return t;
        });
    }

    public LakePaths paths() {
        return paths;
    }

    /** The Kafka source: every {@code <prefix>.<schema>.<table>} topic, new ones included, from the earliest offset. */
    public Dataset<Row> source() {
        return spark.readStream().format("kafka")
                .option("kafka.bootstrap.servers", settings.kafka().bootstrapServers())
                .option("subscribePattern", decoder.topicPattern())
                .option("startingOffsets", "earliest")
                .option("maxOffsetsPerTrigger", settings.maxOffsets())
                // New topics (tables created later) are found within seconds, not the client's default 5 minutes.
                .option("kafka.metadata.max.age.ms", "5000")
                .load();
    }

    /**
     * Starts the query. A lake with tables but no checkpoint is refused: the batch ids would start
     * again at 0 and Delta's idempotent writes would skip them.
     */
    public StreamingQuery start() throws TimeoutException {
        String checkpoint = settings.checkpoint();
        if (!LakePaths.exists(spark, checkpoint + "/offsets") && !paths.tables(spark, "bronze").isEmpty()) {
            throw new PlatformException("The lake at " + paths.root() + " has bronze tables, but the checkpoint "
                    + checkpoint + " has no offsets. Restore the checkpoint, or delete the lake's bronze, silver and"
                    + " gold folders to rebuild them from Kafka (locally, ./platform down --wipe deletes all local state).");
        }
        status.load();
        stopped.load();
        status.stopped(stopped.all());
        // History and gold may be behind silver after the last run (stopped or killed before their
        // turn came): every table's history catches up, and gold is refreshed once.
        historyChanged(paths.tables(spark, "silver"));
        goldChanged();
        if (!rebuildsWatched && !closed) {
            rebuildsWatched = true;
            try {
                lakeWriter.scheduleWithFixedDelay(this::takeRebuildsOfStoppedTables, REBUILD_CHECK_SECONDS,
                        REBUILD_CHECK_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopped while starting: nothing more to watch
            }
        }
        Trigger trigger = settings.runOnce() ? Trigger.AvailableNow()
                : Trigger.ProcessingTime(Duration.ofSeconds(settings.triggerSeconds()).toMillis());
        VoidFunction2<Dataset<Row>, Long> each = this::processBatch;
        return source().writeStream()
                .queryName("cdc-to-delta")
                .option("checkpointLocation", checkpoint)
                .trigger(trigger)
                .foreachBatch(each)
                .start();
    }

    /**
     * One micro-batch: decode, then bronze and silver, each write idempotent for {@code batchId};
     * history and gold follow beside the stream.
     */
    public void processBatch(Dataset<Row> raw, long batchId) throws Exception {
        long started = System.nanoTime();
        raw.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            apply(raw, batchId, started);
        } finally {
            raw.unpersist();
        }
    }

    private void apply(Dataset<Row> raw, long batchId, long started) throws Exception {
        StepTimer timer = new StepTimer();
        spark.sparkContext().setJobDescription("batch " + batchId + ": decode");
        ChangeDecoder.Decoded decoded = decodeWaitingForRegistry(raw, batchId);
        timer.lap("decode", started);
        bronze.batchStart(batchId);
        // The lock keeps a rebuild's move of a table's folders away from history and compaction,
        // which hold it for seconds on the lake-writer thread: a batch takes it only when a
        // rebuild is asked for (one HEAD on the store), never to wait for them.
        if (stopped.rebuildAsked()) {
            synchronized (history) {
                stopped.rebuildRequested(false, this::forget);
            }
        }
        // Tables are independent Delta tables: write them side by side, as most of a write is waiting on S3.
        List<Future<Applied>> futures = new ArrayList<>();
        for (TableChanges t : decoded.tables()) {
            futures.add(tableWriters.submit(() -> applyTable(t, batchId, timer)));
        }
        long events = 0;
        List<String> touched = new ArrayList<>();
        Dataset<Row> kept = null;
        for (int i = 0; i < futures.size(); i++) {
            Applied a = get(futures.get(i));
            String table = decoded.tables().get(i).table();
            if (a.changes() > 0) {
                events += a.changes();
                touched.add(table);
            }
            if (a.skipped() != null) {
                kept = kept == null ? decoded.kept(table, a.skipped()) : kept.union(decoded.kept(table, a.skipped()));
            }
        }
        if (decoded.rejected() != null || kept != null) {
            long at = System.nanoTime();
            writeRejected(decoded.rejected(), kept, batchId);
            timer.lap("rejected", at);
        }
        bronze.batchDone(batchId);
        if (!touched.isEmpty()) {
            touched.forEach(t -> compaction.wrote(paths.bronze(t)));
            historyChanged(touched);
        }
        if (touched.stream().anyMatch(Gold.INPUTS::contains)) {
            goldChanged();
        }
        status.stopped(stopped.all());
        status.batchDone(batchId);
        if (events > 0) {
            LOG.info("Batch {}: {} changes applied to {} in {} ms (summed over tables: {})", batchId, events, touched,
                    (System.nanoTime() - started) / 1_000_000, timer);
        }
    }

    /** What the processor holds of a table whose lake tables were archived. */
    private void forget(String table) {
        bronze.forget(table);
        silver.forget(table);
        history.forget(table);
        historyKeys.remove(table);
        compaction.forget(paths.bronze(table));
        compaction.forget(paths.history(table));
        status.forget(table);
    }

    /** A stopped table is rebuilt when asked, between batches too: a quiet database has none. */
    private void takeRebuildsOfStoppedTables() {
        try {
            boolean rebuilt;
            synchronized (history) {
                rebuilt = !stopped.rebuildRequested(true, this::forget).isEmpty();
            }
            if (rebuilt) {
                status.stopped(stopped.all());
                status.rewrite();
            }
        } catch (RuntimeException e) {
            if (closed) {
                return;
            }
            LOG.warn("Cannot look for rebuild requests, trying again in {} s: {}", REBUILD_CHECK_SECONDS, e.toString());
        }
    }

    /**
     * Silver changed under gold: a refresh is scheduled, {@code PROCESSOR_GOLD_SECONDS} after the
     * last one began, unless one is pending already (it reads silver when it runs, and schedules the
     * next one if silver changed again meanwhile).
     */
    private synchronized void goldChanged() {
        goldStale = true;
        if (goldPending) {
            return;
        }
        goldPending = true;
        long wait = Math.max(0, settings.goldSeconds() - Duration.between(goldAt, Instant.now()).getSeconds());
        later(this::refreshGold, wait);
    }

    private void refreshGold() {
        synchronized (this) {
            goldStale = false;
            goldAt = Instant.now();
        }
        spark.sparkContext().setJobDescription("gold refresh");
        long started = System.nanoTime();
        try {
            if (gold.refresh()) {
                LOG.info("Gold refreshed from silver in {} ms", (System.nanoTime() - started) / 1_000_000);
            }
        } catch (Exception e) {
            if (closed) {
                return; // stopping: the next start refreshes gold
            }
            long retry = Math.max(GOLD_RETRY_SECONDS, settings.goldSeconds());
            LOG.warn("Gold could not be refreshed; trying again in {} s: {}", retry, e.toString());
            later(this::refreshGold, retry);
            return;
        }
        boolean again;
        synchronized (this) {
            goldPending = false;
            again = goldStale;
            notifyAll();
        }
        if (again) {
            goldChanged();
        }
    }

    /**
     * History is behind bronze for {@code tables}: a catch-up is scheduled,
     * {@code PROCESSOR_HISTORY_SECONDS} after the last one began, unless one is scheduled already
     * (it takes every table asked for until it runs).
     */
    private synchronized void historyChanged(java.util.Collection<String> tables) {
        historyBehind.addAll(tables);
        if (historyPending || historyBehind.isEmpty()) {
            return;
        }
        historyPending = true;
        long wait = Math.max(0, settings.historySeconds() - Duration.between(historyAt, Instant.now()).getSeconds());
        later(this::catchUpHistory, wait);
    }

    private void catchUpHistory() {
        List<String> tables;
        synchronized (this) {
            tables = new ArrayList<>(historyBehind);
            historyBehind.clear();
            historyAt = Instant.now();
        }
        long started = System.nanoTime();
        long taken = 0;
        List<String> failed = new ArrayList<>();
        for (String table : tables) {
            try {
                // The key of a table this process has only seen TRUNCATEs of: silver has it.
                List<String> keys = historyKeys.computeIfAbsent(table, t -> Silver.recordedKey(spark, paths.silver(t)));
                if (keys.isEmpty()) {
                    continue; // no key, no silver: no history
                }
                spark.sparkContext().setJobDescription("history of " + table);
                synchronized (history) {
                    long took = history.catchUp(table, keys);
                    if (took > 0) {
                        compaction.wrote(paths.history(table));
                    }
                    taken += took;
                }
            } catch (Exception e) {
                if (closed) {
                    LOG.info("The history of {} is left where it was: the processor is stopping", table);
                    return;
                }
                LOG.warn("The history of {} could not take bronze's latest changes; trying again in {} s: {}", table,
                        GOLD_RETRY_SECONDS, e.toString());
                failed.add(table);
            }
        }
        if (taken > 0) {
            LOG.info("History took {} changes of {} from bronze in {} ms", taken, tables,
                    (System.nanoTime() - started) / 1_000_000);
        }
        compact(tables);
        synchronized (this) {
            historyPending = false;
            notifyAll();
            if (!failed.isEmpty()) {
                historyBehind.addAll(failed);
                historyPending = true;
                later(this::catchUpHistory, GOLD_RETRY_SECONDS);
            } else {
                historyChanged(List.of());
            }
        }
    }

    /**
     * Compacts the bronze and history tables of {@code tables} that are due ({@link Compaction}),
     * on the lake-writer thread, after history took their changes. A compaction that fails is
     * logged and tried again when it is next due: the tables stay as they were.
     */
    private void compact(List<String> tables) {
        for (String table : tables) {
            for (String path : List.of(paths.bronze(table), paths.history(table))) {
                if (closed) {
                    return; // stopping: due again at the next start's first writes
                }
                try {
                    spark.sparkContext().setJobDescription("compaction of " + path);
                    synchronized (history) {
                        compaction.compactIfDue(path).ifPresent(d -> LOG.info(
                                "Compacted {}: {} files rewritten into {} in {} ms", d.path(), d.filesRemoved(),
                                d.filesAdded(), d.millis()));
                    }
                } catch (Exception e) {
                    if (closed) {
                        return;
                    }
                    LOG.warn("Could not compact {}; trying again at its next write: {}", path, e.toString());
                }
            }
        }
    }

    /** Runs {@code work} on the lake-writer thread in {@code seconds}, unless the process is stopping. */
    private void later(Runnable work, long seconds) {
        if (closed) {
            return;
        }
        try {
            lakeWriter.schedule(work, seconds, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed in between: nothing more is written
        }
    }

    /**
     * The process is stopping, after the stream: the lake-writer takes no more gold refresh,
     * history catch-up or compaction, and the one running is interrupted, so none of them keeps
     * trying against a Spark that is stopping; the table writers of an interrupted batch are
     * interrupted too (Spark's jobs are cancelled; a Delta commit is atomic, and the batch is
     * replayed at the next start, which finds its marks). The next start takes each again: history
     * from its last mark, gold at once, compactions when next due. Waits up to {@code wait} for
     * the threads to end.
     */
    public void close(Duration wait) {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        lakeWriter.shutdownNow();
        tableWriters.shutdownNow();
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            for (java.util.concurrent.ExecutorService threads : List.of(lakeWriter, tableWriters)) {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!threads.awaitTermination(left, java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    LOG.warn("The lake-writer or a table writer is still writing {} s after the stop;"
                            + " the process stops anyway", wait.getSeconds());
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until no gold refresh or history catch-up is pending (a run-once ends only when both
     * are current).
     */
    public synchronized void awaitRefreshes() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while ((goldPending || historyPending) && !closed) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                LOG.warn("Gold or history is still being written after 5 min; stopping without waiting for it");
                return;
            }
            wait(left);
        }
    }

    /**
     * What a batch did with one table: the changes applied, and, when it could not write them to
     * bronze, why (they are kept in {@code bronze._rejected} with that reason instead).
     */
    private record Applied(long changes, String skipped) {}

    /**
     * One table's part of a batch (see {@link #applyTableOnce}). A change the lake cannot follow
     * stops this table only ({@link StoppedTables}); until it is rebuilt, its changes go to
     * {@code bronze._rejected} with their bytes, not to its bronze and silver.
     */
    private Applied applyTable(TableChanges t, long batchId, StepTimer timer) throws Exception {
        if (stopped.isStopped(t.table())) {
            LOG.warn("Batch {}: the changes of {} are kept in bronze.{}, not applied: its apply is stopped. {}", batchId,
                    t.table(), LakePaths.REJECTED, StoppedTables.howToResume(t.table()));
            return new Applied(0, skipped(t.table()));
        }
        if (t.cannotFollow() != null) {
            stopped.stop(t.table(), batchId, t.cannotFollow());
            return new Applied(0, skipped(t.table()));
        }
        boolean[] inBronze = {false};
        try {
            return new Applied(applyTableOnce(t, batchId, timer, inBronze), null);
        } catch (Exception e) {
            // Spark's AnalysisException is a checked exception that Scala code throws undeclared.
            String reason = cannotFollow(e);
            if (reason == null) {
                throw e;
            }
            stopped.stop(t.table(), batchId, reason);
            return new Applied(0, inBronze[0] ? null : skipped(t.table()));
        }
    }

    /** The reason kept with a stopped table's changes in {@code bronze._rejected}. */
    private String skipped(String table) {
        StoppedTables.Stop stop = stopped.all().get(table);
        return "the apply of " + table + " is stopped (since batch " + stop.batchId() + ": " + stop.reason()
                + "): kept here instead of in bronze and silver. " + StoppedTables.howToResume(table);
    }

    /** Why the lake cannot follow a table, when {@code e} says so (a schema or key it cannot take); else null. */
    static String cannotFollow(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof Silver.CannotFollow) {
                return c.getMessage();
            }
            if (c instanceof org.apache.spark.sql.AnalysisException a) {
                return a.getMessage().lines().findFirst().orElse(a.toString());
            }
        }
        return null;
    }

    /**
     * One table's part of a batch: bronze, then silver, then the marks; returns the changes applied.
     * {@code inBronze[0]} is set once the batch's changes are in bronze.
     */
    private long applyTableOnce(TableChanges t, long batchId, StepTimer timer, boolean[] inBronze) {
        // The Spark UI names each job by batch, table and step.
        String job = "batch " + batchId + " " + t.table() + ": ";
        spark.sparkContext().setJobDescription(job + "decode and drop events sent again");
        long at = System.nanoTime();
        Dataset<Row> fresh = bronze.fresh(t, batchId).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<Row> perPartition = Bronze.summary(fresh);
            long n = perPartition.stream().mapToLong(r -> r.getLong(1)).sum();
            at = timer.lap("fresh", at);
            if (n == 0) {
                return 0;
            }
            spark.sparkContext().setJobDescription(job + "append to bronze");
            bronze.append(t.table(), fresh, batchId);
            inBronze[0] = true;
            at = timer.lap("bronze", at);
            spark.sparkContext().setJobDescription(job + "merge into silver");
            long silverDelta = 0;
            Dataset<Row> forSilver = fresh;
            Row truncated = lastTruncate(perPartition);
            if (truncated != null) {
                long deleted = silver.truncate(t.table(), truncated.getLong(6), truncated.getLong(7));
                LOG.info("Batch {}: TRUNCATE of {} at LSN {}: {} rows deleted from silver", batchId, t.table(),
                        truncated.getLong(7), deleted);
                silverDelta -= deleted;
                forSilver = Silver.after(fresh, truncated.getLong(6), truncated.getLong(7));
            }
            if (t.hasKey()) {
                silverDelta += silver.merge(t, forSilver, batchId);
                at = timer.lap("silver", at);
                historyKeys.put(t.table(), t.keyColumns());
            }
            bronze.advance(t.table(), perPartition);
            status.applied(t.table(), silverDelta, perPartition.stream().filter(r -> !r.isNullAt(4))
                    .map(r -> r.getTimestamp(4).toInstant()).max(Instant::compareTo).orElse(null), silver.createdHere(t.table()));
            timer.lap("status", at);
            return n;
        } finally {
            fresh.unpersist();
        }
    }

    /** The summary row of the partition with the batch's last TRUNCATE, or null when it has none. */
    private static Row lastTruncate(List<Row> perPartition) {
        Row last = null;
        for (Row r : perPartition) {
            if (!r.isNullAt(6) && (last == null || r.getLong(6) > last.getLong(6)
                    || (r.getLong(6) == last.getLong(6) && r.getLong(7) > last.getLong(7)))) {
                last = r;
            }
        }
        return last;
    }

    private static <T> T get(Future<T> f) throws Exception {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private ChangeDecoder.Decoded decodeWaitingForRegistry(Dataset<Row> raw, long batchId) throws InterruptedException {
        Duration wait = Duration.ofSeconds(1);
        while (true) {
            try {
                return decoder.decode(raw, batchId);
            } catch (SchemaRegistryClient.RegistryUnavailable e) {
                LOG.warn("Batch {} waits for the schema registry, asking again in {} s: {}", batchId, wait.getSeconds(),
                        e.getMessage());
                Thread.sleep(wait.toMillis());
                wait = wait.multipliedBy(2).compareTo(REGISTRY_WAIT_MAX) > 0 ? REGISTRY_WAIT_MAX : wait.multipliedBy(2);
            }
        }
    }

    /**
     * Keeps in {@code bronze._rejected}, in one append, the records that could not be decoded (each
     * logged, up to 20) and the changes of stopped tables ({@code kept}; either may be null).
     */
    private void writeRejected(Dataset<Row> undecoded, Dataset<Row> kept, long batchId) {
        // Persisted: the sample and the append read it, and deciding why a record was rejected is the costly part.
        Dataset<Row> rejected = undecoded == null ? null : undecoded.persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> all = rejected == null ? kept : kept == null ? rejected : rejected.union(kept);
        try {
            List<Row> sample = rejected == null ? List.of()
                    : rejected.select("_kafka_topic", "_kafka_partition", "_kafka_offset", "_reason").limit(20).collectAsList();
            for (Row r : sample) {
                LOG.warn("Kept in bronze.{} and skipped: topic {} partition {} offset {}: {}", LakePaths.REJECTED,
                        r.getString(0), r.getInt(1), r.getLong(2), r.getString(3));
            }
            if (sample.isEmpty() && (kept == null || kept.isEmpty())) {
                return;
            }
            bronze.reject(all, batchId);
        } finally {
            if (rejected != null) {
                rejected.unpersist();
            }
        }
    }

    /** Milliseconds per step of a batch, summed by step name over the tables, for the batch's log line. */
    private static final class StepTimer {
        private final Map<String, Long> nanos = new ConcurrentHashMap<>();

        /** Adds the time since {@code since} to {@code step}; returns now. */
        long lap(String step, long since) {
            long now = System.nanoTime();
            add(step, now - since);
            return now;
        }

        void add(String step, long nanosTaken) {
            nanos.merge(step, nanosTaken, Long::sum);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (String step : List.of("decode", "rejected", "fresh", "bronze", "silver", "status")) {
                Long n = nanos.get(step);
                if (n != null) {
                    sb.append(sb.length() == 0 ? "" : ", ").append(step).append(' ').append(n / 1_000_000).append(" ms");
                }
            }
            return sb.toString();
        }
    }
}
