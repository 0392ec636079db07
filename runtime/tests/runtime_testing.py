"""Test helpers: write throwaway apps and build runtimes on the default adapters."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from stepkit.core.protocols.cron import CronAdapter
from stepkit.core.protocols.events import EventAdapter
from stepkit.core.protocols.state import StateAdapter
from stepkit.core.protocols.streams import StreamAdapterManager
from stepkit.core.registry import create_adapter
from stepkit.runtime.config import Adapters, RuntimeSettings
from stepkit.runtime.runtime import Runtime
from stepkit.runtime.validation import load_steps


def write_app(root: Path, files: dict[str, str]) -> Path:
    """Create an app directory with the given files (paths relative to the app, code dedented)."""
    for relative, code in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(code))
    return root


def default_adapters(namespace: str, instance_id: str | None = None) -> Adapters:
    """The default adapters, isolated by ``namespace`` (instances with equal namespaces share)."""
    cron_config: dict[str, str] = {"namespace": namespace}
    if instance_id is not None:
        cron_config["instance_id"] = instance_id
    state = create_adapter("state", "memory", {"namespace": namespace})
    streams = create_adapter("streams", "memory", {"namespace": namespace})
    events = create_adapter("events", "inprocess", {"namespace": namespace})
    cron = create_adapter("cron", "local", cron_config)
    assert isinstance(state, StateAdapter)
    assert isinstance(streams, StreamAdapterManager)
    assert isinstance(events, EventAdapter)
    assert isinstance(cron, CronAdapter)
    return Adapters(state, streams, events, cron, {})


def runtime_for(app_dir: Path, namespace: str, **settings: float) -> Runtime:
    """A runtime of the app on isolated default adapters."""
    return Runtime(load_steps(app_dir), default_adapters(namespace), RuntimeSettings(**settings), app_dir=app_dir)


async def eventually(
    condition: Callable[[], Awaitable[bool]],
    timeout: float = 10.0,
    what: str = "condition",
    details: Callable[[], str] = str,
) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` (plus ``details()``) after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not await condition():
        if loop.time() > end:
            pytest.fail(f"timed out waiting for {what}\n{details()}")
        await asyncio.sleep(0.05)
