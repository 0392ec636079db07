"""Context rules (emit refusal, FIFO, trace propagation, logger) and HTTP (400/500/503/health)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from runtime_testing import eventually, runtime_for, write_app

from stepkit.core.errors import InvalidEventError
from stepkit.runtime.emitter import EmitRefusedError
from stepkit.runtime.http.app import build_app
from stepkit.runtime.log import JsonLineFormatter, StepLogger
from stepkit.runtime.runtime import Runtime
from stepkit.runtime.tracing import child_of, parse_traceparent

APP = {
    "steps/create_order_step.py": """
        from pydantic import BaseModel, Field
        class Order(BaseModel):
            item: str = Field(min_length=1)
            quantity: int = Field(gt=0)
        config = {"type": "api", "name": "CreateOrder", "path": "/orders", "method": "POST",
                  "bodySchema": Order, "emits": ["order.created"], "flows": ["orders"]}
        async def handler(req, ctx):
            await ctx.emit({"topic": "order.created", "data": {"item": req.body["item"]}})
            return {"status": 201, "body": {"trace_id": ctx.trace_id, "item": req.model.item},
                    "headers": {"x-step": ctx.step}}
    """,
    "steps/record_order_step.py": """
        config = {"type": "event", "name": "RecordOrder", "subscribes": ["order.created"], "flows": ["orders"]}
        async def handler(data, ctx):
            await ctx.state.set("orders", data["item"], {"trace_id": ctx.trace_id, "traceparent": ctx.traceparent})
            await ctx.streams.orders.set("all", data["item"], {"item": data["item"]})
    """,
    "steps/boom_step.py": """
        config = {"type": "api", "name": "Boom", "path": "/boom", "method": "GET"}
        async def handler(req, ctx):
            raise RuntimeError("secret internals")
    """,
    "steps/bad_return_step.py": """
        config = {"type": "api", "name": "BadReturn", "path": "/bad-return", "method": "GET"}
        async def handler(req, ctx):
            return "not a response"
    """,
    "steps/echo_step.py": """
        config = {"type": "api", "name": "Echo", "path": "/echo/{name}", "method": "GET"}
        async def handler(req, ctx):
            return {"status": 200, "body": {"name": req["pathParams"]["name"], "q": req.get("queryParams"),
                                            "agent": req.headers.get("x-agent")}}
    """,
    "steps/sneaky_step.py": """
        config = {"type": "api", "name": "Sneaky", "path": "/sneaky", "method": "POST", "emits": ["allowed"]}
        async def handler(req, ctx):
            await ctx.emit({"topic": "not.declared", "data": 1})
            return {"status": 200}
    """,
    "steps/fifo_consumer_step.py": """
        config = {"type": "event", "name": "FifoConsumer", "subscribes": ["ledger"],
                  "infrastructure": {"queue": {"type": "fifo"}}}
        async def handler(data, ctx):
            await ctx.state.set("ledger", str(data["n"]), data)
    """,
    "steps/fifo_producer_step.py": """
        config = {"type": "api", "name": "FifoProducer", "path": "/ledger", "method": "POST", "emits": ["ledger"]}
        async def handler(req, ctx):
            message = {"topic": "ledger", "data": req.body}
            if req.body.get("group"):
                message["messageGroupId"] = req.body["group"]
            await ctx.emit(message)
            return {"status": 202}
    """,
}


@pytest.fixture
async def runtime(tmp_path: Path, namespace: str) -> AsyncIterator[Runtime]:
    rt = runtime_for(write_app(tmp_path, APP), namespace)
    await rt.start()
    yield rt
    await rt.stop()


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(runtime, manage_lifecycle=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http


async def test_request_event_and_state_share_one_trace(client: httpx.AsyncClient, runtime: Runtime) -> None:
    incoming = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    response = await client.post("/orders", json={"item": "book", "quantity": 2}, headers={"traceparent": incoming})
    assert response.status_code == 201
    assert response.headers["x-step"] == "CreateOrder"
    assert response.json() == {"trace_id": "0af7651916cd43dd8448eb211c80319c", "item": "book"}
    assert response.headers["x-trace-id"] == "0af7651916cd43dd8448eb211c80319c"

    async def recorded() -> bool:
        return await runtime.adapters.state.get("orders", "book") is not None

    await eventually(recorded, what="the event step to record the order")
    stored = await runtime.adapters.state.get("orders", "book")
    assert stored["trace_id"] == "0af7651916cd43dd8448eb211c80319c"
    parent = parse_traceparent(stored["traceparent"])
    assert parent is not None
    assert parent.trace_id == "0af7651916cd43dd8448eb211c80319c"
    assert await runtime.adapters.streams.stream("orders").get("all", "book") == {"item": "book", "id": "book"}


async def test_a_trace_is_generated_when_absent(client: httpx.AsyncClient) -> None:
    response = await client.post("/orders", json={"item": "pen", "quantity": 1}, headers={"traceparent": "garbage"})
    trace = response.json()["trace_id"]
    assert len(trace) == 32
    assert response.headers["traceparent"].split("-")[1] == trace


async def test_body_schema_errors_give_400_and_skip_the_handler(client: httpx.AsyncClient, runtime: Runtime) -> None:
    response = await client.post("/orders", json={"item": "", "quantity": 0})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "request body does not match the schema"
    assert {tuple(error["loc"]) for error in body["errors"]} == {("item",), ("quantity",)}
    bad_json = await client.post("/orders", content=b"{not json", headers={"content-type": "application/json"})
    assert bad_json.status_code == 400
    assert bad_json.json()["error"] == "request body is not valid JSON"
    assert await runtime.adapters.state.get_group("orders") == {}


@pytest.mark.parametrize("path", ["/boom", "/bad-return"])
async def test_handler_failures_give_500_with_trace_and_no_internals(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 500
    body = response.json()
    assert body == {"error": "internal server error", "trace_id": response.headers["x-trace-id"]}
    assert "secret" not in response.text
    assert "Traceback" not in response.text


async def test_request_object_carries_params_query_and_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/echo/ada", params=[("a", "1"), ("b", "2"), ("b", "3")], headers={"x-agent": "t"})
    assert response.json() == {"name": "ada", "q": {"a": "1", "b": ["2", "3"]}, "agent": "t"}


async def test_emit_of_an_undeclared_topic_is_refused(runtime: Runtime) -> None:
    [step] = [s for s in runtime.steps if s.name == "Sneaky"]
    ctx = runtime.services.context(step, child_of(None))
    with pytest.raises(EmitRefusedError, match=r"step 'Sneaky' may not emit topic 'not.declared'.*declared: allowed"):
        await ctx.emit({"topic": "not.declared", "data": 1})
    with pytest.raises(EmitRefusedError, match="unknown keys"):
        await ctx.emit({"topic": "allowed", "payload": 1})
    with pytest.raises(EmitRefusedError, match="takes a dict with 'topic'"):
        await ctx.emit({"data": 1})


async def test_fifo_topics_need_a_message_group(client: httpx.AsyncClient, runtime: Runtime) -> None:
    [step] = [s for s in runtime.steps if s.name == "FifoProducer"]
    ctx = runtime.services.context(step, child_of(None))
    with pytest.raises(InvalidEventError, match=r"FIFO subscriber \(step 'FifoConsumer'\).*messageGroupId"):
        await ctx.emit({"topic": "ledger", "data": {"n": 1}})
    sent = await ctx.emit({"topic": "ledger", "data": {"n": 2}, "messageGroupId": "acct-1"})
    assert sent.message_group_id == "acct-1"

    async def handled() -> bool:
        return await runtime.adapters.state.get("ledger", "2") is not None

    await eventually(handled, what="the fifo consumer")
    assert (await client.post("/ledger", json={"n": 3})).status_code == 500
    assert (await client.post("/ledger", json={"n": 4, "group": "g"})).status_code == 202


async def test_health_reports_every_adapter(client: httpx.AsyncClient, runtime: Runtime) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["instance"] == runtime.instance_id
    assert body["adapters"] == {
        "state": {"adapter": "memory", "healthy": True},
        "streams": {"adapter": "memory", "healthy": True},
        "events": {"adapter": "inprocess", "healthy": True},
        "cron": {"adapter": "local", "healthy": True},
    }


async def test_shutting_down_refuses_new_requests_and_reports_degraded(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await runtime.begin_shutdown()
    response = await client.post("/orders", json={"item": "late", "quantity": 1})
    assert response.status_code == 503
    health = await client.get("/health")
    assert health.status_code == 503
    assert health.json()["accepting"] is False


def test_step_logger_writes_json_lines_with_trace_step_and_flows() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    logger = logging.getLogger("stepkit.step")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    try:
        StepLogger("CreateOrder", ["orders"], "abc").info("created", {"order": 7}, extra_field=object)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
    line: dict[str, Any] = json.loads(stream.getvalue().strip())
    assert line["msg"] == "created"
    assert line["level"] == "info"
    assert (line["trace_id"], line["step"], line["flows"], line["order"]) == ("abc", "CreateOrder", ["orders"], 7)
    assert "object" in line["extra_field"]
