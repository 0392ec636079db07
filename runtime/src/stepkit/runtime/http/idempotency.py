"""``Idempotency-Key`` on API steps: a client retry of the same request runs the handler once.

A request carrying ``Idempotency-Key: <key>`` (1-255 visible ASCII characters)
is recorded in the configured state adapter (group ``stepkit-idempotency``,
key ``<step>:<sha256 of the key>``), so every instance sharing the state sees it:

* the first request claims the key atomically (``StateAdapter.update``) and
  runs the handler; a response with status below 500 is stored with the key;
* a later request with the key and the same method, path and body gets the
  stored response replayed (header ``idempotent-replayed: true``), and the
  handler does not run again;
* while the first request is still running, another gets ``409`` with
  ``Retry-After``; after the lease (``STEPKIT_IDEMPOTENCY_LEASE_SECONDS``) an
  unfinished claim (its instance died) may be taken over;
* the same key with a different request gets ``422``;
* a 5xx response or a handler failure releases the claim, so the client's retry
  runs the handler again (which may then emit again: see the README);
* the state adapter unreachable when the request arrives -> ``503`` (nothing
  ran); unreachable only when the outcome is recorded -> the handler's
  response is returned anyway (logged), and a retry waits for the lease.

Records are kept until the app clears the group; they are small (the response).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass
from typing import Any

from stepkit.core.json_codec import JSONValue
from stepkit.core.protocols.state import StateAdapter

HEADER = "idempotency-key"
REPLAYED_HEADER = "idempotent-replayed"
GROUP = "stepkit-idempotency"
MAX_KEY_LENGTH = 255


class IdempotencyKeyError(ValueError):
    """The header's value breaks the key rule."""


def check_key(value: str) -> str:
    """``value`` if it is 1-255 visible ASCII characters, else :class:`IdempotencyKeyError`."""
    if not 0 < len(value) <= MAX_KEY_LENGTH or not all(33 <= ord(c) <= 126 for c in value):
        raise IdempotencyKeyError(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} visible ASCII characters (no spaces); "
            f"got {len(value)} characters"
        )
    return value


def fingerprint(method: str, path: str, raw_body: bytes) -> str:
    """What makes two requests "the same request"."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), raw_body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@dataclass(frozen=True)
class Outcome:
    """What :meth:`IdempotencyStore.begin` decided.

    ``kind``: ``"run"`` (this request holds the claim), ``"replay"`` (``response``
    holds the stored response), ``"busy"`` (another request holds it) or
    ``"mismatch"`` (the key was used for a different request).
    """

    kind: str
    record_key: str
    token: str
    response: dict[str, Any] | None = None


class IdempotencyStore:
    """Claims, completes and releases idempotency keys in the state adapter."""

    def __init__(self, state: StateAdapter, lease_seconds: float) -> None:
        self._state = state
        self._lease = lease_seconds

    async def begin(self, step: str, key: str, request_fingerprint: str) -> Outcome:
        """Claim ``key`` for this request, or report why it cannot run."""
        record_key = f"{step}:{hashlib.sha256(key.encode()).hexdigest()}"
        token = uuid.uuid4().hex
        now = time.time()
        claim: dict[str, JSONValue] = {
            "state": "running",
            "token": token,
            "fingerprint": request_fingerprint,
            "started": now,
        }

        def take(current: JSONValue) -> JSONValue:
            if not isinstance(current, dict):
                return claim
            if current.get("state") == "released":
                return claim
            started = current.get("started")
            stale = isinstance(started, (int, float)) and now - started > self._lease
            if current.get("state") == "running" and stale:
                return claim
            return current

        record = await self._state.update(GROUP, record_key, take)
        assert isinstance(record, dict)
        if record.get("token") == token:
            return Outcome("run", record_key, token)
        if record.get("fingerprint") != request_fingerprint:
            return Outcome("mismatch", record_key, token)
        if record.get("state") == "done" and isinstance(record.get("response"), dict):
            response = record["response"]
            assert isinstance(response, dict)
            return Outcome("replay", record_key, token, response)
        return Outcome("busy", record_key, token)

    async def _settle(self, outcome: Outcome, change: dict[str, JSONValue]) -> None:
        def settle(current: JSONValue) -> JSONValue:
            if isinstance(current, dict) and current.get("token") == outcome.token:
                return {**current, **change}
            return current

        await self._state.update(GROUP, outcome.record_key, settle)

    async def complete(self, outcome: Outcome, response: dict[str, JSONValue]) -> None:
        """Store the response of the request holding the claim."""
        await self._settle(outcome, {"state": "done", "response": response, "finished": time.time()})

    async def release(self, outcome: Outcome) -> None:
        """Give the claim up (the handler failed): the next request with the key runs again."""
        await self._settle(outcome, {"state": "released"})


__all__ = [
    "GROUP",
    "HEADER",
    "MAX_KEY_LENGTH",
    "REPLAYED_HEADER",
    "IdempotencyKeyError",
    "IdempotencyStore",
    "Outcome",
    "check_key",
    "fingerprint",
]
