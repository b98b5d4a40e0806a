"""The ``meta`` table: settings of the database as ``key``/``value`` text, among
them the marks that say a derived table must be computed again.

A mark is ``'1'`` when stale: ``groups_stale`` (reuse groups), ``labels_stale``
(match kinds and templates), ``shares_stale`` (document shares).
"""

from __future__ import annotations

import os

import duckdb

from reuse.errors import StoreError
from reuse.store.connection import Connected
from reuse.store.schema import SCHEMA_VERSION

__all__ = [
    "GROUPS_STALE",
    "LABELS_STALE",
    "SHARES_STALE",
    "MetaTable",
    "mark_stale",
    "require_schema_version",
]

GROUPS_STALE = "groups_stale"
LABELS_STALE = "labels_stale"
SHARES_STALE = "shares_stale"


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return None if row is None else row[0]


def require_schema_version(
    con: duckdb.DuckDBPyConnection, db: str | os.PathLike[str], verb: str
) -> None:
    """Raise :class:`~reuse.errors.StoreError` unless the database ``db`` (open as
    ``con``) is of this reuse's schema version; ``verb`` ('reads', 'writes') says
    what the caller was about to do. A scan migrates an older database, so the
    message says to run one."""
    found = get_meta(con, "schema_version")
    if found is None or int(found) != SCHEMA_VERSION:
        raise StoreError(
            f"{db} has schema version {found or 'none'}, this reuse {verb} {SCHEMA_VERSION}: "
            f"run 'reuse scan PATH --db {db}' once to migrate it"
        )


def mark_stale(con: duckdb.DuckDBPyConnection, key: str) -> None:
    """Set the mark ``key`` (:data:`GROUPS_STALE`, ...): the table must be computed again."""
    con.execute(
        "INSERT INTO meta VALUES (?, '1') ON CONFLICT (key) DO UPDATE SET value = '1'", [key]
    )


def clear_stale(con: duckdb.DuckDBPyConnection, key: str) -> None:
    """Clear the mark ``key``: the table was just computed."""
    con.execute("UPDATE meta SET value = '0' WHERE key = ?", [key])


class MetaTable(Connected):
    """Reads and writes of ``meta``."""

    def get_meta(self, key: str) -> str | None:
        return get_meta(self.con, key)

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute(
            "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    def is_stale(self, key: str) -> bool:
        return self.get_meta(key) == "1"

    def groups_stale(self) -> bool:
        return self.get_meta(GROUPS_STALE) == "1"
