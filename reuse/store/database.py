"""Stage 8: the DuckDB store. The only module that writes the database.

Writes are bulk (Arrow tables registered with DuckDB, never row by row) and
grouped into transactions that leave the database consistent at every
commit: a batch of indexed documents with their passages and lines, or the
whole match set of a scan with the documents' status. A scan killed between
two commits is resumed by the next scan: documents already indexed are not
indexed again, and documents not yet marked ``matched`` are compared again.

Matches are written as a *difference*: rows that a scan finds again keep
their ``match_id`` and ``first_seen_scan``; rows it no longer finds are
removed; new rows get ids above the current maximum, in a deterministic order.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from reuse.detect.plan import ranking_date
from reuse.errors import StoreError
from reuse.store import schema

MATCH_KEY = ("doc_a", "a_start", "a_end", "doc_b", "b_start", "b_end", "source")


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back after a failed statement, keeping the failure's own error: a
    COMMIT that failed (a full disk) has already ended the transaction, and
    DuckDB's "no transaction is active" would hide why."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """``BEGIN`` ... ``COMMIT`` around the block; :func:`rollback` when it raises
    (or when the ``COMMIT`` fails), the block's own error propagated."""
    con.execute("BEGIN")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, **tables: object) -> Iterator[None]:
    """Arrow tables visible to SQL under the given names for the block's duration."""
    for name, table in tables.items():
        con.register(name, table)
    try:
        yield
    finally:
        for name in tables:
            con.unregister(name)


def insert_arrow(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
    """``INSERT INTO table SELECT * FROM rows`` (columns in the table's order)."""
    with registered(con, arrow_rows=rows):
        con.execute(f"INSERT INTO {table} SELECT * FROM arrow_rows")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


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
    """Everything a scan stores for one document (built by :mod:`reuse.engine.pipeline`).

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
    units: list  # list[boilerplate.Unit]
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
    date_precision: str | None = None  # 'day', 'month' or 'year' (reuse.derive.provenance)


#: Counters of ``scans`` that a scan adds to as it commits its work, so a scan
#: resumed after a kill reports what an uninterrupted one reports.
SCAN_COUNTERS = ("n_new", "n_changed", "n_sketched", "n_deleted", "n_renamed", "n_candidates")


class Store:
    """A DuckDB file holding documents, passages, matches and scan history."""

    def __init__(self, path: str | os.PathLike[str], read_only: bool = False) -> None:
        self.path = str(path)
        if read_only and not Path(self.path).exists():
            raise StoreError(f"no database at {self.path}; run 'reuse scan' first")
        try:
            self.con = schema.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            from reuse.errors import busy_error, storage_error

            raise (
                busy_error(exc, Path(self.path), "opened")
                or storage_error(exc, f"open the database {self.path}")
                or StoreError(f"cannot open {self.path}: {exc}")
            ) from exc
        if not read_only:
            self._create()
        self._check_version()

    # -- lifecycle -----------------------------------------------------------

    def _create(self) -> None:
        from reuse.store import migrate

        with transaction(self.con):
            version = self._stored_version()
            carried = migrate.before_ddl(self.con, version)
            self.con.execute(schema.DDL)
            migrate.after_ddl(self.con, version, carried)
            self.con.execute(
                "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT DO NOTHING",
                [str(schema.SCHEMA_VERSION)],
            )
            if version in schema.MIGRATABLE:
                self.con.execute(
                    "UPDATE meta SET value = ? WHERE key = 'schema_version'",
                    [str(schema.SCHEMA_VERSION)],
                )
                self._mark_groups_stale()
            self.con.execute(
                "INSERT INTO meta VALUES ('database_id', ?) ON CONFLICT DO NOTHING",
                [uuid.uuid4().hex],
            )
            self.con.execute("INSERT INTO meta VALUES ('generation', '0') ON CONFLICT DO NOTHING")

    def _stored_version(self) -> int | None:
        """The schema version of an existing database, None for a new one."""
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' "
            "AND table_schema = 'main'"
        ).fetchone()
        if not exists or not exists[0]:
            return None
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return None if row is None else int(row[0])

    def _check_version(self) -> None:
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException as exc:
            raise StoreError(f"{self.path} is not a reuse database (no meta table)") from exc
        if row is None or int(row[0]) != schema.SCHEMA_VERSION:
            found = row[0] if row else "none"
            raise StoreError(
                f"{self.path} has schema version {found}; this reuse expects "
                f"{schema.SCHEMA_VERSION}. Scan into a new --db file."
            )

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute(
            "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    # -- scans ---------------------------------------------------------------

    def begin_scan(self, roots: Sequence[str], parameters: str, version: str) -> int:
        """Start a new scan (its first attempt); returns its ``scan_id``."""
        row = self.con.execute("SELECT coalesce(max(scan_id), 0) + 1 FROM scans").fetchone()
        scan_id = int(row[0]) if row else 1
        zeros = ", ".join("0" for _ in SCAN_COUNTERS)
        with transaction(self.con):
            self.con.execute(
                f"INSERT INTO scans (scan_id, started, status, roots, parameters, version, "
                f"rebuilt, {', '.join(SCAN_COUNTERS)}) "
                f"VALUES (?, ?, 'running', ?, ?, ?, false, {zeros})",
                [scan_id, _now(), list(roots), parameters, version],
            )
            self._begin_attempt(scan_id)
        return scan_id

    def unfinished_scan(self) -> tuple[int, list[str], str] | None:
        """``(scan_id, roots, parameters)`` of a scan still marked running (its
        process died: the caller holds the scan lock), or None."""
        row = self.con.execute(
            "SELECT scan_id, roots, parameters FROM scans WHERE status = 'running' "
            "ORDER BY scan_id DESC LIMIT 1"
        ).fetchone()
        return None if row is None else (int(row[0]), list(row[1] or []), str(row[2]))

    def resume_scan(self, scan_id: int) -> dict[str, int | bool]:
        """Continue an unfinished scan in a new attempt: the attempts still
        running are closed as failed, the scan's rejected-file rows are dropped
        (the walk records them again); returns the counters committed so far."""
        with transaction(self.con):
            self.con.execute(
                "UPDATE scan_attempts SET status = 'failed', finished = ?, message = "
                "'interrupted: the process ended before the scan was complete (killed?)' "
                "WHERE scan_id = ? AND status = 'running'",
                [_now(), scan_id],
            )
            self.con.execute("DELETE FROM errors WHERE scan_id = ?", [scan_id])
            self._begin_attempt(scan_id)
        row = self.con.execute(
            f"SELECT rebuilt, {', '.join(SCAN_COUNTERS)} FROM scans WHERE scan_id = ?", [scan_id]
        ).fetchone()
        assert row is not None
        return {"rebuilt": bool(row[0]), **dict(zip(SCAN_COUNTERS, (int(v or 0) for v in row[1:])))}

    def _begin_attempt(self, scan_id: int) -> None:
        self.con.execute(
            "INSERT INTO scan_attempts SELECT ?, coalesce(max(attempt), 0) + 1, ?, NULL, "
            "'running', NULL, ? FROM scan_attempts WHERE scan_id = ?",
            [scan_id, _now(), os.getpid(), scan_id],
        )

    def fail_attempt(self, scan_id: int, message: str) -> None:
        """Close this process's attempt at a scan as failed (the scan stays
        unfinished, for the next run to resume)."""
        self.con.execute(
            "UPDATE scan_attempts SET status = 'failed', finished = ?, message = ? "
            "WHERE scan_id = ? AND status = 'running' AND pid = ?",
            [_now(), message[:2000], scan_id, os.getpid()],
        )

    def add_counts(self, scan_id: int, **counts: int) -> None:
        """Add to the scan's committed counters (call inside the transaction
        that commits the work counted)."""
        if counts:
            columns = ", ".join(f"{name} = {name} + ?" for name in counts)
            self.con.execute(
                f"UPDATE scans SET {columns} WHERE scan_id = ?", [*counts.values(), scan_id]
            )

    def finish_scan(self, scan_id: int, status: str, counts: dict[str, int | bool]) -> None:
        columns = ", ".join(f"{name} = ?" for name in counts)
        with transaction(self.con):
            self.con.execute(
                f"UPDATE scans SET finished = ?, status = ?, {columns} WHERE scan_id = ?",
                [_now(), status, *counts.values(), scan_id],
            )
            self.con.execute(
                "UPDATE scan_attempts SET status = 'ok', finished = ? "
                "WHERE scan_id = ? AND status = 'running'",
                [_now(), scan_id],
            )

    def record_error(
        self, scan_id: int, path: str, stage: str, message: str, severity: str = "error"
    ) -> None:
        """A rejected file (``severity`` 'error') or one read with a warning."""
        self.con.execute(
            "INSERT INTO errors SELECT coalesce(max(error_id), 0) + 1, ?, ?, ?, ?, ?, ? "
            "FROM errors",
            [scan_id, path, stage, message, _now(), severity],
        )

    # -- roots ---------------------------------------------------------------

    def roots(self) -> dict[str, str]:
        """Known roots: name -> location (as the operating system spells it)."""
        from reuse.ingest.walk import unescape_path

        rows = self.con.execute("SELECT name, location FROM roots").fetchall()
        return {name: unescape_path(location) for name, location in rows}

    def root_sizes(self, name: str) -> dict[str, int]:
        """Identity -> size in bytes of the live documents of one root."""
        return dict(
            self.con.execute(
                "SELECT path, n_bytes FROM live_documents WHERE starts_with(path, ?)",
                [name + "/"],
            ).fetchall()
        )

    def absorb_root(self, name: str, prefix: str) -> None:
        """The documents of root ``name`` move under ``prefix`` (a root that holds
        its folder), keeping their ids; the root is forgotten."""
        with transaction(self.con):
            self.con.execute(
                "UPDATE documents SET path = ? || substr(path, ?) WHERE starts_with(path, ?)",
                [prefix, len(name) + 1, name + "/"],
            )
            self.con.execute("DELETE FROM roots WHERE name = ?", [name])
            self._mark_groups_stale()

    def save_roots(self, roots: Sequence[tuple[str, str]], scan_id: int) -> None:
        """Record the roots of a scan: (name, location as the operating system spells it)."""
        from reuse.ingest.walk import escape_path

        for name, location in roots:
            self.con.execute(
                "INSERT INTO roots VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE "
                "SET location = excluded.location, last_scan = excluded.last_scan",
                [name, escape_path(location), scan_id, scan_id],
            )

    # -- documents -----------------------------------------------------------

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
            # Only documents stored before have rows to replace (a new id is
            # above every stored one); a first scan skips these table scans.
            id_list = sorted(known.values())
            if id_list:
                con.execute("DELETE FROM passages WHERE doc_id IN (SELECT unnest(?))", [id_list])
                con.execute(
                    "DELETE FROM fingerprints WHERE doc_id IN (SELECT unnest(?))", [id_list]
                )
                con.execute("DELETE FROM lines WHERE doc_id IN (SELECT unnest(?))", [id_list])
                # A changed document's old matches point into its old text: remove them.
                con.execute(
                    "DELETE FROM matches WHERE doc_a IN (SELECT unnest(?)) "
                    "OR doc_b IN (SELECT unnest(?))",
                    [id_list, id_list],
                )
                con.execute("DELETE FROM quotations WHERE doc_id IN (SELECT unnest(?))", [id_list])
                con.execute(
                    "DELETE FROM edits WHERE match_id NOT IN (SELECT match_id FROM matches)"
                )
                con.execute("DELETE FROM documents WHERE doc_id IN (SELECT unnest(?))", [id_list])
            self._mark_groups_stale()
            doc_table = pa.table(
                {
                    "doc_id": pa.array(ids, pa.int32()),
                    "path": [d.path for d in docs],
                    "first_scan": pa.array(
                        [first_scans.get(d.path) or scan_id for d in docs], pa.int32()
                    ),
                    "location": pa.array([d.location for d in docs], pa.string()),
                    "sha256": [d.sha256 for d in docs],
                    "n_chars": pa.array([len(d.text) for d in docs], pa.int32()),
                    "text": [d.text for d in docs],
                    "encoding": [d.encoding for d in docs],
                    "n_bytes": pa.array([d.n_bytes for d in docs], pa.int64()),
                    "n_norm_chars": pa.array([d.n_norm_chars for d in docs], pa.int32()),
                    "n_passages": pa.array([len(d.passage_spans) for d in docs], pa.int32()),
                    "doc_date": pa.array([d.doc_date for d in docs], pa.date32()),
                    "date_source": pa.array([d.date_source for d in docs], pa.string()),
                    "date_evidence": pa.array([d.date_evidence for d in docs], pa.string()),
                    "date_precision": pa.array([d.date_precision for d in docs], pa.string()),
                }
            )
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
            self._insert_passages(ids, docs)
            self._insert_fingerprints(ids, docs)
            self._insert_lines(ids, docs)
            self._insert_quotations(ids, docs)
            self.add_counts(scan_id, **(counts or {}))
        return ids

    def _insert_passages(self, ids: list[int], docs: list[IndexedDocument]) -> None:
        doc_col, no_col, start_col, end_col, count_col, key_col = [], [], [], [], [], []
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
        table = pa.table(
            {
                "doc_id": np.concatenate(doc_col),
                "passage_no": np.concatenate(no_col),
                "norm_start": np.concatenate(start_col),
                "norm_end": np.concatenate(end_col),
                "n_shingles": np.concatenate(count_col),
                "band_keys": pa.array(key_col, pa.binary()),
            }
        )
        insert_arrow(self.con, "passages", table)

    def _insert_fingerprints(self, ids: list[int], docs: list[IndexedDocument]) -> None:
        counts = [len(d.fingerprint_hashes) for d in docs]
        if not sum(counts):
            return
        table = pa.table(
            {
                "doc_id": np.repeat(np.asarray(ids, dtype=np.int32), counts),
                "pos": np.concatenate([d.fingerprint_positions for d in docs]).astype(np.int32),
                "hash": np.concatenate([d.fingerprint_hashes for d in docs]).astype(np.uint64),
            }
        )
        insert_arrow(self.con, "fingerprints", table)

    def _insert_lines(self, ids: list[int], docs: list[IndexedDocument]) -> None:
        rows = [
            (doc_id, u.norm_start, u.norm_end, u.start, u.end, u.key, u.listed)
            for doc_id, d in zip(ids, docs)
            for u in d.units
        ]
        if not rows:
            return
        i32 = pa.int32()
        table = _rows_table(
            rows,
            {
                "doc_id": i32,
                "norm_start": i32,
                "norm_end": i32,
                "start_offset": i32,
                "end_offset": i32,
                "line_key": pa.uint64(),
                "listed": pa.bool_(),
            },
        )
        insert_arrow(self.con, "lines", table)

    def _insert_quotations(self, ids: list[int], docs: list[IndexedDocument]) -> None:
        rows = [(doc_id, s, e) for doc_id, d in zip(ids, docs) for s, e in d.quotes]
        if not rows:
            return
        i32 = pa.int32()
        table = _rows_table(rows, {"doc_id": i32, "start_offset": i32, "end_offset": i32})
        insert_arrow(self.con, "quotations", table)

    def _mark_groups_stale(self) -> None:
        self.con.execute(
            "INSERT INTO meta VALUES ('groups_stale', '1') "
            "ON CONFLICT (key) DO UPDATE SET value = '1'"
        )

    def soft_delete(self, doc_ids: Sequence[int], scan_id: int) -> None:
        """Mark documents (and their live matches) deleted, keeping them for history."""
        if not doc_ids:
            return
        now = _now()
        ids = list(doc_ids)
        with transaction(self.con):
            self.add_counts(scan_id, n_deleted=len(ids))
            self.con.execute(
                "UPDATE documents SET deleted_at = ? WHERE doc_id IN (SELECT unnest(?))", [now, ids]
            )
            self.con.execute(
                "UPDATE matches SET deleted_at = ? WHERE deleted_at IS NULL AND "
                "(doc_a IN (SELECT unnest(?)) OR doc_b IN (SELECT unnest(?)))",
                [now, ids, ids],
            )
            self._mark_groups_stale()

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
            table = _rows_table(list(moved), {"doc_id": pa.int32(), "location": pa.string()})
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
            self.add_counts(scan_id, n_renamed=1)
            self._mark_groups_stale()

    def invalidate_all(self, scan_id: int) -> None:
        """Forget every document's index (detection parameters changed)."""
        with transaction(self.con):
            self.con.execute("DELETE FROM passages")
            self.con.execute("DELETE FROM fingerprints")
            self.con.execute("DELETE FROM pair_plans")
            self.con.execute("DELETE FROM lines")
            self.con.execute("UPDATE documents SET status = 'stale' WHERE deleted_at IS NULL")
            self.con.execute("UPDATE scans SET rebuilt = true WHERE scan_id = ?", [scan_id])

    def stale_documents(self) -> list[tuple[int, str]]:
        return self.con.execute(
            "SELECT doc_id, path FROM documents WHERE status = 'stale' AND deleted_at IS NULL "
            "ORDER BY path"
        ).fetchall()

    def document_text(self, doc_id: int) -> str:
        row = self.con.execute("SELECT text FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
        if row is None:
            raise StoreError(f"no document {doc_id}")
        return str(row[0])

    def document_texts(self, doc_ids: Iterable[int]) -> dict[int, str]:
        """Original texts of many documents in one query (a point query per
        document costs a scan of the table each)."""
        ids = sorted(set(int(d) for d in doc_ids))
        if not ids:
            return {}
        return dict(
            self.con.execute(
                "SELECT doc_id, text FROM documents WHERE doc_id IN (SELECT unnest(?))", [ids]
            ).fetchall()
        )

    def metadata_dates(self, doc_ids: Iterable[int]) -> dict[int, dt.date]:
        """Stored dates that came from file metadata (kept when a document is
        indexed again from its stored text, which has no metadata)."""
        ids = sorted(set(int(d) for d in doc_ids))
        if not ids:
            return {}
        return dict(
            self.con.execute(
                "SELECT doc_id, doc_date FROM documents WHERE doc_id IN (SELECT unnest(?)) "
                "AND date_source = 'metadata'",
                [ids],
            ).fetchall()
        )

    def normalised_lengths(self) -> dict[int, int]:
        """``n_norm_chars`` of every document."""
        return dict(self.con.execute("SELECT doc_id, n_norm_chars FROM documents").fetchall())

    def document_paths(self) -> dict[int, str]:
        return dict(self.con.execute("SELECT doc_id, path FROM documents").fetchall())

    def unmatched_documents(self) -> list[int]:
        rows = self.con.execute(
            "SELECT doc_id FROM documents WHERE status <> 'matched' AND deleted_at IS NULL"
        ).fetchall()
        return [r[0] for r in rows]

    def count_live_documents(self) -> int:
        row = self.con.execute("SELECT count(*) FROM live_documents").fetchone()
        return int(row[0]) if row else 0

    # -- candidates ----------------------------------------------------------

    def load_passages(self, bands: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Live passages as ``(doc_ids, spans (n, 2), band_keys (n, bands))`` in key order."""
        table = (
            self.con.cursor()
            .sql(
                "SELECT p.doc_id, p.norm_start, p.norm_end, p.band_keys FROM passages p "
                "JOIN live_documents d USING (doc_id) WHERE p.n_shingles > 0 "
                "ORDER BY p.doc_id, p.passage_no"
            )
            .to_arrow_table()
        )
        n = table.num_rows
        doc_ids = table.column("doc_id").to_numpy().astype(np.int64)
        spans = (
            np.stack(
                (
                    table.column("norm_start").to_numpy().astype(np.int64),
                    table.column("norm_end").to_numpy().astype(np.int64),
                ),
                axis=1,
            )
            if n
            else np.zeros((0, 2), dtype=np.int64)
        )
        blob = table.column("band_keys").combine_chunks() if n else None
        if n and blob is not None:
            buffers = blob.buffers()
            offsets = np.frombuffer(buffers[1], dtype=np.int32)[blob.offset : blob.offset + n + 1]
            data = np.frombuffer(buffers[2], dtype=np.uint8)
            if np.all(np.diff(offsets) == bands * 8):
                start = offsets[0]
                keys = data[start : start + n * bands * 8].view("<u8").reshape(n, bands)
            else:
                raise StoreError("stored band keys do not match the configured bands; rescan")
        else:
            keys = np.zeros((0, bands), dtype=np.uint64)
        return doc_ids, spans, keys.astype(np.uint64)

    def load_fingerprints(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Live documents' fingerprints as ``(doc_ids, positions, hashes)``, in
        document and position order."""
        table = (
            self.con.cursor()
            .sql(
                "SELECT f.doc_id, f.pos, f.hash FROM fingerprints f "
                "JOIN live_documents d USING (doc_id) ORDER BY f.doc_id, f.pos"
            )
            .to_arrow_table()
        )
        return (
            table.column("doc_id").to_numpy().astype(np.int64),
            table.column("pos").to_numpy().astype(np.int64),
            table.column("hash").to_numpy().astype(np.uint64),
        )

    def document_order(self) -> tuple[list[int], list[object], list[str]]:
        """``(doc_ids, dates, paths)`` of the live documents, by doc id; dates as
        :func:`reuse.detect.plan.ranking_date` ranks them."""
        rows = self.con.execute(
            "SELECT doc_id, doc_date, date_precision, path FROM live_documents ORDER BY doc_id"
        ).fetchall()
        dates = [ranking_date(r[1], r[2]) for r in rows]
        return [r[0] for r in rows], dates, [r[3] for r in rows]

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

    def formulaic_units(self, min_documents: int) -> list[tuple]:
        """Units whose key is listed or shared by at least ``min_documents`` live documents.

        Returns rows ``(line_key, doc_id, norm_start, norm_end, start, end)`` of
        the first occurrence per document, for keys in two or more documents.
        """
        return self.con.execute(
            """
            WITH live AS (
                SELECT l.* FROM lines l JOIN live_documents d USING (doc_id)
            ), keys AS (
                SELECT line_key FROM live GROUP BY line_key
                HAVING count(DISTINCT doc_id) >= 2
                   AND (bool_or(listed) OR count(DISTINCT doc_id) >= ?)
            ), firsts AS (
                SELECT line_key, doc_id,
                       arg_min(norm_start, norm_start) AS norm_start,
                       arg_min(norm_end, norm_start) AS norm_end,
                       arg_min(start_offset, norm_start) AS start_offset,
                       arg_min(end_offset, norm_start) AS end_offset
                FROM live WHERE line_key IN (SELECT line_key FROM keys)
                GROUP BY line_key, doc_id
            )
            SELECT * FROM firsts ORDER BY line_key, doc_id
            """,
            [min_documents],
        ).fetchall()

    def formulaic_spans(self, min_documents: int) -> dict[int, list[tuple[int, int]]]:
        """Per document, the normalised spans of all its formulaic units (every occurrence)."""
        rows = self.con.execute(
            """
            WITH live AS (
                SELECT l.* FROM lines l JOIN live_documents d USING (doc_id)
            ), keys AS (
                SELECT line_key FROM live GROUP BY line_key
                HAVING bool_or(listed) OR count(DISTINCT doc_id) >= ?
            )
            SELECT doc_id, norm_start, norm_end FROM live
            WHERE line_key IN (SELECT line_key FROM keys)
            """,
            [min_documents],
        ).fetchall()
        spans: dict[int, list[tuple[int, int]]] = {}
        for doc_id, s, e in rows:
            spans.setdefault(doc_id, []).append((s, e))
        return spans

    # -- matches -------------------------------------------------------------

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
            key = " AND ".join(f"m.{c} = n.{c}" for c in MATCH_KEY)
            key += " AND m.rep_doc IS NOT DISTINCT FROM n.rep_doc"
            in_scope = (
                "m.deleted_at IS NULL AND (m.source = 'line' OR EXISTS (SELECT 1 FROM "
                "scope_pairs s WHERE s.doc_a = m.doc_a AND s.doc_b = m.doc_b AND "
                "(s.pass = 2) = (m.rep_doc IS NOT NULL)))"
            )
            removed = con.execute(
                f"DELETE FROM matches m WHERE {in_scope} AND NOT EXISTS "
                f"(SELECT 1 FROM new_matches n WHERE {key})"
            ).fetchone()
            con.execute(
                f"UPDATE matches m SET kind = n.kind, similarity = n.similarity, "
                f"edit_distance = n.edit_distance, seeds = n.seeds "
                f"FROM new_matches n WHERE m.deleted_at IS NULL AND {key}"
            )
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
                    (SELECT 1 FROM matches m WHERE m.deleted_at IS NULL AND {key})
                """,
                [base, scan_id],
            ).fetchone()
            con.execute(schema.FILL_MATCH_KEYS)
            con.execute(
                "INSERT INTO meta SELECT 'max_match_id', "
                "CAST(coalesce(max(match_id), 0) AS VARCHAR) "
                "FROM matches ON CONFLICT (key) DO UPDATE SET value = greatest("
                "CAST(meta.value AS BIGINT), CAST(excluded.value AS BIGINT))::VARCHAR"
            )
            con.execute("DELETE FROM edits WHERE match_id NOT IN (SELECT match_id FROM matches)")
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
            self._mark_groups_stale()
            self._mark_stale("labels_stale")
            self._mark_stale("shares_stale")
            if matched_docs:
                con.execute(
                    "UPDATE documents SET status = 'matched' WHERE doc_id IN (SELECT unnest(?))",
                    [list(matched_docs)],
                )
            self.add_counts(scan_id, n_candidates=n_candidates)
        return {
            "removed": int(removed[0]) if removed else 0,
            "added": int(added[0]) if added else 0,
        }

    def _mark_stale(self, key: str) -> None:
        self.con.execute(
            "INSERT INTO meta VALUES (?, '1') ON CONFLICT (key) DO UPDATE SET value = '1'", [key]
        )

    def is_stale(self, key: str) -> bool:
        return self.get_meta(key) == "1"

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

    # -- derived tables: templates, edits, groups ----------------------------

    def labelled_matches(self) -> list[tuple]:
        """Every live match a label depends on: ``(match_id, doc_a, doc_b, a_start,
        a_end, b_start, b_end, a_norm_start, a_norm_end, b_norm_start, b_norm_end,
        similarity, edit_distance, kind, source, rep_doc)``, by match id."""
        return self.con.execute(
            "SELECT match_id, doc_a, doc_b, a_start, a_end, b_start, b_end, a_norm_start, "
            "a_norm_end, b_norm_start, b_norm_end, similarity, edit_distance, kind, source, "
            "rep_doc FROM live_matches ORDER BY match_id"
        ).fetchall()

    def write_templates(
        self, tables: tuple[pa.Table, pa.Table], kinds: Sequence[tuple[int, str]]
    ) -> None:
        """Replace the templates and their members, set the ``kind`` of the
        matches in ``kinds`` (``(match_id, kind)``), clear the labels' stale mark."""
        templates, members = tables
        con = self.con
        with transaction(con):
            con.execute("DELETE FROM templates")
            con.execute("DELETE FROM template_members")
            with registered(con, new_templates=templates):
                con.execute(
                    "INSERT INTO templates SELECT t.template_id, t.kind, t.rep_doc, t.rep_start, "
                    "t.rep_end, t.n_documents, t.n_members, md5(d.path || chr(31) || "
                    "substr(d.text, t.rep_start + 1, t.rep_end - t.rep_start)) "
                    "FROM new_templates t JOIN documents d ON d.doc_id = t.rep_doc"
                )
            insert_arrow(con, "template_members", members)
            if kinds:
                new_kinds = _rows_table(list(kinds), {"match_id": pa.int64(), "kind": pa.string()})
                with registered(con, new_kinds=new_kinds):
                    con.execute(
                        "UPDATE matches m SET kind = k.kind FROM new_kinds k "
                        "WHERE m.match_id = k.match_id"
                    )
            con.execute("UPDATE meta SET value = '0' WHERE key = 'labels_stale'")
            self._mark_groups_stale()
            self._mark_stale("shares_stale")

    def matches_without_edits(self) -> list[tuple]:
        """Live aligned matches whose edits are not computed yet (reuse, and the
        members of templates against their representative), as rows
        ``(match_id, doc_a, a_norm_start, a_norm_end, doc_b, b_norm_start, b_norm_end)``
        in (doc_a, doc_b, match_id) order."""
        return self.con.execute(
            "SELECT match_id, doc_a, a_norm_start, a_norm_end, doc_b, b_norm_start, b_norm_end "
            "FROM live_matches WHERE source = 'align' AND n_edits IS NULL "
            "AND (kind = 'reuse' OR match_id IN (SELECT match_id FROM template_members)) "
            "ORDER BY doc_a, doc_b, match_id"
        ).fetchall()

    def write_edits(self, match_ids: Sequence[int], edits: pa.Table) -> None:
        """Store the edits of ``match_ids`` (replacing any) and their counts, atomically."""
        con = self.con
        with transaction(con):
            ids = list(match_ids)
            con.execute("DELETE FROM edits WHERE match_id IN (SELECT unnest(?))", [ids])
            insert_arrow(con, "edits", edits)
            con.execute(
                "UPDATE matches m SET n_edits = coalesce(c.n, 0) FROM "
                "(SELECT unnest(?) AS match_id) t LEFT JOIN "
                "(SELECT match_id, count(*) AS n FROM edits "
                " WHERE match_id IN (SELECT unnest(?)) GROUP BY match_id) c USING (match_id) "
                "WHERE m.match_id = t.match_id",
                [ids, ids],
            )
            self._mark_stale("shares_stale")

    def write_shares(self) -> int:
        """Recompute every document's shares (:mod:`reuse.store.shares`), atomically,
        and clear their stale mark; returns the number of documents."""
        from reuse.store.shares import derive_shares

        with transaction(self.con):
            n = derive_shares(self.con)
            self.con.execute("UPDATE meta SET value = '0' WHERE key = 'shares_stale'")
        return n

    def groups_stale(self) -> bool:
        return self.get_meta("groups_stale") == "1"

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

    def write_groups(self, groups: Sequence) -> None:
        """Replace the reuse groups (:class:`reuse.derive.groups.ReuseGroup`) and clear
        the stale mark, atomically."""
        con = self.con
        g_rows = [
            (
                g.group_no,
                g.n_documents,
                len(g.members),
                len(g.match_ids),
                sum(m.end - m.start for m in g.members) / len(g.members),
            )
            for g in groups
        ]
        member_rows = [(g.group_no, m.doc_id, m.start, m.end) for g in groups for m in g.members]
        match_rows = [(g.group_no, mid) for g in groups for mid in g.match_ids]
        i32 = pa.int32()
        with transaction(con):
            con.execute("DELETE FROM groups")
            con.execute("DELETE FROM group_members")
            con.execute("DELETE FROM group_matches")
            group_types = {
                "group_id": i32,
                "n_documents": i32,
                "n_members": i32,
                "n_matches": i32,
                "mean_chars": pa.float64(),
            }
            insert_arrow(con, "groups", _rows_table(g_rows, group_types))
            member_types = {"group_id": i32, "doc_id": i32, "start_offset": i32, "end_offset": i32}
            insert_arrow(con, "group_members", _rows_table(member_rows, member_types))
            match_types = {"group_id": i32, "match_id": pa.int64()}
            insert_arrow(con, "group_matches", _rows_table(match_rows, match_types))
            con.execute("UPDATE meta SET value = '0' WHERE key = 'groups_stale'")

    # -- verdicts --------------------------------------------------------------

    def record_verdicts(
        self, match_ids: Sequence[int], verdict: str, note: str | None, reviewer: str | None
    ) -> list[str]:
        """Record a verdict on live matches (see :func:`record_verdicts`)."""
        with transaction(self.con):
            keys = record_verdicts(self.con, match_ids, verdict, note, reviewer)
        return keys

    def new_match_counts(self, scan_id: int) -> tuple[int, int]:
        """``(new reuse matches, of which ignored by a verdict)`` first seen in ``scan_id``."""
        ignored = self.ignored_match_ids(first_seen_scan=scan_id)
        row = self.con.execute(
            "SELECT count(*), count(*) FILTER (WHERE match_id IN (SELECT unnest(?))) "
            "FROM live_matches WHERE kind = 'reuse' AND first_seen_scan = ?",
            [ignored, scan_id],
        ).fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)


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
    # (fetchall: a result fetched with fetchone stays open and register() refuses to run)
    first = (
        int(con.execute("SELECT coalesce(max(verdict_id), 0) FROM verdicts").fetchall()[0][0]) + 1
    )
    now = _now()
    table = _rows_table(
        [
            (first + k, found[m][1], verdict, note, reviewer, now, m, *found[m][2:])
            for k, m in enumerate(ids)
        ],
        {
            "verdict_id": pa.int64(),
            "match_key": pa.string(),
            "verdict": pa.string(),
            "note": pa.string(),
            "reviewer": pa.string(),
            "reviewed_at": pa.timestamp("us"),
            "match_id": pa.int64(),
            "doc_a": pa.int32(),
            "doc_b": pa.int32(),
            "path_a": pa.string(),
            "path_b": pa.string(),
        },
    )
    insert_arrow(con, "verdicts", table)
    # Groups leave ignored matches out; shares too.
    con.execute(
        "INSERT INTO meta VALUES ('groups_stale', '1') ON CONFLICT (key) DO UPDATE SET value = '1'"
    )
    from reuse.store.shares import derive_shares

    derive_shares(con, {d for m in ids for d in found[m][2:4]})
    return [str(found[m][1]) for m in ids]


def _rows_table(rows: Sequence[tuple], columns: dict[str, pa.DataType]) -> pa.Table:
    """An Arrow table (for a bulk insert) of row tuples, one column per ``columns`` item."""
    values = list(zip(*rows)) if rows else [() for _ in columns]
    return pa.table(
        {name: pa.array(col, kind) for (name, kind), col in zip(columns.items(), values)}
    )


MATCH_SCHEMA = pa.schema(
    [
        ("doc_a", pa.int32()),
        ("a_start", pa.int32()),
        ("a_end", pa.int32()),
        ("doc_b", pa.int32()),
        ("b_start", pa.int32()),
        ("b_end", pa.int32()),
        ("similarity", pa.float64()),
        ("edit_distance", pa.int32()),
        ("kind", pa.string()),
        ("a_norm_start", pa.int32()),
        ("a_norm_end", pa.int32()),
        ("b_norm_start", pa.int32()),
        ("b_norm_end", pa.int32()),
        ("seeds", pa.int32()),
        ("source", pa.string()),
        ("rep_doc", pa.int32()),
    ]
)


#: Rows of the ``edits`` table, in its column order.
EDIT_SCHEMA = pa.schema(
    [
        ("match_id", pa.int64()),
        ("edit_no", pa.int32()),
        ("op", pa.string()),
        ("a_start", pa.int32()),
        ("a_end", pa.int32()),
        ("b_start", pa.int32()),
        ("b_end", pa.int32()),
        ("old_text", pa.string()),
        ("new_text", pa.string()),
        ("category", pa.string()),
        ("pos", pa.string()),
    ]
)
