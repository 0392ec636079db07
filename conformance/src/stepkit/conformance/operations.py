"""Per-operation hang bounds on the adapter instances a test builds.

A scenario as a whole is bounded (``harness.SCENARIO_TIMEOUT``), but a hang
should be reported where it happens: every *data* operation of an instance the
harness built (``get``, ``set``, ``emit``, ``acquire_lock``, ...; stream
handles too) is bounded by :func:`operation_bound` and a call that runs past it
fails with :class:`~stepkit.conformance.loop.HangError` naming the operation.

Operations that legitimately wait for handlers or brokers (``subscribe``,
``unsubscribe``, ``close``, ``redrive_dlq``) are not bounded here; the scenario
bound covers them.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import Any

from stepkit.conformance.loop import HangError

OPERATION_MARGIN = 10.0
"""Seconds added to twice the ``operation_timeout`` before a data operation counts as hung.

Generous on purpose: the contract bound for a failing call is ``operation_timeout``
+ 3 s (checked by the fault tier); this bound only catches calls that never return."""

BOUNDED: frozenset[str] = frozenset(
    {
        # state (and stream handles: get, set, delete, get_group, clear, query, send)
        "get",
        "exists",
        "get_many",
        "keys",
        "group_ids",
        "get_group",
        "items",
        "set",
        "set_many",
        "delete",
        "clear",
        "update",
        "query",
        "send",
        # events
        "emit",
        "dlq_count",
        # cron
        "acquire_lock",
        "release_lock",
        "renew_lock",
        "active_locks",
        # all kinds
        "is_healthy",
    }
)
"""The public coroutine methods bounded per call."""

_MARK = "_stepkit_conformance_bounded"


def operation_bound(operation_timeout: float) -> float:
    """Seconds one data operation may take before it is reported as a hang."""
    return operation_timeout * 2 + OPERATION_MARGIN


def _bounded(
    method: Callable[..., Coroutine[Any, Any, Any]], label: str, bound: float, timeout: float
) -> Callable[..., Coroutine[Any, Any, Any]]:
    @functools.wraps(method)
    async def call(*args: Any, **kwargs: Any) -> Any:
        scope = asyncio.timeout(bound)
        try:
            async with scope:
                return await method(*args, **kwargs)
        except TimeoutError:
            if not scope.expired():
                raise  # the adapter's own (untranslated) TimeoutError, reported as such by the loop
            raise HangError(
                f"{label}() did not return within {bound:g}s (2 x operation_timeout {timeout:g}s + "
                f"{OPERATION_MARGIN:g}s margin): the adapter operation hung"
            ) from None

    return call


def bound_operations(obj: Any, operation_timeout: float) -> Any:
    """Bound every data operation of ``obj`` (an adapter or a stream handle) per call; returns ``obj``.

    Idempotent. A stream manager's ``stream(name)`` handles are bounded as they
    are handed out. The instance keeps its class, so ``isinstance`` checks and
    ``type(obj).from_config`` are unaffected.
    """
    if getattr(obj, _MARK, False):
        return obj
    bound = operation_bound(operation_timeout)
    kind = type(obj).__name__
    for name in BOUNDED:
        method = getattr(obj, name, None)
        if method is not None and asyncio.iscoroutinefunction(method):
            setattr(obj, name, _bounded(method, f"{kind}.{name}", bound, operation_timeout))
    stream = getattr(obj, "stream", None)
    if stream is not None and callable(stream) and not asyncio.iscoroutinefunction(stream):

        @functools.wraps(stream)
        def bounded_stream(*args: Any, **kwargs: Any) -> Any:
            return bound_operations(stream(*args, **kwargs), operation_timeout)

        obj.stream = bounded_stream
    setattr(obj, _MARK, True)
    return obj


__all__ = ["BOUNDED", "OPERATION_MARGIN", "bound_operations", "operation_bound"]
