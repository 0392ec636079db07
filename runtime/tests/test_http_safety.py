"""Points 2, 3, 8 and 9: size limits, 4xx for client mistakes, 503 for outages, health, idempotency keys."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from runtime_testing import default_adapters, eventually, write_app

import stepkit.adapters.rabbitmq_events
import stepkit.adapters.redis_state  # noqa: F401  (selected by name)
from stepkit.conformance.services import ServiceProvider
from stepkit.core.protocols.events import EventAdapter
from stepkit.core.protocols.state import StateAdapter
from stepkit.core.registry import create_adapter
from stepkit.runtime.config import Adapters, RuntimeSettings
from stepkit.runtime.http.app import build_app
from stepkit.runtime.runtime import Runtime
from stepkit.runtime.validation import load_steps

APP = {
    "steps/echo_step.py": """
        config = {"type": "api", "name": "Echo", "path": "/echo", "method": "POST", "emits": ["echoed"]}
        async def handler(req, ctx):
            await ctx.emit({"topic": "echoed", "data": req.body})
            return {"status": 200, "body": {"got": req.body}}
    """,
    "steps/wrap_step.py": """
        config = {"type": "api", "name": "Wrap", "path": "/wrap", "method": "POST", "emits": ["echoed"]}
        async def handler(req, ctx):
            await ctx.emit({"topic": "echoed", "data": {"wrapped": {"twice": req.body}}})
            return {"status": 200}
    """,
    "steps/item_step.py": """
        config = {"type": "api", "name": "Item", "path": "/items/{id}", "method": "GET"}
        async def handler(req, ctx):
            return {"status": 200, "body": {"value": await ctx.state.get("items", req.path_params["id"])}}
    """,
    "steps/ping_step.py": """
        config = {"type": "api", "name": "Ping", "path": "/ping", "method": "GET"}
        async def handler(req, ctx):
            return {"status": 200, "body": "pong"}
    """,
    "steps/echoed_step.py": """
        config = {"type": "event", "name": "Echoed", "subscribes": ["echoed"]}
        async def handler(data, ctx):
            pass
    """,
    "steps/create_step.py": """
        import asyncio
        config = {"type": "api", "name": "Create", "path": "/create", "method": "POST"}
        async def handler(req, ctx):
            if req.body.get("wait"):
                while not await ctx.state.get("control", "release"):
                    await asyncio.sleep(0.02)
            n = await ctx.state.update("control", "runs", lambda current: (current or 0) + 1)
            if req.body.get("fail_first") and n == 1:
                raise RuntimeError("first run fails")
            return {"status": 201, "body": {"run": n}, "headers": {"x-run": str(n)}}
    """,
}


async def serve(app_dir: Path, adapters: Adapters, **settings: float) -> tuple[Runtime, httpx.AsyncClient]:
    runtime = Runtime(load_steps(app_dir), adapters, RuntimeSettings(**settings), app_dir=app_dir)
    await runtime.start()
    transport = httpx.ASGITransport(app=build_app(runtime, manage_lifecycle=False))
    return runtime, httpx.AsyncClient(transport=transport, base_url="http://test", timeout=30)


@pytest.fixture
async def client(tmp_path: Path, namespace: str) -> AsyncIterator[httpx.AsyncClient]:
    runtime, http = await serve(write_app(tmp_path, APP), default_adapters(namespace), max_request_bytes=1000)
    try:
        yield http
    finally:
        await http.aclose()
        await runtime.stop()


def assert_json_error(response: httpx.Response, status: int, error: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    body: dict[str, object] = response.json()
    assert error in str(body["error"]), body
    assert body["trace_id"] == response.headers["x-trace-id"]
    return body


async def test_a_body_over_the_request_limit_gets_413(client: httpx.AsyncClient) -> None:
    assert_json_error(await client.post("/echo", json={"x": "a" * 2000}), 413, "larger than the limit of 1000 bytes")

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the limit applies as it streams in
        for _ in range(10):
            yield b" " * 200

    assert_json_error(await client.post("/echo", content=chunks()), 413, "larger than the limit")
    assert (await client.post("/echo", json={"x": "a" * 100})).status_code == 200


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b'{"x": NaN}', "not valid JSON"),
        (b'{"x": Infinity}', "not valid JSON"),
        (b'{"x": -Infinity}', "not valid JSON"),
        (b"[" * 400 + b"]" * 400, "breaks a JSON limit"),
        (b'{"n": 1' + b"0" * 50 + b"}", "breaks a JSON limit"),
        (b"{not json", "not valid JSON"),
    ],
    ids=["nan", "infinity", "minus-infinity", "deep-nesting", "huge-int", "malformed"],
)
async def test_client_mistakes_in_bodies_are_400(client: httpx.AsyncClient, body: bytes, error: str) -> None:
    headers = {"content-type": "application/json"}
    assert_json_error(await client.post("/echo", content=body, headers=headers), 400, error)


async def test_event_data_over_the_depth_limit_is_400(client: httpx.AsyncClient) -> None:
    body = b"[" * 63 + b"]" * 63  # within the body limit; two levels deeper once wrapped in the event
    assert (await client.post("/echo", content=body, headers={"content-type": "application/json"})).status_code == 200
    response = await client.post("/wrap", content=body, headers={"content-type": "application/json"})
    assert "nested deeper than 64 levels" in str(assert_json_error(response, 400, "cannot be stored or sent")["detail"])


async def test_recursion_deep_bodies_are_400(tmp_path: Path, namespace: str) -> None:
    runtime, http = await serve(write_app(tmp_path, APP), default_adapters(namespace))
    try:
        deep = b"[" * 100_000 + b"]" * 100_000
        response = await http.post("/echo", content=deep, headers={"content-type": "application/json"})
        assert_json_error(response, 400, "nested too deeply")
    finally:
        await http.aclose()
        await runtime.stop()


async def test_an_over_long_path_id_is_400_not_500(client: httpx.AsyncClient) -> None:
    body = assert_json_error(await client.get("/items/" + "x" * 5000), 400, "cannot be stored or sent")
    assert "at most" in str(body["detail"])
    assert (await client.get("/items/ok")).json() == {"value": None}


async def test_starlette_404_and_405_are_json_with_the_trace_id(client: httpx.AsyncClient) -> None:
    assert_json_error(await client.get("/nowhere"), 404, "Not Found")
    response = await client.delete("/ping")
    assert_json_error(response, 405, "Method Not Allowed")
    assert "GET" in response.headers["allow"]


async def test_a_value_over_the_event_adapters_limit_is_413(
    stepkit_services: ServiceProvider, tmp_path: Path, namespace: str
) -> None:
    events = create_adapter(
        "events",
        "rabbitmq",
        {"url": stepkit_services.get("rabbitmq").endpoint.url, "namespace": namespace, "max_message_bytes": 500},
    )
    assert isinstance(events, EventAdapter)
    adapters = default_adapters(namespace)
    adapters.events = events
    runtime, http = await serve(write_app(tmp_path, APP), adapters)
    try:
        body = assert_json_error(await http.post("/echo", json={"x": "a" * 600}), 413, "payload too large")
        assert body["limit_bytes"] == 500
        assert (await http.post("/echo", json={"x": "small"})).status_code == 200
    finally:
        await http.aclose()
        await runtime.stop()


async def test_a_state_outage_is_503_only_where_state_is_needed_and_health_stays_bounded(
    stepkit_services: ServiceProvider, tmp_path: Path, namespace: str
) -> None:
    redis = stepkit_services.get("redis", dedicated=True)
    state = create_adapter(
        "state", "redis", {"url": redis.endpoint.url, "namespace": namespace, "operation_timeout": 1}
    )
    assert isinstance(state, StateAdapter)
    adapters = default_adapters(namespace)
    adapters.state = state
    runtime, http = await serve(write_app(tmp_path, APP), adapters, health_timeout_seconds=0.5)
    try:
        assert (await http.get("/items/a")).status_code == 200
        assert (await http.get("/health/ready")).status_code == 200
        await asyncio.to_thread(redis.stop)
        down = await http.get("/items/a")
        assert_json_error(down, 503, "service unavailable")
        assert down.headers["retry-after"] == "2"
        assert (await http.get("/ping")).json() == "pong"
        live = await http.get("/health/live")
        assert (live.status_code, live.json()["status"]) == (200, "alive")
        ready = await http.get("/health/ready")
        assert ready.status_code == 200  # the instance still serves routes that need no state
        assert ready.json()["status"] == "degraded"
        assert ready.json()["adapters"]["state"]["healthy"] is False
        assert (await http.get("/health")).status_code == 503
        await asyncio.to_thread(redis.start)
        assert (await http.get("/items/a")).status_code == 200
        # A backend that hangs (paused) still gets a health answer within the bound.
        await asyncio.to_thread(redis.pause)
        try:
            async with asyncio.timeout(10):
                hung = await http.get("/health")
            assert hung.json()["adapters"]["state"]["healthy"] is False
        finally:
            await asyncio.to_thread(redis.unpause)
    finally:
        await http.aclose()
        await runtime.stop()


async def test_shutting_down_makes_readiness_fail_but_not_liveness(client: httpx.AsyncClient) -> None:
    runtime = client._transport.app.state.runtime  # type: ignore[attr-defined]
    await runtime.begin_shutdown()
    assert (await client.get("/health/ready")).status_code == 503
    assert (await client.get("/health/live")).status_code == 200
    assert_json_error(await client.get("/ping"), 503, "shutting down")


async def test_idempotency_key_runs_the_handler_once_and_replays(client: httpx.AsyncClient) -> None:
    headers = {"idempotency-key": "order-1"}
    first = await client.post("/create", json={"item": 1}, headers=headers)
    assert (first.status_code, first.json(), first.headers["x-run"]) == (201, {"run": 1}, "1")
    again = await client.post("/create", json={"item": 1}, headers=headers)
    assert (again.status_code, again.json(), again.headers["x-run"]) == (201, {"run": 1}, "1")
    assert again.headers["idempotent-replayed"] == "true"
    other = await client.post("/create", json={"item": 1}, headers={"idempotency-key": "order-2"})
    assert other.json() == {"run": 2}
    assert_json_error(await client.post("/create", json={"item": 2}, headers=headers), 422, "different request")
    assert_json_error(await client.post("/create", json={}, headers={"idempotency-key": "a b"}), 400, "visible ASCII")


async def test_idempotency_key_is_released_after_a_failure_and_busy_while_running(client: httpx.AsyncClient) -> None:
    headers = {"idempotency-key": "flaky"}
    assert (await client.post("/create", json={"fail_first": True}, headers=headers)).status_code == 500
    retried = await client.post("/create", json={"fail_first": True}, headers=headers)
    assert (retried.status_code, retried.json()) == (201, {"run": 2})

    slow = asyncio.create_task(client.post("/create", json={"wait": True}, headers={"idempotency-key": "slow"}))
    runtime = client._transport.app.state.runtime  # type: ignore[attr-defined]

    async def claimed() -> bool:  # the slow request holds its key ("flaky" is the other record)
        return len(await runtime.adapters.state.keys("stepkit-idempotency")) == 2

    await eventually(claimed, what="the slow request to claim its key")
    busy = await client.post("/create", json={"wait": True}, headers={"idempotency-key": "slow"})
    assert_json_error(busy, 409, "still running")
    await runtime.adapters.state.set("control", "release", True)
    assert (await slow).status_code == 201
