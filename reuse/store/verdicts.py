"""Reviewers' verdicts on matches: the ``verdicts`` history, and writing to it
in the published database.

A verdict is appended to the history (:func:`record_verdicts`), never
overwriting one, through :func:`reuse.store.snapshot.write_published`: in place
when no other process has the database open, otherwise on a copy that replaces
it, so a reviewer's open session or a running scan never loses a verdict.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Sequence

import duckdb

from reuse.errors import StoreError
from reuse.store import schema
from reuse.store.connection import Connected, insert_arrow, rows_table, transaction, utc_now
from reuse.store.meta import GROUPS_STALE, mark_stale, require_schema_version
from reuse.store.snapshot import write_published
from reuse.store.tables import VERDICTS

__all__ = ["VerdictTable", "default_reviewer", "record_verdicts", "review"]


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
        require_schema_version(con, db, "writes")
        return record_verdicts(con, match_ids, verdict, note, reviewer)

    return write_published(db, write)


class VerdictTable(Connected):
    """Writes of ``verdicts`` through an open store."""

    def record_verdicts(
        self, match_ids: Sequence[int], verdict: str, note: str | None, reviewer: str | None
    ) -> list[str]:
        """Record a verdict on live matches (see :func:`record_verdicts`)."""
        with transaction(self.con):
            keys = record_verdicts(self.con, match_ids, verdict, note, reviewer)
        return keys


def record_verdicts(
    con: duckdb.DuckDBPyConnection,
    match_ids: Sequence[int],
    verdict: str,
    note: str | None,
    reviewer: str | None,
) -> list[str]:
    """Append a reviewer's verdict on live matches to the verdict history; returns
    their ``match_key``s in the order of ``match_ids``.

    Nothing is overwritten: a later verdict on the same match (or on the same
    passages found again under a new id) becomes the current one
    (``current_verdicts``), and an earlier note stays the current note until
    a verdict with a note of its own. Unknown ids are refused before anything
    is written. Run inside a transaction.
    """
    if verdict not in ("confirmed", "ignored"):
        raise StoreError(f"verdict must be 'confirmed' or 'ignored', not {verdict!r}")
    ids = list(dict.fromkeys(int(m) for m in match_ids))
    if not ids:
        raise StoreError("no match id given")
    found = _live_matches(con, ids)
    # (fetchall: a result fetched with fetchone stays open and register() refuses to run)
    first = (
        int(con.execute("SELECT coalesce(max(verdict_id), 0) FROM verdicts").fetchall()[0][0]) + 1
    )
    now = utc_now()
    rows = [
        (first + k, found[m][1], verdict, note, reviewer, now, m, *found[m][2:])
        for k, m in enumerate(ids)
    ]
    insert_arrow(con, "verdicts", rows_table(rows, VERDICTS.arrow_schema()))
    # Groups leave ignored matches out; shares too.
    mark_stale(con, GROUPS_STALE)
    from reuse.store.shares import derive_shares

    derive_shares(con, {d for m in ids for d in found[m][2:4]})
    return [str(found[m][1]) for m in ids]


def _live_matches(con: duckdb.DuckDBPyConnection, ids: list[int]) -> dict[int, tuple]:
    """Per match id, ``(match_id, match_key, doc_a, doc_b, path_a, path_b)``;
    a :class:`StoreError` naming the ids that are no live match, if any."""
    rows = con.execute(
        f"SELECT m.match_id, {schema.MATCH_KEY_SQL}, m.doc_a, m.doc_b, da.path, db.path "
        "FROM live_matches m JOIN documents da ON da.doc_id = m.doc_a "
        "JOIN documents db ON db.doc_id = m.doc_b WHERE m.match_id IN (SELECT unnest(?))",
        [ids],
    ).fetchall()
    found = {r[0]: r for r in rows}
    missing = [m for m in ids if m not in found]
    if missing:
        shown = ", ".join(str(m) for m in missing[:10]) + (" ..." if len(missing) > 10 else "")
        raise StoreError(
            f"no live match {shown}; see 'reuse report' or live_matches (nothing was recorded)"
        )
    return found
