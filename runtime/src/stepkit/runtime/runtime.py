"""One runtime instance: the app's steps wired to its adapters.

Lifecycle: :meth:`Runtime.start` subscribes event steps and starts the cron
scheduler; :meth:`Runtime.begin_shutdown` stops taking work (no new cron
ticks, no new deliveries, HTTP answers 503); :meth:`Runtime.stop` then lets
in-flight handlers finish within ``shutdown_timeout_seconds``, cancels what is
left and closes the adapters. Both are idempotent.

An event adapter whose queues live in this process (one that has a
``drain(timeout)`` method, like the default ``inprocess``) is not unsubscribed
at :meth:`Runtime.begin_shutdown`: its queued events would die with the
process. :meth:`Runtime.stop` drains it within the shutdown bound instead,
and logs at ERROR how many events were left.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from stepkit.core.adapter import Adapter
from stepkit.runtime.config import Adapters, RuntimeSettings, adapter_name_of, resolve_adapters
from stepkit.runtime.context import Services
from stepkit.runtime.cron.scheduler import CronJob, CronScheduler
from stepkit.runtime.cron.tick import CronTick
from stepkit.runtime.emitter import Emitter, fifo_topics
from stepkit.runtime.events import EventSubscriptions
from stepkit.runtime.log import runtime_logger
from stepkit.runtime.shutdown import InFlight
from stepkit.runtime.step import Step
from stepkit.runtime.step_config import CronStepConfig
from stepkit.runtime.streams import Streams
from stepkit.runtime.tracing import child_of
from stepkit.runtime.validation import load_steps, require_steps

_log = runtime_logger("runtime")


@runtime_checkable
class DrainableEvents(Protocol):
    """An event adapter whose queues die with the process, so shutdown drains them."""

    async def drain(self, timeout: float) -> int:
        """Consume until empty or ``timeout``; returns how many events were left."""
        ...


def cron_job(step: Step, services: Services) -> CronJob:
    """The scheduler job running a cron step's ``handler(ctx)`` in a new trace per tick."""
    assert isinstance(step.config, CronStepConfig)
    assert step.handler is not None
    handler = step.handler

    async def run(tick: CronTick) -> None:
        await handler(services.context(step, child_of(None), tick))

    return CronJob(step.name, step.config.expression, run)


async def adapter_healthy(adapter: Adapter, bound: float | None = None) -> bool:
    """The adapter's ``is_healthy()`` within its operation timeout (+1 s) or ``bound``, if smaller; never raises."""
    timeout = float(getattr(adapter.config, "operation_timeout", 5.0)) + 1.0
    if bound is not None:
        timeout = min(timeout, bound)
    try:
        async with asyncio.timeout(timeout):
            return await adapter.is_healthy()
    except Exception:  # noqa: BLE001 - a health check never raises; failure means unhealthy
        return False


class Runtime:
    """Steps plus adapters plus lifecycle, for one process."""

    def __init__(
        self,
        steps: list[Step],
        adapters: Adapters,
        settings: RuntimeSettings | None = None,
        *,
        app_dir: Path | None = None,
        lock_ttl: float | None = None,
    ) -> None:
        self.steps = steps
        self.adapters = adapters
        self.settings = settings or RuntimeSettings()
        self.app_dir = app_dir
        self.instance_id = adapters.cron.instance_id
        self.inflight = InFlight()
        self.services = Services(
            emitter=Emitter(adapters.events, fifo_topics(steps)),
            state=adapters.state,
            streams=Streams(adapters.streams),
            instance_id=self.instance_id,
        )
        self.subscriptions = EventSubscriptions(
            adapters.events, steps, self.services, self.inflight, self.settings.outage_budget_seconds
        )
        jobs = [cron_job(step, self.services) for step in steps if isinstance(step.config, CronStepConfig)]
        self.scheduler = CronScheduler(
            adapters.cron,
            jobs,
            clock_skew=self.settings.clock_skew_seconds,
            max_skew=self.settings.max_clock_skew_seconds,
            lock_ttl=lock_ttl,
            inflight=self.inflight,
        )
        self.accepting = False
        self.start_error: BaseException | None = None
        """Why :meth:`start` failed, if it did (the CLI reports it)."""
        self._started = False
        self._shutdown_begun = False
        self._stopped = False

    @classmethod
    def from_app(cls, app_dir: Path, environ: Mapping[str, str] | None = None) -> Runtime:
        """Load the app's steps and configuration.

        Raises:
            StepValidationError: every problem with the steps, together.
            AdapterConfigurationError: bad adapter configuration.
        """
        app_dir = app_dir.resolve()
        steps = require_steps(app_dir, load_steps(app_dir))
        settings = RuntimeSettings.from_env(environ)
        return cls(steps, resolve_adapters(app_dir, environ), settings, app_dir=app_dir)

    async def start(self) -> None:
        """Subscribe event steps and start the cron scheduler; returns once both are set up.

        If either fails, what was started is stopped and the adapters closed before the error propagates.
        """
        if self._started:
            return
        self._started = True
        try:
            await self.subscriptions.start()
            await self.scheduler.start()
        except BaseException as exc:
            self.start_error = exc
            await self.stop()
            raise
        self.accepting = True
        _log.info(
            "runtime started",
            extra={"instance": self.instance_id, "steps": len(self.steps), "adapters": self.adapters.sources},
        )

    async def begin_shutdown(self) -> None:
        """Stop taking new work: HTTP answers 503, no cron ticks, no new deliveries. Idempotent."""
        if self._shutdown_begun:
            return
        self._shutdown_begun = True
        self.accepting = False
        self.scheduler.stop_scheduling()
        if not isinstance(self.adapters.events, DrainableEvents):
            await self.subscriptions.stop()

    async def stop(self) -> None:
        """Finish in-flight handlers within the bound, cancel the rest, close adapters. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        started = time.monotonic()
        timeout = self.settings.shutdown_timeout_seconds
        await self.begin_shutdown()
        await self.scheduler.stop(max(0.0, timeout - (time.monotonic() - started)))
        events = self.adapters.events
        if isinstance(events, DrainableEvents) and self._started:
            left = await events.drain(max(0.0, timeout - (time.monotonic() - started)))
            if left:
                _log.error(
                    "shutdown bound reached with in-process events unhandled; they are lost with this process",
                    extra={"count": left, "bound_seconds": timeout},
                )
            await self.subscriptions.stop()
        drained = await self.inflight.drain(max(0.0, timeout - (time.monotonic() - started)))
        if not drained:
            _log.error("shutdown bound reached with handlers still running", extra={"count": self.inflight.count})
        await self.adapters.close()
        _log.info("runtime stopped", extra={"instance": self.instance_id})

    def liveness(self) -> dict[str, Any]:
        """``{"status": "alive", "instance", "accepting"}``: the process serves; no backend is asked."""
        return {"status": "alive", "instance": self.instance_id, "accepting": self.accepting}

    async def health(self) -> dict[str, Any]:
        """``{"status": "ok"|"degraded", "accepting", "instance", "adapters": {kind: {adapter, healthy}}}``.

        Answers within ``health_timeout_seconds``: the adapters are checked
        concurrently, each bounded; one that does not answer in time is unhealthy.
        """
        kinds = self.adapters.by_kind()
        bound = self.settings.health_timeout_seconds
        results = await asyncio.gather(*(adapter_healthy(adapter, bound) for adapter in kinds.values()))
        report = {
            kind: {"adapter": adapter_name_of(adapter), "healthy": ok}
            for (kind, adapter), ok in zip(kinds.items(), results, strict=True)
        }
        ok = all(results) and self.accepting
        return {
            "status": "ok" if ok else "degraded",
            "accepting": self.accepting,
            "instance": self.instance_id,
            "adapters": report,
        }


__all__ = ["Runtime", "adapter_healthy", "cron_job"]
