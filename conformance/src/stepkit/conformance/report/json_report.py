"""The JSON report: adapters, clauses and the folded matrix with failures.

Layout (stable; ``markdown.py`` and the kit's self-tests read it)::

    {"version": 1, "profile": "ci", "services": [...],
     "adapters": {id: {"kind", "reference", "class", "capabilities", "services"}},
     "clauses": {id: {"kind", "title", "capability"}},
     "results": {adapter: {clause: {"status", "reason",
                 "tests": [{"nodeid", "outcome", "refusal", "message", "counterexample", "duration"}]}}}}
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stepkit.conformance.clauses import CLAUSES
from stepkit.conformance.report.collector import Collector
from stepkit.conformance.targets import AdapterTarget

VERSION = 1


def build_report(
    collector: Collector, targets: list[AdapterTarget], *, profile: str, services: list[str]
) -> dict[str, Any]:
    """The report as plain JSON data."""
    matrix = collector.matrix()
    return {
        "version": VERSION,
        "profile": profile,
        "services": services,
        "adapters": {
            t.id: {
                "kind": t.kind,
                "reference": t.reference,
                "class": f"{t.adapter_class.__module__}.{t.adapter_class.__qualname__}",
                "capabilities": sorted(c.value for c in t.capabilities),
                "services": list(t.services),
            }
            for t in targets
        },
        "clauses": {
            c.id: {"kind": c.kind, "title": c.title, "capability": c.capability.value if c.capability else None}
            for c in CLAUSES.values()
        },
        "results": {
            adapter: {
                clause: {
                    "status": cell.status,
                    "reason": cell.reason if cell.status in ("fail", "n/a") else "",
                    "tests": [
                        {
                            "nodeid": t.nodeid,
                            "outcome": t.outcome,
                            "refusal": t.refusal,
                            "message": t.message,
                            "counterexample": t.counterexample,
                            "duration": round(t.duration, 3),
                        }
                        for t in cell.tests
                    ],
                }
                for clause, cell in cells.items()
            }
            for adapter, cells in matrix.items()
        },
    }


def write_report(path: Path, report: dict[str, Any]) -> None:
    """Write the report as indented UTF-8 JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


__all__ = ["VERSION", "build_report", "write_report"]
