"""The Spark job's matches under the database's document ids, for ``reuse import``.

The folder's ``matches/`` name documents by the Spark job's ids (the rank of
the path); the import gives them the database's (:mod:`reuse.engine.spark_import`,
same order). :func:`aligned_table` reads the aligned segments as the store's
match table; :func:`insert_edits` stores the typed edits computed in Spark of
the matches the embedded engine types, read by DuckDB straight from the
parquet files.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from reuse.errors import StoreError
from reuse.store.connection import registered, transaction
from reuse.store.database import Store
from reuse.store.matches import MATCH_SCHEMA as STORE_MATCH_SCHEMA


def _map_ids(column: pa.ChunkedArray, spark_ids: pa.Array, db_ids: pa.Array, what: str) -> pa.Array:
    """Spark document ids -> the database's (NULL stays NULL)."""
    at = pc.index_in(column.cast(pa.int64()), value_set=spark_ids)
    if at.null_count != column.null_count:
        raise StoreError(f"a match names a document the import does not hold ({what})")
    return db_ids.take(at)


def aligned_table(matches: Path, id_map: dict[int, int]) -> pa.Table:
    """The Spark job's matches as a :data:`reuse.store.matches.MATCH_SCHEMA` table (kind
    ``'reuse'``, source ``'align'``) under the document ids the database gave."""
    dataset = ds.dataset(matches, format="parquet")
    if not dataset.files:
        return STORE_MATCH_SCHEMA.empty_table()
    table = dataset.to_table(
        columns=[f.name for f in STORE_MATCH_SCHEMA if f.name not in ("kind", "source")]
    )
    # Both engines orient a pair and order its rows by document id: the ids the
    # database gave must be in the order of the Spark job's (the path order).
    order = sorted(id_map)
    if any(id_map[x] >= id_map[y] for x, y in zip(order, order[1:])):
        raise StoreError("document ids out of path order in the import; use a new database")
    spark_ids = pa.array(list(id_map), pa.int64())
    db_ids = pa.array(list(id_map.values()), pa.int64())
    n = table.num_rows
    columns: dict[str, pa.Array] = {
        "kind": pa.array(["reuse"] * n, pa.string()),
        "source": pa.array(["align"] * n, pa.string()),
    }
    for side in ("doc_a", "doc_b", "rep_doc"):
        columns[side] = _map_ids(table[side], spark_ids, db_ids, side)
    return pa.table(
        [
            (columns[f.name] if f.name in columns else table[f.name]).cast(f.type)
            for f in STORE_MATCH_SCHEMA
        ],
        schema=STORE_MATCH_SCHEMA,
    )


def insert_edits(store: Store, matches: Path, id_map: dict[int, int]) -> int:
    """Store the edits computed in Spark of the matches the embedded engine types
    (:meth:`reuse.store.database.Store.matches_without_edits`: reuse, and the members of
    templates, once labelled), under the match ids the database gave; returns
    the number of matches typed.

    DuckDB reads them from the parquet files itself (unnested, joined to the
    stored matches on their offsets and representative), so they never
    become Python objects.
    """
    con = store.con
    ids = pa.table(
        {
            "spark_id": pa.array(list(id_map), pa.int64()),
            "doc_id": pa.array(list(id_map.values()), pa.int64()),
        }
    )
    typed = pa.table(
        {"match_id": pa.array([r.match_id for r in store.matches_without_edits()], pa.int64())}
    )
    if not typed.num_rows:
        return 0
    files = sorted(str(p) for p in matches.glob("*.parquet"))
    with transaction(con), registered(con, id_map=ids, typed_matches=typed):
        # One parquet row per stored match (two equal rows would be two matches
        # with the same edits: the join would give each both rows' edits).
        con.execute(
            """
            INSERT INTO edits (match_id, edit_no, op, a_start, a_end, b_start, b_end,
                               old_text, new_text, category, pos)
            SELECT m.match_id, e.edit_no, e.op, e.a_start, e.a_end, e.b_start, e.b_end,
                   e.old_text, e.new_text, e.category, e.pos
            FROM (SELECT doc_a, a_start, a_end, doc_b, b_start, b_end, rep_doc,
                         unnest(edits) AS e
                  FROM (SELECT * FROM read_parquet(?)
                        QUALIFY row_number() OVER (PARTITION BY doc_a, a_start, a_end, doc_b,
                                                   b_start, b_end, rep_doc) = 1)) p
            JOIN id_map ia ON ia.spark_id = p.doc_a
            JOIN id_map ib ON ib.spark_id = p.doc_b
            LEFT JOIN id_map ir ON ir.spark_id = p.rep_doc
            JOIN matches m ON m.deleted_at IS NULL AND m.source = 'align'
                AND m.doc_a = ia.doc_id AND m.a_start = p.a_start AND m.a_end = p.a_end
                AND m.doc_b = ib.doc_id AND m.b_start = p.b_start AND m.b_end = p.b_end
                AND m.rep_doc IS NOT DISTINCT FROM ir.doc_id
            WHERE m.match_id IN (SELECT match_id FROM typed_matches)
            """,
            [files],
        )
        con.execute(
            "UPDATE matches m SET n_edits = coalesce(c.n, 0) FROM typed_matches t "
            "LEFT JOIN (SELECT match_id, count(*) AS n FROM edits GROUP BY match_id) c "
            "USING (match_id) WHERE m.match_id = t.match_id"
        )
        con.execute(
            "INSERT INTO meta VALUES ('shares_stale', '1') "
            "ON CONFLICT (key) DO UPDATE SET value = '1'"
        )
    return typed.num_rows
