"""Every process of a local server: the leader's descendants, its process group and its session.

A server is more than its leader process. PostgreSQL forks one backend per connection and each
backend calls ``setsid()`` (its own session and process group), so signalling the postmaster's
group misses the processes that hold client connections. RabbitMQ runs a shell wrapper, the
Erlang VM and its port programs. This module finds them all from ``/proc``: the leader, every
descendant (by parent pid, whatever its group or session), and every process still in the
leader's process group or session (which catches children already re-parented to init).

``freeze`` stops them to a fixed point: a stopped process cannot fork, so once a walk finds no
new process every process of the server is stopped, including any forked while freezing.
Without ``/proc`` (not Linux) only the process group is signalled.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

_PROC: Final = Path("/proc")
_FINISHED: Final = frozenset({"Z", "X", "x"})


@dataclass(frozen=True)
class ProcessInfo:
    """One process as ``/proc/<pid>/stat`` describes it; ``start`` tells a reused pid apart."""

    pid: int
    ppid: int
    pgid: int
    sid: int
    state: str
    start: int


def have_proc() -> bool:
    """Whether ``/proc`` lists processes here (Linux)."""
    return (_PROC / "self" / "stat").exists()


def read_process(pid: int) -> ProcessInfo | None:
    """The process ``pid`` now, or None when it is gone."""
    try:
        raw = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # comm (field 2) may contain spaces and parentheses: the fields after it follow the last ')'.
    fields = raw[raw.rfind(")") + 2 :].split()
    return ProcessInfo(pid, int(fields[1]), int(fields[2]), int(fields[3]), fields[0], int(fields[19]))


def _all_processes() -> list[ProcessInfo]:
    found: list[ProcessInfo] = []
    for entry in _PROC.iterdir():
        if entry.name.isdigit():
            info = read_process(int(entry.name))
            if info is not None:
                found.append(info)
    return found


def family(leader: int) -> dict[int, ProcessInfo]:
    """The leader, its descendants and every process in its process group or session, by pid."""
    processes = _all_processes()
    children: dict[int, list[ProcessInfo]] = {}
    for info in processes:
        children.setdefault(info.ppid, []).append(info)
    members = {info.pid: info for info in processes if leader in (info.pid, info.pgid, info.sid)}
    pending = list(members)
    while pending:
        for child in children.get(pending.pop(), []):
            if child.pid not in members:
                members[child.pid] = child
                pending.append(child.pid)
    return members


def _send(info: ProcessInfo, sig: signal.Signals) -> None:
    current = read_process(info.pid)
    if current is None or current.start != info.start:
        return  # gone, or the pid now belongs to someone else
    try:
        os.kill(info.pid, sig)
    except ProcessLookupError:
        pass


def _killpg(leader: int, sig: signal.Signals) -> None:
    try:
        os.killpg(leader, sig)
    except ProcessLookupError:
        pass


def signal_family(leader: int, sig: signal.Signals) -> dict[int, ProcessInfo]:
    """Send ``sig`` to every process of the leader's family; return the family signalled."""
    if not have_proc():
        _killpg(leader, sig)
        return {}
    members = family(leader)
    for info in members.values():
        _send(info, sig)
    return members


def signal_known(members: dict[int, ProcessInfo], sig: signal.Signals) -> None:
    """Send ``sig`` to processes found earlier that still exist (checked by start time)."""
    for info in members.values():
        _send(info, sig)


def alive(members: dict[int, ProcessInfo]) -> list[int]:
    """The pids among ``members`` still running (not exited, not zombies, not reused)."""
    running: list[int] = []
    for info in members.values():
        current = read_process(info.pid)
        if current is not None and current.start == info.start and current.state not in _FINISHED:
            running.append(info.pid)
    return running


def freeze(leader: int, timeout: float = 10.0) -> None:
    """SIGSTOP every process of the leader's family until a walk finds none running.

    Returns once each one is in the stopped state, so a client holding a connection to any of
    them gets no answer. ``TimeoutError`` naming the pids when they do not stop within ``timeout``.
    """
    if not have_proc():
        _killpg(leader, signal.SIGSTOP)
        return
    deadline = time.monotonic() + timeout
    while True:
        members = signal_family(leader, signal.SIGSTOP)
        running = [pid for pid, info in members.items() if _not_stopped(info)]
        if not running:
            return
        if time.monotonic() >= deadline:
            raise TimeoutError(f"processes {running} of server pid {leader} did not stop within {timeout:g}s")
        time.sleep(0.01)


def _not_stopped(info: ProcessInfo) -> bool:
    current = read_process(info.pid)
    return current is not None and current.start == info.start and current.state not in _FINISHED | {"T"}


def thaw(leader: int) -> None:
    """SIGCONT every process of the leader's family (no-op for those not stopped)."""
    signal_family(leader, signal.SIGCONT)
