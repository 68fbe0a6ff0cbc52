package io.minidp.processor.verify;

import io.minidp.common.app.PlatformException;
import io.minidp.common.app.ServiceMain;
import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.PostgresConfig;
import io.minidp.processor.ProcessorSettings;
import io.minidp.processor.lake.LakeSession;
import java.time.Duration;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ./platform verify [table...]}: compares every PostgreSQL table (or those its arguments name)
 * with the lake; exit 0 only when all are equal.
 */
public final class VerifyMain {

    /** What verify needs: the lake's settings, PostgreSQL, Debezium's slot and how long to wait for a consistent point. */
    record Settings(ProcessorSettings lake, PostgresConfig postgres, String slot, Duration timeout) {
        static Settings read(ConfigReader r) {
            return new Settings(ProcessorSettings.read(r), PostgresConfig.read(r), r.string(io.minidp.common.config.Settings.CDC_SLOT),
                    Duration.ofSeconds(r.integer(io.minidp.common.config.Settings.VERIFY_TIMEOUT_SECONDS, 1, MAX_TIMEOUT_SECONDS)));
        }
    }

    /** How long verify waits for the lake to catch up with PostgreSQL's view, in seconds: VERIFY_TIMEOUT_SECONDS. */
    public static final String TIMEOUT = io.minidp.common.config.Settings.VERIFY_TIMEOUT_SECONDS.name();
    public static final int DEFAULT_TIMEOUT_SECONDS =
            Integer.parseInt(io.minidp.common.config.Settings.VERIFY_TIMEOUT_SECONDS.fallback());
    public static final int MAX_TIMEOUT_SECONDS = 86_400;

    private VerifyMain() {}

    public static void main(String[] args) {
        ServiceMain.run("verify", Settings::read, s -> {
            long started = System.nanoTime();
            SparkSession spark = LakeSession.forVerify(s.lake());
            System.err.printf("verify: Spark started (%.1f s)%n", (System.nanoTime() - started) / 1e9);
            try {
                Verifier.Report report;
                try {
                    report = new Verifier(spark, s.lake(), s.postgres(), s.slot(), s.timeout(),
                            System.err::println).only(java.util.Set.copyOf(java.util.Arrays.asList(args))).run();
                } catch (PlatformException e) {
                    // The runner shows verify's console, not its log: the reason goes to both.
                    System.err.println("verify: " + e.getMessage());
                    throw e;
                }
                return Verifier.print(report, System.out) ? 0 : 1;
            } finally {
                spark.stop();
            }
        });
    }
}
