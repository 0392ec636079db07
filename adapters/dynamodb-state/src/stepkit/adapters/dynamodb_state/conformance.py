"""Conformance hook: the suite builds :class:`DynamoDBStateAdapter` on its moto server (no eager connect)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stepkit.adapters.dynamodb_state.adapter import DynamoDBStateAdapter

if TYPE_CHECKING:
    from stepkit.conformance import ConformanceContext


def factory(ctx: ConformanceContext) -> DynamoDBStateAdapter:
    """A DynamoDB state adapter on the suite's DynamoDB endpoint, in the test's namespace.

    Every instance shares the default table (``stepkit-state``), created on first use.
    """
    return DynamoDBStateAdapter(
        {
            "url": ctx.service("dynamodb").url,
            "namespace": ctx.namespace,
            "operation_timeout": ctx.operation_timeout,
        }
    )


factory.requires_services = ("dynamodb",)  # type: ignore[attr-defined]

__all__ = ["factory"]
