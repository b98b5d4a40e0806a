"""Reports read from the store: pair shares, match detail, differences, queries."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import SEED_A, SEED_B

from reuse.errors import QueryError
from reuse.report.documents import display_root
from reuse.report.html.data import html_data
from reuse.report.matches import match_detail
from reuse.report.pairs import pair_report
from reuse.report.query import find_query, query_defaults, run_query


@pytest.fixture
def con(seeds_db: Path):
    c = duckdb.connect(str(seeds_db), read_only=True)
    yield c
    c.close()


def test_pair_report_shares_and_diff_offsets(con) -> None:
    data = pair_report(con)
    (pair,) = data["pairs"]
    assert data["documents"] == 5
    assert {Path(pair["doc_a"]["path"]).name, Path(pair["doc_b"]["path"]).name} == {SEED_A, SEED_B}
    (m,) = pair["matches"]
    # The diff covers both passages without gaps, in original offsets.
    assert m["diff"][0][1] == m["a_start"] and m["diff"][-1][2] == m["a_end"]
    assert m["diff"][0][3] == m["b_start"] and m["diff"][-1][4] == m["b_end"]
    inserted = [op for op in m["diff"] if op[0] in ("insert", "replace")]
    text_b = con.execute(
        "SELECT text FROM documents WHERE doc_id = ?", [pair["doc_b"]["doc_id"]]
    ).fetchone()[0]
    pieces = {text_b[op[3] : op[4]] for op in inserted}
    assert "无锡" in pieces, "the place name the news article added is a marked difference"


def test_pair_report_kinds_and_filters(con) -> None:
    pairs = pair_report(con, kind="boilerplate")["pairs"]
    assert len(pairs) == 2 and sum(len(p["matches"]) for p in pairs) == 4
    assert pair_report(con, min_chars=10**6)["pairs"] == []
    assert len(pair_report(con, doc=SEED_B)["pairs"]) == 1
    assert pair_report(con, doc="003_632305c238c50ae2.txt")["pairs"] == []
    with pytest.raises(QueryError):
        pair_report(con, doc="missing.txt")


def test_match_detail(con) -> None:
    match_id = con.execute("SELECT match_id FROM matches WHERE kind = 'reuse'").fetchone()[0]
    m = match_detail(con, match_id, context=5)
    assert len(m["before_a"]) == 5 and m["text_a"].startswith("经济开发区")
    with pytest.raises(QueryError):
        match_detail(con, -1)


def test_find_query_forms(tmp_path: Path) -> None:
    assert find_query("top_pairs")[0] == "top_pairs"
    assert find_query("SELECT 1")[1] == "SELECT 1"
    with pytest.raises(QueryError, match="no query named"):
        find_query("nonexistent")


def test_run_query_uses_defaults_and_overrides(seeds_db: Path) -> None:
    sql = "-- param: n = 2\nSELECT $n * 21 AS answer"
    assert query_defaults(sql) == {"n": 2}
    assert run_query(str(seeds_db), sql) == (["answer"], [(42,)])
    assert run_query(str(seeds_db), sql, {"n": "1"}) == (["answer"], [(21,)])


def test_pair_report_limit_and_filters(con) -> None:
    both = pair_report(con, kind="boilerplate", limit=0)
    assert both["n_pairs"] == 2 and len(both["pairs"]) == 2, "limit 0: every pair"
    one = pair_report(con, kind="boilerplate", limit=1)
    assert one["n_pairs"] == 2 and len(one["pairs"]) == 1
    assert one["pairs"][0]["doc_a"]["doc_id"] == both["pairs"][0]["doc_a"]["doc_id"]
    # The seed pair: similarity 0.977, 87.7% and 86.7% copied.
    (pair,) = pair_report(con)["pairs"]
    (match,) = pair["matches"]
    assert 0.95 < match["similarity"] < 0.99
    assert pair_report(con, min_similarity=match["similarity"])["n_pairs"] == 1
    assert pair_report(con, min_similarity=0.99)["n_pairs"] == 0
    share = max(pair["doc_a"]["share"], pair["doc_b"]["share"])
    assert pair_report(con, min_share=share)["n_pairs"] == 1
    assert pair_report(con, min_share=share + 0.001)["pairs"] == []
    assert pair_report(con, min_share=0.5, doc=SEED_B)["n_pairs"] == 1


def test_shown_paths_leave_out_the_one_root(con, seeds_db: Path) -> None:
    assert display_root(con) == "seeds"
    paths = [r[0] for r in con.execute("SELECT path FROM live_documents").fetchall()]
    assert all(p.startswith("seeds/") for p in paths)


def test_html_data_limit(con) -> None:
    assert len(html_data(con, kind="boilerplate", limit=1)["pairs"]) == 1
    assert len(html_data(con, kind="boilerplate", limit=0)["pairs"]) == 2
    assert len(html_data(con, kind="boilerplate")["pairs"]) == 2
