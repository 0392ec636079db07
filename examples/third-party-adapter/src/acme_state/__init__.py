"""acme-dict-state: an example third-party stepkit state adapter."""

from acme_state.adapter import AcmeDictState, factory

__all__ = ["AcmeDictState", "factory"]
