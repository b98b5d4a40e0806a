"""The index stage of the Spark engine: every document read, decoded and indexed.

In the executors, each task turns each input row (a file's
location, or a table's ``text`` or ``content``) into one ``documents/`` row
(:data:`reuse.engine.spark_output.DOCUMENT_SCHEMA`) with
:func:`reuse.engine.core.index_document`, the embedded engine's own function
(normalise, segment, shingle, sketch, fingerprints), or a row with the error
that rejected it. On the driver, :func:`index_documents` runs that over the
input frame and writes ``OUTPUT/documents`` (parquet, materialised once).
Band keys and fingerprint hashes are stored as little-endian uint64 bytes, a
unit's key as the int64 of its uint64 bits, as in DuckDB.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from reuse.config import Config
from reuse.engine.core import index_document
from reuse.engine.spark_output import DOCUMENT_SCHEMA
from reuse.engine.spark_session import spark_schema
from reuse.errors import DocumentError
from reuse.ingest.decode import decode_text
from reuse.ingest.paths import unescape_path
from reuse.ingest.read import DecodedDocument, decode_document, read_bytes, sha256_hex

if TYPE_CHECKING:
    from reuse.store.documents import IndexedDocument

#: Rows per record batch out of the index tasks.
INDEX_BATCH_ROWS = 64


@dataclasses.dataclass
class IndexedDocuments:
    """``OUTPUT/documents`` as written: the indexed documents and the counts."""

    frame: Any  # the Spark DataFrame of the rows without an error
    n_rows: int  # every row: one per input document
    n_rejected: int  # rows with an error


# -- in the executors ------------------------------------------------------------


def _decoded(row: dict, location: str, config: Config) -> DecodedDocument:
    """The decoded text of an input row: its ``content`` (a file's bytes), its
    ``text``, or the file at ``location``; :class:`DocumentError` if it is rejected."""
    path = row["path"]
    max_chars = config.ingest.max_chars
    if "content" in row:
        return decode_document(path, row["content"], max_chars=max_chars)
    if "text" in row:
        data = (row["text"] or "").encode("utf-8")
        text, encoding, _ = decode_text(data, path, max_chars)
        return DecodedDocument(path, sha256_hex(data), text, encoding, len(data))
    opened = unescape_path(location)
    doc = decode_document(opened, read_bytes(opened, config.ingest.max_bytes), max_chars=max_chars)
    return dataclasses.replace(doc, path=path)


def _indexed_columns(indexed: IndexedDocument) -> dict[str, Any]:
    """The ``documents/`` columns of an indexed document (all but its ids and error)."""
    spans = indexed.passage_spans
    return {
        "sha256": indexed.sha256,
        "text": indexed.text,
        "encoding": indexed.encoding,
        "n_bytes": indexed.n_bytes,
        "n_norm_chars": indexed.n_norm_chars,
        "doc_date": indexed.doc_date,
        "date_source": indexed.date_source,
        "date_evidence": indexed.date_evidence,
        "date_precision": indexed.date_precision,
        "passage_starts": spans[:, 0].tolist(),
        "passage_ends": spans[:, 1].tolist(),
        "passage_shingles": indexed.passage_shingles.tolist(),
        "band_keys": np.ascontiguousarray(indexed.band_keys, dtype="<u8").tobytes(),
        "units": [
            {
                "norm_start": u.norm_start,
                "norm_end": u.norm_end,
                "start": u.start,
                "end": u.end,
                "key": int(np.uint64(u.key).view(np.int64)),
                "listed": u.listed,
            }
            for u in indexed.units.units()
        ],
        "quotes": [{"start": s, "end": e} for s, e in indexed.quotes],
        "fp_positions": indexed.fingerprint_positions.tolist(),
        "fp_hashes": np.ascontiguousarray(indexed.fingerprint_hashes, dtype="<u8").tobytes(),
    }


def _index_row(row: dict, config: Config, listed: frozenset[int]) -> dict:
    """One input row -> one ``documents`` row (indexed, or rejected with its error)."""
    path = row["path"]  # the document's identity (reuse.ingest.identity)
    location = row.get("location") or path
    base: dict[str, Any] = {"doc_id": row["doc_id"], "path": path, "location": location}
    try:
        doc = _decoded(row, location, config)
    except DocumentError as err:
        return {**base, "error_stage": err.stage, "error_message": err.message}
    try:
        indexed = index_document(doc, config, listed)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the scan
        return {**base, "error_stage": "index", "error_message": f"{type(exc).__name__}: {exc}"}
    return {**base, **_indexed_columns(indexed)}


def _index_batches(
    batches: Iterator[pa.RecordBatch], config: Config, listed: frozenset[int]
) -> Iterator[pa.RecordBatch]:
    """The ``documents/`` rows of a task's input batches, in batches of
    :data:`INDEX_BATCH_ROWS` rows (the last of each input batch shorter)."""
    for batch in batches:
        out: list[dict] = []
        for row in batch.to_pylist():
            out.append(_index_row(row, config, listed))
            if len(out) == INDEX_BATCH_ROWS:
                yield pa.RecordBatch.from_pylist(out, schema=DOCUMENT_SCHEMA)
                out = []
        if out:
            yield pa.RecordBatch.from_pylist(out, schema=DOCUMENT_SCHEMA)


# -- on the driver ----------------------------------------------------------------


def index_documents(
    spark: Any, frame: Any, config: Config, listed: frozenset[int], uri: str
) -> IndexedDocuments:
    """Index every row of the input ``frame`` in the executors, write the
    ``documents/`` rows to ``uri`` and read them back (errors left out)."""
    from pyspark.sql import functions as F

    indexed = frame.mapInArrow(
        lambda it: _index_batches(it, config, listed), spark_schema(DOCUMENT_SCHEMA)
    )
    indexed.write.mode("overwrite").parquet(uri)
    documents = spark.read.parquet(uri)
    docs = documents.where(F.col("error_stage").isNull())
    counts = documents.select(
        F.count(F.lit(1)).alias("n"), F.count("error_stage").alias("bad")
    ).first()
    return IndexedDocuments(docs, int(counts["n"]), int(counts["bad"]))
