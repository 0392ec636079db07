"""The SNS/SQS topology a subscribe creates, on a real moto server."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqs_helpers import AdapterFactory, Recorder, qc

from stepkit.adapters.sqs_events import SqsEventAdapter
from stepkit.core import AdapterConfigurationError, QueueConfig


async def _attributes(adapter: SqsEventAdapter, url: str) -> dict[str, Any]:
    client = await adapter._sqs.get()
    reply: dict[str, Any] = await client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    return reply["Attributes"]


async def test_subscribe_creates_queue_dlq_and_raw_subscription(make_adapter: AdapterFactory) -> None:
    adapter = make_adapter()
    await adapter.subscribe("orders:*", "billing", Recorder(), qc(max_retries=4, delay_seconds=2, visibility_timeout=7))
    names = adapter.names.group("orders:*", "billing", False)
    url = await adapter.topology.queue_url(names.queue)
    dlq_url = await adapter.topology.queue_url(names.dlq)
    assert url is not None
    assert dlq_url is not None
    attributes = await _attributes(adapter, url)
    redrive = json.loads(attributes["RedrivePolicy"])
    assert int(redrive["maxReceiveCount"]) == 5, "maxReceiveCount must be max_retries + 1"
    assert redrive["deadLetterTargetArn"].endswith(":" + names.dlq)
    assert attributes["DelaySeconds"] == "2"
    assert attributes["VisibilityTimeout"] == "7"
    sns = await adapter._sns.get()
    topic_arn = await adapter.topology.topic_arn("orders:*")
    assert topic_arn.endswith(".fifo")
    subscriptions = (await sns.list_subscriptions_by_topic(TopicArn=topic_arn))["Subscriptions"]
    assert [s["Endpoint"].rsplit(":", 1)[1] for s in subscriptions] == [names.queue]
    subscription_attributes = (
        await sns.get_subscription_attributes(SubscriptionArn=subscriptions[0]["SubscriptionArn"])
    )["Attributes"]
    assert subscription_attributes["RawMessageDelivery"] == "true"


async def test_fifo_group_gets_fifo_queues(make_adapter: AdapterFactory) -> None:
    adapter = make_adapter()
    await adapter.subscribe("t", "g", Recorder(), qc(type="fifo"))
    names = adapter.names.group("t", "g", True)
    url = await adapter.topology.queue_url(names.queue)
    assert url is not None
    assert names.queue.endswith(".fifo")
    assert (await _attributes(adapter, url))["FifoQueue"] == "true"


async def test_visibility_lease_is_capped(make_adapter: AdapterFactory) -> None:
    adapter = make_adapter(visibility_lease=4)
    await adapter.subscribe("t", "g", Recorder(), qc(visibility_timeout=300))
    url = await adapter.topology.queue_url(adapter.names.group("t", "g", False).queue)
    assert url is not None
    assert (await _attributes(adapter, url))["VisibilityTimeout"] == "4"


async def test_sqs_limits_refused_with_the_limit(make_adapter: AdapterFactory) -> None:
    adapter = make_adapter()
    with pytest.raises(AdapterConfigurationError, match="900"):
        await adapter.subscribe("t", "g", Recorder(), QueueConfig.model_construct(delay_seconds=901.0))
    with pytest.raises(AdapterConfigurationError, match="1000"):
        await adapter.subscribe("t", "g", Recorder(), QueueConfig(max_retries=1000))
    assert await adapter.topology.queue_url(adapter.names.group("t", "g", False).queue) is None


async def test_bad_settings_name_the_field() -> None:
    for field, value in (("name_prefix", "a.b"), ("max_message_bytes", 262145), ("wait_time_seconds", 21)):
        with pytest.raises(AdapterConfigurationError, match=field):
            SqsEventAdapter({field: value})
