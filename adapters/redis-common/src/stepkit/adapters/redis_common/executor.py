"""Auto-pipelining: concurrent commands share one round trip.

Every command issued while the executor is busy (typically by other tasks in
the same event-loop iteration) is queued; queued commands leave together as
one pipelined write on one connection, and each reply (or error) is routed
back to the command that asked for it. A command issued while the executor is
idle goes out at once in the caller's task, so a lone caller pays no extra
scheduling. This is the ioredis/node-redis model: under concurrency, N callers
cost about one round trip per batch instead of one per command.

Guarantees:

* Commands from one task keep their order (each awaits its reply).
* A reply is delivered to exactly the command that produced it; a Redis
  error reply (``ResponseError``) fails only that command.
* A connection failure, time-out or cancellation during a batch fails every
  command of the batch still waiting, and the connection is dropped (a fresh
  one is opened for the next batch): replies are never mismatched.
* Bounded time without a timer per command: every command fails with
  ``TimeoutError`` at most ``timeout`` seconds after it was issued. A lone
  command runs under one timer; a batch runs under one timer set to what is
  left of its oldest command's budget. A queued command waits only for
  batches that started before it was issued, which are themselves bounded,
  and is failed at once if its budget is spent by then.
* Batches are not transactions: use a Lua script (:mod:`.scripts`) for
  atomicity.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

import hiredis
import redis.asyncio as aioredis
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError

try:  # redis-py's hiredis parser: its reader is read directly on the hot path
    from redis._parsers.hiredis import NOT_ENOUGH_DATA as _NOT_ENOUGH_DATA
    from redis._parsers.hiredis import _AsyncHiredisParser
except ImportError:  # pragma: no cover - other redis-py layouts use read_response
    _AsyncHiredisParser = None  # type: ignore[assignment,misc]
    _NOT_ENOUGH_DATA = object()

Command = tuple[Any, ...]

_pack = hiredis.pack_command


def _fast_parser(connection: AbstractConnection) -> Any:
    """The connection's hiredis parser when replies can be read from it directly, else ``None``.

    Only redis-py's own hiredis parser on RESP2 qualifies (no push messages);
    anything else goes through ``read_response``.
    """
    parser = getattr(connection, "_parser", None)
    if (
        _AsyncHiredisParser is not None
        and type(parser) is _AsyncHiredisParser
        and getattr(parser, "_reader", None) is not None
        and connection.protocol in (2, "2")
    ):
        return parser
    return None


class AutoPipeline:
    """Coalesces concurrent commands into pipelined batches.

    ``max_batches`` batches may be in flight at once, each on its own
    connection (opened on demand from the client's connection settings,
    reopened after a failure). ``batches`` counts round trips (one per batch);
    hooks in ``on_batch`` are called with each batch's size (tests and benches
    use it).
    """

    def __init__(self, client: aioredis.Redis, *, max_batches: int = 4, timeout: float = 5.0) -> None:
        pool = client.connection_pool
        # Reads are bounded by this executor's timers, not by a timer per reply.
        settings = {**pool.connection_kwargs, "socket_timeout": None}
        self._make: Callable[[], AbstractConnection] = lambda: pool.connection_class(**settings)
        self._idle: list[AbstractConnection] = []
        self._all: list[AbstractConnection] = []
        self._max_batches = max_batches
        self._timeout = timeout
        # The queue: commands and their futures side by side; only the oldest
        # command's issue time matters (it sets the batch's budget).
        self._commands: list[Command] = []
        self._futures: list[asyncio.Future[Any]] = []
        self._oldest = 0.0
        self._scheduled = False
        self._in_flight = 0
        self.batches = 0
        self.on_batch: list[Callable[[int], None]] = []

    @property
    def timeout(self) -> float:
        """Seconds after which a command fails with ``TimeoutError``."""
        return self._timeout

    async def execute(self, *command: Any) -> Any:
        """Send one command and return its reply (raising its error)."""
        commands = self._commands
        if self._in_flight == 0 and not commands:
            return await self._run_alone(command)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        if not commands:
            self._oldest = loop.time()
        commands.append(command)
        self._futures.append(future)
        if not self._scheduled and self._in_flight < self._max_batches:
            self._scheduled = True
            loop.call_soon(self._flush)
        return await future

    async def execute_many(self, commands: Sequence[Command]) -> list[Any]:
        """Send several commands in one batch; replies in order, error replies as values."""
        loop = asyncio.get_running_loop()
        if not self._commands:
            self._oldest = loop.time()
        futures: list[asyncio.Future[Any]] = []
        for command in commands:
            future: asyncio.Future[Any] = loop.create_future()
            self._commands.append(command)
            self._futures.append(future)
            futures.append(future)
        self._schedule()
        return list(await asyncio.gather(*futures, return_exceptions=True))

    async def close(self) -> None:
        """Disconnect every connection of the executor (they reopen on next use)."""
        for connection in self._all:
            await connection.disconnect(nowait=True)

    # -- scheduling -------------------------------------------------------
    def _schedule(self) -> None:
        if not self._scheduled and self._in_flight < self._max_batches:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._scheduled = False
        if not self._commands or self._in_flight >= self._max_batches:
            return
        commands, futures = self._commands, self._futures
        self._commands, self._futures = [], []
        loop = asyncio.get_running_loop()
        budget = self._timeout - (loop.time() - self._oldest)
        if budget <= 0:
            for future in futures:
                if not future.done():
                    future.set_exception(TimeoutError("redis command waited out its timeout"))
            return
        self._in_flight += 1
        asyncio.get_running_loop().create_task(self._run_batch(commands, futures, budget))

    def _done(self) -> None:
        self._in_flight -= 1
        if self._commands:
            self._schedule()

    def _count(self, size: int) -> None:
        self.batches += 1
        for hook in self.on_batch:
            hook(size)

    # -- connections ----------------------------------------------------------
    async def _acquire(self) -> AbstractConnection:
        connection = self._idle.pop() if self._idle else None
        if connection is None:
            connection = self._make()
            self._all.append(connection)
        if not connection.is_connected:
            try:
                await connection.connect()  # type: ignore[no-untyped-call]
            except BaseException:
                self._idle.append(connection)
                raise
        return connection

    # -- execution ----------------------------------------------------------
    async def _run_alone(self, command: Command) -> Any:
        self._in_flight += 1
        try:
            async with asyncio.timeout(self._timeout):
                connection = await self._acquire()
                try:
                    self._count(1)
                    await connection.send_packed_command(_pack(command), check_health=False)
                    return await connection.read_response()
                except ResponseError:
                    raise
                except BaseException:
                    await connection.disconnect(nowait=True)
                    raise
                finally:
                    self._idle.append(connection)
        finally:
            self._done()

    async def _run_batch(self, commands: list[Command], futures: list[asyncio.Future[Any]], budget: float) -> None:
        index = 0
        try:
            async with asyncio.timeout(budget):
                connection = await self._acquire()
                try:
                    self._count(len(futures))
                    await connection.send_packed_command(b"".join(map(_pack, commands)), check_health=False)
                    parser = _fast_parser(connection)
                    if parser is None:
                        for index, future in enumerate(futures):  # noqa: B007 - index read in except
                            try:
                                reply = await connection.read_response()
                            except ResponseError as error:
                                if not future.done():
                                    future.set_exception(error)
                                continue
                            if not future.done():
                                future.set_result(reply)
                    else:
                        # Same outcomes as read_response, without its per-reply
                        # coroutines: an error reply fails its own command, a
                        # connection-level error fails this and every later one.
                        gets = parser._reader.gets
                        for index, future in enumerate(futures):  # noqa: B007 - index read in except
                            reply = gets()
                            while reply is _NOT_ENOUGH_DATA:
                                await _fill(connection, parser)
                                reply = gets()
                            if isinstance(reply, RedisError):
                                if isinstance(reply, RedisConnectionError):
                                    raise reply
                                if isinstance(reply, ResponseError):
                                    if not future.done():
                                        future.set_exception(reply)
                                    continue
                            elif type(reply) is list and reply and isinstance(reply[0], RedisConnectionError):
                                raise reply[0]
                            if not future.done():
                                future.set_result(reply)
                    index = len(futures)
                except BaseException:
                    await connection.disconnect(nowait=True)
                    raise
                finally:
                    self._idle.append(connection)
        except BaseException as error:
            for future in futures[index:]:
                if not future.done():
                    future.set_exception(error)
            if not isinstance(error, Exception):
                raise
        finally:
            self._done()


async def _fill(connection: AbstractConnection, parser: Any) -> None:
    """Read more reply bytes into ``parser`` (errors as ``read_response`` raises them)."""
    if not parser._connected:
        raise RedisConnectionError("Connection closed by server.")
    try:
        await parser.read_from_socket()
    except OSError as exc:
        raise RedisConnectionError(f"Error while reading from {connection._host_error()}: {exc.args}") from exc


__all__ = ["AutoPipeline", "Command"]
