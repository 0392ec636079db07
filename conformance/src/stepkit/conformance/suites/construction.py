"""Construction clauses (``<kind>.construction``): an adapter rebuilt from its config or the environment.

``rebuild`` builds two more instances of the adapter under test, one from
``type(adapter).from_config(adapter.config.model_dump())`` and one from
``type(adapter).from_env(prefix)`` with every config field exported as
``{prefix}{FIELD}``, checks both carry the same config, and checks that a bad
``operation_timeout`` is refused with ``AdapterConfigurationError`` naming the
field. The kind's test then checks the rebuilt instances see the same data.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any, TypeVar

import pytest
from pydantic import SecretStr

from stepkit.conformance.harness import Harness
from stepkit.core import Adapter, AdapterConfigurationError
from stepkit.core.config import AdapterConfig

A = TypeVar("A", bound=Adapter)

BAD_FIELD = "operation_timeout"
BAD_VALUE = -1


def env_prefix() -> str:
    """A prefix no other test (or the user's environment) uses."""
    return f"STEPKIT_CONFORMANCE_{uuid.uuid4().hex[:8].upper()}_"


def env_for(config: AdapterConfig, prefix: str) -> dict[str, str]:
    """Every set field of ``config`` as ``{prefix}{FIELD}`` text, the way a user would export it.

    Strings as they are, secrets revealed, numbers and booleans as JSON
    scalars, structured values as JSON; ``None`` fields are left unset.
    """
    dumped: Mapping[str, Any] = config.model_dump(mode="json")
    env: dict[str, str] = {}
    for name in type(config).model_fields:
        raw = getattr(config, name)
        if raw is None:
            continue
        value = raw.get_secret_value() if isinstance(raw, SecretStr) else dumped[name]
        env[f"{prefix}{name.upper()}"] = value if isinstance(value, str) else json.dumps(value)
    return env


def _names_field(exc: BaseException, field: str) -> bool:
    text = str(exc)
    return field in text or field.upper() in text


async def rebuild(harness: Harness, adapter: A, monkeypatch: pytest.MonkeyPatch) -> list[A]:
    """``[from_config clone, from_env clone]`` of ``adapter`` (tracked, closed at teardown)."""
    cls = type(adapter)
    config = adapter.config
    dump = config.model_dump()

    from_config = harness.adopt(cls.from_config(dump))
    assert from_config.config == config, (
        f"{cls.__name__}.from_config(config.model_dump()) built another config: {from_config.config!r} != {config!r}"
    )

    prefix = env_prefix()
    env = env_for(config, prefix)
    parsed = cls.config_model.from_env(prefix, env)
    assert parsed == config, (
        f"{cls.config_model.__name__}.from_env({prefix!r}, {env!r}) gave {parsed!r}, not {config!r}"
    )
    for variable, text in env.items():
        monkeypatch.setenv(variable, text)
    from_env = harness.adopt(cls.from_env(prefix))
    assert from_env.config == config, f"{cls.__name__}.from_env({prefix!r}) built another config: {from_env.config!r}"

    with pytest.raises(AdapterConfigurationError) as refused:
        cls.from_config({**dump, BAD_FIELD: BAD_VALUE})
    assert _names_field(refused.value, BAD_FIELD), f"the configuration error does not name {BAD_FIELD}: {refused.value}"
    monkeypatch.setenv(f"{prefix}{BAD_FIELD.upper()}", str(BAD_VALUE))
    with pytest.raises(AdapterConfigurationError) as refused_env:
        cls.from_env(prefix)
    assert _names_field(refused_env.value, BAD_FIELD), (
        f"the configuration error from the environment does not name {BAD_FIELD}: {refused_env.value}"
    )
    return [from_config, from_env]


__all__ = ["BAD_FIELD", "BAD_VALUE", "env_for", "env_prefix", "rebuild"]
