"""Settings validation and the key layout (pure logic, no server)."""

from __future__ import annotations

import pytest

from stepkit.adapters.redis_common import KeyLayout, RedisSettings, client_options
from stepkit.core.errors import AdapterConfigurationError


def test_namespace_prefix_is_an_encoded_hash_tag() -> None:
    settings = RedisSettings.build({"namespace": "a:b {c}*"})
    assert settings.namespace_prefix == "stepkit:{a%3Ab%20%7Bc%7D%2A}"


@pytest.mark.parametrize(
    ("tag", "ids"), [("s", ("a", "b:c")), ("s", ("a:b", "c")), ("s", ("a*",)), ("s", ("a?",)), ("s", ("[a]",))]
)
def test_keys_are_distinct_and_glob_free(tag: str, ids: tuple[str, ...]) -> None:
    key = KeyLayout("p:{ns}").key(tag, *ids)
    assert not any(c in key[len("p:{ns}") :] for c in "*?[]{} ")


def test_split_identifiers_never_collide() -> None:
    layout = KeyLayout("p")
    assert layout.key("s", "a", "b:c") != layout.key("s", "a:b", "c")


@pytest.mark.parametrize(
    "settings", [{"url": "http://x"}, {"key_prefix": "a{b}"}, {"key_prefix": "a*"}, {"operation_timeout": 0}]
)
def test_bad_settings_are_refused(settings: dict[str, object]) -> None:
    with pytest.raises(AdapterConfigurationError):
        RedisSettings.build(settings)


def test_tls_and_password_options() -> None:
    options = client_options(
        RedisSettings.build({"url": "rediss://h:6380/0", "password": "s3cret", "ssl_cert_reqs": "none"})
    )
    assert options["password"] == "s3cret"
    assert "ssl_cert_reqs" in options
    plain = client_options(RedisSettings.build({}))
    assert "ssl_cert_reqs" not in plain
    assert "password" not in plain


def test_settings_from_env() -> None:
    settings = RedisSettings.from_env(
        "X_", {"X_URL": "redis://h:1/2", "X_NAMESPACE": "ns", "X_OPERATION_TIMEOUT": "2.5"}
    )
    assert (settings.url, settings.namespace, settings.operation_timeout) == ("redis://h:1/2", "ns", 2.5)
