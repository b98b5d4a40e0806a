"""reuse: find reused and plagiarised passages across a corpus of reports.

The pipeline reads as its stages, a module each::

    ingest -> normalise -> segment -> shingle -> sketch -> candidates -> align
           -> boilerplate -> store -> report

Public API::

    from reuse import Config, scan
    result = scan(["data"], "reuse.duckdb", Config())
"""

from __future__ import annotations

__version__ = "0.5.0"

from reuse.config import Config  # noqa: E402
from reuse.pipeline import ScanResult, scan  # noqa: E402

__all__ = ["Config", "ScanResult", "__version__", "scan"]
