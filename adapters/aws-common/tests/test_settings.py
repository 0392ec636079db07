"""AwsSettings and botocore_config: pure logic, no server."""

from __future__ import annotations

import pytest

from stepkit.adapters.aws_common import DUMMY_ACCESS_KEY_ID, AwsSettings, botocore_config, shared_session
from stepkit.core.errors import AdapterConfigurationError


def test_local_endpoint_without_keys_sends_dummy_keys() -> None:
    creds = AwsSettings(url="http://127.0.0.1:5000").credentials()
    assert creds["aws_access_key_id"] == DUMMY_ACCESS_KEY_ID
    assert "aws_secret_access_key" in creds


def test_aws_without_keys_uses_default_chain() -> None:
    assert AwsSettings().credentials() == {}


def test_explicit_keys_win() -> None:
    settings = AwsSettings.build(
        {"aws_access_key_id": "AKIA", "aws_secret_access_key": "s3cret", "aws_session_token": "tok"}
    )
    assert settings.credentials() == {
        "aws_access_key_id": "AKIA",
        "aws_secret_access_key": "s3cret",
        "aws_session_token": "tok",
    }
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("field", "value"),
    [("url", "ftp://x"), ("region", "US EAST"), ("connect_timeout", 0), ("max_attempts", 0), ("operation_timeout", -1)],
)
def test_bad_settings_name_the_field(field: str, value: object) -> None:
    with pytest.raises(AdapterConfigurationError, match=field):
        AwsSettings.build({field: value})


def test_settings_from_env() -> None:
    env = {"X_URL": "http://h:1", "X_REGION": "eu-west-1", "X_MAX_ATTEMPTS": "5", "X_OPERATION_TIMEOUT": "2.5"}
    settings = AwsSettings.from_env("X_", env)
    assert (settings.url, settings.region, settings.max_attempts, settings.operation_timeout) == (
        "http://h:1",
        "eu-west-1",
        5,
        2.5,
    )


def test_botocore_config_is_bounded() -> None:
    settings = AwsSettings(operation_timeout=1.5, connect_timeout=4.0, max_attempts=2, region="eu-west-1")
    config = botocore_config(settings)
    assert config.connect_timeout == 1.5
    assert config.read_timeout == 1.5
    assert config.retries == {"max_attempts": 2, "mode": "standard"}
    assert config.region_name == "eu-west-1"
    assert botocore_config(settings, read_timeout=22.0, pool_size=3).read_timeout == 22.0


def test_one_session_per_region() -> None:
    assert shared_session("eu-west-1") is shared_session("eu-west-1")
    assert shared_session("eu-west-1") is not shared_session("us-east-1")
