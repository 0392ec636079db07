"""Adapter configuration (config file, environment, defaults) and the ``stepkit`` CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from runtime_testing import write_app

from stepkit.core.errors import AdapterConfigurationError
from stepkit.runtime.cli import main
from stepkit.runtime.config import RuntimeSettings, resolve_adapters

STEP = {
    "steps/ping_step.py": """
        config = {"type": "api", "name": "Ping", "path": "/ping", "method": "GET", "emits": ["pinged"],
                  "flows": ["demo"]}
        async def handler(req, ctx):
            return {"status": 200, "body": "pong"}
    """,
    "steps/tick_step.py": """
        config = {"type": "cron", "name": "Tick", "cron": "*/5 * * * *"}
        async def handler(ctx):
            return None
    """,
}


async def test_defaults_with_no_configuration(tmp_path: Path) -> None:
    adapters = resolve_adapters(tmp_path, {})
    try:
        assert adapters.sources == {
            "state": "memory (default)",
            "streams": "memory (default)",
            "events": "inprocess (default)",
            "cron": "local (default)",
        }
    finally:
        await adapters.close()


async def test_environment_selects_adapters_by_registry_name(tmp_path: Path) -> None:
    env = {
        "STEPKIT_STATE_ADAPTER": "file",
        "STEPKIT_STATE_DIRECTORY": str(tmp_path / "state"),
        "STEPKIT_CRON_INSTANCE_ID": "node-7",
    }
    adapters = resolve_adapters(tmp_path, env)
    try:
        assert adapters.sources["state"] == "file (env STEPKIT_STATE_ADAPTER)"
        assert adapters.cron.instance_id == "node-7"
    finally:
        await adapters.close()


def test_unknown_adapter_name_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(AdapterConfigurationError, match="no events adapter named 'carrier-pigeon'"):
        resolve_adapters(tmp_path, {"STEPKIT_EVENTS_ADAPTER": "carrier-pigeon"})


@pytest.mark.parametrize(
    "config_file",
    [
        """
        from stepkit.core.defaults.memory_state import MemoryStateAdapter
        from stepkit.runtime import AdaptersConfig
        def adapters():
            return AdaptersConfig(state=MemoryStateAdapter({"namespace": "from-file"}))
        """,
        """
        from stepkit.core.defaults.memory_state import MemoryStateAdapter
        state = MemoryStateAdapter({"namespace": "from-file"})
        """,
        """
        from stepkit.core.defaults.memory_state import MemoryStateAdapter
        def adapters():
            return {"state": MemoryStateAdapter({"namespace": "from-file"})}
        """,
    ],
    ids=["function", "attributes", "dict"],
)
async def test_config_file_wins_for_the_kinds_it_sets(tmp_path: Path, config_file: str) -> None:
    write_app(tmp_path, {"stepkit_config.py": config_file})
    adapters = resolve_adapters(tmp_path, {"STEPKIT_STATE_ADAPTER": "file"})
    try:
        assert adapters.state.config.namespace == "from-file"
        assert adapters.sources["state"] == "memory (stepkit_config.py)"
        assert adapters.sources["events"] == "inprocess (default)"
    finally:
        await adapters.close()


@pytest.mark.parametrize(
    ("config_file", "message"),
    [
        ("state = 'redis'\n", "state must be a StateAdapter instance, got str"),
        ("def adapters():\n    return 3\n", "adapters\\(\\) must return AdaptersConfig or a dict, got int"),
        ("def adapters():\n    return {'db': None}\n", "unknown kinds \\['db'\\]"),
        ("raise RuntimeError('boom')\n", "failed to import: RuntimeError: boom"),
    ],
)
def test_bad_config_files_are_reported(tmp_path: Path, config_file: str, message: str) -> None:
    write_app(tmp_path, {"stepkit_config.py": config_file})
    with pytest.raises(AdapterConfigurationError, match=message):
        resolve_adapters(tmp_path, {})


def test_runtime_settings_from_env() -> None:
    settings = RuntimeSettings.from_env({"STEPKIT_CLOCK_SKEW_SECONDS": "-2", "STEPKIT_SHUTDOWN_TIMEOUT_SECONDS": "3"})
    assert settings.clock_skew_seconds == -2.0
    assert settings.shutdown_timeout_seconds == 3.0
    with pytest.raises(AdapterConfigurationError, match="clock_skew_seconds"):
        RuntimeSettings.from_env({"STEPKIT_CLOCK_SKEW_SECONDS": "soon"})


def test_cli_steps_lists_triggers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_app(tmp_path, STEP)
    assert main(["steps", "--app", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["NAME", "TYPE", "TRIGGER", "EMITS", "FLOWS", "FILE"]
    assert "Ping" in out[1]
    assert "GET /ping" in out[1]
    assert "pinged" in out[1]
    assert "demo" in out[1]
    assert "Tick" in out[2]
    assert "cron '*/5 * * * *'" in out[2]


def test_cli_reports_every_step_problem_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_app(tmp_path, {"steps/a_step.py": "x = 1\n", "steps/b_step.py": "y = 1\n"})
    assert main(["steps", "--app", str(tmp_path)]) == 2
    assert main(["start", "--app", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("a_step.py: exports no 'config'") == 2
    assert err.count("b_step.py: exports no 'config'") == 2


def test_cli_adapters_shows_installed_selected_and_health(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for kind in ("STATE", "STREAMS", "EVENTS", "CRON"):
        monkeypatch.delenv(f"STEPKIT_{kind}_ADAPTER", raising=False)
    assert main(["adapters", "--app", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "*memory" in out
    assert "*inprocess" in out
    assert "*local" in out
    assert out.count("healthy") == 4
    assert "UNHEALTHY" not in out
