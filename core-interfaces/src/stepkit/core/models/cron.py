"""Cron lock models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class CronLock(BaseModel):
    """A held lock on one cron job.

    ``lock_id`` is unique per acquisition and is what proves ownership on
    release and renew. ``fencing_token`` is set only by adapters that declare
    ``FENCING`` and rises strictly with every acquisition of the job.
    """

    model_config = ConfigDict(frozen=True)

    job_name: str
    lock_id: str
    instance_id: str
    acquired_at: datetime
    expires_at: datetime
    fencing_token: int | None = None


class CronLockInfo(BaseModel):
    """A lock as listed by ``active_locks()``: everything but the secret ``lock_id``."""

    model_config = ConfigDict(frozen=True)

    job_name: str
    instance_id: str
    acquired_at: datetime
    expires_at: datetime
    fencing_token: int | None = None


__all__ = ["CronLock", "CronLockInfo"]
