"""Documents and what a scan stores with each, written: the ``documents`` rows
and, per document, its ``passages`` (LSH band keys), ``fingerprints`` (winnowed
k-gram hashes), ``lines`` (formulaic-line candidates) and ``quotations``.

A batch of indexed documents is written in one transaction with all of these,
so a scan killed between two batches leaves every document whole. A document
indexed again keeps its ``doc_id``; its old rows, and its matches (they point
into its old text), are removed first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa

from reuse.derive.boilerplate import UnitColumns
from reuse.store.connection import (
    Connected,
    insert_arrow,
    registered,
    rows_table,
    transaction,
    utc_now,
)
from reuse.store.meta import GROUPS_STALE, mark_stale
from reuse.store.scans import add_counts
from reuse.store.tables import DOCUMENTS, FINGERPRINTS, LINES, PASSAGES, QUOTATIONS

__all__ = ["DocumentTable", "IndexedDocument", "KnownDocument"]


@dataclass(frozen=True)
class KnownDocument:
    """A stored document as a scan needs it to decide what to read again."""

    doc_id: int
    path: str
    sha256: str
    status: str
    deleted: bool
    location: str | None = None
    indexed_scan: int | None = None
    n_bytes: int | None = None


@dataclass
class IndexedDocument:
    """Everything a scan stores for one document (built by :mod:`reuse.engine.indexing`).

    ``path`` is the document's identity (:mod:`reuse.ingest.identity`), ``location``
    the absolute path it was read from (both escaped).
    """

    path: str
    sha256: str
    text: str
    encoding: str
    n_bytes: int
    n_norm_chars: int
    passage_spans: np.ndarray  # (p, 2) int64, normalised offsets
    passage_shingles: np.ndarray  # (p,) int64
    band_keys: np.ndarray  # (p, bands) uint64
    units: UnitColumns  # its lines and sentences that may be formulaic
    fingerprint_positions: np.ndarray = (
        field(  # (f,) int32, normalised offsets (reuse.detect.seeds)
            default_factory=lambda: np.zeros(0, dtype=np.int32)
        )
    )
    fingerprint_hashes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    quotes: list = field(default_factory=list)  # [(start, end)] original offsets inside marks
    doc_date: dt.date | None = None
    date_source: str | None = None
    date_evidence: str | None = None
    location: str | None = None
    date_precision: str | None = None  # 'day', 'month' or 'year' (reuse.text.dates)


@dataclass(frozen=True)
class _DocumentIds:
    """The ids of a batch of documents to write: ``ids`` in the batch's order (a
    stored document keeps its own, a new one gets the next free id),
    ``replaced`` the stored ones, ascending, ``first_scans`` per stored path."""

    ids: list[int]
    replaced: list[int]
    first_scans: dict[str, int]


class DocumentTable(Connected):
    """Writes of ``documents`` and of the rows stored with each document."""

    def known_documents(self) -> dict[str, KnownDocument]:
        """Every stored document (live or deleted) by identity."""
        rows = self.con.execute(
            "SELECT doc_id, path, sha256, status, deleted_at IS NOT NULL, location, "
            "indexed_scan, n_bytes FROM documents"
        ).fetchall()
        return {r[1]: KnownDocument(*r) for r in rows}

    def write_indexed(
        self, docs: Iterable[IndexedDocument], scan_id: int, counts: dict[str, int] | None = None
    ) -> list[int]:
        """Insert or replace documents with their passages and lines, in one
        transaction; ``counts`` are added to the scan's counters in it."""
        docs = list(docs)
        if not docs:
            return []
        con = self.con
        with transaction(con):
            assigned = _document_ids(con, docs)
            if assigned.replaced:
                _delete_replaced(con, assigned.replaced)
            mark_stale(con, GROUPS_STALE)
            _insert_documents(con, docs, assigned, scan_id)
            _insert_passages(con, assigned.ids, docs)
            _insert_fingerprints(con, assigned.ids, docs)
            _insert_lines(con, assigned.ids, docs)
            _insert_quotations(con, assigned.ids, docs)
            add_counts(con, scan_id, **(counts or {}))
        return assigned.ids

    def soft_delete(self, doc_ids: Sequence[int], scan_id: int) -> None:
        """Mark documents (and their live matches) deleted, keeping them for history."""
        if not doc_ids:
            return
        now = utc_now()
        ids = list(doc_ids)
        with transaction(self.con):
            add_counts(self.con, scan_id, n_deleted=len(ids))
            self.con.execute(
                "UPDATE documents SET deleted_at = ? WHERE doc_id IN (SELECT unnest(?))", [now, ids]
            )
            self.con.execute(
                "UPDATE matches SET deleted_at = ? WHERE deleted_at IS NULL AND "
                "(doc_a IN (SELECT unnest(?)) OR doc_b IN (SELECT unnest(?)))",
                [now, ids, ids],
            )
            mark_stale(self.con, GROUPS_STALE)

    def touch(
        self, doc_ids: Sequence[int], scan_id: int, moved: Sequence[tuple[int, str]] = ()
    ) -> None:
        """Documents seen unchanged by this scan; ``moved`` are ``(doc_id, location)``
        of those now read from another place."""
        if doc_ids:
            self.con.execute(
                "UPDATE documents SET last_scan = ? WHERE doc_id IN (SELECT unnest(?))",
                [scan_id, list(doc_ids)],
            )
        if moved:
            table = rows_table(list(moved), DOCUMENTS.arrow_schema(("doc_id", "location")))
            with registered(self.con, moved_documents=table):
                self.con.execute(
                    "UPDATE documents d SET location = m.location FROM moved_documents m "
                    "WHERE d.doc_id = m.doc_id"
                )

    def rename(self, doc_id: int, path: str, location: str | None, scan_id: int) -> None:
        """A document found under a new identity with the same bytes: keep it
        (and its matches and verdicts) under the new one."""
        with transaction(self.con):
            self.con.execute(
                "UPDATE documents SET path = ?, location = ?, last_scan = ? WHERE doc_id = ?",
                [path, location, scan_id, doc_id],
            )
            add_counts(self.con, scan_id, n_renamed=1)
            mark_stale(self.con, GROUPS_STALE)

    def invalidate_all(self, scan_id: int) -> None:
        """Forget every document's index (detection parameters changed)."""
        with transaction(self.con):
            self.con.execute("DELETE FROM passages")
            self.con.execute("DELETE FROM fingerprints")
            self.con.execute("DELETE FROM pair_plans")
            self.con.execute("DELETE FROM lines")
            self.con.execute("UPDATE documents SET status = 'stale' WHERE deleted_at IS NULL")
            self.con.execute("UPDATE scans SET rebuilt = true WHERE scan_id = ?", [scan_id])


def _document_ids(con: duckdb.DuckDBPyConnection, docs: list[IndexedDocument]) -> _DocumentIds:
    stored = con.execute(
        "SELECT path, doc_id, first_scan FROM documents WHERE path IN (SELECT unnest(?))",
        [[d.path for d in docs]],
    ).fetchall()
    known = {r[0]: r[1] for r in stored}
    first_scans = {r[0]: r[2] for r in stored}
    row = con.execute("SELECT coalesce(max(doc_id), 0) FROM documents").fetchone()
    next_id = int(row[0]) + 1 if row else 1
    ids = []
    for d in docs:
        if d.path in known:
            ids.append(known[d.path])
        else:
            ids.append(next_id)
            next_id += 1
    return _DocumentIds(ids, sorted(known.values()), first_scans)


def _delete_replaced(con: duckdb.DuckDBPyConnection, id_list: list[int]) -> None:
    """Remove the rows of documents indexed again. Only documents stored before
    have rows to replace (a new id is above every stored one), so a first scan
    skips these table scans."""
    con.execute("DELETE FROM passages WHERE doc_id IN (SELECT unnest(?))", [id_list])
    con.execute("DELETE FROM fingerprints WHERE doc_id IN (SELECT unnest(?))", [id_list])
    con.execute("DELETE FROM lines WHERE doc_id IN (SELECT unnest(?))", [id_list])
    # A changed document's old matches point into its old text: remove them.
    con.execute(
        "DELETE FROM matches WHERE doc_a IN (SELECT unnest(?)) OR doc_b IN (SELECT unnest(?))",
        [id_list, id_list],
    )
    con.execute("DELETE FROM quotations WHERE doc_id IN (SELECT unnest(?))", [id_list])
    con.execute("DELETE FROM edits WHERE match_id NOT IN (SELECT match_id FROM matches)")
    con.execute("DELETE FROM documents WHERE doc_id IN (SELECT unnest(?))", [id_list])


def _insert_documents(
    con: duckdb.DuckDBPyConnection,
    docs: list[IndexedDocument],
    assigned: _DocumentIds,
    scan_id: int,
) -> None:
    columns = {
        "doc_id": assigned.ids,
        "path": [d.path for d in docs],
        "first_scan": [assigned.first_scans.get(d.path) or scan_id for d in docs],
        "location": [d.location for d in docs],
        "sha256": [d.sha256 for d in docs],
        "n_chars": [len(d.text) for d in docs],
        "text": [d.text for d in docs],
        "encoding": [d.encoding for d in docs],
        "n_bytes": [d.n_bytes for d in docs],
        "n_norm_chars": [d.n_norm_chars for d in docs],
        "n_passages": [len(d.passage_spans) for d in docs],
        "doc_date": [d.doc_date for d in docs],
        "date_source": [d.date_source for d in docs],
        "date_evidence": [d.date_evidence for d in docs],
        "date_precision": [d.date_precision for d in docs],
    }
    doc_table = pa.table(columns, schema=DOCUMENTS.arrow_schema(tuple(columns)))
    # Columns by name: a migrated table may hold them in another order.
    with registered(con, new_documents=doc_table):
        con.execute(
            "INSERT INTO documents (doc_id, path, sha256, n_chars, text, encoding, "
            "n_bytes, n_norm_chars, n_passages, status, first_scan, last_scan, "
            "deleted_at, doc_date, date_source, date_evidence, location, indexed_scan, "
            "date_precision) "
            "SELECT doc_id, path, sha256, n_chars, text, encoding, "
            "n_bytes, n_norm_chars, n_passages, 'indexed', first_scan, ?, NULL, "
            "doc_date, date_source, date_evidence, location, ?, date_precision "
            "FROM new_documents",
            [scan_id, scan_id],
        )


def _insert_passages(
    con: duckdb.DuckDBPyConnection, ids: list[int], docs: list[IndexedDocument]
) -> None:
    doc_col, no_col, start_col, end_col, count_col = [], [], [], [], []
    key_col: list[bytes] = []
    for doc_id, d in zip(ids, docs):
        p = len(d.passage_spans)
        if p == 0:
            continue
        doc_col.append(np.full(p, doc_id, dtype=np.int32))
        no_col.append(np.arange(p, dtype=np.int32))
        start_col.append(d.passage_spans[:, 0].astype(np.int32))
        end_col.append(d.passage_spans[:, 1].astype(np.int32))
        count_col.append(d.passage_shingles.astype(np.int32))
        keys = np.ascontiguousarray(d.band_keys, dtype="<u8")
        key_col.extend(keys[i].tobytes() for i in range(p))
    if not doc_col:
        return
    columns = {
        "doc_id": np.concatenate(doc_col),
        "passage_no": np.concatenate(no_col),
        "norm_start": np.concatenate(start_col),
        "norm_end": np.concatenate(end_col),
        "n_shingles": np.concatenate(count_col),
        "band_keys": key_col,
    }
    insert_arrow(con, "passages", pa.table(columns, schema=PASSAGES.arrow_schema()))


def _insert_fingerprints(
    con: duckdb.DuckDBPyConnection, ids: list[int], docs: list[IndexedDocument]
) -> None:
    counts = [len(d.fingerprint_hashes) for d in docs]
    if not sum(counts):
        return
    columns = {
        "doc_id": np.repeat(np.asarray(ids, dtype=np.int32), counts),
        "pos": np.concatenate([d.fingerprint_positions for d in docs]).astype(np.int32),
        "hash": np.concatenate([d.fingerprint_hashes for d in docs]).astype(np.uint64),
    }
    insert_arrow(con, "fingerprints", pa.table(columns, schema=FINGERPRINTS.arrow_schema()))


def _insert_lines(
    con: duckdb.DuckDBPyConnection, ids: list[int], docs: list[IndexedDocument]
) -> None:
    counts = [d.units.n_units for d in docs]
    if not sum(counts):
        return
    columns = {"doc_id": np.repeat(np.asarray(ids, dtype=np.int32), counts)}
    schema = LINES.arrow_schema()
    for name, part in zip(schema.names[1:], UnitColumns._fields):
        columns[name] = np.concatenate([getattr(d.units, part) for d in docs])
    insert_arrow(con, "lines", pa.table(columns, schema=schema))


def _insert_quotations(
    con: duckdb.DuckDBPyConnection, ids: list[int], docs: list[IndexedDocument]
) -> None:
    rows = [(doc_id, s, e) for doc_id, d in zip(ids, docs) for s, e in d.quotes]
    if rows:
        insert_arrow(con, "quotations", rows_table(rows, QUOTATIONS.arrow_schema()))
