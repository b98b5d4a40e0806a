"""A scan database's stored results, read in an order that does not depend on the
order files arrived in, so that two scans of the same files compare equal
(one worker against two, one candidate block against many, an incremental
scan against a fresh one, the Spark engine against the embedded one).

duckdb is imported inside the functions: ``jobs/benchmark.py`` imports this
module in the child processes it measures, some of which never load duckdb.
"""

from __future__ import annotations


def match_table(db: str) -> list[tuple]:
    """The live matches of ``db`` as (path, start, end, path, start, end, kind,
    edit_distance), each with its two sides in path order, sorted."""
    import duckdb

    con = duckdb.connect(db, read_only=True)
    rows = con.execute(
        "SELECT d1.path, a_start, a_end, d2.path, b_start, b_end, kind, edit_distance "
        "FROM live_matches m JOIN documents d1 ON d1.doc_id = m.doc_a "
        "JOIN documents d2 ON d2.doc_id = m.doc_b ORDER BY ALL"
    ).fetchall()
    con.close()
    # doc_a < doc_b by id, and ids depend on the order files arrived in: compare
    # each match with its two sides in path order.
    return sorted(
        (r[3], r[4], r[5], r[0], r[1], r[2], r[6], r[7]) if r[3] < r[0] else r for r in rows
    )


def database_tables(db: str) -> dict[str, list]:
    """What a scan stores, with paths where ids could differ (the spark section compares)."""
    import duckdb

    con = duckdb.connect(db, read_only=True)
    queries = {
        "documents": "SELECT doc_id, path, sha256, n_norm_chars, n_passages, doc_date "
        "FROM documents ORDER BY path",
        "passages": "SELECT * FROM passages ORDER BY doc_id, passage_no",
        "matches": "SELECT m.match_id, a.path, m.a_start, m.a_end, b.path, m.b_start, m.b_end, "
        "m.kind, m.source, m.edit_distance, m.n_edits FROM live_matches m "
        "JOIN documents a ON a.doc_id = m.doc_a JOIN documents b ON b.doc_id = m.doc_b "
        "ORDER BY m.match_id",
        "edits": "SELECT * FROM edits ORDER BY match_id, edit_no",
        "groups": "SELECT * FROM group_members ORDER BY ALL",
    }
    tables = {name: con.execute(sql).fetchall() for name, sql in queries.items()}
    con.close()
    return tables
