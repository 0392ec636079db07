"""A loaded step: its validated config, its handler and where it came from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stepkit.runtime.step_config import ApiStepConfig, CronStepConfig, EventStepConfig, StepConfig


@dataclass(frozen=True)
class Step:
    """One step of the app. ``handler`` is the file's async ``handler`` (None for noop steps)."""

    config: StepConfig
    handler: Callable[..., Any] | None
    file: Path

    @property
    def name(self) -> str:
        """The step's unique name (its subscriber group for event steps)."""
        return self.config.name

    @property
    def type(self) -> str:
        """``api``, ``event``, ``cron`` or ``noop``."""
        return self.config.type

    def trigger(self) -> str:
        """A one-line description of what runs the step."""
        config = self.config
        if isinstance(config, ApiStepConfig):
            return f"{config.method} {config.path}"
        if isinstance(config, EventStepConfig):
            return "subscribes " + ", ".join(config.subscribes)
        if isinstance(config, CronStepConfig):
            return f"cron {config.cron!r}"
        return "none"


__all__ = ["Step"]
