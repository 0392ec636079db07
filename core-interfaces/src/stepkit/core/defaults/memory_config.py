"""Configuration of the memory adapters: which shared backend they live in."""

from __future__ import annotations

from pydantic import Field, field_validator

from stepkit.core.config import AdapterConfig
from stepkit.core.defaults.memory_backend import DEFAULT_STORE
from stepkit.core.identifiers import validate_identifier
from stepkit.core.protocols.cron import CronAdapterConfig


class MemoryConfig(AdapterConfig):
    """Settings of the memory state and stream adapters.

    * ``store``: name of the process-global :class:`MemoryBackend`; adapters
      with equal ``store`` and ``namespace`` share one logical store
      (env ``STEPKIT_<KIND>_STORE``).
    """

    store: str = Field(default=DEFAULT_STORE, description="Process-global memory backend name.")

    @field_validator("store")
    @classmethod
    def _store_is_identifier(cls, value: str) -> str:
        return validate_identifier(value, "store")


class InProcessEventsConfig(MemoryConfig):
    """Settings of :class:`InProcessEventAdapter`.

    * ``drain_timeout``: seconds ``unsubscribe``/``close`` wait for in-flight
      handlers before cancelling them (their events are then redelivered).
    """

    drain_timeout: float = Field(default=10.0, gt=0, le=3600)


class LocalCronConfig(CronAdapterConfig, MemoryConfig):
    """Settings of :class:`LocalCronAdapter`: ``store`` as in :class:`MemoryConfig`, plus ``instance_id``."""


__all__ = ["InProcessEventsConfig", "LocalCronConfig", "MemoryConfig"]
