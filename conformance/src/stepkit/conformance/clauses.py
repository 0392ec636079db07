"""The stable clause ids of CONTRACT.md, one per promise.

Tests name the clause they prove with ``@pytest.mark.clause("state.null")``;
reports are keyed by these ids, so they never change meaning. A clause with a
``capability`` is proved when the adapter declares it; when it does not and the
capability is an *option*, the clause's refusal test proves the adapter
refuses it (reported as ``unsupported``).
"""

from __future__ import annotations

from dataclasses import dataclass

from stepkit.core import Capability


@dataclass(frozen=True)
class Clause:
    """One promise of the contract."""

    id: str
    kind: str
    title: str
    capability: Capability | None = None


def _c(clause_id: str, title: str, capability: Capability | None = None) -> Clause:
    return Clause(clause_id, clause_id.split(".", 1)[0], title, capability)


_LIFECYCLE = "async with works; close() is idempotent; closed adapters refuse operations; built from its config"
_CONSTRUCTION = (
    "rebuilt via from_config(config.model_dump()) and via from_env(prefix) it has the same config and sees "
    "the same data; a bad config value raises AdapterConfigurationError naming the field"
)
_SIZE_LIMIT = (
    "where the config has a max_*_bytes limit: a value just over it raises ValueTooLargeError with both numbers "
    "before anything is {done}; a value under it works"
)

CLAUSES: dict[str, Clause] = {
    c.id: c
    for c in (
        # -- all kinds -------------------------------------------------------------
        _c("state.lifecycle", _LIFECYCLE),
        _c("streams.lifecycle", _LIFECYCLE),
        _c("events.lifecycle", _LIFECYCLE),
        _c("cron.lifecycle", _LIFECYCLE),
        _c("state.construction", _CONSTRUCTION),
        _c("streams.construction", _CONSTRUCTION),
        _c("events.construction", _CONSTRUCTION),
        _c("cron.construction", _CONSTRUCTION),
        # -- state ---------------------------------------------------------------------
        _c("state.model", "random operation sequences agree with a reference dict model"),
        _c("state.shared", "instances on one namespace are one store (interleaved operations agree with one model)"),
        _c("state.roundtrip", "JSON values round-trip exactly (big ints, -0.0, unicode, \\u0000)"),
        _c("state.null", "set(g, k, None) stores null: exists is True and get is None"),
        _c("state.serialization", "non-JSON values raise a serialization error before anything is written"),
        _c("state.identifiers.invalid", "a bad identifier (empty, too long) raises ValueError naming the rule"),
        _c(
            "state.identifiers.opaque",
            "identifiers never collide, are never used as patterns and are compared by value "
            "(equal but distinct str objects name one entry)",
        ),
        _c("state.get_many", "get_many keeps the order of keys, None for missing"),
        _c("state.set_many", "set_many is applied in full, or not at all on error"),
        _c("state.keys", "keys and group_ids have set semantics and stay within their group/namespace"),
        _c("state.get_group", "get_group returns exactly key -> value of that group"),
        _c("state.items.filters", "items() with the 12 filter operators equals stepkit.core.filtering.matches"),
        _c("state.delete", "delete returns the previous value (None if absent) and removes it"),
        _c("state.clear", "clear(group) removes that group only (not groups sharing a prefix)"),
        _c("state.namespaces", "different namespaces never see each other's data"),
        _c(
            "state.update",
            "update() is linearizable: N increments over M instances give exactly N",
            Capability.ATOMIC_UPDATE,
        ),
        _c(
            "state.ttl",
            "set(..., ttl=) expires the entry; once expired it is gone from every read "
            "(get, exists, get_many, keys, group_ids, get_group, items)",
            Capability.TTL,
        ),
        _c("state.size_limit", _SIZE_LIMIT.format(done="written")),
        _c(
            "state.cross_process",
            "instances in separate OS processes share one store; update stays linearizable",
            Capability.CROSS_PROCESS,
        ),
        _c(
            "state.fault",
            "a dead backend fails within the timeout with AdapterUnavailableError; the adapter recovers by itself",
        ),
        # -- streams -------------------------------------------------------------------
        _c("streams.model", "random operation sequences agree with a reference dict model"),
        _c("streams.shared", "instances on one namespace are one store"),
        _c("streams.roundtrip", "items round-trip exactly and always carry their id"),
        _c("streams.serialization", "non-JSON items raise a serialization error before anything is written"),
        _c("streams.identifiers", "bad identifiers raise ValueError; distinct identifiers never collide"),
        _c("streams.query.order", "query order is total and equals stepkit.core.ordering.apply_stream_query"),
        _c("streams.query.stable", "the same query on unchanged data returns the same page every time"),
        _c("streams.clear", "clear(group) removes that group only"),
        _c("streams.events.change", "set emits create/update, delete emits delete, send emits custom events"),
        _c("streams.events.cross_instance", "subscribers receive events made by any instance, in order per item"),
        _c("streams.events.unsubscribe", "unsubscribe stops delivery"),
        _c("streams.namespaces", "different namespaces never see each other's items or events"),
        _c("streams.replay", "subscribe(replay=True) delivers retained history", Capability.REPLAY),
        _c(
            "streams.cross_process",
            "items and change events made in other OS processes are seen here",
            Capability.CROSS_PROCESS,
        ),
        _c(
            "streams.fault",
            "a dead backend fails within the timeout with AdapterUnavailableError; the adapter recovers by itself",
        ),
        # -- events --------------------------------------------------------------------
        _c("events.model", "random emit/subscribe/unsubscribe sequences deliver what a reference model predicts"),
        _c("events.fanout", "every event reaches every subscribed group"),
        _c("events.fanout.no_local_subscriber", "events emitted by an instance without subscribers still fan out"),
        _c("events.competing_consumers", "members of one group share the work; each event handled once per group"),
        _c("events.at_least_once", "a handler that raises gets the event again (attempt rises), with backoff"),
        _c(
            "events.at_least_once.process_death",
            "a member process killed mid-handler leads to redelivery to another member, which handles it; "
            "killed on its last allowed attempt, the event is redelivered or dead-lettered, never lost",
            Capability.CROSS_PROCESS,
        ),
        _c("events.poison", "a poisoned event never blocks the rest of the queue"),
        _c(
            "events.dlq", "after max_retries the event is dead-lettered; dlq_count and redrive_dlq work", Capability.DLQ
        ),
        _c(
            "events.durable",
            "events emitted while a group is offline arrive when it subscribes again",
            Capability.DURABLE,
        ),
        _c("events.fifo", "same message group: one at a time, in emit order, even across retries", Capability.FIFO),
        _c(
            "events.fifo.parallel_groups",
            "different message groups proceed in parallel (no cross-group blocking); same-group order holds",
            Capability.FIFO,
        ),
        _c("events.delay", "delay_seconds postpones delivery", Capability.DELAY),
        _c("events.concurrency", "in-flight handlers per subscription never exceed concurrency"),
        _c(
            "events.visibility", "a handler outliving visibility_timeout is kept invisible or its redelivery is counted"
        ),
        _c("events.clean_stop", "unsubscribe/close let in-flight handlers finish; nothing unacknowledged is lost"),
        _c("events.fidelity", "payload, trace_id, message_id, message_group_id, traceparent, baggage round-trip"),
        _c("events.size_limit", _SIZE_LIMIT.format(done="sent")),
        _c("events.identifiers", "bad topics/subscribers raise ValueError; distinct identifiers never collide"),
        _c("events.namespaces", "different namespaces never see each other's events"),
        _c(
            "events.cross_process",
            "events emitted from other OS processes reach the group exactly once",
            Capability.CROSS_PROCESS,
        ),
        _c(
            "events.fault",
            "a dead broker fails within the timeout with AdapterUnavailableError; the adapter recovers",
        ),
        _c(
            "events.fault.durable",
            "events stored before a broker restart arrive after it (n/a when the server as provisioned "
            "keeps no data across a restart)",
            Capability.DURABLE,
        ),
        # -- cron ----------------------------------------------------------------------
        _c("cron.model", "random acquire/release/renew sequences agree with a reference lock table"),
        _c("cron.race", "of N racing instances exactly one wins, every round"),
        _c(
            "cron.race.cross_process",
            "of instances racing from separate OS processes exactly one wins",
            Capability.CROSS_PROCESS,
        ),
        _c("cron.expiry", "a lock lapses after its ttl and can then be taken again"),
        _c("cron.release", "release frees only that lock_id; a stale holder cannot release; idempotent"),
        _c("cron.renew", "renew_lock returns True only while the caller holds the lock, any number of times in a row"),
        _c(
            "cron.bearer",
            "a CronLock is a bearer credential: any instance of the namespace may renew or release it",
        ),
        _c("cron.fencing", "the fencing token rises strictly with each acquisition", Capability.FENCING),
        _c(
            "cron.active_locks",
            "active_locks lists unexpired locks only (expires_at within 0.5 s of the granted lock's)",
        ),
        _c("cron.identifiers", "bad job names raise ValueError; distinct job names never collide"),
        _c("cron.namespaces", "different namespaces never share locks"),
        _c(
            "cron.failsafe",
            "with the backend down nothing is granted, is_healthy() turns False in time; "
            "no double grant after recovery",
        ),
    )
}


def clause(clause_id: str) -> Clause:
    """The clause ``clause_id``; ``KeyError`` naming the known ids otherwise."""
    try:
        return CLAUSES[clause_id]
    except KeyError:
        raise KeyError(f"unknown conformance clause {clause_id!r}") from None


__all__ = ["CLAUSES", "Clause", "clause"]
