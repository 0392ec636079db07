"""Read and check an API request's body: size limit, strict JSON, ``bodySchema``.

Guarantees: a body over ``max_bytes`` (by ``Content-Length`` or as it
streams in) is refused with 413 before it is parsed; a body that is not strict
JSON (``NaN``/``Infinity`` included), is nested deeper than the core's limit
(:data:`stepkit.core.json_codec.MAX_DEPTH`) or holds an integer out of range
gets 400; so does one not matching the step's ``bodySchema``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from stepkit.core.errors import AdapterSerializationError
from stepkit.core.json_codec import check_json, loads
from stepkit.runtime.step_config import ApiStepConfig


class BadRequest(Exception):
    """The request is refused with ``status`` and the JSON ``body`` (without the trace id)."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("error"))
        self.status = status
        self.body = body


def _too_large(max_bytes: int) -> BadRequest:
    return BadRequest(413, {"error": f"request body is larger than the limit of {max_bytes} bytes"})


async def read_limited(request: Request, max_bytes: int) -> bytes:
    """The raw body, or :class:`BadRequest` 413 as soon as it exceeds ``max_bytes``."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise BadRequest(400, {"error": f"Content-Length {declared!r} is not a non-negative integer"})
        if int(declared) > max_bytes:
            raise _too_large(max_bytes)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(raw: bytes) -> Any:
    """Strict JSON of the body (``None`` when empty), or :class:`BadRequest` 400."""
    if not raw.strip():
        return None
    try:
        body = loads(raw, "request body")
    except RecursionError:
        raise BadRequest(400, {"error": "request body is nested too deeply"}) from None
    except AdapterSerializationError as exc:
        raise BadRequest(400, {"error": "request body is not valid JSON", "detail": str(exc)}) from None
    try:
        check_json(body, "request body")
    except AdapterSerializationError as exc:
        raise BadRequest(400, {"error": "request body breaks a JSON limit", "detail": str(exc)}) from None
    return body


def validate_body(body: Any, config: ApiStepConfig) -> BaseModel | None:
    """The parsed ``bodySchema`` model (None without a schema), or :class:`BadRequest` 400."""
    if config.body_schema is None:
        return None
    try:
        return config.body_schema.model_validate(body)
    except ValidationError as exc:
        errors = [
            {"loc": list(err["loc"]), "msg": err["msg"], "type": err["type"]}
            for err in exc.errors(include_url=False, include_context=False, include_input=False)
        ]
        raise BadRequest(400, {"error": "request body does not match the schema", "errors": errors}) from None


async def read_body(request: Request, config: ApiStepConfig, max_bytes: int) -> tuple[bytes, Any, BaseModel | None]:
    """``(raw, body, model)`` of a request that passes every check, else :class:`BadRequest`."""
    raw = await read_limited(request, max_bytes)
    body = parse_json(raw)
    return raw, body, validate_body(body, config)


__all__ = ["BadRequest", "parse_json", "read_body", "read_limited", "validate_body"]
