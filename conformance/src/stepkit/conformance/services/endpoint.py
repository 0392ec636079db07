"""Where a test service answers: the value adapters and suites connect to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

ServiceName = Literal["redis", "postgres", "rabbitmq", "kafka", "dynamodb", "sqs", "mysql"]
ProviderKind = Literal["testcontainers", "local-process", "url"]

#: Every service the kit can provision, in a stable order.
SERVICE_NAMES: Final[tuple[ServiceName, ...]] = get_args(ServiceName)

#: Whether a clean stop/start of a server the kit runs keeps the data written before it:
#: PostgreSQL and MariaDB keep their data directory, RabbitMQ its durable queues (mnesia), Redis
#: its RDB snapshot (written at shutdown into the server's data dir); Tansu (in-memory storage)
#: and moto start empty.
KEEPS_DATA_ON_RESTART: Final[dict[ServiceName, bool]] = {
    "redis": True,
    "postgres": True,
    "rabbitmq": True,
    "kafka": False,
    "dynamodb": False,
    "sqs": False,
    "mysql": True,
}

#: Credentials baked into the URLs the kit hands out for servers it starts itself.
POSTGRES_USER: Final = "stepkit"
POSTGRES_PASSWORD: Final = "stepkit"
POSTGRES_DB: Final = "stepkit"
MYSQL_USER: Final = "stepkit"
MYSQL_PASSWORD: Final = "stepkit"
MYSQL_DB: Final = "stepkit"
MYSQL_ROOT_PASSWORD: Final = "stepkit-root"
RABBITMQ_USER: Final = "guest"
RABBITMQ_PASSWORD: Final = "guest"


def builtin_service(name: str) -> ServiceName | None:
    """``name`` as a ``ServiceName`` when the kit provisions it itself, else None."""
    for known in SERVICE_NAMES:
        if name == known:
            return known
    return None


def check_service_name(name: str) -> ServiceName:
    """Return ``name`` as a ``ServiceName``; raise ``ValueError`` naming the known services otherwise."""
    known = builtin_service(name)
    if known is None:
        raise ValueError(f"unknown service {name!r}: expected one of {', '.join(SERVICE_NAMES)}")
    return known


@dataclass(frozen=True)
class ServiceEndpoint:
    """A reachable server for one service.

    ``name`` is one of the kit's services (``ServiceName``) or a service declared with
    ``CustomService``. ``url`` is what a client library takes; ``host``/``port`` are the same address split out.
    ``provider`` says who started it: ``testcontainers`` (a Docker container), ``local-process``
    (a server process on this machine) or ``url`` (a running server named by the user).
    The value is immutable, hashable and picklable, so it can be passed to child processes.
    """

    name: str
    url: str
    host: str
    port: int
    provider: ProviderKind


def placeholder_endpoint(name: str) -> ServiceEndpoint:
    """An endpoint for ``name`` that leads nowhere (127.0.0.1:9), for probing factories: the kit's
    URL shape for its own services, ``<name>://127.0.0.1:9`` for declared or unknown ones."""
    known = builtin_service(name)
    url = service_url(known, "127.0.0.1", 9) if known is not None else f"{name}://127.0.0.1:9"
    return ServiceEndpoint(name, url, "127.0.0.1", 9, "url")


def service_url(name: ServiceName, host: str, port: int) -> str:
    """The URL the kit hands out for a server it started itself on ``host:port``.

    Redis ``redis://H:P/0``; PostgreSQL ``postgresql://stepkit:stepkit@H:P/stepkit``; RabbitMQ
    ``amqp://guest:guest@H:P/``; Kafka ``kafka://H:P`` (the bootstrap address); DynamoDB and SQS
    ``http://H:P`` (a moto server); MySQL/MariaDB ``mysql://stepkit:stepkit@H:P/stepkit``.
    """
    if name == "redis":
        return f"redis://{host}:{port}/0"
    if name == "postgres":
        return f"postgresql://{POSTGRES_USER}:{POSTGRES_PASSWORD}@{host}:{port}/{POSTGRES_DB}"
    if name == "rabbitmq":
        return f"amqp://{RABBITMQ_USER}:{RABBITMQ_PASSWORD}@{host}:{port}/"
    if name == "kafka":
        return f"kafka://{host}:{port}"
    if name == "mysql":
        return f"mysql://{MYSQL_USER}:{MYSQL_PASSWORD}@{host}:{port}/{MYSQL_DB}"
    return f"http://{host}:{port}"
