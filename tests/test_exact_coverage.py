"""Exact-run recall: shared runs of 40 characters are covered by shared_spans."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import CORPORA, DATA

from jobs.evaluation.exact_coverage import exact_run_coverage, gov_reports_56
from reuse import Config, scan
from reuse.store.snapshot import connect_reader


def _coverage(db: Path, run: int = 40):
    con = connect_reader(db)
    try:
        return exact_run_coverage(con, run)
    finally:
        con.close()


def test_a_formula_inside_different_sentences_is_found(tmp_path: Path) -> None:
    """A 62-character formula inside sentences that otherwise differ: LSH sees
    two different passages, the exact seeds find the formula."""
    formula = (
        "持续防范化解重点领域风险，着力稳就业、稳企业、稳市场、稳预期，"
        "推动经济实现质的有效提升和量的合理增长，保持社会和谐稳定"
    )
    text = (DATA / "003_632305c238c50ae2.txt").read_text(encoding="utf-8")
    other = (DATA / "001_4a694d3472b740c6.txt").read_text(encoding="utf-8")
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(text[:800] + "今年要" + formula + "。" + text[800:1600])
    (corpus / "b.txt").write_text(other[:900] + "我们将" + formula + "，" + other[900:1500])
    db = tmp_path / "f.duckdb"
    scan([corpus], db, Config())
    coverage = _coverage(db)
    assert coverage.shared >= 2 * len(formula) - 4
    assert coverage.share == 1.0, coverage.uncovered_examples


@pytest.mark.corpus
@pytest.mark.skipif(not CORPORA.exists(), reason="needs ../shared/corpora")
def test_gov_reports_exact_runs_are_covered(tmp_path: Path) -> None:
    files = gov_reports_56(CORPORA)
    assert len(files) == 56
    folder = tmp_path / "gov56"
    folder.mkdir()
    for f in files:
        shutil.copyfile(f, folder / f.name)
    db = tmp_path / "gov56.duckdb"
    scan([folder], db, Config())
    coverage = _coverage(db)
    assert coverage.shared > 100_000
    assert coverage.share >= 0.97, coverage.uncovered_examples
