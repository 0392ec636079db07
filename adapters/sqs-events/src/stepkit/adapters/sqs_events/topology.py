"""Creating (and re-creating) the SNS topics, SQS queues, DLQs and subscriptions.

::

    emit(topic) ──Publish──► SNS FIFO topic  {prefix}-{slug}-{h}.fifo
                               │  raw message delivery, one subscription per group
                 ┌─────────────┴──────────────┐
                 ▼                            ▼
       SQS queue of group A             SQS queue of group B (.fifo for a fifo group)
       │ RedrivePolicy: maxReceiveCount = max_retries + 1
       ▼
       SQS DLQ of group A  ◄── dlq_count / redrive_dlq

Every call is idempotent (CreateTopic, CreateQueue with fixed attributes,
SetQueueAttributes, Subscribe), so each member ensures the whole topology on
subscribe, and again after the server lost it (a moto restart).
"""

from __future__ import annotations

import asyncio
import json
import math
from dataclasses import dataclass

from stepkit.adapters.aws_common import AwsClient, is_not_found
from stepkit.adapters.sqs_events.config import (
    SQS_MAX_DELAY_SECONDS,
    SQS_MAX_VISIBILITY_SECONDS,
    SqsEventsConfig,
)
from stepkit.adapters.sqs_events.naming import GroupNames, Names
from stepkit.core.errors import AdapterConfigurationError, AdapterError
from stepkit.core.models.events import QueueConfig

SQS_MAX_RECEIVE_COUNT = 1000
"""SQS' largest ``maxReceiveCount`` in a redrive policy."""


def whole_seconds(seconds: float) -> int:
    """``seconds`` rounded up to SQS' whole seconds (never less than asked for)."""
    return max(0, math.ceil(seconds - 1e-9))


def lease_seconds(config: QueueConfig, settings: SqsEventsConfig) -> int:
    """The visibility (whole seconds, at least 1) granted per receive and per renewal."""
    return min(
        SQS_MAX_VISIBILITY_SECONDS, max(1, whole_seconds(min(config.visibility_timeout, settings.visibility_lease)))
    )


def check_queue_config(config: QueueConfig) -> None:
    """Refuse what SQS cannot do, naming the limit.

    Raises:
        AdapterConfigurationError: ``delay_seconds`` over 900 s, ``max_retries + 1`` over 1000.
    """
    if config.delay_seconds > SQS_MAX_DELAY_SECONDS:
        raise AdapterConfigurationError(
            f"QueueConfig.delay_seconds={config.delay_seconds:g} is over SQS' DelaySeconds limit of "
            f"{SQS_MAX_DELAY_SECONDS} seconds"
        )
    if config.max_retries + 1 > SQS_MAX_RECEIVE_COUNT:
        raise AdapterConfigurationError(
            f"QueueConfig.max_retries={config.max_retries} needs maxReceiveCount {config.max_retries + 1}; "
            f"SQS allows at most {SQS_MAX_RECEIVE_COUNT} (max_retries <= {SQS_MAX_RECEIVE_COUNT - 1})"
        )


def _queue_arn(topic_arn: str, queue: str) -> str:
    """The ARN of ``queue`` in the topic's partition, region and account."""
    _, partition, _, region, account, _ = topic_arn.split(":", 5)
    return f"arn:{partition}:sqs:{region}:{account}:{queue}"


def _send_policy(queue_arn: str, topic_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "stepkit-sns-fanout",
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": queue_arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
                }
            ],
        }
    )


@dataclass(frozen=True)
class GroupQueues:
    """A group's queue and DLQ, created and subscribed."""

    names: GroupNames
    url: str
    dlq_url: str


class Topology:
    """Ensures topics and group queues exist; caches topic ARNs and queue URLs."""

    def __init__(self, names: Names, sns: AwsClient, sqs: AwsClient, settings: SqsEventsConfig) -> None:
        self.names = names
        self._sns = sns
        self._sqs = sqs
        self._settings = settings
        self._topic_arns: dict[str, str] = {}
        self._urls: dict[str, str] = {}

    def forget(self) -> None:
        """Drop every cached ARN and URL (after the server lost its state)."""
        self._topic_arns.clear()
        self._urls.clear()

    async def topic_arn(self, topic: str, *, fresh: bool = False) -> str:
        """The ARN of ``topic``'s SNS FIFO topic, created when missing (always asked for when ``fresh``)."""
        arn = None if fresh else self._topic_arns.get(topic)
        if arn is None:
            reply = await self._sns.call(
                f"create SNS topic for {topic!r}",
                "create_topic",
                timeout=self._settings.setup_timeout,
                Name=self.names.topic(topic),
                Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "false"},
            )
            arn = str(reply["TopicArn"])
            self._topic_arns[topic] = arn
        return arn

    async def _create_queue(self, name: str, fifo: bool) -> str:
        attributes = {"FifoQueue": "true"} if fifo else {}
        reply = await self._sqs.call(
            f"create queue {name}",
            "create_queue",
            timeout=self._settings.setup_timeout,
            QueueName=name,
            Attributes=attributes,
        )
        url = str(reply["QueueUrl"])
        self._urls[name] = url
        return url

    async def ensure_group(self, topic: str, subscriber: str, config: QueueConfig) -> GroupQueues:
        """Create (idempotently) the group's DLQ, queue and subscription, applying ``config``.

        The last member to subscribe sets the queue's delay, visibility and
        redrive policy.
        """
        check_queue_config(config)
        names = self.names.group(topic, subscriber, config.type == "fifo")
        topic_arn, dlq_url, url = await asyncio.gather(
            self.topic_arn(topic, fresh=True),
            self._create_queue(names.dlq, names.fifo),
            self._create_queue(names.queue, names.fifo),
        )
        retention = str(self._settings.message_retention_seconds)
        queue_arn = _queue_arn(topic_arn, names.queue)
        redrive = {"deadLetterTargetArn": _queue_arn(topic_arn, names.dlq), "maxReceiveCount": config.max_retries + 1}
        await asyncio.gather(
            self._sqs.call(
                f"configure DLQ {names.dlq}",
                "set_queue_attributes",
                timeout=self._settings.setup_timeout,
                QueueUrl=dlq_url,
                Attributes={"MessageRetentionPeriod": retention},
            ),
            self._sqs.call(
                f"configure queue {names.queue}",
                "set_queue_attributes",
                timeout=self._settings.setup_timeout,
                QueueUrl=url,
                Attributes={
                    "DelaySeconds": str(whole_seconds(config.delay_seconds)),
                    "VisibilityTimeout": str(lease_seconds(config, self._settings)),
                    "MessageRetentionPeriod": retention,
                    "RedrivePolicy": json.dumps(redrive),
                    "Policy": _send_policy(queue_arn, topic_arn),
                },
            ),
        )
        # Subscribe last: once the subscription exists the queue is fully configured.
        await self._sns.call(
            f"subscribe queue {names.queue} to topic {topic!r}",
            "subscribe",
            timeout=self._settings.setup_timeout,
            TopicArn=topic_arn,
            Protocol="sqs",
            Endpoint=queue_arn,
            Attributes={"RawMessageDelivery": "true"},
            ReturnSubscriptionArn=True,
        )
        return GroupQueues(names=names, url=url, dlq_url=dlq_url)

    async def queue_url(self, name: str) -> str | None:
        """The URL of queue ``name``, or None when it does not exist."""
        url = self._urls.get(name)
        if url is not None:
            return url
        try:
            reply = await self._sqs.call(f"look up queue {name}", "get_queue_url", QueueName=name)
        except AdapterError as exc:
            if exc.__cause__ is not None and is_not_found(exc.__cause__):
                return None
            raise
        url = str(reply["QueueUrl"])
        self._urls[name] = url
        return url


__all__ = ["SQS_MAX_RECEIVE_COUNT", "GroupQueues", "Topology", "check_queue_config", "lease_seconds", "whole_seconds"]
