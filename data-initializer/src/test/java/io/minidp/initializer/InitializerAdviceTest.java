package io.minidp.initializer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InitializerAdviceTest {

    @Test
    void aWrongPasswordNamesTheVariableToFix() {
        assertThat(Initializer.advice("28P01")).isEqualTo("POSTGRES_PASSWORD does not match the password of"
                + " POSTGRES_USER on the server: fix it in .env (or the environment).");
    }

    @Test
    void anUnknownUserOrDatabaseNamesItsVariable() {
        assertThat(Initializer.advice("28000")).startsWith("The server refuses POSTGRES_USER");
        assertThat(Initializer.advice("3D000")).startsWith("There is no database POSTGRES_DB");
    }

    @Test
    void anythingElseSaysWhatToCheck() {
        assertThat(Initializer.advice("08001")).isEqualTo("Check that it is running (./platform status) and the"
                + " POSTGRES_* settings.");
        assertThat(Initializer.advice(null)).startsWith("Check that it is running");
    }
}
