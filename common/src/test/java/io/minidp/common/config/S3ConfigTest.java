package io.minidp.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class S3ConfigTest {

    @Test
    void readsTheStoreAndHidesTheSecretKey() {
        ConfigReader r = new ConfigReader(Env.of(Map.of("S3_ENDPOINT", "http://127.0.0.1:9000", "S3_ACCESS_KEY", "minioadmin",
                "S3_SECRET_KEY", "minioadmin", "S3_BUCKET", "lakehouse")));

        S3Config s3 = S3Config.read(r);
        r.validate();

        assertThat(s3.endpoint().getPort()).isEqualTo(9000);
        assertThat(s3.bucket()).isEqualTo("lakehouse");
        assertThat(r.effectiveConfig()).contains("S3_SECRET_KEY=[hidden]");
    }

    @Test
    void eachBadValueIsOneProblem() {
        ConfigReader r = new ConfigReader(Env.of(Map.of("S3_ENDPOINT", "minio:9000", "S3_BUCKET", "My_Bucket")));

        S3Config.read(r);

        assertThatThrownBy(r::validate).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "Invalid value 'minio:9000' for S3_ENDPOINT: must be an http(s) URL with host and port, as in http://127.0.0.1:9000",
                        "Missing value for S3_ACCESS_KEY: it is required",
                        "Missing value for S3_SECRET_KEY: it is required",
                        "Invalid value 'My_Bucket' for S3_BUCKET: must be 3 to 63 lower-case letters, digits, dots or hyphens,"
                                + " starting and ending with a letter or digit"));
    }
}
