"""The events one consumer holds, and every way a hold ends.

* **Renew**: every held, unsettled event's visibility is reset to the lease
  every third of it (``ChangeMessageVisibilityBatch``), so a long handler is
  never redelivered meanwhile.
* **Acknowledge**: ``DeleteMessage`` (only after the handler returned).
* **Retry later**: visibility set to the backoff; SQS redelivers it then.
* **Release**: visibility 0; redelivered at once, never deleted.

Visibility changes and renewals are serialised, so a renewal never overrides
a backoff or a release. Failures are logged, not raised: an event whose
settling failed comes back when its lease runs out (at-least-once).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from stepkit.adapters.aws_common import AwsClient
from stepkit.adapters.sqs_events.config import SQS_MAX_VISIBILITY_SECONDS
from stepkit.adapters.sqs_events.topology import GroupQueues
from stepkit.core.errors import AdapterError

log = logging.getLogger("stepkit.adapters.sqs_events")

BATCH = 10
"""SQS' largest receive / change-visibility batch."""


@dataclass(eq=False)
class Delivery:
    """One received SQS message, held until acknowledged, retried later or released."""

    receipt: str
    body: str
    attempt: int
    group: str
    done: bool = field(default=False)


class Leases:
    """Held deliveries of one consumer; ``on_settled`` is called whenever holds end."""

    def __init__(self, sqs: AwsClient, lease: int, where: str, on_settled: Callable[[], None]) -> None:
        self._sqs = sqs
        self.lease = lease
        self._where = where
        self._on_settled = on_settled
        self.queues: GroupQueues | None = None
        self.held: set[Delivery] = set()
        self._lock = asyncio.Lock()

    def hold(self, delivery: Delivery) -> None:
        """Start holding a received delivery (renewed from now on)."""
        self.held.add(delivery)

    def unsettled(self) -> list[Delivery]:
        """Held deliveries whose hold has not started to end."""
        return [d for d in self.held if not d.done]

    def _settled(self, deliveries: Iterable[Delivery]) -> None:
        for delivery in deliveries:
            delivery.done = True
            self.held.discard(delivery)
        self._on_settled()

    async def acknowledge(self, delivery: Delivery) -> None:
        """Delete a handled delivery."""
        delivery.done = True
        try:
            queues = self.queues
            if queues is not None:
                await self._sqs.call(
                    f"delete from {queues.names.queue}",
                    "delete_message",
                    QueueUrl=queues.url,
                    ReceiptHandle=delivery.receipt,
                )
        except AdapterError as exc:
            log.warning("sqs: acknowledging an event of %s failed (it may come again): %s", self._where, exc)
        finally:
            self._settled([delivery])

    async def retry_later(self, delivery: Delivery, seconds: int) -> None:
        """Make a failed delivery visible again after ``seconds`` (its backoff)."""
        await self._set_visibility([delivery], min(seconds, SQS_MAX_VISIBILITY_SECONDS))

    async def release(self, deliveries: list[Delivery]) -> None:
        """Make ``deliveries`` visible again at once (redelivered, never deleted)."""
        await self._set_visibility(deliveries, 0)

    async def _set_visibility(self, deliveries: list[Delivery], seconds: int) -> None:
        for delivery in deliveries:
            delivery.done = True
        try:
            async with self._lock:
                await self._change_visibility(deliveries, seconds)
        except AdapterError as exc:
            log.warning("sqs: changing visibility in %s failed (the lease runs out instead): %s", self._where, exc)
        finally:
            self._settled(deliveries)

    async def _change_visibility(self, deliveries: list[Delivery], seconds: int) -> None:
        queues = self.queues
        if queues is None or not deliveries:
            return
        for start in range(0, len(deliveries), BATCH):
            chunk = deliveries[start : start + BATCH]
            await self._sqs.call(
                f"change visibility in {queues.names.queue}",
                "change_message_visibility_batch",
                QueueUrl=queues.url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": d.receipt, "VisibilityTimeout": seconds}
                    for n, d in enumerate(chunk)
                ],
            )

    async def renew_forever(self) -> None:
        """Renew the unsettled holds every third of the lease, until cancelled."""
        interval = max(0.2, self.lease / 3)
        while True:
            await asyncio.sleep(interval)
            try:
                async with self._lock:
                    await self._change_visibility(self.unsettled(), self.lease)
            except AdapterError as exc:
                log.warning("sqs: renewing visibility in %s failed: %s", self._where, exc)


__all__ = ["BATCH", "Delivery", "Leases"]
