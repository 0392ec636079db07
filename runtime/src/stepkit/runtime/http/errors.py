"""Every error response is JSON ``{"error", ..., "trace_id"}`` with the trace headers.

Status rules (client mistakes are 4xx, outages 503, bugs 500):

* :class:`~stepkit.core.errors.AdapterUnavailableError` -> ``503`` with ``Retry-After``;
* :class:`~stepkit.core.errors.ValueTooLargeError` (a value over an adapter's limit) -> ``413``;
* other :class:`~stepkit.core.errors.AdapterSerializationError` (NaN, too deep,
  integer out of range), :class:`~stepkit.core.errors.InvalidIdentifierError`
  (e.g. an over-long path id used as a key) and :class:`RecursionError` -> ``400``;
* anything else -> ``500``, with the stack trace logged, never sent.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse

from stepkit.core.errors import (
    AdapterSerializationError,
    AdapterUnavailableError,
    InvalidIdentifierError,
    ValueTooLargeError,
)
from stepkit.runtime.tracing import TraceContext

RETRY_AFTER_SECONDS = 2
"""What ``Retry-After`` says on a 503 caused by an unavailable backend."""


def trace_headers(trace: TraceContext) -> dict[str, str]:
    """``traceparent`` and ``x-trace-id`` of the response."""
    return {"traceparent": trace.traceparent, "x-trace-id": trace.trace_id}


def error_response(
    status: int,
    error: str,
    trace: TraceContext,
    *,
    headers: Mapping[str, str] | None = None,
    **fields: Any,
) -> JSONResponse:
    """``{"error": error, **fields, "trace_id": ...}`` with the trace headers."""
    return JSONResponse(
        {"error": error, **fields, "trace_id": trace.trace_id},
        status_code=status,
        headers={**(headers or {}), **trace_headers(trace)},
    )


def response_for_exception(exc: BaseException, trace: TraceContext, log: logging.Logger, step: str) -> JSONResponse:
    """The response for an exception a handler (or the runtime around it) raised; logs it."""
    where = {"step": step, "trace_id": trace.trace_id}
    if isinstance(exc, AdapterUnavailableError):
        log.warning("backend unavailable; answered 503", extra={**where, "error": str(exc)})
        return error_response(
            503,
            "service unavailable: a backend is not reachable; retry later",
            trace,
            headers={"retry-after": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, ValueTooLargeError):
        log.info("value over a size limit; answered 413", extra={**where, "error": str(exc)})
        return error_response(413, "payload too large", trace, detail=str(exc), limit_bytes=exc.limit)
    if isinstance(exc, (AdapterSerializationError, InvalidIdentifierError)):
        log.info("request data refused by an adapter; answered 400", extra={**where, "error": str(exc)})
        return error_response(400, "request data cannot be stored or sent", trace, detail=str(exc))
    if isinstance(exc, RecursionError):
        log.info("request data nested too deeply; answered 400", extra=where)
        return error_response(400, "request data is nested too deeply", trace)
    log.error("api handler failed", extra=where, exc_info=exc)
    return error_response(500, "internal server error", trace)


__all__ = ["RETRY_AFTER_SECONDS", "error_response", "response_for_exception", "trace_headers"]
