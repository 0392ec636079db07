"""stepkit events adapter on Amazon SNS + SQS.

Registered as ``sqs`` in the ``stepkit.events`` entry-point group::

    from stepkit.adapters.sqs_events import SqsEventAdapter

    async with SqsEventAdapter({"region": "eu-west-1", "namespace": "shop"}) as events:
        ...
"""

from stepkit.adapters.sqs_events.adapter import SqsEventAdapter
from stepkit.adapters.sqs_events.config import SqsEventsConfig

__all__ = ["SqsEventAdapter", "SqsEventsConfig"]
