"""What every kind's state machine shares: instances on one fresh namespace, a bounded runner, teardown."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Generic, TypeVar

from hypothesis import note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine

from stepkit.conformance.harness import Harness, new_namespace
from stepkit.core import Adapter

A = TypeVar("A", bound=Adapter)


def instance_indexes() -> st.SearchStrategy[int]:
    """Exactly the instance indexes of the running machine (``0 .. instances - 1``), so every draw
    names a real instance, none is favoured by a modulo, and one instance means always 0."""
    return st.runner().flatmap(lambda machine: st.integers(0, len(machine.adapters) - 1))


class AdapterMachine(RuleBasedStateMachine, Generic[A]):
    """A Hypothesis state machine over ``instances`` adapters sharing one fresh namespace.

    Every operation runs through :meth:`_do`, bounded by ten operation
    timeouts plus ``slack`` seconds, so a hanging adapter fails the machine
    instead of hanging the suite; each call and its result are recorded with
    ``hypothesis.note`` so a failing example shows what the adapter answered.
    Rules pick instances with :func:`instance_indexes`; the agreement with the
    model is checked by ``@invariant`` methods, after every step.
    Teardown closes every instance.
    """

    slack: float = 10.0

    def __init__(self, harness: Harness, instances: int, build: Callable[[str], Awaitable[A]]) -> None:
        super().__init__()
        self.h = harness
        namespace = new_namespace()

        async def build_all() -> list[A]:
            return [await build(namespace) for _ in range(instances)]

        self.adapters: list[A] = harness.run(build_all())

    def _do(self, coro: Coroutine[Any, Any, Any], what: str = "") -> Any:
        """Run one adapter call (bounded) and note it with its result."""
        label = what or getattr(coro, "__qualname__", "operation")
        try:
            result = self.h.run(coro, timeout=self.h.operation_timeout * 10 + self.slack)
        except BaseException as exc:
            note(f"{label} raised {exc!r}")
            raise
        note(f"{label} -> {result!r}")
        return result

    def teardown(self) -> None:
        async def close() -> None:
            for adapter in self.adapters:
                await adapter.close()
                self.h.forget(adapter)

        self._do(close())


__all__ = ["AdapterMachine", "instance_indexes"]
