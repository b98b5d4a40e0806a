"""Finding documents for a report: a document named on the command line, the
root name shown paths leave out, the texts of some documents.

Reads only live documents (view ``live_documents``) to resolve a name; a
document is named by its identity (``documents.path``), its file's path
(``documents.location``) or the end of its identity (a file name).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from reuse.errors import QueryError


def resolve_document(con: duckdb.DuckDBPyConnection, path: str) -> int:
    """doc_id of a live document given its identity (``documents.path``), the
    file's path (absolute or relative to here: ``documents.location``), or
    the end of its identity (a file name)."""
    from reuse.ingest.paths import escape_path

    absolute = escape_path(os.path.abspath(path))
    row = con.execute(
        "SELECT doc_id FROM live_documents WHERE path = ? OR location = ? ORDER BY path = ? DESC",
        [path, absolute, path],
    ).fetchall()
    if row:
        return int(row[0][0])
    name = Path(path).as_posix().lstrip("./")
    rows = con.execute(
        "SELECT doc_id, path FROM live_documents WHERE path = ? OR ends_with(path, ?) "
        "ORDER BY path",
        [name, "/" + name],
    ).fetchall()
    if len(rows) == 1:
        return int(rows[0][0])
    if not rows:
        raise QueryError(f"no scanned document matches {path!r}")
    raise QueryError(
        f"{path!r} matches {len(rows)} documents ({rows[0][1]}, {rows[1][1]}, ...); "
        "give more of the path"
    )


def display_root(con: duckdb.DuckDBPyConnection) -> str | None:
    """The root name shown paths leave out: the first component of every live
    document's path when the database holds one root, else None
    (:func:`reuse.report.display.root_of`)."""
    rows = con.execute(
        "SELECT DISTINCT CASE WHEN contains(path, '/') THEN split_part(path, '/', 1) END "
        "FROM live_documents LIMIT 2"
    ).fetchall()
    return rows[0][0] if len(rows) == 1 else None


def document_texts(con: duckdb.DuckDBPyConnection, doc_ids: list[int]) -> dict[int, str]:
    """The original text of each of ``doc_ids`` (none read when the list is empty)."""
    if not doc_ids:
        return {}
    return dict(
        con.execute(
            "SELECT doc_id, text FROM documents WHERE doc_id IN (SELECT unnest(?))", [doc_ids]
        ).fetchall()
    )
