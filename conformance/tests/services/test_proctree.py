"""Finding and freezing every process of a local server, including ones in their own session."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stepkit.conformance.services.local import proctree

pytestmark = pytest.mark.skipif(not proctree.have_proc(), reason="needs /proc (Linux)")

# A leader whose child leaves its session (like a PostgreSQL backend) and forks a grandchild;
# the leader then keeps forking short-lived children, so freezing has to reach a fixed point.
_TREE = """
import os, subprocess, sys, time
out = sys.argv[1]
child = subprocess.Popen([sys.executable, "-c",
    "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']);"
    "time.sleep(600)"], start_new_session=True)
with open(out, "w") as f:
    f.write(str(child.pid))
while True:
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.2)"])
    time.sleep(0.05)
"""


def _states(members: dict[int, proctree.ProcessInfo]) -> dict[int, str]:
    states: dict[int, str] = {}
    for pid in members:
        info = proctree.read_process(pid)
        if info is not None:
            states[pid] = info.state
    return states


def test_freeze_reaches_children_in_their_own_session(tmp_path: Path) -> None:
    marker = tmp_path / "child.pid"
    leader = subprocess.Popen([sys.executable, "-c", _TREE, str(marker)], start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(proctree.family(leader.pid)) < 4:
            time.sleep(0.05)
        child = int(marker.read_text())
        child_info = proctree.read_process(child)
        assert child_info is not None
        assert child_info.sid == child != leader.pid, "the child has its own session"
        proctree.freeze(leader.pid)
        members = proctree.family(leader.pid)
        assert child in members, "a descendant in another session belongs to the server"
        assert len(members) >= 4, f"leader, child, grandchild and a short-lived child: {members}"
        running = {pid: state for pid, state in _states(members).items() if state not in ("T", "Z")}
        assert not running, f"still running after freeze: {running}"
        time.sleep(0.5)  # frozen processes fork nothing and do not exit
        assert set(proctree.family(leader.pid)) == set(members)
        proctree.thaw(leader.pid)
        assert all(state != "T" for state in _states({child: members[child]}).values())
    finally:
        members = proctree.signal_family(leader.pid, signal.SIGCONT)
        proctree.signal_known(members, signal.SIGKILL)
        leader.wait(timeout=10)
    deadline = time.monotonic() + 10
    while proctree.alive(members) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not proctree.alive(members)
