"""Configuration of the file adapters: where their files live."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from stepkit.core.config import AdapterConfig
from stepkit.core.defaults.file_names import file_name


class FileConfig(AdapterConfig):
    """Settings of the file state and stream adapters.

    * ``directory``: the root directory (env ``STEPKIT_<KIND>_DIRECTORY``).
      Each namespace gets its own sub-directory; every process pointing at the
      same directory and namespace shares one store.
    """

    directory: Path = Field(default=Path(".stepkit"), description="Root directory of the store.")

    def namespace_root(self, kind: str) -> Path:
        """The directory holding this namespace's data of ``kind`` (``state`` or ``streams``)."""
        return self.directory / kind / file_name(self.namespace, "ns")


__all__ = ["FileConfig"]
