"""Ride out backend outages inside a handler instead of burning its delivery retries.

An event handler that hits :class:`AdapterUnavailableError` (state, streams or
an emit whose backend is down) is retried *in place*, with the delivery still
held by this instance, on a capped exponential backoff, for up to the outage
budget (``STEPKIT_OUTAGE_BUDGET_SECONDS``). These attempts do not count
against the step's ``maxRetries``; the event adapter keeps the delivery
invisible to others while the handler runs. Once the budget is spent, the
last error propagates and counts as one ordinary delivery failure.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from stepkit.core.backoff import Backoff
from stepkit.core.errors import AdapterUnavailableError

OUTAGE_BACKOFF = Backoff(initial_seconds=0.5, multiplier=2.0, max_seconds=5.0, jitter=0.2)
"""Waits between in-place attempts: 0.5 s, 1 s, 2 s, 4 s, then 5 s each (±20 %)."""


async def retry_through_outage(
    call: Callable[[], Awaitable[None]],
    budget: float,
    log: logging.Logger,
    fields: Mapping[str, Any],
    backoff: Backoff = OUTAGE_BACKOFF,
) -> None:
    """Run ``call``; on :class:`AdapterUnavailableError` run it again until ``budget`` seconds have passed.

    Any other exception propagates at once. The handler must be idempotent
    (it is anyway: delivery is at-least-once).
    """
    loop = asyncio.get_running_loop()
    started = loop.time()
    attempt = 0
    while True:
        try:
            await call()
            if attempt:
                log.info("handler succeeded after a backend outage", extra={**fields, "outage_retries": attempt})
            return
        except AdapterUnavailableError as exc:
            attempt += 1
            left = budget - (loop.time() - started)
            if left <= 0:
                log.error(
                    "backend still unavailable after the outage budget; the delivery counts as failed",
                    extra={**fields, "outage_budget_seconds": budget, "error": str(exc)},
                )
                raise
            wait = min(backoff.delay(attempt), left)
            log.warning(
                "backend unavailable in handler; retrying in place (not counted against maxRetries)",
                extra={**fields, "outage_retry": attempt, "retry_in_seconds": round(wait, 2), "error": str(exc)},
            )
            await asyncio.sleep(wait)


__all__ = ["OUTAGE_BACKOFF", "retry_through_outage"]
