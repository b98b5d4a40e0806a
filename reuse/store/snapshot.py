"""Published snapshots: the scan never blocks readers, readers never block the scan.

DuckDB lets one process write a database file or many read it, never both.
So the file the user names (``reuse.duckdb``, the *published* file) is never
written while a reader may have it open:

* A **scan** works on its own copy, ``reuse.duckdb.scan``, copied from the
  published file when the scan starts, and **publishes** it when the scan is
  complete: ``os.replace`` puts it in the published file's place in one
  atomic step. A reader that opened the old file keeps reading it (the file
  stays alive while it is open); a reader that opens after the rename sees
  the new scan. A reader's session held open for hours (a ``duckdb -readonly``
  shell, a notebook) costs the scan nothing.
* A scan killed or failed leaves its copy behind; the next scan of the same
  roots with the same parameters on the same database resumes it (same
  ``scan_id``); otherwise the copy is dropped and a new one made. The
  published file never holds a half-done scan.
* A **verdict** (``reuse review``) is written to the published file in place
  when no other process has it open (DuckDB's lock is free: milliseconds),
  otherwise into a copy that replaces it. Either way under the *publish
  lock*, which a scan takes only while it merges the verdicts given during
  the scan into its copy and renames it.
* **Readers** open the published file read-only; while a verdict is written
  in place they retry for a few seconds.

What it costs: one copy of the database per scan (``shutil.copyfile``, the
kernel's copy; about a second per GB here, see the README's nightly figures)
and room for two copies on the disk. The locks are files beside the
database (``.lock`` for scans, ``.publish.lock`` for publishing), held with
the operating system's locks, so a killed process never leaves one stale.
Paths are resolved through symbolic links first: a database reached through a
link is the same database, and publishing replaces the file, not the link.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import duckdb
from filelock import FileLock, Timeout

from reuse.errors import (
    DatabaseBusyError,
    ScanLockedError,
    StorageError,
    StoreError,
    busy_error,
    describe_os_error,
)
from reuse.store.connection import connect, transaction

__all__ = [
    "SnapshotPaths",
    "connect_reader",
    "new_work_copy",
    "publish",
    "scan_lock",
    "write_published",
]

T = TypeVar("T")

#: Seconds a reader retries while a verdict is written in place.
READ_RETRY_SECONDS = 5.0
#: Seconds a verdict or a scan's publication waits for the other to finish.
PUBLISH_WAIT_SECONDS = 60.0


class SnapshotPaths:
    """The files of one database: the published file, the scan's copy, the locks."""

    def __init__(self, db: str | os.PathLike[str]) -> None:
        self.given = Path(db)
        self.published = Path(os.path.realpath(db))
        self.work = self.published.with_name(self.published.name + ".scan")
        self.lock = self.published.with_name(self.published.name + ".lock")
        self.publish_lock = self.published.with_name(self.published.name + ".publish.lock")

    @staticmethod
    def wal(path: Path) -> Path:
        return path.with_name(path.name + ".wal")


@contextlib.contextmanager
def scan_lock(db: str | os.PathLike[str]) -> Iterator[SnapshotPaths]:
    """Hold the database's scan lock (one scan, import or migration at a time)."""
    paths = SnapshotPaths(db)
    lock = FileLock(str(paths.lock))
    try:
        lock.acquire(timeout=0)
    except Timeout as exc:
        raise ScanLockedError(
            f"another scan is writing {paths.given} (lock file {paths.lock}); "
            "this one exits without changing anything"
        ) from exc
    except OSError as exc:
        raise StorageError(describe_os_error(exc, "create the lock file")) from exc
    try:
        yield paths
    finally:
        lock.release()


@contextlib.contextmanager
def _publish_lock(paths: SnapshotPaths) -> Iterator[None]:
    lock = FileLock(str(paths.publish_lock))
    try:
        lock.acquire(timeout=PUBLISH_WAIT_SECONDS)
    except Timeout as exc:
        raise DatabaseBusyError(
            f"{paths.given} is being published by another process for more than "
            f"{PUBLISH_WAIT_SECONDS:.0f} s (lock file {paths.publish_lock}); try again"
        ) from exc
    except OSError as exc:
        raise StorageError(describe_os_error(exc, "create the lock file")) from exc
    try:
        yield
    finally:
        lock.release()


def _checkpoint_published(paths: SnapshotPaths) -> None:
    """Fold a write-ahead log left next to the published file (a session that
    wrote to it outside ``reuse``) into it, so a copy of the file is complete."""
    if not SnapshotPaths.wal(paths.published).exists():
        return
    try:
        con = duckdb.connect(str(paths.published))
    except duckdb.Error as exc:
        raise busy_error(exc, paths.published, "copied") or StoreError(str(exc)) from exc
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()


def read_meta(path: Path, key: str) -> str | None:
    """One ``meta`` value of a database file, read-only (None if absent)."""
    con = connect_reader(path)
    try:
        row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    except duckdb.CatalogException:
        return None
    finally:
        con.close()
    return None if row is None else str(row[0])


def new_work_copy(paths: SnapshotPaths) -> None:
    """Make the scan's copy of the published file (or none, for a new database).

    The copy is written under a temporary name and renamed, so a scan killed
    while copying leaves no half copy that the next one would resume.
    """
    discard_work(paths)
    if not paths.published.exists():
        return
    _checkpoint_published(paths)
    partial = paths.work.with_name(paths.work.name + ".partial")
    try:
        shutil.copyfile(paths.published, partial)
        os.replace(partial, paths.work)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(describe_os_error(exc, "copy the database for the scan")) from exc


def discard_work(paths: SnapshotPaths) -> None:
    for leftover in (paths.work, SnapshotPaths.wal(paths.work)):
        leftover.unlink(missing_ok=True)


def ensure_identity(con: duckdb.DuckDBPyConnection) -> None:
    """Give a database its ``database_id`` and ``generation`` if it has none."""
    con.execute(
        "INSERT INTO meta VALUES ('database_id', ?) ON CONFLICT DO NOTHING", [uuid.uuid4().hex]
    )
    con.execute("INSERT INTO meta VALUES ('generation', '0') ON CONFLICT DO NOTHING")


def publish(paths: SnapshotPaths) -> None:
    """Publish the scan's copy: merge the verdicts given meanwhile, then rename it
    into the published file's place, atomically, under the publish lock."""
    with _publish_lock(paths):
        con = duckdb.connect(str(paths.work))
        try:
            if paths.published.exists():
                _checkpoint_published(paths)
                _merge_verdicts(con, paths.published)
            con.execute(
                "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
                "WHERE key = 'generation'"
            )
            con.execute("CHECKPOINT")
        finally:
            con.close()
        if SnapshotPaths.wal(paths.work).exists():
            raise StoreError(f"{paths.work} kept a write-ahead log after its last checkpoint")
        try:
            _fsync(paths.work)
            os.replace(paths.work, paths.published)
            _fsync(paths.published.parent)
        except OSError as exc:
            raise StorageError(describe_os_error(exc, "publish the scanned database")) from exc


def _merge_verdicts(con: duckdb.DuckDBPyConnection, published: Path) -> None:
    """Copy into ``con`` the verdicts the published file has and ``con`` has not
    (given while the scan ran: they have higher ``verdict_id``s)."""
    try:
        con.execute(f"ATTACH '{_quote(published)}' AS published (READ_ONLY)")
    except duckdb.Error as exc:
        raise busy_error(exc, published, "read to merge its verdicts") or StoreError(
            str(exc)
        ) from exc
    try:
        version = con.execute(
            "SELECT value FROM published.meta WHERE key = 'schema_version'"
        ).fetchone()
        mine = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if version != mine:
            return  # this scan migrated the database; no verdict can have been given since
        added = con.execute(
            "INSERT INTO verdicts SELECT * FROM published.verdicts WHERE verdict_id > "
            "(SELECT coalesce(max(verdict_id), 0) FROM verdicts)"
        ).fetchone()
        if added and added[0]:
            con.execute(
                "INSERT INTO meta VALUES ('groups_stale', '1') "
                "ON CONFLICT (key) DO UPDATE SET value = '1'"
            )
            from reuse.store.shares import derive_shares

            docs = con.execute(
                "SELECT doc_a, doc_b FROM published.verdicts WHERE verdict_id > "
                "(SELECT coalesce(max(verdict_id), 0) - ? FROM verdicts)",
                [int(added[0])],
            ).fetchall()
            derive_shares(con, {d for pair in docs for d in pair if d is not None})
    finally:
        con.execute("DETACH published")


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def connect_reader(
    db: str | os.PathLike[str], config: dict | None = None
) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published database (``config``: DuckDB
    settings given when it opens).

    Retries for :data:`READ_RETRY_SECONDS` while another process holds the
    file for writing (a verdict written in place takes milliseconds), then
    raises :class:`DatabaseBusyError` naming the holder.
    """
    path = Path(os.path.realpath(db))
    if not path.exists():
        raise StoreError(f"no database at {db}; run 'reuse scan PATH --db {db}' first")
    deadline = time.monotonic() + READ_RETRY_SECONDS
    while True:
        try:
            return connect(str(path), read_only=True, config=config)
        except duckdb.IOException as exc:
            busy = busy_error(exc, path, "read")
            if busy is None:
                raise StoreError(f"cannot open {db}: {str(exc).splitlines()[0]}") from exc
            if time.monotonic() > deadline:
                raise busy from exc
            time.sleep(0.05)


def write_published(
    db: str | os.PathLike[str], write: Callable[[duckdb.DuckDBPyConnection], T]
) -> T:
    """Run ``write(connection)`` on the published database, in one transaction.

    In place when no other process has the file open; otherwise on a copy
    that then replaces the file (readers keep their snapshot). Holds the
    publish lock throughout, so a scan publishing meanwhile merges the result.
    """
    paths = SnapshotPaths(db)
    if not paths.published.exists():
        raise StoreError(f"no database at {db}; run 'reuse scan PATH --db {db}' first")
    with _publish_lock(paths):
        try:
            con = connect(str(paths.published))
        except duckdb.IOException as exc:
            if busy_error(exc, paths.published, "written") is None:
                raise StoreError(f"cannot open {db}: {str(exc).splitlines()[0]}") from exc
            return _write_copy(paths, write)
        try:
            return _in_transaction(con, write)
        finally:
            con.close()


def _write_copy(paths: SnapshotPaths, write: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    copy = paths.published.with_name(paths.published.name + ".review")
    for leftover in (copy, SnapshotPaths.wal(copy)):
        leftover.unlink(missing_ok=True)
    try:
        shutil.copyfile(paths.published, copy)
        con = connect(str(copy))
        try:
            result = _in_transaction(con, write)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _fsync(copy)
        os.replace(copy, paths.published)
    except OSError as exc:
        copy.unlink(missing_ok=True)
        raise StorageError(describe_os_error(exc, "write the database")) from exc
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    return result


def _in_transaction(
    con: duckdb.DuckDBPyConnection, write: Callable[[duckdb.DuckDBPyConnection], T]
) -> T:
    with transaction(con):
        return write(con)
