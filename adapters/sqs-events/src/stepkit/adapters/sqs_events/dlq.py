"""Counting and redriving a group's dead-letter queue.

A group has a standard or a FIFO queue pair (by its ``QueueConfig.type``);
both are looked at, so ``dlq_count``/``redrive_dlq`` need only the topic and
subscriber. Redrive sends each dead event back to the group's own queue (not
through SNS: other groups never see it again) as a new message, so its
receive count, and so its retries, start again; for FIFO queues it keeps the
message group and gets a fresh deduplication id.
"""

from __future__ import annotations

import uuid

from stepkit.adapters.aws_common import AwsClient, is_not_found
from stepkit.adapters.sqs_events.naming import GroupNames, sqs_token
from stepkit.adapters.sqs_events.topology import Topology
from stepkit.core.errors import AdapterError

_COUNTS = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"]
REDRIVE_VISIBILITY = 30
"""Seconds a DLQ message being moved stays invisible (moved and deleted well before)."""


def _group_pairs(topology: Topology, topic: str, subscriber: str) -> list[GroupNames]:
    return [topology.names.group(topic, subscriber, fifo) for fifo in (False, True)]


async def count(topology: Topology, sqs: AwsClient, topic: str, subscriber: str) -> int:
    """Events in the group's DLQ(s), in flight or not (0 when the group never subscribed)."""
    total = 0
    for names in _group_pairs(topology, topic, subscriber):
        url = await topology.queue_url(names.dlq)
        if url is None:
            continue
        try:
            reply = await sqs.call(f"count {names.dlq}", "get_queue_attributes", QueueUrl=url, AttributeNames=_COUNTS)
        except AdapterError as exc:
            if exc.__cause__ is not None and is_not_found(exc.__cause__):
                topology.forget()
                continue
            raise
        total += sum(int(reply.get("Attributes", {}).get(name, "0")) for name in _COUNTS)
    return total


async def redrive(topology: Topology, sqs: AwsClient, topic: str, subscriber: str) -> int:
    """Move every event of the group's DLQ(s) back to its queue; returns how many moved."""
    moved = 0
    for names in _group_pairs(topology, topic, subscriber):
        dlq_url = await topology.queue_url(names.dlq)
        queue_url = await topology.queue_url(names.queue)
        if dlq_url is None or queue_url is None:
            continue
        moved += await _drain(sqs, names, dlq_url, queue_url)
    return moved


async def _drain(sqs: AwsClient, names: GroupNames, dlq_url: str, queue_url: str) -> int:
    moved = 0
    while True:
        reply = await sqs.call(
            f"receive from {names.dlq}",
            "receive_message",
            QueueUrl=dlq_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=0,
            VisibilityTimeout=REDRIVE_VISIBILITY,
            MessageSystemAttributeNames=["MessageGroupId"],
        )
        messages = reply.get("Messages", [])
        if not messages:
            return moved
        entries = []
        for n, message in enumerate(messages):
            entry = {"Id": str(n), "MessageBody": message["Body"]}
            if names.fifo:
                entry["MessageGroupId"] = message.get("Attributes", {}).get("MessageGroupId", sqs_token("r", "none"))
                entry["MessageDeduplicationId"] = sqs_token("r", uuid.uuid4().hex)
            entries.append(entry)
        sent = await sqs.call(f"redrive to {names.queue}", "send_message_batch", QueueUrl=queue_url, Entries=entries)
        done = {str(ok["Id"]) for ok in sent.get("Successful", [])}
        if done:
            await sqs.call(
                f"delete redriven events from {names.dlq}",
                "delete_message_batch",
                QueueUrl=dlq_url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                    for n, m in enumerate(messages)
                    if str(n) in done
                ],
            )
        if len(done) < len(messages):
            raise AdapterError(
                f"sqs: redrive to {names.queue} moved {moved + len(done)} events, then SQS refused "
                f"{len(messages) - len(done)}: {sent.get('Failed')}"
            )
        moved += len(done)


__all__ = ["REDRIVE_VISIBILITY", "count", "redrive"]
