"""The MySQL/MariaDB statements (model: :mod:`stepkit.adapters.sql_cron_common.dialect`).

Identity columns are ``VARBINARY`` holding UTF-8 bytes: compared byte for
byte, so no collation (``_ci`` case folding, ``PAD SPACE``) can make two
job names collide. Times are ``DATETIME(6)`` in UTC (every connection sets
``time_zone = '+00:00'``) from ``CURRENT_TIMESTAMP(6)``, the database clock.
Table names come from a validated prefix; every value is a bind parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

from stepkit.adapters.sql_cron_common.dialect import Tables

_EXPIRED = "expires_at <= CURRENT_TIMESTAMP(6)"


@dataclass(frozen=True)
class Statements:
    """Every statement, rendered once for one pair of tables."""

    locks_table: str
    floors_table: str
    namespace: str
    acquire: str
    release: str
    renew: str
    active: str
    lock_floor: str
    expired: str
    raise_floor: str

    @classmethod
    def render(cls, tables: Tables) -> Statements:
        """The statements for ``tables``."""
        locks, floors = tables.locks, tables.floors
        # ON DUPLICATE KEY UPDATE assigns left to right and later expressions
        # see earlier assignments, so expires_at is assigned last: every IF
        # tests the row's old expiry.
        takeover = ",\n    ".join(
            f"{column} = IF({_EXPIRED}, {value}, {column})"
            for column, value in (
                ("token", "token + 1"),
                ("lock_id", "VALUES(lock_id)"),
                ("instance_id", "VALUES(instance_id)"),
                ("generation", "0"),
                ("acquired_at", "VALUES(acquired_at)"),
                ("expires_at", "VALUES(expires_at)"),
            )
        )
        return cls(
            locks_table=f"""
CREATE TABLE IF NOT EXISTS {locks} (
    namespace VARBINARY(1024) NOT NULL,
    job VARBINARY(1024) NOT NULL,
    lock_id VARBINARY(64) NOT NULL,
    instance_id BLOB NOT NULL,
    token BIGINT NOT NULL,
    generation BIGINT NOT NULL,
    acquired_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    PRIMARY KEY (namespace, job)
) ENGINE=InnoDB ROW_FORMAT=DYNAMIC""",
            floors_table=f"""
CREATE TABLE IF NOT EXISTS {floors} (
    namespace VARBINARY(1024) NOT NULL PRIMARY KEY,
    floor BIGINT NOT NULL
) ENGINE=InnoDB ROW_FORMAT=DYNAMIC""",
            namespace=f"INSERT INTO {floors} (namespace, floor) VALUES (%s, 0) ON DUPLICATE KEY UPDATE floor = floor",
            # One statement takes the lock; the SELECT after it (same round
            # trip) reads back the row only if this lock_id got it.
            acquire=f"""
INSERT INTO {locks} (namespace, job, lock_id, instance_id, token, generation, acquired_at, expires_at)
SELECT f.namespace, %s, %s, %s, f.floor + 1, 0,
       CURRENT_TIMESTAMP(6), CURRENT_TIMESTAMP(6) + INTERVAL %s MICROSECOND
FROM {floors} AS f WHERE f.namespace = %s LOCK IN SHARE MODE
ON DUPLICATE KEY UPDATE
    {takeover};
SELECT token, acquired_at, expires_at FROM {locks} WHERE namespace = %s AND job = %s AND lock_id = %s""",
            release=f"""
UPDATE {locks} SET expires_at = CURRENT_TIMESTAMP(6)
WHERE namespace = %s AND job = %s AND lock_id = %s AND expires_at > CURRENT_TIMESTAMP(6)""",
            # generation always changes, so the affected-row count is 1
            # exactly when the row matched (MySQL counts changed rows).
            renew=f"""
UPDATE {locks} SET generation = generation + 1,
    expires_at = CURRENT_TIMESTAMP(6) + INTERVAL %s MICROSECOND
WHERE namespace = %s AND job = %s AND lock_id = %s AND expires_at > CURRENT_TIMESTAMP(6)""",
            active=f"""
SELECT job, instance_id, token, acquired_at, expires_at FROM {locks}
WHERE namespace = %s AND expires_at > CURRENT_TIMESTAMP(6) ORDER BY job""",
            lock_floor=f"SELECT floor FROM {floors} WHERE namespace = %s FOR UPDATE",
            expired=f"""
SELECT job, token FROM {locks}
WHERE namespace = %s AND expires_at < CURRENT_TIMESTAMP(6) LIMIT %s FOR UPDATE""",
            raise_floor=f"UPDATE {floors} SET floor = GREATEST(floor, %s) WHERE namespace = %s",
        )

    def delete(self, tables: Tables, count: int) -> str:
        """Delete ``count`` listed jobs of a namespace (rows the sweep holds locked)."""
        marks = ", ".join(["%s"] * count)
        return f"DELETE FROM {tables.locks} WHERE namespace = %s AND job IN ({marks})"


__all__ = ["Statements"]
