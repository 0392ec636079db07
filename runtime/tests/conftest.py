"""Fixtures of the runtime tests."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def namespace() -> str:
    """A namespace unique to the test."""
    return f"t{uuid.uuid4().hex}"
