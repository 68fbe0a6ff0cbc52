package io.minidp.initializer;

import java.time.Duration;
import org.slf4j.Logger;

/** Logs how far a long pass over a file has come, at most every few seconds. */
final class Progress {

    private static final long INTERVAL_NANOS = Duration.ofSeconds(3).toNanos();

    private final Logger log;
    private final String what;
    private final long totalBytes;
    private final long started = System.nanoTime();
    private long lastReport = started;

    Progress(Logger log, String what, long totalBytes) {
        this.log = log;
        this.what = what;
        this.totalBytes = totalBytes;
    }

    void update(long bytes, long rows) {
        long now = System.nanoTime();
        if (now - lastReport < INTERVAL_NANOS) {
            return;
        }
        lastReport = now;
        double seconds = (now - started) / 1e9;
        log.info("{}: {}% ({} rows, {} rows/s)", what, totalBytes == 0 ? 100 : bytes * 100 / totalBytes, rows,
                Math.round(rows / seconds));
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
