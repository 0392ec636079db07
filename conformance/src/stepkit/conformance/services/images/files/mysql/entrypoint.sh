#!/bin/sh
# First start: mariadb-install-db, then (like the official image) a temporary socket-only server
# that sets the root password, creates MYSQL_DATABASE and MYSQL_USER with all privileges on it,
# and shuts down. Every start: mariadbd on 0.0.0.0:3306, reading no option files, with the same
# settings as the kit's local-process MariaDB. Both servers log "ready for connections", so
# testcontainers' MySqlContainer log wait works unchanged.
set -eu
DATADIR=/var/lib/mysql
ROOT_PASSWORD=${MYSQL_ROOT_PASSWORD:-${MARIADB_ROOT_PASSWORD:-}}
ALLOW_EMPTY=${MYSQL_ALLOW_EMPTY_PASSWORD:-${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-}}
USER_NAME=${MYSQL_USER:-${MARIADB_USER:-}}
USER_PASSWORD=${MYSQL_PASSWORD:-${MARIADB_PASSWORD:-}}
DATABASE=${MYSQL_DATABASE:-${MARIADB_DATABASE:-}}
OPTIONS="--skip-name-resolve --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci
 --innodb-buffer-pool-size=32M --innodb-log-file-size=16M --innodb-flush-log-at-trx-commit=2 --skip-log-bin"

sql_string() { printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g")"; }
sql_name() { printf '`%s`' "$(printf '%s' "$1" | sed -e 's/`/``/g')"; }

mkdir -p "$DATADIR" /run/mysqld
chown mysql:mysql "$DATADIR" /run/mysqld
if [ ! -d "$DATADIR/mysql" ]; then
    if [ -z "$ROOT_PASSWORD" ] && [ -z "$ALLOW_EMPTY" ]; then
        echo "stepkit mysql: set MYSQL_ROOT_PASSWORD (or MYSQL_ALLOW_EMPTY_PASSWORD=yes)" >&2
        exit 1
    fi
    # shellcheck disable=SC2086
    mariadb-install-db --no-defaults --user=mysql --datadir="$DATADIR" \
        --auth-root-authentication-method=normal --skip-test-db $OPTIONS >/dev/null
    socket=/run/mysqld/init.sock
    # shellcheck disable=SC2086
    mariadbd --no-defaults --user=mysql --datadir="$DATADIR" --skip-networking --socket="$socket" $OPTIONS &
    pid=$!
    tries=0
    until mariadb-admin --no-defaults --socket="$socket" -uroot ping >/dev/null 2>&1; do
        tries=$((tries + 1))
        if [ "$tries" -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then
            echo "stepkit mysql: the initialisation server did not start" >&2
            exit 1
        fi
        sleep 0.1
    done
    {
        echo "DELETE FROM mysql.global_priv WHERE User = '';"
        echo "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY $(sql_string "$ROOT_PASSWORD");"
        echo "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;"
        echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(sql_string "$ROOT_PASSWORD");"
        if [ -n "$DATABASE" ]; then
            echo "CREATE DATABASE IF NOT EXISTS $(sql_name "$DATABASE");"
        fi
        if [ -n "$USER_NAME" ] && [ "$USER_NAME" != root ]; then
            echo "CREATE USER IF NOT EXISTS $(sql_string "$USER_NAME")@'%' IDENTIFIED BY $(sql_string "$USER_PASSWORD");"
            if [ -n "$DATABASE" ]; then
                echo "GRANT ALL PRIVILEGES ON $(sql_name "$DATABASE").* TO $(sql_string "$USER_NAME")@'%';"
            fi
        fi
        echo "FLUSH PRIVILEGES;"
        echo "SHUTDOWN;"
    } | mariadb --no-defaults --socket="$socket" -uroot
    wait "$pid" || true
    echo "stepkit mysql: initialised $DATADIR (database ${DATABASE:-none}, user ${USER_NAME:-none})"
fi
# shellcheck disable=SC2086
exec mariadbd --no-defaults --user=mysql --datadir="$DATADIR" --bind-address=0.0.0.0 --port=3306 \
    --socket=/run/mysqld/mysqld.sock $OPTIONS "$@"
