"""The lifecycle and capability machinery shared by all adapter kinds."""

from __future__ import annotations

import abc
from collections.abc import Mapping
from types import TracebackType
from typing import Any, ClassVar, Literal, Self

from stepkit.core.capabilities import Capability, require_capability
from stepkit.core.config import AdapterConfig
from stepkit.core.errors import AdapterClosedError, AdapterConfigurationError

AdapterKind = Literal["state", "streams", "events", "cron"]
ADAPTER_KINDS: tuple[AdapterKind, ...] = ("state", "streams", "events", "cron")


class Adapter(abc.ABC):
    """Base of every adapter: built from a config model, used as ``async with``.

    Subclasses set the class attributes:

    * ``kind``: which of the four services it implements;
    * ``name``: its registry name (e.g. ``"redis"``);
    * ``capabilities``: what it supports beyond the base contract;
    * ``config_model``: its :class:`AdapterConfig` subclass.

    Guarantees: ``close()`` is idempotent; after it, every operation raises
    :class:`AdapterClosedError`.
    """

    kind: ClassVar[AdapterKind]
    name: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    config_model: ClassVar[type[AdapterConfig]] = AdapterConfig

    def __init__(self, config: AdapterConfig | Mapping[str, Any] | None = None) -> None:
        self.config = self.config_model.build(config)
        self._closed = False

    # -- construction -----------------------------------------------------
    @classmethod
    def from_config(cls, config: AdapterConfig | Mapping[str, Any] | None = None) -> Self:
        """Build from a config model instance or a mapping of its fields."""
        return cls(cls.config_model.build(config))

    @classmethod
    def from_url(cls, url: str, **settings: Any) -> Self:
        """Build from a backend URL plus any other config fields.

        Raises:
            AdapterConfigurationError: this adapter's config has no ``url`` field.
        """
        if "url" not in cls.config_model.model_fields:
            raise AdapterConfigurationError(f"{cls.__name__} is not configured by URL (its config has no 'url' field)")
        return cls(cls.config_model.build(settings, url=url))

    @classmethod
    def from_env(cls, prefix: str | None = None) -> Self:
        """Build from environment variables ``{prefix}{FIELD}``.

        The default prefix is ``STEPKIT_{KIND}_``, e.g. ``STEPKIT_STATE_URL``.
        """
        effective = prefix if prefix is not None else f"STEPKIT_{cls.kind.upper()}_"
        return cls(cls.config_model.from_env(effective))

    # -- capabilities -------------------------------------------------------
    @classmethod
    def supports(cls, capability: Capability) -> bool:
        """True when the class declares ``capability``."""
        return capability in cls.capabilities

    def _require(self, capability: Capability, usage: str) -> None:
        require_capability(self.capabilities, capability, type(self).__name__, usage)

    # -- lifecycle ----------------------------------------------------------
    @property
    def closed(self) -> bool:
        """True once :meth:`close` has been called."""
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            raise AdapterClosedError(f"{type(self).__name__} is closed")

    async def open(self) -> None:
        """Connect eagerly. Optional: every operation connects lazily anyway."""
        self._check_open()
        await self._open()

    async def _open(self) -> None:
        """Hook: establish connections. Default: nothing."""

    async def close(self) -> None:
        """Release every resource. Idempotent."""
        if self._closed:
            return
        self._closed = True
        await self._close()

    async def _close(self) -> None:
        """Hook: release resources. Called once."""

    async def is_healthy(self) -> bool:
        """True when the backend answers within the operation timeout. Never raises."""
        return not self._closed

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


__all__ = ["ADAPTER_KINDS", "Adapter", "AdapterKind"]
