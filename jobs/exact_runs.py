"""Exact-run recall: how much of the text documents share verbatim is reported.

    python jobs/exact_runs.py [--corpora ../shared/corpora] [--db FILE] [--run 40]

Scans the 56 reports of ``gov_reports`` that the issue about stock text names
(the national reports of 2021-2025, the 31 provincial reports of 2026, the 20
NPC resolutions) into a new database (or reads ``--db``), then prints the
share of the characters that two documents share in exact runs of at least
``--run`` normalised characters that rows of ``shared_spans`` cover
(:mod:`jobs.evaluation.exact_coverage`), per kind, and the longest runs left uncovered.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jobs.evaluation.exact_coverage import exact_run_coverage, gov_reports_56, report  # noqa: E402
from reuse import Config, scan  # noqa: E402
from reuse.store.snapshot import connect_reader  # noqa: E402

DEFAULT_CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--db", type=Path, help="a scanned database (default: scan the 56)")
    parser.add_argument("--run", type=int, default=40, help="shortest run, in characters")
    parser.add_argument("--config", type=Path, help="TOML configuration for the scan")
    args = parser.parse_args(argv)
    work = None
    db = args.db
    if db is None:
        files = gov_reports_56(args.corpora)
        if len(files) != 56:
            print(f"expected 56 reports under {args.corpora}/gov_reports, found {len(files)}")
            return 1
        work = Path(tempfile.mkdtemp(prefix="reuse-exact-runs-"))
        folder = work / "gov56"
        folder.mkdir()
        for f in files:
            shutil.copyfile(f, folder / f.name)
        db = work / "gov56.duckdb"
        t0 = time.perf_counter()
        scan([folder], db, Config.load(args.config))
        print(f"scanned 56 reports in {time.perf_counter() - t0:.1f} s")
    try:
        con = connect_reader(db)
        try:
            coverage = exact_run_coverage(con, args.run)
        finally:
            con.close()
        print(report(coverage, f"Exact shared runs of at least {args.run} characters"))
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
