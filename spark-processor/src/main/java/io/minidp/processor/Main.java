package io.minidp.processor;

import io.minidp.common.app.Readiness;
import io.minidp.common.app.ServiceMain;
import io.minidp.common.avro.SchemaRegistryClient;
import io.minidp.processor.lake.LakeSession;
import java.time.Duration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the stream until stopped. When the query fails (the object store or Kafka gone for longer
 * than the clients retry), it is started again from its checkpoint after a pause, so a passing
 * outage costs time, never data. With PROCESSOR_RUN=once it processes what Kafka holds and exits.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    private static final Duration PAUSE_MAX = Duration.ofSeconds(60);
    /** Above Spark's shutdown hook (SparkContext's priority is 50 in Spark's manager, which runs at Hadoop's 40). */
    private static final int STOP_HOOK_PRIORITY = 100;

    private volatile boolean stopping;
    private volatile StreamingQuery query;

    public static void main(String[] args) {
        ServiceMain.run("spark-processor", ProcessorSettings::read, settings -> new Main().run(settings));
    }

    int run(ProcessorSettings settings) throws Exception {
        SparkSession spark = LakeSession.forProcessor(settings);
        CdcPipeline pipeline = new CdcPipeline(spark, settings,
                new SchemaRegistryClient(settings.registry(), Duration.ofSeconds(10)));
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        // Registered with Hadoop's hook manager above Spark's own hook (which stops the
        // SparkContext at a lower priority): the stream, its table writers and the lake-writer stop
        // while Spark still runs, instead of failing against a stopped context. It waits for run()
        // to end, not for the main thread: that one calls System.exit next, which waits for the hooks.
        org.apache.hadoop.util.ShutdownHookManager.get().addShutdownHook(() -> {
            stopping = true;
            StreamingQuery q = query;
            try {
                if (q != null) {
                    q.stop();
                }
            } catch (Exception e) {
                LOG.warn("Stopping the query: {}", e.toString());
            }
            pipeline.close(Duration.ofSeconds(20));
            try {
                if (!finished.await(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    LOG.warn("The processor's main loop has not ended 20 s after the stop; stopping anyway");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, STOP_HOOK_PRIORITY, 60, java.util.concurrent.TimeUnit.SECONDS);
        try {
            return stream(settings, pipeline);
        } finally {
            finished.countDown();
        }
    }

    /** Runs the stream until it is stopped (or, run once, has taken what Kafka held), starting it again after a failure. */
    private int stream(ProcessorSettings settings, CdcPipeline pipeline) throws Exception {
        Duration pause = Duration.ofSeconds(2);
        boolean ready = false;
        while (!stopping) {
            long startedAt = System.nanoTime();
            query = pipeline.start();
            LOG.info("Streaming {} from Kafka {} into {} (checkpoint {}, master {})", pipeline.paths().root(),
                    settings.kafka().bootstrapServers(), pipeline.paths().root(), settings.checkpoint(), settings.master());
            if (!ready) {
                Readiness.markReady();
                ready = true;
            }
            try {
                query.awaitTermination();
                pipeline.awaitRefreshes();
                return 0; // stopped, or ran once to the end
            } catch (StreamingQueryException e) {
                if (stopping) {
                    return 0;
                }
                if (settings.runOnce()) {
                    throw e;
                }
                if (isSparkKafkaMetricsBug(e)) {
                    // The batch was written and committed; only the progress report failed.
                    LOG.warn("Spark's Kafka source failed the progress report of the first batch after a"
                            + " restart (SPARK-55271); the batch is committed, starting the stream again now");
                    continue;
                }
                if (Duration.ofNanos(System.nanoTime() - startedAt).compareTo(PAUSE_MAX.multipliedBy(2)) > 0) {
                    // It ran well for a while: this is a new outage, not the same one again.
                    pause = Duration.ofSeconds(2);
                }
                LOG.error("The stream failed; starting it again from its checkpoint in {} s. Cause: {}",
                        pause.getSeconds(), rootCause(e));
                Thread.sleep(pause.toMillis());
                pause = pause.multipliedBy(2).compareTo(PAUSE_MAX) > 0 ? PAUSE_MAX : pause.multipliedBy(2);
            }
        }
        return 0;
    }

    /** SPARK-55271: KafkaMicroBatchStream.metrics() on a batch replayed from the offset log, before any latestOffset(). */
    static boolean isSparkKafkaMetricsBug(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NullPointerException) {
                for (StackTraceElement frame : t.getStackTrace()) {
                    if (frame.getClassName().startsWith("org.apache.spark.sql.kafka010.KafkaMicroBatchStream")
                            && frame.getMethodName().equals("metrics")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? e.toString() : e.getMessage() + " / root cause: " + t;
    }
}
