"""Runs the conformance suites in a subprocess against adapters under test and reads the JSON report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

KIT_ROOT = Path(__file__).resolve().parents[1]
SEED = "20261123"


def run_suite(kind: str, adapters: list[str], workdir: Path, *extra: str) -> dict[str, Any]:
    """Run ``pytest --pyargs stepkit.conformance.suites.<kind>`` for ``adapters``; return the JSON report.

    A fresh working directory per run: no Hypothesis example database is
    carried over, and the seed is fixed so the self-tests are reproducible.
    """
    report_dir = workdir / "report"
    command = [sys.executable, "-m", "pytest", "--pyargs", f"stepkit.conformance.suites.{kind}",
               "-p", "no:cacheprovider", "-q", f"--stepkit-report-dir={report_dir}",
               f"--hypothesis-seed={SEED}", *extra]
    for adapter in adapters:
        command.append(f"--adapter={adapter}")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(KIT_ROOT), os.environ.get("PYTHONPATH", "")])}
    completed = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=900,
                               check=False)
    report_file = report_dir / "conformance.json"
    assert report_file.exists(), f"no report written; pytest output:\n{completed.stdout[-5000:]}\n{completed.stderr[-3000:]}"
    report: dict[str, Any] = json.loads(report_file.read_text(encoding="utf-8"))
    report["_stdout"] = completed.stdout
    report["_returncode"] = completed.returncode
    return report


def statuses(report: dict[str, Any], adapter: str) -> dict[str, str]:
    """clause -> status for one adapter."""
    return {clause: cell["status"] for clause, cell in report["results"].get(adapter, {}).items()}
