"""The request object an API step's handler receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

_MOTIA_KEYS = {"body": "body", "pathParams": "path_params", "queryParams": "query_params", "headers": "headers"}


@dataclass(frozen=True)
class ApiRequest:
    """An HTTP request as a step sees it.

    * ``body``: the JSON body (``None`` when empty), already validated against
      the step's ``bodySchema`` when it has one; ``model`` is then the parsed model.
    * ``path_params``, ``query_params`` (lists for repeated keys), ``headers``
      (lower-case names).

    Motia-style access works too: ``req["body"]``, ``req.get("pathParams")``.
    """

    body: Any
    path_params: dict[str, str]
    query_params: dict[str, str | list[str]]
    headers: dict[str, str]
    method: str
    path: str
    model: BaseModel | None = field(default=None)

    def __getitem__(self, key: str) -> Any:
        attribute = _MOTIA_KEYS.get(key, key)
        if attribute not in self.__dataclass_fields__:
            raise KeyError(key)
        return getattr(self, attribute)

    def get(self, key: str, default: Any = None) -> Any:
        """Motia-style access: ``body``, ``pathParams``, ``queryParams``, ``headers``."""
        try:
            return self[key]
        except KeyError:
            return default


__all__ = ["ApiRequest"]
