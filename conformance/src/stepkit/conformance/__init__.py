"""stepkit-conformance: prove any stepkit adapter against the adapter contract.

Public API::

    from stepkit.conformance import ConformanceContext

    def factory(ctx: ConformanceContext) -> MyStateAdapter:
        return MyStateAdapter({"namespace": ctx.namespace,
                               "operation_timeout": ctx.operation_timeout,
                               "url": ctx.service("redis").url})

Register it under the ``stepkit.conformance`` entry-point group, or pass
``--adapter=my_pkg.conformance:factory``, then run
``pytest --pyargs stepkit.conformance.suites``.
"""

from stepkit.conformance.clauses import CLAUSES, Clause
from stepkit.conformance.context import ConformanceContext
from stepkit.conformance.harness import Harness
from stepkit.conformance.services import ServiceEndpoint
from stepkit.conformance.targets import ENTRY_POINT_GROUP, AdapterTarget, Factory

__all__ = [
    "CLAUSES",
    "ENTRY_POINT_GROUP",
    "AdapterTarget",
    "Clause",
    "ConformanceContext",
    "Factory",
    "Harness",
    "ServiceEndpoint",
]
