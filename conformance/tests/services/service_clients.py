"""One real client request per service, bounded in time, used to prove a server answers."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import aio_pika
import asyncpg
import boto3
import pymysql  # type: ignore[import-untyped]
import redis
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from botocore.config import Config

from stepkit.conformance.services import ServiceEndpoint


def _redis(ep: ServiceEndpoint, timeout: float) -> None:
    client = redis.Redis.from_url(ep.url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        key = f"probe-{uuid.uuid4().hex}"
        client.set(key, "v")
        assert client.get(key) == b"v"
    finally:
        client.close()


async def _postgres(ep: ServiceEndpoint, timeout: float) -> None:
    conn = await asyncpg.connect(ep.url, timeout=timeout, command_timeout=timeout)
    try:
        await conn.execute("CREATE TABLE IF NOT EXISTS probe (v int)")
        assert await conn.fetchval("SELECT 41 + 1") == 42
    finally:
        await asyncio.wait_for(conn.close(), timeout)


async def _rabbitmq(ep: ServiceEndpoint, timeout: float) -> None:
    conn = await aio_pika.connect(ep.url, timeout=timeout)
    try:
        channel = await conn.channel()
        queue = await channel.declare_queue(f"probe-{uuid.uuid4().hex}", auto_delete=True)
        await channel.default_exchange.publish(aio_pika.Message(b"hello"), routing_key=queue.name)
        for _ in range(50):
            message = await queue.get(fail=False)
            if message is not None:
                await message.ack()
                assert message.body == b"hello"
                return
            await asyncio.sleep(0.05)
        raise AssertionError("message not delivered")
    finally:
        await asyncio.wait_for(conn.close(), timeout)


async def _kafka(ep: ServiceEndpoint, timeout: float) -> None:
    bootstrap = f"{ep.host}:{ep.port}"
    topic = f"probe-{uuid.uuid4().hex[:12]}"
    common = {"bootstrap_servers": bootstrap, "request_timeout_ms": int(timeout * 1000)}
    producer = AIOKafkaProducer(**common)
    consumer = AIOKafkaConsumer(topic, auto_offset_reset="earliest", group_id=None, **common)
    try:
        await producer.start()
        await producer.send_and_wait(topic, b"hello", key=b"k")
        await consumer.start()
        record = await consumer.getone()
        assert record.value == b"hello"
    finally:
        await asyncio.wait_for(asyncio.gather(producer.stop(), consumer.stop(), return_exceptions=True), timeout)


def _mysql(ep: ServiceEndpoint, timeout: float) -> None:
    parts = urlsplit(ep.url)
    conn = pymysql.connect(
        host=ep.host,
        port=ep.port,
        user=parts.username,
        password=parts.password or "",
        database=parts.path.lstrip("/"),
        connect_timeout=timeout,
        read_timeout=timeout,
        write_timeout=timeout,
    )
    try:
        with conn.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS probe (v int)")
            cursor.execute("SELECT 41 + 1")
            assert cursor.fetchone() == (42,)
    finally:
        conn.close()


def _boto(ep: ServiceEndpoint, service: str, timeout: float) -> object:
    return boto3.client(
        service,
        endpoint_url=ep.url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 0}),
    )


def _dynamodb(ep: ServiceEndpoint, timeout: float) -> None:
    client = _boto(ep, "dynamodb", timeout)
    table = f"probe-{uuid.uuid4().hex}"
    client.create_table(  # type: ignore[attr-defined]
        TableName=table,
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.put_item(TableName=table, Item={"k": {"S": "a"}, "v": {"N": "1"}})  # type: ignore[attr-defined]
    item = client.get_item(TableName=table, Key={"k": {"S": "a"}}, ConsistentRead=True)["Item"]  # type: ignore[attr-defined]
    assert item["v"] == {"N": "1"}


def _sqs(ep: ServiceEndpoint, timeout: float) -> None:
    client = _boto(ep, "sqs", timeout)
    url = client.create_queue(QueueName=f"probe-{uuid.uuid4().hex}")["QueueUrl"]  # type: ignore[attr-defined]
    client.send_message(QueueUrl=url, MessageBody="hello")  # type: ignore[attr-defined]
    messages = client.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", [])  # type: ignore[attr-defined]
    assert [m["Body"] for m in messages] == ["hello"]


def _sync(fn: Callable[[ServiceEndpoint, float], Awaitable[None]]) -> Callable[[ServiceEndpoint, float], None]:
    def run(ep: ServiceEndpoint, timeout: float) -> None:
        asyncio.run(asyncio.wait_for(fn(ep, timeout), timeout * 3))

    return run


ROUNDTRIPS: dict[str, Callable[[ServiceEndpoint, float], None]] = {
    "redis": _redis,
    "postgres": _sync(_postgres),
    "rabbitmq": _sync(_rabbitmq),
    "kafka": _sync(_kafka),
    "dynamodb": _dynamodb,
    "sqs": _sqs,
    "mysql": _mysql,
}


def roundtrip(ep: ServiceEndpoint, timeout: float = 5.0) -> None:
    """Do one real request against ``ep`` with a real client; raise if it fails or takes too long."""
    ROUNDTRIPS[ep.name](ep, timeout)


async def _open_channel(connection: aio_pika.abc.AbstractConnection) -> aio_pika.abc.AbstractChannel:
    return await connection.channel()


async def _start_producer(bootstrap: str) -> AIOKafkaProducer:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    return producer


class HeldConnection:
    """One client connection opened now and kept (like a pool's), for requests made later.

    Every request over it gives up after ``timeout`` seconds. ``request()`` sends one request over
    that same connection and raises when it fails or gets no answer in time; ``close()`` never
    raises.
    """

    def __init__(self, ep: ServiceEndpoint, timeout: float) -> None:
        self.endpoint = ep
        self.timeout = timeout
        self._runner = asyncio.Runner()
        self._closers: list[Callable[[], object]] = [self._runner.close]
        self._request = self._open(ep)
        self.request()

    def _async(self, make: Callable[[], Awaitable[object]]) -> Callable[[], None]:
        def run() -> None:
            self._runner.run(asyncio.wait_for(make(), self.timeout))

        return run

    def _later(self, close: Callable[[], Awaitable[object]]) -> None:
        self._closers.insert(0, lambda: self._runner.run(asyncio.wait_for(close(), 2)))

    def _open(self, ep: ServiceEndpoint) -> Callable[[], None]:
        timeout = self.timeout
        if ep.name == "redis":
            client = redis.Redis.from_url(ep.url, single_connection_client=True, socket_timeout=timeout)
            self._closers.insert(0, client.close)
            return lambda: client.ping() and None
        if ep.name == "postgres":
            conn = self._runner.run(asyncpg.connect(ep.url, timeout=timeout))
            self._later(lambda: conn.close(timeout=1))
            return self._async(lambda: conn.fetchval("SELECT 1"))
        if ep.name == "mysql":
            parts = urlsplit(ep.url)
            mysql = pymysql.connect(
                host=ep.host, port=ep.port, user=parts.username, password=parts.password or "",
                database=parts.path.lstrip("/"), connect_timeout=timeout, read_timeout=timeout, write_timeout=timeout,
            )  # fmt: skip
            self._closers.insert(0, mysql.close)

            def select() -> None:
                with mysql.cursor() as cursor:
                    cursor.execute("SELECT 1")
                    assert cursor.fetchone() == (1,)

            return select
        if ep.name == "rabbitmq":
            amqp = self._runner.run(aio_pika.connect(ep.url, timeout=timeout))
            channel = self._runner.run(_open_channel(amqp))
            self._later(amqp.close)
            return self._async(lambda: channel.declare_queue(f"held-{uuid.uuid4().hex}", auto_delete=True))
        if ep.name == "kafka":
            producer = self._runner.run(_start_producer(f"{ep.host}:{ep.port}"))
            self._later(producer.stop)
            topic = f"held-{uuid.uuid4().hex[:12]}"
            return self._async(lambda: producer.send_and_wait(topic, b"held"))
        aws: Any = _boto(ep, ep.name, timeout)
        return aws.list_tables if ep.name == "dynamodb" else aws.list_queues

    def request(self) -> None:
        """One request over the held connection, bounded by the timeout."""
        self._request()

    def close(self) -> None:
        """Close the connection, ignoring errors (the server may be gone)."""
        for close in self._closers:
            try:
                close()
            except Exception:  # noqa: BLE001 - best effort after a fault
                pass


# -- data across a restart -----------------------------------------------------------------------
_MARK = "stepkit-restart-mark"


def _redis_write(ep: ServiceEndpoint) -> None:
    redis.Redis.from_url(ep.url, socket_timeout=5).set(_MARK, "1")


def _redis_read(ep: ServiceEndpoint) -> bool:
    return redis.Redis.from_url(ep.url, socket_timeout=5).get(_MARK) == b"1"


async def _postgres_write(ep: ServiceEndpoint) -> None:
    conn = await asyncpg.connect(ep.url, timeout=5)
    try:
        await conn.execute("CREATE TABLE restart_mark (v int); INSERT INTO restart_mark VALUES (1)")
    finally:
        await conn.close()


async def _postgres_read(ep: ServiceEndpoint) -> bool:
    conn = await asyncpg.connect(ep.url, timeout=5)
    try:
        return bool(await conn.fetchval("SELECT to_regclass('restart_mark') IS NOT NULL"))
    finally:
        await conn.close()


def _mysql_connect(ep: ServiceEndpoint) -> Any:
    parts = urlsplit(ep.url)
    return pymysql.connect(
        host=ep.host, port=ep.port, user=parts.username, password=parts.password or "",
        database=parts.path.lstrip("/"), connect_timeout=5, autocommit=True,
    )  # fmt: skip


def _mysql_write(ep: ServiceEndpoint) -> None:
    with _mysql_connect(ep) as conn, conn.cursor() as cursor:
        cursor.execute("CREATE TABLE restart_mark (v int)")
        cursor.execute("INSERT INTO restart_mark VALUES (1)")


def _mysql_read(ep: ServiceEndpoint) -> bool:
    with _mysql_connect(ep) as conn, conn.cursor() as cursor:
        cursor.execute("SHOW TABLES LIKE 'restart_mark'")
        return cursor.fetchone() is not None


async def _rabbitmq_write(ep: ServiceEndpoint) -> None:
    conn = await aio_pika.connect(ep.url, timeout=5)
    try:
        channel = await conn.channel()
        await channel.declare_queue(_MARK, durable=True)
        message = aio_pika.Message(b"1", delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
        await channel.default_exchange.publish(message, routing_key=_MARK)
    finally:
        await conn.close()


async def _rabbitmq_read(ep: ServiceEndpoint) -> bool:
    conn = await aio_pika.connect(ep.url, timeout=5)
    try:
        channel = await conn.channel()
        queue = await channel.declare_queue(_MARK, durable=True)
        message = await queue.get(fail=False)
        return message is not None and message.body == b"1"
    finally:
        await conn.close()


async def _kafka_write(ep: ServiceEndpoint) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=f"{ep.host}:{ep.port}")
    await producer.start()
    try:
        await producer.send_and_wait(_MARK, b"1")
    finally:
        await producer.stop()


async def _kafka_read(ep: ServiceEndpoint) -> bool:
    consumer = AIOKafkaConsumer(
        _MARK, bootstrap_servers=f"{ep.host}:{ep.port}", auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=3000)
        return any(record.value == b"1" for records in batches.values() for record in records)
    finally:
        await consumer.stop()


def _dynamodb_write(ep: ServiceEndpoint) -> None:
    client: Any = _boto(ep, "dynamodb", 5.0)
    client.create_table(
        TableName=_MARK,
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def _dynamodb_read(ep: ServiceEndpoint) -> bool:
    client: Any = _boto(ep, "dynamodb", 5.0)
    return _MARK in client.list_tables()["TableNames"]


def _sqs_write(ep: ServiceEndpoint) -> None:
    client: Any = _boto(ep, "sqs", 5.0)
    client.create_queue(QueueName=_MARK)


def _sqs_read(ep: ServiceEndpoint) -> bool:
    client: Any = _boto(ep, "sqs", 5.0)
    return any(url.endswith(_MARK) for url in client.list_queues().get("QueueUrls", []))


def _run(fn: Callable[[ServiceEndpoint], Awaitable[Any]]) -> Callable[[ServiceEndpoint], Any]:
    return lambda ep: asyncio.run(asyncio.wait_for(fn(ep), 30))


WRITE_MARK: dict[str, Callable[[ServiceEndpoint], Any]] = {
    "redis": _redis_write, "postgres": _run(_postgres_write), "mysql": _mysql_write,
    "rabbitmq": _run(_rabbitmq_write), "kafka": _run(_kafka_write), "dynamodb": _dynamodb_write, "sqs": _sqs_write,
}  # fmt: skip
HAS_MARK: dict[str, Callable[[ServiceEndpoint], Any]] = {
    "redis": _redis_read, "postgres": _run(_postgres_read), "mysql": _mysql_read,
    "rabbitmq": _run(_rabbitmq_read), "kafka": _run(_kafka_read), "dynamodb": _dynamodb_read, "sqs": _sqs_read,
}  # fmt: skip
