"""Detection quality of the real scan on the evaluation corpora.

Each corpus is scanned for real (files to a fresh DuckDB file) and the
``matches`` of kind 'reuse' are scored against the ground truth with the
PAN measures (:mod:`jobs.evaluation.measures`: precision, recall,
granularity, plagdet), overall, per obfuscation level and per length band:

- the generated Chinese corpus (:mod:`jobs.evaluation.obfuscation`): every
  document pair is scored (:func:`~jobs.evaluation.measures.all_pairs`), so
  matches between documents that share no case, formulaic lines among them,
  count against precision;
- PAN 2013 text alignment, no obfuscation (English), cases with
  ``offset_check_ratio >= 0.9``, scored on its listed pairs; detections of
  the cases left out (real reuse with unreliable offsets) are left out too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jobs.evaluation.loaders import (
    drop_detections_of,
    load_cases_tsv,
    load_detections,
    load_pan_cases,
    load_pan_excluded,
)
from jobs.evaluation.measures import Scores, all_pairs, score, score_by
from jobs.evaluation.obfuscation.corpus import generate
from reuse import Config, scan

if TYPE_CHECKING:
    from reuse import ScanResult

EASY_LEVELS = ("verbatim", "layout", "republication")
"""The levels without edits to the words: scored together as ``easy``."""


@dataclass(frozen=True)
class GeneratedQuality:
    """The scores of a scan of the generated corpus, and the scan itself."""

    overall: Scores
    levels: dict[str, Scores]
    """Per obfuscation level, levels sorted."""
    bands: dict[str, Scores]
    """Per length band, bands sorted."""
    easy: Scores
    """The cases of :data:`EASY_LEVELS` together."""
    seconds: float
    """Wall time of the scan."""
    scan: ScanResult
    n_cases: int
    n_documents: int


@dataclass(frozen=True)
class PanQuality:
    """The scores of a scan of the PAN 2013 copy, and the scan itself."""

    overall: Scores
    bands: dict[str, Scores]
    """Per length band, bands sorted."""
    seconds: float
    """Wall time of the scan."""
    scan: ScanResult
    n_cases: int


def generated_corpus(work: Path, corpora: Path, seed: int, cases: int) -> Path:
    """The generated corpus folder, made once per (seed, cases)."""
    out = work / f"generated-seed{seed}-cases{cases}"
    if not (out / "truth.tsv").exists():
        generate(out, seed=seed, n_cases=cases, corpora_dir=corpora)
    return out


def evaluate_generated(corpus: Path, config: Config, db: Path) -> GeneratedQuality:
    """Scan the generated corpus ``corpus`` (its ``docs/``) into ``db`` and score it
    against its ``truth.tsv``, every document pair scored."""
    t0 = time.perf_counter()
    result = scan([corpus / "docs"], db, config)
    seconds = time.perf_counter() - t0
    cases = load_cases_tsv(corpus / "truth.tsv")
    detections = load_detections(db)
    keys = [p.name for p in sorted((corpus / "docs").glob("*.txt"))]
    pairs = all_pairs(keys, cases)
    return GeneratedQuality(
        overall=score(cases, detections, pairs),
        levels=score_by(cases, detections, lambda c: c.level, pairs),
        bands=score_by(cases, detections, lambda c: c.band, pairs),
        easy=score_by(
            cases, detections, lambda c: "easy" if c.level in EASY_LEVELS else "edited", pairs
        )["easy"],
        seconds=seconds,
        scan=result,
        n_cases=len(cases),
        n_documents=len(keys),
    )


def evaluate_pan(corpus: Path, config: Config, db: Path) -> PanQuality:
    """Scan the PAN copy ``corpus`` (``src/`` and ``susp/``) into ``db`` and score it
    on its listed pairs, the cases with unreliable offsets and their detections left out."""
    t0 = time.perf_counter()
    result = scan([corpus / "src", corpus / "susp"], db, config)
    seconds = time.perf_counter() - t0
    cases, pairs = load_pan_cases(corpus)
    detections = drop_detections_of(load_detections(db), load_pan_excluded(corpus))
    return PanQuality(
        overall=score(cases, detections, pairs),
        bands=score_by(cases, detections, lambda c: c.band, pairs),
        seconds=seconds,
        scan=result,
        n_cases=len(cases),
    )
