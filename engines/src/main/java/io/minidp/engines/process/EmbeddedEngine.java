package io.minidp.engines.process;

/**
 * A real engine run by an integration test: started by {@link #launch()}, it can be stopped and
 * started again on the same data, and is stopped by {@link #close()}.
 */
public abstract class EmbeddedEngine implements AutoCloseable {

    private LocalProcess process;

    /** Starts the engine's process and returns it once the engine is ready. */
    protected abstract LocalProcess launch();

    /** Starts the engine unless it runs already. */
    public final void startAgain() {
        if (process == null || !process.isAlive()) {
            process = launch();
        }
    }

    /** Stops the engine cleanly (SIGTERM); its data stays. */
    public final void stop() {
        if (process != null) {
            process.stop("TERM");
        }
    }

    @Override
    public final void close() {
        stop();
    }
}
