"""Errors raised while provisioning test services. All derive from ``ServiceError``."""

from __future__ import annotations


class ServiceError(RuntimeError):
    """Base class: a test service could not be provided or controlled."""


class ServiceStartError(ServiceError):
    """A server did not start or did not become ready within its bound; the message has its log tail."""


class MissingBinaryError(ServiceError):
    """A server program needed by the local-process provider is not installed; names what to install."""


class MissingExtraError(MissingBinaryError):
    """Provisioning a service needs an optional extra of stepkit-conformance that is not installed;
    the message names the extra (``pip install 'stepkit-conformance[docker]'``)."""


def extra_hint(extra: str) -> str:
    """How to install the optional extra ``extra``."""
    return f"install it with `pip install 'stepkit-conformance[{extra}]'` (or `[services]` for every provider)"


class FaultsNotSupportedError(ServiceError):
    """pause/stop/start were called on a handle whose ``supports_faults`` is False."""


class HandleStateError(ServiceError):
    """An operation does not fit the handle's state, e.g. ``pause()`` on a stopped or closed server."""
