package io.minidp.initializer.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TypeInferenceTest {

    private static String infer(String values) {
        TypeInference t = new TypeInference();
        Arrays.stream(values.split("\\|", -1)).filter(v -> !v.equals("<null>")).forEach(t::add);
        return t.result().sql();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "1|2|-3;integer",
            "1|2147483648;bigint",
            "1|9223372036854775808;numeric(19,0)",
            "1|2.5|3.25;numeric(18,2)",
            "0.125|10;numeric(18,3)",
            "12345678901234567.5;numeric(18,1)",
            "123456789012345678.25;numeric(20,2)",
            "true|FALSE|True;boolean",
            "2025-01-31|2024-02-29;date",
            "2025-02-30;text",
            "2025-01-03T10:15:30Z|2025-01-03 10:15:30.123456+01:00|2025-01-03T10:15+0530;timestamptz",
            "2025-01-03T10:15:30|2025-01-03 10:15:30.5;timestamp",
            "2025-01-03T10:15:30Z|2025-01-03T10:15:30;text",
            "2025-01-03T10:15:30.1234567Z;text",
            "007|12;text",
            "1e5;text",
            ".5;text",
            "' 42';text",
            "1|yes;text",
            "<null>;text",
    })
    void infersTheNarrowestTypeThatHoldsEveryValueExactly(String values, String expected) {
        assertThat(infer(values)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} accepts {1}: {2}")
    @CsvSource(delimiter = ';', value = {
            "numeric(5,2);123.45;true",
            "numeric(5,2);1234.5;false",
            "numeric(5,2);1.234;false",
            "integer;2147483647;true",
            "integer;2147483648;false",
            "bigint;-9223372036854775808;true",
            "boolean;t;false",
            "timestamptz;2025-13-01T00:00:00Z;false",
            "text;anything at all;true",
    })
    void configuredTypesAcceptOnlyValuesTheyStoreExactly(String type, String value, boolean accepted) {
        assertThat(ColumnType.parse(type).accepts(value)).isEqualTo(accepted);
    }
}
