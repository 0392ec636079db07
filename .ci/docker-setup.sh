#!/usr/bin/env bash
# Make a Docker Engine available on this machine, idempotently.
#
# Guarantees, when it exits 0: `docker info` works. It installs docker.io from Debian when the
# engine is missing (apt-get update first), starts `dockerd` in the background when no engine
# answers (log in $STEPKIT_DOCKERD_LOG, default /var/log/stepkit-dockerd.log), publishes container
# ports on 127.0.0.1 only, and waits at most $STEPKIT_DOCKER_WAIT seconds (default 60) for it.
# Running it again while an engine answers changes nothing. Exits non-zero with a message when
# the engine cannot be installed or does not come up in time.
set -euo pipefail

log=${STEPKIT_DOCKERD_LOG:-/var/log/stepkit-dockerd.log}
wait_s=${STEPKIT_DOCKER_WAIT:-60}

say() { echo "docker-setup: $*" >&2; }

if docker info >/dev/null 2>&1; then
    say "engine already answers"
    exit 0
fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
        say "docker.io is not installed and this is not root: install it (apt-get install docker.io)"
        exit 1
    fi
    say "installing docker.io"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq docker.io >/dev/null
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
        say "dockerd is not running and this is not root: start it as root"
        exit 1
    fi
    say "starting dockerd (log: $log)"
    mkdir -p "$(dirname "$log")"
    nohup dockerd --ip 127.0.0.1 >>"$log" 2>&1 </dev/null &
    disown || true
fi

deadline=$((SECONDS + wait_s))
until docker info >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
        say "dockerd did not answer within ${wait_s}s; last log lines:"
        tail -n 20 "$log" >&2 || true
        exit 1
    fi
    sleep 0.5
done
say "engine ready: $(docker version --format '{{.Server.Version}}')"
