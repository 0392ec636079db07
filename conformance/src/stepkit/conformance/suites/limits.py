"""Size-limit clauses (``state.size_limit``, ``events.size_limit``).

They apply only where the adapter's config model has a size-limit field: a
field whose name starts with ``max_`` and ends with ``_bytes`` (e.g.
``max_value_bytes``, ``max_message_bytes``). The suite lowers it to at most
:data:`TEST_LIMIT` bytes through ``from_config`` so values stay small.
"""

from __future__ import annotations

import re

import pytest

from stepkit.conformance.harness import Harness
from stepkit.core import Adapter, ValueTooLargeError
from stepkit.core.config import AdapterConfig

TEST_LIMIT = 4096
"""The largest limit the suite tests with (a lower configured limit is kept)."""


def size_limit_field(config_model: type[AdapterConfig]) -> str | None:
    """The config's size-limit field (``max_*_bytes``), or ``None``."""
    for name in config_model.model_fields:
        if name.startswith("max_") and name.endswith("_bytes"):
            return name
    return None


def require_size_limit(harness: Harness) -> str:
    """The size-limit field of the adapter under test; the test is ``n/a`` (with the reason) without one."""
    model = harness.target.adapter_class.config_model
    field = size_limit_field(model)
    if field is None:
        pytest.skip(
            f"n/a: {harness.target.adapter_class.__name__}'s config ({model.__name__}) has no size-limit field "
            "(max_*_bytes), so there is no limit to check"
        )
    return field


def with_test_limit(harness: Harness, adapter: Adapter, field: str) -> tuple[Adapter, int]:
    """``adapter`` itself, or a clone from its config with ``field`` lowered to :data:`TEST_LIMIT`."""
    configured = getattr(adapter.config, field)
    assert isinstance(configured, int), f"{field} must be an int number of bytes, got {configured!r}"
    if configured <= TEST_LIMIT:
        return adapter, configured
    clone = harness.adopt(type(adapter).from_config({**adapter.config.model_dump(), field: TEST_LIMIT}))
    return clone, TEST_LIMIT


def over(limit: int) -> str:
    """A string whose JSON encoding is ``limit + 1`` bytes."""
    return "x" * (limit - 1)


def under(limit: int) -> str:
    """A string whose JSON encoding is well under ``limit`` bytes."""
    return "y" * (limit * 3 // 4)


def check_message(error: ValueTooLargeError, limit: int, what: str) -> None:
    """The error names the limit and the (larger) size."""
    message = str(error)
    numbers = [int(n) for n in re.findall(r"\d+", message)]
    assert limit in numbers, f"{what}: ValueTooLargeError does not state the limit {limit}: {message!r}"
    assert any(n > limit for n in numbers), f"{what}: ValueTooLargeError does not state the size: {message!r}"


__all__ = ["TEST_LIMIT", "check_message", "over", "require_size_limit", "size_limit_field", "under", "with_test_limit"]
