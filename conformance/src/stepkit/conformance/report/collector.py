"""Collects test outcomes and folds them into an adapter x clause matrix.

Cell status, per (adapter, clause):

* ``fail``: any test of the clause failed (in setup, call or teardown);
* ``pass``: otherwise, a test proving the clause passed;
* ``unsupported``: the adapter does not declare the clause's capability and its
  refusal test passed (refusal verified, never a silent pass);
* ``n/a``: every test was skipped (e.g. a property capability not declared,
  or a fault test for an adapter that uses no service), with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Outcome = Literal["passed", "failed", "skipped"]
Status = Literal["pass", "fail", "unsupported", "n/a"]


@dataclass
class TestResult:
    """The outcome of one test item across its phases."""

    nodeid: str
    adapter: str
    clause: str
    refusal: bool
    outcome: Outcome = "passed"
    message: str = ""
    counterexample: str = ""
    duration: float = 0.0


@dataclass
class CellResult:
    """The folded status of one (adapter, clause)."""

    status: Status
    tests: list[TestResult] = field(default_factory=list)

    @property
    def failures(self) -> list[TestResult]:
        """The failed tests of the cell."""
        return [t for t in self.tests if t.outcome == "failed"]

    @property
    def reason(self) -> str:
        """Why the cell is n/a (the first skip reason), or the first failure message."""
        for test in self.failures or self.tests:
            if test.message:
                return test.message
        return ""


def extract_counterexample(text: str) -> str:
    """Hypothesis' falsifying example (and ``@reproduce_failure`` line) from a failure report."""
    lines = [line[4:] if line.startswith("E   ") else line for line in text.splitlines()]
    picked: list[str] = []
    capturing = False
    for line in lines:
        stripped = line.strip()
        # Hypothesis wrote "Falsifying example" before 6.16x and "Failing test case" since.
        if stripped.startswith(("Falsifying example", "Falsifying explicit example", "Failing test case")):
            capturing = True
            picked.append(stripped)
            continue
        if stripped.startswith(("You can reproduce this", "@reproduce_failure")):
            picked.append(stripped)
            continue
        if capturing:
            if not stripped or stripped.startswith(("Traceback", "Explanation:", "The above exception", "___", "---")):
                capturing = False
                continue
            picked.append(line.rstrip())
    return "\n".join(line for section in _distinct_sections(picked) for line in fold_repeats(section))


_SECTION_STARTS = (
    "Falsifying example",
    "Falsifying explicit example",
    "Failing test case",
    "You can reproduce this",
    "@reproduce_failure",
)


def _distinct_sections(lines: list[str]) -> list[list[str]]:
    """``lines`` cut where a report section starts; a section repeating an earlier one whole is dropped
    (pytest may show Hypothesis' report twice, e.g. in the exception notes and the captured output)."""
    sections: list[list[str]] = []
    for line in lines:
        if not sections or line.strip().startswith(_SECTION_STARTS):
            sections.append([])
        sections[-1].append(line)
    distinct: list[list[str]] = []
    for section in sections:
        if section not in distinct:
            distinct.append(section)
    return distinct


def fold_repeats(lines: list[str]) -> list[str]:
    """``lines`` with every run of a whole block repeated back to back written once, plus its count.

    Nothing is ever dropped silently: a step repeated four times in a row becomes
    ``state.renew(...)  # x4``; a block of several lines repeated becomes the
    block followed by ``# x3: the 2 lines above``. Lines that merely occur more
    than once, apart, are all kept.
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        best_size, best_count = 1, 1
        for size in range(1, (len(lines) - i) // 2 + 1):
            block = lines[i : i + size]
            count = 1
            while lines[i + count * size : i + (count + 1) * size] == block:
                count += 1
            if count > 1 and size * count > best_size * best_count:
                best_size, best_count = size, count
        block = lines[i : i + best_size]
        if best_count == 1:
            out.append(block[0])
        elif best_size == 1:
            out.append(f"{block[0]}  # x{best_count}")
        else:
            indent = block[0][: len(block[0]) - len(block[0].lstrip())]
            out.extend(block)
            out.append(f"{indent}# x{best_count}: the {best_size} lines above")
        i += best_size * best_count
    return out


class Collector:
    """Accumulates :class:`TestResult` per test node id."""

    def __init__(self) -> None:
        self.results: dict[str, TestResult] = {}

    def record(
        self,
        *,
        nodeid: str,
        adapter: str,
        clause: str,
        refusal: bool,
        outcome: Outcome,
        message: str = "",
        longrepr: str = "",
        duration: float = 0.0,
    ) -> None:
        """Merge one phase's outcome: a failure in any phase fails the test; a skip wins over a pass."""
        result = self.results.setdefault(nodeid, TestResult(nodeid, adapter, clause, refusal))
        result.duration += duration
        if outcome == "failed" and result.outcome != "failed":
            result.outcome = "failed"
            result.message = message
            result.counterexample = extract_counterexample(longrepr)
        elif outcome == "skipped" and result.outcome == "passed":
            result.outcome = "skipped"
            result.message = message

    def matrix(self) -> dict[str, dict[str, CellResult]]:
        """adapter -> clause -> folded cell."""
        grouped: dict[str, dict[str, list[TestResult]]] = {}
        for result in self.results.values():
            grouped.setdefault(result.adapter, {}).setdefault(result.clause, []).append(result)
        return {
            adapter: {clause: fold(tests) for clause, tests in sorted(by_clause.items())}
            for adapter, by_clause in sorted(grouped.items())
        }


def fold(tests: list[TestResult]) -> CellResult:
    """The status of a cell from its tests (see the module docstring)."""
    if any(t.outcome == "failed" for t in tests):
        return CellResult("fail", tests)
    if any(t.outcome == "passed" and not t.refusal for t in tests):
        return CellResult("pass", tests)
    if any(t.outcome == "passed" and t.refusal for t in tests):
        return CellResult("unsupported", tests)
    return CellResult("n/a", tests)


__all__ = [
    "CellResult",
    "Collector",
    "Outcome",
    "Status",
    "TestResult",
    "extract_counterexample",
    "fold",
    "fold_repeats",
]
