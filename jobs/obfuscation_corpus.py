"""Generate a Chinese text-reuse evaluation corpus with character-level ground truth.

    python jobs/obfuscation_corpus.py --out DIR --seed 1 [--cases 100] \\
        [--source-corpus ../shared/corpora]

An evaluation tool, not part of the product. The generator is
:mod:`jobs.evaluation.obfuscation` (what is written under ``DIR``:
:mod:`jobs.evaluation.obfuscation.corpus`); this command line only turns
options into a :func:`~jobs.evaluation.obfuscation.corpus.generate` call and
prints :func:`~jobs.evaluation.obfuscation.corpus.summarise`. The same seed
and source corpus give byte-identical files.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

if __package__ in (None, ""):
    # Run as `python jobs/obfuscation_corpus.py`: make the repository importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jobs.evaluation import DEFAULT_CORPORA  # noqa: E402
from jobs.evaluation.obfuscation.corpus import generate, summarise  # noqa: E402


def main(
    out: Annotated[Path, typer.Option(help="Output folder; its docs/ must be new or empty.")],
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same corpus.")] = 1,
    cases: Annotated[int, typer.Option(help="Number of reuse cases (at least 5).")] = 100,
    source_corpus: Annotated[
        Path, typer.Option(help="The shared corpora folder (xwlb_news, gov_reports, ...).")
    ] = DEFAULT_CORPORA,
    synthetic: Annotated[
        bool, typer.Option(help="Made-up text instead of the shared corpora (for tests).")
    ] = False,
) -> None:
    """Generate a Chinese text-reuse evaluation corpus with ground truth."""
    started = time.perf_counter()
    try:
        rows = generate(out, seed, cases, source_corpus, synthetic)
    except (FileNotFoundError, FileExistsError, ValueError, RuntimeError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(summarise(out, rows))
    typer.echo(f"written to {out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    typer.run(main)
