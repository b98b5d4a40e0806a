"""reuse: find reused and plagiarised passages across a corpus of reports.

The pipeline reads as its stages, a module each::

    ingest -> normalise -> segment -> shingle -> sketch -> candidates -> align
           -> boilerplate -> store -> report

Public API::

    from reuse import Config, scan
    result = scan(["data"], "reuse.duckdb", Config())

``Config``, ``ScanResult`` and ``scan`` are imported when first used, so that
importing the package (``reuse --help``) does not load the pipeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.5.0"

if TYPE_CHECKING:
    from reuse.config import Config
    from reuse.engine.pipeline import scan
    from reuse.engine.result import ScanResult

__all__ = ["Config", "ScanResult", "__version__", "scan"]

_LAZY = {
    "Config": "reuse.config",
    "ScanResult": "reuse.engine.result",
    "scan": "reuse.engine.pipeline",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'reuse' has no attribute {name!r}")
