"""The scan as a Spark job: the same stages, spread over a cluster.

Each stage runs the engine-free core (:mod:`reuse.engine.core`) inside Spark; the
alignment plan runs on the driver::

    files or a table of (path, text | content)
      -> mapInArrow: read, decode, index_document       (normalise, segment, shingle,
                                                          sketch, fingerprints)
      -> write OUTPUT/documents                          (parquet, materialised once)
      -> driver: plan_passes over the documents' band keys and fingerprints
      -> write OUTPUT/plan                               (one row per planned pair and pass)
      -> block join: pair (a, b) to block pair (a % k, b % k), with both blocks' texts
         (or a join of both texts onto every pair)
      -> mapInArrow: verify_texts, align_planned_pair, edit_rows
      -> write OUTPUT/matches, OUTPUT/manifest.json

**The plan runs on the driver.** It is :func:`reuse.engine.matching.plan_passes`,
the embedded engine's own function, over the band keys and fingerprints of
every document collected from ``OUTPUT/documents`` (texts stay in Spark): the
stock buckets and fingerprints (shared by at least ``T`` documents) give pass
2, each member with its representative; the rest give pass 1, pairwise, in
blocks of whole documents of at most ``scan.candidate_budget_pairs``
candidate pairs, each block written to ``OUTPUT/plan`` before the next is
made. The driver holds about ``passages x bands x 8`` bytes of band keys
(plus the sort buffers of one band at a time), ``fingerprints x 16`` bytes of
fingerprints, and one block of the plan (~60 bytes a candidate pair): for 50
million passages with the default 30 bands, about 12 GB of keys, so size
``spark.driver.memory`` and the driver's Python accordingly (the plan forks
``scan.workers`` processes, every CPU by default, on the driver). Only the
alignments, the expensive part, are spread over the executors.

Formulaic-line matches, templates and labels, shares and reuse groups need
the whole match set and run when the folder is imported into DuckDB
(:func:`reuse.engine.spark_output.import_output`), on one machine, with the
embedded engine's own functions; they are linear in the number of matches,
which a database that is reviewed with SQL holds anyway. Typed edits are
computed in Spark for every aligned segment; the import keeps those of the
matches the embedded engine types.

Document ids are the 1-based rank of the path (the order the embedded scan
assigns them in), so both engines orient every pair alike and plan the same
pairs from the same seeds; each pair is verified and aligned by the same
functions, so the matches are the same, offset for offset, and the imported
database equals the embedded engine's table by table
(``tests/test_spark_engine.py``).

pyspark is an optional extra (``pip install 'reuse[spark]'``, Spark 4.1) and
needs Java 17 or 21.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import shutil
import sys
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from reuse import __version__
from reuse.config import Config
from reuse.derive.boilerplate import load_list
from reuse.detect.align import Alphabet, verify_texts
from reuse.detect.plan import ranking_date
from reuse.engine.core import align_planned_pair, edit_rows, index_document
from reuse.engine.matching import Corpus, PlannedPass, plan_passes
from reuse.engine.spark_output import (
    DOCUMENT_SCHEMA,
    EDIT_TYPE,
    LAYOUT_VERSION,
    MATCH_SCHEMA,
    PLAN_SCHEMA,
)
from reuse.engine.workers import resolve_workers
from reuse.errors import ConfigError, DocumentError, EngineUnavailableError
from reuse.ingest.identity import document_key, resolve_targets
from reuse.ingest.walk import (
    DecodedDocument,
    decode_document,
    decode_text,
    escape_path,
    iter_source_files,
    read_bytes,
    sha256_hex,
    unescape_path,
)
from reuse.text.normalise import NormalisedText, normalise

log = logging.getLogger("reuse")

#: The Spark minor version the extra pins (``pyspark==4.1.*``).
SPARK_MINOR = "4.1"


def check_spark() -> str:
    """The pyspark version, or :class:`EngineUnavailableError` saying what to install."""
    try:
        import pyspark
    except ImportError:
        raise EngineUnavailableError(
            f"the Spark engine needs pyspark {SPARK_MINOR}: pip install 'reuse[spark]'"
        ) from None
    java_home = os.environ.get("JAVA_HOME")
    java = (
        str(Path(java_home) / "bin" / "java")
        if java_home and (Path(java_home) / "bin" / "java").exists()
        else shutil.which("java")
    )
    if not java:
        raise EngineUnavailableError(
            f"the Spark engine needs Java 17 or 21 (Spark {SPARK_MINOR}); none found on PATH "
            "or in JAVA_HOME. On Debian or Ubuntu: apt-get install openjdk-17-jre-headless"
        )
    return pyspark.__version__


def parse_settings(pairs: Sequence[str]) -> dict[str, str]:
    """``KEY=VALUE`` strings (``--spark-conf``) as a dict; :class:`ConfigError` otherwise."""
    settings = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"a Spark setting must be KEY=VALUE, got {pair!r}")
        settings[key.strip()] = value.strip()
    return settings


def spark_session(master: str | None = "local[2]", conf: dict[str, str] | None = None) -> Any:
    """A SparkSession whose Python workers run this interpreter.

    ``master`` None leaves the master to ``spark-submit``. Local sessions get
    the UI off and ``2 x cores`` shuffle partitions; ``conf`` overrides
    anything. ``PYSPARK_PYTHON`` is set to this interpreter unless already set
    (on a cluster, point it at a Python with ``reuse`` installed).
    """
    check_spark()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("reuse")
    # Rows per Arrow batch into and out of the Python workers: a document-pair
    # row carries both texts, so Spark's default of 10,000 rows can be GBs.
    settings: dict[str, str] = {"spark.sql.execution.arrow.maxRecordsPerBatch": "512"}
    if master:
        builder = builder.master(master)
        if master.startswith("local"):
            cores = master[len("local[") : -1] if master.startswith("local[") else "1"
            n = (os.cpu_count() or 1) if cores == "*" else int(cores)
            settings.update(
                {
                    "spark.ui.enabled": "false",
                    "spark.ui.showConsoleProgress": "false",
                    "spark.sql.shuffle.partitions": str(2 * n),
                    "spark.default.parallelism": str(2 * n),
                    "spark.driver.memory": os.environ.get("REUSE_SPARK_DRIVER_MEMORY", "4g"),
                }
            )
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(os.environ.get("REUSE_SPARK_LOG_LEVEL", "ERROR"))
    return spark


# -- per-document stage (runs in the executors) --------------------------------


def _index_row(row: dict, config: Config, listed: frozenset[int]) -> dict:
    """One input row -> one ``documents`` row (indexed, or rejected with its error)."""
    path = row["path"]  # the document's identity (reuse.ingest.identity)
    location = row.get("location") or path
    base: dict[str, Any] = {"doc_id": row["doc_id"], "path": path, "location": location}
    max_chars = config.ingest.max_chars
    try:
        if "content" in row:
            doc = decode_document(path, row["content"], max_chars=max_chars)
        elif "text" in row:
            data = (row["text"] or "").encode("utf-8")
            text, encoding, _ = decode_text(data, path, max_chars)
            doc = DecodedDocument(path, sha256_hex(data), text, encoding, len(data))
        else:
            opened = unescape_path(location)
            doc = decode_document(
                opened, read_bytes(opened, config.ingest.max_bytes), max_chars=max_chars
            )
            doc = dataclasses.replace(doc, path=path)
    except DocumentError as err:
        return {**base, "error_stage": err.stage, "error_message": err.message}
    try:
        indexed = index_document(doc, config, listed)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the scan
        return {**base, "error_stage": "index", "error_message": f"{type(exc).__name__}: {exc}"}
    spans = indexed.passage_spans
    return {
        **base,
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
            for u in indexed.units
        ],
        "quotes": [{"start": s, "end": e} for s, e in indexed.quotes],
        "fp_positions": indexed.fingerprint_positions.tolist(),
        "fp_hashes": np.ascontiguousarray(indexed.fingerprint_hashes, dtype="<u8").tobytes(),
    }


def _index_batches(
    batches: Iterator[pa.RecordBatch], config: Config, listed: frozenset[int]
) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        out: list[dict] = []
        for row in batch.to_pylist():
            out.append(_index_row(row, config, listed))
            if len(out) == 64:
                yield pa.RecordBatch.from_pylist(out, schema=DOCUMENT_SCHEMA)
                out = []
        if out:
            yield pa.RecordBatch.from_pylist(out, schema=DOCUMENT_SCHEMA)


# -- per-document-pair stage (runs in the executors) ---------------------------

# Normalised texts kept by an executor's Python worker between rows and tasks,
# with their keys in the worker's alphabet: document pairs come sorted by
# document, so most lookups hit.
_NORMS: OrderedDict[tuple[int, int], tuple[NormalisedText, str]] = OrderedDict()
_NORM_CHARS = [0]
# One alphabet per Python worker, made from the first text it normalises (any
# permutation gives the same rows; see reuse.detect.align.Alphabet).
_ALPHABET: list[Alphabet] = []


def _normalised(doc_id: int, text: str, budget: int) -> tuple[NormalisedText, str]:
    """The normalised text of a document and the same text in the worker's keys."""
    key = (doc_id, hash(text))
    held = _NORMS.get(key)
    if held is not None:
        _NORMS.move_to_end(key)
        return held
    norm = normalise(text)
    if not _ALPHABET:
        _ALPHABET.append(Alphabet([norm.text]))
    held = (norm, _ALPHABET[0].keys(norm.text))
    _NORMS[key] = held
    _NORM_CHARS[0] += len(text)
    while _NORM_CHARS[0] > budget and len(_NORMS) > 2:
        _, (old, _) = _NORMS.popitem(last=False)
        _NORM_CHARS[0] -= old.n_original
    return held


_EDIT_NAMES = [f.name for f in EDIT_TYPE]
_MATCH_NAMES = [f.name for f in MATCH_SCHEMA if f.name != "edits"]

#: Candidate passage pairs verified in one rapidfuzz call (as the embedded
#: engine's tasks: the per-call overhead, not the comparison, dominates one
#: call per document pair).
VERIFY_BATCH = 256


@dataclasses.dataclass
class _Planned:
    """One planned document pair in an executor: both documents and the seeds."""

    doc_a: int
    path_a: str
    text_a: str
    doc_b: int
    path_b: str
    text_b: str
    rep_doc: int | None
    candidates: np.ndarray  # (c, 4) candidate passage pairs, normalised offsets
    exact: np.ndarray  # (e, 4) exact k-gram seeds


def _seed_rows(column: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """``(offsets, values)`` of a ``list<int32>`` seed column: row ``i``'s seeds are
    ``values[offsets[i]:offsets[i + 1]].reshape(-1, 4)`` (read only for rows that
    are planned pairs, never NULL)."""
    return column.offsets.to_numpy(), column.values.to_numpy(zero_copy_only=False)


def _seeds(offsets: np.ndarray, values: np.ndarray, i: int) -> np.ndarray:
    return values[offsets[i] : offsets[i + 1]].astype(np.int64).reshape(-1, 4)


def _align_planned(items: list[_Planned], config: Config) -> list[dict]:
    """The match rows (:data:`MATCH_SCHEMA`) of some planned document pairs.

    As :func:`reuse.engine.matching._align_task`: every candidate passage pair is
    verified on the texts' keys (one call for all), the verified ones and the
    exact seeds seed :func:`reuse.engine.core.align_planned_pair`.
    """
    budget = config.scan.text_budget_chars
    texts = []
    left: list[str] = []
    right: list[str] = []
    for item in items:
        na, key_a = _normalised(item.doc_a, item.text_a, budget)
        nb, key_b = _normalised(item.doc_b, item.text_b, budget)
        texts.append((na, key_a, nb, key_b))
        for a0, a1, b0, b1 in item.candidates.tolist():
            left.append(key_a[a0:a1])
            right.append(key_b[b0:b1])
    verified = verify_texts(left, right, config.align.verify_similarity)
    del left, right
    out = []
    offset = 0
    for item, (na, key_a, nb, key_b) in zip(items, texts):
        n = len(item.candidates)
        segments = align_planned_pair(
            item.doc_a,
            item.doc_b,
            na,
            nb,
            item.path_a,
            item.path_b,
            item.candidates[verified[offset : offset + n]],
            item.exact,
            config,
            (key_a, key_b),
            item.rep_doc,
        )
        offset += n
        for seg in segments:
            match = {name: seg[name] for name in _MATCH_NAMES}
            match["edits"] = None
            if config.scan.edits:
                edits = edit_rows(
                    item.text_a,
                    na,
                    (seg["a_norm_start"], seg["a_norm_end"]),
                    item.text_b,
                    nb,
                    (seg["b_norm_start"], seg["b_norm_end"]),
                )
                match["edits"] = [dict(zip(_EDIT_NAMES, e)) for e in edits]
            out.append(match)
    return out


class _Aligner:
    """Planned pairs gathered into verification batches; match rows out in batches."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.pending: list[_Planned] = []
        self.n_seeds = 0
        self.rows: list[dict] = []

    def add(self, item: _Planned) -> None:
        self.pending.append(item)
        self.n_seeds += len(item.candidates) + len(item.exact)
        if self.n_seeds >= VERIFY_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.rows.extend(_align_planned(self.pending, self.config))
            self.pending, self.n_seeds = [], 0

    def batches(self, final: bool = False) -> Iterator[pa.RecordBatch]:
        if final:
            self.flush()
        if self.rows and (final or len(self.rows) >= 512):
            yield pa.RecordBatch.from_pylist(self.rows, schema=MATCH_SCHEMA)
            self.rows = []


def _block_batches(batches: Iterator[pa.RecordBatch], config: Config) -> Iterator[pa.RecordBatch]:
    """Align the planned pairs of each block pair, from rows sorted by (block, kind).

    A block pair's rows are its documents (kind 0: path, text) followed by its
    planned pairs (kind 1: doc_a, doc_b, pass, rep_doc, seeds); only one block
    pair's texts are held at a time.
    """
    block = None
    docs: dict[int, tuple[str, str]] = {}
    aligner = _Aligner(config)
    for batch in batches:
        cols = {
            name: batch.column(name).to_pylist()
            for name in ("block", "kind", "doc_a", "doc_b", "rep_doc", "path", "text")
        }
        cand = _seed_rows(batch.column("candidates"))
        exact = _seed_rows(batch.column("exact"))
        for i in range(batch.num_rows):
            if cols["block"][i] != block:
                aligner.flush()  # before this block's texts go
                block, docs = cols["block"][i], {}
            doc_a = cols["doc_a"][i]
            if cols["kind"][i] == 0:
                docs[doc_a] = (cols["path"][i], cols["text"][i])
                continue
            doc_b = cols["doc_b"][i]
            aligner.add(
                _Planned(
                    doc_a,
                    *docs[doc_a],
                    doc_b,
                    *docs[doc_b],
                    cols["rep_doc"][i],
                    _seeds(*cand, i),
                    _seeds(*exact, i),
                )
            )
            yield from aligner.batches()
    yield from aligner.batches(final=True)


def _pair_batches(batches: Iterator[pa.RecordBatch], config: Config) -> Iterator[pa.RecordBatch]:
    """Align planned pairs from rows that carry both documents (the pair join)."""
    names = ("doc_a", "path_a", "text_a", "doc_b", "path_b", "text_b", "rep_doc")
    aligner = _Aligner(config)
    for batch in batches:
        cols = [batch.column(name).to_pylist() for name in names]
        cand = _seed_rows(batch.column("candidates"))
        exact = _seed_rows(batch.column("exact"))
        for i in range(batch.num_rows):
            aligner.add(_Planned(*(c[i] for c in cols), _seeds(*cand, i), _seeds(*exact, i)))
            yield from aligner.batches()
    yield from aligner.batches(final=True)


def block_count(total_chars: int, budget: int, parallelism: int) -> int:
    """Blocks ``k`` the documents are hashed into (``doc_id % k``) for the align stage.

    Document pair ``(a, b)`` is aligned in block pair ``(a % k, b % k)``, which
    receives the texts of its two blocks: each text travels ``2k - 1`` times
    instead of once per document pair it is in (hundreds of times in a corpus
    of stock clauses). ``k`` is the smallest number that gives at least
    ``4 x parallelism`` block pairs and keeps two blocks' text within
    ``budget`` characters.

    >>> block_count(18_000_000, 50_000_000, 4), block_count(10**10, 50_000_000, 64)
    (4, 400)
    """
    by_work = math.ceil(math.sqrt(4 * max(1, parallelism)))
    by_memory = math.ceil(2 * total_chars / max(1, budget))
    return max(1, by_work, by_memory)


# -- the job (runs on the driver) ---------------------------------------------


def _pair_join(plan: Any, docs: Any) -> Any:
    """Every planned pair with both documents' paths and texts."""
    from pyspark.sql import functions as F

    def side(suffix: str) -> Any:
        return docs.select(
            F.col("doc_id").alias(f"doc_{suffix}"),
            F.col("path").alias(f"path_{suffix}"),
            F.col("text").alias(f"text_{suffix}"),
        )

    return plan.join(side("a"), "doc_a").join(side("b"), "doc_b")


def _block_join(plan: Any, docs: Any, k: int) -> Any:
    """Rows for :func:`_block_batches`: planned pair (a, b) in block pair
    ``(a % k) * k + b % k``, after the documents of both blocks (kind 0 before 1)."""
    from pyspark.sql import functions as F

    seeds_type = plan.schema["candidates"].dataType
    pair_rows = plan.select(
        ((F.col("doc_a") % k) * k + F.col("doc_b") % k).alias("block"),
        F.lit(1).alias("kind"),
        "doc_a",
        "doc_b",
        F.col("pass").alias("pass_no"),
        "rep_doc",
        F.lit(None).cast("string").alias("path"),
        F.lit(None).cast("string").alias("text"),
        "candidates",
        "exact",
    )
    spread = docs.select(
        (F.col("doc_id") % k).alias("i"),
        F.explode(F.sequence(F.lit(0), F.lit(k - 1))).alias("j"),
        F.col("doc_id").alias("doc_a"),
        "path",
        "text",
    )

    def doc_rows(block: Any, condition: Any) -> Any:
        return spread.where(condition).select(
            block.alias("block"),
            F.lit(0).alias("kind"),
            "doc_a",
            F.lit(None).cast("long").alias("doc_b"),
            F.lit(None).cast("int").alias("pass_no"),
            F.lit(None).cast("long").alias("rep_doc"),
            "path",
            "text",
            F.lit(None).cast(seeds_type).alias("candidates"),
            F.lit(None).cast(seeds_type).alias("exact"),
        )

    i, j = F.col("i"), F.col("j")
    return (
        pair_rows.unionByName(doc_rows(i * k + j, F.lit(True)))  # the document as side a
        .unionByName(doc_rows(j * k + i, i != j))  # and as side b
        .repartition(k * k, "block")
        .sortWithinPartitions("block", "kind", "doc_a", "doc_b", "pass_no")
    )


def _binary_values(column: pa.ChunkedArray) -> np.ndarray:
    """The bytes of every value of a binary column, concatenated (uint8)."""
    parts = []
    for chunk in column.chunks:
        if len(chunk) == 0:
            continue
        _, offsets, data = chunk.buffers()[:3]
        kind = np.int64 if pa.types.is_large_binary(chunk.type) else np.int32
        at = np.frombuffer(offsets, dtype=kind)[chunk.offset : chunk.offset + len(chunk) + 1]
        if data is not None and at[-1] > at[0]:
            parts.append(np.frombuffer(data, dtype=np.uint8)[at[0] : at[-1]])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint8)


def _list_values(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """``(values, lengths)`` of a list column: every row's values concatenated
    (int64), and each row's number of values."""
    flat = pc.list_flatten(column)
    lengths = pc.list_value_length(column).fill_null(0)
    return (
        flat.to_numpy().astype(np.int64) if len(flat) else np.zeros(0, dtype=np.int64),
        lengths.to_numpy().astype(np.int64) if len(lengths) else np.zeros(0, dtype=np.int64),
    )


def corpus_of(documents: pa.Table, bands: int) -> Corpus:
    """The plan's view of the indexed documents (``documents/`` rows without an
    error): what :meth:`reuse.engine.matching.Corpus.load` reads from a database.

    Passages with at least one shingle, in (doc_id, passage_no) order, as
    :meth:`reuse.store.database.Store.load_passages`; fingerprints by document and
    position, as :meth:`reuse.store.database.Store.load_fingerprints`; ids, dates and
    paths by id, as :meth:`reuse.store.database.Store.document_order`.
    """
    documents = documents.sort_by("doc_id")
    ids = documents.column("doc_id").to_numpy().astype(np.int64)
    starts, n_passages = _list_values(documents.column("passage_starts"))
    ends, _ = _list_values(documents.column("passage_ends"))
    shingles, _ = _list_values(documents.column("passage_shingles"))
    keys = _binary_values(documents.column("band_keys")).view("<u8").reshape(-1, bands)
    if len(keys) != len(starts):
        raise ValueError("band keys do not match the passages; the documents are damaged")
    live = shingles > 0
    positions, n_fingerprints = _list_values(documents.column("fp_positions"))
    hashes = _binary_values(documents.column("fp_hashes")).view("<u8")
    if len(hashes) != len(positions):
        raise ValueError("fingerprint hashes do not match their positions")
    return Corpus(
        doc_ids=np.repeat(ids, n_passages)[live],
        spans=np.stack((starts, ends), axis=1)[live],
        band_keys=keys[live].astype(np.uint64),
        fp_docs=np.repeat(ids, n_fingerprints),
        fp_positions=positions,
        fp_hashes=hashes.astype(np.uint64),
        ids=ids.tolist(),
        dates=[
            ranking_date(date, precision)
            for date, precision in zip(
                documents.column("doc_date").to_pylist(),
                documents.column("date_precision").to_pylist(),
            )
        ],
        paths=documents.column("path").to_pylist(),
    )


#: Planned pairs per record batch of ``plan/`` (list offsets stay within int32).
PLAN_BATCH_PAIRS = 65_536


def _seed_list(rows: np.ndarray, bounds: np.ndarray) -> pa.Array:
    """Seeds ``rows`` grouped by ``bounds`` (pair ``i``: ``bounds[i]:bounds[i + 1]``)
    as a ``list<int32>`` array, four values a seed."""
    values = rows[bounds[0] : bounds[-1]].astype(np.int32).reshape(-1)
    offsets = (4 * (bounds - bounds[0])).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(values, pa.int32()))


def plan_table(unit: PlannedPass) -> pa.Table:
    """One unit of the plan as ``plan/`` rows (:data:`reuse.engine.spark_output.PLAN_SCHEMA`)."""
    seeds = unit.seeds
    n = len(seeds)
    batches = []
    for lo in range(0, n, PLAN_BATCH_PAIRS):
        hi = min(n, lo + PLAN_BATCH_PAIRS)
        reps = (
            pa.array(unit.reps[lo:hi], pa.int64())
            if unit.reps is not None
            else pa.nulls(hi - lo, pa.int64())
        )
        batches.append(
            pa.record_batch(
                [
                    pa.array(seeds.pairs[lo:hi, 0], pa.int64()),
                    pa.array(seeds.pairs[lo:hi, 1], pa.int64()),
                    pa.array(np.full(hi - lo, unit.pass_no), pa.int32()),
                    reps,
                    _seed_list(seeds.candidates, seeds.cand_bounds[lo : hi + 1]),
                    _seed_list(seeds.exact, seeds.exact_bounds[lo : hi + 1]),
                ],
                schema=PLAN_SCHEMA,
            )
        )
    return pa.Table.from_batches(batches, PLAN_SCHEMA)


#: The columns of ``documents/`` the plan reads (no texts).
PLAN_INPUT = (
    "doc_id",
    "path",
    "doc_date",
    "date_precision",
    "passage_starts",
    "passage_ends",
    "passage_shingles",
    "band_keys",
    "fp_positions",
    "fp_hashes",
)


def _plan_input(spark: Any, docs: Any, uri: str) -> pa.Table:
    """The :data:`PLAN_INPUT` columns of the indexed documents, on the driver.

    Read straight from the parquet files when they are on the driver's own
    file system (a local session), else collected through Spark (``toArrow``:
    the driver JVM holds them for a while too).
    """
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    local = "://" not in uri and str(conf.get("fs.defaultFS", "file:///")).startswith("file:")
    if local and Path(uri).is_dir():
        import pyarrow.dataset as ds

        dataset = ds.dataset(uri, format="parquet")
        return dataset.to_table(columns=list(PLAN_INPUT), filter=ds.field("error_stage").is_null())
    return docs.select(*PLAN_INPUT).toArrow()


def _write_plan(spark: Any, docs: Any, config: Config, documents_uri: str, uri: str) -> dict:
    """Plan the corpus on the driver (:func:`reuse.engine.matching.plan_passes`) and
    write the plan to ``uri``, a unit at a time; returns the plan's counts."""
    bands, _ = config.lsh_bands
    documents = _plan_input(spark, docs, documents_uri)
    corpus = corpus_of(documents, bands)
    del documents
    log.info(
        "plan on the driver: %d passages, %d fingerprints",
        len(corpus.doc_ids),
        len(corpus.fp_hashes),
    )
    schema = _spark_schema(PLAN_SCHEMA)
    stats: dict[str, int] = {}
    counts = {"pairs": 0, "pairs_1": 0, "pairs_2": 0, "seeds": 0}
    mode = "overwrite"
    workers = resolve_workers(config.scan.workers)
    for unit in plan_passes(corpus, config, workers, stats):
        n = len(unit.seeds)
        if n == 0:
            continue
        counts["pairs"] += n
        counts[f"pairs_{unit.pass_no}"] += n
        counts["seeds"] += len(unit.seeds.candidates) + len(unit.seeds.exact)
        table = plan_table(unit)
        del unit
        # One partition per Arrow batch (maxRecordsPerBatch rows): a few files instead.
        frame = spark.createDataFrame(table, schema=schema).coalesce(max(1, -(-n // 100_000)))
        frame.write.mode(mode).parquet(uri)
        mode = "append"
        del table, frame
    if mode == "overwrite":  # nothing planned: an empty plan
        spark.createDataFrame([], schema).write.mode(mode).parquet(uri)
    counts.update(
        candidates=int(stats.get("candidates", 0)),
        threshold=int(stats.get("threshold", 0)),
        blocks=int(stats.get("blocks", 0)),
        passages=len(corpus.doc_ids),
        fingerprints=len(corpus.fp_hashes),
    )
    return counts


def _spark_schema(schema: pa.Schema) -> Any:
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def _write_text(spark: Any, uri: str, data: str) -> None:
    """Write a small file through Hadoop's FileSystem (local paths, HDFS, S3 alike)."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    fs = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    stream = fs.create(path, True)
    try:
        stream.write(bytearray(data.encode("utf-8")))
    finally:
        stream.close()


def _input_frame(spark: Any, sources: Sequence[str], config: Config, table_format: str | None):
    """The input as (doc_id, path[, text | content]) and the listing errors."""
    errors: list[DocumentError] = []
    if table_format is None:
        roots = [os.path.abspath(s) for s in sources]
        files = list(
            iter_source_files(
                roots,
                config.ingest.suffixes,
                on_error=errors.append,
                follow_symlinks=config.ingest.follow_symlinks,
            )
        )
        # Identities as the embedded scan gives them into a new database; ids
        # in the order of the files' paths, as the embedded scan reads them.
        targets = {t.path: t for t in resolve_targets(sorted(set(roots)), {})}
        rows = [
            (i + 1, document_key(targets[f.root].root, f.path), escape_path(f.path))
            for i, f in enumerate(files)
        ]
        n_slices = max(1, min(len(rows), spark.sparkContext.defaultParallelism * 4))
        rdd = spark.sparkContext.parallelize(rows, n_slices)
        named = sorted({(t.root.name, escape_path(t.root.location)) for t in targets.values()})
        frame = spark.createDataFrame(rdd, "doc_id long, path string, location string")
        return frame, [escape_path(r) for r in roots], errors, len(rows), named
    frame = spark.read.format(table_format).load(list(sources))
    names = set(frame.columns)
    body = "content" if "content" in names else "text" if "text" in names else None
    if "path" not in names or body is None:
        raise EngineUnavailableError(
            f"a {table_format} input needs a 'path' column and a 'text' (string) or "
            f"'content' (binary) column; it has {', '.join(sorted(names))}"
        )
    frame = frame.select("path", body).dropDuplicates(["path"])
    ranked = (
        frame.orderBy("path")
        .rdd.zipWithIndex()
        .map(lambda pair: (pair[1] + 1, pair[0][0], pair[0][1]))
    )
    body_type = "binary" if body == "content" else "string"
    frame = spark.createDataFrame(ranked, f"doc_id long, path string, {body} {body_type}")
    return frame, list(sources), errors, frame.count(), []


def run_spark_scan(
    spark: Any,
    sources: Sequence[str],
    output: str | Path,
    config: Config | None = None,
    table_format: str | None = None,
    strategy: str = "auto",
) -> dict:
    """Scan ``sources`` with Spark into the output folder ``output``; returns the manifest.

    ``sources`` are folders or files (read by the executors, so on a cluster
    they must be on a shared file system) or, with ``table_format``
    ``"parquet"`` or ``"json"`` (JSON lines), tables with a ``path`` column and
    a ``text`` (string) or ``content`` (binary file bytes, decoded and
    extracted by suffix like a file) column. ``output`` is a local path or a
    Hadoop URI (``hdfs://``, ``s3a://``); it is overwritten.

    ``strategy`` is how the document pairs meet their texts for alignment:
    ``"blocks"`` (:func:`block_count`), ``"pairs"`` (a join of both texts onto
    every document pair) or ``"auto"``, whichever ships fewer texts. Both give
    the same matches.
    """
    from pyspark.sql import functions as F

    config = config or Config()
    listed = load_list(config.boilerplate.list_path)
    out = str(output) if "://" in str(output) else str(Path(output).absolute())
    seconds: dict[str, float] = {}

    t0 = time.perf_counter()
    frame, roots, listing_errors, n_files, named_roots = _input_frame(
        spark, sources, config, table_format
    )
    indexed = frame.mapInArrow(
        lambda it: _index_batches(it, config, listed), _spark_schema(DOCUMENT_SCHEMA)
    )
    indexed.write.mode("overwrite").parquet(f"{out}/documents")
    documents = spark.read.parquet(f"{out}/documents")
    docs = documents.where(F.col("error_stage").isNull())
    counts = documents.select(
        F.count(F.lit(1)).alias("n"), F.count("error_stage").alias("bad")
    ).first()
    seconds["index"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    plan_uri = f"{out}/plan"
    planned = _write_plan(spark, docs, config, f"{out}/documents", plan_uri)
    seconds["plan"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    plan = spark.read.schema(_spark_schema(PLAN_SCHEMA)).parquet(plan_uri)
    total_chars = docs.agg(F.sum("n_norm_chars")).first()[0] or 0
    parallelism = spark.sparkContext.defaultParallelism
    k = block_count(total_chars, config.scan.text_budget_chars, parallelism)
    n_pairs, n_docs = planned["pairs"], max(1, int(counts["n"]) - int(counts["bad"]))
    if strategy == "auto":
        # Texts shipped: the block join sends each text 2k - 1 times, the pair
        # join twice per document pair it is in.
        strategy = "blocks" if 2 * k - 1 < 2 * n_pairs / n_docs else "pairs"
    if strategy == "blocks":
        work = _block_join(plan, docs, k)
        matches = work.mapInArrow(
            lambda it: _block_batches(it, config), _spark_schema(MATCH_SCHEMA)
        )
    elif strategy == "pairs":
        work = _pair_join(plan, docs)
        matches = work.mapInArrow(lambda it: _pair_batches(it, config), _spark_schema(MATCH_SCHEMA))
    else:
        raise ValueError(f"strategy must be auto, blocks or pairs, not {strategy!r}")
    matches.write.mode("overwrite").parquet(f"{out}/matches")
    n_matches = spark.read.parquet(f"{out}/matches").count()
    seconds["align"] = time.perf_counter() - t0

    manifest = {
        "layout": LAYOUT_VERSION,
        "reuse_version": __version__,
        "spark_version": spark.version,
        "master": spark.sparkContext.master,
        "config": config.to_json(),
        "fingerprint": config.detection_fingerprint(),
        "roots": roots,
        "named_roots": named_roots,
        "input": table_format or "files",
        "n_files": n_files,
        "n_documents": int(counts["n"]) - int(counts["bad"]),
        "n_rejected": int(counts["bad"]) + len(listing_errors),
        "n_document_pairs": n_pairs,
        "n_candidates": planned["candidates"],
        "plan": {key: n for key, n in planned.items() if key not in ("pairs", "candidates")},
        "n_aligned": int(n_matches),
        "align_join": strategy,
        "align_blocks": k if strategy == "blocks" else None,
        "edits": bool(config.scan.edits),
        "listing_errors": [
            {"path": escape_path(e.path), "stage": e.stage, "message": e.message}
            for e in listing_errors
        ],
        "seconds": {stage: round(t, 3) for stage, t in seconds.items()},
    }
    _write_text(spark, f"{out}/manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    log.info(
        "spark scan: %d documents, %d candidate pairs, %d planned pairs, %d aligned segments -> %s",
        manifest["n_documents"],
        manifest["n_candidates"],
        manifest["n_document_pairs"],
        manifest["n_aligned"],
        out,
    )
    return manifest
