package io.minidp.generator.run;

import io.minidp.generator.events.EventKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Committed and rejected events by kind, as the workers report them. */
public final class Stats {

    private final AtomicLongArray committed = new AtomicLongArray(EventKind.values().length);
    private final AtomicLongArray rejected = new AtomicLongArray(EventKind.values().length);
    private final long startNanos = System.nanoTime();

    void committed(EventKind kind) {
        committed.incrementAndGet(kind.ordinal());
    }

    void rejected(EventKind kind) {
        rejected.incrementAndGet(kind.ordinal());
    }

    public Map<EventKind, Long> committedByKind() {
        Map<EventKind, Long> m = new EnumMap<>(EventKind.class);
        for (EventKind k : EventKind.values()) {
            m.put(k, committed.get(k.ordinal()));
        }
        return m;
    }

    public long committedTotal() {
        long n = 0;
        for (int i = 0; i < committed.length(); i++) {
            n += committed.get(i);
        }
        return n;
    }

    public long rejectedTotal() {
        long n = 0;
        for (int i = 0; i < rejected.length(); i++) {
            n += rejected.get(i);
        }
        return n;
    }

    public double secondsSinceStart() {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
