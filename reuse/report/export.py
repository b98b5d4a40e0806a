"""``reuse export``: the live matches with both passages' text, as CSV, JSON or
Parquet.

The rows (:data:`EXPORT_SQL`) are read on a confined connection
(:func:`reuse.report.query.confined_connection`) and written through
:func:`reuse.report.outputs.open_output`: never over the database, over an
existing file only when forced, never half a file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb

from reuse.errors import QueryError
from reuse.report.query import confined_connection

#: Columns of ``reuse export``: the match, both paths and both passages' text.
EXPORT_SQL = """
SELECT m.match_id, m.kind, da.path AS path_a, m.a_start, m.a_end,
       db.path AS path_b, m.b_start, m.b_end,
       m.similarity, m.edit_distance, m.first_seen_scan, m.verdict, m.note,
       substr(da.text, m.a_start + 1, m.a_end - m.a_start) AS text_a,
       substr(db.text, m.b_start + 1, m.b_end - m.b_start) AS text_b
FROM reviewed_matches m
JOIN documents da ON da.doc_id = m.doc_a
JOIN documents db ON db.doc_id = m.doc_b
WHERE ($kind = 'all' OR m.kind = $kind)
ORDER BY m.match_id
"""


#: Export formats by the output file's suffix (``reuse export -o FILE`` without ``--format``).
EXPORT_SUFFIXES = {".csv": "csv", ".json": "json", ".parquet": "parquet"}


def export_format(output: str | os.PathLike[str], fmt: str | None = None) -> str:
    """The export format: ``fmt`` if given, else from the suffix of ``output``.

    >>> export_format("matches.parquet"), export_format("m.txt", "csv")
    ('parquet', 'csv')
    """
    known = ", ".join(sorted(set(EXPORT_SUFFIXES.values())))
    if fmt is not None:
        if fmt not in EXPORT_SUFFIXES.values():
            raise QueryError(f"export format must be {known}, not {fmt!r}")
        return fmt
    suffix = Path(output).suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise QueryError(
            f"cannot tell the export format of {os.fspath(output)} from its suffix "
            f"{suffix or '(none)'}: name a {', '.join(EXPORT_SUFFIXES)} file "
            f"or give --format {known}"
        )
    return EXPORT_SUFFIXES[suffix]


def export_matches(
    db_path: str,
    fmt: str | None,
    output: str,
    kind: str = "all",
    force: bool = False,
) -> int:
    """Write the live matches with both passages' text to ``output`` as csv, json
    (one array of objects) or parquet; returns the number of rows.

    ``fmt`` None: the format of the output's suffix (:func:`export_format`).
    The rows are read on a :func:`confined_connection` as an Arrow table and
    written as CSV (a header row; the bytes DuckDB's ``COPY`` wrote), Parquet
    (pyarrow) or a UTF-8 JSON array, through :func:`reuse.report.outputs.open_output`:
    never over the database, over an existing file only with ``force``, and
    never half a file. The database connection reaches no file but the
    database; the one file written is ``output``.
    """
    import json

    import pyarrow.parquet as pq

    from reuse.report.outputs import check_output, open_output

    check_output(output, db_path, force)
    fmt = export_format(output, fmt)
    con = confined_connection(db_path)
    try:
        try:
            table = con.sql(EXPORT_SQL, params={"kind": kind}).to_arrow_table()
        except duckdb.Error as exc:
            raise QueryError(str(exc).splitlines()[0]) from exc
    finally:
        con.close()
    with open_output(output, db_path, force) as f:
        if fmt == "json":
            items = table.to_pylist()
            text = json.dumps(items, ensure_ascii=False, indent=1, default=str) + "\n"
            f.write(text.encode("utf-8"))
        elif fmt == "parquet":
            pq.write_table(table, f)
        else:
            _write_csv(table, f)
    return table.num_rows


def _csv_field(value: Any) -> str:
    """One CSV field as DuckDB's ``COPY ... (FORMAT csv)`` writes it: NULL empty,
    a string quoted when empty or holding a comma, quote or line break."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value == "" or any(c in value for c in ',"\n\r'):
            return '"' + value.replace('"', '""') + '"'
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _write_csv(table: Any, f: Any) -> None:
    """``table`` (pyarrow) as UTF-8 CSV with a header row, the bytes DuckDB's COPY wrote."""
    f.write((",".join(_csv_field(c) for c in table.column_names) + "\n").encode("utf-8"))
    for batch in table.to_batches(max_chunksize=1024):
        lines = (",".join(_csv_field(v) for v in row.values()) for row in batch.to_pylist())
        f.write("".join(line + "\n" for line in lines).encode("utf-8"))
