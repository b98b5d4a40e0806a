"""The matches page's text search finds exactly the matches whose passage, on
either side, contains the text: the same as cutting both passages out of their
documents and searching them (DuckDB's ``contains``), in the page's order."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb

from reuse.report.serve.passage_search import _holds, _occurrences, matches_containing
from reuse.store.snapshot import connect_reader

BY_CUTTING = (
    "SELECT m.match_id FROM reviewed_matches m "
    "JOIN documents da ON da.doc_id = m.doc_a JOIN documents db ON db.doc_id = m.doc_b "
    "WHERE {where} AND (contains(substr(da.text, m.a_start + 1, m.a_end - m.a_start), ?) "
    "OR contains(substr(db.text, m.b_start + 1, m.b_end - m.b_start), ?)) "
    "ORDER BY m.a_end - m.a_start DESC, m.match_id"
)


def test_same_matches_as_cutting_the_passages(seeds_db: Path) -> None:
    con = connect_reader(seeds_db)
    try:
        texts = [t for (t,) in con.execute("SELECT text FROM documents ORDER BY doc_id").fetchall()]
        rng = random.Random(3)
        needles = ["同志们", "，", "zzz", "。\n", "的"]
        for _ in range(60):
            text = rng.choice(texts)
            start = rng.randrange(len(text) - 12)
            needles.append(text[start : start + rng.randrange(1, 12)])
        for where, params in (("TRUE", []), ("m.kind = ?", ["reuse"])):
            for needle in needles:
                expected = [
                    r[0]
                    for r in con.execute(
                        BY_CUTTING.format(where=where), [*params, needle, needle]
                    ).fetchall()
                ]
                assert matches_containing(con, where, params, needle) == expected, needle
    finally:
        con.close()


def test_overlapping_occurrences_count() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE documents (doc_id INTEGER, text VARCHAR)")
    con.execute("INSERT INTO documents VALUES (1, '啊啊啊x啊啊'), (2, '无')")
    assert _occurrences(con, "啊啊") == {1: [0, 1, 4]}
    starts = [0, 1, 4]
    assert _holds(starts, 1, 1)  # '啊啊' inside [1, 3)
    assert not _holds(starts, 2, 3)  # [2, 5) holds no '啊啊'
    assert not _holds(starts, 5, 4) and not _holds(None, 0, 9) and not _holds([], 0, 9)
