package io.minidp.common.app;

import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.Env;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start and end of every service: read and validate the configuration, log it with secrets
 * hidden, run, and turn the outcome into an exit code. A {@link PlatformException} is a problem
 * the user can fix, printed as its message; anything else is a bug, printed with its stack trace.
 */
public final class ServiceMain {

    /** What a service does once its configuration is valid; returns the process exit code. */
    @FunctionalInterface
    public interface Body<C> {
        int run(C config) throws Exception;
    }

    /**
     * With this system property set, a service reads its configuration, prints the variables it
     * read and the problems it found (JSON on standard output), and exits without running. The
     * deployment checks use it to hold docker-compose.yml to what each service really reads.
     */
    public static final String DESCRIBE_CONFIG = "minidp.describe-config";

    private ServiceMain() {}

    private static void describe(ConfigReader reader) throws com.fasterxml.jackson.core.JsonProcessingException {
        java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
        doc.put("variables", reader.names());
        doc.put("problems", reader.problems());
        System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(doc));
    }

    public static <C> void run(String service, Function<ConfigReader, C> configReader, Body<C> body) {
        System.exit(execute(service, Env.load(), configReader, body));
    }

    static <C> int execute(String service, Env env, Function<ConfigReader, C> configReader, Body<C> body) {
        Logger log = LoggerFactory.getLogger(service);
        try {
            ConfigReader reader = new ConfigReader(env);
            C config = configReader.apply(reader);
            if (System.getProperty(DESCRIBE_CONFIG) != null) {
                describe(reader);
                return 0;
            }
            reader.validate();
            log.info("Starting {} with configuration:{}", service,
                    reader.effectiveConfig().stream().map(l -> System.lineSeparator() + "  " + l)
                            .reduce("", String::concat));
            int code = body.run(config);
            log.info("{} finished with exit code {}", service, code);
            return code;
        } catch (PlatformException e) {
            log.error("{} failed: {}", service, e.getMessage());
            return 1;
        } catch (Exception e) {
            log.error("{} failed unexpectedly; this is a bug, please report it with this log", service, e);
            return 2;
        }
    }
}
