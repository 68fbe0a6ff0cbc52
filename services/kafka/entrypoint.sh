#!/bin/sh
# Writes server.properties from the environment, formats the storage on first start, runs the broker.
# Two listeners: INTERNAL (kafka:29092) for the containers, EXTERNAL (127.0.0.1:$KAFKA_PORT) for the host.
set -eu
props=/var/lib/kafka/server.properties
cat > "$props" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=kafka:9093
listeners=INTERNAL://0.0.0.0:29092,EXTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093
advertised.listeners=INTERNAL://kafka:29092,EXTERNAL://127.0.0.1:${KAFKA_PORT}
listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=INTERNAL
log.dirs=/var/lib/kafka/logs
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
num.partitions=1
group.initial.rebalance.delay.ms=0
log.retention.hours=${KAFKA_RETENTION_HOURS}
log.retention.bytes=-1
auto.create.topics.enable=true
PROPS
# The classpath stays quoted: Java expands lib/* itself. Unquoted, sh expands it into the jar list
# and Java takes the second jar for its main class. The options hold no pattern: unquoted is safe.
classpath="/opt/kafka/lib/*"
opts="-Xms64m -Xmx384m -XX:+UseSerialGC -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties"
if [ ! -f /var/lib/kafka/logs/meta.properties ]; then
  uuid="$(java $opts -cp "$classpath" kafka.tools.StorageTool random-uuid)"
  java $opts -cp "$classpath" kafka.tools.StorageTool format -t "$uuid" -c "$props" --standalone
fi
exec java $opts -cp "$classpath" kafka.Kafka "$props"
