"""SIGTERM on a ``stepkit start`` process: in-flight HTTP and event handlers finish, then it exits."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import httpx
from process_harness import StepkitProcess
from runtime_testing import write_app

from stepkit.core.defaults.file_state import FileStateAdapter

APP = {
    "steps/slow_api_step.py": """
        import asyncio
        config = {"type": "api", "name": "SlowApi", "path": "/slow", "method": "POST", "emits": ["work"]}
        async def handler(req, ctx):
            await ctx.emit({"topic": "work", "data": req.body})
            await asyncio.sleep(1.5)
            return {"status": 200, "body": {"finished": True}}
    """,
    "steps/slow_worker_step.py": """
        import asyncio
        config = {"type": "event", "name": "SlowWorker", "subscribes": ["work"]}
        async def handler(data, ctx):
            await ctx.state.set("work", "started", True)
            await asyncio.sleep(2)
            await ctx.state.set("work", "done", data)
    """,
}


def test_sigterm_finishes_in_flight_work_then_exits(tmp_path: Path) -> None:
    app = write_app(tmp_path / "app", APP)
    state_dir = tmp_path / "state"
    env = {"STEPKIT_STATE_ADAPTER": "file", "STEPKIT_STATE_DIRECTORY": str(state_dir)}
    server = StepkitProcess(app, env, tmp_path / "stepkit.log")
    server.start()
    try:
        server.wait_ready()
        with httpx.Client(base_url=server.url, timeout=30) as client:
            result: dict[str, httpx.Response] = {}
            request = threading.Thread(target=lambda: result.setdefault("r", client.post("/slow", json={"n": 1})))
            request.start()
            state = FileStateAdapter({"directory": str(state_dir)})

            async def started() -> bool:
                return bool(await state.get("work", "started"))

            end = time.monotonic() + 20
            while not asyncio.run(started()):
                assert time.monotonic() < end, server.log()
                time.sleep(0.05)
            code = server.terminate()
            request.join(timeout=30)
        assert result["r"].status_code == 200, server.log()
        assert result["r"].json() == {"finished": True}
        assert asyncio.run(state.get("work", "done")) == {"n": 1}, server.log()
        assert code in (0, -15), server.log()
        assert '"msg": "runtime stopped"' in server.log()
    finally:
        server.kill()
