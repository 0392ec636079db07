"""Point 7: the messaging example generates ids itself, forwards only schema fields, counts idempotently."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from runtime_testing import default_adapters, eventually

from stepkit.runtime.config import RuntimeSettings
from stepkit.runtime.http.app import build_app
from stepkit.runtime.runtime import Runtime
from stepkit.runtime.tracing import child_of
from stepkit.runtime.validation import load_steps

APP = Path(__file__).resolve().parents[2] / "examples" / "messaging"


@pytest.fixture
async def runtime(namespace: str) -> AsyncIterator[Runtime]:
    rt = Runtime(load_steps(APP), default_adapters(namespace), RuntimeSettings(), app_dir=APP)
    await rt.start()
    yield rt
    await rt.stop()


async def test_ids_are_generated_by_the_server_and_only_schema_fields_are_forwarded(runtime: Runtime) -> None:
    transport = httpx.ASGITransport(app=build_app(runtime, manage_lifecycle=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        body = {"text": "hi", "sender": "ada", "id": "chosen-by-client", "handled_by": "me", "admin": True}
        response = await client.post("/messages", json=body)
        assert response.status_code == 202, response.text
        message_id = response.json()["id"]
        assert message_id != "chosen-by-client"

        async def stored() -> bool:
            return (await client.get(f"/messages/{message_id}")).status_code == 200

        await eventually(stored, what="the message to be processed")
        message = (await client.get(f"/messages/{message_id}")).json()
        assert message["id"] == message_id
        assert message["handled_by"] == runtime.instance_id
        assert "admin" not in message
        assert (await client.get("/messages/chosen-by-client")).status_code == 404


async def test_the_per_sender_counter_counts_a_redelivered_message_once(runtime: Runtime) -> None:
    [audit] = [step for step in runtime.steps if step.name == "AuditMessage"]
    assert audit.handler is not None
    message = {"id": "m1", "text": "hi", "sender": "ada", "delay_ms": 0}
    for _ in range(3):  # the same event delivered three times
        await audit.handler(message, runtime.services.context(audit, child_of(None)))
    await audit.handler({**message, "id": "m2"}, runtime.services.context(audit, child_of(None)))
    counted = await runtime.adapters.state.get("senders", "ada")
    assert counted == {"count": 2, "message_ids": ["m1", "m2"]}
    assert await runtime.adapters.state.get("message-handling", "AuditMessage:m1") == 3  # deliveries, by design
