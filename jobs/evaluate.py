"""Detection quality: PAN character-level measures on a generated Chinese corpus and PAN 2013.

    python jobs/evaluate.py                        # both corpora, default parameters
    python jobs/evaluate.py --set candidates.threshold=0.3 --set shingle.kind=char
    python jobs/evaluate.py --sweep                # the configuration table (docs/parameters.md)

For each corpus this runs the real scan (files to a fresh DuckDB file) and
scores ``matches`` of kind 'reuse' against the ground truth
(:mod:`jobs.evaluation.quality`, with the measures of
:mod:`jobs.evaluation.measures`: precision, recall, granularity, plagdet),
overall, per obfuscation level and per length band. Every document pair is
scored (``all_pairs``), so matches between documents that share no case,
formulaic lines among them, count against precision.

- generated: ``jobs/obfuscation_corpus.py`` with ``--seed`` (default 1) and
  ``--cases`` (default 100) from ``../shared/corpora``; written once under
  ``--work`` and reused;
- PAN 2013 text alignment, no obfuscation (English), cases with
  ``offset_check_ratio >= 0.9``, scored on its listed pairs; detections of
  the cases left out (real reuse with unreliable offsets) are left out too.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jobs.evaluation import DEFAULT_CORPORA  # noqa: E402
from jobs.evaluation.measures import Scores, format_table  # noqa: E402
from jobs.evaluation.quality import (  # noqa: E402
    evaluate_generated,
    evaluate_pan,
    generated_corpus,
)
from reuse import Config  # noqa: E402

# Configurations compared by --sweep: each a set of overrides of the defaults.
SWEEP: list[dict[str, Any]] = [
    {},
    {"shingle.kind": "char", "shingle.n": 3},
    {"shingle.kind": "char", "shingle.n": 5},
    {"shingle.kind": "word", "shingle.n": 2},
    {"shingle.kind": "unit", "shingle.n": 2},
    {"shingle.kind": "unit", "shingle.n": 4},
    {"candidates.threshold": 0.4},
    {"candidates.threshold": 0.6},
    {"candidates.recall": 0.9},
    {"candidates.recall": 0.0, "candidates.threshold": 0.4},
    {"sketch.num_perm": 64},
    {"sketch.num_perm": 256},
    {"segment.min_passage_chars": 40},
    {"segment.min_passage_chars": 100},
    {"align.verify_similarity": 0.4},
    {"align.verify_similarity": 0.6},
    {"align.max_gap": 60},
    {"align.max_gap": 200},
    {"align.anchor_chars": 4},
    {"align.anchor_chars": 10},
    {"align.min_similarity": 0.4},
    {"align.min_similarity": 0.6},
    {"align.extend_chars": 0},
    {"align.extend_chars": 120},
]


def _parse_set(items: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--set takes section.key=value, got {item!r}")
        parsed: Any = value
        for cast in (int, float):
            try:
                parsed = cast(value)
                break
            except ValueError:
                continue
        out[key] = parsed
    return out


def _row(s: Scores) -> str:
    return f"{s.plagdet:.3f}"


def sweep(args: argparse.Namespace, base: dict[str, Any], corpus: Path, work: Path) -> None:
    header = (
        f"{'overrides':42} {'verb':>5} {'layo':>5} {'repub':>5} {'light':>5} {'heavy':>5} "
        f"{'prec':>5} {'rec':>5} {'gran':>5} {'pdet':>5} {'pan':>5} {'gen s':>6} {'pan s':>6}"
    )
    print(header)
    for i, overrides in enumerate(SWEEP):
        merged = {**base, **overrides}
        config = Config.load(args.config, merged)
        gen = evaluate_generated(corpus, config, work / f"sweep-gen-{i}.duckdb")
        pan = None
        if not args.skip_pan:
            pan = evaluate_pan(
                args.corpora / "pan13_textalign_noobf", config, work / f"sweep-pan-{i}.duckdb"
            )
        lv = gen.levels
        o = gen.overall
        label = ", ".join(f"{k}={v}" for k, v in overrides.items()) or "(defaults)"
        print(
            f"{label:42} {_row(lv['verbatim']):>5} {_row(lv['layout']):>5} "
            f"{_row(lv['republication']):>5} {_row(lv['light']):>5} {_row(lv['heavy']):>5} "
            f"{o.precision:5.3f} {o.recall:5.3f} {o.granularity:5.3f} {o.plagdet:5.3f} "
            f"{pan.overall.plagdet if pan else float('nan'):5.3f} {gen.seconds:6.1f} "
            f"{pan.seconds if pan else float('nan'):6.1f}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--work", type=Path, default=None, help="folder for corpora and databases")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--config", type=Path, default=None, help="TOML configuration")
    parser.add_argument("--set", action="append", default=[], help="section.key=value override")
    parser.add_argument("--skip-pan", action="store_true")
    parser.add_argument("--skip-generated", action="store_true")
    parser.add_argument("--sweep", action="store_true", help="compare the SWEEP configurations")
    args = parser.parse_args()
    if not args.corpora.is_dir():
        raise SystemExit(f"no corpora at {args.corpora}: this job needs ../shared/corpora")
    work = args.work or Path(tempfile.mkdtemp(prefix="reuse-eval-"))
    work.mkdir(parents=True, exist_ok=True)
    base = _parse_set(args.set)
    corpus = generated_corpus(work, args.corpora, args.seed, args.cases)
    if args.sweep:
        sweep(args, base, corpus, work)
        return
    config = Config.load(args.config, base)
    print(f"configuration: {config.to_json()}")
    print(f"LSH bands x rows: {config.lsh_bands}")
    if not args.skip_generated:
        db = work / f"generated-{os.getpid()}.duckdb"
        gen = evaluate_generated(corpus, config, db)
        print(
            f"\n## Generated Chinese corpus (seed {args.seed}): {gen.n_documents} documents, "
            f"{gen.n_cases} cases; scan {gen.seconds:.1f} s, "
            f"{gen.scan.n_reuse} reuse and {gen.scan.n_boilerplate} boilerplate matches"
        )
        print(format_table({**gen.levels, "ALL": gen.overall}, title="level"))
        print()
        print(format_table(gen.bands, title="length band"))
        easy = gen.easy
        print(
            f"\nverbatim+layout+republication: plagdet {easy.plagdet:.3f} "
            f"(precision {easy.precision:.3f}, recall {easy.recall:.3f}, "
            f"granularity {easy.granularity:.3f})"
        )
    if not args.skip_pan:
        db = work / f"pan-{os.getpid()}.duckdb"
        pan = evaluate_pan(args.corpora / "pan13_textalign_noobf", config, db)
        print(
            f"\n## PAN 2013 text alignment, no obfuscation (English): {pan.n_cases} cases; "
            f"scan {pan.seconds:.1f} s"
        )
        print(format_table({**pan.bands, "ALL": pan.overall}, title="length band"))
    print(f"\nwork folder: {work}")


if __name__ == "__main__":
    main()
