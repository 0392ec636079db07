"""The tick a cron handler runs for."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CronTick:
    """A scheduled tick: its epoch second (UTC, by the scheduling instance's clock) and its lock's fencing token."""

    epoch: int
    fencing_token: int | None = None


__all__ = ["CronTick"]
