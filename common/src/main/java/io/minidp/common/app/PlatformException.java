package io.minidp.common.app;

/**
 * An error a user reads: it says what happened, why, and what to do. Services print its message
 * without a stack trace and exit non-zero; anything else that escapes is a bug and is logged whole.
 */
public class PlatformException extends RuntimeException {

    public PlatformException(String message) {
        super(message);
    }

    public PlatformException(String message, Throwable cause) {
        super(message, cause);
    }
}
