"""Real servers for the conformance kit and adapter tests.

``provider_from_env()`` returns a ``ServiceProvider``; ``provider.get("redis")`` returns a
``ServiceHandle`` whose ``endpoint`` (a ``ServiceEndpoint``) says where the server answers, and
whose ``pause``/``unpause``/``stop``/``start`` inject faults. Servers come from Testcontainers
(Docker), from local server processes, or from URLs in ``STEPKIT_<SERVICE>_URL``. Services the kit
does not know can be declared (``CustomService``, ``declare_service``; see ``custom``).
"""

from __future__ import annotations

from .custom import CustomService, UnknownServiceError, declare_service
from .endpoint import SERVICE_NAMES, ProviderKind, ServiceEndpoint, ServiceName
from .errors import (
    FaultsNotSupportedError,
    HandleStateError,
    MissingBinaryError,
    MissingExtraError,
    ServiceError,
    ServiceStartError,
)
from .handle import ServiceHandle
from .provider import ServiceProvider
from .selection import provider_from_env

__all__ = [
    "SERVICE_NAMES",
    "CustomService",
    "FaultsNotSupportedError",
    "HandleStateError",
    "MissingBinaryError",
    "MissingExtraError",
    "ProviderKind",
    "ServiceEndpoint",
    "ServiceError",
    "ServiceHandle",
    "ServiceName",
    "ServiceProvider",
    "ServiceStartError",
    "UnknownServiceError",
    "declare_service",
    "provider_from_env",
]
