"""Which adapters an app runs on, and the runtime's own settings.

Adapters come, per kind, from the first of:

1. the app's ``stepkit_config.py``: either ``def adapters() -> AdaptersConfig``
   (or a dict with keys ``state``, ``streams``, ``events``, ``cron``), or
   module attributes of those names, each an adapter instance;
2. the environment: ``STEPKIT_<KIND>_ADAPTER=<registry name>`` plus that
   adapter's settings ``STEPKIT_<KIND>_<FIELD>`` (e.g. ``STEPKIT_STATE_URL``);
3. the defaults: ``memory`` state and streams, ``inprocess`` events, ``local`` cron.

Application code never changes between these: moving from one process to N
instances is a change of configuration only.

Nothing falls back silently: a ``STEPKIT_<KIND>_*`` variable that is not a
setting of the selected adapter (a typo, or a URL while no adapter is named),
and an adapter URL that does not parse, are configuration errors naming the
variable and the rule.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from stepkit.core.adapter import ADAPTER_KINDS, Adapter, AdapterKind
from stepkit.core.config import describe_validation_error
from stepkit.core.errors import AdapterConfigurationError
from stepkit.core.protocols.cron import CronAdapter
from stepkit.core.protocols.events import EventAdapter
from stepkit.core.protocols.state import StateAdapter
from stepkit.core.protocols.streams import StreamAdapterManager
from stepkit.core.registry import (
    DEFAULT_ADAPTERS,
    adapter_from_env,
    adapter_name_from_env,
    installed_adapters,
    load_adapter_class,
)

CONFIG_FILE = "stepkit_config.py"
_KIND_CLASSES: dict[AdapterKind, type[Adapter]] = {
    "state": StateAdapter,
    "streams": StreamAdapterManager,
    "events": EventAdapter,
    "cron": CronAdapter,
}


@dataclass
class AdaptersConfig:
    """What ``stepkit_config.adapters()`` returns; kinds left ``None`` come from the environment."""

    state: StateAdapter | None = None
    streams: StreamAdapterManager | None = None
    events: EventAdapter | None = None
    cron: CronAdapter | None = None


@dataclass
class Adapters:
    """The four adapters of a runtime instance, and where each choice came from."""

    state: StateAdapter
    streams: StreamAdapterManager
    events: EventAdapter
    cron: CronAdapter
    sources: dict[str, str] = field(default_factory=dict)

    def by_kind(self) -> dict[AdapterKind, Adapter]:
        """Kind -> adapter."""
        return {"state": self.state, "streams": self.streams, "events": self.events, "cron": self.cron}

    async def close(self) -> None:
        """Close every adapter (each ``close`` is idempotent)."""
        for adapter in reversed(list(self.by_kind().values())):
            await adapter.close()


class RuntimeSettings(BaseModel):
    """Runtime settings from ``STEPKIT_*`` environment variables.

    * ``STEPKIT_CLOCK_SKEW_SECONDS``: shift this instance's scheduler clock (tests).
    * ``STEPKIT_MAX_CLOCK_SKEW_SECONDS``: the largest skew between instances (default 2).
    * ``STEPKIT_SHUTDOWN_TIMEOUT_SECONDS``: bound on finishing in-flight work at shutdown.
    * ``STEPKIT_LOG_LEVEL``: runtime log level (default INFO).
    * ``STEPKIT_MAX_REQUEST_BYTES``: largest HTTP request body accepted (default 1 MiB); larger gets 413.
    * ``STEPKIT_OUTAGE_BUDGET_SECONDS``: how long an event handler that hits an unavailable
      backend is retried in place (default 120) before the failure counts as a delivery failure.
    * ``STEPKIT_HEALTH_TIMEOUT_SECONDS``: bound on each adapter check of ``/health/ready`` (default 2).
    * ``STEPKIT_IDEMPOTENCY_LEASE_SECONDS``: how long an unfinished request holds its
      ``Idempotency-Key`` before a retry may take it over (default 60).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    clock_skew_seconds: float = Field(default=0.0, ge=-3600, le=3600)
    max_clock_skew_seconds: float = Field(default=2.0, ge=0, le=600)
    shutdown_timeout_seconds: float = Field(default=25.0, gt=0, le=3600)
    log_level: str = Field(default="INFO", pattern=r"(?i)^(debug|info|warning|error|critical)$")
    max_request_bytes: int = Field(default=1024 * 1024, gt=0, le=1024**3)
    outage_budget_seconds: float = Field(default=120.0, ge=0, le=86400)
    health_timeout_seconds: float = Field(default=2.0, gt=0, le=60)
    idempotency_lease_seconds: float = Field(default=60.0, gt=0, le=86400)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RuntimeSettings:
        """Read the settings; raises :class:`AdapterConfigurationError` naming a bad variable."""
        env = os.environ if environ is None else environ
        raw = {name: env[f"STEPKIT_{name.upper()}"] for name in cls.model_fields if f"STEPKIT_{name.upper()}" in env}
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            raise AdapterConfigurationError(describe_validation_error("runtime", exc, "STEPKIT_* variables")) from exc


def load_config_module(app_dir: Path) -> ModuleType | None:
    """Import the app's ``stepkit_config.py``, or None when it has none."""
    path = app_dir / CONFIG_FILE
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("stepkit_app_config", path)
    if spec is None or spec.loader is None:
        raise AdapterConfigurationError(f"{path}: cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise AdapterConfigurationError(f"{path}: failed to import: {type(exc).__name__}: {exc}") from exc
    return module


def _from_module(module: ModuleType, path: Path) -> dict[str, Any]:
    factory = getattr(module, "adapters", None)
    if factory is None:
        return {kind: getattr(module, kind) for kind in ADAPTER_KINDS if getattr(module, kind, None) is not None}
    if not callable(factory):
        raise AdapterConfigurationError(f"{path}: 'adapters' must be a function returning AdaptersConfig")
    result = factory()
    if isinstance(result, AdaptersConfig):
        return {kind: getattr(result, kind) for kind in ADAPTER_KINDS if getattr(result, kind) is not None}
    if isinstance(result, Mapping):
        unknown = sorted(set(result) - set(ADAPTER_KINDS))
        if unknown:
            raise AdapterConfigurationError(f"{path}: adapters() returned unknown kinds {unknown}")
        return {kind: value for kind, value in result.items() if value is not None}
    raise AdapterConfigurationError(
        f"{path}: adapters() must return AdaptersConfig or a dict, got {type(result).__name__}"
    )


def check_kind_variables(kind: AdapterKind, env: Mapping[str, str]) -> None:
    """Refuse ``STEPKIT_<KIND>_*`` variables the selected adapter does not read.

    Raises:
        AdapterConfigurationError: one line naming the variable and the rule.
    """
    prefix = f"STEPKIT_{kind.upper()}_"
    selector = f"{prefix}ADAPTER"
    named = bool(env.get(selector, "").strip())
    name = adapter_name_from_env(kind, env)
    fields = {field.upper() for field in load_adapter_class(kind, name).config_model.model_fields}
    for variable in sorted(v for v in env if v.startswith(prefix) and v != selector):
        setting = variable.removeprefix(prefix)
        if setting in fields:
            continue
        if not named:
            others = ", ".join(sorted(set(installed_adapters(kind)) - {DEFAULT_ADAPTERS[kind]})) or "none installed"
            raise AdapterConfigurationError(
                f"{variable} is set but {selector} is not: the default {kind} adapter {name!r} has no setting "
                f"{setting}; name the adapter with {selector}=<name> (installed: {others})"
            )
        settings = ", ".join(f"{prefix}{field}" for field in sorted(fields))
        raise AdapterConfigurationError(
            f"{variable} is not a setting of the {name!r} {kind} adapter; its settings are: {settings}"
        )


def check_url(kind: str, adapter: Adapter, source: str) -> None:
    """Refuse an adapter ``url`` without a scheme and host, or with a bad port (one line naming it)."""
    url = getattr(adapter.config, "url", None)
    if not isinstance(url, str):
        return
    where = f"STEPKIT_{kind.upper()}_URL" if source.startswith("env") or source == "default" else f"{kind} url"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise AdapterConfigurationError(f"{where} {url!r} is not a valid URL: {exc}") from None
    if parts.scheme == "unix" and parts.path:
        return
    if not parts.scheme or not parts.hostname:
        raise AdapterConfigurationError(
            f"{where} {url!r} is not a valid URL: it needs a scheme and a host, e.g. redis://127.0.0.1:6379/0"
        )
    if port == 0:
        raise AdapterConfigurationError(f"{where} {url!r} is not a valid URL: port 0")


def resolve_adapters(app_dir: Path, environ: Mapping[str, str] | None = None) -> Adapters:
    """Build the four adapters (not connected yet; they connect lazily or on ``open``).

    Raises:
        AdapterConfigurationError: a bad config file, a value of the wrong kind,
            an unknown adapter name or bad ``STEPKIT_<KIND>_*`` settings.
    """
    env = os.environ if environ is None else environ
    path = app_dir / CONFIG_FILE
    module = load_config_module(app_dir)
    chosen = _from_module(module, path) if module is not None else {}
    built: dict[str, Adapter] = {}
    sources: dict[str, str] = {}
    for kind in ADAPTER_KINDS:
        value = chosen.get(kind)
        if value is not None:
            if not isinstance(value, _KIND_CLASSES[kind]):
                raise AdapterConfigurationError(
                    f"{path}: {kind} must be a {_KIND_CLASSES[kind].__name__} instance, got {type(value).__name__}"
                )
            built[kind] = value
            sources[kind] = f"{CONFIG_FILE}"
        else:
            check_kind_variables(kind, env)
            built[kind] = adapter_from_env(kind, env)
            variable = f"STEPKIT_{kind.upper()}_ADAPTER"
            sources[kind] = f"env {variable}" if env.get(variable, "").strip() else "default"
        check_url(kind, built[kind], sources[kind])
        sources[kind] = f"{adapter_name_of(built[kind])} ({sources[kind]})"
    state, streams, events, cron = built["state"], built["streams"], built["events"], built["cron"]
    assert isinstance(state, StateAdapter)
    assert isinstance(streams, StreamAdapterManager)
    assert isinstance(events, EventAdapter)
    assert isinstance(cron, CronAdapter)
    return Adapters(state, streams, events, cron, sources)


def adapter_name_of(adapter: Adapter) -> str:
    """The adapter's registry name (or its class name if it has none)."""
    return getattr(type(adapter), "name", type(adapter).__name__)


__all__ = [
    "CONFIG_FILE",
    "Adapters",
    "AdaptersConfig",
    "RuntimeSettings",
    "adapter_name_of",
    "check_kind_variables",
    "check_url",
    "load_config_module",
    "resolve_adapters",
]
