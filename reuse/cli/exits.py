"""Exit codes of the command line, and a library error turned into a message and one.

Each command turns library errors into a message on standard error and an
exit code in one place (:func:`fail`). Exit codes:

- 0: success;
- 1: failure (bad configuration, unreadable database, bad query);
- 2: wrong usage (typer's own);
- 3: the scan finished but rejected some files (they are in the ``errors`` table);
- 4: another scan holds the database's lock; nothing was done;
- 5: another process holds the database file open for writing (the message
  names it); nothing was done;
- 6: a worker process died (killed, out of memory) or hung; the scan stopped
  and the next run resumes it;
- 7: the operating system refused a write (permission denied, no space left
  on the device, a read-only file system); the message gives the cause.
"""

from __future__ import annotations

from typing import NoReturn

import typer

from reuse.cli.console import err, escape
from reuse.errors import (
    DatabaseBusyError,
    ReuseError,
    ScanLockedError,
    StorageError,
    WorkerError,
)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_REJECTED = 3
EXIT_LOCKED = 4
EXIT_BUSY = 5
EXIT_WORKER = 6
EXIT_STORAGE = 7


def exit_code(exc: BaseException) -> int:
    """The documented exit code of a library error (see the module docstring)."""
    for kind, code in (
        (ScanLockedError, EXIT_LOCKED),
        (DatabaseBusyError, EXIT_BUSY),
        (WorkerError, EXIT_WORKER),
        (StorageError, EXIT_STORAGE),
    ):
        if isinstance(exc, kind):
            return code
    if isinstance(exc, OSError):
        return EXIT_STORAGE
    return EXIT_FAILURE


def db_errors() -> tuple[type[BaseException], ...]:
    """The errors a command turns into a message: the library's and DuckDB's."""
    import duckdb

    return (ReuseError, duckdb.Error)


def fail(exc: BaseException) -> NoReturn:
    """End the command: ``exc``'s message on standard error, its exit code."""
    if isinstance(exc, OSError) and not isinstance(exc, ReuseError):
        from reuse.errors import describe_os_error

        exc = StorageError(describe_os_error(exc, "write"))
    code = exit_code(exc)
    prefix = "reuse: " if code == EXIT_LOCKED else "reuse: error: "
    err.print(f"{prefix}{escape(str(exc))}")
    raise typer.Exit(code)
