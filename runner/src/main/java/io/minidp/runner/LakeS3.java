package io.minidp.runner;

import io.minidp.common.config.S3Config;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** An S3 client for the lake's object store (MinIO or S3Proxy: path-style addressing, one region). */
public final class LakeS3 {

    private LakeS3() {}

    public static S3Client client(S3Config config) {
        return S3Client.builder().endpointOverride(config.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(config.accessKey(), config.secretKey().value())))
                .build();
    }
}
