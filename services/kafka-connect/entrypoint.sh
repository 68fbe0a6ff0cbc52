#!/bin/sh
# Writes the worker's properties from the environment and runs Connect in distributed mode.
set -eu
props=/tmp/worker.properties
cat > "$props" <<PROPS
bootstrap.servers=${KAFKA_BOOTSTRAP_SERVERS}
group.id=minidp-connect
config.storage.topic=_connect-configs
offset.storage.topic=_connect-offsets
status.storage.topic=_connect-status
config.storage.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
offset.storage.partitions=1
status.storage.partitions=1
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
listeners=http://0.0.0.0:8083
rest.advertised.host.name=kafka-connect
rest.advertised.port=8083
plugin.path=/opt/connect/plugins
offset.flush.interval.ms=1000
connector.client.config.override.policy=All
PROPS
exec java -Xms64m -Xmx512m -XX:+UseSerialGC -Dlog4j2.configurationFile=/opt/connect/log4j2.properties -cp "/opt/connect/lib/*" \
  org.apache.kafka.connect.cli.ConnectDistributed "$props"
