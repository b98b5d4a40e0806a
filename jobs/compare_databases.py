"""Compare two reuse databases table by table, or a database with a digest.

    python jobs/compare_databases.py BEFORE.duckdb AFTER.duckdb
    python jobs/compare_databases.py DB.duckdb --digest tests/fixtures/digests/seeds.json
    python jobs/compare_databases.py DB.duckdb --write-digest FILE.json

A refactoring must leave the database a scan writes unchanged. Every column
is compared except those that say when and where a scan ran
(:mod:`jobs.evaluation.digests`). Exit code 0: every table equal; 1: some
table differs (each is named, with its row counts).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jobs.evaluation.digests import differences, table_digests  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("other", nargs="?", help="a second database to compare with")
    parser.add_argument("--digest", type=Path, help="a digest file to compare with")
    parser.add_argument("--write-digest", type=Path, help="write the database's digest here")
    args = parser.parse_args(argv)
    mine = table_digests(args.database)
    if args.write_digest:
        args.write_digest.write_text(json.dumps(mine, indent=1, sort_keys=True) + "\n")
        print(f"{len(mine)} tables written to {args.write_digest}")
        return 0
    if args.other:
        theirs = table_digests(args.other)
    elif args.digest:
        theirs = json.loads(args.digest.read_text())
    else:
        parser.error("give a second database or --digest FILE")
    found = differences(theirs, mine)
    for table in sorted(mine):
        mark = "differs" if any(line.startswith(f"{table}:") for line in found) else "same"
        print(f"{table:<20} {mine[table]['rows']:>10} rows  {mark}")
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
