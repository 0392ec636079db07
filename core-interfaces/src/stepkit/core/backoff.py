"""Exponential backoff policy shared by retries, redelivery and reconnects."""

from __future__ import annotations

import random

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Backoff(BaseModel):
    """Exponential backoff: attempt ``n`` (1-based) waits ``initial * multiplier**(n-1)``.

    The wait is capped at ``max_seconds``; ``jitter`` spreads it uniformly by up
    to that fraction either way so that retrying instances do not stampede.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    initial_seconds: float = Field(default=0.5, gt=0, description="Wait before the first retry.")
    multiplier: float = Field(default=2.0, ge=1.0, description="Growth factor per attempt.")
    max_seconds: float = Field(default=30.0, gt=0, description="Upper bound of one wait.")
    jitter: float = Field(default=0.1, ge=0.0, le=1.0, description="Relative random spread.")

    @model_validator(mode="after")
    def _max_not_below_initial(self) -> Backoff:
        if self.max_seconds < self.initial_seconds:
            raise ValueError(
                f"backoff max_seconds ({self.max_seconds}) must be >= initial_seconds ({self.initial_seconds})"
            )
        return self

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        if attempt < 1:
            raise ValueError(f"attempt must be >= 1, got {attempt}")
        exponent = min(attempt - 1, 64)
        base = min(self.initial_seconds * self.multiplier**exponent, self.max_seconds)
        if self.jitter:
            base *= 1.0 + random.uniform(-self.jitter, self.jitter)
        return max(0.0, min(base, self.max_seconds))


__all__ = ["Backoff"]
