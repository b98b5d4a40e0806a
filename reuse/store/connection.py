"""The connection to the database: opening it with this package's settings, a
transaction around a block, and bulk writes of Arrow tables.

Every write of many rows goes through an Arrow table registered with DuckDB
(:func:`insert_arrow`, :func:`registered`), never row by row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb
import pyarrow as pa

__all__ = [
    "CONNECTION_SETTINGS",
    "Connected",
    "connect",
    "insert_arrow",
    "registered",
    "rollback",
    "rows_table",
    "transaction",
    "utc_now",
]

#: Settings of every connection this package opens. ``index_scan_max_count = 0``:
#: DuckDB otherwise reads up to 2,048 rows through the primary-key index when a
#: join implies a range of ``doc_id`` (the ``reviewed_matches`` view does), and
#: fetching ``documents.text`` row by row that way took 7 s for 745 documents
#: where a sequential scan takes 0.05 s (DuckDB 2.0).
CONNECTION_SETTINGS = ("SET index_scan_max_count = 0",)

#: Settings of a connection that writes (the scan's). DuckDB folds its
#: write-ahead log into the file (a checkpoint) at a commit that finds the log
#: over ``checkpoint_threshold`` (16 MB by default); a scan commits every
#: ``scan.batch_documents`` documents, and each checkpoint rewrites the blocks
#: changed since the last. At 1 GB, a scan of cn_laws_regs (18 M characters,
#: a 250 MB database) checkpoints once, when it closes the file: its store
#: stage took 5.1 s instead of 9.9 s, the scan 57.6 s instead of 67.6 s, the
#: main process's peak memory was no larger, and the database is the same.
#: A killed scan's log is replayed when the next scan opens the file.
WRITER_SETTINGS = ("SET checkpoint_threshold = '1GB'",)


def connect(
    path: str, read_only: bool = False, config: dict | None = None
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to ``path`` with :data:`CONNECTION_SETTINGS` applied,
    and :data:`WRITER_SETTINGS` unless ``read_only`` (``config``: DuckDB
    settings given when it opens).

    Use the same settings in your own sessions: ``duckdb FILE -cmd "SET index_scan_max_count = 0"``.
    """
    con = duckdb.connect(path, read_only=read_only, config=dict(config or {}))
    locked = con.execute("SELECT current_setting('lock_configuration')").fetchall()
    if not locked[0][0]:  # (a locked instance was set up by whoever locked it)
        for statement in CONNECTION_SETTINGS + (() if read_only else WRITER_SETTINGS):
            con.execute(statement)
    return con


class Connected:
    """Base of the store's families of methods (:class:`reuse.store.database.Store`
    is made of them): they read and write through ``self.con``."""

    con: duckdb.DuckDBPyConnection


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back after a failed statement, keeping the failure's own error: a
    COMMIT that failed (a full disk) has already ended the transaction, and
    DuckDB's "no transaction is active" would hide why."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """``BEGIN`` ... ``COMMIT`` around the block; :func:`rollback` when it raises
    (or when the ``COMMIT`` fails), the block's own error propagated."""
    con.execute("BEGIN")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, **tables: object) -> Iterator[None]:
    """Arrow tables visible to SQL under the given names for the block's duration."""
    for name, table in tables.items():
        con.register(name, table)
    try:
        yield
    finally:
        for name in tables:
            con.unregister(name)


def insert_arrow(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
    """``INSERT INTO table SELECT * FROM rows`` (columns in the table's order)."""
    with registered(con, arrow_rows=rows):
        con.execute(f"INSERT INTO {table} SELECT * FROM arrow_rows")


def rows_table(rows: Sequence[tuple], schema: pa.Schema) -> pa.Table:
    """An Arrow table (for a bulk insert) of row tuples, one column per field of
    ``schema`` (:meth:`reuse.store.tables.Table.arrow_schema`)."""
    values = list(zip(*rows)) if rows else [() for _ in schema]
    return pa.table({f.name: pa.array(list(col), f.type) for f, col in zip(schema, values)})


def utc_now() -> dt.datetime:
    """The time as the ``TIMESTAMP`` columns hold it: UTC, without a time zone."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
