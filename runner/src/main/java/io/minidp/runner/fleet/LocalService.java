package io.minidp.runner.fleet;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One service of the local fleet: how to start it, when it is healthy, and how to stop it. */
public interface LocalService {

    String name();

    /** Services that must be healthy (or, for one-shot services, have exited 0) before this one starts. */
    default List<String> dependsOn() {
        return List.of();
    }

    /** A one-shot service runs to completion; the others keep running. */
    default boolean oneShot() {
        return false;
    }

    /** False when the runner only watches a service that runs elsewhere (an external PostgreSQL). */
    default boolean managed() {
        return true;
    }

    /** Where it listens, for status; "-" when it does not. */
    default String address() {
        return "-";
    }

    /** Work before each start, such as creating a data folder. */
    default void prepare() {}

    List<String> command();

    /** What an engine's process sees: no more of our configuration than its command line gives it. */
    default Map<String, String> environment() {
        return Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "LANG", "C.UTF-8", "TZ", "UTC");
    }

    /** Whether it answers now; for one-shot services, meaningless. */
    default boolean healthy() {
        return true;
    }

    /** Work once it is healthy, such as creating a database. */
    default void afterHealthy() {}

    default Duration startTimeout() {
        return Duration.ofSeconds(90);
    }

    /** The signal that stops it cleanly. */
    default String stopSignal() {
        return "TERM";
    }

    /** Extra lines for status, such as replication or lag figures. */
    default List<String> details() {
        return List.of();
    }
}
