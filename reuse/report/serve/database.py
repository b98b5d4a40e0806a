"""The web app's view of the database: the published snapshot, read-only and
confined, reopened when a scan or a verdict publishes a new one.

Every request reads through a cursor of one shared *confined* connection
(:func:`reuse.report.query.confined_connection`: read-only, no file or network
access beyond the database, configuration locked), so the app's own pages
and its SQL page run under the same guard as ``reuse query``.

A scan publishes by renaming a new file over the database
(:mod:`reuse.store.snapshot`); an open connection keeps reading the file it
opened. Before each request the app compares the file's identity (device,
inode, size, modification time) with the one it opened and, when they differ,
opens the new file: a page always shows the last complete scan, and a
request in flight finishes on the snapshot it started with.

Writing a verdict needs the file without this process's read-only instance
(DuckDB shares one instance per file and process): the write waits for the
requests in flight, closes the connection, records the verdicts through
:func:`reuse.store.verdicts.review` (in place, or through a copy when another
process holds the file), and the next request opens the result.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb

from reuse.report.query import confined_connection

__all__ = ["Database"]


class _SharedLock:
    """Many readers or one writer; a waiting writer holds new readers back."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._waiting = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            while self._writer or self._waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            self._waiting += 1
            while self._writer or self._readers:
                self._cond.wait()
            self._waiting -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


def _identity(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class Database:
    """The published database at ``path``, for many concurrent page requests."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(os.path.realpath(path))
        self._lock = _SharedLock()
        self._open_lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._opened: tuple[int, int, int, int] | None = None  # (dev, ino, size, mtime)
        self.generation = 0  # how many times a new snapshot was opened

    def _stale(self) -> bool:
        return self._con is None or _identity(self.path) != self._opened

    def _reopen(self) -> None:
        """Open the file now at ``path``. Called with no cursor alive: DuckDB
        keeps one instance per path and process while any connection or
        cursor to it lives, so a cursor in flight would hand the old file's
        instance to the new connection."""
        with self._open_lock:
            if not self._stale():
                return
            if self._con is not None:
                self._con.close()
                self._con = None
            opened = _identity(self.path)
            self._con = confined_connection(self.path)
            self._opened = opened
            self.generation += 1

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the current snapshot, for one request."""
        if self._stale():
            with self._lock.exclusive():
                self._reopen()
        with self._lock.shared():
            with self._open_lock:
                con = self._con
            if con is None:  # released meanwhile: open again, alone
                con = self._open_alone()
            cursor = con.cursor()
            try:
                yield cursor
            finally:
                cursor.close()

    def _open_alone(self) -> duckdb.DuckDBPyConnection:
        with self._open_lock:
            if self._con is None:
                self._opened = _identity(self.path)
                self._con = confined_connection(self.path)
                self.generation += 1
            return self._con

    @contextmanager
    def released(self) -> Iterator[None]:
        """No connection of this process to the file, while the block runs
        (for a write or for :func:`reuse.report.query.run_query`, which opens its own)."""
        with self._lock.exclusive():
            with self._open_lock:
                if self._con is not None:
                    self._con.close()
                    self._con = None
                    self._opened = None
            yield

    def review(
        self, match_ids: Sequence[int], verdict: str, note: str | None, reviewer: str | None
    ) -> list[str]:
        """Record a verdict on ``match_ids`` as ``reuse review`` does; returns their keys."""
        from reuse.store.verdicts import review

        with self.released():
            return review(self.path, list(match_ids), verdict, note, reviewer)

    def close(self) -> None:
        with self.released():
            pass
