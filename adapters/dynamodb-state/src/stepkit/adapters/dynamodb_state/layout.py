"""The table layout: key encoding, item attributes, item sizes and expiry.

One table, key schema ``pk`` (S, HASH) + ``sk`` (S, RANGE). With
``P = f"{len(namespace)}:{namespace}"`` (length-prefixed, so injective):

* entry item: ``pk = P + "g" + group_id``, ``sk = key``; attributes ``v`` (the
  value's JSON text from the core codec, type S), ``ver`` (random write token,
  S), and with a TTL ``exp`` (whole epoch seconds, rounded up: DynamoDB's TTL
  attribute) and ``exp_ms`` (exact epoch milliseconds, used to filter reads).
* group index item: ``pk = P + "i"``, ``sk = group_id``, ``tok`` (random token
  of its last write) and ``at`` (epoch milliseconds of its last write). An
  entry is only written after its group's index item was written, recently
  enough that no cleanup may have removed it since (see ``group_index``).
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Mapping
from typing import Any

from stepkit.core.errors import ValueTooLargeError

PK = "pk"
SK = "sk"
VALUE = "v"
VERSION = "ver"
EXPIRES = "exp"
EXPIRES_MS = "exp_ms"
TOKEN = "tok"
WRITTEN_AT = "at"

_NUMBER_BYTES = 21
"""Upper bound of a DynamoDB Number's stored size (38 digits -> 21 bytes)."""
_TOKEN_BYTES = 16

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]


def namespace_prefix(namespace: str) -> str:
    """``f"{len(namespace)}:{namespace}"``: the start of every partition key of the namespace."""
    return f"{len(namespace)}:{namespace}"


def group_pk(prefix: str, group_id: str) -> str:
    """Partition key of a group's entries."""
    return f"{prefix}g{group_id}"


def index_pk(prefix: str) -> str:
    """Partition key of the namespace's group index."""
    return f"{prefix}i"


def new_token() -> str:
    """A fresh random write token (64 bits, hex)."""
    return secrets.token_hex(_TOKEN_BYTES // 2)


def now_ms() -> int:
    """The client's wall clock in epoch milliseconds."""
    return time.time_ns() // 1_000_000


def expiry_ms(ttl: float | None) -> int | None:
    """The epoch millisecond at which an entry written now with ``ttl`` seconds expires."""
    return None if ttl is None else now_ms() + max(1, math.ceil(ttl * 1000))


def entry_item(pk: str, key: str, text: str, token: str, expires_ms: int | None) -> Item:
    """The entry item storing JSON ``text`` under ``key``."""
    item: Item = {PK: {"S": pk}, SK: {"S": key}, VALUE: {"S": text}, VERSION: {"S": token}}
    if expires_ms is not None:
        item[EXPIRES] = {"N": str(-(-expires_ms // 1000))}
        item[EXPIRES_MS] = {"N": str(expires_ms)}
    return item


def index_item(prefix: str, group_id: str, token: str, written_at: int) -> Item:
    """The group index item of ``group_id``, written at epoch millisecond ``written_at``."""
    return {
        PK: {"S": index_pk(prefix)},
        SK: {"S": group_id},
        TOKEN: {"S": token},
        WRITTEN_AT: {"N": str(written_at)},
    }


def entry_size(pk: str, key: str, text: str, has_ttl: bool = True) -> int:
    """The DynamoDB size of an entry item: attribute names plus values, in bytes.

    Strings count their UTF-8 bytes; numbers count their upper bound, so the
    result never underestimates.
    """
    size = len(PK) + len(SK) + len(VALUE) + len(VERSION) + _TOKEN_BYTES
    size += len(pk.encode("utf-8")) + len(key.encode("utf-8")) + len(text.encode("utf-8"))
    if has_ttl:
        size += len(EXPIRES) + len(EXPIRES_MS) + 2 * _NUMBER_BYTES
    return size


def check_item_size(pk: str, group_id: str, key: str, text: str, limit: int) -> int:
    """The entry's size; raises :class:`ValueTooLargeError` when it is over DynamoDB's ``limit``."""
    size = entry_size(pk, key, text)
    if size > limit:
        raise ValueTooLargeError(
            f"DynamoDB item for key {key!r} in group {group_id!r} (JSON value plus keys and attributes)",
            size,
            limit,
        )
    return size


def live(item: Mapping[str, AttributeValue], now: int) -> bool:
    """True when ``item`` has no expiry or expires after epoch millisecond ``now``."""
    expires = item.get(EXPIRES_MS)
    return expires is None or int(expires["N"]) > now


def expires_of(item: Mapping[str, AttributeValue]) -> int | None:
    """The exact expiry (epoch ms) stored in ``item``, or None."""
    expires = item.get(EXPIRES_MS)
    return None if expires is None else int(expires["N"])


__all__ = [
    "EXPIRES",
    "EXPIRES_MS",
    "PK",
    "SK",
    "TOKEN",
    "VALUE",
    "VERSION",
    "WRITTEN_AT",
    "AttributeValue",
    "Item",
    "check_item_size",
    "entry_item",
    "entry_size",
    "expires_of",
    "expiry_ms",
    "group_pk",
    "index_item",
    "index_pk",
    "live",
    "namespace_prefix",
    "new_token",
    "now_ms",
]
