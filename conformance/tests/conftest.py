"""Runs the conformance suites in a subprocess against adapters under test and reads the JSON report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

KIT_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_SRC = KIT_ROOT.parent / "examples" / "third-party-adapter" / "src"
SEED = "20261123"


class SuiteRun:
    """``pytest --pyargs stepkit.conformance.suites.<kind>`` for ``adapters``, started in the background.

    A fresh working directory per run: no Hypothesis example database is
    carried over, and the seed is fixed so the self-tests are reproducible.
    """

    def __init__(
        self, kind: str, adapters: list[str], workdir: Path, *extra: str, paths: tuple[Path, ...] = ()
    ) -> None:
        self.report_dir = workdir / "report"
        command = [
            sys.executable,
            "-m",
            "pytest",
            "--pyargs",
            f"stepkit.conformance.suites.{kind}",
            "-p",
            "no:cacheprovider",
            "-q",
            f"--stepkit-report-dir={self.report_dir}",
            f"--hypothesis-seed={SEED}",
            *extra,
        ]
        command += [f"--adapter={adapter}" for adapter in adapters]
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(KIT_ROOT), *map(str, paths), os.environ.get("PYTHONPATH", "")]),
        }
        self.log = workdir / "pytest.log"
        with self.log.open("w", encoding="utf-8") as log:
            self.process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
        self._report: dict[str, Any] | None = None

    def report(self) -> dict[str, Any]:
        """Wait for the run and return its JSON report (plus ``_stdout`` and ``_returncode``)."""
        if self._report is None:
            self.process.wait(timeout=900)
            stdout = self.log.read_text(encoding="utf-8", errors="replace")
            report_file = self.report_dir / "conformance.json"
            assert report_file.exists(), f"no report written; pytest output:\n{stdout[-5000:]}"
            self._report = json.loads(report_file.read_text(encoding="utf-8"))
            self._report["_stdout"] = stdout
            self._report["_returncode"] = self.process.returncode
        return self._report


def run_suite(kind: str, adapters: list[str], workdir: Path, *extra: str) -> dict[str, Any]:
    """Run the suite of ``kind`` for ``adapters`` and return the JSON report."""
    return SuiteRun(kind, adapters, workdir, *extra).report()


def statuses(report: dict[str, Any], adapter: str) -> dict[str, str]:
    """clause -> status for one adapter."""
    return {clause: cell["status"] for clause, cell in report["results"].get(adapter, {}).items()}
