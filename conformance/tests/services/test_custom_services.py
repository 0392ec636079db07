"""Services the kit does not know: declared in code, by entry point or by the environment, with
fault hooks; an undeclared one is reported once. NATS here is a server the test starts itself."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from stepkit.conformance.services import (
    CustomService,
    FaultsNotSupportedError,
    ServiceEndpoint,
    UnknownServiceError,
    declare_service,
    provider_from_env,
)
from stepkit.conformance.services.custom import ENTRY_POINT_GROUP, find_service
from stepkit.conformance.services.ports import free_port

HERE = Path(__file__).resolve().parent
EXAMPLE_SRC = HERE.parents[2] / "examples" / "third-party-adapter" / "src"
CONTROL = [sys.executable, str(HERE / "nats_control.py")]

needs_nats = pytest.mark.skipif(
    not (shutil.which("nats-server") or os.path.exists("/usr/sbin/nats-server")), reason="nats-server is not installed"
)


class Nats:
    """The test's own NATS server (a free port, never the machine's 4222) and its control commands."""

    def __init__(self, state: Path) -> None:
        self.state = state
        self.port = free_port()
        self.url = f"nats://127.0.0.1:{self.port}"

    def command(self, verb: str) -> str:
        return " ".join([*CONTROL, verb, str(self.state), str(self.port)])

    def run(self, verb: str) -> None:
        subprocess.run([*CONTROL, verb, str(self.state), str(self.port)], check=True, timeout=60)

    def environ(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("STEPKIT_NATS_")}
        env["STEPKIT_NATS_URL"] = self.url
        for verb in ("pause", "unpause", "stop", "start"):
            env[f"STEPKIT_NATS_{verb.upper()}"] = self.command(verb)
        return env


@pytest.fixture
def nats(tmp_path: Path) -> Iterator[Nats]:
    server = Nats(tmp_path / "nats")
    server.run("start")
    try:
        yield server
    finally:
        server.run("stop")


def _read_until(sock: socket.socket, marker: bytes) -> bytes:
    data = b""
    while marker not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def _answers(ep: ServiceEndpoint, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((ep.host, ep.port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            return sock.recv(5) == b"INFO "
    except OSError:
        return False


@needs_nats
def test_environment_declares_a_service_with_fault_hooks(nats: Nats) -> None:
    provider = provider_from_env(nats.environ())
    handle = provider.get("nats")
    assert handle.endpoint == ServiceEndpoint("nats", nats.url, "127.0.0.1", nats.port, "url")
    assert handle.supports_faults
    assert handle.keeps_data_on_restart is False
    assert _answers(handle.endpoint)
    held = socket.create_connection(("127.0.0.1", nats.port), timeout=1)
    held.sendall(b'CONNECT {"verbose":false}\r\nPING\r\n')
    assert b"PONG" in _read_until(held, b"PONG")
    handle.pause()
    try:
        held.sendall(b"PING\r\n")
        with pytest.raises(OSError):  # frozen: the held connection gets no PONG
            _read_until(held, b"PONG")
    finally:
        held.close()
        handle.unpause()
    assert _answers(handle.endpoint)
    handle.stop()
    assert not _answers(handle.endpoint)
    handle.start()
    assert _answers(handle.endpoint)
    handle.stop()
    provider.close()  # a declared server is the user's: closing starts it again and leaves it running
    assert _answers(handle.endpoint)


@needs_nats
def test_declared_in_code_with_callable_hooks(nats: Nats) -> None:
    calls: list[str] = []

    def hook(verb: str) -> object:
        def run(endpoint: ServiceEndpoint) -> None:
            assert endpoint.port == nats.port
            calls.append(verb)
            nats.run(verb)

        return run

    service = CustomService(
        "nats-code", url_variable="ACME_NATS", pause=hook("pause"), unpause=hook("unpause"),
        stop=hook("stop"), start=hook("start"), keeps_data_on_restart=True,
    )  # fmt: skip
    assert declare_service(service) is service
    declare_service(service)  # the same declaration again is fine
    with pytest.raises(ValueError, match="already declared differently"):
        declare_service(CustomService("nats-code"))
    provider = provider_from_env({"ACME_NATS": nats.url})
    handle = provider.get("nats-code", dedicated=True)
    assert handle.keeps_data_on_restart is True
    handle.pause()
    assert not _answers(handle.endpoint)
    handle.unpause()
    handle.stop()
    handle.start()
    assert _answers(handle.endpoint)
    provider.close()
    assert calls == ["pause", "unpause", "stop", "start"]


def test_declaration_rules() -> None:
    with pytest.raises(ValueError, match="kit's own services"):
        CustomService("redis")
    with pytest.raises(ValueError, match="lower-case"):
        CustomService("Nats!")
    with pytest.raises(ValueError, match=r"all four; missing \['stop', 'start'\]"):
        CustomService("half", pause="true", unpause="true")
    service = CustomService("no-faults")
    assert service.url_variable == "STEPKIT_NO_FAULTS_URL"
    with pytest.raises(Exception, match="set STEPKIT_NO_FAULTS_URL"):
        service.endpoint({})
    provider = provider_from_env({"STEPKIT_NO_FAULTS_URL": "tcp://127.0.0.1:1"})
    declare_service(service)
    handle = provider.get("no-faults")
    assert not handle.supports_faults
    with pytest.raises(FaultsNotSupportedError, match="STEPKIT_NO_FAULTS_URL"):
        handle.pause()


def test_unknown_service_says_how_to_declare_it() -> None:
    with pytest.raises(UnknownServiceError, match=r"unknown service 'nope'.*STEPKIT_NOPE_URL.*declare_service"):
        provider_from_env({"STEPKIT_SERVICES": "local"}).get("nope")


def test_entry_point_declares_a_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "acme_services.py").write_text(
        "from stepkit.conformance.services import CustomService\n"
        "QUEUE = CustomService('acme-queue', url_variable='ACME_QUEUE_URL')\n"
    )
    dist = tmp_path / "acme_services-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-services\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nacme-queue = acme_services:QUEUE\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    found = find_service("acme-queue", {})
    assert found is not None
    assert found.url_variable == "ACME_QUEUE_URL"
    handle = provider_from_env({"ACME_QUEUE_URL": "amqp://127.0.0.1:1/"}).get("acme-queue")
    assert handle.endpoint.port == 1


def _suite(env: dict[str, str], workdir: Path, adapter: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**env, "PYTHONPATH": os.pathsep.join([str(HERE), str(EXAMPLE_SRC), env.get("PYTHONPATH", "")])}
    command = [
        sys.executable, "-m", "pytest", "--pyargs", "stepkit.conformance.suites.state", "-p", "no:cacheprovider",
        "-q", f"--stepkit-report-dir={workdir / 'report'}", f"--adapter={adapter}", *extra,
    ]  # fmt: skip
    return subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=600)


@needs_nats
def test_fault_tier_runs_against_a_declared_service(nats: Nats, tmp_path: Path) -> None:
    run = _suite(nats.environ(), tmp_path, "nats_adapter:factory", "--tier=fault")
    report_file = tmp_path / "report" / "conformance.json"
    assert report_file.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    cells = json.loads(report_file.read_text())["results"]["nats_adapter:factory"]
    assert cells["state.fault"]["status"] == "pass", (cells["state.fault"], run.stdout[-3000:])


def test_undeclared_service_is_reported_once(tmp_path: Path) -> None:
    (tmp_path / "needs_nope.py").write_text(
        textwrap.dedent(
            """
            from acme_state.adapter import AcmeDictState

            def factory(ctx):
                ctx.service("nope")
                return AcmeDictState({"namespace": ctx.namespace, "operation_timeout": ctx.operation_timeout})
            """
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEPKIT_NOPE_")}
    env["PYTHONPATH"] = str(tmp_path)
    run = _suite(env, tmp_path, "needs_nope:factory")
    output = run.stdout + run.stderr
    assert run.returncode == 4, output[-3000:]
    assert output.count("unknown service 'nope'") == 1, output[-3000:]
    assert "STEPKIT_NOPE_URL" in output
    assert "needed by needs_nope:factory" in output
