"""One scan as it runs: what its stages share, and how it rejects a file.

A stage of the embedded scan takes a :class:`ScanRun`: the store it writes
(the work copy, :mod:`reuse.store.snapshot`), the configuration, the result
it fills in, the timers of its stages and the progress callback.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from reuse.config import Config
from reuse.engine.core import Timers
from reuse.engine.result import Progress, ScanResult
from reuse.errors import DocumentError
from reuse.ingest.paths import escape_path
from reuse.store.database import Store
from reuse.text.normalise import NormalisedText

__all__ = ["ScanRun"]

log = logging.getLogger("reuse")


@dataclass
class ScanRun:
    """A scan in progress: its store, configuration, result, timers and progress,
    and the normalised texts the alignment held last (by document), which the
    typed edits read again."""

    store: Store
    config: Config
    result: ScanResult
    timers: Timers = field(default_factory=Timers)
    progress: Progress | None = None
    norms: dict[int, NormalisedText] = field(default_factory=dict)

    def reject(self, err: DocumentError) -> None:
        """A file that cannot be scanned: logged, kept in the result, and an ``errors`` row."""
        log.warning("rejected %s", err)
        self.result.errors.append(err)
        self.store.record_error(
            self.result.scan_id, escape_path(err.path), err.stage, _printable(err.message)
        )


def _printable(text: str) -> str:
    """``text`` with anything that is not valid UTF-8 (surrogate escapes) escaped."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
