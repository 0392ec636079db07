"""``ctx.streams``: named streams by attribute (``ctx.streams.messages``) or item access."""

from __future__ import annotations

from stepkit.core.protocols.streams import StreamAdapter, StreamAdapterManager


class Streams:
    """Hands out :class:`StreamAdapter` handles of the configured manager by stream name.

    Any name works; the same name gives the same handle (the manager's guarantee).
    """

    def __init__(self, manager: StreamAdapterManager) -> None:
        self._manager = manager

    def __getattr__(self, name: str) -> StreamAdapter:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._manager.stream(name)

    def __getitem__(self, name: str) -> StreamAdapter:
        return self._manager.stream(name)


__all__ = ["Streams"]
