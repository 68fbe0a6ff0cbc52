package io.minidp.generator;

import io.minidp.common.config.ConfigReader;
import io.minidp.common.config.PostgresConfig;
import io.minidp.common.config.Settings;
import io.minidp.generator.events.EventKind;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The generator's settings.
 *
 * @param rate          events per second; 0 means as fast as PostgreSQL allows ({@code max})
 * @param events        stop after this many committed events; 0 means no limit
 * @param duration      stop after this long; zero means no limit
 * @param seed          the same seed on the same starting data gives the same events
 * @param mix           relative weight of each event kind
 * @param connections   PostgreSQL connections writing in parallel
 * @param simulatedClock timestamps from a simulated clock (reproducible) instead of the wall clock
 */
public record GeneratorConfig(PostgresConfig postgres, double rate, long events, Duration duration, long seed,
                              Map<EventKind, Integer> mix, int connections, boolean simulatedClock,
                              Duration reportInterval) {

    public static final String DEFAULT_MIX = Settings.GENERATOR_MIX.fallback();
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    public static GeneratorConfig read(ConfigReader r) {
        return new GeneratorConfig(
                PostgresConfig.read(r),
                r.parsed(Settings.GENERATOR_RATE, GeneratorConfig::parseRate, 0.0),
                r.parsed(Settings.GENERATOR_EVENTS, GeneratorConfig::parseCount, 0L),
                r.parsed(Settings.GENERATOR_DURATION, GeneratorConfig::parseDuration, Duration.ZERO),
                r.parsed(Settings.GENERATOR_SEED, GeneratorConfig::parseSeed, 0L),
                r.parsed(Settings.GENERATOR_MIX, GeneratorConfig::parseMix, Map.of()),
                r.integer(Settings.GENERATOR_CONNECTIONS, 1, 64),
                r.parsed(Settings.GENERATOR_CLOCK, GeneratorConfig::parseClock, false),
                Duration.ofSeconds(r.integer(Settings.GENERATOR_REPORT_SECONDS, 1, 3600)));
    }

    static double parseRate(String value) {
        if (value.strip().equalsIgnoreCase("max")) {
            return 0;
        }
        try {
            double rate = Double.parseDouble(value.strip());
            if (rate > 0 && rate <= 1_000_000) {
                return rate;
            }
        } catch (NumberFormatException e) {
            // Falls through to the rule.
        }
        throw new IllegalArgumentException("must be events per second (more than 0, at most 1000000) or 'max'");
    }

    static long parseCount(String value) {
        try {
            long n = Long.parseLong(value.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Falls through to the rule.
        }
        throw new IllegalArgumentException("must be a whole number of events, 0 for no limit");
    }

    static Duration parseDuration(String value) {
        Matcher m = DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("must be a duration such as 90s, 5m or 2h (a bare number is seconds), 0 for no limit");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    static long parseSeed(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a whole number");
        }
    }

    static boolean parseClock(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "wall" -> false;
            case "simulated" -> true;
            default -> throw new IllegalArgumentException("must be 'wall' or 'simulated'");
        };
    }

    /** {@code order=40,order_progress=35,...}: kinds left out get weight 0. */
    static Map<EventKind, Integer> parseMix(String value) {
        Map<EventKind, Integer> mix = new EnumMap<>(EventKind.class);
        String rule = "must be kind=weight pairs separated by commas, kinds among signup, customer_update, order,"
                + " order_progress, product_update, erasure, weights whole numbers with a positive total";
        for (String entry : value.split(",")) {
            String[] kv = entry.strip().split("=", 2);
            try {
                int weight = Integer.parseInt(kv[1].strip());
                if (weight < 0 || weight > 10_000) {
                    throw new IllegalArgumentException(rule);
                }
                mix.put(EventKind.fromId(kv[0].strip()), weight);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(rule);
            }
        }
        if (mix.values().stream().mapToInt(Integer::intValue).sum() == 0) {
            throw new IllegalArgumentException(rule);
        }
        return mix;
    }
}
