"""Construction: rebuilt from its config dump or the environment, a stream manager is the same store."""

from __future__ import annotations

import pytest

from stepkit.conformance.harness import Harness
from stepkit.conformance.suites.common import assert_json_equal
from stepkit.conformance.suites.construction import rebuild

pytestmark = [pytest.mark.streams, pytest.mark.core]


@pytest.mark.clause("streams.construction")
def test_streams_construction_from_config_and_env(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    async def check() -> None:
        manager = await harness.streams()
        await manager.stream("construct").set("g", "item", {"v": 1})
        for n, clone in enumerate(await rebuild(harness, manager, monkeypatch)):
            how = ("from_config", "from_env")[n]
            seen = await clone.stream("construct").get("g", "item")
            assert seen is not None, f"an instance built {how} does not see an existing item"
            assert_json_equal(seen.get("v"), 1, f"item seen by an instance built {how}")
            await clone.stream("construct").set("g", f"from-{how}", {"v": n})
            mine = await manager.stream("construct").get("g", f"from-{how}")
            assert mine is not None, f"an item set by an instance built {how} is not seen by the original"

    harness.run(check())
