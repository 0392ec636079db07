"""Capabilities an adapter class declares, and how they are checked.

A capability is either an *option* the caller can ask for (``TTL``, ``FIFO``,
``DELAY``, ``DLQ``, ``REPLAY``, ``ATOMIC_UPDATE``), which an adapter that does not
declare it must refuse with :class:`AdapterNotSupportedError`, or a *property*
of the adapter (``DURABLE``, ``FENCING``, ``CROSS_PROCESS``), which the
conformance suite proves when declared.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from stepkit.core.errors import AdapterNotSupportedError


class Capability(enum.StrEnum):
    """One thing an adapter may support beyond the base contract."""

    TTL = "ttl"
    """State entries (or stream items) expire after ``ttl`` seconds."""
    ATOMIC_UPDATE = "atomic_update"
    """``update()`` is linearizable per key across every instance."""
    DURABLE = "durable"
    """Events emitted while every member of a group is offline arrive later."""
    FIFO = "fifo"
    """Events of one message group are handled one at a time, in emit order."""
    DLQ = "dlq"
    """Events that exhaust ``max_retries`` go to a dead-letter queue."""
    DELAY = "delay"
    """``QueueConfig.delay_seconds`` postpones delivery."""
    FENCING = "fencing"
    """Cron locks carry a fencing token that rises with every acquisition."""
    REPLAY = "replay"
    """Stream change events can be replayed; live delivery is not at-most-once."""
    CROSS_PROCESS = "cross_process"
    """Instances in different OS processes (or hosts) share one store."""


OPTION_CAPABILITIES: frozenset[Capability] = frozenset(
    {
        Capability.TTL,
        Capability.ATOMIC_UPDATE,
        Capability.FIFO,
        Capability.DLQ,
        Capability.DELAY,
        Capability.REPLAY,
    }
)
"""Capabilities that correspond to an option or method a caller can use."""


def capability_set(values: Iterable[Capability | str]) -> frozenset[Capability]:
    """Normalise a collection of capabilities (or their string values)."""
    return frozenset(Capability(v) for v in values)


def require_capability(declared: frozenset[Capability], capability: Capability, adapter: str, usage: str) -> None:
    """Refuse ``usage`` unless ``capability`` is declared.

    Raises:
        AdapterNotSupportedError: naming the adapter, the capability and the usage.
    """
    if capability not in declared:
        raise AdapterNotSupportedError(
            f"{adapter} does not support {usage}: it does not declare the {capability.name} capability"
        )


__all__ = ["OPTION_CAPABILITIES", "Capability", "capability_set", "require_capability"]
