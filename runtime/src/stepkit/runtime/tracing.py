"""W3C Trace Context (``traceparent``) for one request across steps and instances.

A trace id is 32 lowercase hex digits; a span id 16. :func:`child_of` keeps the
trace id of a valid incoming ``traceparent`` and makes a new span for the
step, or starts a new trace when the header is absent or malformed (as the W3C
spec requires: an invalid header is ignored, never an error).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_ZERO_TRACE = "0" * 32
_ZERO_SPAN = "0" * 16


@dataclass(frozen=True)
class TraceContext:
    """A trace id, the current span id and the sampled flag."""

    trace_id: str
    span_id: str
    sampled: bool = True

    @property
    def traceparent(self) -> str:
        """The header value for this span."""
        return f"00-{self.trace_id}-{self.span_id}-{'01' if self.sampled else '00'}"


def new_span_id() -> str:
    """A random non-zero 16-hex-digit span id."""
    while True:
        span = secrets.token_hex(8)
        if span != _ZERO_SPAN:
            return span


def new_trace_id() -> str:
    """A random non-zero 32-hex-digit trace id."""
    while True:
        trace = secrets.token_hex(16)
        if trace != _ZERO_TRACE:
            return trace


def parse_traceparent(header: str | None) -> TraceContext | None:
    """The context in a valid ``traceparent`` header, else None."""
    if not header:
        return None
    match = _TRACEPARENT.match(header.strip().lower())
    if match is None:
        return None
    version, trace_id, span_id, flags = match.groups()
    if version == "ff" or trace_id == _ZERO_TRACE or span_id == _ZERO_SPAN:
        return None
    return TraceContext(trace_id, span_id, bool(int(flags, 16) & 1))


def child_of(header: str | None, fallback_trace_id: str | None = None) -> TraceContext:
    """A new span in the incoming trace, or a new trace.

    ``fallback_trace_id`` (e.g. an event's ``trace_id``) is used when there is
    no valid header and it is itself a valid 32-hex trace id.
    """
    parent = parse_traceparent(header)
    if parent is not None:
        return TraceContext(parent.trace_id, new_span_id(), parent.sampled)
    if fallback_trace_id and re.fullmatch(r"[0-9a-f]{32}", fallback_trace_id) and fallback_trace_id != _ZERO_TRACE:
        return TraceContext(fallback_trace_id, new_span_id())
    return TraceContext(new_trace_id(), new_span_id())


__all__ = ["TraceContext", "child_of", "new_span_id", "new_trace_id", "parse_traceparent"]
