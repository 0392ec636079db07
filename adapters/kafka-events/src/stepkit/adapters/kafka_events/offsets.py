"""Which offset of a partition may be committed (pure logic, no I/O).

Records of a partition finish out of order (concurrent handlers, FIFO lanes,
retries waiting in the retry lane). Kafka commits one position per partition,
meaning "everything before it is done", so the committable position is the
lowest offset not yet finished. An offset is finished when its handler returned,
or when a confirmed copy went to the retry lane or the DLQ.
"""

from __future__ import annotations

from collections import OrderedDict


class OffsetTracker:
    """Tracks the records taken from one partition since it was assigned."""

    def __init__(self) -> None:
        self._open: OrderedDict[int, bool] = OrderedDict()
        self._next: int | None = None
        self._committed: int | None = None

    def add(self, offset: int) -> None:
        """A record at ``offset`` was taken (offsets arrive in increasing order)."""
        self._open[offset] = False

    def finish(self, offset: int) -> None:
        """The record at ``offset`` is done (handled, or safely copied elsewhere)."""
        if offset not in self._open:
            return
        self._open[offset] = True
        while self._open:
            first, done = next(iter(self._open.items()))
            if not done:
                break
            self._open.popitem(last=False)
            self._next = first + 1

    @property
    def outstanding(self) -> int:
        """Records taken and not finished, plus finished ones behind an unfinished one."""
        return len(self._open)

    def to_commit(self) -> int | None:
        """The position to commit now, or None when nothing new finished."""
        if self._next is None or self._next == self._committed:
            return None
        return self._next

    def committed(self, position: int) -> None:
        """Record that ``position`` was committed."""
        self._committed = position


__all__ = ["OffsetTracker"]
