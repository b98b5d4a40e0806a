"""The scan: the stages composed, from files to the DuckDB store.

``scan()`` runs, in order, a module each::

    listing                     the files under the targets, their roots (listing)
    ingest -> normalise -> segment -> shingle -> sketch
                                per new or changed document (indexing)
    candidates                  the plan of the whole corpus (planning, matching)
    align                       the pairs whose seeds changed (alignment)
    boilerplate -> store        formulaic-line matches, the match set (formulaic_lines)
    templates -> edits -> shares -> groups
                                derived, per scan (finish: labels, edit_stage)

Indexing also finds each document's quotations (:mod:`reuse.text.quotes`) and date
(:mod:`reuse.text.dates`). After the match set is stored, the typed edits of
every match that has none yet are computed (:mod:`reuse.edits`) and, when the
matches changed, the reuse groups are built again (:mod:`reuse.derive.groups`); both
are committed in their own transactions and are resumed by the next scan if
this one is killed.

Per-document results are committed in batches, so a killed scan resumes where
it stopped (:mod:`reuse.engine.work_copy`); the match set is committed in one
transaction together with the documents' ``matched`` status. Unchanged files
(same SHA-256) are not indexed again, and only document pairs with at least
one new or changed document are aligned again. When the detection parameters
differ from those the database was built with, every document is indexed
again from its stored text.

Each stage runs in a named timer; ``ScanResult.timings`` holds seconds per stage.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb

from reuse.config import Config
from reuse.derive.boilerplate import load_list
from reuse.engine.finish import finish_scan
from reuse.engine.formulaic_lines import store_matches
from reuse.engine.indexing import index_documents
from reuse.engine.listing import list_files, vanished_documents
from reuse.engine.matching import find_matches
from reuse.engine.result import Progress, ScanResult
from reuse.engine.run import ScanRun
from reuse.engine.work_copy import begin_or_resume, prepare_work, scan_request
from reuse.errors import storage_error
from reuse.ingest.paths import escape_path
from reuse.store import snapshot
from reuse.store.database import Store
from reuse.store.documents import KnownDocument

__all__ = ["scan"]

log = logging.getLogger("reuse")


def scan(
    roots: Sequence[str | Path],
    db_path: str | Path = "reuse.duckdb",
    config: Config | None = None,
    progress: Progress | None = None,
) -> ScanResult:
    """Scan ``roots`` (folders or files) into the DuckDB file ``db_path``.

    Bad files never stop a scan: each is recorded in the ``errors`` table and
    in ``ScanResult.errors``. The scan works on its own copy of the database
    and publishes it when complete (:mod:`reuse.store.snapshot`): readers see the
    last complete scan until then, and a reader holding the file open does
    not stop the scan. A lock file ``<db_path>.lock`` keeps a second scan of
    the same database out (:class:`ScanLockedError`); the lock is the
    operating system's, so a killed scan leaves no stale lock behind, and the
    next run resumes the killed scan where it stopped.

    Raises:
        ScanLockedError: another scan holds the lock.
        WorkerError: a worker process died or hung (the next run resumes).
        StorageError: a write was refused (permission, full disk).
        DatabaseBusyError: another process holds the database open for writing.
    """
    config = config or Config()
    targets = [os.path.abspath(os.fspath(r)) for r in roots]
    with snapshot.scan_lock(db_path) as paths:
        try:
            result = _scan_work_copy(targets, paths, config, progress)
            t0 = time.perf_counter()
            snapshot.publish(paths)
            result.timings["snapshot"] += time.perf_counter() - t0
        except duckdb.Error as exc:
            refused = storage_error(exc, f"write {paths.work}")
            if refused is None:
                raise
            raise refused from exc
    return result


def _scan_work_copy(
    targets: list[str],
    paths: snapshot.SnapshotPaths,
    config: Config,
    progress: Progress | None,
) -> ScanResult:
    """Run the scan on the work copy: resumed if it holds this scan unfinished."""
    request = scan_request(targets, config)
    t0 = time.perf_counter()
    resume = prepare_work(paths, request)
    copied = time.perf_counter() - t0
    with Store(paths.work) as store:
        result = begin_or_resume(store, request, resume)
        try:
            _run_stages(ScanRun(store, config, result, progress=progress), targets)
            result.timings["snapshot"] = copied
        except BaseException as exc:
            with contextlib.suppress(duckdb.Error):
                store.fail_attempt(result.scan_id, f"{type(exc).__name__}: {exc}")
            raise
    return result


def _run_stages(run: ScanRun, targets: list[str]) -> None:
    """The stages of the scan, in order, on its work copy."""
    listed = load_list(run.config.boilerplate.list_path)
    log.info("scan %d of %s", run.result.scan_id, ", ".join(escape_path(t) for t in targets))
    _check_detection_parameters(run)
    listing = list_files(run, targets)
    known = run.store.known_documents()
    vanished = vanished_documents(known, set(listing.keys), listing.targets)
    renamed = index_documents(run, listing, known, vanished, listed)
    gone = _delete_vanished(run, vanished, renamed)
    _match(run, bool(gone or renamed))
    finish_scan(run.store, run.config, run.result, run.timers, run.progress, run.norms)


def _check_detection_parameters(run: ScanRun) -> None:
    """Mark every document stale when the detection parameters differ from
    those the database was built with (every document is indexed again)."""
    store = run.store
    fingerprint = run.config.detection_fingerprint()
    stored = store.get_meta("detection_parameters")
    if stored != fingerprint:
        if stored is not None:
            log.warning("detection parameters changed: every document is indexed again")
            run.result.rebuilt = True
            store.invalidate_all(run.result.scan_id)
        store.set_meta("detection_parameters", fingerprint)


def _delete_vanished(run: ScanRun, vanished: list[KnownDocument], renamed: set[str]) -> list[int]:
    """Soft-delete the documents gone from disk (vanished and not renamed)."""
    gone = [k.doc_id for k in vanished if k.path not in renamed]
    if gone:
        run.store.soft_delete(gone, run.result.scan_id)
        run.result.n_deleted += len(gone)
        log.info("deleted: %d documents no longer on disk", len(gone))
    return gone


def _match(run: ScanRun, removed: bool) -> None:
    """Plan, align and store the match set when a document is new, changed or
    stale (unmatched), or ``removed`` (deleted or renamed)."""
    store, result = run.store, run.result
    dirty = set(store.unmatched_documents())
    log.info("sketched %d documents; %d to compare", result.n_sketched, len(dirty))
    if dirty or removed:
        found = find_matches(store, run.config, dirty, run.timers, run.progress)
        result.n_candidates += found.n_candidates
        store_matches(store, run.config, found, dirty, result.scan_id, run.timers)
        run.norms = found.norms
