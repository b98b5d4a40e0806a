"""The confined query runner: the shipped queries and review SQL, run on a
read-only connection that cannot reach beyond its database.

A query is given by name (``queries/NAME.sql``, shipped with the package), as
a ``.sql`` file, or as SQL text (:func:`find_query`); a query file's header
comment describes it and may declare parameter defaults (``-- param: NAME =
VALUE``). :func:`run_query` runs one statement of it on a
:func:`confined_connection` (read-only, no file system or network access but
the database itself, no extension, no Python replacement scan, configuration
locked) and refuses every statement type that is not a read, so ``reuse
query``, ``reuse export`` and the review app's SQL page are confined alike.
"""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path
from typing import Any

import duckdb

from reuse.errors import QueryError

#: The shipped queries (queries/ in the repository; package data in a wheel).
QUERIES_DIR = Path(str(importlib.resources.files("reuse").joinpath("queries")))


def find_query(name_or_file_or_sql: str, queries_dir: Path = QUERIES_DIR) -> tuple[str, str]:
    """``(label, sql)`` for a query given by name (``queries/NAME.sql``), file, or SQL text."""
    arg = name_or_file_or_sql.strip()
    if any(ch.isspace() for ch in arg) and not arg.endswith(".sql"):
        return "sql", arg
    candidate = queries_dir / f"{arg}.sql"
    if "/" not in arg and candidate.is_file():
        return arg, candidate.read_text(encoding="utf-8")
    if arg.endswith(".sql") and Path(arg).is_file():
        return arg, Path(arg).read_text(encoding="utf-8")
    known = ", ".join(available_queries(queries_dir)) or "none"
    raise QueryError(f"no query named {arg!r} (known: {known}) and it is not a file or SQL")


def available_queries(queries_dir: Path = QUERIES_DIR) -> list[str]:
    return sorted(p.stem for p in queries_dir.glob("*.sql")) if queries_dir.is_dir() else []


def query_description(sql: str) -> str:
    """The header comment of a query file (leading ``--`` lines)."""
    lines = []
    for line in sql.splitlines():
        if line.startswith("--"):
            lines.append(line[2:].strip())
        elif line.strip():
            break
    return "\n".join(lines)


def query_defaults(sql: str) -> dict[str, Any]:
    r"""Parameter defaults declared in a query's header as ``-- param: NAME = VALUE``.

    >>> query_defaults("-- param: min_chars = 50\n-- param: kind = reuse\nSELECT 1")
    {'min_chars': 50, 'kind': 'reuse'}
    """
    out: dict[str, Any] = {}
    for line in sql.splitlines():
        if line.startswith("-- param:"):
            name, _, value = line[len("-- param:") :].partition("=")
            out[name.strip()] = _literal(value.strip())
    return out


def _literal(value: str) -> Any:
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


#: DuckDB settings of a :func:`confined_connection`, given when it opens.
CONFINED_CONFIG: dict[str, Any] = {
    "enable_external_access": False,  # no file but the database, no URL, no ATTACH/COPY/INSTALL
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
    "python_enable_replacements": False,  # a table name never reads a Python variable
}

#: Statement types review SQL may run (every other is refused before it runs).
#: DESCRIBE, SHOW, SUMMARIZE, FROM-first and VALUES parse as SELECT.
REVIEW_STATEMENTS = frozenset(
    {
        duckdb.StatementType.SELECT,
        duckdb.StatementType.EXPLAIN,
        duckdb.StatementType.PRAGMA,
        duckdb.StatementType.CALL,
    }
)

_CONFINED = "review SQL may only read this database"

#: How a refused statement type is named (DuckDB's INSTALL is a LOAD statement).
_STATEMENT_NAMES = {
    "LOAD": "INSTALL/LOAD",
    "SET": "SET/RESET/USE",
    "VARIABLE_SET": "SET VARIABLE",
    "COPY_DATABASE": "COPY DATABASE",
    "MERGE_INTO": "MERGE INTO",
    "CREATE_FUNC": "CREATE MACRO",
    "TRANSACTION": "BEGIN/COMMIT/ROLLBACK",
}


def confined_connection(db_path: str | os.PathLike[str]) -> duckdb.DuckDBPyConnection:
    """A read-only connection to ``db_path`` that cannot reach beyond it.

    Opened read-only with :data:`CONFINED_CONFIG` (no file system or network
    access but the database itself, no extension installed or loaded, no
    Python replacement scans), then :data:`reuse.store.connection.CONNECTION_SETTINGS`,
    then ``SET lock_configuration = true`` so SQL run on it cannot undo any of
    this. :class:`QueryError` if the database is missing or cannot be opened.

    DuckDB shares one database instance per file in a process: while this
    process holds another kind of connection to the same file (a read-write
    Store, a plain read-only connection), this one cannot open (a QueryError
    says so); two confined connections share one locked instance.
    """
    from reuse.store.snapshot import connect_reader

    db = os.fspath(db_path)
    if not Path(db).exists():
        raise QueryError(f"no database at {db}; run 'reuse scan' first")
    try:
        con = connect_reader(db, config=CONFINED_CONFIG)
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0]
        if "different configuration" in message:
            message = f"this process holds another connection to it; close that first ({message})"
        raise QueryError(f"cannot open {db} read-only: {message}") from exc
    try:
        locked = con.execute("SELECT current_setting('lock_configuration')").fetchone()
        if not (locked and locked[0]):
            con.execute("SET lock_configuration = true")
        # Whoever locked it, the instance must be confined (a guard, not a step).
        names = sorted(CONFINED_CONFIG) + ["lock_configuration"]
        found = dict(
            con.execute(
                "SELECT name, value FROM duckdb_settings() WHERE name IN (SELECT unnest(?))",
                [names],
            ).fetchall()
        )
        expected = {k: str(v).lower() for k, v in CONFINED_CONFIG.items()}
        expected["lock_configuration"] = "true"
        if {k: str(found.get(k)).lower() for k in names} != expected:
            raise QueryError(f"cannot confine the connection to {db}: settings {found}")
    except BaseException:
        con.close()
        raise
    return con


def query_parameters(sql: str) -> set[str]:
    r"""The ``$NAME`` parameters of one SQL statement, as DuckDB parses it.

    >>> sorted(query_parameters("SELECT $b, $a -- $not_this\n"))
    ['a', 'b']
    """
    return set(_one_statement(sql).named_parameters)


def _one_statement(sql: str, con: duckdb.DuckDBPyConnection | None = None) -> duckdb.Statement:
    """The one statement of ``sql`` (comments and a trailing ``;`` allowed);
    :class:`QueryError` for none, several, or SQL that does not parse."""
    try:
        statements = (con or duckdb).extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(str(exc).splitlines()[0]) from exc
    if not statements:
        raise QueryError("no SQL statement in the query")
    if len(statements) > 1:
        raise QueryError(
            f"refused: the query has {len(statements)} statements; "
            "review SQL runs one statement at a time"
        )
    return statements[0]


def _refusal(message: str) -> str | None:
    """The refusal of a DuckDB error that the confinement raised, else None."""
    low = message.lower()
    if "read-only" in low:
        return f"refused: the query would write to the database ({message})"
    if (
        "disabled by configuration" in low
        or "disabled through configuration" in low
        or "configuration has been locked" in low
        or "permission error" in low
    ):
        return f"refused: {_CONFINED} ({message})"
    return None


def run_query(
    db_path: str, sql: str, params: dict[str, Any] | None = None, max_rows: int | None = None
) -> tuple[list[str], list[tuple]]:
    """Run one statement of review SQL on a :func:`confined_connection`;
    returns ``(column names, rows)``: every row, or at most ``max_rows + 1``
    (one more tells the caller the result goes on).

    ``$NAME`` parameters take their values from ``params``, else from the
    query's ``-- param:`` defaults; a parameter in ``params`` the statement
    does not use, or a ``$NAME`` without a value, is a :class:`QueryError`
    naming the parameters the query takes.

    Refused (:class:`QueryError` "refused: ..."), and nothing happens:
    more than one statement; statements other than SELECT (with DESCRIBE,
    SHOW, SUMMARIZE), EXPLAIN, PRAGMA and CALL; writes to the database (the
    connection is read-only); any file, URL or database but this one (COPY,
    ATTACH, EXPORT, read_csv/read_text/glob, INSTALL/LOAD of extensions);
    Python variables as tables; SET of any setting.
    """
    defaults = query_defaults(sql)
    given = {k: _literal(str(v)) for k, v in (params or {}).items()}
    con = confined_connection(db_path)
    try:
        statement = _one_statement(sql, con)
        if statement.type not in REVIEW_STATEMENTS:
            kind = _STATEMENT_NAMES.get(statement.type.name, statement.type.name)
            raise QueryError(
                f"refused: {kind} statements are not allowed; {_CONFINED} "
                "(one SELECT, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN, PRAGMA or CALL)"
            )
        wanted = set(statement.named_parameters)
        unknown = sorted(set(given) - wanted)
        missing = sorted(wanted - set(given) - set(defaults))
        if unknown or missing:
            takes = ", ".join(
                f"{k} (default {defaults[k]})" if k in defaults else k for k in sorted(wanted)
            )
            takes = f"it takes: {takes}" if wanted else "it takes no parameters"
            if unknown:
                raise QueryError(
                    f"unknown parameter{'s' if len(unknown) > 1 else ''} "
                    f"{', '.join(unknown)} for this query; {takes}"
                )
            raise QueryError(
                f"no value for parameter{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}: give -p NAME=VALUE; {takes}"
            )
        values = {k: given[k] if k in given else defaults[k] for k in wanted}
        try:
            cur = con.execute(statement, values) if values else con.execute(statement)
            if cur.description is None:
                return [], []
            columns = [d[0] for d in cur.description]
            return columns, cur.fetchall() if max_rows is None else cur.fetchmany(max_rows + 1)
        except duckdb.Error as exc:
            message = str(exc).splitlines()[0]
            if isinstance(exc, duckdb.CatalogException) and "does not exist" in message:
                # A typo, or a Python variable (replacement scans are off).
                message += f" ({_CONFINED}: SHOW TABLES lists its tables and views)"
            raise QueryError(_refusal(message) or message) from exc
    finally:
        con.close()
