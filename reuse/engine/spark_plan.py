"""The plan stage of the Spark engine: the alignment plan, made on the driver.

The plan is :func:`reuse.engine.planning.plan_passes`, the embedded engine's
own function, over the band keys and fingerprints of every document read
from ``OUTPUT/documents`` (:func:`corpus_of`; texts stay in Spark): the stock
buckets and fingerprints (shared by at least ``T`` documents) give pass 2,
each member with its representative; the rest give pass 1, pairwise, in
blocks of whole documents of at most ``scan.candidate_budget_pairs``
candidate pairs, each block written to ``OUTPUT/plan``
(:data:`reuse.engine.spark_output.PLAN_SCHEMA`, :func:`plan_table`) before
the next is made.

Memory on the driver: about ``passages x bands x 8`` bytes of band keys
(plus the sort buffers of one band at a time), ``fingerprints x 16`` bytes
of fingerprints, and one block of the plan (~60 bytes a candidate pair).
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from reuse.config import Config
from reuse.detect.plan import ranking_date
from reuse.engine.planning import Corpus, PlannedPass, PlanStats, plan_passes
from reuse.engine.spark_output import PLAN_SCHEMA
from reuse.engine.spark_session import spark_schema
from reuse.engine.workers import resolve_workers

log = logging.getLogger("reuse")


@dataclasses.dataclass
class PlanCounts:
    """The figures of a plan, as the manifest records them."""

    pairs: int = 0  # planned document pairs
    pairs_1: int = 0  # of pass 1 (pairwise)
    pairs_2: int = 0  # of pass 2 (members with their representatives)
    seeds: int = 0  # candidate passage pairs and exact seeds of the planned pairs
    candidates: int = 0  # candidate passage pairs found
    threshold: int = 0  # T, the documents that make a bucket or fingerprint stock
    blocks: int = 0  # blocks of pass 1
    passages: int = 0  # passages with at least one shingle
    fingerprints: int = 0

    def add(self, unit: PlannedPass) -> None:
        """Count one unit of the plan."""
        n = len(unit.seeds)
        self.pairs += n
        if unit.pass_no == 1:
            self.pairs_1 += n
        else:
            self.pairs_2 += n
        self.seeds += len(unit.seeds.candidates) + len(unit.seeds.exact)

    def figures(self) -> dict[str, int]:
        """The manifest's ``plan``: every count but ``pairs`` and ``candidates``
        (which it records as ``n_document_pairs`` and ``n_candidates``)."""
        return {
            "pairs_1": self.pairs_1,
            "pairs_2": self.pairs_2,
            "seeds": self.seeds,
            "threshold": self.threshold,
            "blocks": self.blocks,
            "passages": self.passages,
            "fingerprints": self.fingerprints,
        }


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
    error): what :meth:`reuse.engine.planning.Corpus.load` reads from a database.

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


def write_plan(spark: Any, docs: Any, config: Config, documents_uri: str, uri: str) -> PlanCounts:
    """Plan the corpus on the driver (:func:`reuse.engine.planning.plan_passes`) and
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
    schema = spark_schema(PLAN_SCHEMA)
    stats = PlanStats()
    counts = PlanCounts()
    mode = "overwrite"
    workers = resolve_workers(config.scan.workers)
    for unit in plan_passes(corpus, config, workers, stats):
        n = len(unit.seeds)
        if n == 0:
            continue
        counts.add(unit)
        table = plan_table(unit)
        del unit
        # One partition per Arrow batch (maxRecordsPerBatch rows): a few files instead.
        frame = spark.createDataFrame(table, schema=schema).coalesce(max(1, -(-n // 100_000)))
        frame.write.mode(mode).parquet(uri)
        mode = "append"
        del table, frame
    if mode == "overwrite":  # nothing planned: an empty plan
        spark.createDataFrame([], schema).write.mode(mode).parquet(uri)
    counts.candidates = int(stats.candidates)
    counts.threshold = int(stats.threshold)
    counts.blocks = int(stats.blocks)
    counts.passages = len(corpus.doc_ids)
    counts.fingerprints = len(corpus.fp_hashes)
    return counts
