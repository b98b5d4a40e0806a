"""The scan as a Spark job: the same stages, spread over a cluster.

Each stage runs the engine-free core (:mod:`reuse.engine.core`) inside Spark; the
alignment plan runs on the driver. The stages, and the module of each::

    files or a table of (path, text | content)                     spark_input
      -> mapInArrow: read, decode, index_document                   spark_index
         (normalise, segment, shingle, sketch, fingerprints)
      -> write OUTPUT/documents (parquet, materialised once)
      -> driver: plan_passes over the documents' band keys and      spark_plan
         fingerprints
      -> write OUTPUT/plan (one row per planned pair and pass)
      -> block join: pair (a, b) to block pair (a % k, b % k),      spark_align
         with both blocks' texts (or a join of both texts onto
         every pair)
      -> mapInArrow: verify_texts, align_planned_pair, edit_rows    spark_align_tasks
      -> write OUTPUT/matches, OUTPUT/manifest.json                 spark (this module)

The session and its settings are :mod:`reuse.engine.spark_session`; the
folder's layout and manifest :mod:`reuse.engine.spark_output`; its import
into DuckDB :mod:`reuse.engine.spark_import`.

**The plan runs on the driver.** It is :func:`reuse.engine.planning.plan_passes`,
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
(:func:`reuse.engine.spark_import.import_output`), on one machine, with the
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
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reuse import __version__
from reuse.config import Config
from reuse.derive.boilerplate import load_list
from reuse.engine.spark_align import AlignedMatches, align_pairs
from reuse.engine.spark_index import IndexedDocuments, index_documents
from reuse.engine.spark_input import SparkInput, input_frame
from reuse.engine.spark_output import LAYOUT_VERSION
from reuse.engine.spark_plan import PlanCounts, write_plan
from reuse.ingest.paths import escape_path

log = logging.getLogger("reuse")


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


@dataclasses.dataclass
class _Stages:
    """What the stages of one Spark scan found, and the seconds each took."""

    documents: IndexedDocuments
    planned: PlanCounts
    aligned: AlignedMatches
    seconds: dict[str, float]


def _manifest(spark: Any, config: Config, source: SparkInput, stages: _Stages) -> dict:
    """``OUTPUT/manifest.json``: versions, configuration, input, counts, seconds."""
    documents, planned, aligned = stages.documents, stages.planned, stages.aligned
    return {
        "layout": LAYOUT_VERSION,
        "reuse_version": __version__,
        "spark_version": spark.version,
        "master": spark.sparkContext.master,
        "config": config.to_json(),
        "fingerprint": config.detection_fingerprint(),
        "roots": source.roots,
        "named_roots": source.named_roots,
        "input": source.kind,
        "n_files": source.n_files,
        "n_documents": documents.n_rows - documents.n_rejected,
        "n_rejected": documents.n_rejected + len(source.errors),
        "n_document_pairs": planned.pairs,
        "n_candidates": planned.candidates,
        "plan": planned.figures(),
        "n_aligned": aligned.n_matches,
        "align_join": aligned.strategy,
        "align_blocks": aligned.blocks if aligned.strategy == "blocks" else None,
        "edits": bool(config.scan.edits),
        "listing_errors": [
            {"path": escape_path(e.path), "stage": e.stage, "message": e.message}
            for e in source.errors
        ],
        "seconds": {stage: round(t, 3) for stage, t in stages.seconds.items()},
    }


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
    ``"blocks"`` (:func:`reuse.engine.spark_align.block_count`), ``"pairs"`` (a
    join of both texts onto every document pair) or ``"auto"``, whichever ships
    fewer texts. Both give the same matches.
    """
    config = config or Config()
    listed = load_list(config.boilerplate.list_path)
    out = str(output) if "://" in str(output) else str(Path(output).absolute())
    seconds: dict[str, float] = {}

    t0 = time.perf_counter()
    source = input_frame(spark, sources, config, table_format)
    documents = index_documents(spark, source.frame, config, listed, f"{out}/documents")
    seconds["index"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    planned = write_plan(spark, documents.frame, config, f"{out}/documents", f"{out}/plan")
    seconds["plan"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    aligned = align_pairs(spark, documents, planned.pairs, config, strategy, out)
    seconds["align"] = time.perf_counter() - t0

    manifest = _manifest(spark, config, source, _Stages(documents, planned, aligned, seconds))
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
