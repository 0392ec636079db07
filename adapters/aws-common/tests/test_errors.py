"""Mapping botocore failures onto the stepkit error family: pure logic, no server."""

from __future__ import annotations

import asyncio

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError, ReadTimeoutError

from stepkit.adapters.aws_common import aws_deadline, error_code, is_not_found, is_transport_error, translate
from stepkit.core.errors import (
    AdapterConfigurationError,
    AdapterConflictError,
    AdapterError,
    AdapterUnavailableError,
)


def _client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": f"boom {code}"}}, "SendMessage")


def _translate(exc: BaseException) -> AdapterError:
    return translate(exc, backend="sqs", operation="send", timeout=2.0)


@pytest.mark.parametrize(
    "exc",
    [
        EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
        ReadTimeoutError(endpoint_url="http://127.0.0.1:1"),
        ConnectionRefusedError(),
        TimeoutError(),
        _client_error("ThrottlingException"),
        _client_error("AWS.SimpleQueueService.RequestThrottled"),
        _client_error("InternalError"),
    ],
)
def test_unavailable(exc: BaseException) -> None:
    err = _translate(exc)
    assert type(err) is AdapterUnavailableError
    assert "sqs" in str(err)
    assert "send" in str(err)


@pytest.mark.parametrize(
    "exc", [_client_error("AccessDenied"), _client_error("InvalidClientTokenId"), NoCredentialsError()]
)
def test_configuration(exc: BaseException) -> None:
    assert type(_translate(exc)) is AdapterConfigurationError


def test_other_errors_and_passthrough() -> None:
    assert type(_translate(_client_error("InvalidParameterValue"))) is AdapterError
    assert type(translate(ValueError("x"), backend="b", operation="o", timeout=1, other=AdapterConflictError)) is (
        AdapterConflictError
    )
    mine = AdapterConflictError("mine")
    assert _translate(mine) is mine


def test_codes() -> None:
    assert error_code(_client_error("QueueDoesNotExist")) == "QueueDoesNotExist"
    assert error_code(ValueError()) == ""
    assert is_not_found(_client_error("AWS.SimpleQueueService.NonExistentQueue"))
    assert is_not_found(_client_error("NotFound"))
    assert not is_not_found(_client_error("AccessDenied"))
    assert is_transport_error(EndpointConnectionError(endpoint_url="x"))
    assert not is_transport_error(_client_error("NotFound"))


async def test_deadline_bounds_and_chains() -> None:
    with pytest.raises(AdapterUnavailableError, match=r"within 0\.05s") as info:
        async with aws_deadline(0.05, backend="sqs", operation="receive"):
            await asyncio.sleep(5)
    assert isinstance(info.value.__cause__, TimeoutError)
    with pytest.raises(AdapterError) as other:
        async with aws_deadline(1, backend="sqs", operation="receive"):
            raise _client_error("InvalidParameterValue")
    assert isinstance(other.value.__cause__, ClientError)
