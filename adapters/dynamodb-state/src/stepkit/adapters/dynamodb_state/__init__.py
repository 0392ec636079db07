"""stepkit state adapter on DynamoDB (``STEPKIT_STATE_ADAPTER=dynamodb``)."""

from stepkit.adapters.dynamodb_state.adapter import DynamoDBStateAdapter
from stepkit.adapters.dynamodb_state.config import DynamoDBStateConfig

__all__ = ["DynamoDBStateAdapter", "DynamoDBStateConfig"]
