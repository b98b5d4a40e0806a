"""Exceptions raised by the library.

Every stage raises a subclass of :class:`ReuseError`; the CLI turns them into
a message and an exit code in one place. Errors that concern one input file
(:class:`DocumentError`) never stop a scan: they are recorded in the
``errors`` table with the stage that raised them and the scan goes on.
"""

from __future__ import annotations


class ReuseError(Exception):
    """Base class of every error the library raises on purpose."""


class ConfigError(ReuseError, ValueError):
    """A configuration value is out of range or inconsistent."""


class DocumentError(ReuseError):
    """One input document could not be processed.

    Attributes:
        path: the file's path as the scan saw it.
        stage: the pipeline stage that failed (``"ingest"``, ``"normalise"``, ...).
        message: a one-line explanation for the user.
    """

    def __init__(self, path: str, stage: str, message: str) -> None:
        super().__init__(f"{path}: {stage}: {message}")
        self.path = path
        self.stage = stage
        self.message = message


class StoreError(ReuseError):
    """The DuckDB store is missing, locked, or of an unknown schema version."""


class ScanLockedError(ReuseError):
    """Another scan holds the database's lock file."""


class QueryError(ReuseError):
    """A user query could not be run (unknown name, write attempt, SQL error)."""


class EngineUnavailableError(ReuseError):
    """An optional engine (Spark) cannot start: its package or Java is missing."""
