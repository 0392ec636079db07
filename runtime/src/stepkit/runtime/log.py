"""Structured logs: one JSON object per line on stderr.

Every record carries ``time`` (ISO 8601 UTC), ``level``, ``logger`` and
``msg``; records from a step's ``ctx.logger`` also carry ``trace_id``,
``step`` and ``flows`` plus any fields the handler passed. Values that are
not JSON are written with ``repr`` rather than dropped.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

RUNTIME_LOGGER = "stepkit"
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


class JsonLineFormatter(logging.Formatter):
    """Format a record as one JSON line, with its ``extra`` fields at the top level."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["error"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=repr, ensure_ascii=False)


def configure_logging(level: str = "INFO") -> None:
    """Send the ``stepkit`` logger's records to stderr as JSON lines (idempotent)."""
    logger = logging.getLogger(RUNTIME_LOGGER)
    logger.setLevel(level.upper())
    if not any(getattr(handler, "_stepkit", False) for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLineFormatter())
        handler._stepkit = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.propagate = False


def runtime_logger(name: str) -> logging.Logger:
    """A logger for a runtime component, under the ``stepkit`` hierarchy."""
    return logging.getLogger(f"{RUNTIME_LOGGER}.{name}")


class StepLogger:
    """``ctx.logger``: Motia-style ``info(message, data)`` with the step's trace fields.

    ``data`` (a dict) and keyword fields are merged into the JSON line.
    """

    def __init__(self, step: str, flows: list[str], trace_id: str) -> None:
        self._logger = logging.getLogger(f"{RUNTIME_LOGGER}.step")
        self._fields = {"step": step, "flows": flows, "trace_id": trace_id}

    def _log(self, level: int, message: str, data: Mapping[str, Any] | None, fields: dict[str, Any]) -> None:
        extra = dict(self._fields)
        if data:
            extra.update({key: value for key, value in data.items() if key not in _STANDARD})
        extra.update({key: value for key, value in fields.items() if key not in _STANDARD})
        self._logger.log(level, message, extra=extra)

    def debug(self, message: str, data: Mapping[str, Any] | None = None, **fields: Any) -> None:
        """Log at debug level."""
        self._log(logging.DEBUG, message, data, fields)

    def info(self, message: str, data: Mapping[str, Any] | None = None, **fields: Any) -> None:
        """Log at info level."""
        self._log(logging.INFO, message, data, fields)

    def warn(self, message: str, data: Mapping[str, Any] | None = None, **fields: Any) -> None:
        """Log at warning level (Motia's name)."""
        self._log(logging.WARNING, message, data, fields)

    warning = warn

    def error(self, message: str, data: Mapping[str, Any] | None = None, **fields: Any) -> None:
        """Log at error level."""
        self._log(logging.ERROR, message, data, fields)


__all__ = ["RUNTIME_LOGGER", "JsonLineFormatter", "StepLogger", "configure_logging", "runtime_logger"]
