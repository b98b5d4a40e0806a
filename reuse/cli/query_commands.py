"""``reuse query`` (read-only SQL: a shipped query, a file or SQL text) and
``reuse export`` (the live matches with both passages' text, to a file).

Both run on a connection confined to the database (:mod:`reuse.report.query`):
writes, other files, URLs, extensions and settings are refused.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from reuse.cli.console import err, escape, out, print_json
from reuse.cli.exits import db_errors, fail
from reuse.cli.options import DbOption, Kind


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class ExportFormat(str, Enum):
    csv = "csv"
    json = "json"
    parquet = "parquet"


def _parse_params(items: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise typer.BadParameter(
                f"takes NAME=VALUE, got {item!r}", param_hint="'--param' / '-p'"
            )
        params[key] = value
    return params


def _list_queries() -> None:
    """``reuse query --list``: each shipped query's name and the first line of its header."""
    from reuse.report.query import available_queries, find_query, query_description

    for name in available_queries():
        _, sql = find_query(name)
        first = query_description(sql).splitlines()
        out.print(f"{name:28} {escape(first[0]) if first else ''}")


def _print_rows(db: Path, columns: list[str], rows: list[tuple], fmt: QueryFormat) -> None:
    """The result as JSON records, CSV, or a table that fits the terminal."""
    if fmt is QueryFormat.json:
        print_json([dict(zip(columns, r)) for r in rows])
    elif fmt is QueryFormat.csv:
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif not rows:
        from rich.text import Text

        out.print(Text("  ".join(columns)), style="bold")  # the header, whole
        out.print("0 rows")
    else:
        from reuse.cli.render_tables import query_table

        out.print(query_table(db, columns, rows))
        out.print(f"{len(rows)} rows")


def query(
    query_arg: Annotated[
        str,
        typer.Argument(
            metavar="NAME|FILE|SQL",
            help="A query of queries/ by name, a .sql file, or SQL text.",
        ),
    ] = "",
    db: DbOption = Path("reuse.duckdb"),
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            metavar="NAME=VALUE",
            help="Named parameter for $NAME in the SQL; one the query does not take is "
            "refused with the list of those it takes.",
        ),
    ] = None,
    fmt: Annotated[
        QueryFormat, typer.Option("--format", help="table, csv or json.")
    ] = QueryFormat.table,
    list_queries: Annotated[bool, typer.Option("--list", help="List the shipped queries.")] = False,
) -> None:
    """Run SQL on a read-only connection: a shipped query by name, a file, or SQL text.

    One statement, confined to the database: writes (DROP, UPDATE, ...), other
    files, URLs and databases (COPY, ATTACH, EXPORT, read_csv, glob, ...),
    extensions (INSTALL, LOAD) and settings (SET) are refused, as is a
    parameter the query does not take (the message lists those it takes).
    Tables fit the terminal: document paths are shortened in the middle, and
    rows too wide for a table are shown one field a line.

    Example: reuse query top_pairs -p min_chars=200
    """
    from reuse.report.query import find_query, run_query

    if list_queries or not query_arg:
        _list_queries()
        return
    params = _parse_params(param or [])
    try:
        _, sql = find_query(query_arg)
        columns, rows = run_query(str(db), sql, params)
    except db_errors() as exc:
        fail(exc)
    _print_rows(db, columns, rows, fmt)


def export(
    output: Annotated[Path, typer.Option("--output", "-o", metavar="FILE", help="File to write.")],
    fmt: Annotated[
        ExportFormat | None,
        typer.Option("--format", help="csv, json or parquet; default: from the file's suffix."),
    ] = None,
    kind: Annotated[Kind, typer.Option(help="Which matches.")] = Kind.all,
    db: DbOption = Path("reuse.duckdb"),
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the output file if it exists.")
    ] = False,
) -> None:
    """Export the live matches with both passages' text (csv, json or parquet).

    Columns: match_id, kind, path_a, a_start, a_end, path_b, b_start, b_end,
    similarity, edit_distance, first_seen_scan, verdict, note, text_a, text_b.
    The format is the file's suffix (.csv, .json, .parquet) unless --format;
    an existing file is kept unless --force; the database is never overwritten.

    Example: reuse export -o matches.parquet
    """
    from reuse.report.export import export_matches

    try:
        n = export_matches(
            str(db), fmt.value if fmt else None, str(output), kind.value, force=force
        )
    except db_errors() as exc:
        fail(exc)
    err.print(f"wrote {n} matches to {escape(str(output))}")
