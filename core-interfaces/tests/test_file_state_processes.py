"""The file state adapter across OS processes, and its crash safety."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest

from stepkit.core.defaults.atomic_file import TEMP_PREFIX, read_or_none, write_atomic
from stepkit.core.defaults.file_state import FileStateAdapter
from stepkit.core.errors import AdapterSerializationError, AdapterUnavailableError


def _bump_many(directory: str, namespace: str, count: int) -> None:
    async def run() -> None:
        async with FileStateAdapter({"directory": directory, "namespace": namespace, "operation_timeout": 30}) as state:
            for _ in range(count):
                await state.update("g", "counter", lambda v: (v or 0) + 1)
            await state.set("g", f"pid-{os.getpid()}", True)

    asyncio.run(run())


def test_two_processes_count_exactly(tmp_path: Path, namespace: str) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_bump_many, args=(str(tmp_path), namespace, 40)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0

    async def check() -> None:
        async with FileStateAdapter({"directory": tmp_path, "namespace": namespace}) as state:
            assert await state.get("g", "counter") == 80
            assert len([k for k in await state.keys("g") if k.startswith("pid-")]) == 2

    asyncio.run(check())


def test_failed_write_keeps_old_content(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    write_atomic(target, b"old")

    class Crash(Exception):
        pass

    real_replace = os.replace

    def crash(*args: Any) -> None:
        raise Crash

    os.replace = crash  # type: ignore[assignment]
    try:
        with pytest.raises(Crash):
            write_atomic(target, b"new")
    finally:
        os.replace = real_replace
    assert read_or_none(target) == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]


async def test_leftover_temp_files_are_ignored(tmp_path: Path, namespace: str) -> None:
    async with FileStateAdapter({"directory": tmp_path, "namespace": namespace}) as state:
        await state.set("g", "k", 1)
        root = state.config.namespace_root("state")  # type: ignore[attr-defined]
        (root / f"{TEMP_PREFIX}crashed").write_bytes(b'{"group": "g", "entr')
        assert await state.group_ids() == ["g"]
        assert await state.get("g", "k") == 1


async def test_corrupt_file_is_a_serialization_error(tmp_path: Path, namespace: str) -> None:
    async with FileStateAdapter({"directory": tmp_path, "namespace": namespace}) as state:
        await state.set("g", "k", 1)
        root = state.config.namespace_root("state")  # type: ignore[attr-defined]
        [data_file] = list(root.glob("g-*.json"))
        data_file.write_text("{not json")
        with pytest.raises(AdapterSerializationError, match=str(data_file.name)):
            await state.get("g", "k")
        data_file.write_text('{"group": 1, "entries": {}}')
        with pytest.raises(AdapterSerializationError, match="not a stepkit group file"):
            await state.get("g", "k")


async def test_unwritable_directory_is_unavailable(tmp_path: Path, namespace: str) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    async with FileStateAdapter({"directory": blocker, "namespace": namespace, "operation_timeout": 1}) as state:
        with pytest.raises(AdapterUnavailableError):
            await state.set("g", "k", 1)
        with pytest.raises(AdapterUnavailableError):
            await state.get("g", "k")


async def test_held_lock_times_out_as_unavailable(tmp_path: Path, namespace: str) -> None:
    from filelock import FileLock

    async with FileStateAdapter({"directory": tmp_path, "namespace": namespace, "operation_timeout": 0.2}) as state:
        await state.set("g", "k", 1)
        root = state.config.namespace_root("state")  # type: ignore[attr-defined]
        [lock_path] = list((root / ".locks").iterdir())
        holder = FileLock(lock_path, thread_local=False)
        holder.acquire()
        try:
            with pytest.raises(AdapterUnavailableError):
                await state.set("g", "k", 2)
        finally:
            holder.release()
        assert await state.get("g", "k") == 1
        await state.set("g", "k", 3)
        assert await state.get("g", "k") == 3
