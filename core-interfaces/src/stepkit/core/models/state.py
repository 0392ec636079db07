"""State item and filter models."""

from __future__ import annotations

import enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class FilterOperator(enum.StrEnum):
    """The twelve filter operators Motia ships."""

    EQ = "eq"
    NEQ = "neq"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    CONTAINS = "contains"
    NOT_CONTAINS = "notContains"
    STARTS_WITH = "startsWith"
    ENDS_WITH = "endsWith"
    IS_NULL = "isNull"
    IS_NOT_NULL = "isNotNull"


class StateFilter(BaseModel):
    """One condition of ``StateAdapter.items``.

    ``value_key`` (alias ``valueKey``) names a top-level field of a dict value;
    when it is ``None`` the condition applies to the value itself. The exact
    semantics of each operator are those of :func:`stepkit.core.filtering.matches`.
    """

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid")

    value_key: str | None = Field(default=None, alias="valueKey")
    operator: FilterOperator
    value: Any = None


class StateItem(BaseModel):
    """One stored state entry."""

    model_config = ConfigDict(frozen=True)

    group_id: str
    key: str
    value: Any


__all__ = ["FilterOperator", "StateFilter", "StateItem"]
