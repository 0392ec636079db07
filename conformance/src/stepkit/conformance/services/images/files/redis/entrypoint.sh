#!/bin/sh
# Run redis-server listening on all interfaces with data in /data, like the official image.
# Extra arguments after `redis-server` (e.g. --requirepass) are passed through.
set -eu
if [ "${1:-redis-server}" = "redis-server" ]; then
    [ "$#" -gt 0 ] && shift
    exec redis-server --bind 0.0.0.0 --protected-mode no --dir /data "$@"
fi
exec "$@"
