"""File streams specifics: shared data across processes, events within one."""

from __future__ import annotations

import asyncio
import multiprocessing
from pathlib import Path

from core_testing import wait_for

from stepkit.core.capabilities import Capability
from stepkit.core.defaults.file_streams import FileStreamManager
from stepkit.core.models.streams import StreamEvent


def _write_items(directory: str, namespace: str) -> None:
    async def run() -> None:
        async with FileStreamManager({"directory": directory, "namespace": namespace}) as manager:
            for n in range(5):
                await manager.stream("s").set("g", f"child-{n}", {"n": n})

    asyncio.run(run())


async def test_data_is_shared_across_processes(tmp_path: Path, namespace: str) -> None:
    process = multiprocessing.get_context("spawn").Process(target=_write_items, args=(str(tmp_path), namespace))
    process.start()
    await asyncio.to_thread(process.join, 60)
    assert process.exitcode == 0
    async with FileStreamManager({"directory": tmp_path, "namespace": namespace}) as manager:
        items = await manager.stream("s").get_group("g")
    assert [i["n"] for i in items] == list(range(5))
    assert Capability.CROSS_PROCESS not in FileStreamManager.capabilities


async def test_events_cross_managers_with_equivalent_paths(tmp_path: Path, namespace: str) -> None:
    seen: list[StreamEvent] = []

    async def record(event: StreamEvent) -> None:
        seen.append(event)

    relative = tmp_path / "sub" / ".."
    async with (
        FileStreamManager({"directory": tmp_path, "namespace": namespace}) as reader,
        FileStreamManager({"directory": relative, "namespace": namespace}) as writer,
    ):
        await reader.stream("s").subscribe({"group_id": "g"}, record)
        (tmp_path / "sub").mkdir()
        await writer.stream("s").set("g", "1", {})
        await wait_for(lambda: len(seen) == 1)
        assert seen[0].type == "create"
