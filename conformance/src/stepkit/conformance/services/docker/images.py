"""Choosing the image that serves a service in Docker."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..endpoint import ServiceName
from ..images.catalog import IMAGE_KEYS, OFFICIAL_IMAGES, image_variable, local_tag


def image_exists(client: Any, image: str) -> bool:
    """Whether the engine has ``image`` locally."""
    import docker.errors

    try:
        client.images.get(image)
    except docker.errors.ImageNotFound:
        return False
    return True


def choose_image(name: ServiceName, environ: Mapping[str, str], client: Any) -> tuple[str, str]:
    """``(image, reason)`` for ``name``: the ``STEPKIT_<SERVICE>_IMAGE`` override, else the local
    ``stepkit/<image>:local`` build when the engine has it, else the official image."""
    override = environ.get(image_variable(name), "").strip()
    if override:
        return override, f"from {image_variable(name)}"
    key = IMAGE_KEYS[name]
    local = local_tag(key)
    if image_exists(client, local):
        return local, "local build"
    return OFFICIAL_IMAGES[key], "official image"
