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
    void theStartsWrittenDownAreTheKernelsClockTicksNotTheWallClock() throws Exception {
        start("svc", "exec sleep 60", Supervisor.Restart.ON_FAILURE);
        ProcessState s = await("svc", ProcessState::running, "running");

        long pid = s.pid().orElseThrow();
        assertThat(Files.readString(dir.resolve("run/svc.child")).strip())
                .isEqualTo(pid + " ticks:" + Supervisor.procTicks(pid).getAsLong());
        String[] shell = Files.readString(dir.resolve("run/svc.pid")).strip().split(" ");
        assertThat(shell[1]).isEqualTo("ticks:" + Supervisor.procTicks(Long.parseLong(shell[0])).getAsLong());
    }

    /**
     * A machine suspended and resumed moves the boot time the JVM derives start instants from: a
     * shell written down by its start instant then looks like another process. By ticks it does not.
     */
    @Test
    void aLivingShellWrittenDownByItsTicksIsOursAndOneWithOtherTicksIsNot() throws Exception {
        Process shell = new ProcessBuilder("sleep", "60").start();
        try {
            Files.createDirectories(dir.resolve("run"));
            long ticks = Supervisor.procTicks(shell.pid()).getAsLong();
            Files.writeString(dir.resolve("run/kafka.pid"), shell.pid() + " ticks:" + ticks + "\n");
            assertThat(supervisor().state("kafka").supervised()).as("our shell, waiting to start kafka").isTrue();

            Files.writeString(dir.resolve("run/kafka.pid"), shell.pid() + " ticks:" + (ticks - 1) + "\n");
            ProcessState other = supervisor().state("kafka");
            assertThat(other.supervised()).as("a later process with our shell's pid").isFalse();
            assertThat(other.exitCode()).hasValue(137);
        } finally {
            shell.destroyForcibly().waitFor();
        }
    }

    @Test
    void theStartOfAProcessIsField22OfItsStatEvenWithSpacesAndParenthesesInItsName() throws Exception {
        Path odd = dir.resolve("a (b) c");
        Files.createSymbolicLink(odd, Path.of("/bin/sleep"));
        Process p = new ProcessBuilder(odd.toString(), "60").start();
        try {
            assertThat(Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"))).contains("(a (b) c)");
            // The JVM's start instant is the boot time plus these ticks: the same start, told by the JVM's own parser.
            long bootSeconds = Files.readAllLines(Path.of("/proc/stat")).stream().filter(l -> l.startsWith("btime "))
                    .mapToLong(l -> Long.parseLong(l.substring(6).strip())).findFirst().orElseThrow();
            long ticksPerSecond = Long.parseLong(new String(new ProcessBuilder("getconf", "CLK_TCK").start()
                    .getInputStream().readAllBytes()).strip());
            long started = ProcessHandle.of(p.pid()).orElseThrow().info().startInstant().orElseThrow().toEpochMilli();
            long ticks = Supervisor.procTicks(p.pid()).getAsLong();
            assertThat(bootSeconds * 1000 + ticks * 1000 / ticksPerSecond).isCloseTo(started, org.assertj.core.data.Offset.offset(1000L));
            assertThat(Supervisor.procTicks(999_999_999L)).isEmpty();
        } finally {
            p.destroyForcibly().waitFor();
        }
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
