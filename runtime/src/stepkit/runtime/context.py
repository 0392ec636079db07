"""The context a handler receives: emit, state, streams, logger and trace.

``handler(input, ctx)`` for api and event steps, ``handler(ctx)`` for cron steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stepkit.core.models.events import Event
from stepkit.core.protocols.state import StateAdapter
from stepkit.runtime.cron.tick import CronTick
from stepkit.runtime.emitter import Emitter
from stepkit.runtime.log import StepLogger
from stepkit.runtime.step import Step
from stepkit.runtime.streams import Streams
from stepkit.runtime.tracing import TraceContext


class Context:
    """Per-invocation context.

    * ``emit(message)``: publish on a declared topic (see :mod:`stepkit.runtime.emitter`).
    * ``state``: the configured :class:`~stepkit.core.StateAdapter` (get/set/delete/
      get_group/clear/update/...), shared by every instance on the namespace.
    * ``streams.<name>``: a :class:`~stepkit.core.StreamAdapter` handle.
    * ``logger``: JSON-lines logger carrying ``trace_id``, ``step`` and ``flows``.
    * ``trace_id`` / ``traceparent``: this invocation's W3C trace context.
    * ``instance_id``: the runtime instance running the handler.
    * ``tick``: for cron steps, the tick being run.
    """

    def __init__(
        self,
        *,
        step: Step,
        trace: TraceContext,
        emitter: Emitter,
        state: StateAdapter,
        streams: Streams,
        instance_id: str,
        tick: CronTick | None = None,
    ) -> None:
        self.step = step.name
        self.flows = list(step.config.flows)
        self.trace = trace
        self.trace_id = trace.trace_id
        self.traceparent = trace.traceparent
        self.state = state
        self.streams = streams
        self.instance_id = instance_id
        self.tick = tick
        self.logger = StepLogger(step.name, self.flows, trace.trace_id)
        self._step = step
        self._emitter = emitter

    async def emit(self, message: Mapping[str, Any]) -> Event:
        """Emit ``{"topic": ..., "data": ..., "messageGroupId"?: ...}``; returns the event sent."""
        return await self._emitter.emit(self._step, message, self.trace)


@dataclass(frozen=True)
class Services:
    """What every context is built from: the adapters of this runtime instance."""

    emitter: Emitter
    state: StateAdapter
    streams: Streams
    instance_id: str

    def context(self, step: Step, trace: TraceContext, tick: CronTick | None = None) -> Context:
        """A fresh context for one invocation of ``step``."""
        return Context(
            step=step,
            trace=trace,
            emitter=self.emitter,
            state=self.state,
            streams=self.streams,
            instance_id=self.instance_id,
            tick=tick,
        )


__all__ = ["Context", "CronTick", "Services"]
