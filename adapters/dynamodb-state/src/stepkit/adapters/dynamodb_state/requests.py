"""The multi-item DynamoDB requests the adapter uses, with their limits and retries.

* :func:`query_all`: a consistent ``Query`` of one partition, every page.
* :func:`batch_get`: ``BatchGetItem`` in chunks of 100 keys, retrying
  ``UnprocessedKeys`` with backoff.
* :func:`batch_delete`: ``BatchWriteItem`` deletes in chunks of 25, retrying
  ``UnprocessedItems`` with backoff.
* :func:`transact`: ``TransactWriteItems`` (at most 100 actions, 4 MB),
  retrying transaction conflicts; a failed condition is reported, not raised.

Leftover unprocessed items after :data:`BATCH_ATTEMPTS` rounds raise
``AdapterUnavailableError`` (DynamoDB keeps throttling), never a silent loss.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from stepkit.adapters.aws_common import error_code
from stepkit.adapters.dynamodb_state.config import BACKEND
from stepkit.adapters.dynamodb_state.connection import DynamoDBConnection
from stepkit.adapters.dynamodb_state.layout import PK, SK, Item
from stepkit.core.backoff import Backoff
from stepkit.core.errors import AdapterConflictError, AdapterUnavailableError

BATCH_GET_LIMIT = 100
BATCH_WRITE_LIMIT = 25
TRANSACTION_ITEMS = 100
TRANSACTION_BYTES = 4_000_000
"""Conservative bound of one transaction's items (DynamoDB's is 4 MB of item data)."""
BATCH_ATTEMPTS = 10
PARALLEL_REQUESTS = 16
_BATCH_BACKOFF = Backoff(initial_seconds=0.01, multiplier=2.0, max_seconds=0.5, jitter=0.5)


def _request(method: str, request_items: dict[str, Any]) -> Callable[[Any], Awaitable[Any]]:
    """``client.<method>(RequestItems=request_items)`` as a function of the client."""

    def send(client: Any) -> Awaitable[Any]:
        return getattr(client, method)(RequestItems=request_items)  # type: ignore[no-any-return]

    return send


def _key(pk: str, sk: str) -> Item:
    return {PK: {"S": pk}, SK: {"S": sk}}


async def query_all(
    db: DynamoDBConnection,
    operation: str,
    pk: str,
    projection: Sequence[str] | None = None,
    limit: int | None = None,
    stop: Any = None,
) -> list[Item]:
    """Every item of partition ``pk`` (strongly consistent), page after page.

    ``stop(items_so_far)`` may end the paging early (e.g. once one live entry is seen).
    """
    params: dict[str, Any] = {
        "TableName": db.table_name,
        "KeyConditionExpression": "#pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": pk}},
        "ConsistentRead": True,
    }
    names = {"#pk": PK}
    if projection:
        aliases = {f"#a{i}": name for i, name in enumerate(projection)}
        names.update(aliases)
        params["ProjectionExpression"] = ", ".join(aliases)
    params["ExpressionAttributeNames"] = names
    if limit is not None:
        params["Limit"] = limit
    items: list[Item] = []
    while True:
        page = await db.call(operation, lambda c: c.query(**params))
        items.extend(page.get("Items", []))
        start = page.get("LastEvaluatedKey")
        if not start or (stop is not None and stop(items)):
            return items
        params["ExclusiveStartKey"] = start


async def batch_get(
    db: DynamoDBConnection, operation: str, pk: str, keys: Sequence[str], projection: Sequence[str] = ()
) -> dict[str, Item]:
    """The items of ``pk`` under ``keys`` (strongly consistent), by sort key; missing keys are absent.

    Only ``projection`` (plus the sort key) is fetched when given.
    """
    unique = list(dict.fromkeys(keys))
    chunks = [unique[i : i + BATCH_GET_LIMIT] for i in range(0, len(unique), BATCH_GET_LIMIT)]
    found: dict[str, Item] = {}
    names = {f"#a{i}": name for i, name in enumerate((SK, *projection))}

    async def fetch(chunk: list[str]) -> None:
        request: dict[str, Any] = {db.table_name: {"Keys": [_key(pk, key) for key in chunk], "ConsistentRead": True}}
        if projection:
            request[db.table_name]["ProjectionExpression"] = ", ".join(names)
            request[db.table_name]["ExpressionAttributeNames"] = names
        for attempt in range(1, BATCH_ATTEMPTS + 1):
            response = await db.call(operation, _request("batch_get_item", request))
            for item in response.get("Responses", {}).get(db.table_name, []):
                found[item[SK]["S"]] = item
            request = response.get("UnprocessedKeys") or {}
            if not request:
                return
            await asyncio.sleep(_BATCH_BACKOFF.delay(attempt))
        raise AdapterUnavailableError(f"{BACKEND}: {operation}: keys still unprocessed after {BATCH_ATTEMPTS} rounds")

    await gather_bounded([fetch(chunk) for chunk in chunks])
    return found


async def batch_delete(db: DynamoDBConnection, operation: str, keys: Sequence[tuple[str, str]]) -> None:
    """Delete the items at ``(pk, sk)`` in batches of 25; unprocessed items are retried."""
    chunks = [keys[i : i + BATCH_WRITE_LIMIT] for i in range(0, len(keys), BATCH_WRITE_LIMIT)]

    async def delete(chunk: Sequence[tuple[str, str]]) -> None:
        request: dict[str, Any] = {db.table_name: [{"DeleteRequest": {"Key": _key(pk, sk)}} for pk, sk in chunk]}
        for attempt in range(1, BATCH_ATTEMPTS + 1):
            response = await db.call(operation, _request("batch_write_item", request))
            request = response.get("UnprocessedItems") or {}
            if not request:
                return
            await asyncio.sleep(_BATCH_BACKOFF.delay(attempt))
        raise AdapterUnavailableError(f"{BACKEND}: {operation}: items still unprocessed after {BATCH_ATTEMPTS} rounds")

    await gather_bounded([delete(chunk) for chunk in chunks])


async def gather_bounded(coroutines: Sequence[Any], limit: int = PARALLEL_REQUESTS) -> list[Any]:
    """``asyncio.gather`` with at most ``limit`` coroutines running at once."""
    gate = asyncio.Semaphore(limit)

    async def run(coroutine: Any) -> Any:
        async with gate:
            return await coroutine

    return list(await asyncio.gather(*(run(c) for c in coroutines)))


def cancellation_codes(exc: BaseException) -> list[str]:
    """The per-action reason codes of a ``TransactionCanceledException``."""
    response = getattr(exc, "response", {}) or {}
    reasons = response.get("CancellationReasons") or []
    codes = [str(reason.get("Code", "")) for reason in reasons]
    if not codes:  # some servers only put the reasons in the message
        message = str(response.get("Error", {}).get("Message", ""))
        codes = [code for code in ("ConditionalCheckFailed", "TransactionConflict") if code in message]
    return codes


async def transact(
    db: DynamoDBConnection, operation: str, actions: list[dict[str, Any]], attempts: int, backoff: Backoff
) -> bool:
    """Run one ``TransactWriteItems``; True when applied, False when a condition failed.

    Transaction conflicts (a concurrent transaction on the same items) are
    retried up to ``attempts`` times with ``backoff``.

    Raises:
        AdapterConflictError: still conflicting after ``attempts`` tries.
    """

    async def run(client: Any) -> str:
        try:
            await client.transact_write_items(TransactItems=actions)
        except Exception as exc:
            if error_code(exc) != "TransactionCanceledException":
                raise
            codes = cancellation_codes(exc)
            if "ConditionalCheckFailed" in codes:
                return "condition"
            if "TransactionConflict" in codes or "ThrottlingError" in codes:
                return "conflict"
            raise
        return "applied"

    for attempt in range(1, attempts + 1):
        outcome = await db.call(operation, run)
        if outcome != "conflict":
            return outcome == "applied"
        await asyncio.sleep(backoff.delay(attempt))
    raise AdapterConflictError(f"{BACKEND}: {operation}: transaction conflicted {attempts} times in a row")


__all__ = [
    "BATCH_ATTEMPTS",
    "BATCH_GET_LIMIT",
    "BATCH_WRITE_LIMIT",
    "TRANSACTION_BYTES",
    "TRANSACTION_ITEMS",
    "batch_delete",
    "batch_get",
    "cancellation_codes",
    "gather_bounded",
    "query_all",
    "transact",
]
