"""Size limit: a value over the configured ``max_*_bytes`` is refused up front, with its numbers."""

from __future__ import annotations

import pytest

from stepkit.conformance.harness import Harness, scenario
from stepkit.conformance.suites.common import assert_json_equal
from stepkit.conformance.suites.limits import check_message, over, require_size_limit, under, with_test_limit
from stepkit.core import AdapterSerializationError, StateAdapter, ValueTooLargeError

pytestmark = [pytest.mark.state, pytest.mark.core]


@pytest.mark.clause("state.size_limit")
@scenario
async def test_state_size_limit_checked_before_writing(harness: Harness) -> None:
    field = require_size_limit(harness)
    built, limit = with_test_limit(harness, await harness.state(), field)
    assert isinstance(built, StateAdapter)
    state = built
    await state.set("size", "existing", "old")
    too_big = over(limit)
    for what, call in (
        ("set over an existing key", lambda: state.set("size", "existing", too_big)),
        ("set of a new key", lambda: state.set("size", "new", too_big)),
        ("set_many", lambda: state.set_many("size", {"fresh": 1, "new": too_big})),
    ):
        with pytest.raises(ValueTooLargeError) as refused:
            await call()
        assert isinstance(refused.value, AdapterSerializationError)
        check_message(refused.value, limit, f"{what} with {field}={limit}")
    assert await state.get("size", "existing") == "old", "a value over the size limit overwrote the old one"
    assert await state.exists("size", "new") is False, "a value over the size limit was written"
    assert await state.exists("size", "fresh") is False, "set_many wrote part of a mapping over the size limit"
    fits = under(limit)
    await state.set("size", "under", fits)
    assert_json_equal(await state.get("size", "under"), fits, f"a value under {field}={limit}")
