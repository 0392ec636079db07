"""Where a test service answers: the value adapters and suites connect to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

ServiceName = Literal["redis", "postgres", "rabbitmq", "kafka", "dynamodb", "sqs", "mysql"]
ProviderKind = Literal["testcontainers", "local-process", "url"]

#: Every service the kit can provision, in a stable order.
SERVICE_NAMES: Final[tuple[ServiceName, ...]] = get_args(ServiceName)

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


def check_service_name(name: str) -> ServiceName:
    """Return ``name`` as a ``ServiceName``; raise ``ValueError`` naming the known services otherwise."""
    for known in SERVICE_NAMES:
        if name == known:
            return known
    raise ValueError(f"unknown service {name!r}: expected one of {', '.join(SERVICE_NAMES)}")


@dataclass(frozen=True)
class ServiceEndpoint:
    """A reachable server for one service.

    ``url`` is what a client library takes; ``host``/``port`` are the same address split out.
    ``provider`` says who started it: ``testcontainers`` (a Docker container), ``local-process``
    (a server process on this machine) or ``url`` (a running server named by the user).
    The value is immutable, hashable and picklable, so it can be passed to child processes.
    """

    name: ServiceName
    url: str
    host: str
    port: int
    provider: ProviderKind


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
