"""The fault lifecycle every provider must support, checked with real clients."""

from __future__ import annotations

import socket
import time

from service_clients import HAS_MARK, WRITE_MARK, HeldConnection, roundtrip

from stepkit.conformance.services import ServiceHandle, ServiceProvider

FAIL_TIMEOUT = 1.0


def _timed(timings: list[tuple[str, float]], label: str, started: float) -> None:
    timings.append((label, time.monotonic() - started))


def assert_unavailable(handle: ServiceHandle, why: str) -> None:
    """A real client request fails (it must not hang: every client call has a timeout)."""
    try:
        roundtrip(handle.endpoint, FAIL_TIMEOUT)
    except Exception:  # noqa: BLE001 - any client failure is the expected outcome here
        return
    raise AssertionError(f"{handle.endpoint.name} answered while {why}")


def refuses_connections(host: str, port: int) -> bool:
    """True when nothing accepts TCP connections on ``host:port``."""
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return True
    return False


def run_lifecycle(provider: ServiceProvider, name: str, timings: list[tuple[str, float]], prefix: str) -> None:
    """start → request → pause (request fails) → unpause (works) → stop (fails) → start on the same
    port (a new client works) → close (port refuses connections)."""
    started = time.monotonic()
    handle = provider.get(name, dedicated=True)
    _timed(timings, f"{prefix} {name} start", started)
    try:
        ep = handle.endpoint
        assert ep.name == name
        assert handle.supports_faults
        roundtrip(ep)

        handle.pause()
        assert handle.state == "paused"
        assert_unavailable(handle, "paused")
        handle.unpause()
        roundtrip(ep)

        handle.stop()
        assert handle.state == "stopped"
        assert_unavailable(handle, "stopped")
        started = time.monotonic()
        handle.start()
        _timed(timings, f"{prefix} {name} restart", started)
        assert handle.endpoint == ep
        roundtrip(handle.endpoint)
    finally:
        handle.close()
    assert handle.state == "closed"
    assert refuses_connections(ep.host, ep.port)


def run_held_connection(provider: ServiceProvider, name: str) -> None:
    """A connection opened BEFORE pause (as a pool holds it) gets no answer while the server is
    paused, and the server answers new clients again after unpause."""
    handle = provider.get(name, dedicated=True)
    try:
        roundtrip(handle.endpoint)  # warm up (moto imports a service's backend on its first request)
        held = HeldConnection(handle.endpoint, FAIL_TIMEOUT)
        try:
            handle.pause()
            try:
                held.request()
            except Exception:  # noqa: BLE001 - any failure (a timeout) is what pause must cause
                pass
            else:
                raise AssertionError(f"{name}: a connection opened before pause still answered while paused")
            finally:
                handle.unpause()
        finally:
            held.close()
        roundtrip(handle.endpoint)
    finally:
        handle.close()


def run_keeps_data(provider: ServiceProvider, name: str) -> None:
    """``keeps_data_on_restart`` tells the truth: data written before stop() is there after
    start() exactly when the handle says so."""
    handle = provider.get(name, dedicated=True)
    try:
        WRITE_MARK[name](handle.endpoint)
        assert HAS_MARK[name](handle.endpoint), f"{name}: the mark is not readable before the restart"
        handle.stop()
        handle.start()
        kept = bool(HAS_MARK[name](handle.endpoint))
        assert kept == handle.keeps_data_on_restart, (
            f"{name} ({handle.origin}): keeps_data_on_restart is {handle.keeps_data_on_restart} "
            f"but the data {'survived' if kept else 'was lost'}"
        )
    finally:
        handle.close()
