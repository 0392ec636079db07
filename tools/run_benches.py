"""Run every adapter benchmark script in turn, each in its own interpreter.

Used by ``nox -s bench`` inside ``python -m stepkit.conformance.services exec``,
which exports ``STEPKIT_<SERVICE>_URL`` for the provisioned servers.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    scripts = sorted(ROOT.glob("adapters/*/bench/bench_*.py"))
    failed = []
    for script in scripts:
        print(f"\n== {script.relative_to(ROOT)}", flush=True)
        if subprocess.run([sys.executable, str(script)], check=False).returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"benchmarks that crashed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
