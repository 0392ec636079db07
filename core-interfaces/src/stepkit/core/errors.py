"""The single error family every stepkit adapter raises.

Every failure an adapter reports is an :class:`AdapterError`. The driver's own
exception, when there is one, is chained as ``__cause__`` so nothing is lost,
but raw driver exceptions never cross the adapter boundary.
"""

from __future__ import annotations


class AdapterError(Exception):
    """Base class of every error raised by a stepkit adapter."""


class AdapterUnavailableError(AdapterError):
    """The backend could not be reached, or did not answer within the timeout.

    The operation did not (knowingly) take effect; it is never reported as a
    success. Adapters reconnect by themselves once the backend is back.
    """


class AdapterSerializationError(AdapterError, ValueError):
    """A value is not representable as JSON, or breaks a size limit.

    Raised before anything is written or sent.
    """


class ValueTooLargeError(AdapterSerializationError):
    """An encoded value is larger than the backend (or adapter) accepts."""

    def __init__(self, what: str, size: int, limit: int) -> None:
        self.what = what
        self.size = size
        self.limit = limit
        super().__init__(f"{what} is {size} bytes once encoded as JSON; the limit is {limit} bytes")


class AdapterConfigurationError(AdapterError, ValueError):
    """The adapter's configuration is invalid or names something unknown."""


class AdapterNotSupportedError(AdapterError, NotImplementedError):
    """The operation or option needs a capability this adapter does not declare."""


class AdapterConflictError(AdapterError):
    """A concurrent change won, and retrying within the configured bound did not help."""


class InvalidIdentifierError(AdapterError, ValueError):
    """An identifier (group id, key, topic, stream or job name) breaks the identifier rule."""


class InvalidEventError(AdapterError, ValueError):
    """An event cannot be emitted as given (e.g. a FIFO emit without a message group id)."""


class AdapterClosedError(AdapterError):
    """The adapter was closed; it accepts no further operations."""


__all__ = [
    "AdapterClosedError",
    "AdapterConfigurationError",
    "AdapterConflictError",
    "AdapterError",
    "AdapterNotSupportedError",
    "AdapterSerializationError",
    "AdapterUnavailableError",
    "InvalidEventError",
    "InvalidIdentifierError",
    "ValueTooLargeError",
]
