"""A test run that is killed (SIGTERM, SIGINT, SIGKILL / os._exit) leaves no server behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stepkit.conformance.services.docker.engine import LABEL_SESSION, engine_reachable
from stepkit.conformance.services.local import proctree

pytestmark = pytest.mark.skipif(not proctree.have_proc(), reason="needs /proc (Linux)")

# Starts local Redis and PostgreSQL (PostgreSQL paused, with a client connection held, so one of
# its backends runs in its own session) and, when Docker answers, a Redis container (paused);
# prints what it started, then waits to be killed.
_RUN = """
import json, os, socket, sys, time
from stepkit.conformance.services import provider_from_env
from stepkit.conformance.services.local import proctree
use_docker = sys.argv[1] == "1"
local = provider_from_env({**os.environ, "STEPKIT_SERVICES": "local"})
redis = local.get("redis")
postgres = local.get("postgres", dedicated=True)
held = socket.create_connection((postgres.endpoint.host, postgres.endpoint.port))
time.sleep(0.5)
pids = sorted({p for h in (redis, postgres) for p in proctree.family(h.pid)})
postgres.pause()
report = {"pids": pids, "root": str(redis.data_dir.parent), "session": None}
if use_docker:
    docker = provider_from_env({**os.environ, "STEPKIT_SERVICES": "docker"})
    container = docker.get("redis")
    container.pause()
    import docker as sdk
    labels = sdk.from_env().containers.get(container.container_id).labels
    report["session"] = labels["stepkit.conformance.session"]
print(json.dumps(report), flush=True)
time.sleep(600)
"""


def _leftovers(report: dict[str, object]) -> list[str]:
    found: list[str] = []
    pids = report["pids"]
    assert isinstance(pids, list)
    running = [pid for pid in pids if (info := proctree.read_process(pid)) is not None and info.state != "Z"]
    if running:
        found.append(f"processes {running}")
    if Path(str(report["root"])).exists():
        found.append(f"directory {report['root']}")
    if report["session"]:
        import docker

        client = docker.from_env()
        labels = ["org.testcontainers=true", f"{LABEL_SESSION}={report['session']}"]
        containers = client.containers.list(all=True, filters={"label": labels})
        if containers:
            found.append(f"containers {[c.short_id for c in containers]}")
    return found


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name)
def test_killed_run_leaves_no_servers(sig: signal.Signals) -> None:
    use_docker = sig == signal.SIGTERM and engine_reachable(os.environ)
    env = {k: v for k, v in os.environ.items() if not (k.startswith("STEPKIT_") and k.endswith("_URL"))}
    run = subprocess.Popen(
        [sys.executable, "-c", _RUN, "1" if use_docker else "0"], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert run.stdout is not None
        line = run.stdout.readline()
        assert line, f"the child run failed before starting its servers (exit {run.wait(timeout=30)})"
        report = json.loads(line)
        assert report["pids"], "the child started server processes"
        run.send_signal(sig)
        run.wait(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    deadline = time.monotonic() + 60
    while (left := _leftovers(report)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not left, f"after {sig.name} the run left {left}"


_PYTEST_RUN = """
import time
from pathlib import Path


def test_holds_a_server(stepkit_services):
    handle = stepkit_services.get("redis")
    Path("started").write_text(str(handle.pid))
    time.sleep(600)
"""


def test_sigterm_ends_a_pytest_run_like_ctrl_c(tmp_path: Path) -> None:
    (tmp_path / "test_hold.py").write_text(_PYTEST_RUN)
    env = {k: v for k, v in os.environ.items() if not (k.startswith("STEPKIT_") and k.endswith("_URL"))}
    env["STEPKIT_SERVICES"] = "local"
    run = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "test_hold.py"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    marker = tmp_path / "started"
    deadline = time.monotonic() + 60
    while not marker.exists() and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert marker.exists(), "the child run did not start its server"
    pid = int(marker.read_text())
    run.send_signal(signal.SIGTERM)
    output, _ = run.communicate(timeout=60)
    assert run.returncode == 2, output[-3000:]  # pytest's "interrupted"
    assert "stopped by signal SIGTERM" in output, output[-3000:]
    assert "stepkit services" in output, output[-3000:]  # the session finished: the terminal summary ran
    left = proctree.read_process(pid)
    assert left is None or left.state == "Z", "the server outlived the run's own teardown"
