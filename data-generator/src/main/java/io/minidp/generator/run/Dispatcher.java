package io.minidp.generator.run;

import io.minidp.common.config.PostgresConfig;
import io.minidp.generator.events.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs planned events on several connections at once while keeping the outcome of a run the
 * same as running them one by one: an event waits for the earlier events that touch any of the
 * same rows (its keys), and runs in parallel with the rest. So the final tables depend only on the
 * plan, which depends only on the seed and the starting data.
 */
public final class Dispatcher implements AutoCloseable {

    private static final int MAX_IN_FLIGHT = 4096;

    private final ExecutorService pool;
    private final ThreadLocal<Writer> writers;
    private final List<Writer> allWriters = new ArrayList<>();
    private final Stats stats;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final Map<String, CompletableFuture<Void>> lastByKey = new HashMap<>();
    private final AtomicInteger abandoned = new AtomicInteger();

    public Dispatcher(PostgresConfig pg, int connections, Stats stats) {
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(connections, r -> {
            Thread t = new Thread(r, "writer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.writers = ThreadLocal.withInitial(() -> {
            Writer w = new Writer(pg, stopping::get);
            synchronized (allWriters) {
                allWriters.add(w);
            }
            return w;
        });
        this.stats = stats;
    }

    /** Called from the planning thread only, in plan order; blocks while too many events are in flight. */
    public void submit(Event event, long seq) throws InterruptedException {
        inFlight.acquire();
        List<CompletableFuture<Void>> before = new ArrayList<>(2);
        for (String key : event.keys()) {
            CompletableFuture<Void> f = lastByKey.get(key);
            if (f != null && !f.isDone()) {
                before.add(f);
            }
        }
        Runnable task = () -> run(event, seq);
        CompletableFuture<Void> f = before.isEmpty()
                ? CompletableFuture.runAsync(task, pool)
                : CompletableFuture.allOf(before.toArray(CompletableFuture[]::new)).thenRunAsync(task, pool);
        f.whenComplete((v, e) -> inFlight.release());
        for (String key : event.keys()) {
            lastByKey.put(key, f);
        }
        if (lastByKey.size() > 200_000) {
            lastByKey.values().removeIf(CompletableFuture::isDone);
        }
    }

    private void run(Event event, long seq) {
        if (stopping.get()) {
            return;
        }
        switch (writers.get().write(event, seq)) {
            case COMMITTED -> stats.committed(event.kind());
            case REJECTED -> stats.rejected(event.kind());
            case ABANDONED -> abandoned.incrementAndGet();
            case SKIPPED -> { } // stopping: like an event never started
        }
    }

    /** Waits until every submitted event has been written. */
    public void drain() throws InterruptedException {
        inFlight.acquire(MAX_IN_FLIGHT);
        inFlight.release(MAX_IN_FLIGHT);
    }

    /** Events not yet started are dropped; those being written finish their transaction. */
    public void stop() {
        stopping.set(true);
    }

    public int inFlight() {
        return MAX_IN_FLIGHT - inFlight.availablePermits();
    }

    public int abandoned() {
        return abandoned.get();
    }

    @Override
    public void close() throws InterruptedException {
        pool.shutdown();
        pool.awaitTermination(60, TimeUnit.SECONDS);
        synchronized (allWriters) {
            allWriters.forEach(Writer::close);
        }
    }
}
