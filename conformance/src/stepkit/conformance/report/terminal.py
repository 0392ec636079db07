"""The adapter x clause matrix printed at the end of a conformance session."""

from __future__ import annotations

from typing import Any

SYMBOLS = {"pass": "pass", "fail": "FAIL", "unsupported": "unsupported", "n/a": "n/a"}


def render(report: dict[str, Any]) -> list[str]:
    """Lines of the matrix (one table per kind), then each failure with its counterexample."""
    lines: list[str] = []
    adapters: dict[str, Any] = report["adapters"]
    results: dict[str, dict[str, Any]] = report["results"]
    for kind in ("state", "streams", "events", "cron"):
        names = [a for a, info in adapters.items() if info["kind"] == kind and a in results]
        if not names:
            continue
        clauses = sorted({c for a in names for c in results[a]})
        width = max(len(c) for c in clauses) + 2
        cols = [max(len(n), 11) + 2 for n in names]
        lines.append(f"{kind} clauses".ljust(width) + "".join(n.ljust(w) for n, w in zip(names, cols, strict=True)))
        for clause in clauses:
            cells = [SYMBOLS[results[a][clause]["status"]] if clause in results[a] else "-" for a in names]
            lines.append(clause.ljust(width) + "".join(c.ljust(w) for c, w in zip(cells, cols, strict=True)))
        lines.append("")
    failures = [(a, c, cell) for a, cells in results.items() for c, cell in cells.items() if cell["status"] == "fail"]
    for adapter, clause, cell in failures:
        lines.append(f"FAIL {adapter} :: {clause} -- {report['clauses'].get(clause, {}).get('title', '')}")
        for test in cell["tests"]:
            if test["outcome"] != "failed":
                continue
            lines.append(f"    {test['nodeid']}")
            if test["message"]:
                lines.append(f"    {test['message'].splitlines()[0][:300]}")
            for example_line in test["counterexample"].splitlines():
                lines.append(f"      {example_line}")
    if failures:
        lines.append("")
    totals: dict[str, int] = {}
    for by_clause in results.values():
        for cell in by_clause.values():
            totals[cell["status"]] = totals.get(cell["status"], 0) + 1
    lines.append("clauses: " + ", ".join(f"{n} {s}" for s, n in sorted(totals.items())))
    return lines


__all__ = ["render"]
