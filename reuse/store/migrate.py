"""Migrations: a database of an older schema version brought up to this one, in place.

:meth:`reuse.store.database.Store._create` calls :func:`before_ddl`, runs the DDL of
:mod:`reuse.store.schema` (``CREATE ... IF NOT EXISTS``), then :func:`after_ddl`,
all in one transaction, so a migration either happens whole or not at all.

* Version 1 -> 2: new columns (dates, counts, ``n_edits``); documents are
  indexed again from their stored text by the next scan.
* Version 2 -> 3: a document's identity becomes its path inside a named root
  (:mod:`reuse.ingest.identity`) instead of its absolute path, which moves to
  ``location``: each document is placed under the outermost root of any past
  scan (``scans.roots``) that holds it, the root named by its folder's last
  component. Verdicts become a history (``verdict_id``, ``reviewer``) keyed
  by document ids and passage texts; the key of each old verdict is carried
  over through the live match it named.
* Version 3 -> 4: ``documents.date_precision`` and ``matches.match_key``
  (:data:`reuse.store.schema.V4_DOCUMENT_COLUMNS`, :data:`reuse.store.schema.V4_MATCH_COLUMNS`).
  Every document not dated by its metadata is dated again from its stored
  path and text (:func:`reuse.text.dates.document_date`: version 3 knew no
  year or month alone, no session number); a metadata date is a day.
* Version 4 -> 5: ``group_members.excerpt``
  (:data:`reuse.store.schema.V5_GROUP_COLUMNS`), filled when the groups are
  built again: a migrated database's groups are marked stale, so the next
  scan builds them.
"""

from __future__ import annotations

import os
import posixpath
from typing import Any

import duckdb
import pyarrow as pa

from reuse.store import schema
from reuse.store.connection import registered
from reuse.store.tables import DOCUMENTS
from reuse.store.views import VIEWS

__all__ = ["after_ddl", "before_ddl"]


def before_ddl(con: duckdb.DuckDBPyConnection, version: int | None) -> dict[str, Any]:
    """Steps before the DDL; returns what :func:`after_ddl` needs."""
    if version not in schema.MIGRATABLE:
        return {}
    for view in VIEWS:
        con.execute(f"DROP VIEW IF EXISTS {view}")
    if _has_table(con, "group_members"):
        con.execute(schema.V5_GROUP_COLUMNS)
    if version == 4:
        return {}
    if version == 3:
        con.execute(schema.V4_DOCUMENT_COLUMNS)
        con.execute(schema.V4_MATCH_COLUMNS)
        con.execute(schema.FILL_MATCH_KEYS)
        _date_again(con)
        return {}
    if version == 1:
        con.execute(schema.MIGRATIONS[1])
    carried = _identity_v3(con)
    con.execute(schema.V4_DOCUMENT_COLUMNS)
    return carried


def after_ddl(con: duckdb.DuckDBPyConnection, version: int | None, carried: dict[str, Any]) -> None:
    """Steps after the DDL (the new tables exist)."""
    if version not in (1, 2):
        return
    if carried.get("verdicts"):
        con.execute(
            """
            INSERT INTO verdicts
            SELECT row_number() OVER (ORDER BY v.reviewed_at, v.match_key),
                   coalesce(v.new_key, v.match_key), v.verdict, v.note, NULL, v.reviewed_at,
                   v.match_id, v.doc_a, v.doc_b,
                   coalesce(da.path, v.path_a), coalesce(db.path, v.path_b)
            FROM old_verdicts v
            LEFT JOIN documents da ON da.doc_id = v.doc_a
            LEFT JOIN documents db ON db.doc_id = v.doc_b
            """
        )
        con.execute("DROP TABLE old_verdicts")
    con.execute("INSERT INTO matches SELECT *, NULL, NULL FROM matches_v2")  # rep_doc, key
    con.execute("DROP TABLE matches_v2")
    con.execute(schema.FILL_MATCH_KEYS)
    with registered(con, migrated_roots=carried["roots"]):
        con.execute("INSERT INTO roots SELECT name, location, NULL, NULL FROM migrated_roots")


def _identity_v3(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    con.execute("ALTER TABLE documents ADD COLUMN IF NOT EXISTS location VARCHAR")
    con.execute("ALTER TABLE documents ADD COLUMN IF NOT EXISTS indexed_scan INTEGER")
    con.execute("UPDATE documents SET location = path, indexed_scan = first_scan")
    con.execute("ALTER TABLE scans ADD COLUMN IF NOT EXISTS n_renamed INTEGER")
    con.execute("ALTER TABLE errors ADD COLUMN IF NOT EXISTS severity VARCHAR DEFAULT 'error'")
    con.execute("UPDATE errors SET severity = 'error' WHERE severity IS NULL")
    carried: dict[str, Any] = {"verdicts": _has_table(con, "verdicts")}
    if carried["verdicts"]:
        # Keys of the old verdicts' matches, old and new, while paths are absolute.
        con.execute(
            f"""
            CREATE TEMP TABLE old_verdicts AS
            WITH keyed AS (
                SELECT m.match_id AS live_id, m.doc_a, m.doc_b,
                       {schema.MATCH_KEY_SQL_V2} AS old_key, {schema.MATCH_KEY_SQL} AS new_key
                FROM matches m
                JOIN documents da ON da.doc_id = m.doc_a
                JOIN documents db ON db.doc_id = m.doc_b
                WHERE m.deleted_at IS NULL AND (da.path, db.path) IN
                      (SELECT (path_a, path_b) FROM verdicts UNION
                       SELECT (path_b, path_a) FROM verdicts)
            )
            SELECT v.*, k.new_key, k.doc_a, k.doc_b
            FROM verdicts v LEFT JOIN keyed k ON k.old_key = v.match_key
            """
        )
        con.execute("DROP TABLE verdicts")
    documents = con.execute("SELECT doc_id, path FROM documents").fetchall()
    scanned = [r[0] for r in con.execute("SELECT DISTINCT unnest(roots) FROM scans").fetchall()]
    keys, roots = identities([path for _, path in documents], scanned)
    paths = pa.table(
        {"doc_id": [d for d, _ in documents], "path": keys},
        schema=DOCUMENTS.arrow_schema(("doc_id", "path")),
    )
    with registered(con, migrated_paths=paths):
        con.execute(
            "UPDATE documents d SET path = n.path FROM migrated_paths n WHERE d.doc_id = n.doc_id"
        )
    # The kinds of version 3 ('template') need the new CHECK: the DDL makes a new
    # matches table, filled from the old one after it.
    con.execute("ALTER TABLE matches RENAME TO matches_v2")
    carried["roots"] = pa.table(
        {"name": [n for n, _ in roots], "location": [loc for _, loc in roots]}
    )
    return carried


def identities(paths: list[str], scanned: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Identities (root name / path in root) of absolute ``paths``, given the
    roots past scans named; and the roots ``(name, location)``.

    >>> paths = ["/srv/r/a.txt", "/srv/r/b/c.txt", "/x/d.txt"]
    >>> identities(paths, ["/srv/r/b", "/srv/r", "/x/d.txt"])
    (['r/a.txt', 'r/b/c.txt', 'x/d.txt'], [('r', '/srv/r'), ('x', '/x')])
    """
    locations = []
    for path in paths:
        holders = [r for r in scanned if path == r or path.startswith(r.rstrip("/") + "/")]
        root = min(holders, key=len) if holders else os.path.dirname(path)
        locations.append(os.path.dirname(path) if root == path else root.rstrip("/") or "/")
    names: dict[str, str] = {}
    taken: set[str] = set()
    for location in sorted(set(locations)):
        base = os.path.basename(location) or "root"
        name, k = base, 2
        while name in taken:
            name, k = f"{base}~{k}", k + 1
        taken.add(name)
        names[location] = name
    keys = [
        posixpath.join(names[loc], os.path.relpath(path, loc).replace(os.sep, "/"))
        for path, loc in zip(paths, locations)
    ]
    return keys, sorted((name, loc) for loc, name in names.items())


#: Documents dated again per batch when a version-3 database is migrated.
DATE_BATCH = 500


def _date_again(con: duckdb.DuckDBPyConnection) -> None:
    """Date every document again from its stored path and text, but those dated
    by their metadata (kept, as days); in batches of :data:`DATE_BATCH`."""
    from reuse.text.date_precision import DAY
    from reuse.text.dates import document_date

    con.execute("UPDATE documents SET date_precision = ? WHERE date_source = 'metadata'", [DAY])
    ids = [
        r[0]
        for r in con.execute(
            "SELECT doc_id FROM documents WHERE date_source IS DISTINCT FROM 'metadata' "
            "ORDER BY doc_id"
        ).fetchall()
    ]
    for start in range(0, len(ids), DATE_BATCH):
        batch = ids[start : start + DATE_BATCH]
        rows = con.execute(
            "SELECT doc_id, path, text FROM documents WHERE doc_id IN (SELECT unnest(?))",
            [batch],
        ).fetchall()
        dated = [(doc_id, document_date(path, text)) for doc_id, path, text in rows]
        columns = {
            "doc_id": [d for d, _ in dated],
            "doc_date": [x.date if x else None for _, x in dated],
            "date_source": [x.source if x else None for _, x in dated],
            "date_evidence": [x.evidence if x else None for _, x in dated],
            "date_precision": [x.precision if x else None for _, x in dated],
        }
        table = pa.table(columns, schema=DOCUMENTS.arrow_schema(tuple(columns)))
        with registered(con, dated_again=table):
            con.execute(
                "UPDATE documents SET doc_date = n.doc_date, date_source = n.date_source, "
                "date_evidence = n.date_evidence, date_precision = n.date_precision "
                "FROM dated_again n WHERE documents.doc_id = n.doc_id"
            )


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
        "AND table_schema = 'main'",
        [name],
    ).fetchone()
    return bool(row and row[0])
