"""The ASGI app: one route per API step, plus ``GET /health``.

Guarantees:

* A body that is not JSON, or does not match the step's ``bodySchema``,
  gets ``400`` with the list of errors; the handler does not run.
* A handler that raises, or returns something other than
  ``{"status": int, "body"?: ..., "headers"?: {...}}``, gets ``500`` with
  ``{"error": "internal server error", "trace_id": ...}``; the stack trace goes
  to the log, never to the client.
* Every response carries ``traceparent`` and ``x-trace-id``; an incoming
  ``traceparent`` is continued, so one request is one trace across instances.
* While shutting down, new requests get ``503``.
* ``GET /health`` reports each adapter's health: ``200`` when all are healthy, else ``503``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from stepkit.core.json_codec import dumps
from stepkit.runtime.http.request import ApiRequest
from stepkit.runtime.log import runtime_logger
from stepkit.runtime.runtime import Runtime
from stepkit.runtime.step import Step
from stepkit.runtime.step_config import ApiStepConfig
from stepkit.runtime.tracing import TraceContext, child_of

_log = runtime_logger("http")


class _BadRequest(Exception):
    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(body.get("error"))
        self.body = body


def _trace_headers(trace: TraceContext) -> dict[str, str]:
    return {"traceparent": trace.traceparent, "x-trace-id": trace.trace_id}


async def _read_body(request: Request, config: ApiStepConfig) -> tuple[Any, BaseModel | None]:
    raw = await request.body()
    body: Any = None
    if raw.strip():
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise _BadRequest({"error": "request body is not valid JSON", "detail": str(exc)}) from None
    if config.body_schema is None:
        return body, None
    try:
        model = config.body_schema.model_validate(body)
    except ValidationError as exc:
        errors = [
            {"loc": list(err["loc"]), "msg": err["msg"], "type": err["type"]}
            for err in exc.errors(include_url=False, include_context=False, include_input=False)
        ]
        raise _BadRequest({"error": "request body does not match the schema", "errors": errors}) from None
    return body, model


def _response(result: Any, trace: TraceContext) -> Response:
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
    content = dumps(body, "response body").encode("utf-8")
    return Response(
        content,
        status_code=status,
        headers={**headers, **_trace_headers(trace)},
        media_type=headers.get("content-type", "application/json"),
    )


def step_endpoint(step: Step, runtime: Runtime) -> Any:
    """The Starlette endpoint running one API step."""
    config = step.config
    assert isinstance(config, ApiStepConfig)
    assert step.handler is not None
    handler = step.handler

    async def endpoint(request: Request) -> Response:
        trace = child_of(request.headers.get("traceparent"))
        if not runtime.accepting:
            return JSONResponse({"error": "shutting down"}, status_code=503, headers=_trace_headers(trace))
        async with runtime.inflight.track():
            try:
                body, model = await _read_body(request, config)
            except _BadRequest as bad:
                return JSONResponse({**bad.body, "trace_id": trace.trace_id}, 400, headers=_trace_headers(trace))
            api_request = ApiRequest(
                body=body,
                path_params={key: str(value) for key, value in request.path_params.items()},
                query_params={
                    key: values[0] if len(values) == 1 else values
                    for key in request.query_params
                    for values in [request.query_params.getlist(key)]
                },
                headers=dict(request.headers),
                method=request.method,
                path=request.url.path,
                model=model,
            )
            ctx = runtime.services.context(step, trace)
            try:
                return _response(await handler(api_request, ctx), trace)
            except Exception:  # noqa: BLE001 - any handler failure is a logged 500, never a leak
                _log.exception("api handler failed", extra={"step": step.name, "trace_id": trace.trace_id})
                return JSONResponse(
                    {"error": "internal server error", "trace_id": trace.trace_id},
                    status_code=500,
                    headers=_trace_headers(trace),
                )

    return endpoint


def build_app(runtime: Runtime, *, manage_lifecycle: bool = True) -> Starlette:
    """The ASGI app for ``runtime``; with ``manage_lifecycle`` its lifespan starts and stops the runtime."""

    async def health(_: Request) -> Response:
        report = await runtime.health()
        return JSONResponse(report, status_code=200 if report["status"] == "ok" else 503)

    routes = [Route("/health", health, methods=["GET"])]
    for step in runtime.steps:
        if isinstance(step.config, ApiStepConfig):
            endpoint = step_endpoint(step, runtime)
            routes.append(Route(step.config.path, endpoint, methods=[step.config.method], name=step.name))

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if manage_lifecycle:
            await runtime.start()
        try:
            yield
        finally:
            if manage_lifecycle:
                await runtime.stop()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.runtime = runtime
    return app


__all__ = ["build_app", "step_endpoint"]
