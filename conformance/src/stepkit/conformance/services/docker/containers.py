"""Testcontainers container definitions per service, bound to a fixed host port."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Final

from testcontainers.community.mysql import MySqlContainer
from testcontainers.community.postgres import PostgresContainer
from testcontainers.community.redis import RedisContainer
from testcontainers.core.container import DockerContainer

with warnings.catch_warnings():
    # testcontainers 4.15 decorates RabbitMqContainer with its own deprecated helper at import time.
    warnings.simplefilter("ignore", DeprecationWarning)
    from testcontainers.community.rabbitmq import RabbitMqContainer

from ..endpoint import (
    MYSQL_DB,
    MYSQL_PASSWORD,
    MYSQL_ROOT_PASSWORD,
    MYSQL_USER,
    POSTGRES_DB,
    POSTGRES_PASSWORD,
    POSTGRES_USER,
    RABBITMQ_PASSWORD,
    RABBITMQ_USER,
    ServiceName,
)


@dataclass(frozen=True)
class ContainerSpec:
    """The port a service listens on inside its container and how long it may take to be ready."""

    container_port: int
    ready_timeout: float


SPECS: Final[dict[ServiceName, ContainerSpec]] = {
    "redis": ContainerSpec(6379, 30.0),
    "postgres": ContainerSpec(5432, 60.0),
    "rabbitmq": ContainerSpec(5672, 90.0),
    "kafka": ContainerSpec(9092, 90.0),
    "dynamodb": ContainerSpec(5000, 30.0),
    "sqs": ContainerSpec(5000, 30.0),
    "mysql": ContainerSpec(3306, 90.0),
}


def kafka_environment(advertised_host: str, host_port: int) -> dict[str, str]:
    """Single-node KRaft settings for ``apache/kafka``, advertising ``advertised_host:host_port``.

    Clients use the ``PLAINTEXT`` listener (published port); brokers talk over ``BROKER`` inside
    the container. The kit's Tansu image advertises the first entry of
    ``KAFKA_ADVERTISED_LISTENERS`` and ignores the rest, so one set of variables serves both images.
    """
    return {
        "KAFKA_NODE_ID": "1",
        "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_LISTENERS": "PLAINTEXT://0.0.0.0:9092,BROKER://localhost:9094,CONTROLLER://localhost:9093",
        "KAFKA_ADVERTISED_LISTENERS": f"PLAINTEXT://{advertised_host}:{host_port},BROKER://localhost:9094",
        "KAFKA_INTER_BROKER_LISTENER_NAME": "BROKER",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@localhost:9093",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
    }


def make_container(name: ServiceName, image: str, host: str, host_port: int, labels: dict[str, str]) -> DockerContainer:
    """An unstarted container for ``name`` from ``image``, publishing its port on ``host_port``.

    Redis, PostgreSQL, MySQL/MariaDB and RabbitMQ use testcontainers' own classes (and their own readiness
    waits); Kafka and moto use a generic container, waited for by the kit's protocol probes.
    """
    container: DockerContainer
    if name == "redis":
        container = RedisContainer(image=image)
    elif name == "postgres":
        container = PostgresContainer(
            image=image, username=POSTGRES_USER, password=POSTGRES_PASSWORD, dbname=POSTGRES_DB, driver=None
        )
    elif name == "mysql":
        container = MySqlContainer(
            image=image,
            username=MYSQL_USER,
            password=MYSQL_PASSWORD,
            dbname=MYSQL_DB,
            root_password=MYSQL_ROOT_PASSWORD,
        )
    elif name == "rabbitmq":
        container = RabbitMqContainer(image=image, port=5672, username=RABBITMQ_USER, password=RABBITMQ_PASSWORD)
    elif name == "kafka":
        container = DockerContainer(image, env=kafka_environment(host, host_port))
    else:
        container = DockerContainer(image, env={"MOTO_PORT": "5000"})
    container.with_bind_ports(SPECS[name].container_port, host_port)
    container.with_kwargs(labels=labels)
    return container
