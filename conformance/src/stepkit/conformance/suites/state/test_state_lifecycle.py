"""Lifecycle: ``async with``, idempotent ``close()``, closed adapters refuse work."""

from __future__ import annotations

import pytest

from stepkit.conformance.harness import Harness, scenario
from stepkit.core import AdapterClosedError

pytestmark = [pytest.mark.state, pytest.mark.core]


@pytest.mark.clause("state.lifecycle")
@scenario
async def test_state_close_is_idempotent_and_final(harness: Harness) -> None:
    state = await harness.state()
    async with state as entered:
        assert entered is state
        await entered.set("life", "k", 1)
    assert state.closed
    clone = type(state).from_config(state.config.model_dump())
    assert clone.config == state.config, "an adapter rebuilt from its config dump has another config"
    await clone.close()
    await state.close()
    with pytest.raises(AdapterClosedError):
        await state.get("life", "k")
    other = await harness.state()
    assert await other.get("life", "k") == 1, "closing one instance lost data"
    assert await other.is_healthy() is True
