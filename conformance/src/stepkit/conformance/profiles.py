"""Hypothesis profiles of the suites: ``ci`` (fast) and ``thorough``.

Select with ``--hypothesis-profile NAME`` or ``STEPKIT_HYPOTHESIS_PROFILE=NAME``
(default ``ci``). Failures print the falsifying example and a
``@reproduce_failure`` blob (``print_blob=True``) so they can be replayed; the
seed is printed by Hypothesis' own pytest plugin with ``--hypothesis-seed``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

ENV_PROFILE = "STEPKIT_HYPOTHESIS_PROFILE"
DEFAULT_PROFILE = "ci"

_QUIET = [
    HealthCheck.too_slow,
    HealthCheck.function_scoped_fixture,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
]

settings.register_profile(
    "ci",
    max_examples=8,
    stateful_step_count=25,
    deadline=None,
    print_blob=True,
    suppress_health_check=_QUIET,
    report_multiple_bugs=False,
)
settings.register_profile(
    "thorough",
    max_examples=150,
    stateful_step_count=60,
    deadline=None,
    print_blob=True,
    suppress_health_check=_QUIET,
    report_multiple_bugs=False,
)

_selected = os.environ.get(ENV_PROFILE, DEFAULT_PROFILE)


def select(name: str | None) -> str:
    """Make ``name`` (or the environment's, or ``ci``) the suites' profile; returns it.

    Raises:
        hypothesis.errors.InvalidArgument: no such profile.
    """
    global _selected
    chosen = name or os.environ.get(ENV_PROFILE) or DEFAULT_PROFILE
    settings.get_profile(chosen)
    _selected = chosen
    return chosen


def current() -> settings:
    """The selected profile's settings."""
    return settings.get_profile(_selected)


def suite_settings() -> settings:
    """Settings for a suite's ``@given`` test: the selected profile, read at import time
    (the plugin selects the profile before the suites are collected)."""
    return settings(current())


def scaled(factor: float, *, steps: float = 1.0) -> settings:
    """The selected profile with ``factor`` times its examples (at least 1) and
    ``steps`` times its state-machine steps (at least 5), for expensive machines."""
    base = current()
    return settings(
        base,
        max_examples=max(1, int(base.max_examples * factor)),
        stateful_step_count=max(5, int(base.stateful_step_count * steps)),
    )


def current_name() -> str:
    """The selected profile's name."""
    return _selected


__all__ = ["DEFAULT_PROFILE", "ENV_PROFILE", "current", "current_name", "suite_settings", "scaled", "select"]
