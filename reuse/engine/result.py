"""What a scan reports: its result (counts, rejected files, seconds per stage),
its progress as it runs, and its summary recorded in the ``scans`` table."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reuse.errors import DocumentError

if TYPE_CHECKING:
    from reuse.engine.core import Timers
    from reuse.store.database import Store

__all__ = ["Progress", "ScanResult", "record_scan"]

log = logging.getLogger("reuse")

#: Called as a stage advances: ``(stage, done, total)``.
Progress = Callable[[str, int, int], None]


@dataclass
class ScanResult:
    """What a scan did: counts, rejected files and seconds per stage."""

    scan_id: int = 0
    status: str = "running"
    n_files: int = 0
    n_new: int = 0
    n_changed: int = 0
    n_unchanged: int = 0
    n_deleted: int = 0
    n_errors: int = 0
    n_sketched: int = 0
    n_candidates: int = 0
    n_matches: int = 0
    n_reuse: int = 0
    n_boilerplate: int = 0
    n_new_matches: int = 0
    n_ignored: int = 0
    n_edited: int = 0
    n_groups: int = 0
    n_renamed: int = 0
    n_templates: int = 0
    rebuilt: bool = False
    errors: list[DocumentError] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int | bool]:
        return {
            "n_files": self.n_files,
            "n_new": self.n_new,
            "n_changed": self.n_changed,
            "n_unchanged": self.n_unchanged,
            "n_deleted": self.n_deleted,
            "n_errors": self.n_errors,
            "n_sketched": self.n_sketched,
            "n_candidates": self.n_candidates,
            "n_matches": self.n_matches,
            "n_new_matches": self.n_new_matches,
            "n_ignored": self.n_ignored,
            "n_renamed": self.n_renamed,
            "rebuilt": self.rebuilt,
        }


def record_scan(store: Store, result: ScanResult, timers: Timers) -> None:
    """The scan's summary: its match counts from the database, its status and
    seconds per stage into ``result``, and its record in ``scans``."""
    scan_id = result.scan_id
    result.n_new_matches, result.n_ignored = store.new_match_counts(scan_id)
    result.n_new_matches -= result.n_ignored
    counts = store.con.execute(
        "SELECT count(*) FILTER (kind = 'reuse'), count(*) FILTER (kind = 'boilerplate') "
        "FROM live_matches"
    ).fetchone()
    result.n_reuse, result.n_boilerplate = (int(counts[0]), int(counts[1])) if counts else (0, 0)
    result.n_matches = result.n_reuse + result.n_boilerplate
    result.n_errors = len(result.errors)
    result.status = "ok_with_errors" if result.errors else "ok"
    result.timings = dict(timers.seconds)
    store.finish_scan(scan_id, result.status, result.counts)
    log.info(
        "scan %d %s: %d files, %d new, %d changed, %d deleted, %d errors, %d matches",
        scan_id,
        result.status,
        result.n_files,
        result.n_new,
        result.n_changed,
        result.n_deleted,
        result.n_errors,
        result.n_matches,
    )
