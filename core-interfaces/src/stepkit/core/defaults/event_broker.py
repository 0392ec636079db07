"""The in-process broker of one namespace: topics -> subscriber groups -> queues."""

from __future__ import annotations

import threading

from stepkit.core.defaults.event_queue import GroupQueue
from stepkit.core.models.events import Event, QueueConfig


class EventBroker:
    """Fans each emitted event out to every group queue of its topic.

    A group's queue is created by its first subscription and lives as long as
    the broker (the process), so every event emitted after that reaches the
    group, whichever instance emitted it and whether or not a member is online.
    Events emitted on a topic with no group yet are dropped, as a broker with
    no bound queue would. Thread-safe.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._topics: dict[str, dict[str, GroupQueue]] = {}

    def group(self, topic: str, subscriber: str, config: QueueConfig) -> GroupQueue:
        """The queue of group ``subscriber`` on ``topic``, created on first use."""
        with self._lock:
            groups = self._topics.setdefault(topic, {})
            queue = groups.get(subscriber)
            if queue is None:
                queue = groups[subscriber] = GroupQueue(topic, subscriber, config)
            return queue

    def find(self, topic: str, subscriber: str) -> GroupQueue | None:
        """The group's queue if it was ever subscribed."""
        with self._lock:
            return self._topics.get(topic, {}).get(subscriber)

    def emit(self, event: Event, fifo: bool) -> None:
        """Enqueue ``event`` (the same immutable copy) in every group queue of its topic."""
        with self._lock:
            queues = list(self._topics.get(event.topic, {}).values())
        for queue in queues:
            queue.enqueue(event, fifo)


__all__ = ["EventBroker"]
