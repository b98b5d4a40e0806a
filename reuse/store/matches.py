"""Matches, written as a *difference*, and read for the stages after detection.

A scan hands :meth:`MatchTable.replace_matches` the rows it found
(:data:`MATCH_SCHEMA`) for a scope of document pairs: rows
it finds again keep their ``match_id`` and ``first_seen_scan``; rows it no
longer finds are removed; new rows get ids above every id ever given, in a
deterministic order. The plan each pair was aligned from (``pair_plans``) is
replaced with them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from reuse.store.connection import Connected, registered, transaction
from reuse.store.meta import GROUPS_STALE, LABELS_STALE, SHARES_STALE, mark_stale
from reuse.store.scans import add_counts
from reuse.store.tables import MATCHES

__all__ = [
    "MATCH_IDENTITY_COLUMNS",
    "MATCH_SCHEMA",
    "DocumentSpan",
    "MatchRow",
    "MatchTable",
]

#: Rows of new matches a scan hands :meth:`MatchTable.replace_matches`: the
#: columns of ``matches`` that detection computes.
MATCH_SCHEMA = MATCHES.arrow_schema(
    (
        "doc_a",
        "a_start",
        "a_end",
        "doc_b",
        "b_start",
        "b_end",
        "similarity",
        "edit_distance",
        "kind",
        "a_norm_start",
        "a_norm_end",
        "b_norm_start",
        "b_norm_end",
        "seeds",
        "source",
        "rep_doc",
    )
)


@dataclass(frozen=True)
class DocumentSpan:
    """One side of a match: document ``doc_id``'s original ``[start, end)``
    (code points of ``documents.text``) and normalised ``[norm_start, norm_end)``."""

    doc_id: int
    start: int
    end: int
    norm_start: int
    norm_end: int


@dataclass(frozen=True)
class MatchRow:
    """A match a scan found, before it is stored: a row of :data:`MATCH_SCHEMA`.

    ``a`` is the side of the lower ``doc_id``; ``similarity`` is in [0, 1];
    ``edit_distance`` counts character edits of the normalised spans; ``kind``
    is 'reuse' or 'boilerplate' (templates are labelled after storing);
    ``seeds`` counts the verified passage pairs behind an aligned segment;
    ``source`` is 'align' or 'line'; ``rep_doc`` the representative's document
    of a template member's or a formulaic line's match, else None.
    """

    a: DocumentSpan
    b: DocumentSpan
    similarity: float
    edit_distance: int
    kind: str
    seeds: int
    source: str
    rep_doc: int | None = None

    def columns(self) -> dict[str, object]:
        """The row as :data:`MATCH_SCHEMA`'s column names to values."""
        a, b = self.a, self.b
        return {
            "doc_a": a.doc_id,
            "a_start": a.start,
            "a_end": a.end,
            "doc_b": b.doc_id,
            "b_start": b.start,
            "b_end": b.end,
            "similarity": self.similarity,
            "edit_distance": self.edit_distance,
            "kind": self.kind,
            "a_norm_start": a.norm_start,
            "a_norm_end": a.norm_end,
            "b_norm_start": b.norm_start,
            "b_norm_end": b.norm_end,
            "seeds": self.seeds,
            "source": self.source,
            "rep_doc": self.rep_doc,
        }


#: Columns that make a new row the same match as a stored one (with ``rep_doc``,
#: compared NULL to NULL).
MATCH_IDENTITY_COLUMNS = ("doc_a", "a_start", "a_end", "doc_b", "b_start", "b_end", "source")

#: SQL: stored match ``m`` is new row ``n``.
_SAME_MATCH = (
    " AND ".join(f"m.{c} = n.{c}" for c in MATCH_IDENTITY_COLUMNS)
    + " AND m.rep_doc IS NOT DISTINCT FROM n.rep_doc"
)

#: SQL: stored match ``m`` is live and in the scope of a replacement: line-derived
#: boilerplate, or aligned in a pass of a pair of ``scope_pairs`` (pass 1:
#: ``rep_doc`` NULL, pass 2: set).
_IN_SCOPE = (
    "m.deleted_at IS NULL AND (m.source = 'line' OR EXISTS (SELECT 1 FROM "
    "scope_pairs s WHERE s.doc_a = m.doc_a AND s.doc_b = m.doc_b AND "
    "(s.pass = 2) = (m.rep_doc IS NOT NULL)))"
)


class MatchTable(Connected):
    """Writes and reads of ``matches`` and ``pair_plans``."""

    def replace_matches(
        self,
        rows: pa.Table,
        scope: pa.Table,
        scan_id: int,
        matched_docs: Sequence[int],
        n_candidates: int = 0,
        plans: pa.Table | None = None,
    ) -> dict[str, int]:
        """Make the live matches in scope equal ``rows``, atomically.

        Scope: the aligned matches of the ``(doc_a, doc_b, pass)`` rows of
        ``scope`` (pass 1: ``rep_doc`` NULL, pass 2: set), and all
        line-derived boilerplate. Rows found again keep their id and
        ``first_seen_scan``; new ones get ids above every id ever given.
        ``plans`` (``doc_a, doc_b, pass, signature``) replaces the stored plan
        of the pairs it names and of the pairs in ``scope``; ``matched_docs``
        are marked ``matched``; and the labels (kinds, templates) are marked
        stale, all in the same transaction.
        """
        con = self.con
        with transaction(con), registered(con, new_matches=rows, scope_pairs=scope):
            removed = _remove_and_update(con)
            added = _add_new(con, scan_id)
            con.execute("DELETE FROM edits WHERE match_id NOT IN (SELECT match_id FROM matches)")
            _replace_plans(con, plans)
            mark_stale(con, GROUPS_STALE)
            mark_stale(con, LABELS_STALE)
            mark_stale(con, SHARES_STALE)
            if matched_docs:
                con.execute(
                    "UPDATE documents SET status = 'matched' WHERE doc_id IN (SELECT unnest(?))",
                    [list(matched_docs)],
                )
            add_counts(con, scan_id, n_candidates=n_candidates)
        return {"removed": removed, "added": added}

    def pair_plans(self, pass_no: int) -> tuple[np.ndarray, np.ndarray]:
        """The stored plan of one pass: ``(pairs (n, 2), signatures (n,))``, by pair."""
        table = (
            self.con.cursor()
            .sql(
                "SELECT doc_a, doc_b, signature FROM pair_plans WHERE pass = ? "
                "ORDER BY doc_a, doc_b",
                params=[pass_no],
            )
            .to_arrow_table()
        )
        pairs = (
            np.stack(
                (
                    table.column("doc_a").to_numpy().astype(np.int64),
                    table.column("doc_b").to_numpy().astype(np.int64),
                ),
                axis=1,
            )
            if table.num_rows
            else np.zeros((0, 2), dtype=np.int64)
        )
        return pairs, table.column("signature").to_numpy().astype(np.uint64)

    def live_aligned_matches(self, formulaic_docs: Sequence[int]) -> list[tuple]:
        """Live aligned matches that may be (or stop being) boilerplate: both
        documents in ``formulaic_docs``, or kind 'boilerplate' now."""
        return self.con.execute(
            "SELECT doc_a, a_start, a_end, doc_b, b_start, b_end, source, kind, "
            "a_norm_start, a_norm_end, b_norm_start, b_norm_end, similarity, edit_distance, seeds "
            "FROM live_matches WHERE source = 'align' AND (kind = 'boilerplate' OR "
            "(doc_a IN (SELECT unnest(?)) AND doc_b IN (SELECT unnest(?))))",
            [list(formulaic_docs), list(formulaic_docs)],
        ).fetchall()

    def labelled_matches(self) -> list[tuple]:
        """Every live match a label depends on: ``(match_id, doc_a, doc_b, a_start,
        a_end, b_start, b_end, a_norm_start, a_norm_end, b_norm_start, b_norm_end,
        similarity, edit_distance, kind, source, rep_doc)``, by match id."""
        return self.con.execute(
            "SELECT match_id, doc_a, doc_b, a_start, a_end, b_start, b_end, a_norm_start, "
            "a_norm_end, b_norm_start, b_norm_end, similarity, edit_distance, kind, source, "
            "rep_doc FROM live_matches ORDER BY match_id"
        ).fetchall()

    def reuse_sides(self) -> list[tuple[int, int, int, int, int, int, int]]:
        """Live reuse matches not ignored by a reviewer, as ``(match_id, doc_a,
        a_start, a_end, doc_b, b_start, b_end)`` (original offsets). Stock text
        (templates, formulaic lines) is grouped by the templates, not here.
        """
        ignored = self.ignored_match_ids()
        return self.con.execute(
            "SELECT match_id, doc_a, a_start, a_end, doc_b, b_start, b_end "
            "FROM live_matches WHERE kind = 'reuse' "
            "AND match_id NOT IN (SELECT unnest(?)) ORDER BY match_id",
            [ignored],
        ).fetchall()

    def ignored_match_ids(self, first_seen_scan: int | None = None) -> list[int]:
        """Live matches a reviewer marked ``ignored`` (optionally: first seen in one scan)."""
        rows = self.con.execute(
            "SELECT match_id FROM reviewed_matches WHERE verdict = 'ignored' "
            "AND (CAST(? AS INTEGER) IS NULL OR first_seen_scan = ?) ORDER BY match_id",
            [first_seen_scan, first_seen_scan],
        ).fetchall()
        return [r[0] for r in rows]

    def new_match_counts(self, scan_id: int) -> tuple[int, int]:
        """``(new reuse matches, of which ignored by a verdict)`` first seen in ``scan_id``."""
        ignored = self.ignored_match_ids(first_seen_scan=scan_id)
        row = self.con.execute(
            "SELECT count(*), count(*) FILTER (WHERE match_id IN (SELECT unnest(?))) "
            "FROM live_matches WHERE kind = 'reuse' AND first_seen_scan = ?",
            [ignored, scan_id],
        ).fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)


def _remove_and_update(con: duckdb.DuckDBPyConnection) -> int:
    """Remove the matches in scope that ``new_matches`` does not hold; update
    the kind, similarity, edit distance and seeds of those it holds. Returns
    the number removed."""
    removed = con.execute(
        f"DELETE FROM matches m WHERE {_IN_SCOPE} AND NOT EXISTS "
        f"(SELECT 1 FROM new_matches n WHERE {_SAME_MATCH})"
    ).fetchone()
    con.execute(
        f"UPDATE matches m SET kind = n.kind, similarity = n.similarity, "
        f"edit_distance = n.edit_distance, seeds = n.seeds "
        f"FROM new_matches n WHERE m.deleted_at IS NULL AND {_SAME_MATCH}"
    )
    return int(removed[0]) if removed else 0


def _add_new(con: duckdb.DuckDBPyConnection, scan_id: int) -> int:
    """Insert the rows of ``new_matches`` not stored yet, with new ids and their
    ``match_key``; returns the number added."""
    # Ids are never reused, even those of removed matches: a reviewer's
    # note on match 17 must not come to mean another passage.
    row = con.execute(
        "SELECT greatest(coalesce((SELECT max(match_id) FROM matches), 0), "
        "coalesce((SELECT CAST(value AS BIGINT) FROM meta "
        "WHERE key = 'max_match_id'), 0))"
    ).fetchone()
    base = int(row[0]) if row else 0
    added = con.execute(
        f"""
        INSERT INTO matches
        SELECT ? + row_number() OVER (ORDER BY n.doc_a, n.doc_b, n.a_start, n.b_start,
                                      n.a_end, n.b_end, n.source, n.rep_doc NULLS FIRST),
               n.doc_a, n.a_start, n.a_end, n.doc_b, n.b_start, n.b_end,
               n.similarity, n.edit_distance, n.kind,
               n.a_norm_start, n.a_norm_end, n.b_norm_start, n.b_norm_end,
               n.seeds, n.source, ?, NULL, NULL, n.rep_doc, NULL
        FROM new_matches n
        WHERE NOT EXISTS
            (SELECT 1 FROM matches m WHERE m.deleted_at IS NULL AND {_SAME_MATCH})
        """,
        [base, scan_id],
    ).fetchone()
    fill_match_keys(con)
    con.execute(
        "INSERT INTO meta SELECT 'max_match_id', "
        "CAST(coalesce(max(match_id), 0) AS VARCHAR) "
        "FROM matches ON CONFLICT (key) DO UPDATE SET value = greatest("
        "CAST(meta.value AS BIGINT), CAST(excluded.value AS BIGINT))::VARCHAR"
    )
    return int(added[0]) if added else 0


def fill_match_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Fill ``matches.match_key`` where it is NULL: :data:`reuse.store.schema.MATCH_KEY_SQL`
    computed here, ``md5`` of both document ids and both passages' original
    text joined by ``chr(31)`` (the same keys; 209,819 new matches of a
    cn_laws_regs scan: 1.4 s, where DuckDB's ``substr``, which walks the
    UTF-8 text up to the offset, took 2.9 s)."""
    rows = con.execute(
        "SELECT match_id, doc_a, a_start, a_end, doc_b, b_start, b_end FROM matches "
        "WHERE match_key IS NULL"
    ).fetchall()
    if not rows:
        return
    docs = sorted({r[1] for r in rows} | {r[4] for r in rows})
    texts = dict(
        con.execute(
            "SELECT doc_id, text FROM documents WHERE doc_id IN (SELECT unnest(?))", [docs]
        ).fetchall()
    )
    ids, keys = [], []
    for match_id, doc_a, a0, a1, doc_b, b0, b1 in rows:
        if doc_a not in texts or doc_b not in texts:  # (as the SQL join: no key)
            continue
        text = f"{doc_a}\x1f{doc_b}\x1f{texts[doc_a][a0:a1]}\x1f{texts[doc_b][b0:b1]}"
        ids.append(match_id)
        keys.append(hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest())
    table = pa.table({"match_id": pa.array(ids, pa.int64()), "match_key": pa.array(keys)})
    with registered(con, new_keys=table):
        con.execute(
            "UPDATE matches m SET match_key = k.match_key FROM new_keys k "
            "WHERE m.match_id = k.match_id"
        )


def _replace_plans(con: duckdb.DuckDBPyConnection, plans: pa.Table | None) -> None:
    """Drop the stored plans of the pairs in ``scope_pairs``; store ``plans``."""
    con.execute(
        "DELETE FROM pair_plans p WHERE EXISTS (SELECT 1 FROM scope_pairs s WHERE "
        "s.doc_a = p.doc_a AND s.doc_b = p.doc_b AND s.pass = p.pass)"
    )
    if plans is not None and plans.num_rows:
        with registered(con, new_plans=plans):
            con.execute(
                "INSERT OR REPLACE INTO pair_plans SELECT doc_a, doc_b, pass, signature "
                "FROM new_plans"
            )
