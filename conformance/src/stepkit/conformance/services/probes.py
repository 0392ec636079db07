"""Readiness probes that speak each service's wire protocol, with no client library.

Each probe opens one TCP connection, performs the smallest exchange that proves the server
serves requests, and returns True or False. It never raises for network errors and never
takes longer than its ``timeout``.
"""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import Callable
from typing import Final

from .endpoint import POSTGRES_DB, POSTGRES_USER, ServiceName
from .errors import ServiceStartError

Probe = Callable[[str, int, float], bool]

_POLL_INTERVAL: Final = 0.1


def _exchange(host: str, port: int, timeout: float, request: bytes, want: int) -> bytes:
    """Send ``request`` and read until ``want`` bytes arrived or the peer closed; b"" on any error."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(request)
            data = b""
            while len(data) < want:
                chunk = sock.recv(want - len(data))
                if not chunk:
                    break
                data += chunk
            return data
    except OSError:
        return b""


def redis_ready(host: str, port: int, timeout: float) -> bool:
    """True when Redis answers PING (``+PONG``, or ``-NOAUTH`` when a password is set)."""
    reply = _exchange(host, port, timeout, b"*1\r\n$4\r\nPING\r\n", 7)
    return reply.startswith((b"+PONG", b"-NOAUTH"))


def postgres_ready(host: str, port: int, timeout: float) -> bool:
    """True when PostgreSQL answers a startup message for the kit's user with an authentication request.

    A server that is starting up, shutting down, or still lacks the database answers with an
    error instead, like ``pg_isready`` would report it as not accepting connections.
    """
    params = b"user\0" + POSTGRES_USER.encode() + b"\0database\0" + POSTGRES_DB.encode() + b"\0\0"
    body = struct.pack("!i", 196608) + params
    reply = _exchange(host, port, timeout, struct.pack("!i", len(body) + 4) + body, 1)
    return reply == b"R"


def mysql_ready(host: str, port: int, timeout: float) -> bool:
    """True when MySQL/MariaDB greets a new connection with a protocol-10 handshake packet.

    The server sends its greeting unprompted; a server that is still starting, shutting down or
    refusing this host sends an error packet (``0xff``) instead, or nothing.
    """
    reply = _exchange(host, port, timeout, b"", 5)
    return len(reply) == 5 and reply[4] == 0x0A


def amqp_ready(host: str, port: int, timeout: float) -> bool:
    """True when the broker answers the AMQP 0-9-1 protocol header with ``Connection.Start``."""
    reply = _exchange(host, port, timeout, b"AMQP\x00\x00\x09\x01", 11)
    return len(reply) == 11 and reply[0] == 1 and reply[7:11] == b"\x00\x0a\x00\x0a"


def kafka_ready(host: str, port: int, timeout: float) -> bool:
    """True when the broker answers a Metadata (v0) request listing at least one broker."""
    client_id = b"stepkit-probe"
    header = struct.pack("!hhih", 3, 0, 7, len(client_id)) + client_id
    body = struct.pack("!i", 0)
    request = struct.pack("!i", len(header) + len(body)) + header + body
    reply = _exchange(host, port, timeout, request, 12)
    if len(reply) < 12:
        return False
    _size, correlation, brokers = struct.unpack("!iii", reply[:12])
    return bool(correlation == 7 and brokers >= 1)


def http_ready(host: str, port: int, timeout: float) -> bool:
    """True when the server answers an HTTP request with any HTTP status line."""
    request = f"GET /moto-api/ HTTP/1.0\r\nHost: {host}:{port}\r\n\r\n".encode()
    return _exchange(host, port, timeout, request, 7) == b"HTTP/1."


PROBES: Final[dict[ServiceName, Probe]] = {
    "redis": redis_ready,
    "postgres": postgres_ready,
    "rabbitmq": amqp_ready,
    "kafka": kafka_ready,
    "dynamodb": http_ready,
    "sqs": http_ready,
    "mysql": mysql_ready,
}


def wait_ready(
    name: ServiceName,
    host: str,
    port: int,
    timeout: float,
    *,
    alive: Callable[[], bool] = lambda: True,
    diagnostics: Callable[[], str] = lambda: "",
) -> float:
    """Poll the probe for ``name`` until it succeeds; return the seconds it took.

    Raises ``ServiceStartError`` (with ``diagnostics()``, e.g. a log tail) when ``timeout``
    elapses or ``alive()`` turns False first, e.g. because the server process exited.
    """
    probe = PROBES[name]
    started = time.monotonic()
    deadline = started + timeout
    while True:
        now = time.monotonic()
        if probe(host, port, max(0.2, min(2.0, deadline - now))):
            return time.monotonic() - started
        if not alive():
            raise ServiceStartError(f"{name} on {host}:{port} exited before it was ready\n{diagnostics()}")
        if time.monotonic() >= deadline:
            raise ServiceStartError(f"{name} on {host}:{port} not ready within {timeout:.0f}s\n{diagnostics()}")
        time.sleep(_POLL_INTERVAL)
