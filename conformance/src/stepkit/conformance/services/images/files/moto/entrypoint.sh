#!/bin/sh
# Run moto_server on all interfaces, port MOTO_PORT (default 5000), like motoserver/moto.
set -eu
exec /opt/venv/bin/moto_server -H 0.0.0.0 -p "${MOTO_PORT:-5000}" "$@"
