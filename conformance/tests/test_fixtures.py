"""``stepkit_dedicated_service`` (real servers from the kit's provisioning) and ``ClosingFactory``."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from stepkit.conformance.fixtures import ClosingFactory, DedicatedService
from stepkit.conformance.services import ServiceHandle, ServiceProvider
from stepkit.core.defaults import MemoryStateAdapter
from stepkit.core.defaults.memory_config import MemoryConfig

pytest_plugins = ["pytester"]


# -- stepkit_dedicated_service --------------------------------------------------------------
@pytest.fixture
def handed_out() -> Iterator[list[ServiceHandle]]:
    """The dedicated handles a test got; checked closed after ``stepkit_dedicated_service`` tore down.

    Requested before ``stepkit_dedicated_service``, so it is set up before and torn down after it.
    """
    handles: list[ServiceHandle] = []
    yield handles
    assert handles, "the test handed out no dedicated server"
    states = [handle.state for handle in handles]
    assert states == ["closed"] * len(handles), f"dedicated servers left open after the test: {states}"


def test_dedicated_servers_are_distinct_from_the_shared_one_and_closed_at_test_end(
    handed_out: list[ServiceHandle],
    stepkit_services: ServiceProvider,
    stepkit_dedicated_service: DedicatedService,
) -> None:
    shared = stepkit_services.get("redis")
    one = stepkit_dedicated_service("redis")
    two = stepkit_dedicated_service("redis")
    handed_out.extend([one, two])
    assert one is not shared
    assert two is not one
    urls = {shared.endpoint.url, one.endpoint.url, two.endpoint.url}
    assert len(urls) == 3, f"dedicated servers must not share an address: {urls}"
    assert one.supports_faults
    assert two.supports_faults
    assert one.state == two.state == "running"
    # Really separate servers: a key written to one is on neither the other nor the shared one.
    key = "stepkit-dedicated-fixture-test"
    with redis.Redis.from_url(one.endpoint.url) as first:
        first.set(key, "mine")
        assert first.get(key) == b"mine"
    with redis.Redis.from_url(two.endpoint.url) as second, redis.Redis.from_url(shared.endpoint.url) as common:
        assert second.get(key) is None
        assert common.get(key) is None
    assert shared.state == "running"


def _run_inner(pytester: pytest.Pytester, source: str, monkeypatch: pytest.MonkeyPatch, **env: str) -> Any:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    pytester.makepyfile(test_inner=textwrap.dedent(source))
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rs", timeout=300)


def test_dedicated_service_skips_naming_the_server_when_a_url_is_given(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, stepkit_services: ServiceProvider
) -> None:
    url = stepkit_services.get("redis").endpoint.url  # a running server, named by URL to the inner session
    result = _run_inner(
        pytester,
        """
        HANDLES = []

        def test_wants_faults(stepkit_dedicated_service):
            HANDLES.append(stepkit_dedicated_service("redis"))
            raise AssertionError("not reached: a URL server cannot be faulted")

        def test_skipped_before_the_handle_was_returned():
            assert HANDLES == []
        """,
        monkeypatch,
        STEPKIT_REDIS_URL=url,
    )
    result.assert_outcomes(skipped=1, passed=1)
    result.stdout.fnmatch_lines([f"SKIPPED*redis: provider=url url={url} *cannot be paused or restarted*"])


def test_dedicated_service_closes_its_servers_when_the_test_fails(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STEPKIT_REDIS_URL", raising=False)
    result = _run_inner(
        pytester,
        """
        HANDLES = []

        def test_fails_holding_a_server(stepkit_dedicated_service):
            HANDLES.append(stepkit_dedicated_service("redis"))
            assert HANDLES[0].state == "running"
            raise AssertionError("deliberate failure")

        def test_the_server_was_closed_at_the_end_of_the_failing_test():
            assert [handle.state for handle in HANDLES] == ["closed"]
        """,
        monkeypatch,
    )
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["*deliberate failure*"])


# -- ClosingFactory -------------------------------------------------------------------------
class FailingCloseState(MemoryStateAdapter):
    """A memory adapter whose close reports an error after releasing itself (closing must go on)."""

    async def close(self) -> None:
        await super().close()
        raise RuntimeError(f"close failed for {self.config.namespace}")


def _config(adapter: MemoryStateAdapter) -> MemoryConfig:
    assert isinstance(adapter.config, MemoryConfig)
    return adapter.config


async def test_closing_factory_merges_overrides_onto_base_settings() -> None:
    base = {"namespace": "base_ns", "store": "closing_factory_test", "operation_timeout": 2.0}
    make = ClosingFactory(MemoryStateAdapter, base)
    plain = make()
    custom = make(namespace="other_ns", operation_timeout=0.5)
    assert (_config(plain).namespace, _config(plain).store, _config(plain).operation_timeout) == (
        "base_ns",
        "closing_factory_test",
        2.0,
    )
    assert (_config(custom).namespace, _config(custom).store, _config(custom).operation_timeout) == (
        "other_ns",
        "closing_factory_test",
        0.5,
    )
    assert base["namespace"] == "base_ns"  # the caller's mapping is not changed
    assert make.made == [plain, custom]
    await make.close()


async def test_closing_factory_closes_every_adapter_idempotently_into_a_shared_list() -> None:
    made: list[MemoryStateAdapter] = []
    make = ClosingFactory(MemoryStateAdapter, {"store": "closing_factory_test"}, made=made)
    adapters = [make(namespace=f"ns{i}") for i in range(3)]
    assert made == adapters  # the caller's list receives them
    await adapters[0].set("g", "k", 1)
    assert not any(adapter.closed for adapter in adapters)
    await make.close()
    assert all(adapter.closed for adapter in adapters)
    await make.close()  # again: nothing raises
    assert all(adapter.closed for adapter in adapters)


async def test_closing_factory_closes_the_rest_when_one_close_raises_and_raises_the_first() -> None:
    make = ClosingFactory(MemoryStateAdapter, {"store": "closing_factory_test"})
    before = make(namespace="before")
    failing_one = FailingCloseState({"store": "closing_factory_test", "namespace": "bad_one"})
    failing_two = FailingCloseState({"store": "closing_factory_test", "namespace": "bad_two"})
    make.made.extend([failing_one, failing_two])
    after = make(namespace="after")
    with pytest.raises(RuntimeError, match="close failed for bad_one"):
        await make.close()
    assert before.closed
    assert failing_one.closed
    assert failing_two.closed
    assert after.closed


class UnreachableState(MemoryStateAdapter):
    """A memory adapter whose backend cannot be reached: ``open()`` fails."""

    async def _open(self) -> None:
        raise ConnectionRefusedError("backend down")


async def test_closing_factory_builds_and_closes_without_touching_a_backend() -> None:
    make = ClosingFactory(UnreachableState, {"store": "closing_factory_test"})
    adapter = make(namespace="never_opened")  # building does not open: no error here
    assert make.made == [adapter]
    with pytest.raises(ConnectionRefusedError):
        await adapter.open()  # (the adapter really cannot reach its backend)
    await make.close()
    assert adapter.closed
