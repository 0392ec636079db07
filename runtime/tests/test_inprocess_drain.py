"""Point 6: on shutdown the in-process event adapter drains its queues within the bound, logging what was left."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import httpx
import pytest
from process_harness import StepkitProcess
from runtime_testing import write_app

from stepkit.core.defaults.file_state import FileStateAdapter
from stepkit.core.defaults.inprocess_events import InProcessEventAdapter
from stepkit.core.models.events import Event, QueueConfig
from stepkit.core.protocols.events import EventHandler


def slow_handler(seconds: float, handled: list[object]) -> EventHandler:
    async def handle(event: Event) -> None:
        await asyncio.sleep(seconds)
        handled.append(event.data)

    return handle


async def test_drain_handles_every_queued_event_within_the_bound(namespace: str) -> None:
    adapter = InProcessEventAdapter({"namespace": namespace})
    handled: list[object] = []
    await adapter.subscribe("work", "worker", slow_handler(0.01, handled), QueueConfig(concurrency=1))
    for n in range(20):
        await adapter.emit(Event(topic="work", data=n))
    assert await adapter.drain(30) == 0
    assert sorted(handled) == list(range(20))  # type: ignore[type-var]
    await adapter.close()


async def test_drain_and_close_log_what_was_left(namespace: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="stepkit.core.defaults.events")
    adapter = InProcessEventAdapter({"namespace": namespace, "drain_timeout": 0.1})
    handled: list[object] = []
    await adapter.subscribe("work", "worker", slow_handler(0.2, handled), QueueConfig(concurrency=1))
    for n in range(10):
        await adapter.emit(Event(topic="work", data=n))
    left = await adapter.drain(0.3)
    assert 0 < left <= 10 - len(handled)
    await adapter.close()
    errors = [record.getMessage() for record in caplog.records]
    assert any(m.startswith("drain bound of 0.3s reached: group 'worker' on topic 'work' still has") for m in errors)
    assert any("still queued and no member left to handle them; they are lost" in m for m in errors), errors


APP = {
    "steps/burst_step.py": """
        config = {"type": "api", "name": "Burst", "path": "/burst", "method": "POST", "emits": ["work"]}
        async def handler(req, ctx):
            for n in range(req.body["count"]):
                await ctx.emit({"topic": "work", "data": {"n": n}})
            return {"status": 202}
    """,
    "steps/worker_step.py": """
        import asyncio
        config = {"type": "event", "name": "Worker", "subscribes": ["work"],
                  "infrastructure": {"queue": {"concurrency": 1}}}
        async def handler(data, ctx):
            await asyncio.sleep(0.1)
            await ctx.state.set("done", str(data["n"]), True)
    """,
}


@pytest.mark.parametrize(("count", "bound", "all_done"), [(10, 20, True), (60, 1, False)], ids=["drained", "bounded"])
def test_sigterm_drains_queued_events_or_logs_what_was_left(
    tmp_path: Path, count: int, bound: int, all_done: bool
) -> None:
    app = write_app(tmp_path / "app", APP)
    state_dir = tmp_path / "state"
    env = {
        "STEPKIT_STATE_ADAPTER": "file",
        "STEPKIT_STATE_DIRECTORY": str(state_dir),
        "STEPKIT_SHUTDOWN_TIMEOUT_SECONDS": str(bound),
    }
    server = StepkitProcess(app, env, tmp_path / "stepkit.log")
    server.start()
    try:
        server.wait_ready()
        assert httpx.post(f"{server.url}/burst", json={"count": count}, timeout=30).status_code == 202
        assert server.terminate(timeout=60) in (0, -15), server.log()
    finally:
        server.kill()
    done = asyncio.run(FileStateAdapter({"directory": str(state_dir)}).get_group("done"))
    lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    lost = [line for line in lines if line["msg"].startswith("shutdown bound reached with in-process events")]
    if all_done:
        assert len(done) == count, server.log()
        assert lost == []
    else:
        assert 0 < len(done) < count, server.log()
        [report] = lost
        assert report["level"] == "error"
        # Counted at the bound: queued plus in flight (an in-flight handler may still finish while unsubscribing).
        assert report["count"] - (count - len(done)) in (0, 1), server.log()
    assert any(line["msg"] == "runtime stopped" for line in lines)
