package io.minidp.runner.fleet;

import io.minidp.engines.s3.S3Server;
import io.minidp.runner.PlatformConfig;
import java.nio.file.Path;
import java.util.List;

/** The local S3 server (S3Proxy, standing in for MinIO): buckets are folders under data/local/s3/buckets. */
final class S3Service implements LocalService {

    private final PlatformConfig config;

    S3Service(PlatformConfig config) {
        this.config = config;
    }

    private Path dataDir() {
        return config.dataDir().resolve("s3");
    }

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public String address() {
        return config.s3().endpoint() + "/" + config.s3().bucket();
    }

    @Override
    public void prepare() {
        S3Server.prepare(config.s3(), dataDir());
    }

    @Override
    public List<String> command() {
        return S3Server.command(config.home(), dataDir(), "256m");
    }

    @Override
    public boolean healthy() {
        return S3Server.answers(config.s3().endpoint());
    }
}
