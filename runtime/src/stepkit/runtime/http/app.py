"""The ASGI app: one route per API step, plus the health endpoints.

Guarantees:

* A body over ``STEPKIT_MAX_REQUEST_BYTES`` gets ``413``; a body that is not
  strict JSON (NaN/Infinity included), nested too deeply, or not matching the
  step's ``bodySchema`` gets ``400`` with the list of errors; the handler does not run.
* A handler's exception maps to a status by :mod:`stepkit.runtime.http.errors`:
  an unavailable backend ``503`` with ``Retry-After``, a value over an
  adapter's limit ``413``, data an adapter refuses ``400``, anything else
  ``500`` (the stack trace goes to the log, never to the client). So does a
  result other than ``{"status": int, "body"?: ..., "headers"?: {...}}`` (500).
* Every response, Starlette's own 404/405 included, is JSON with
  ``trace_id`` and carries ``traceparent`` and ``x-trace-id``; an incoming
  ``traceparent`` is continued, so one request is one trace across instances.
* ``Idempotency-Key`` requests run the handler once per key (see
  :mod:`stepkit.runtime.http.idempotency`).
* While shutting down, new requests get ``503``.
* Health: ``GET /health/live`` (liveness: 200 while the process serves),
  ``GET /health/ready`` (readiness: 200 while the instance takes work; a
  backend outage is reported, not turned into 503, so routes that do not need
  that backend keep their traffic), ``GET /health`` (200 only when every
  adapter is healthy). Each adapter check is bounded by ``STEPKIT_HEALTH_TIMEOUT_SECONDS``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from stepkit.core.errors import AdapterError
from stepkit.runtime.http.body import BadRequest, read_body
from stepkit.runtime.http.errors import RETRY_AFTER_SECONDS, error_response, response_for_exception
from stepkit.runtime.http.idempotency import (
    HEADER,
    REPLAYED_HEADER,
    IdempotencyKeyError,
    IdempotencyStore,
    check_key,
    fingerprint,
)
from stepkit.runtime.http.request import ApiRequest
from stepkit.runtime.http.response import HandlerResponse, check_result
from stepkit.runtime.log import runtime_logger
from stepkit.runtime.runtime import Runtime
from stepkit.runtime.step import Step
from stepkit.runtime.step_config import ApiStepConfig
from stepkit.runtime.tracing import TraceContext, child_of

_log = runtime_logger("http")


def _api_request(request: Request, body: Any, model: Any) -> ApiRequest:
    return ApiRequest(
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


def step_endpoint(step: Step, runtime: Runtime) -> Any:
    """The Starlette endpoint running one API step."""
    config = step.config
    assert isinstance(config, ApiStepConfig)
    assert step.handler is not None
    handler = step.handler
    store = IdempotencyStore(runtime.adapters.state, runtime.settings.idempotency_lease_seconds)

    async def run(request: Request, body: Any, model: Any, trace: TraceContext) -> HandlerResponse | Response:
        ctx = runtime.services.context(step, trace)
        try:
            return check_result(await handler(_api_request(request, body, model), ctx))
        except Exception as exc:  # noqa: BLE001 - every failure becomes a JSON error response
            return response_for_exception(exc, trace, _log, step.name)

    async def run_once(request: Request, key: str, raw: bytes, body: Any, model: Any, trace: TraceContext) -> Response:
        outcome = await store.begin(step.name, key, fingerprint(request.method, request.url.path, raw))
        if outcome.kind == "replay":
            assert outcome.response is not None
            return HandlerResponse.from_record(outcome.response).render(trace, {REPLAYED_HEADER: "true"})
        if outcome.kind == "busy":
            headers = {"retry-after": str(RETRY_AFTER_SECONDS)}
            return error_response(409, "a request with this Idempotency-Key is still running", trace, headers=headers)
        if outcome.kind == "mismatch":
            return error_response(422, "this Idempotency-Key was used for a different request", trace)
        result = await run(request, body, model, trace)
        done = isinstance(result, HandlerResponse) and result.status < 500
        try:
            if isinstance(result, HandlerResponse) and done:
                await store.complete(outcome, result.record())
            else:
                await store.release(outcome)
        except AdapterError as exc:  # the handler's outcome stands; only the record is missing
            _log.warning(
                "could not record the Idempotency-Key outcome; a retry waits for the lease to lapse",
                extra={"step": step.name, "trace_id": trace.trace_id, "error": str(exc)},
            )
        return result.render(trace) if isinstance(result, HandlerResponse) else result

    async def endpoint(request: Request) -> Response:
        trace = child_of(request.headers.get("traceparent"))
        if not runtime.accepting:
            return error_response(503, "shutting down", trace, headers={"retry-after": str(RETRY_AFTER_SECONDS)})
        async with runtime.inflight.track():
            try:
                raw, body, model = await read_body(request, config, runtime.settings.max_request_bytes)
                key = request.headers.get(HEADER)
                if key is None:
                    result = await run(request, body, model, trace)
                    return result.render(trace) if isinstance(result, HandlerResponse) else result
                return await run_once(request, check_key(key), raw, body, model, trace)
            except BadRequest as bad:
                return error_response(bad.status, bad.body.pop("error"), trace, **bad.body)
            except IdempotencyKeyError as exc:
                return error_response(400, str(exc), trace)
            except Exception as exc:  # noqa: BLE001 - e.g. the idempotency store is unreachable
                return response_for_exception(exc, trace, _log, step.name)

    return endpoint


def _health_routes(runtime: Runtime) -> list[Route]:
    async def live(_: Request) -> Response:
        return JSONResponse(runtime.liveness())

    async def ready(_: Request) -> Response:
        report = await runtime.health()
        return JSONResponse(report, status_code=200 if report["accepting"] else 503)

    async def health(_: Request) -> Response:
        report = await runtime.health()
        return JSONResponse(report, status_code=200 if report["status"] == "ok" else 503)

    return [
        Route("/health", health, methods=["GET"]),
        Route("/health/live", live, methods=["GET"]),
        Route("/health/ready", ready, methods=["GET"]),
    ]


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (404, 405, ...) as JSON with the trace id."""
    assert isinstance(exc, HTTPException)
    trace = child_of(request.headers.get("traceparent"))
    return error_response(exc.status_code, str(exc.detail), trace, headers=exc.headers)


def build_app(runtime: Runtime, *, manage_lifecycle: bool = True) -> Starlette:
    """The ASGI app for ``runtime``; with ``manage_lifecycle`` its lifespan starts and stops the runtime."""
    routes = _health_routes(runtime)
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

    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={HTTPException: _http_error})
    app.state.runtime = runtime
    return app


__all__ = ["build_app", "step_endpoint"]
