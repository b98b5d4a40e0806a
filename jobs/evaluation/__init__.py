"""Evaluation code for the jobs, not part of the runtime package: the PAN measures
(:mod:`~jobs.evaluation.cases`, :mod:`~jobs.evaluation.measures`,
:mod:`~jobs.evaluation.loaders`), the scoring of a scan on the evaluation corpora
(:mod:`~jobs.evaluation.quality`), exact-run coverage
(:mod:`~jobs.evaluation.exact_coverage`), the generated obfuscation corpus
(:mod:`jobs.evaluation.obfuscation`) and the comparison of two scans' tables
(:mod:`~jobs.evaluation.scan_tables`). The scripts in ``jobs/`` are their
command lines."""

from pathlib import Path

DEFAULT_CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
"""The shared corpora folder, ``../shared/corpora`` beside the repository."""
