"""The interface every way of providing servers implements (Docker, local processes, URLs)."""

from __future__ import annotations

from typing import Protocol

from .endpoint import ProviderKind, ServiceName
from .handle import ServiceHandle


class Backend(Protocol):
    """Starts servers of one provider kind.

    ``start(name)`` returns a ready, private server (a new one on every call) whose handle the
    caller owns. ``close()`` removes whatever this backend started that is still around,
    including servers whose handles were never closed; it is idempotent.
    """

    @property
    def kind(self) -> ProviderKind: ...

    def start(self, name: ServiceName) -> ServiceHandle: ...

    def close(self) -> None: ...
