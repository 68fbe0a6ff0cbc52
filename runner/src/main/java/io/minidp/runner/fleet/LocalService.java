package io.minidp.runner.fleet;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One service of the local fleet: how to start it, when it is healthy, and how to stop it. */
public interface LocalService {

    String name();

    /** Services that must be healthy (or, for one-shot services, have exited 0) before this one starts. */
    List<String> dependsOn();

    /** A one-shot service runs to completion; the others keep running. */
    boolean oneShot();

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

    Map<String, String> environment();

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
