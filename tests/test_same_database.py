"""A refactoring leaves the database unchanged: a scan's tables, compared one by
one with the digests of the same scan by the code before (tests/fixtures/digests,
written by ``python jobs/compare_databases.py DB --write-digest FILE``).

Each digest is a table's row count and the SHA-256 of its rows in a canonical
order, with the columns that say when and where a scan ran left out (see
jobs/evaluation/digests.py). A change that is meant to change what a scan
stores rewrites the digests, and says so in its commit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPORA, DATA, REPO

from jobs.evaluation.digests import differences, table_digests
from reuse import Config, scan

DIGESTS = REPO / "tests" / "fixtures" / "digests"
REWRITE = "python jobs/compare_databases.py DB --write-digest tests/fixtures/digests/{}.json"


def _assert_same(db: Path, name: str) -> None:
    expected = json.loads((DIGESTS / f"{name}.json").read_text(encoding="utf-8"))
    found = differences(expected, table_digests(db))
    assert not found, (
        f"the {name} database differs from its digest, table by table:\n"
        + "\n".join(found)
        + f"\n(if the change is meant to change it: {REWRITE.format(name)})"
    )


def test_seeds_database_is_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "seeds.duckdb"
    scan([DATA], db, Config())
    _assert_same(db, "seeds")


@pytest.mark.slow
def test_generated_corpus_database_is_unchanged(tmp_path: Path) -> None:
    from jobs.evaluation.obfuscation.corpus import generate

    out = tmp_path / "generated"
    generate(out, seed=1, n_cases=60, synthetic=True)
    db = tmp_path / "generated.duckdb"
    scan([out / "docs"], db, Config())
    _assert_same(db, "generated")


@pytest.mark.corpus
@pytest.mark.skipif(not (CORPORA / "gov_reports").is_dir(), reason="needs ../shared/corpora")
def test_gov_reports_database_is_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "gov_reports.duckdb"
    scan([CORPORA / "gov_reports"], db, Config())
    _assert_same(db, "gov_reports")


def test_the_comparison_sees_a_changed_row(tmp_path: Path) -> None:
    import duckdb

    db = tmp_path / "seeds.duckdb"
    scan([DATA], db, Config())
    con = duckdb.connect(str(db))
    con.execute(
        "UPDATE matches SET a_end = a_end - 1 WHERE match_id = (SELECT min(match_id) FROM matches)"
    )
    con.close()
    expected = json.loads((DIGESTS / "seeds.json").read_text(encoding="utf-8"))
    assert differences(expected, table_digests(db)) == ["matches: differs (5 rows before, 5 after)"]
