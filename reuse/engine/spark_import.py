"""``reuse import``: a Spark engine output folder loaded into a new DuckDB database.

:func:`import_output` loads the folder (:mod:`reuse.engine.spark_output`)
through the same store functions as the embedded scan: documents with their
passages, fingerprints, lines and quotations; the aligned matches with the
plan, which the import makes again from the stored documents and checks
against the folder's; then formulaic-line matches, templates and labels,
typed edits (those computed in Spark, for the matches the embedded engine
types), shares and reuse groups. Every report, query and later incremental
``reuse scan`` works on the result unchanged. It needs only pyarrow and
DuckDB (no Spark), so the folder can be imported on a machine without Java.

Document ids in the folder are the 1-based rank of the path among all input
files; the database assigns its own ids (in the same order) and the import maps them.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from reuse import __version__
from reuse.config import Config
from reuse.derive.boilerplate import Unit, UnitColumns
from reuse.engine.core import Timers
from reuse.engine.spark_import_matches import aligned_table, insert_edits
from reuse.engine.spark_output import read_manifest
from reuse.errors import DocumentError, StoreError
from reuse.ingest.paths import unescape_path
from reuse.store.database import Store
from reuse.store.documents import IndexedDocument
from reuse.store.snapshot import scan_lock

if TYPE_CHECKING:
    from reuse.engine.result import ScanResult

log = logging.getLogger("reuse")


def _indexed(row: dict) -> IndexedDocument:
    """A ``documents/`` row (:data:`reuse.engine.spark_output.DOCUMENT_SCHEMA`, no
    error) as the store's :class:`IndexedDocument`: band keys and fingerprint
    hashes back to uint64, unit keys from their int64 bits."""
    starts = np.asarray(row["passage_starts"], dtype=np.int64)
    ends = np.asarray(row["passage_ends"], dtype=np.int64)
    n = len(starts)
    keys = np.frombuffer(row["band_keys"] or b"", dtype="<u8")
    units = [
        Unit(
            u["norm_start"],
            u["norm_end"],
            u["start"],
            u["end"],
            int(np.int64(u["key"]).view(np.uint64)),
            u["listed"],
        )
        for u in row["units"] or []
    ]
    positions = np.asarray(row["fp_positions"] or [], dtype=np.int32)
    hashes = np.frombuffer(row["fp_hashes"] or b"", dtype="<u8").astype(np.uint64)
    return IndexedDocument(
        path=row["path"],
        sha256=row["sha256"],
        text=row["text"],
        encoding=row["encoding"],
        n_bytes=row["n_bytes"],
        n_norm_chars=row["n_norm_chars"],
        passage_spans=np.stack((starts, ends), axis=1) if n else np.zeros((0, 2), np.int64),
        passage_shingles=np.asarray(row["passage_shingles"], dtype=np.int64),
        band_keys=keys.reshape(n, -1) if n else np.zeros((0, 0), np.uint64),
        units=UnitColumns.of(units),
        fingerprint_positions=positions,
        fingerprint_hashes=hashes,
        quotes=[(q["start"], q["end"]) for q in row["quotes"] or []],
        doc_date=row["doc_date"],
        date_source=row["date_source"],
        date_evidence=row["date_evidence"],
        date_precision=row.get("date_precision"),
        location=row.get("location"),
    )


def check_new_database(db_path: str | Path) -> None:
    """:class:`StoreError` unless ``db_path`` is missing or holds no documents."""
    if Path(db_path).exists():
        with Store(db_path, read_only=True) as existing:
            if existing.known_documents():
                raise StoreError(
                    f"{db_path} already holds documents; a Spark scan is imported into a new "
                    "database (rescan this one with the embedded engine, or pick another --db)"
                )


def import_output(
    folder: str | Path,
    db_path: str | Path,
    progress: Callable[[str, int, int], None] | None = None,
) -> ScanResult:
    """Load a Spark engine output folder into the new DuckDB file ``db_path``.

    Returns the :class:`reuse.engine.result.ScanResult` of the import, recorded in
    the ``scans`` table like a scan's. ``db_path`` must not exist or must hold
    no documents (the Spark engine does full scans; later incremental scans
    of the imported database run with the embedded engine).

    The import is written to ``<db_path>.importing`` and renamed to
    ``db_path`` when complete, so a killed import leaves no half database:
    run again, it starts over and ends with the database an uninterrupted
    import writes.
    """
    folder = Path(folder)
    db_path = Path(db_path)
    manifest = read_manifest(folder)
    config = Config.from_dict(json.loads(manifest["config"]))
    with scan_lock(db_path) as paths:
        check_new_database(paths.published)
        partial = paths.published.with_name(paths.published.name + ".importing")
        for leftover in (partial, partial.with_name(partial.name + ".wal")):
            leftover.unlink(missing_ok=True)  # a killed import's: start over
        with Store(partial) as store:
            result = _import(store, folder, manifest, config, progress)
        paths.published.with_name(paths.published.name + ".wal").unlink(missing_ok=True)
        os.replace(partial, paths.published)
        return result


@dataclasses.dataclass
class _Importing:
    """One import under way: the folder it reads, the store it writes, what it found."""

    store: Store
    folder: Path
    manifest: dict
    config: Config
    timers: Timers
    result: ScanResult


def _import(
    store: Store,
    folder: Path,
    manifest: dict,
    config: Config,
    progress: Callable[[str, int, int], None] | None,
) -> ScanResult:
    """The import into an open store: the scan's record, documents, matches,
    then what the embedded scan derives at its end (:func:`finish_scan`)."""
    # The embedded scan's stages import the store; imported here so this module stays light.
    from reuse.engine.finish import finish_scan
    from reuse.engine.result import ScanResult

    _check_columns(folder)
    job = _Importing(store, folder, manifest, config, Timers(), ScanResult())
    _begin_scan(job)
    id_map = _import_documents(job, progress)
    typed = _import_matches(job, id_map)
    result = job.result
    result_timings = manifest.get("seconds", {})
    finish_scan(store, config, result, job.timers, progress)
    result.n_edited += typed
    # The stages that ran in Spark, beside the import's own.
    result.timings = {**{f"spark {k}": v for k, v in result_timings.items()}, **result.timings}
    return result


def _begin_scan(job: _Importing) -> None:
    """Record the scan, its detection parameters and engine, the files Spark
    could not list, and the named roots."""
    store, manifest, result = job.store, job.manifest, job.result
    roots = list(manifest.get("roots", []))
    result.scan_id = scan_id = store.begin_scan(roots, job.config.to_json(), __version__)
    store.set_meta("detection_parameters", manifest["fingerprint"])
    store.set_meta("engine", f"spark {manifest.get('spark_version', '')}".strip())
    for err in manifest.get("listing_errors", []):
        error = DocumentError(err["path"], err["stage"], err["message"])
        result.errors.append(error)
        store.record_error(scan_id, error.path, error.stage, error.message)
    result.n_files = int(manifest.get("n_files", 0))
    named = manifest.get("named_roots", [])
    store.save_roots([(name, unescape_path(loc)) for name, loc in named], scan_id)


def _import_documents(
    job: _Importing, progress: Callable[[str, int, int], None] | None
) -> dict[int, int]:
    """Store the indexed documents of ``documents/`` (and record the rejected
    ones); returns the map of the folder's document ids to the database's."""
    store, result, timers = job.store, job.result, job.timers
    scan_id = result.scan_id
    with timers("store"):
        documents = ds.dataset(job.folder / "documents", format="parquet").to_table()
        documents = documents.sort_by("doc_id")
    ok = documents.filter(pc.is_null(documents["error_stage"]))
    bad = documents.filter(pc.is_valid(documents["error_stage"]))
    for row in bad.select(["location", "error_stage", "error_message"]).to_pylist():
        error = DocumentError(row["location"], row["error_stage"], row["error_message"])
        log.warning("rejected %s", error)
        result.errors.append(error)
        store.record_error(scan_id, error.path, error.stage, error.message)
    del bad
    id_map: dict[int, int] = {}
    size = job.config.scan.batch_documents
    total = ok.num_rows
    for first in range(0, total, size):
        rows = ok.slice(first, size).to_pylist()
        with timers("store"):
            ids = store.write_indexed([_indexed(r) for r in rows], scan_id)
        id_map.update(zip((r["doc_id"] for r in rows), ids))
        if progress:
            progress("import documents", min(first + size, total), total)
    result.n_new = result.n_sketched = total
    del documents, ok
    return id_map


def _import_matches(job: _Importing, id_map: dict[int, int]) -> int:
    """Store the aligned matches of ``matches/`` with the plan the import makes
    again, then (with edits) label them and store the typed edits of those
    the embedded engine types; returns the number of matches typed."""
    from reuse.engine.formulaic_lines import store_matches
    from reuse.engine.labels import label_matches
    from reuse.engine.matching import MatchSet, find_matches

    store, config, timers, result = job.store, job.config, job.timers, job.result
    typed = 0
    dirty = set(store.unmatched_documents())
    if dirty:  # as the embedded scan: with no live document, no match set at all
        # The plan again, from the stored documents: the pairs Spark aligned, under
        # the database's ids, with the signatures a later incremental scan compares.
        planned = find_matches(store, config, set(), timers, align=False)
        _check_plan(job.manifest, planned.plans.num_rows, planned.n_candidates)
        aligned = aligned_table(job.folder / "matches", id_map)
        result.n_candidates += planned.n_candidates
        found = MatchSet(
            aligned,
            planned.plans.select(["doc_a", "doc_b", "pass"]),  # a full scan aligns every pair
            planned.plans,
            planned.n_candidates,
            planned.plans.num_rows,
        )
        store_matches(store, config, found, dirty, result.scan_id, timers)
        if job.manifest.get("edits") and config.scan.edits and aligned.num_rows:
            # The labels decide which matches get typed edits (reuse, and the
            # members of templates); finish_scan then finds them labelled.
            with timers("templates"):
                stats = label_matches(store, config)
            result.n_templates = stats.n_templates
            with timers("edits"):
                typed = insert_edits(store, job.folder / "matches", id_map)
    return typed


#: Columns an output folder of this reuse has (a folder from before the
#: two-pass plan has neither fingerprints nor representatives).
_REQUIRED_COLUMNS = {
    "documents": ("fp_positions", "fp_hashes"),
    "matches": ("rep_doc",),
}


def _check_columns(folder: Path) -> None:
    """:class:`StoreError` unless the folder's parquet has the columns this import reads."""
    for name, columns in _REQUIRED_COLUMNS.items():
        try:
            dataset = ds.dataset(folder / name, format="parquet")
        except (OSError, ValueError, pa.ArrowException) as exc:
            raise StoreError(f"cannot read {folder / name}: {exc}") from exc
        if not dataset.files:
            continue  # nothing written (no match at all)
        schema = dataset.schema
        missing = [c for c in columns if c not in schema.names]
        if missing:
            raise StoreError(
                f"{folder / name} has no column {', '.join(missing)}: the folder was written "
                f"by an older reuse (before version {__version__}); run the Spark scan again"
            )


def _check_plan(manifest: dict, n_pairs: int, n_candidates: int) -> None:
    """:class:`StoreError` unless the import plans the pairs the Spark job aligned."""
    spark_pairs = manifest.get("n_document_pairs")
    spark_candidates = manifest.get("n_candidates")
    if (spark_pairs is not None and spark_pairs != n_pairs) or (
        spark_candidates is not None and spark_candidates != n_candidates
    ):
        raise StoreError(
            f"the Spark job planned {spark_pairs} document pairs ({spark_candidates} candidate "
            f"passage pairs), the import plans {n_pairs} ({n_candidates}): the folder does "
            "not hold what its documents give; run the Spark scan again"
        )
