"""Find and import the step files of an app: ``<app>/steps/**/*_step.py``.

Guarantees: files are returned in a stable (sorted) order; a file that fails
to import is reported as a :class:`StepFileError` rather than aborting the
scan, so every problem of the app is reported together.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

STEPS_DIR = "steps"
STEP_FILE_SUFFIX = "_step.py"


@dataclass(frozen=True)
class StepFileError:
    """A step file that could not be imported."""

    file: Path
    error: str


def find_step_files(app_dir: Path) -> list[Path]:
    """Every ``*_step.py`` under ``app_dir/steps``, sorted by path."""
    root = app_dir / STEPS_DIR
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob(f"*{STEP_FILE_SUFFIX}") if path.is_file())


def _module_name(app_dir: Path, file: Path) -> str:
    relative = file.relative_to(app_dir).with_suffix("")
    safe = [re.sub(r"\W", "_", part) for part in relative.parts]
    return "stepkit_app." + ".".join(safe)


def ensure_importable(app_dir: Path) -> None:
    """Put the app directory on ``sys.path`` so steps can import the app's own modules."""
    text = str(app_dir)
    if text not in sys.path:
        sys.path.insert(0, text)


def import_step_file(app_dir: Path, file: Path) -> ModuleType | StepFileError:
    """Import one step file under a unique module name, or describe why it failed."""
    name = _module_name(app_dir, file)
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        return StepFileError(file, "cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001 - reported with the file, all errors together
        sys.modules.pop(name, None)
        return StepFileError(file, f"failed to import: {type(exc).__name__}: {exc}")
    return module


def discover(app_dir: Path) -> list[tuple[Path, ModuleType | StepFileError]]:
    """Import every step file of the app; each entry is a module or its import error."""
    app_dir = app_dir.resolve()
    ensure_importable(app_dir)
    return [(file, import_step_file(app_dir, file)) for file in find_step_files(app_dir)]


__all__ = ["STEPS_DIR", "STEP_FILE_SUFFIX", "StepFileError", "discover", "ensure_importable", "find_step_files"]
