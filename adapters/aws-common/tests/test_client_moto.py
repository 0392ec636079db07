"""AwsClient against a real moto server: calls, not-found codes, bounded failures, recovery."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from stepkit.adapters.aws_common import AwsClient, AwsSettings, is_not_found
from stepkit.conformance.services import ServiceHandle
from stepkit.core.errors import AdapterClosedError, AdapterError, AdapterUnavailableError


def _client(url: str, timeout: float = 2.0) -> AwsClient:
    return AwsClient(AwsSettings(url=url, operation_timeout=timeout, connect_timeout=0.5, max_attempts=2), "sqs")


async def test_calls_reach_moto(moto_url: str) -> None:
    sqs = _client(moto_url)
    name = f"aws-common-{uuid.uuid4().hex[:12]}"
    try:
        url = (await sqs.call("create queue", "create_queue", QueueName=name))["QueueUrl"]
        await sqs.call("send", "send_message", QueueUrl=url, MessageBody="hello")
        reply = await sqs.call("receive", "receive_message", QueueUrl=url, WaitTimeSeconds=1)
        assert [m["Body"] for m in reply["Messages"]] == ["hello"]
        await sqs.call("delete queue", "delete_queue", QueueUrl=url)
    finally:
        await sqs.close()
    await sqs.close()
    with pytest.raises(AdapterClosedError):
        await sqs.call("list", "list_queues")


async def test_missing_queue_is_a_translated_not_found(moto_url: str) -> None:
    sqs = _client(moto_url)
    try:
        with pytest.raises(AdapterError) as info:
            await sqs.call("queue url", "get_queue_url", QueueName=f"missing-{uuid.uuid4().hex}")
        assert info.value.__cause__ is not None
        assert is_not_found(info.value.__cause__)
    finally:
        await sqs.close()


async def test_closed_port_is_unavailable_in_bounded_time() -> None:
    sqs = _client("http://127.0.0.1:9", timeout=1.0)
    try:
        start = time.monotonic()
        with pytest.raises(AdapterUnavailableError):
            await sqs.call("list", "list_queues")
        assert time.monotonic() - start < 1.0 + 3.0
    finally:
        await sqs.close()


async def test_paused_and_restarted_server(dedicated_moto: ServiceHandle) -> None:
    sqs = _client(dedicated_moto.endpoint.url, timeout=1.0)
    try:
        await sqs.call("create queue", "create_queue", QueueName="before")
        await asyncio.to_thread(dedicated_moto.pause)
        try:
            with pytest.raises(AdapterUnavailableError):
                await sqs.call("list", "list_queues")
        finally:
            await asyncio.to_thread(dedicated_moto.unpause)
        await asyncio.to_thread(dedicated_moto.stop)
        try:
            with pytest.raises(AdapterUnavailableError):
                await sqs.call("list", "list_queues")
        finally:
            await asyncio.to_thread(dedicated_moto.start)
        deadline = time.monotonic() + 30
        while True:
            try:
                reply = await sqs.call("list", "list_queues")
                break
            except AdapterUnavailableError:
                assert time.monotonic() < deadline, "the client did not recover after the restart"
                await asyncio.sleep(0.2)
        assert "QueueUrls" not in reply, "moto keeps nothing across a restart"
    finally:
        await sqs.close()
