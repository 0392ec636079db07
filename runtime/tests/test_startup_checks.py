"""Point 4: no silent configuration fallback; startup failures exit 2 with one line before any work starts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from runtime_testing import write_app

import stepkit.adapters.redis_state  # noqa: F401  (selected by name)
from stepkit.conformance.services import ServiceProvider
from stepkit.core.errors import AdapterConfigurationError
from stepkit.runtime.cli import main
from stepkit.runtime.config import resolve_adapters

APP = {
    "steps/ping_step.py": """
        config = {"type": "api", "name": "Ping", "path": "/ping", "method": "GET"}
        async def handler(req, ctx):
            return {"status": 200, "body": "pong"}
    """,
}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"STEPKIT_STATE_URL": "redis://127.0.0.1:6379/0"},
            "STEPKIT_STATE_URL is set but STEPKIT_STATE_ADAPTER is not: the default state adapter 'memory' has no "
            "setting URL; name the adapter with STEPKIT_STATE_ADAPTER=<name>",
        ),
        (
            {"STEPKIT_STATE_ADAPTER": "redis", "STEPKIT_STATE_URLL": "redis://127.0.0.1:6379/0"},
            "STEPKIT_STATE_URLL is not a setting of the 'redis' state adapter; its settings are: ",
        ),
        (
            {"STEPKIT_EVENTS_ADAPTER": "inprocess", "STEPKIT_EVENTS_DRAIN_TIMOUT": "3"},
            "STEPKIT_EVENTS_DRAIN_TIMOUT is not a setting of the 'inprocess' events adapter",
        ),
        (
            {"STEPKIT_STATE_ADAPTER": "redis", "STEPKIT_STATE_URL": "redis://127.0.0.1:99999/0"},
            "STEPKIT_STATE_URL 'redis://127.0.0.1:99999/0' is not a valid URL: Port out of range",
        ),
        (
            {"STEPKIT_STATE_ADAPTER": "redis", "STEPKIT_STATE_URL": "redis:///0"},
            "STEPKIT_STATE_URL 'redis:///0' is not a valid URL: it needs a scheme and a host",
        ),
    ],
    ids=["url-without-adapter", "unknown-setting", "typo-in-default-adapter", "bad-port", "no-host"],
)
def test_configuration_mistakes_are_errors_naming_the_variable(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    with pytest.raises(AdapterConfigurationError) as caught:
        resolve_adapters(tmp_path, env)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def run_cli(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``stepkit ARGS`` as a process, with only the given STEPKIT_* variables."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith("STEPKIT_")}
    command = [sys.executable, "-m", "stepkit.runtime.cli", *args]
    return subprocess.run(command, env={**clean, **env}, capture_output=True, text=True, timeout=timeout, check=False)


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("stepkit: ")
    return lines[0]


def test_start_with_an_unknown_variable_exits_2_with_one_line(tmp_path: Path) -> None:
    app = write_app(tmp_path / "app", APP)
    env = {"STEPKIT_STATE_URL": "redis://127.0.0.1:6379/0"}
    line = one_error_line(run_cli(["start", "--app", str(app), "--port", "0"], env))
    assert "STEPKIT_STATE_URL is set but STEPKIT_STATE_ADAPTER is not" in line


def test_app_without_steps_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["start", "--app", str(tmp_path)]) == 2
    assert main(["steps", "--app", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("no steps found: the app needs step files named *_step.py under steps/") == 2


def test_a_refused_backend_exits_2_before_serving(tmp_path: Path) -> None:
    app = write_app(tmp_path / "app", APP)
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {"STEPKIT_STATE_ADAPTER": "redis", "STEPKIT_STATE_URL": f"redis://127.0.0.1:{port}/0"}
    result = run_cli(["start", "--app", str(app), "--port", "0"], env)
    line = one_error_line(result)
    assert "state adapter redis (env STEPKIT_STATE_ADAPTER) is unavailable" in line
    assert "runtime started" not in result.stdout + result.stderr


def test_a_bad_password_exits_2_naming_the_reason(stepkit_services: ServiceProvider, tmp_path: Path) -> None:
    redis = stepkit_services.get("redis").endpoint
    app = write_app(tmp_path / "app", APP)
    url = f"redis://:wrong-password@{redis.host}:{redis.port}/0"
    line = one_error_line(
        run_cli(
            ["start", "--app", str(app), "--port", "0"], {"STEPKIT_STATE_ADAPTER": "redis", "STEPKIT_STATE_URL": url}
        )
    )
    assert "state adapter redis (env STEPKIT_STATE_ADAPTER) is unavailable" in line
    assert "password" in line.lower() or "auth" in line.lower()


def test_a_port_in_use_exits_2(tmp_path: Path) -> None:
    app = write_app(tmp_path / "app", APP)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = one_error_line(run_cli(["start", "--app", str(app), "--port", str(port)], {}))
    assert f"cannot listen on 127.0.0.1:{port}" in line


def test_adapters_prints_the_reason_and_exits_1_when_unhealthy(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {"STEPKIT_STATE_ADAPTER": "redis", "STEPKIT_STATE_URL": f"redis://127.0.0.1:{port}/0"}
    result = run_cli(["adapters", "--app", str(tmp_path)], env)
    assert result.returncode == 1, result.stderr
    [state_line] = [line for line in result.stdout.splitlines() if "selected: redis" in line]
    assert "UNHEALTHY: AdapterUnavailableError" in state_line
    assert str(port) in state_line
