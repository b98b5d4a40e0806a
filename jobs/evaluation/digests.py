"""Digests of a reuse database, table by table, to tell whether two scans
stored the same thing.

A table's *digest* is its row count and the SHA-256 of its rows, each row
rendered as text in a canonical order (sorted by every column), with the
columns that record when and where a scan ran left out: timestamps, the
absolute folder a root or document was read at (``location``), the scanning
process (``pid``), the absolute roots of a scan (``scans.roots``), the version
string, the database's random identity (``meta.database_id``) and the
installed path of the boilerplate list inside ``scans.parameters``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

__all__ = ["differences", "table_digests"]


#: Columns that say when, where or by which process a scan ran.
VOLATILE_COLUMNS = frozenset({"location", "pid", "roots", "version"})


def table_digests(db_path: str | Path) -> dict[str, dict[str, object]]:
    """Per base table of the database: ``{"rows": n, "sha256": hex}``."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_type = 'BASE TABLE' AND table_schema = 'main' ORDER BY 1"
            ).fetchall()
        ]
        return {name: _table_digest(con, name) for name in tables}
    finally:
        con.close()


def _table_digest(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, object]:
    columns = [
        name
        for name, kind in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position",
            [table],
        ).fetchall()
        if name not in VOLATILE_COLUMNS and not kind.startswith("TIMESTAMP")
    ]
    quoted = ", ".join(f'"{c}"' for c in columns)
    where = "WHERE key <> 'database_id'" if table == "meta" else ""
    parameters = columns.index("parameters") if table == "scans" else None
    digest = hashlib.sha256()
    rows = 0
    cursor = con.execute(f'SELECT {quoted} FROM "{table}" {where} ORDER BY ALL')
    while batch := cursor.fetchmany(10_000):
        for row in batch:
            if parameters is not None and row[parameters]:
                row = (*row[:parameters], _portable(row[parameters]), *row[parameters + 1 :])
            digest.update(repr(row).encode("utf-8"))
            digest.update(b"\n")
            rows += 1
    return {"rows": rows, "sha256": digest.hexdigest()}


def _portable(parameters: str) -> str:
    """A scan's parameters without the installed path of the boilerplate list."""
    resolved = json.loads(parameters)
    resolved.get("boilerplate", {}).pop("list_path", None)
    return json.dumps(resolved, sort_keys=True)


def differences(
    before: dict[str, dict[str, object]], after: dict[str, dict[str, object]]
) -> list[str]:
    """One line per table that is missing on one side or whose rows differ."""
    lines = []
    for table in sorted(set(before) | set(after)):
        a, b = before.get(table), after.get(table)
        if a is None or b is None:
            lines.append(f"{table}: only in {'after' if a is None else 'before'}")
        elif a != b:
            lines.append(f"{table}: differs ({a['rows']} rows before, {b['rows']} after)")
    return lines
