"""Stage 8: the DuckDB store. The only writer of the database.

:class:`Store` opens (creating or migrating) a database and holds its
connection; its reads and writes are those of the families of tables it is
made of, a module each: :mod:`reuse.store.meta`, :mod:`reuse.store.scans`
(scans, attempts, errors, roots), :mod:`reuse.store.documents` and
:mod:`reuse.store.document_reads` (documents and their index),
:mod:`reuse.store.matches`, :mod:`reuse.store.derived` (templates, edits,
shares, groups) and :mod:`reuse.store.verdicts`.

Writes are bulk (Arrow tables registered with DuckDB, never row by row) and
grouped into transactions that leave the database consistent at every
commit: a batch of indexed documents with their passages and lines, or the
whole match set of a scan with the documents' status. A scan killed between
two commits is resumed by the next scan: documents already indexed are not
indexed again, and documents not yet marked ``matched`` are compared again.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import duckdb

from reuse.errors import StoreError
from reuse.store import schema
from reuse.store.connection import connect, transaction
from reuse.store.derived import DerivedTables
from reuse.store.document_reads import DocumentReads, IndexReads
from reuse.store.documents import DocumentTable
from reuse.store.matches import MatchTable
from reuse.store.meta import GROUPS_STALE, MetaTable, mark_stale
from reuse.store.scans import RootTable, ScanTables
from reuse.store.verdicts import VerdictTable

__all__ = ["Store"]


class Store(
    MetaTable,
    ScanTables,
    RootTable,
    DocumentTable,
    DocumentReads,
    IndexReads,
    MatchTable,
    DerivedTables,
    VerdictTable,
):
    """A DuckDB file holding documents, passages, matches and scan history."""

    def __init__(self, path: str | os.PathLike[str], read_only: bool = False) -> None:
        self.path = str(path)
        if read_only and not Path(self.path).exists():
            raise StoreError(f"no database at {self.path}; run 'reuse scan' first")
        try:
            self.con = connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            from reuse.errors import busy_error, storage_error

            raise (
                busy_error(exc, Path(self.path), "opened")
                or storage_error(exc, f"open the database {self.path}")
                or StoreError(f"cannot open {self.path}: {exc}")
            ) from exc
        if not read_only:
            self._create()
        self._check_version()

    def _create(self) -> None:
        """Create the tables and views, or migrate an older database to them."""
        from reuse.store import migrate

        with transaction(self.con):
            version = self._stored_version()
            carried = migrate.before_ddl(self.con, version)
            self.con.execute(schema.DDL)
            migrate.after_ddl(self.con, version, carried)
            self.con.execute(
                "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT DO NOTHING",
                [str(schema.SCHEMA_VERSION)],
            )
            if version in schema.MIGRATABLE:
                self.con.execute(
                    "UPDATE meta SET value = ? WHERE key = 'schema_version'",
                    [str(schema.SCHEMA_VERSION)],
                )
                mark_stale(self.con, GROUPS_STALE)
            self.con.execute(
                "INSERT INTO meta VALUES ('database_id', ?) ON CONFLICT DO NOTHING",
                [uuid.uuid4().hex],
            )
            self.con.execute("INSERT INTO meta VALUES ('generation', '0') ON CONFLICT DO NOTHING")

    def _stored_version(self) -> int | None:
        """The schema version of an existing database, None for a new one."""
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' "
            "AND table_schema = 'main'"
        ).fetchone()
        if not exists or not exists[0]:
            return None
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return None if row is None else int(row[0])

    def _check_version(self) -> None:
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException as exc:
            raise StoreError(f"{self.path} is not a reuse database (no meta table)") from exc
        if row is None or int(row[0]) != schema.SCHEMA_VERSION:
            found = row[0] if row else "none"
            raise StoreError(
                f"{self.path} has schema version {found}; this reuse expects "
                f"{schema.SCHEMA_VERSION}. Scan into a new --db file."
            )

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
