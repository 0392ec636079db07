"""End to end: three ``stepkit start`` processes of examples/messaging on Redis and RabbitMQ.

* requests to any instance share state;
* each event is handled exactly once per subscriber group (ProcessMessage, AuditMessage);
* over at least 10 ticks of the every-second cron step, each tick runs exactly once,
  with one instance's clock 2 s ahead and another's 2 s behind;
* SIGKILL of one instance with handlers in flight loses no event;
* a 10 s Redis restart under load dead-letters nothing: every accepted message is handled
  by both groups, and clients retrying 503s with an ``Idempotency-Key`` get each message
  accepted once.

Servers come from the ``stepkit_services`` fixture of the stepkit-conformance plugin
(Testcontainers, local server processes, or ``STEPKIT_REDIS_URL``/``STEPKIT_RABBITMQ_URL``).
The Redis and RabbitMQ adapters are test dependencies of stepkit-runtime: a missing one fails
the import here instead of skipping the test.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from process_harness import StepkitProcess
from runtime_testing import eventually

import stepkit.adapters.rabbitmq_events
import stepkit.adapters.redis_cron
import stepkit.adapters.redis_state
import stepkit.adapters.redis_streams  # noqa: F401  (installed adapters are selected by name)
from stepkit.conformance.services import ServiceHandle, ServiceProvider
from stepkit.core.protocols.events import EventAdapter
from stepkit.core.protocols.state import StateAdapter
from stepkit.core.protocols.streams import StreamAdapterManager
from stepkit.core.registry import create_adapter

APP = Path(__file__).resolve().parents[3] / "examples" / "messaging"
SKEWS = (2.0, 0.0, -2.0)


@pytest.fixture(scope="module")
def service_urls(stepkit_services: ServiceProvider) -> dict[str, str]:
    """Redis and RabbitMQ URLs of the servers provisioned for this test session."""
    return {name: stepkit_services.get(name).endpoint.url for name in ("redis", "rabbitmq")}


def instance_env(urls: dict[str, str], namespace: str, index: int) -> dict[str, str]:
    env = {
        "STEPKIT_STATE_ADAPTER": "redis",
        "STEPKIT_STATE_URL": urls["redis"],
        "STEPKIT_STATE_NAMESPACE": namespace,
        "STEPKIT_EVENTS_ADAPTER": "rabbitmq",
        "STEPKIT_EVENTS_URL": urls["rabbitmq"],
        "STEPKIT_EVENTS_NAMESPACE": namespace,
        "STEPKIT_CRON_INSTANCE_ID": f"instance-{index}",
        "STEPKIT_CLOCK_SKEW_SECONDS": str(SKEWS[index]),
        "STEPKIT_SHUTDOWN_TIMEOUT_SECONDS": "10",
    }
    env.update(
        {"STEPKIT_CRON_ADAPTER": "redis", "STEPKIT_CRON_URL": urls["redis"], "STEPKIT_CRON_NAMESPACE": namespace}
    )
    env.update(
        {
            "STEPKIT_STREAMS_ADAPTER": "redis",
            "STEPKIT_STREAMS_URL": urls["redis"],
            "STEPKIT_STREAMS_NAMESPACE": namespace,
        }
    )
    return env


class Cluster:
    """Three instances of the example app on one namespace, plus a state adapter to inspect it."""

    def __init__(self, urls: dict[str, str], workdir: Path) -> None:
        self.namespace = f"e2e{uuid.uuid4().hex[:12]}"
        self.instances = [
            StepkitProcess(APP, instance_env(urls, self.namespace, i), workdir / f"instance-{i}.log") for i in range(3)
        ]
        state = create_adapter("state", "redis", {"url": urls["redis"], "namespace": self.namespace})
        assert isinstance(state, StateAdapter)
        self.state = state
        self.started_at = 0.0

    def start(self) -> None:
        self.started_at = time.time()
        for instance in self.instances:
            instance.start()
        for instance in self.instances:
            instance.wait_ready(timeout=60)

    def stop(self) -> None:
        for instance in self.instances:
            try:
                instance.terminate(timeout=30)
            finally:
                instance.kill()

    def logs(self) -> str:
        return "\n".join(f"--- {i.log_path.name}\n{i.log()[-4000:]}" for i in self.instances)


@asynccontextmanager
async def running_cluster(urls: dict[str, str], workdir: Path) -> AsyncIterator[Cluster]:
    cluster = Cluster(urls, workdir)
    await asyncio.to_thread(cluster.start)
    try:
        yield cluster
    finally:
        await asyncio.to_thread(cluster.stop)
        await cluster.state.clear("messages")
        await cluster.state.clear("message-handling")
        await cluster.state.clear("cron-ticks")
        await cluster.state.close()


async def post_message(
    client: httpx.AsyncClient, instance: StepkitProcess, n: int, delay_ms: int = 0
) -> dict[str, Any]:
    body = {"text": f"message {n}", "sender": f"sender-{n % 4}", "delay_ms": delay_ms}
    response = await client.post(f"{instance.url}/messages", json=body)
    assert response.status_code == 202, response.text
    result: dict[str, Any] = {**response.json(), "sender": body["sender"]}
    return result


async def test_cluster_shares_state_and_handles_each_event_once_per_group(
    service_urls: dict[str, str], tmp_path: Path
) -> None:
    async with running_cluster(service_urls, tmp_path) as cluster, httpx.AsyncClient(timeout=30) as client:
        # Requests to any instance share state, and one request is one trace across instances.
        accepted = [await post_message(client, cluster.instances[n % 3], n) for n in range(30)]

        async def all_processed() -> bool:
            counters = await cluster.state.get_group("message-handling")
            return all(f"{step}:{m['id']}" in counters for m in accepted for step in ("ProcessMessage", "AuditMessage"))

        await eventually(all_processed, 60, "every message handled by both groups", cluster.logs)
        for n, message in enumerate(accepted):
            reader = cluster.instances[(n + 1) % 3]
            response = await client.get(f"{reader.url}/messages/{message['id']}")
            assert response.status_code == 200, response.text
            stored = response.json()
            assert stored["text"] == f"message {n}"
            assert stored["trace_id"] == message["trace_id"]
        handlers = {(await cluster.state.get("messages", m["id"]))["handled_by"] for m in accepted}
        assert len(handlers) >= 2, f"one instance handled every event: the group is not sharing work ({handlers})"

        # The stream written on one instance is readable from this process too.
        streams = create_adapter("streams", "redis", {"url": service_urls["redis"], "namespace": cluster.namespace})
        assert isinstance(streams, StreamAdapterManager)
        try:
            for message in accepted:
                item = await streams.stream("messages").get(message["sender"], message["id"])
                assert item is not None
                assert item["trace_id"] == message["trace_id"]
        finally:
            await streams.close()

        # Each event exactly once per subscriber group.
        counters = await cluster.state.get_group("message-handling")
        assert sorted(set(counters.values())) == [1], counters
        assert len(counters) == 60


async def test_each_cron_tick_runs_once_across_skewed_instances(service_urls: dict[str, str], tmp_path: Path) -> None:
    async with running_cluster(service_urls, tmp_path) as cluster:
        # Every instance is up, so every tick from here on is tried by all three (skews +2, 0, -2 s).
        first = math.ceil(time.time() + max(SKEWS) + 1)

        async def ten_ticks() -> bool:
            ticks = await cluster.state.get_group("cron-ticks")
            return len([t for t in ticks if int(t) >= first]) >= 11

        await eventually(ten_ticks, 60, "ten cron ticks", cluster.logs)
        ticks = {int(t): v for t, v in (await cluster.state.get_group("cron-ticks")).items()}
        window = range(first, max(ticks))
        assert len(window) >= 10
        assert {t: ticks.get(t) for t in window if ticks.get(t, {}).get("count") != 1} == {}
        assert all(v["count"] == 1 for v in ticks.values()), ticks


async def test_killing_an_instance_mid_flight_loses_no_event(service_urls: dict[str, str], tmp_path: Path) -> None:
    async with running_cluster(service_urls, tmp_path) as cluster, httpx.AsyncClient(timeout=30) as client:
        victim = cluster.instances[2]
        survivors = cluster.instances[:2]
        accepted = [await post_message(client, survivors[n % 2], n, delay_ms=1500) for n in range(24)]
        await asyncio.sleep(0.3)  # let deliveries reach every instance's handlers (a wait, not an assertion)
        victim.kill()

        async def all_processed() -> bool:
            counters = await cluster.state.get_group("message-handling")
            return all(f"{step}:{m['id']}" in counters for m in accepted for step in ("ProcessMessage", "AuditMessage"))

        await eventually(all_processed, 90, "every message handled after the kill", cluster.logs)
        for message in accepted:
            assert await cluster.state.get("messages", message["id"]) is not None
        # The victim really had handlers in flight, and their events were redelivered to a survivor.
        cut_off = [
            line["message_id"]
            for line in map(json.loads, filter(lambda text: text.startswith("{"), victim.log().splitlines()))
            if line.get("msg") == "processing message"
        ]
        assert cut_off, f"the victim had no handler in flight when killed\n{victim.log()}"
        for message_id in cut_off:
            stored = await cluster.state.get("messages", message_id)
            assert stored["handled_by"] != "instance-2"
        assert victim.process is not None
        assert victim.process.returncode == -9


async def post_until_accepted(client: httpx.AsyncClient, cluster: Cluster, n: int) -> dict[str, Any]:
    """POST message ``n`` with an Idempotency-Key, retrying 503/409/connection errors (as a client should)."""
    body = {"text": f"message {n}", "sender": f"sender-{n % 4}"}
    headers = {"idempotency-key": f"{cluster.namespace}-{n}"}
    for attempt in range(400):
        instance = cluster.instances[(n + attempt) % 3]
        try:
            response = await client.post(f"{instance.url}/messages", json=body, headers=headers)
        except httpx.TransportError:
            await asyncio.sleep(0.2)
            continue
        if response.status_code == 202:
            result: dict[str, Any] = response.json()
            return result
        assert response.status_code in (409, 503), response.text
        await asyncio.sleep(0.2)
    raise AssertionError(f"message {n} never accepted\n{cluster.logs()}")


async def test_a_redis_restart_under_load_dead_letters_nothing(
    stepkit_services: ServiceProvider, service_urls: dict[str, str], tmp_path: Path
) -> None:
    redis = stepkit_services.get("redis", dedicated=True)
    try:
        await restart_under_load(redis, {**service_urls, "redis": redis.endpoint.url}, tmp_path)
    finally:
        await asyncio.to_thread(redis.close)


async def restart_under_load(redis: ServiceHandle, urls: dict[str, str], tmp_path: Path) -> None:
    """Four clients post for 15 s; Redis is down from second 3 to 13; then every check of the test."""
    async with running_cluster(urls, tmp_path) as cluster, httpx.AsyncClient(timeout=30) as client:
        accepted: list[dict[str, Any]] = []
        counter = iter(range(10**6))
        stop_load = asyncio.Event()

        async def load() -> None:
            while not stop_load.is_set():
                accepted.append(await post_until_accepted(client, cluster, next(counter)))
                await asyncio.sleep(0.02)

        loaders = [asyncio.create_task(load()) for _ in range(4)]
        try:
            await asyncio.sleep(3)
            await asyncio.to_thread(redis.stop)
            await asyncio.sleep(10)
            await asyncio.to_thread(redis.start)
            await asyncio.sleep(2)
        finally:
            stop_load.set()
            await asyncio.gather(*loaders)
        ids = [message["id"] for message in accepted]
        assert len(set(ids)) == len(ids)

        async def all_processed() -> bool:
            counters = await cluster.state.get_group("message-handling")
            return all(f"{step}:{i}" in counters for i in ids for step in ("ProcessMessage", "AuditMessage"))

        await eventually(all_processed, 120, "every accepted message handled by both groups", cluster.logs)
        events = create_adapter("events", "rabbitmq", {"url": urls["rabbitmq"], "namespace": cluster.namespace})
        assert isinstance(events, EventAdapter)
        try:
            for step in ("ProcessMessage", "AuditMessage"):
                assert await events.dlq_count("message.received", step) == 0, cluster.logs()
        finally:
            await events.close()
        logs = "\n".join(instance.log() for instance in cluster.instances)
        assert "retrying in place" in logs, "no handler met the outage: the test proved nothing"
        assert "dead-lettered" not in logs
        senders = await cluster.state.get_group("senders")
        assert sum(entry["count"] for entry in senders.values()) == len(ids)
        await cluster.state.clear("senders")
        await cluster.state.clear("stepkit-idempotency")
