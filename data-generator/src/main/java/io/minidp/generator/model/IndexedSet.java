package io.minidp.generator.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** A set of ids with O(1) add, remove and uniform random pick; its order, and so its picks, depend only on the calls made. */
public final class IndexedSet {

    private final List<Long> items = new ArrayList<>();
    private final Map<Long, Integer> positions = new HashMap<>();

    public void add(long id) {
        if (positions.putIfAbsent(id, items.size()) == null) {
            items.add(id);
        }
    }

    public void remove(long id) {
        Integer at = positions.remove(id);
        if (at == null) {
            return;
        }
        long last = items.remove(items.size() - 1);
        if (at < items.size()) {
            items.set(at, last);
            positions.put(last, at);
        }
    }

    public boolean contains(long id) {
        return positions.containsKey(id);
    }

    public int size() {
        return items.size();
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    public long pick(SplittableRandom random) {
        return items.get(random.nextInt(items.size()));
    }
}
