package io.minidp.runner.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minidp.common.app.PlatformException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor with real processes (sh and sleep standing in for services). */
class SupervisorTest {

    @TempDir
    Path dir;

    private Supervisor supervisor() {
        return new Supervisor(dir.resolve("run"));
    }

    private final List<String> started = new java.util.ArrayList<>();

    @AfterEach
    void stopEverything() {
        started.forEach(s -> supervisor().stop(s, "KILL", Duration.ofSeconds(5)));
    }

    private void start(String service, String script, Supervisor.Restart restart) {
        started.add(service);
        supervisor().start(service, List.of("sh", "-c", script), Map.of("PATH", System.getenv("PATH")), dir,
                dir.resolve("logs/" + service + ".log"), restart);
    }

    private ProcessState await(String service, Predicate<ProcessState> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        ProcessState s = supervisor().state(service);
        while (!condition.test(s)) {
            assertThat(System.nanoTime()).as("%s: %s within 20 s; last %s", service, what, s).isLessThan(deadline);
            Thread.sleep(50);
            s = supervisor().state(service);
        }
        return s;
    }

    @Test
    void aServiceWithoutAPidFileWasNeverStarted() {
        assertThat(supervisor().state("kafka")).isEqualTo(ProcessState.NOT_STARTED);
    }

    @Test
    void aGarbledPidFileIsAnErrorNamingTheFileAndWhatToDo() throws Exception {
        Files.createDirectories(dir.resolve("run"));
        Path file = dir.resolve("run/kafka.pid");
        Files.writeString(file, "12x4\n");

        assertThatThrownBy(() -> supervisor().state("kafka")).isInstanceOf(PlatformException.class).hasMessage(file
                + " holds '12x4', not the '<pid> <start time>' the runner writes, so whether kafka runs is unknown."
                + " If a kafka process runs (ps -ef), stop it (kill <pid>); then delete the file and run ./platform up again.");
    }

    @Test
    void anEmptyPidFileIsAnErrorToo() throws Exception {
        Files.createDirectories(dir.resolve("run"));
        Files.writeString(dir.resolve("run/kafka.pid"), "");

        assertThatThrownBy(() -> supervisor().state("kafka")).isInstanceOf(PlatformException.class)
                .hasMessageStartingWith(dir.resolve("run/kafka.pid") + " holds '', not the '<pid> <start time>'");
    }

    @Test
    void anUnreadablePidFileIsAnErrorNamingTheFile() throws Exception {
        Files.createDirectories(dir.resolve("run/kafka.pid"));

        assertThatThrownBy(() -> supervisor().state("kafka")).isInstanceOf(PlatformException.class)
                .hasMessageStartingWith("Cannot read " + dir.resolve("run/kafka.pid") + " (")
                .hasMessageEndingWith("so whether kafka runs is unknown. Make the file readable; or, if no kafka process"
                        + " runs (ps -ef), delete the file.");
    }

    @Test
    void theOlderFourNumberPidFileOfAProcessLongGoneReadsAsKilled() throws Exception {
        Files.createDirectories(dir.resolve("run"));
        Files.writeString(dir.resolve("run/kafka.pid"), "999999999 1 999999998 1\n");

        ProcessState s = supervisor().state("kafka");
        assertThat(s.supervised()).isFalse();
        assertThat(s.exitCode()).hasValue(137);
    }

    @Test
    void aLongRunningServiceThatFailsIsStartedAgainAndTheRestartIsRecorded() throws Exception {
        Path marker = dir.resolve("failed-once");
        start("svc", "if [ -e " + marker + " ]; then exec sleep 60; else touch " + marker + "; exit 3; fi",
                Supervisor.Restart.ON_FAILURE);

        ProcessState s = await("svc", st -> st.running() && st.restarts().isPresent(), "running again after a restart");

        assertThat(s.restarts().get().count()).isEqualTo(1);
        assertThat(s.restarts().get().lastExitCode()).isEqualTo(3);
        assertThat(Files.readString(dir.resolve("logs/svc.log")))
                .contains("platform: svc exited with code 3; starting it again in 1 s (restart 1; ./platform down svc stops it)");
    }

    @Test
    void aKilledServiceComesBackWithANewPid() throws Exception {
        start("svc", "exec sleep 60", Supervisor.Restart.ON_FAILURE);
        long first = supervisor().state("svc").pid().orElseThrow();

        ProcessHandle.of(first).orElseThrow().destroyForcibly();

        ProcessState s = await("svc", st -> st.running() && st.pid().getAsLong() != first, "running with a new pid");
        assertThat(s.restarts().map(ProcessState.Restarts::lastExitCode)).hasValue(137);
    }

    @Test
    void whileItWaitsToBeRestartedItIsSupervisedButNotRunning() throws Exception {
        // Fails at once each time: the second wait is 2 s, long enough to look.
        start("svc", "exit 5", Supervisor.Restart.ON_FAILURE);

        ProcessState s = await("svc", st -> st.restarts().map(r -> r.count() == 2).orElse(false) && st.restarting(),
                "waiting after its second failure");
        assertThat(s.running()).isFalse();
        assertThat(s.supervised()).isTrue();
        assertThat(s.exited()).isFalse();
    }

    @Test
    void stoppingAServiceWaitingToBeRestartedEndsItForGood() throws Exception {
        start("svc", "exit 5", Supervisor.Restart.ON_FAILURE);
        await("svc", ProcessState::restarting, "waiting to be restarted");

        supervisor().stop("svc", "TERM", Duration.ofSeconds(10));

        ProcessState s = supervisor().state("svc");
        assertThat(s.supervised()).isFalse();
        assertThat(s.stoppedByRunner()).isTrue();
        assertThat(s.exitCode()).hasValue(5);
    }

    @Test
    void aServiceTheRunnerStopsIsNotRestarted() throws Exception {
        start("svc", "exec sleep 60", Supervisor.Restart.ON_FAILURE);

        supervisor().stop("svc", "TERM", Duration.ofSeconds(10));

        ProcessState s = supervisor().state("svc");
        assertThat(s.exited()).isTrue();
        assertThat(s.stoppedByRunner()).isTrue();
        assertThat(s.exitCode()).hasValue(143);
        assertThat(s.restarts()).isEmpty();
    }

    @Test
    void aServiceThatEndsWithCodeZeroIsNotRestarted() {
        start("svc", "exit 0", Supervisor.Restart.ON_FAILURE);

        assertThat(supervisor().awaitExit("svc", Duration.ofSeconds(10))).hasValue(0);
        assertThat(supervisor().state("svc").restarts()).isEmpty();
    }

    @Test
    void aOneShotServiceThatFailsIsNotRestarted() {
        start("once", "exit 4", Supervisor.Restart.NO);

        assertThat(supervisor().awaitExit("once", Duration.ofSeconds(10))).hasValue(4);
        ProcessState s = supervisor().state("once");
        assertThat(s.exited()).isTrue();
        assertThat(s.stoppedByRunner()).isFalse();
        assertThat(s.restarts()).isEmpty();
    }

    @Test
    void theReadyFileOfACrashedServiceIsRemovedBeforeItStartsAgain() throws Exception {
        Path ready = dir.resolve("svc.ready");
        started.add("svc");
        supervisor().start("svc", List.of("sh", "-c", "if [ -e " + ready + " ]; then exit 9; else exec sleep 60; fi"),
                Map.of("PATH", System.getenv("PATH"), "READY_FILE", ready.toString()), dir, dir.resolve("logs/svc.log"),
                Supervisor.Restart.ON_FAILURE);
        long first = supervisor().state("svc").pid().orElseThrow();
        Files.writeString(ready, "ready\n");

        ProcessHandle.of(first).orElseThrow().destroyForcibly();

        ProcessState s = await("svc", st -> st.running() && st.pid().getAsLong() != first, "running again");
        assertThat(s.restarts().map(ProcessState.Restarts::count)).hasValue(1);
        assertThat(ready).doesNotExist();
    }
}
