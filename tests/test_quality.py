"""Detection quality floors: a regression in any stage that costs recall or precision fails here.

The floors sit just below what ``jobs/evaluate.py`` measured (README,
"Evaluation"). The synthetic corpus runs everywhere, CI included; the real
generated corpus and PAN 2013 need ``../shared/corpora`` and skip without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jobs.evaluation import DEFAULT_CORPORA
from jobs.evaluation.obfuscation.corpus import generate
from jobs.evaluation.quality import GeneratedQuality, evaluate_generated, evaluate_pan
from reuse.config import Config


def _scores(tmp_path: Path, **generate_args: object) -> GeneratedQuality:
    corpus = tmp_path / "corpus"
    generate(corpus, seed=1, **generate_args)
    return evaluate_generated(corpus, Config.load(), tmp_path / "eval.duckdb")


def _assert_floors(
    result: GeneratedQuality,
    easy: float,
    light: float,
    heavy: float,
    precision: float,
    overall: float,
) -> None:
    levels, total = result.levels, result.overall
    summary = {name: round(s.plagdet, 3) for name, s in levels.items()}
    assert result.easy.plagdet >= easy, summary
    assert levels["light"].plagdet >= light, summary
    assert levels["heavy"].plagdet >= heavy, summary
    assert total.precision >= precision, total
    assert total.granularity <= 1.05, total
    assert total.plagdet >= overall, total


def test_synthetic_corpus_floors(tmp_path: Path) -> None:
    # measured (seed 1, 60 cases): easy 0.998, light 0.994, heavy 0.826,
    # precision 0.998, granularity 1.000, plagdet 0.965
    result = _scores(tmp_path, n_cases=60, synthetic=True)
    assert result.n_cases == 60
    _assert_floors(result, easy=0.97, light=0.93, heavy=0.72, precision=0.97, overall=0.93)


needs_corpora = pytest.mark.skipif(
    not (DEFAULT_CORPORA / "gov_reports" / "MANIFEST.tsv").is_file(),
    reason=f"shared corpora not found at {DEFAULT_CORPORA}",
)


@pytest.mark.slow
@needs_corpora
def test_generated_real_text_floors(tmp_path: Path) -> None:
    # measured (seed 1, 100 cases): easy 0.997, light 0.981, heavy 0.786,
    # precision 0.978, granularity 1.021, plagdet 0.940
    result = _scores(tmp_path, n_cases=100, corpora_dir=DEFAULT_CORPORA)
    _assert_floors(result, easy=0.97, light=0.94, heavy=0.72, precision=0.95, overall=0.91)


@pytest.mark.slow
@needs_corpora
def test_pan13_floor(tmp_path: Path) -> None:
    # measured: precision 0.941, recall 0.971, granularity 1.000, plagdet 0.956
    corpus = DEFAULT_CORPORA / "pan13_textalign_noobf"
    total = evaluate_pan(corpus, Config.load(), tmp_path / "pan.duckdb").overall
    assert total.plagdet >= 0.92, total
    assert total.granularity <= 1.05, total
