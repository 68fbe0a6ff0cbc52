package io.minidp.common.config;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * The S3-compatible object store the lake lives in: MinIO in Docker, S3Proxy locally. The
 * default keys are MinIO's, so both deployments use the same values from .env.
 */
public record S3Config(URI endpoint, String accessKey, Secret secretKey, String bucket) {

    /** S3's bucket naming rules, in short. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]");

    public static S3Config read(ConfigReader r) {
        return new S3Config(
                r.parsed(Settings.S3_ENDPOINT, S3Config::endpoint, URI.create("unset:/")),
                r.string(Settings.S3_ACCESS_KEY),
                r.secret(Settings.S3_SECRET_KEY),
                r.parsed(Settings.S3_BUCKET, S3Config::bucket, ""));
    }

    private static URI endpoint(String value) {
        try {
            URI u = URI.create(value.strip());
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null && u.getPort() > 0) {
                return u;
            }
        } catch (IllegalArgumentException e) {
            // Falls through to the rule.
        }
        throw new IllegalArgumentException("must be an http(s) URL with host and port, as in http://127.0.0.1:9000");
    }

    private static String bucket(String value) {
        if (!BUCKET.matcher(value.strip()).matches()) {
            throw new IllegalArgumentException("must be 3 to 63 lower-case letters, digits, dots or hyphens,"
                    + " starting and ending with a letter or digit");
        }
        return value.strip();
    }
}
