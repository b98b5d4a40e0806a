"""The Spark engine's input: files, or a table of texts, as one row per document.

The scan's first Spark frame has a row ``(doc_id, path, location)`` per file
found under the source folders (the executors read the file at
``location``), or ``(doc_id, path, text | content)`` per row of an input
table (parquet or JSON lines, with a ``path`` column and a ``text``
(string) or ``content`` (binary) column). ``doc_id`` is the 1-based rank of
the path, the order in which the embedded scan assigns ids, so both engines
orient every document pair alike.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from typing import Any

from reuse.config import Config
from reuse.errors import DocumentError, EngineUnavailableError
from reuse.ingest.identity import document_key, resolve_targets
from reuse.ingest.paths import escape_path
from reuse.ingest.walk import iter_source_files


@dataclasses.dataclass
class SparkInput:
    """The input of one Spark scan, as the manifest records it."""

    frame: Any  # the Spark DataFrame, one row per document
    roots: list[str]  # the sources (escaped absolute paths of folders, or the tables)
    errors: list[DocumentError]  # files that could not be listed
    n_files: int
    named_roots: list[tuple[str, str]]  # (name, escaped location) of each root folder
    kind: str  # "files", or the table format ("parquet", "json")


def input_frame(
    spark: Any, sources: Sequence[str], config: Config, table_format: str | None
) -> SparkInput:
    """The input as (doc_id, path[, text | content]) and the listing errors."""
    if table_format is None:
        return _file_input(spark, sources, config)
    return _table_input(spark, sources, table_format)


def _file_input(spark: Any, sources: Sequence[str], config: Config) -> SparkInput:
    """The files under ``sources`` as (doc_id, path, location), ids in path order."""
    errors: list[DocumentError] = []
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
    return SparkInput(frame, [escape_path(r) for r in roots], errors, len(rows), named, "files")


def _table_input(spark: Any, sources: Sequence[str], table_format: str) -> SparkInput:
    """The rows of the tables ``sources`` as (doc_id, path, text | content), one
    per distinct path, ids in path order."""
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
    return SparkInput(frame, list(sources), [], frame.count(), [], table_format)
