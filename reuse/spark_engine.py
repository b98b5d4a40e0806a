"""The scan as a Spark job: the same stages, spread over a cluster.

Each stage runs the engine-free core (:mod:`reuse.core`) inside Spark; only
the corpus-wide steps are Spark operations::

    files or a table of (path, text | content)
      -> mapInArrow: read, decode, index_document       (normalise, segment, shingle, sketch)
      -> write OUTPUT/documents                          (parquet, materialised once)
      -> mapInArrow: one row per (passage, band, key)    (passages with shingles only)
      -> drop buckets over candidates.max_bucket         (groupBy + join, when set)
      -> self-join on (band, key), doc_a < doc_b; distinct
      -> groupBy (doc_a, doc_b): the candidate passage pairs of each document pair
      -> block join: pair (a, b) to block pair (a % k, b % k), with both blocks' texts
      -> mapInArrow: align_document_pair + edit_rows     (verify, align, typed edits)
      -> write OUTPUT/matches, OUTPUT/manifest.json

Boilerplate labelling, formulaic-line matches and reuse groups (connected
components by union-find) need the whole match set and run when the folder is
imported into DuckDB (:func:`reuse.spark_output.import_output`), on one
machine, with the embedded engine's own functions; they are linear in the
number of matches (about 2 s per 350 k matches), which a database that is
reviewed with SQL holds anyway.

Document ids are the 1-based rank of the path (the order the embedded scan
assigns them in), so both engines orient every pair alike; the candidate set
is exactly :func:`reuse.candidates.candidate_pairs`' (pairs of passages of
different documents sharing all ``r`` rows of at least one band), and each
document pair is aligned by the same function with the same seeds, so the
matches are the same, offset for offset (``tests/test_spark_engine.py``).

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

from reuse import __version__
from reuse.align import Alphabet
from reuse.boilerplate import load_list
from reuse.config import Config
from reuse.core import align_document_pair, edit_rows, index_document
from reuse.errors import ConfigError, DocumentError, EngineUnavailableError
from reuse.identity import document_key, resolve_targets
from reuse.ingest import (
    DecodedDocument,
    decode_document,
    decode_text,
    escape_path,
    iter_source_files,
    read_bytes,
    sha256_hex,
    unescape_path,
)
from reuse.normalise import NormalisedText, normalise
from reuse.spark_output import DOCUMENT_SCHEMA, EDIT_TYPE, LAYOUT_VERSION, MATCH_SCHEMA

log = logging.getLogger("reuse")

#: The Spark minor version the extra pins (``pyspark==4.1.*``).
SPARK_MINOR = "4.1"

BAND_SCHEMA = pa.schema(
    [
        ("doc_id", pa.int64()),
        ("passage_no", pa.int32()),
        ("band", pa.int32()),
        ("key", pa.int64()),
    ]
)


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
    path = row["path"]  # the document's identity (reuse.identity)
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


def _band_batches(batches: Iterator[pa.RecordBatch], bands: int) -> Iterator[pa.RecordBatch]:
    """``(doc_id, passage_no, band, key)`` of every passage with at least one shingle."""
    for batch in batches:
        doc_ids = batch.column("doc_id").to_pylist()
        shingles = batch.column("passage_shingles").to_pylist()
        blobs = batch.column("band_keys").to_pylist()
        parts: list[tuple[np.ndarray, ...]] = []
        for doc_id, counts, blob in zip(doc_ids, shingles, blobs):
            if not counts:
                continue
            keys = np.frombuffer(blob, dtype="<i8").reshape(len(counts), bands)
            live = np.flatnonzero(np.asarray(counts) > 0).astype(np.int32)
            k = len(live)
            parts.append(
                (
                    np.full(k * bands, doc_id, dtype=np.int64),
                    np.repeat(live, bands),
                    np.tile(np.arange(bands, dtype=np.int32), k),
                    keys[live].reshape(-1),
                )
            )
        if parts:
            columns = [np.concatenate(c) for c in zip(*parts)]
            yield pa.RecordBatch.from_arrays([pa.array(c) for c in columns], schema=BAND_SCHEMA)


# -- per-document-pair stage (runs in the executors) ---------------------------

# Normalised texts kept by an executor's Python worker between rows and tasks,
# with their keys in the worker's alphabet: document pairs come sorted by
# document, so most lookups hit.
_NORMS: OrderedDict[tuple[int, int], tuple[NormalisedText, str]] = OrderedDict()
_NORM_CHARS = [0]
# One alphabet per Python worker, made from the first text it normalises (any
# permutation gives the same rows; see reuse.align.Alphabet).
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


def _align_row(row: dict, docs: dict[int, tuple], config: Config) -> list[dict]:
    """The match rows of one document pair (``row``: doc_a, doc_b, seeds)."""
    doc_a, doc_b = row["doc_a"], row["doc_b"]
    path_a, text_a, sa, ea = docs[doc_a]
    path_b, text_b, sb, eb = docs[doc_b]
    budget = config.scan.text_budget_chars
    na, key_a = _normalised(doc_a, text_a, budget)
    nb, key_b = _normalised(doc_b, text_b, budget)
    # Seeds in passage order, as the embedded engine's sorted pairs give them.
    pairs = sorted((s["pa"], s["pb"]) for s in row["seeds"])
    seeds = np.array([(sa[i], ea[i], sb[j], eb[j]) for i, j in pairs], dtype=np.int64)
    out = []
    segments = align_document_pair(
        doc_a, doc_b, na, nb, path_a, path_b, seeds, config, keys=(key_a, key_b)
    )
    for seg in segments:
        match = {name: seg[name] for name in _MATCH_NAMES}
        match["edits"] = None
        if config.scan.edits:
            edits = edit_rows(
                text_a,
                na,
                (seg["a_norm_start"], seg["a_norm_end"]),
                text_b,
                nb,
                (seg["b_norm_start"], seg["b_norm_end"]),
            )
            match["edits"] = [dict(zip(_EDIT_NAMES, e)) for e in edits]
        out.append(match)
    return out


def _block_batches(batches: Iterator[pa.RecordBatch], config: Config) -> Iterator[pa.RecordBatch]:
    """Align the document pairs of each block pair, from rows sorted by (block, kind).

    A block pair's rows are its documents (kind 0: path, text, passage spans)
    followed by its document pairs (kind 1: doc_a, doc_b, seeds); only one
    block pair's texts are held at a time.
    """
    block = None
    docs: dict[int, tuple] = {}
    out: list[dict] = []
    for batch in batches:
        for row in batch.to_pylist():
            if row["block"] != block:
                block, docs = row["block"], {}
            if row["kind"] == 0:
                docs[row["doc_a"]] = (
                    row["path"],
                    row["text"],
                    row["passage_starts"],
                    row["passage_ends"],
                )
                continue
            out.extend(_align_row(row, docs, config))
            if len(out) >= 512:
                yield pa.RecordBatch.from_pylist(out, schema=MATCH_SCHEMA)
                out = []
    if out:
        yield pa.RecordBatch.from_pylist(out, schema=MATCH_SCHEMA)


def _pair_batches(batches: Iterator[pa.RecordBatch], config: Config) -> Iterator[pa.RecordBatch]:
    """Align document pairs from rows that carry both documents (the pair join)."""
    for batch in batches:
        out: list[dict] = []
        for row in batch.to_pylist():
            docs = {
                row["doc_a"]: (
                    row["path_a"],
                    row["text_a"],
                    row["passage_starts_a"],
                    row["passage_ends_a"],
                ),
                row["doc_b"]: (
                    row["path_b"],
                    row["text_b"],
                    row["passage_starts_b"],
                    row["passage_ends_b"],
                ),
            }
            out.extend(_align_row(row, docs, config))
        if out:
            yield pa.RecordBatch.from_pylist(out, schema=MATCH_SCHEMA)


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


def _pair_join(doc_pairs: Any, docs: Any) -> Any:
    """Every document pair with both documents' paths, texts and passage spans."""
    from pyspark.sql import functions as F

    def side(suffix: str) -> Any:
        return docs.select(
            F.col("doc_id").alias(f"doc_{suffix}"),
            F.col("path").alias(f"path_{suffix}"),
            F.col("text").alias(f"text_{suffix}"),
            F.col("passage_starts").alias(f"passage_starts_{suffix}"),
            F.col("passage_ends").alias(f"passage_ends_{suffix}"),
        )

    return doc_pairs.join(side("a"), "doc_a").join(side("b"), "doc_b")


def _block_join(doc_pairs: Any, docs: Any, k: int) -> Any:
    """Rows for :func:`_block_batches`: document pair (a, b) in block pair
    ``(a % k) * k + b % k``, after the documents of both blocks (kind 0 before 1)."""
    from pyspark.sql import functions as F

    seeds_type = doc_pairs.schema["seeds"].dataType
    pair_rows = doc_pairs.select(
        ((F.col("doc_a") % k) * k + F.col("doc_b") % k).alias("block"),
        F.lit(1).alias("kind"),
        "doc_a",
        "doc_b",
        F.lit(None).cast("string").alias("path"),
        F.lit(None).cast("string").alias("text"),
        F.lit(None).cast("array<int>").alias("passage_starts"),
        F.lit(None).cast("array<int>").alias("passage_ends"),
        "seeds",
    )
    spread = docs.select(
        (F.col("doc_id") % k).alias("i"),
        F.explode(F.sequence(F.lit(0), F.lit(k - 1))).alias("j"),
        F.col("doc_id").alias("doc_a"),
        "path",
        "text",
        "passage_starts",
        "passage_ends",
    )

    def doc_rows(block: Any, condition: Any) -> Any:
        return spread.where(condition).select(
            block.alias("block"),
            F.lit(0).alias("kind"),
            "doc_a",
            F.lit(None).cast("long").alias("doc_b"),
            "path",
            "text",
            "passage_starts",
            "passage_ends",
            F.lit(None).cast(seeds_type).alias("seeds"),
        )

    i, j = F.col("i"), F.col("j")
    return (
        pair_rows.unionByName(doc_rows(i * k + j, F.lit(True)))  # the document as side a
        .unionByName(doc_rows(j * k + i, i != j))  # and as side b
        .repartition(k * k, "block")
        .sortWithinPartitions("block", "kind", "doc_a", "doc_b")
    )


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
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    config = config or Config()
    listed = load_list(config.boilerplate.list_path)
    out = str(output) if "://" in str(output) else str(Path(output).absolute())
    seconds: dict[str, float] = {}
    bands, _ = config.lsh_bands

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
    band_rows = docs.select("doc_id", "passage_shingles", "band_keys").mapInArrow(
        lambda it: _band_batches(it, bands), _spark_schema(BAND_SCHEMA)
    )
    max_bucket = config.candidates.max_bucket
    if max_bucket:
        small = (
            band_rows.groupBy("band", "key")
            .count()
            .where(F.col("count") <= max_bucket)
            .select("band", "key")
        )
        band_rows = band_rows.join(small, ["band", "key"])
    left, right = band_rows.alias("l"), band_rows.alias("r")
    pairs = (
        left.join(
            right,
            (F.col("l.band") == F.col("r.band"))
            & (F.col("l.key") == F.col("r.key"))
            & (F.col("l.doc_id") < F.col("r.doc_id")),
        )
        .select(
            F.col("l.doc_id").alias("doc_a"),
            F.col("l.passage_no").alias("pa"),
            F.col("r.doc_id").alias("doc_b"),
            F.col("r.passage_no").alias("pb"),
        )
        .distinct()
    )
    doc_pairs = (
        pairs.groupBy("doc_a", "doc_b")
        .agg(F.collect_list(F.struct("pa", "pb")).alias("seeds"))
        .persist(StorageLevel.DISK_ONLY)
    )
    sizes = doc_pairs.select(
        F.count(F.lit(1)).alias("pairs"), F.sum(F.size("seeds")).alias("candidates")
    ).first()
    seconds["candidates"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    total_chars = docs.agg(F.sum("n_norm_chars")).first()[0] or 0
    parallelism = spark.sparkContext.defaultParallelism
    k = block_count(total_chars, config.scan.text_budget_chars, parallelism)
    n_pairs, n_docs = int(sizes["pairs"] or 0), max(1, int(counts["n"]) - int(counts["bad"]))
    if strategy == "auto":
        # Texts shipped: the block join sends each text 2k - 1 times, the pair
        # join twice per document pair it is in.
        strategy = "blocks" if 2 * k - 1 < 2 * n_pairs / n_docs else "pairs"
    if strategy == "blocks":
        work = _block_join(doc_pairs, docs, k)
        matches = work.mapInArrow(
            lambda it: _block_batches(it, config), _spark_schema(MATCH_SCHEMA)
        )
    elif strategy == "pairs":
        work = _pair_join(doc_pairs, docs)
        matches = work.mapInArrow(lambda it: _pair_batches(it, config), _spark_schema(MATCH_SCHEMA))
    else:
        raise ValueError(f"strategy must be auto, blocks or pairs, not {strategy!r}")
    matches.write.mode("overwrite").parquet(f"{out}/matches")
    n_matches = spark.read.parquet(f"{out}/matches").count()
    doc_pairs.unpersist()
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
        "n_document_pairs": int(sizes["pairs"] or 0),
        "n_candidates": int(sizes["candidates"] or 0),
        "n_aligned": int(n_matches),
        "align_join": strategy,
        "align_blocks": k if strategy == "blocks" else None,
        "edits": bool(config.scan.edits),
        "listing_errors": [
            {"path": escape_path(e.path), "stage": e.stage, "message": e.message}
            for e in listing_errors
        ],
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
    }
    _write_text(spark, f"{out}/manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    log.info(
        "spark scan: %d documents, %d candidate pairs, %d aligned segments -> %s",
        manifest["n_documents"],
        manifest["n_candidates"],
        manifest["n_aligned"],
        out,
    )
    return manifest
