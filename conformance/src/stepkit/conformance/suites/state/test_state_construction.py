"""Construction: rebuilt from its config dump or the environment, a state adapter is the same store."""

from __future__ import annotations

import pytest

from stepkit.conformance.harness import Harness
from stepkit.conformance.suites.common import assert_json_equal
from stepkit.conformance.suites.construction import rebuild

pytestmark = [pytest.mark.state, pytest.mark.core]


@pytest.mark.clause("state.construction")
def test_state_construction_from_config_and_env(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    async def check() -> None:
        state = await harness.state()
        await state.set("construct", "k", {"v": [1, "two"]})
        for n, clone in enumerate(await rebuild(harness, state, monkeypatch)):
            how = ("from_config", "from_env")[n]
            assert_json_equal(await clone.get("construct", "k"), {"v": [1, "two"]}, f"get on an instance built {how}")
            await clone.set("construct", f"from-{how}", n)
            assert_json_equal(await state.get("construct", f"from-{how}"), n, f"a write by an instance built {how}")

    harness.run(check())
