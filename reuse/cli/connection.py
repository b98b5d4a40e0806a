"""The database as the reading commands open it: a read-only connection to the
published file (:mod:`reuse.store.snapshot`) of this reuse's schema version;
an error ends the command (:func:`reuse.cli.exits.fail`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from reuse.cli.exits import db_errors, fail

if TYPE_CHECKING:
    import duckdb

T = TypeVar("T")


def connect(db: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published database (see :mod:`reuse.store.snapshot`)."""
    from reuse.store.meta import require_schema_version
    from reuse.store.snapshot import connect_reader

    try:
        con = connect_reader(db)
    except db_errors() as exc:
        fail(exc)
    try:
        require_schema_version(con, db, "reads")
    except db_errors() as exc:
        con.close()
        fail(exc)
    return con


def read(db: Path, fetch: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """``fetch(connection)`` on a read-only connection; library errors end the command."""
    con = connect(db)
    try:
        return fetch(con)
    except db_errors() as exc:
        fail(exc)
    finally:
        con.close()
