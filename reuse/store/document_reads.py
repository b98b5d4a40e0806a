"""Documents and their index, read: texts, paths, lengths and dates of the
stored documents; the live passages (LSH band keys), fingerprints and
formulaic lines that candidate generation, seeding and boilerplate detection
compare.

The index is read as Arrow tables and handed on as numpy arrays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

import duckdb
import numpy as np

from reuse.detect.plan import ranking_date
from reuse.errors import StoreError
from reuse.store.connection import Connected

__all__ = ["DocumentReads", "FormulaicUnit", "IndexReads", "texts_of"]


def texts_of(con: duckdb.DuckDBPyConnection, doc_ids: Iterable[int]) -> dict[int, str]:
    """Original texts of many documents in one query (a point query per
    document costs a scan of the table each)."""
    ids = sorted(set(int(d) for d in doc_ids))
    if not ids:
        return {}
    return dict(
        con.execute(
            "SELECT doc_id, text FROM documents WHERE doc_id IN (SELECT unnest(?))", [ids]
        ).fetchall()
    )


class FormulaicUnit(NamedTuple):
    """The first occurrence of a formulaic line in a document: the line's key
    (``lines.line_key``), normalised ``[norm_start, norm_end)`` and original
    ``[start, end)``."""

    line_key: int
    doc_id: int
    norm_start: int
    norm_end: int
    start: int
    end: int


class DocumentReads(Connected):
    """Reads of ``documents``."""

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
        """Original texts of many documents in one query (:func:`texts_of`)."""
        return texts_of(self.con, doc_ids)

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

    def document_order(self) -> tuple[list[int], list[object], list[str]]:
        """``(doc_ids, dates, paths)`` of the live documents, by doc id; dates as
        :func:`reuse.detect.plan.ranking_date` ranks them."""
        rows = self.con.execute(
            "SELECT doc_id, doc_date, date_precision, path FROM live_documents ORDER BY doc_id"
        ).fetchall()
        dates = [ranking_date(r[1], r[2]) for r in rows]
        return [r[0] for r in rows], dates, [r[3] for r in rows]


class IndexReads(Connected):
    """Reads of the live documents' ``passages``, ``fingerprints`` and ``lines``."""

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

    def formulaic_units(self, min_documents: int) -> list[FormulaicUnit]:
        """Units whose key is listed or shared by at least ``min_documents`` live
        documents: the first occurrence per document, for keys in two or more
        documents."""
        rows = self.con.execute(
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
        return [FormulaicUnit(*row) for row in rows]

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
