"""Turn imported step files into :class:`Step` objects, collecting every problem.

Rules checked (each reported with the file, the step and the rule):

* the file imports and exports ``config`` (dict or pydantic model);
* the config is valid: known ``type``; ``api`` has ``path`` and ``method``
  (and a pydantic ``bodySchema`` if any); ``event`` subscribes to at least one
  topic and has a valid ``infrastructure.queue``; ``cron`` has a parseable
  expression that fires;
* the file exports an ``async def handler`` (not needed for ``noop``);
* step names are unique, and no two api steps share a method and path.

:func:`load_steps` raises :class:`StepValidationError` listing all problems at
once, or returns every step.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from pydantic import ValidationError

from stepkit.runtime.discovery import StepFileError, discover
from stepkit.runtime.step import Step
from stepkit.runtime.step_config import ApiStepConfig, NoopStepConfig, parse_step_config


@dataclass(frozen=True)
class StepProblem:
    """One broken rule: where, which step (if known) and what."""

    file: Path
    step: str | None
    rule: str

    def __str__(self) -> str:
        who = f" step {self.step!r}" if self.step else ""
        return f"{self.file}:{who} {self.rule}"


class StepValidationError(Exception):
    """The app's steps break one or more rules; ``problems`` lists every one."""

    def __init__(self, problems: list[StepProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{len(problems)} problem(s) in the app's steps:\n{lines}")


def _describe(exc: ValidationError) -> list[str]:
    rules = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"] if part not in ("config",)]
        # Drop the discriminator tag pydantic adds (e.g. "api") from the location.
        if loc and loc[0] in ("api", "event", "cron", "noop"):
            loc = loc[1:]
        where = ".".join(loc) or "config"
        message = error["msg"].removeprefix("Value error, ")
        rules.append(f"{where}: {message}")
    return rules


def _raw_field(module: ModuleType, key: str) -> str | None:
    raw = getattr(module, "config", None)
    value = raw.get(key) if isinstance(raw, dict) else getattr(raw, key, None)
    return value if isinstance(value, str) else None


def build_step(file: Path, module: ModuleType) -> Step | list[StepProblem]:
    """Validate one imported step file into a :class:`Step`, or list its problems."""
    name = _raw_field(module, "name")
    problems: list[StepProblem] = []
    if not hasattr(module, "config"):
        return [StepProblem(file, None, "exports no 'config'")]
    config = None
    try:
        config = parse_step_config(module.config)
    except ValidationError as exc:
        problems.extend(StepProblem(file, name, rule) for rule in _describe(exc))
    except (TypeError, ValueError) as exc:
        problems.append(StepProblem(file, name, str(exc)))
    handler = getattr(module, "handler", None)
    if not isinstance(config, NoopStepConfig) and _raw_field(module, "type") != "noop":
        if handler is None:
            problems.append(StepProblem(file, name, "exports no 'handler'; expected 'async def handler(...)'"))
        elif not inspect.iscoroutinefunction(handler):
            problems.append(StepProblem(file, name, "'handler' must be an async function (async def)"))
    if problems or config is None:
        return problems
    return Step(config=config, handler=handler, file=file)


_PARAMETER = re.compile(r"\{[^{}:]+(:[^{}]*)?\}")


def route_shape(path: str) -> str:
    """``path`` with every parameter name dropped: ``/items/{id}`` and ``/items/{key}`` share a shape.

    Two routes of one method with the same shape match the same requests, so
    only the first would ever run. Converters are dropped too (``{id:int}``
    also matches what ``{id}`` matches).
    """
    return _PARAMETER.sub("{}", path)


def check_unique(steps: list[Step]) -> list[StepProblem]:
    """Duplicate step names, and api steps whose method and path shape collide.

    Paths that differ only in parameter names (``/items/{id}`` vs ``/items/{key}``) collide.
    """
    problems: list[StepProblem] = []
    names: dict[str, Path] = {}
    routes: dict[tuple[str, str], tuple[Step, str]] = {}
    for step in steps:
        first = names.setdefault(step.name, step.file)
        if first != step.file:
            problems.append(StepProblem(step.file, step.name, f"duplicate step name; already defined in {first}"))
        if isinstance(step.config, ApiStepConfig):
            method, path = step.config.method, step.config.path
            other, other_path = routes.setdefault((method, route_shape(path)), (step, path))
            if other is not step:
                same = (
                    ""
                    if other_path == path
                    else f" as {method} {other_path} (parameter names do not tell routes apart)"
                )
                rule = f"duplicate api route {method} {path}; already served by step {other.name!r}{same}"
                problems.append(StepProblem(step.file, step.name, rule))
    return problems


def validate_steps(found: list[tuple[Path, ModuleType | StepFileError]]) -> list[Step]:
    """Every step, or :class:`StepValidationError` with all problems."""
    steps: list[Step] = []
    problems: list[StepProblem] = []
    for file, module in found:
        if isinstance(module, StepFileError):
            problems.append(StepProblem(file, None, module.error))
            continue
        built = build_step(file, module)
        if isinstance(built, Step):
            steps.append(built)
        else:
            problems.extend(built)
    problems.extend(check_unique(steps))
    if problems:
        raise StepValidationError(problems)
    return steps


def load_steps(app_dir: Path) -> list[Step]:
    """Discover, import and validate every step of the app at ``app_dir``."""
    return validate_steps(discover(app_dir))


def require_steps(app_dir: Path, steps: list[Step]) -> list[Step]:
    """``steps``, or :class:`StepValidationError` when the app has none (a wrong ``--app`` directory)."""
    if not steps:
        rule = (
            "no steps found: the app needs step files named *_step.py under steps/ "
            "(is --app pointing at the app directory?)"
        )
        raise StepValidationError([StepProblem(app_dir / "steps", None, rule)])
    return steps


__all__ = [
    "StepProblem",
    "StepValidationError",
    "build_step",
    "check_unique",
    "load_steps",
    "route_shape",
    "validate_steps",
]
