package io.minidp.consumer;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/** Changes handled per topic: by op (c, u, d, r, and tombstones), and how many were invalid. */
final class TableStats {

    private final Map<String, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();

    void count(String topic, String kind) {
        counts.computeIfAbsent(topic, t -> new ConcurrentHashMap<>()).computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    long get(String topic, String kind) {
        Map<String, LongAdder> m = counts.get(topic);
        LongAdder a = m == null ? null : m.get(kind);
        return a == null ? 0 : a.sum();
    }

    /** One line per topic: {@code c=3 u=2 invalid=0}, kinds in a fixed order. */
    Map<String, String> lines() {
        Map<String, String> lines = new TreeMap<>();
        counts.forEach((topic, kinds) -> lines.put(topic, new TreeMap<>(kinds).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().sum()).collect(Collectors.joining(" "))));
        return lines;
    }
}
