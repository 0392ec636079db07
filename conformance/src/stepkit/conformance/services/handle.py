"""``ServiceHandle``: one running server and the fault controls a test may apply to it."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from typing import Literal

from .endpoint import KEEPS_DATA_ON_RESTART, ServiceEndpoint, builtin_service
from .errors import FaultsNotSupportedError, HandleStateError

HandleState = Literal["running", "paused", "stopped", "closed"]


class ServiceHandle(ABC):
    """A server for one service, with its endpoint and (when ``supports_faults``) fault controls.

    Guarantees for handles whose ``supports_faults`` is True:

    - ``pause()`` freezes the server: connections stay open or are accepted but get no answer,
      so client calls time out. ``unpause()`` resumes it with its state intact.
    - ``stop()`` shuts the server down: new connections are refused. ``start()`` brings it back
      on the same host and port and returns only once it answers its protocol's readiness probe.
    - ``close()`` stops and removes the server for good; it is idempotent.

    Handles whose ``supports_faults`` is False (a server named by URL) raise
    ``FaultsNotSupportedError`` from the fault controls; their ``close()`` does nothing.
    """

    @property
    @abstractmethod
    def endpoint(self) -> ServiceEndpoint:
        """Where the server answers; unchanged across pause/stop/start."""

    @property
    @abstractmethod
    def supports_faults(self) -> bool:
        """Whether ``pause``/``unpause``/``stop``/``start`` act on the server."""

    @property
    @abstractmethod
    def origin(self) -> str:
        """The image or binary (or ``user-supplied``) serving this endpoint, for reports."""

    @property
    @abstractmethod
    def state(self) -> HandleState:
        """``running``, ``paused``, ``stopped`` or ``closed``."""

    @property
    def keeps_data_on_restart(self) -> bool:
        """Whether data written before ``stop()`` is still there after ``start()``.

        True for PostgreSQL, MariaDB, RabbitMQ (durable queues) and Redis (RDB snapshot at
        shutdown) as the kit runs them; False for Tansu (in-memory) and moto. A declared service
        says so itself (``CustomService.keeps_data_on_restart``).
        """
        known = builtin_service(self.endpoint.name)
        return KEEPS_DATA_ON_RESTART[known] if known is not None else False

    @abstractmethod
    def pause(self) -> None:
        """Freeze the server (docker pause / SIGSTOP)."""

    @abstractmethod
    def unpause(self) -> None:
        """Resume a paused server; does nothing when it is running."""

    @abstractmethod
    def stop(self) -> None:
        """Shut the server down, keeping its data and port for ``start()``."""

    @abstractmethod
    def start(self) -> None:
        """Start a stopped server on the same port and wait until it is ready; no-op when running."""

    @abstractmethod
    def close(self) -> None:
        """Stop and remove the server and its data; idempotent."""

    def describe(self) -> str:
        """One line: service name, provider, url and image or binary."""
        ep = self.endpoint
        return f"{ep.name}: provider={ep.provider} url={ep.url} via {self.origin}"


class ManagedHandle(ServiceHandle):
    """A handle for a server this kit started: a state machine over five primitive operations.

    Subclasses implement ``_pause``, ``_unpause``, ``_stop``, ``_start`` (which must wait for
    readiness) and ``_close``; this class enforces the legal transitions, serialises calls with
    a lock, unpauses before stopping or closing, and makes ``close()`` idempotent.
    """

    def __init__(self, endpoint: ServiceEndpoint, origin: str) -> None:
        self._endpoint = endpoint
        self._origin = origin
        self._state: HandleState = "running"
        self._lock = threading.RLock()

    @property
    def endpoint(self) -> ServiceEndpoint:
        return self._endpoint

    @property
    def supports_faults(self) -> bool:
        return True

    @property
    def origin(self) -> str:
        return self._origin

    @property
    def state(self) -> HandleState:
        return self._state

    def _require(self, operation: str, *allowed: HandleState) -> None:
        if self._state not in allowed:
            raise HandleStateError(
                f"cannot {operation} {self._endpoint.name} ({self._endpoint.url}): it is {self._state}"
            )

    def pause(self) -> None:
        with self._lock:
            self._require("pause", "running", "paused")
            if self._state == "running":
                self._pause()
                self._state = "paused"

    def unpause(self) -> None:
        with self._lock:
            self._require("unpause", "running", "paused")
            if self._state == "paused":
                self._unpause()
                self._state = "running"

    def stop(self) -> None:
        with self._lock:
            self._require("stop", "running", "paused", "stopped")
            if self._state == "paused":
                self.unpause()
            if self._state == "running":
                self._stop()
                self._state = "stopped"

    def start(self) -> None:
        with self._lock:
            self._require("start", "running", "stopped")
            if self._state == "stopped":
                self._start()
                self._state = "running"

    def close(self) -> None:
        with self._lock:
            if self._state == "closed":
                return
            if self._state == "paused":
                self._unpause()
            self._state = "closed"
            self._close()

    @abstractmethod
    def _pause(self) -> None: ...

    @abstractmethod
    def _unpause(self) -> None: ...

    @abstractmethod
    def _stop(self) -> None: ...

    @abstractmethod
    def _start(self) -> None: ...

    @abstractmethod
    def _close(self) -> None: ...


class UrlHandle(ServiceHandle):
    """A server the user named with ``STEPKIT_<SERVICE>_URL``; the kit neither controls nor stops it."""

    def __init__(self, endpoint: ServiceEndpoint, *, url_variable: str | None = None) -> None:
        self._endpoint = endpoint
        self._url_variable = url_variable or f"STEPKIT_{endpoint.name.upper()}_URL"
        self._closed = False

    @property
    def endpoint(self) -> ServiceEndpoint:
        return self._endpoint

    @property
    def supports_faults(self) -> bool:
        return False

    @property
    def origin(self) -> str:
        return "user-supplied server"

    @property
    def state(self) -> HandleState:
        return "closed" if self._closed else "running"

    def _refuse(self, operation: str) -> FaultsNotSupportedError:
        return FaultsNotSupportedError(
            f"cannot {operation} {self._endpoint.name}: it is a user-supplied server "
            f"({self._url_variable}); check supports_faults first"
        )

    def pause(self) -> None:
        raise self._refuse("pause")

    def unpause(self) -> None:
        raise self._refuse("unpause")

    def stop(self) -> None:
        raise self._refuse("stop")

    def start(self) -> None:
        raise self._refuse("start")

    def close(self) -> None:
        self._closed = True
