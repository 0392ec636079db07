"""Which image serves which service: official defaults and the tags of locally built images."""

from __future__ import annotations

from typing import Final

from ..endpoint import ServiceName

#: The image family per service; DynamoDB and SQS share one moto image.
IMAGE_KEYS: Final[dict[ServiceName, str]] = {
    "redis": "redis",
    "postgres": "postgres",
    "rabbitmq": "rabbitmq",
    "kafka": "kafka",
    "dynamodb": "moto",
    "sqs": "moto",
    "mysql": "mysql",
}

#: Official images, used when no local image exists and no override is set.
OFFICIAL_IMAGES: Final[dict[str, str]] = {
    "redis": "redis:7",
    "postgres": "postgres:16",
    "rabbitmq": "rabbitmq:3.13",
    "kafka": "apache/kafka:3.8.0",
    "moto": "motoserver/moto:5.0",
    "mysql": "mariadb:10.11",
}

#: The Debian base every local image is built on.
BASE_IMAGE: Final = "stepkit/debian-base:bookworm"


def local_tag(key: str) -> str:
    """The tag of the locally built image for image family ``key``, e.g. ``stepkit/redis:local``."""
    return f"stepkit/{key}:local"


def image_variable(name: ServiceName) -> str:
    """The environment variable that overrides the image for ``name``."""
    return f"STEPKIT_{name.upper()}_IMAGE"
