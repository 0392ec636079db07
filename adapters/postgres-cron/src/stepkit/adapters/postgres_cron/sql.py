"""The PostgreSQL statements (model: :mod:`stepkit.adapters.sql_cron_common.dialect`).

Table names come from a validated prefix; every value is a bind parameter.
``now()`` is the database clock (the statement's transaction start).
"""

from __future__ import annotations

from dataclasses import dataclass

from stepkit.adapters.sql_cron_common.dialect import Tables


@dataclass(frozen=True)
class Statements:
    """Every statement, rendered once for one pair of tables."""

    schema: str
    schema_lock: str
    namespace: str
    acquire: str
    release: str
    renew: str
    active: str
    lock_floor: str
    sweep: str

    @classmethod
    def render(cls, tables: Tables) -> Statements:
        """The statements for ``tables``."""
        locks, floors = tables.locks, tables.floors
        return cls(
            schema=f"""
CREATE TABLE IF NOT EXISTS {locks} (
    namespace bytea NOT NULL,
    job bytea NOT NULL,
    lock_id text NOT NULL,
    instance_id bytea NOT NULL,
    token bigint NOT NULL,
    acquired_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (namespace, job)
);
CREATE TABLE IF NOT EXISTS {floors} (
    namespace bytea PRIMARY KEY,
    floor bigint NOT NULL
)""",
            schema_lock="SELECT pg_advisory_xact_lock(hashtext($1))",
            namespace=f"INSERT INTO {floors} (namespace, floor) VALUES ($1, 0) ON CONFLICT (namespace) DO NOTHING",
            acquire=f"""
WITH f AS (SELECT floor FROM {floors} WHERE namespace = $1 FOR KEY SHARE)
INSERT INTO {locks} AS l (namespace, job, lock_id, instance_id, token, acquired_at, expires_at)
SELECT $1, $2, $3, $4, f.floor + 1, now(), now() + $5::bigint * interval '1 microsecond' FROM f
ON CONFLICT (namespace, job) DO UPDATE
SET lock_id = EXCLUDED.lock_id, instance_id = EXCLUDED.instance_id, token = l.token + 1,
    acquired_at = EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at
WHERE l.expires_at <= now()
RETURNING l.token, l.acquired_at, l.expires_at""",
            release=f"""
UPDATE {locks} SET expires_at = now()
WHERE namespace = $1 AND job = $2 AND lock_id = $3 AND expires_at > now()""",
            renew=f"""
UPDATE {locks} SET expires_at = now() + $4::bigint * interval '1 microsecond'
WHERE namespace = $1 AND job = $2 AND lock_id = $3 AND expires_at > now()""",
            active=f"""
SELECT job, instance_id, token, acquired_at, expires_at FROM {locks}
WHERE namespace = $1 AND expires_at > now() ORDER BY job""",
            lock_floor=f"SELECT floor FROM {floors} WHERE namespace = $1 FOR UPDATE",
            sweep=f"""
WITH d AS (
    DELETE FROM {locks}
    WHERE namespace = $1 AND expires_at < now() AND job IN (
        SELECT job FROM {locks} WHERE namespace = $1 AND expires_at < now() LIMIT $2
    )
    RETURNING token
)
UPDATE {floors} SET floor = GREATEST(floor, (SELECT coalesce(max(token), 0) FROM d))
WHERE namespace = $1
RETURNING (SELECT count(*) FROM d)""",
        )


__all__ = ["Statements"]
