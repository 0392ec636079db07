#!/bin/sh
# Write rabbitmq.conf from the official image's variables, then run the broker in the foreground.
# Remote logins are allowed for the default user (the official image does the same for guest).
set -eu
mkdir -p /etc/rabbitmq
conf=/etc/rabbitmq/rabbitmq.conf
{
    echo "loopback_users = none"
    echo "default_user = ${RABBITMQ_DEFAULT_USER:-guest}"
    echo "default_pass = ${RABBITMQ_DEFAULT_PASS:-guest}"
    echo "default_vhost = ${RABBITMQ_DEFAULT_VHOST:-/}"
} > "$conf"
echo '[].' > /etc/rabbitmq/enabled_plugins
exec /usr/lib/rabbitmq/bin/rabbitmq-server "$@"
