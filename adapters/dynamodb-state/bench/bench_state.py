"""Bench: the DynamoDB state adapter next to raw aioboto3 doing the same work, same run.

    python bench_state.py [--url http://127.0.0.1:5000] [--seconds 1.0]

``--url`` defaults to ``STEPKIT_DYNAMODB_URL`` (``nox -s bench`` exports it for the
kit-provisioned moto server). Raw baselines use one aioboto3 client on the same
table, strongly consistent reads and the same JSON encoding:

* get: ``get_item``; set: ``put_item``; update: ``get_item`` + ``put_item``
  conditioned on the version attribute.
* "set, new group each call" writes the group index item first (by design, see
  the README); its raw baseline is one ``put_item``, so its target is lower.

Targets: sequential and 16 tasks >= 0.9x raw (0.45x for the new-group set).
Measuring code: ``stepkit.conformance.benchkit``. Always exits 0.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from typing import Any

import aioboto3  # type: ignore[import-untyped]

from stepkit.adapters.dynamodb_state import DynamoDBStateAdapter
from stepkit.conformance.benchkit import Case, Row, parse_args, print_table, raw_dumps, speed_rows

TABLE = "stepkit-state"


class Raw:
    """The same operations written directly against aioboto3 (its own partition keys)."""

    def __init__(self, client: Any, run: str) -> None:
        self.c = client
        self.run = run
        self.written: set[tuple[str, str]] = set()

    def key(self, group: str, key: str) -> dict[str, Any]:
        return {"pk": {"S": f"raw-{self.run}-{group}"}, "sk": {"S": key}}

    async def get(self, group: str, key: str) -> Any:
        response = await self.c.get_item(TableName=TABLE, Key=self.key(group, key), ConsistentRead=True)
        item = response.get("Item")
        return None if item is None else json.loads(item["v"]["S"])

    async def set(self, group: str, key: str, value: Any) -> None:
        item = {**self.key(group, key), "v": {"S": raw_dumps(value)}, "ver": {"S": uuid.uuid4().hex}}
        await self.c.put_item(TableName=TABLE, Item=item)
        self.written.add((group, key))

    async def cleanup(self) -> None:
        """Delete every item the raw baseline wrote."""
        keys = [self.key(g, k) for g, k in self.written] + [self.key("ctr", f"n{i}") for i in range(1024)]
        for start in range(0, len(keys), 25):
            requests = [{"DeleteRequest": {"Key": key}} for key in keys[start : start + 25]]
            while requests:
                response = await self.c.batch_write_item(RequestItems={TABLE: requests})
                requests = response.get("UnprocessedItems", {}).get(TABLE, [])

    async def update(self, group: str, key: str) -> None:
        while True:
            response = await self.c.get_item(TableName=TABLE, Key=self.key(group, key), ConsistentRead=True)
            item = response.get("Item")
            value = (json.loads(item["v"]["S"]) if item else 0) + 1
            new = {**self.key(group, key), "v": {"S": raw_dumps(value)}, "ver": {"S": uuid.uuid4().hex}}
            condition: dict[str, Any] = (
                {"ConditionExpression": "attribute_not_exists(pk)"}
                if item is None
                else {"ConditionExpression": "ver = :v", "ExpressionAttributeValues": {":v": item["ver"]}}
            )
            try:
                await self.c.put_item(TableName=TABLE, Item=new, **condition)
                return
            except self.c.exceptions.ConditionalCheckFailedException:
                continue


async def rows(state: DynamoDBStateAdapter, raw: Raw, seconds: float) -> list[Row]:
    value = {"user": "u1", "count": 3, "tags": ["a", "b"]}
    await state.set("hot", "k1", value)
    await raw.set("hot", "k1", value)
    counters = [f"n{i}" for i in range(1024)]
    spread_ours, spread_raw = itertools.cycle(counters), itertools.cycle(counters)
    fresh = itertools.count()
    cases = [
        Case("get", lambda: state.get("hot", "k1"), lambda: raw.get("hot", "k1")),
        Case("set", lambda: state.set("w", "k", value), lambda: raw.set("w", "k", value)),
        Case(
            "set, new key each call",
            lambda: state.set("w", f"k{next(fresh)}", value),
            lambda: raw.set("w", f"k{next(fresh)}", value),
        ),
        Case(
            "update +1, 1024 keys",
            lambda: state.update("ctr", next(spread_ours), lambda v: (v or 0) + 1),
            lambda: raw.update("ctr", next(spread_raw)),
        ),
        Case(
            "set, new group each call",
            lambda: state.set(f"g{next(fresh)}", "k", value),
            lambda: raw.set(f"g{next(fresh)}", "k", value),
            minimum=0.45,
        ),
    ]
    result = []
    for concurrency in (1, 16):
        result += await speed_rows(cases, concurrency=concurrency, seconds=seconds, minimum=0.9)
    return result


async def main() -> None:
    args = parse_args(__doc__ or "", variable="STEPKIT_DYNAMODB_URL", default_url="http://127.0.0.1:5000")
    run = uuid.uuid4().hex[:12]
    state = DynamoDBStateAdapter({"url": args.url, "namespace": f"bench-state-{run}", "table_name": TABLE})
    session = aioboto3.Session(aws_access_key_id="bench", aws_secret_access_key="bench", region_name="us-east-1")
    try:
        async with session.client("dynamodb", endpoint_url=args.url) as client:
            await state.open()  # creates the table if needed
            raw = Raw(client, run)
            try:
                table = await rows(state, raw, args.seconds)
            finally:
                await raw.cleanup()
            print_table("stepkit-dynamodb-state vs raw aioboto3 (throughput ratio)", table)
    finally:
        for group in await state.group_ids():
            await state.clear(group)
        await state.close()


if __name__ == "__main__":
    asyncio.run(main())
