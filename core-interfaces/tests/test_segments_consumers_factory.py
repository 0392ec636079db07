"""Units of the core's shared adapter helpers: name segments, consumer registry, factory settings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepkit.core.consumers import ConsumerRegistry, new_subscription
from stepkit.core.factory_settings import events_service_settings, service_settings
from stepkit.core.models.events import Event, QueueConfig
from stepkit.core.segments import bounded_segment, checked_name, identifier_digest, utf8_size

_DOTLESS = str.maketrans({"_": "_u", ".": "_d", "~": "_t", "%": "_p"})


def _segment(identifier: str) -> str:
    return bounded_segment(identifier, translation=_DOTLESS, budget=40, hash_mark="_h")


identifiers = st.text(min_size=1, max_size=60).filter(lambda s: not any(0xD800 <= ord(c) <= 0xDFFF for c in s))


@given(identifiers, identifiers)
def test_segments_are_injective_and_bounded(a: str, b: str) -> None:
    assert len(_segment(a)) <= 40
    assert "." not in _segment(a)
    if a != b:
        assert _segment(a) != _segment(b)


def test_segment_plain_when_it_fits_hashed_otherwise() -> None:
    assert _segment("orders.v1") == "orders_dv1"
    long = "x" * 41
    assert _segment(long) == "_h" + hashlib.sha256(long.encode()).hexdigest()[:32]
    assert identifier_digest("é", 8) == hashlib.sha256("é".encode()).hexdigest()[:8]


def test_checked_name_names_the_limit() -> None:
    assert checked_name("abc", 3, what="queue") == "abc"
    with pytest.raises(AssertionError, match=r"queue 'éé' is 4 bytes; the backend allows 3"):
        checked_name("éé", 3, what="queue", size=utf8_size, unit="bytes")


@dataclass
class _Consumer:
    stops: int = 0

    async def stop(self) -> None:
        self.stops += 1


async def _handler(event: Event) -> None:
    return None


async def test_registry_stops_each_consumer_once() -> None:
    registry: ConsumerRegistry[_Consumer] = ConsumerRegistry()
    first = new_subscription("t", "s", _handler, QueueConfig())
    second = new_subscription("t", "s", _handler, QueueConfig())
    assert first.id != second.id
    assert (first.topic, first.subscriber) == ("t", "s")
    a, b = _Consumer(), _Consumer()
    registry.add(first, a)
    registry.add(second, b)
    assert list(registry) == [a, b]
    assert len(registry) == 2
    await registry.stop(first)
    await registry.stop(first)
    assert a.stops == 1
    assert len(registry) == 1
    await registry.stop_all()
    await registry.stop_all()
    assert (a.stops, b.stops, len(registry)) == (1, 1, 0)


@dataclass(frozen=True)
class _Endpoint:
    url: str


@dataclass(frozen=True)
class _Ctx:
    namespace: str
    operation_timeout: float

    def service(self, name: str) -> _Endpoint:
        return _Endpoint(f"{name}://host:1")


def test_factory_settings() -> None:
    assert service_settings(_Ctx("ns", 2.0), "redis") == {
        "url": "redis://host:1",
        "namespace": "ns",
        "operation_timeout": 2.0,
    }
    assert events_service_settings(_Ctx("ns", 2.0), "kafka")["drain_timeout"] == 5.0
    assert events_service_settings(_Ctx("ns", 8.0), "kafka")["drain_timeout"] == 8.0
