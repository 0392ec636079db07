"""The base configuration model of every adapter, buildable from the environment."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from stepkit.core.deadline import DEFAULT_TIMEOUT
from stepkit.core.errors import AdapterConfigurationError
from stepkit.core.identifiers import validate_identifier


def describe_validation_error(model: str, exc: ValidationError, source: str = "") -> str:
    """One readable line per problem: which field, which rule, which input."""
    lines = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "(model)"
        lines.append(f"{where}: {error['msg']} (got {error.get('input')!r})")
    origin = f" from {source}" if source else ""
    return f"invalid {model} configuration{origin}: " + "; ".join(lines)


class AdapterConfig(BaseModel):
    """Settings shared by every adapter.

    * ``namespace``: instances with the same namespace on the same backend are
      one logical store; different namespaces never see each other's data.
    * ``operation_timeout``: seconds after which any backend call fails with
      ``AdapterUnavailableError`` instead of hanging.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    namespace: str = Field(default="stepkit", description="Logical store name.")
    operation_timeout: float = Field(default=DEFAULT_TIMEOUT, gt=0, le=3600)

    @field_validator("namespace")
    @classmethod
    def _namespace_is_identifier(cls, value: str) -> str:
        return validate_identifier(value, "namespace")

    @classmethod
    def build(cls, data: Mapping[str, Any] | BaseModel | None = None, **overrides: Any) -> Self:
        """Validate settings into this model.

        Raises:
            AdapterConfigurationError: naming each bad field and its rule.
        """
        if isinstance(data, cls) and not overrides:
            return data
        raw: dict[str, Any] = {}
        if isinstance(data, BaseModel):
            raw.update(data.model_dump(exclude_unset=True))
        elif data is not None:
            raw.update(data)
        raw.update(overrides)
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            raise AdapterConfigurationError(describe_validation_error(cls.__name__, exc)) from exc

    @classmethod
    def from_env(cls, prefix: str, environ: Mapping[str, str] | None = None) -> Self:
        """Read each field ``name`` from ``{prefix}{NAME}``.

        Values are parsed as JSON when they parse (numbers, booleans, objects),
        else taken as strings. Unset variables keep the field's default.

        Raises:
            AdapterConfigurationError: naming the variable and the rule it breaks.
        """
        env = os.environ if environ is None else environ
        raw: dict[str, Any] = {}
        for field_name, field in cls.model_fields.items():
            variable = f"{prefix}{field_name.upper()}"
            if variable in env:
                raw[field_name] = _parse_env_value(env[variable], field.annotation)
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            raise AdapterConfigurationError(
                describe_validation_error(cls.__name__, exc, f"environment variables {prefix}*")
            ) from exc


def _parse_env_value(text: str, annotation: Any) -> Any:
    """Strings stay strings; JSON objects and arrays are decoded for structured fields.

    Numbers and booleans are left as text: pydantic's lax mode parses them.
    """
    if annotation is str or not text.lstrip().startswith(("{", "[")):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


__all__ = ["AdapterConfig", "describe_validation_error"]
