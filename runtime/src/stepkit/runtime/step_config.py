"""Step configuration models: what a ``*_step.py`` file's ``config`` may say.

A step's ``config`` is a dict written the Motia way (camelCase keys such as
``bodySchema``) or a pydantic model; either is validated into one of
:class:`ApiStepConfig`, :class:`EventStepConfig`, :class:`CronStepConfig` or
:class:`NoopStepConfig`. Validation checks every rule up front (cron
expression, path and method, subscriptions, queue settings) so that a bad step
fails at start, never at its first trigger.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from stepkit.core.backoff import Backoff
from stepkit.core.identifiers import validate_identifier
from stepkit.core.models.events import QueueConfig
from stepkit.runtime.cron.expression import CronExpression, parse_cron

ModelClass = type[BaseModel]
"""A pydantic model class (alias: a field named ``type`` shadows the builtin in class bodies)."""

RESERVED_PATH = "/health"
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")

_QUEUE_KEYS = {
    "type": "type",
    "maxRetries": "max_retries",
    "max_retries": "max_retries",
    "visibilityTimeout": "visibility_timeout",
    "visibility_timeout": "visibility_timeout",
    "delaySeconds": "delay_seconds",
    "delay_seconds": "delay_seconds",
    "concurrency": "concurrency",
    "backoff": "backoff",
}
_BACKOFF_KEYS = {
    "initialSeconds": "initial_seconds",
    "initial_seconds": "initial_seconds",
    "multiplier": "multiplier",
    "maxSeconds": "max_seconds",
    "max_seconds": "max_seconds",
    "jitter": "jitter",
}


def _rename(raw: Any, names: dict[str, str], what: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValueError(f"{what} must be a dict, got {type(raw).__name__}")
    unknown = sorted(set(raw) - set(names))
    if unknown:
        raise ValueError(f"{what} has unknown keys {unknown}; allowed: {sorted(set(names))}")
    return {names[key]: value for key, value in raw.items()}


def queue_config_from_motia(raw: Any) -> QueueConfig:
    """Build a core :class:`QueueConfig` from Motia's ``infrastructure.queue`` dict.

    Raises:
        ValueError: unknown keys or values breaking :class:`QueueConfig`'s rules.
    """
    if isinstance(raw, QueueConfig):
        return raw
    fields = _rename(raw, _QUEUE_KEYS, "infrastructure.queue")
    if "backoff" in fields and not isinstance(fields["backoff"], Backoff):
        fields["backoff"] = _rename(fields["backoff"], _BACKOFF_KEYS, "infrastructure.queue.backoff")
    try:
        return QueueConfig.model_validate(fields)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise ValueError(f"bad queue config: {problems}") from None


def _topic_of(entry: Any) -> str:
    """Motia allows ``emits`` entries as topics or ``{"topic": ..., "label": ...}``."""
    if isinstance(entry, dict):
        entry = entry.get("topic")
    return validate_identifier(entry, "topic")


class _StepBase(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, arbitrary_types_allowed=True, frozen=True)

    name: str
    description: str | None = None
    emits: list[str] = Field(default_factory=list)
    virtual_emits: list[Any] = Field(default_factory=list, alias="virtualEmits")
    virtual_subscribes: list[Any] = Field(default_factory=list, alias="virtualSubscribes")
    flows: list[str] = Field(default_factory=list)
    include_files: list[str] = Field(default_factory=list, alias="includeFiles")

    @field_validator("name")
    @classmethod
    def _name_is_identifier(cls, value: str) -> str:
        return validate_identifier(value, "step name")

    @field_validator("emits", mode="before")
    @classmethod
    def _emits_are_topics(cls, value: Any) -> list[str]:
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"emits must be a list of topics, got {type(value).__name__}")
        return [_topic_of(entry) for entry in value]

    @field_validator("flows")
    @classmethod
    def _flows_are_identifiers(cls, value: list[str]) -> list[str]:
        return [validate_identifier(flow, "flow name") for flow in value]


class ApiStepConfig(_StepBase):
    """An HTTP endpoint: ``method`` ``path`` (Starlette path syntax, e.g. ``/items/{id}``).

    ``bodySchema``, when given, is a pydantic model class the JSON body must match.
    """

    type: Literal["api"]
    path: str
    method: str
    body_schema: ModelClass | None = Field(default=None, alias="bodySchema")
    response_schema: Any = Field(default=None, alias="responseSchema")
    query_params: list[Any] = Field(default_factory=list, alias="queryParams")
    middleware: list[Any] = Field(default_factory=list)

    @field_validator("path")
    @classmethod
    def _path_is_absolute(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError(f"api path must start with '/', got {value!r}")
        if value.rstrip("/") == RESERVED_PATH or value.startswith(f"{RESERVED_PATH}/"):
            raise ValueError(
                f"api paths {RESERVED_PATH} and {RESERVED_PATH}/... are reserved for the runtime's health endpoints"
            )
        return value

    @field_validator("method")
    @classmethod
    def _method_is_known(cls, value: str) -> str:
        upper = value.upper()
        if upper not in HTTP_METHODS:
            raise ValueError(f"api method must be one of {', '.join(HTTP_METHODS)}, got {value!r}")
        return upper

    @field_validator("body_schema", mode="before")
    @classmethod
    def _schema_is_model(cls, value: Any) -> Any:
        if value is not None and not (isinstance(value, type) and issubclass(value, BaseModel)):
            raise ValueError(f"bodySchema must be a pydantic BaseModel subclass, got {value!r}")
        return value


class EventStepConfig(_StepBase):
    """A consumer of one or more topics; its name is its subscriber group."""

    type: Literal["event"]
    subscribes: list[str]
    input: Any = None
    infrastructure: dict[str, Any] = Field(default_factory=dict)

    @field_validator("subscribes")
    @classmethod
    def _subscribes_to_something(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("an event step must subscribe to at least one topic")
        return [validate_identifier(topic, "topic") for topic in value]

    @field_validator("infrastructure")
    @classmethod
    def _infrastructure_is_known(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(value) - {"queue", "handler"})
        if unknown:
            raise ValueError(f"infrastructure has unknown keys {unknown}; allowed: ['handler', 'queue']")
        if "queue" in value:
            queue_config_from_motia(value["queue"])
        return value

    @property
    def queue(self) -> QueueConfig:
        """The core queue config for this step's subscriptions."""
        raw = self.infrastructure.get("queue")
        return QueueConfig() if raw is None else queue_config_from_motia(raw)


class CronStepConfig(_StepBase):
    """A scheduled step: ``cron`` is a 5-field or 6-field (seconds first) expression in UTC."""

    type: Literal["cron"]
    cron: str

    @field_validator("cron")
    @classmethod
    def _cron_parses(cls, value: str) -> str:
        parse_cron(value)
        return value

    @property
    def expression(self) -> CronExpression:
        """The parsed schedule."""
        return parse_cron(self.cron)


class NoopStepConfig(_StepBase):
    """A step with no trigger (documents a manual or external part of a flow)."""

    type: Literal["noop"]


AnyStepConfig = Annotated[
    ApiStepConfig | EventStepConfig | CronStepConfig | NoopStepConfig, Field(discriminator="type")
]
STEP_TYPES = ("api", "event", "cron", "noop")


class _StepConfigAdapter(BaseModel):
    config: AnyStepConfig

    @model_validator(mode="before")
    @classmethod
    def _known_type(cls, data: Any) -> Any:
        config = data.get("config") if isinstance(data, dict) else None
        if isinstance(config, dict) and config.get("type") not in STEP_TYPES:
            raise ValueError(f"unknown step type {config.get('type')!r}; expected one of {', '.join(STEP_TYPES)}")
        return data


def parse_step_config(raw: Any) -> ApiStepConfig | EventStepConfig | CronStepConfig | NoopStepConfig:
    """Validate a step's ``config`` (dict or pydantic model).

    Raises:
        ValidationError: pydantic's list of every problem.
        TypeError: ``raw`` is neither a dict nor a pydantic model.
    """
    if isinstance(raw, (ApiStepConfig, EventStepConfig, CronStepConfig, NoopStepConfig)):
        return raw
    if isinstance(raw, BaseModel):
        raw = raw.model_dump(by_alias=True, exclude_none=True)
    if not isinstance(raw, dict):
        raise TypeError(f"config must be a dict or a pydantic model, got {type(raw).__name__}")
    return _StepConfigAdapter.model_validate({"config": raw}).config


StepConfig = ApiStepConfig | EventStepConfig | CronStepConfig | NoopStepConfig

__all__ = [
    "HTTP_METHODS",
    "RESERVED_PATH",
    "STEP_TYPES",
    "ApiStepConfig",
    "CronStepConfig",
    "EventStepConfig",
    "NoopStepConfig",
    "StepConfig",
    "parse_step_config",
    "queue_config_from_motia",
]
