"""stepkit-runtime: Motia-style steps over pluggable adapters.

An app is a directory with ``steps/**/*_step.py`` files, each exporting
``config`` and ``async def handler``. The same app runs as one process on the
default adapters or as N instances on shared ones (Redis, RabbitMQ, ...):
only configuration changes. See the package README for the guarantees.
"""

from stepkit.runtime.config import AdaptersConfig, RuntimeSettings
from stepkit.runtime.context import Context
from stepkit.runtime.cron.tick import CronTick
from stepkit.runtime.emitter import EmitRefusedError
from stepkit.runtime.http.request import ApiRequest
from stepkit.runtime.runtime import Runtime
from stepkit.runtime.step import Step
from stepkit.runtime.step_config import (
    ApiStepConfig,
    CronStepConfig,
    EventStepConfig,
    NoopStepConfig,
    parse_step_config,
)
from stepkit.runtime.validation import StepProblem, StepValidationError, load_steps

__all__ = [
    "AdaptersConfig",
    "ApiRequest",
    "ApiStepConfig",
    "Context",
    "CronStepConfig",
    "CronTick",
    "EmitRefusedError",
    "EventStepConfig",
    "NoopStepConfig",
    "Runtime",
    "RuntimeSettings",
    "Step",
    "StepProblem",
    "StepValidationError",
    "load_steps",
    "parse_step_config",
]
