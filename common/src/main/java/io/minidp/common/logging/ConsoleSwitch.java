package io.minidp.common.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Silences the console appender when {@code LOG_CONSOLE=false}. The local runner sets it because
 * it sends a service's console output into the same {@code logs/<service>.log} that the file
 * appender writes, to keep what the JVM itself prints on a crash; without it each line would
 * appear twice.
 */
public final class ConsoleSwitch extends Filter<ILoggingEvent> {

    private final boolean enabled = !"false".equalsIgnoreCase(System.getenv("LOG_CONSOLE"));

    @Override
    public FilterReply decide(ILoggingEvent event) {
        return enabled ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
}
