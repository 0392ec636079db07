"""Discovery and every step validation rule, reported together with file, step and rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from runtime_testing import write_app

from stepkit.runtime.discovery import find_step_files
from stepkit.runtime.step_config import ApiStepConfig, EventStepConfig
from stepkit.runtime.validation import StepValidationError, load_steps

GOOD_EVENT = """
config = {"type": "event", "name": "{name}", "subscribes": ["a"], "emits": ["b"], "flows": ["f"]}
async def handler(data, ctx):
    return None
"""


def event_step(name: str) -> str:
    return GOOD_EVENT.replace("{name}", name)


def problems(app: Path) -> list[str]:
    with pytest.raises(StepValidationError) as caught:
        load_steps(app)
    return [str(problem) for problem in caught.value.problems]


def test_discovers_nested_step_files_only(tmp_path: Path) -> None:
    app = write_app(
        tmp_path,
        {
            "steps/a_step.py": event_step("A"),
            "steps/nested/deeper/b_step.py": event_step("B"),
            "steps/helper.py": "VALUE = 1\n",
            "steps/c_step.txt": "not python",
            "other/d_step.py": event_step("D"),
        },
    )
    files = [path.relative_to(app).as_posix() for path in find_step_files(app)]
    assert files == ["steps/a_step.py", "steps/nested/deeper/b_step.py"]
    assert [step.name for step in load_steps(app)] == ["A", "B"]


def test_app_without_steps_dir_has_no_steps(tmp_path: Path) -> None:
    assert load_steps(tmp_path) == []


def test_steps_can_import_app_modules(tmp_path: Path) -> None:
    app = write_app(
        tmp_path,
        {
            "shared_topics_xyz.py": "TOPIC = 'orders.created'\n",
            "steps/a_step.py": """
                from shared_topics_xyz import TOPIC
                config = {"type": "event", "name": "A", "subscribes": [TOPIC]}
                async def handler(data, ctx):
                    return None
            """,
        },
    )
    [step] = load_steps(app)
    assert isinstance(step.config, EventStepConfig)
    assert step.config.subscribes == ["orders.created"]


def test_pydantic_model_config_and_motia_emits_entries(tmp_path: Path) -> None:
    app = write_app(
        tmp_path,
        {
            "steps/a_step.py": """
                from pydantic import BaseModel
                from stepkit.runtime import ApiStepConfig
                class Body(BaseModel):
                    x: int
                config = ApiStepConfig(type="api", name="A", path="/a", method="post", bodySchema=Body,
                                       emits=[{"topic": "t", "label": "T"}])
                async def handler(req, ctx):
                    return {"status": 200}
            """,
        },
    )
    [step] = load_steps(app)
    assert isinstance(step.config, ApiStepConfig)
    assert step.config.method == "POST"
    assert step.config.emits == ["t"]


def test_queue_config_maps_to_core(tmp_path: Path) -> None:
    app = write_app(
        tmp_path,
        {
            "steps/a_step.py": """
                config = {"type": "event", "name": "A", "subscribes": ["t"], "infrastructure": {"queue": {
                    "type": "fifo", "maxRetries": 7, "visibilityTimeout": 12, "delaySeconds": 1, "concurrency": 3,
                    "backoff": {"initialSeconds": 0.1, "maxSeconds": 2}}}}
                async def handler(data, ctx):
                    return None
            """,
        },
    )
    [step] = load_steps(app)
    assert isinstance(step.config, EventStepConfig)
    queue = step.config.queue
    assert (queue.type, queue.max_retries, queue.visibility_timeout, queue.delay_seconds, queue.concurrency) == (
        "fifo",
        7,
        12.0,
        1.0,
        3,
    )
    assert queue.backoff.initial_seconds == 0.1
    assert queue.backoff.max_seconds == 2.0


BAD_STEPS = {
    "bad_cron": (
        'config = {"type": "cron", "name": "BadCron", "cron": "61 * * * *"}\nasync def handler(ctx): pass\n',
        "BadCron'",
        "cron: minute field: 61 is outside 0-59",
    ),
    "no_handler": (
        'config = {"type": "event", "name": "NoHandler", "subscribes": ["t"]}\n',
        "NoHandler",
        "exports no 'handler'",
    ),
    "sync_handler": (
        'config = {"type": "event", "name": "Sync", "subscribes": ["t"]}\ndef handler(data, ctx): pass\n',
        "Sync",
        "'handler' must be an async function",
    ),
    "unknown_type": (
        'config = {"type": "webhook", "name": "Hook"}\nasync def handler(ctx): pass\n',
        "Hook",
        "unknown step type 'webhook'",
    ),
    "subscribes_nothing": (
        'config = {"type": "event", "name": "Deaf", "subscribes": []}\nasync def handler(d, c): pass\n',
        "Deaf",
        "subscribes: an event step must subscribe to at least one topic",
    ),
    "api_no_path": (
        'config = {"type": "api", "name": "NoPath", "method": "GET"}\nasync def handler(r, c): pass\n',
        "NoPath",
        "path: Field required",
    ),
    "api_no_method": (
        'config = {"type": "api", "name": "NoMethod", "path": "/x"}\nasync def handler(r, c): pass\n',
        "NoMethod",
        "method: Field required",
    ),
    "api_bad_method": (
        'config = {"type": "api", "name": "BadMethod", "path": "/x", "method": "FETCH"}\n'
        "async def handler(r, c): pass\n",
        "BadMethod",
        "api method must be one of",
    ),
    "api_relative_path": (
        'config = {"type": "api", "name": "Rel", "path": "x", "method": "GET"}\nasync def handler(r, c): pass\n',
        "Rel",
        "api path must start with '/'",
    ),
    "api_reserved_path": (
        'config = {"type": "api", "name": "Health", "path": "/health", "method": "POST"}\n'
        "async def handler(r, c): pass\n",
        "Health",
        "api paths /health and /health/... are reserved",
    ),
    "api_bad_schema": (
        'config = {"type": "api", "name": "Schema", "path": "/s", "method": "POST", "bodySchema": {"type": "object"}}\n'
        "async def handler(r, c): pass\n",
        "Schema",
        "bodySchema must be a pydantic BaseModel subclass",
    ),
    "bad_queue": (
        'config = {"type": "event", "name": "Queue", "subscribes": ["t"], '
        '"infrastructure": {"queue": {"maxRetries": -1}}}\nasync def handler(d, c): pass\n',
        "Queue",
        "bad queue config: max_retries",
    ),
    "unknown_queue_key": (
        'config = {"type": "event", "name": "Queue2", "subscribes": ["t"], '
        '"infrastructure": {"queue": {"retries": 1}}}\nasync def handler(d, c): pass\n',
        "Queue2",
        "infrastructure.queue has unknown keys ['retries']",
    ),
    "no_config": ("async def handler(d, c): pass\n", None, "exports no 'config'"),
    "import_error": ("import does_not_exist_anywhere\n", None, "failed to import: ModuleNotFoundError"),
    "unknown_key": (
        'config = {"type": "noop", "name": "Typo", "emit": ["x"]}\n',
        "Typo",
        "emit: Extra inputs are not permitted",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_STEPS))
def test_each_rule_is_reported_with_file_step_and_rule(tmp_path: Path, case: str) -> None:
    code, step, rule = BAD_STEPS[case]
    app = write_app(tmp_path, {f"steps/{case}_step.py": code})
    [problem] = problems(app)
    assert f"{case}_step.py" in problem
    if step is not None:
        assert f"step '{step}" in problem
    assert rule in problem


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    files = {f"steps/{case}_step.py": code for case, (code, _, _) in BAD_STEPS.items()}
    files["steps/good_step.py"] = event_step("Good")
    app = write_app(tmp_path, files)
    found = problems(app)
    assert len(found) == len(BAD_STEPS)
    for _, _, rule in BAD_STEPS.values():
        assert any(rule in problem for problem in found), rule


def test_duplicate_names_and_routes(tmp_path: Path) -> None:
    api = 'config = {"type": "api", "name": "{n}", "path": "/p", "method": "GET"}\nasync def handler(r, c): pass\n'
    app = write_app(
        tmp_path,
        {
            "steps/a_step.py": event_step("Same"),
            "steps/b_step.py": event_step("Same"),
            "steps/c_step.py": api.replace("{n}", "Api1"),
            "steps/d_step.py": api.replace("{n}", "Api2"),
        },
    )
    found = problems(app)
    assert any("b_step.py: step 'Same' duplicate step name; already defined in" in p for p in found)
    assert any("d_step.py: step 'Api2' duplicate api route GET /p; already served by step 'Api1'" in p for p in found)


def test_error_message_lists_every_problem(tmp_path: Path) -> None:
    app = write_app(tmp_path, {"steps/a_step.py": "x = 1\n", "steps/b_step.py": "y = 2\n"})
    with pytest.raises(StepValidationError, match=r"2 problem\(s\)") as caught:
        load_steps(app)
    assert "a_step.py" in str(caught.value)
    assert "b_step.py" in str(caught.value)


def test_noop_needs_no_handler(tmp_path: Path) -> None:
    app = write_app(tmp_path, {"steps/n_step.py": 'config = {"type": "noop", "name": "Manual", "emits": ["x"]}\n'})
    [step] = load_steps(app)
    assert step.handler is None
    assert step.trigger() == "none"


def test_routes_differing_only_in_parameter_names_are_duplicates(tmp_path: Path) -> None:
    api = 'config = {"type": "api", "name": "{n}", "path": "{p}", "method": "GET"}\nasync def handler(r, c): pass\n'
    app = write_app(
        tmp_path,
        {
            "steps/a_step.py": api.replace("{n}", "ById").replace("{p}", "/items/{id}"),
            "steps/b_step.py": api.replace("{n}", "ByKey").replace("{p}", "/items/{key:str}"),
            "steps/c_step.py": api.replace("{n}", "Nested").replace("{p}", "/items/{id}/parts"),
        },
    )
    [problem] = problems(app)
    assert "b_step.py: step 'ByKey' duplicate api route GET /items/{key:str}; already served by step 'ById'" in problem
    assert "as GET /items/{id} (parameter names do not tell routes apart)" in problem
