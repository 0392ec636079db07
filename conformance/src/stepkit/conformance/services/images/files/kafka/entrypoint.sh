#!/bin/sh
# Run Tansu on 0.0.0.0:9092, advertising the first address in KAFKA_ADVERTISED_LISTENERS
# (e.g. PLAINTEXT://127.0.0.1:32768), or localhost:9092 when it is unset.
set -eu
first=${KAFKA_ADVERTISED_LISTENERS:-PLAINTEXT://localhost:9092}
first=${first%%,*}
hostport=${first#*://}
exec tansu broker --listener-url tcp://0.0.0.0:9092 --advertised-listener-url "tcp://$hostport" \
    --storage-engine memory://tansu/ "$@"
