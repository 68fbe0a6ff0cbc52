package io.minidp.consumer;

import io.minidp.common.app.ServiceMain;

/** Reads, decodes and validates the change stream until stopped. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        ServiceMain.run("kafka-consumer", ConsumerSettings::read, settings -> {
            CdcConsumer consumer = new CdcConsumer(settings);
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                consumer.stop();
                try {
                    main.join(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stop-on-signal"));
            consumer.run();
            return 0;
        });
    }
}
