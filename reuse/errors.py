"""Exceptions raised by the library.

Every stage raises a subclass of :class:`ReuseError`; the CLI turns them into
a message and an exit code in one place. Errors that concern one input file
(:class:`DocumentError`) never stop a scan: they are recorded in the
``errors`` table with the stage that raised them and the scan goes on.

Every class here survives ``pickle`` (a worker process sends a
:class:`DocumentError` back to the scan as a value): a class whose
``__init__`` takes more than the message defines ``__reduce__``.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path


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

    def __reduce__(self) -> tuple[type[DocumentError], tuple[str, str, str]]:
        return type(self), (self.path, self.stage, self.message)


class StoreError(ReuseError):
    """The DuckDB store is missing, unreadable, or of an unknown schema version."""


class ScanLockedError(ReuseError):
    """Another scan holds the database's lock file."""


class DatabaseBusyError(StoreError):
    """Another process (not a reuse scan) holds the database file open for
    writing, or wrote to it outside ``reuse``; the message names the process
    and what to do."""


class StorageError(ReuseError):
    """The operating system refused a write: permission denied, no space left
    on the device, a read-only file system. The message gives the cause."""


class OutputError(ReuseError):
    """An output file must not or cannot be written: it is the database, it
    exists and ``--force`` was not given, its folder is missing, it is not a
    regular file. Nothing was written."""


class OutputWriteError(OutputError, StorageError):
    """The operating system refused writing an output file (permission
    denied, no space left on the device, a read-only file system). The
    message gives the cause; the output is as it was before."""


class WorkerError(ReuseError):
    """A worker process died (killed, out of memory), sent a result that could
    not be read, raised unexpectedly, or did not finish a task in time."""


class QueryError(ReuseError):
    """A user query could not be run (unknown name, write attempt, SQL error)."""


class EngineUnavailableError(ReuseError):
    """An optional engine (Spark) cannot start: its package or Java is missing."""


# ---------------------------------------------------------------- errors read from causes

_HOLDER_RE = re.compile(r"Conflicting lock is held in (.+?) \(PID (\d+)\)")


def describe_os_error(exc: OSError, what: str) -> str:
    """A one-line message for an OS error while doing ``what``."""
    if exc.errno == errno.ENOSPC:
        reason = "no space left on the device"
    elif exc.errno == errno.EROFS:
        reason = "the file system is read-only"
    elif isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        reason = "permission denied"
    else:
        reason = (exc.strerror or type(exc).__name__).lower()
    name = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
    return f"cannot {what}{name}: {reason}"


def storage_error(exc: BaseException, what: str) -> StorageError | None:
    """A :class:`StorageError` for an OS error or a DuckDB I/O error caused by
    a full disk or a refused write; None for anything else."""
    if isinstance(exc, OSError):
        return StorageError(describe_os_error(exc, what))
    text = str(exc)
    for marker, reason in (
        ("No space left on device", "no space left on the device"),
        ("Permission denied", "permission denied"),
        ("Read-only file system", "the file system is read-only"),
    ):
        if marker in text:
            return StorageError(f"cannot {what}: {reason} ({text.splitlines()[0][:200]})")
    return None


def busy_error(exc: BaseException, path: Path, wanted: str) -> DatabaseBusyError | None:
    """A :class:`DatabaseBusyError` naming the holder for DuckDB's lock conflict."""
    text = str(exc)
    if "Could not set lock" not in text:
        return None
    found = _HOLDER_RE.search(text)
    holder = f"{found.group(1)} (PID {found.group(2)})" if found else "another process"
    return DatabaseBusyError(
        f"{path} is held open for writing by {holder}, so it cannot be {wanted}. "
        f"Close that session, or open the database read-only (duckdb -readonly {path.name}, "
        "duckdb.connect(..., read_only=True)), then run this again"
    )
