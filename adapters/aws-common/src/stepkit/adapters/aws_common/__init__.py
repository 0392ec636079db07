"""What the stepkit AWS adapters (``stepkit-sqs-events``, ``stepkit-dynamodb-state``) share.

* :class:`AwsSettings`: a config base with endpoint URL, region, credentials
  (dummy keys against a local endpoint), connect timeout and botocore attempts.
* :class:`AwsClient`: a lazily created aioboto3 client whose ``call`` is bounded
  by ``operation_timeout`` and raises only stepkit errors.
* :func:`botocore_config`: the botocore ``Config`` behind it (timeouts, retries).
* :func:`shared_session`: one aioboto3 session per region and process, so
  clients reuse loaded service models (creating one takes milliseconds).
* :func:`aws_deadline` / :func:`translate`: botocore failures mapped onto the
  stepkit error family; :func:`error_code`, :func:`is_not_found` to react to codes.
"""

from stepkit.adapters.aws_common.client import AwsClient, botocore_config, shared_session
from stepkit.adapters.aws_common.config import DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY, AwsSettings
from stepkit.adapters.aws_common.errors import (
    CONFIGURATION_CODES,
    NOT_FOUND_CODES,
    TRANSPORT_ERRORS,
    UNAVAILABLE_CODES,
    aws_deadline,
    error_code,
    is_not_found,
    is_transport_error,
    translate,
)

__all__ = [
    "CONFIGURATION_CODES",
    "DUMMY_ACCESS_KEY_ID",
    "DUMMY_SECRET_ACCESS_KEY",
    "NOT_FOUND_CODES",
    "TRANSPORT_ERRORS",
    "UNAVAILABLE_CODES",
    "AwsClient",
    "AwsSettings",
    "aws_deadline",
    "botocore_config",
    "error_code",
    "is_not_found",
    "is_transport_error",
    "shared_session",
    "translate",
]
