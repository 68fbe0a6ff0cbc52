package io.minidp.generator;

import io.minidp.common.app.ServiceMain;

/** Runs the shop simulation until its event count or duration is reached, or until SIGTERM. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        ServiceMain.run("data-generator", GeneratorConfig::read, config -> {
            Generator generator = new Generator(config);
            Thread hook = new Thread(() -> {
                generator.stop();
                try {
                    generator.awaitFinished();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stop-on-signal");
            Runtime.getRuntime().addShutdownHook(hook);
            generator.run();
            return 0;
        });
    }
}
