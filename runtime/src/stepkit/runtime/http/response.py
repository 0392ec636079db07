"""Turn what an API handler returned into a response (and a storable record of it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from starlette.responses import Response

from stepkit.core.errors import AdapterSerializationError
from stepkit.core.json_codec import dumps, loads
from stepkit.runtime.http.errors import trace_headers
from stepkit.runtime.tracing import TraceContext


@dataclass(frozen=True)
class HandlerResponse:
    """A checked handler result: ``status``, ``headers`` (str to str) and the JSON text of ``body``."""

    status: int
    headers: dict[str, str]
    content: str

    def render(self, trace: TraceContext, extra_headers: Mapping[str, str] | None = None) -> Response:
        """The HTTP response, with the trace headers."""
        return Response(
            self.content.encode("utf-8"),
            status_code=self.status,
            headers={**self.headers, **(extra_headers or {}), **trace_headers(trace)},
            media_type=self.headers.get("content-type", "application/json"),
        )

    def record(self) -> dict[str, Any]:
        """A JSON value to store (for idempotent replay)."""
        return {"status": self.status, "headers": self.headers, "body": loads(self.content, "response body")}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> HandlerResponse:
        """Rebuild a stored response."""
        return cls(int(record["status"]), dict(record["headers"]), dumps(record["body"], "response body"))


def check_result(result: Any) -> HandlerResponse:
    """Validate ``{"status": int, "body"?: ..., "headers"?: {str: str}}``; ``TypeError`` naming the rule."""
    status = result.get("status") if isinstance(result, Mapping) else None
    if not isinstance(result, Mapping) or not isinstance(status, int) or isinstance(status, bool):
        raise TypeError(f"handler must return {{'status': int, 'body': ..., 'headers'?: dict}}, got {result!r}")
    unknown = sorted(set(result) - {"status", "body", "headers"})
    if unknown:
        raise TypeError(f"handler response has unknown keys {unknown}")
    if not 100 <= status <= 599:
        raise TypeError(f"handler response status {status} is not an HTTP status")
    headers = result.get("headers") or {}
    pairs = headers.items() if isinstance(headers, Mapping) else []
    if not isinstance(headers, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in pairs):
        raise TypeError("handler response headers must be a dict of str to str")
    body = result.get("body")
    if isinstance(body, BaseModel):
        body = body.model_dump(mode="json")
    try:
        content = dumps(body, "response body")
    except AdapterSerializationError as exc:  # the handler's bug, not the client's: a 500
        raise TypeError(f"handler response body is not JSON: {exc}") from exc
    return HandlerResponse(status, dict(headers), content)


__all__ = ["HandlerResponse", "check_result"]
