"""Select adapters by name, through entry points.

Each adapter package registers its class under one entry-point group per kind:

=========  ======================  =========================================
kind       entry-point group       environment selection
=========  ======================  =========================================
state      ``stepkit.state``       ``STEPKIT_STATE_ADAPTER=redis``
streams    ``stepkit.streams``     ``STEPKIT_STREAMS_ADAPTER=redis``
events     ``stepkit.events``      ``STEPKIT_EVENTS_ADAPTER=rabbitmq``
cron       ``stepkit.cron``        ``STEPKIT_CRON_ADAPTER=redis``
=========  ======================  =========================================

The selected adapter's own settings come from ``STEPKIT_<KIND>_<FIELD>``,
e.g. ``STEPKIT_STATE_URL`` and ``STEPKIT_STATE_NAMESPACE``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from pydantic import BaseModel

from stepkit.core.adapter import ADAPTER_KINDS, Adapter, AdapterKind
from stepkit.core.errors import AdapterConfigurationError

ENTRY_POINT_GROUPS: dict[AdapterKind, str] = {kind: f"stepkit.{kind}" for kind in ADAPTER_KINDS}

DEFAULT_ADAPTERS: dict[AdapterKind, str] = {
    "state": "memory",
    "streams": "memory",
    "events": "inprocess",
    "cron": "local",
}
"""What an app gets with no configuration at all."""


def _check_kind(kind: str) -> AdapterKind:
    if kind not in ENTRY_POINT_GROUPS:
        raise AdapterConfigurationError(f"unknown adapter kind {kind!r}; expected one of {', '.join(ADAPTER_KINDS)}")
    return kind


def installed_adapters(kind: str) -> dict[str, EntryPoint]:
    """Name -> entry point of every installed adapter of ``kind``."""
    group = ENTRY_POINT_GROUPS[_check_kind(kind)]
    return {ep.name: ep for ep in entry_points(group=group)}


def load_adapter_class(kind: str, name: str) -> type[Adapter]:
    """The adapter class registered as ``name`` for ``kind``.

    Raises:
        AdapterConfigurationError: unknown name (listing the installed ones),
            or the entry point does not load an adapter of that kind.
    """
    checked = _check_kind(kind)
    available = installed_adapters(checked)
    entry = available.get(name)
    if entry is None:
        names = ", ".join(sorted(available)) or "none"
        raise AdapterConfigurationError(
            f"no {checked} adapter named {name!r} is installed; installed {checked} adapters: {names}"
        )
    try:
        loaded = entry.load()
    except Exception as exc:
        raise AdapterConfigurationError(
            f"{checked} adapter {name!r} ({entry.value}) failed to import: {exc!r}"
        ) from exc
    if not (isinstance(loaded, type) and issubclass(loaded, Adapter) and loaded.kind == checked):
        raise AdapterConfigurationError(
            f"entry point {entry.value} for {checked} adapter {name!r} is not a {checked} adapter class"
        )
    return loaded


def create_adapter(kind: str, name: str, config: BaseModel | Mapping[str, Any] | None = None) -> Adapter:
    """Build the adapter ``name`` of ``kind`` from ``config`` (model or mapping)."""
    cls = load_adapter_class(kind, name)
    return cls.from_config(cls.config_model.build(config))


def adapter_name_from_env(kind: str, environ: Mapping[str, str] | None = None) -> str:
    """The adapter selected by ``STEPKIT_<KIND>_ADAPTER``, or the kind's default."""
    checked = _check_kind(kind)
    env = os.environ if environ is None else environ
    return env.get(f"STEPKIT_{checked.upper()}_ADAPTER", "").strip() or DEFAULT_ADAPTERS[checked]


def adapter_from_env(kind: str, environ: Mapping[str, str] | None = None) -> Adapter:
    """Build the adapter selected by the environment, with its ``STEPKIT_<KIND>_*`` settings."""
    checked = _check_kind(kind)
    env = os.environ if environ is None else environ
    cls = load_adapter_class(checked, adapter_name_from_env(checked, env))
    return cls(cls.config_model.from_env(f"STEPKIT_{checked.upper()}_", env))


__all__ = [
    "DEFAULT_ADAPTERS",
    "ENTRY_POINT_GROUPS",
    "adapter_from_env",
    "adapter_name_from_env",
    "create_adapter",
    "installed_adapters",
    "load_adapter_class",
]
