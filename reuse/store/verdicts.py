"""Reviewers' verdicts on matches, written to the published database.

A verdict is appended to the ``verdicts`` history (:func:`reuse.store.database.record_verdicts`)
through :func:`reuse.store.snapshot.write_published`: in place when no other
process has the database open, otherwise on a copy that replaces it, so a
reviewer's open session or a running scan never loses a verdict.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Sequence

import duckdb

from reuse.errors import StoreError
from reuse.store import schema
from reuse.store.database import record_verdicts
from reuse.store.snapshot import write_published

__all__ = ["default_reviewer", "review"]


def default_reviewer() -> str | None:
    """``REUSE_REVIEWER``, else the operating system's user name."""
    name = os.environ.get("REUSE_REVIEWER")
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def review(
    db: str | os.PathLike[str],
    match_ids: Sequence[int],
    verdict: str,
    note: str | None = None,
    reviewer: str | None = None,
) -> list[str]:
    """Record ``verdict`` ('confirmed' or 'ignored') on live matches, all or none;
    returns their ``match_key``s."""

    def write(con: duckdb.DuckDBPyConnection) -> list[str]:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None or int(row[0]) != schema.SCHEMA_VERSION:
            found = row[0] if row else "none"
            raise StoreError(
                f"{db} has schema version {found}, this reuse writes {schema.SCHEMA_VERSION}: "
                f"run 'reuse scan PATH --db {db}' once to migrate it"
            )
        return record_verdicts(con, match_ids, verdict, note, reviewer)

    return write_published(db, write)
