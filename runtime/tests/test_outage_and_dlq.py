"""Point 1: a backend outage inside an event handler does not dead-letter; dead letters are loud; ``stepkit dlq``."""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path

import pytest
from runtime_testing import default_adapters, eventually, write_app

import stepkit.adapters.rabbitmq_events
import stepkit.adapters.redis_state  # noqa: F401  (selected by name)
from stepkit.conformance.services import ServiceProvider
from stepkit.core.backoff import Backoff
from stepkit.core.errors import AdapterUnavailableError
from stepkit.core.models.events import Event, QueueConfig
from stepkit.core.protocols.events import EventAdapter
from stepkit.core.protocols.state import StateAdapter
from stepkit.core.registry import create_adapter
from stepkit.runtime.cli import main
from stepkit.runtime.config import RuntimeSettings
from stepkit.runtime.outage import retry_through_outage
from stepkit.runtime.runtime import Runtime
from stepkit.runtime.tracing import child_of
from stepkit.runtime.validation import load_steps

FAST = Backoff(initial_seconds=0.01, multiplier=1.0, max_seconds=0.01, jitter=0.0)
LOG = logging.getLogger("stepkit.test.outage")


async def test_unavailable_errors_are_retried_in_place_until_the_budget_is_spent() -> None:
    calls: list[int] = []

    async def flaky() -> None:
        calls.append(1)
        if len(calls) < 3:
            raise AdapterUnavailableError("down")

    await retry_through_outage(flaky, 5.0, LOG, {}, FAST)
    assert len(calls) == 3

    async def down() -> None:
        raise AdapterUnavailableError("still down")

    with pytest.raises(AdapterUnavailableError, match="still down"):
        await retry_through_outage(down, 0.05, LOG, {}, FAST)

    async def broken() -> None:
        calls.append(1)
        raise ValueError("a bug, not an outage")

    calls.clear()
    with pytest.raises(ValueError, match="a bug"):
        await retry_through_outage(broken, 5.0, LOG, {}, FAST)
    assert len(calls) == 1


OUTAGE_APP = {
    "steps/emit_step.py": """
        config = {"type": "noop", "name": "Source", "emits": ["work"]}
    """,
    "steps/store_step.py": """
        config = {"type": "event", "name": "Store", "subscribes": ["work"],
                  "infrastructure": {"queue": {"maxRetries": 0, "backoff": {"initialSeconds": 0.1}}}}
        async def handler(data, ctx):
            await ctx.state.set("stored", str(data["n"]), data)
    """,
}


async def test_a_redis_restart_inside_handlers_dead_letters_nothing(
    stepkit_services: ServiceProvider, tmp_path: Path, namespace: str, caplog: pytest.LogCaptureFixture
) -> None:
    """maxRetries 0: without in-place outage retries every event met by the outage would be dead-lettered."""
    redis = stepkit_services.get("redis", dedicated=True)
    app = write_app(tmp_path, OUTAGE_APP)
    adapters = default_adapters(namespace)
    state = create_adapter(
        "state", "redis", {"url": redis.endpoint.url, "namespace": namespace, "operation_timeout": 1}
    )
    assert isinstance(state, StateAdapter)
    adapters.state = state
    runtime = Runtime(load_steps(app), adapters, RuntimeSettings(outage_budget_seconds=60), app_dir=app)
    caplog.set_level(logging.WARNING, logger="stepkit")
    await runtime.start()
    try:
        [source] = [step for step in runtime.steps if step.name == "Source"]
        ctx = runtime.services.context(source, child_of(None))
        await asyncio.to_thread(redis.stop)
        for n in range(20):
            await ctx.emit({"topic": "work", "data": {"n": n}})
        await asyncio.sleep(2)  # handlers meet the outage (a wait, not an assertion)
        await asyncio.to_thread(redis.start)

        async def all_stored() -> bool:
            return len(await state.get_group("stored")) == 20

        await eventually(all_stored, 60, "every event stored after the restart")
        assert await adapters.events.dlq_count("work", "Store") == 0
        messages = [record.getMessage() for record in caplog.records]
        assert any("retrying in place" in message for message in messages), "the handlers never met the outage"
        assert not any("dead-lettered" in message for message in messages)
    finally:
        await runtime.stop()


async def test_dead_lettering_is_logged_at_error_and_retries_at_warning(
    tmp_path: Path, namespace: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = write_app(
        tmp_path,
        {
            "steps/emit_step.py": 'config = {"type": "noop", "name": "Source", "emits": ["poison"]}\n',
            "steps/fail_step.py": """
                config = {"type": "event", "name": "Fail", "subscribes": ["poison"],
                          "infrastructure": {"queue": {"maxRetries": 1,
                                                       "backoff": {"initialSeconds": 0.05, "maxSeconds": 0.05}}}}
                async def handler(data, ctx):
                    raise ValueError("poisoned")
            """,
        },
    )
    runtime = Runtime(load_steps(app), default_adapters(namespace), RuntimeSettings(), app_dir=app)
    await runtime.start()
    caplog.set_level(logging.WARNING, logger="stepkit")
    try:
        [source] = [step for step in runtime.steps if step.name == "Source"]
        await runtime.services.context(source, child_of(None)).emit({"topic": "poison", "data": 1})

        async def dead() -> bool:
            return await runtime.adapters.events.dlq_count("poison", "Fail") == 1

        await eventually(dead, 10, "the poisoned event to be dead-lettered")
    finally:
        await runtime.stop()
    mine = [r for r in caplog.records if r.name == "stepkit.events"]
    assert [r.levelno for r in mine] == [logging.WARNING, logging.ERROR], [r.getMessage() for r in mine]
    assert "will be redelivered" in mine[0].getMessage()
    assert "dead-lettered" in mine[1].getMessage()


async def test_cli_dlq_counts_lists_and_redrives(
    stepkit_services: ServiceProvider,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = stepkit_services.get("rabbitmq").endpoint.url
    namespace = f"dlq{uuid.uuid4().hex[:10]}"
    app = write_app(
        tmp_path,
        {
            "steps/consume_step.py": """
            config = {"type": "event", "name": "Consume", "subscribes": ["jobs"]}
            async def handler(data, ctx):
                pass
        """
        },
    )
    events = create_adapter("events", "rabbitmq", {"url": url, "namespace": namespace})
    assert isinstance(events, EventAdapter)

    async def poisoned(event: Event) -> None:
        raise ValueError("poisoned")

    try:
        queue = QueueConfig(max_retries=0, backoff=Backoff(initial_seconds=0.05, max_seconds=0.05))
        subscription = await events.subscribe("jobs", "Consume", poisoned, queue)
        await events.emit(Event(topic="jobs", data={"n": 1}))

        async def dead() -> bool:
            return await events.dlq_count("jobs", "Consume") == 1

        await eventually(dead, 30, "the event to be dead-lettered")
        await events.unsubscribe(subscription)
        for name, value in {"ADAPTER": "rabbitmq", "URL": url, "NAMESPACE": namespace}.items():
            monkeypatch.setenv(f"STEPKIT_EVENTS_{name}", value)
        capsys.readouterr()
        assert await asyncio.to_thread(main, ["dlq", "count", "jobs", "Consume", "--app", str(app)]) == 0
        assert capsys.readouterr().out.strip() == "1"
        assert await asyncio.to_thread(main, ["dlq", "list", "--app", str(app)]) == 0
        listed = capsys.readouterr().out.splitlines()
        assert listed[0].split() == ["TOPIC", "SUBSCRIBER", "DEAD-LETTERED"]
        assert listed[1].split() == ["jobs", "Consume", "1"]
        assert "not listed" in listed[2]
        assert await asyncio.to_thread(main, ["dlq", "redrive", "jobs", "Consume", "--app", str(app)]) == 0
        assert "redrove 1 event(s)" in capsys.readouterr().out
        assert await events.dlq_count("jobs", "Consume") == 0
    finally:
        await events.close()


def test_cli_dlq_refuses_the_in_process_adapter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("STEPKIT_EVENTS_ADAPTER", raising=False)
    assert main(["dlq", "count", "jobs", "Consume", "--app", str(tmp_path)]) == 2
    assert "keeps its dead letters inside the serving process" in capsys.readouterr().err
    assert main(["dlq", "redrive", "jobs", "--app", str(tmp_path)]) == 2
    assert "needs TOPIC and SUBSCRIBER" in capsys.readouterr().err
