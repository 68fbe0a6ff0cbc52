package io.minidp.engines.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The local S3 server through the real AWS client: the bucket exists, objects survive a restart, bad keys are refused. */
class EmbeddedS3IT {

    @TempDir
    Path work;

    private static S3Client client(EmbeddedS3 s3, String secret) {
        return S3Client.builder()
                .endpointOverride(s3.config().endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.config().accessKey(), secret)))
                .build();
    }

    @Test
    void theBucketIsThereAndObjectsSurviveARestart() {
        try (EmbeddedS3 s3 = EmbeddedS3.start(work, "lakehouse")) {
            try (S3Client c = client(s3, s3.config().secretKey().value())) {
                assertThat(c.listBuckets().buckets()).extracting(b -> b.name()).containsExactly("lakehouse");
                c.putObject(b -> b.bucket("lakehouse").key("bronze/orders/part-0.parquet"), RequestBody.fromString("rows"));
            }

            s3.stop();
            s3.startAgain();

            try (S3Client c = client(s3, s3.config().secretKey().value())) {
                assertThat(c.listObjectsV2(b -> b.bucket("lakehouse").prefix("bronze/")).contents())
                        .extracting(o -> o.key()).containsExactly("bronze/orders/part-0.parquet");
                assertThat(c.getObjectAsBytes(b -> b.bucket("lakehouse").key("bronze/orders/part-0.parquet")).asUtf8String())
                        .isEqualTo("rows");
            }
            try (S3Client wrong = client(s3, "not-the-secret")) {
                assertThatThrownBy(() -> wrong.listBuckets()).isInstanceOf(S3Exception.class)
                        .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403));
            }
        }
    }
}
