package io.minidp.runner.cli;

import io.minidp.common.app.PlatformException;
import io.minidp.common.config.S3Config;
import io.minidp.common.lake.LakeLayout;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Requests to the running processor, written as objects in the lake's bucket under
 * {@link LakeLayout#CONTROL} (the one place both the host and the processor reach, locally and in
 * Docker): today, the rebuild of tables whose apply stopped.
 */
final class LakeControl implements AutoCloseable {

    private static final Duration TAKEN_WITHIN = Duration.ofMinutes(3);

    private final S3Client s3;
    private final S3Config config;

    LakeControl(S3Config config) {
        this.config = config;
        this.s3 = io.minidp.runner.LakeS3.client(config);
    }

    /**
     * Asks the processor to archive each table's bronze, silver and history and lift its stop, and waits until
     * it has (it looks for requests every 5 s, and at the start of each micro-batch).
     */
    void rebuild(List<String> tables, Console console) {
        try {
            for (String table : tables) {
                s3.putObject(b -> b.bucket(config.bucket()).key(LakeLayout.rebuildKey(table)),
                        RequestBody.fromString("{\"table\": \"" + table.replace("\\", "\\\\").replace("\"", "\\\"")
                                + "\", \"at\": \"" + Instant.now() + "\"}"));
            }
            console.say("Asked the processor to archive the lake tables of %s (under s3://%s/%s/).", tables, config.bucket(),
                    LakeLayout.ARCHIVE);
            long deadline = System.nanoTime() + TAKEN_WITHIN.toNanos();
            for (String table : tables) {
                while (exists(LakeLayout.rebuildKey(table))) {
                    if (System.nanoTime() > deadline) {
                        throw new PlatformException("The processor has not taken the rebuild of " + table + " within "
                                + TAKEN_WITHIN.toMinutes() + " min (s3://" + config.bucket() + "/" + LakeLayout.rebuildKey(table)
                                + " is still there). Is spark-processor running (./platform status)? The request stays:"
                                + " it is carried out when the processor runs; then run ./platform resnapshot " + table);
                    }
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new PlatformException("Stopped while waiting for the processor to take the rebuild of " + table
                                + "; the request stays and is carried out when the processor runs.", e);
                    }
                }
                console.say("%s: its bronze, silver and history are archived; the re-snapshot fills them again.", table);
            }
        } catch (SdkException e) {
            throw new PlatformException("The object store at " + config.endpoint() + " failed: " + e.getMessage()
                    + ". Is it up (./platform status)?", e);
        }
    }

    private boolean exists(String key) {
        try {
            s3.headObject(b -> b.bucket(config.bucket()).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
