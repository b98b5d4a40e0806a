"""The scan's work copy of the database: made, resumed or dropped, and its scan begun.

A scan writes a copy of the published database (:mod:`reuse.store.snapshot`)
and publishes it when complete. A work copy left by a scan that died is
resumed when it was made from the database now published and its
unfinished scan is this one: the same targets and the same configuration
but for the ``[scan]`` resources (workers, budgets, timeouts), which do not
change what a scan finds. A complete scan that died while publishing is
published first; anything else is dropped and a fresh copy made.
"""

from __future__ import annotations

import json
import logging

import duckdb

from reuse import __version__
from reuse.config import Config
from reuse.engine.result import ScanResult
from reuse.errors import StoreError
from reuse.ingest.paths import escape_path
from reuse.store import snapshot
from reuse.store.database import Store

__all__ = ["begin_or_resume", "prepare_work", "scan_request"]

log = logging.getLogger("reuse")


def begin_or_resume(store: Store, request: tuple[list[str], str], resume: int | None) -> ScanResult:
    """The result of the scan ``resume`` with the counters it committed, or of a
    scan of ``request`` begun now."""
    if resume is None:
        result = ScanResult()
        result.scan_id = store.begin_scan(request[0], request[1], __version__)
        return result
    result = ScanResult(scan_id=resume)
    committed = store.resume_scan(resume)
    result.rebuilt = bool(committed.pop("rebuilt"))
    for name, value in committed.items():
        setattr(result, name, value)
    log.info("scan %d resumed (its last run ended before it was complete)", resume)
    return result


def scan_request(targets: list[str], config: Config) -> tuple[list[str], str]:
    """What identifies a scan for resuming: its targets (escaped) and the
    configuration (``scans.roots``, ``scans.parameters``)."""
    return [escape_path(t) for t in targets], config.to_json()


def prepare_work(paths: snapshot.SnapshotPaths, request: tuple[list[str], str]) -> int | None:
    """Make the work copy; returns the id of the scan to resume, if any.

    A work copy left by a dead scan is resumed when it belongs to the
    published database and its unfinished scan is this one (same targets,
    same configuration but for ``[scan]`` resources); a complete scan that
    died while publishing is published first. Anything else is dropped.
    """
    if paths.work.exists():
        try:
            with Store(paths.work) as work:
                unfinished = work.unfinished_scan()
                same_base = _same_database(work, paths)
        except (duckdb.Error, StoreError) as exc:
            log.warning("dropping an unreadable scan copy %s: %s", paths.work, exc)
            unfinished, same_base = None, False
        if same_base and unfinished is None:
            log.info("publishing a complete scan left unpublished by its process")
            snapshot.publish(paths)
        elif same_base and unfinished is not None:
            scan_id, roots, parameters = unfinished
            if roots == request[0] and _resources_aside(parameters) == _resources_aside(request[1]):
                return scan_id
            log.info("dropping unfinished scan %d: it scanned other roots or parameters", scan_id)
    snapshot.new_work_copy(paths)
    return None


def _same_database(work: Store, paths: snapshot.SnapshotPaths) -> bool:
    """Whether a work copy was made from the database now published (or, with
    none published, was never published)."""
    if not paths.published.exists():
        return work.get_meta("generation") in (None, "0")
    return work.get_meta("database_id") == snapshot.read_meta(paths.published, "database_id")


def _resources_aside(parameters: str) -> str:
    data = json.loads(parameters)
    data.pop("scan", None)
    return json.dumps(data, sort_keys=True)
