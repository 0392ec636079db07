"""``run_setup`` and friends: the database servers' one-off setup programs, their failures and time limits."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from stepkit.conformance.services.errors import ServiceStartError
from stepkit.conformance.services.local.proctree import read_process
from stepkit.conformance.services.local.users import run_setup, unprivileged_user

ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def test_a_succeeding_program_runs_in_cwd_with_the_given_environment(tmp_path: Path) -> None:
    program = [sys.executable, "-c", "import os, pathlib; pathlib.Path('out').write_text(os.environ['SETUP_MARK'])"]
    run_setup(program, user=None, env={**ENV, "SETUP_MARK": "hello"}, cwd=tmp_path, what="initdb")
    assert (tmp_path / "out").read_text() == "hello"


def test_a_failing_program_raises_naming_the_program_its_status_and_output(tmp_path: Path) -> None:
    program = [
        sys.executable,
        "-c",
        "import sys; print('to stdout'); print('bad data directory', file=sys.stderr); sys.exit(3)",
    ]
    with pytest.raises(ServiceStartError) as caught:
        run_setup(program, user=None, env=ENV, cwd=tmp_path, what="mariadb-install-db")
    message = str(caught.value)
    assert message.startswith("mariadb-install-db failed (3)")
    assert "to stdout" in message
    assert "bad data directory" in message


def test_a_missing_program_raises_service_start_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ServiceStartError, match=r"^initdb could not be started \(/nonexistent/initdb\)"):
        run_setup(["/nonexistent/initdb"], user=None, env=ENV, cwd=tmp_path, what="initdb")


def test_a_program_over_its_time_limit_is_killed_and_raises_naming_it(tmp_path: Path) -> None:
    # The shell records its pid, then becomes the long sleep (exec keeps the pid).
    program = ["sh", "-c", "echo $$ > pid; exec sleep 120"]
    with pytest.raises(ServiceStartError, match=r"^initdb did not finish within 2s$"):
        run_setup(program, user=None, env=ENV, cwd=tmp_path, what="initdb", timeout=2.0)
    pid = int((tmp_path / "pid").read_text())
    with pytest.raises(ProcessLookupError):  # killed and reaped: the call returned only after that
        os.kill(pid, 0)


def _running(pid: int) -> bool:
    info = read_process(pid)
    return info is not None and info.state not in {"Z", "X", "x"}


def test_a_program_over_its_time_limit_is_killed_with_the_processes_it_started(tmp_path: Path) -> None:
    # Like initdb starting ``postgres --boot``: a child that holds the output pipes and outlives the shell.
    program = ["sh", "-c", "sleep 120 & echo $! > child; exec sleep 120"]
    with pytest.raises(ServiceStartError, match="did not finish within 2s"):
        run_setup(program, user=None, env=ENV, cwd=tmp_path, what="initdb", timeout=2.0)
    child = int((tmp_path / "child").read_text())
    for _ in range(100):  # SIGKILL was sent; give the kernel a moment to finish the process
        if not _running(child):
            break
        time.sleep(0.05)
    assert not _running(child), f"the setup program's child {child} outlived its time limit"


@pytest.mark.skipif(os.geteuid() != 0, reason="only root picks an unprivileged user")
def test_unprivileged_user_falls_back_to_nobody_as_root() -> None:
    assert unprivileged_user("PostgreSQL", ("no-such-user-stepkit",)) == "nobody"
    assert unprivileged_user("PostgreSQL", ("root",)) == "root"


@pytest.mark.skipif(os.geteuid() == 0, reason="as root a user is always picked")
def test_unprivileged_user_is_none_when_not_root() -> None:
    assert unprivileged_user("PostgreSQL", ("postgres",)) is None
