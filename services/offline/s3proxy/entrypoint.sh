#!/bin/sh
# Writes S3Proxy's properties from MinIO's variables and serves the S3 API on :9000 over /data,
# each bucket a folder (minio-init creates the platform's).
set -eu
for v in MINIO_ROOT_USER MINIO_ROOT_PASSWORD; do
  eval "value=\${$v:-}"
  if [ -z "$value" ]; then
    echo "error: $v is not set (or empty); S3Proxy takes its keys from it. Set S3_ACCESS_KEY and S3_SECRET_KEY in .env." >&2
    exit 1
  fi
done
mkdir -p /data
props=/tmp/s3proxy.properties
umask 077
cat >"$props" <<PROPS
s3proxy.endpoint=http://0.0.0.0:9000
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=${MINIO_ROOT_USER}
s3proxy.credential=${MINIO_ROOT_PASSWORD}
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=/data
PROPS
exec java ${JAVA_OPTS:--Xms32m -Xmx256m -XX:+UseSerialGC} -jar /opt/s3proxy/s3proxy.jar --properties "$props"
