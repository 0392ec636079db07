"""What every kind's state machine shares: instances on one fresh namespace, a bounded runner, teardown."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from hypothesis.stateful import RuleBasedStateMachine

from stepkit.conformance.harness import Harness, new_namespace
from stepkit.core import Adapter

A = TypeVar("A", bound=Adapter)


class AdapterMachine(RuleBasedStateMachine, Generic[A]):
    """A Hypothesis state machine over ``instances`` adapters sharing one fresh namespace.

    Every operation runs through :meth:`_do`, bounded by ten operation
    timeouts plus ``slack`` seconds, so a hanging adapter fails the machine
    instead of hanging the suite. Teardown closes every instance.
    """

    slack: float = 10.0

    def __init__(self, harness: Harness, instances: int, build: Callable[[str], Awaitable[A]]) -> None:
        super().__init__()
        self.h = harness
        namespace = new_namespace()

        async def build_all() -> list[A]:
            return [await build(namespace) for _ in range(instances)]

        self.adapters: list[A] = harness.run(build_all())

    def _do(self, coro: Any) -> Any:
        return self.h.run(coro, timeout=self.h.operation_timeout * 10 + self.slack)

    def teardown(self) -> None:
        async def close() -> None:
            for adapter in self.adapters:
                await adapter.close()
                self.h.forget(adapter)

        self._do(close())


__all__ = ["AdapterMachine"]
