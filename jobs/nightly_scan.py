"""Nightly scan for cron or a systemd timer.

    python jobs/nightly_scan.py /srv/reports --db /var/lib/reuse/reuse.duckdb [--config reuse.toml]

Logs one line per stage to stderr (timestamped, for the journal or a cron
mail), prints a one-line JSON summary to stdout at the end, and exits with:

- 0  success;
- 3  success, but some files were rejected (see ``SELECT * FROM errors``);
- 4  another scan holds the database's lock: this run did nothing;
- 5  another process holds the database open for writing (the log names it);
- 6  a worker process died or hung: the scan stopped, the next run resumes it;
- 7  the operating system refused a write (permission, no space left);
- 1  failure (bad configuration, unreadable database, unexpected error).

Only new and changed files are indexed and compared; readers see the last
complete scan until this one is published; a scan killed at any moment is
completed by the next run. See README, "Nightly operation".
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reuse import Config, scan  # noqa: E402
from reuse.cli.exits import EXIT_FAILURE, EXIT_OK, EXIT_REJECTED, exit_code  # noqa: E402
from reuse.errors import ReuseError, ScanLockedError  # noqa: E402

log = logging.getLogger("reuse")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="folders (recursive) or files")
    parser.add_argument("--db", type=Path, default=Path("reuse.duckdb"))
    parser.add_argument("--config", type=Path, default=None, help="TOML configuration")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s reuse %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    started = time.time()
    try:
        result = scan(args.paths, args.db, Config.load(args.config))
    except ScanLockedError as exc:
        log.error("%s", exc)
        return exit_code(exc)
    except (ReuseError, OSError) as exc:
        log.error("scan failed: %s", exc)
        return exit_code(exc)
    except Exception:  # noqa: BLE001 - cron must get an exit code and a trace, not a hang
        log.exception("scan failed unexpectedly")
        return EXIT_FAILURE
    summary = {
        "scan_id": result.scan_id,
        "status": result.status,
        "seconds": round(time.time() - started, 2),
        **result.counts,
        "reuse": result.n_reuse,
        "boilerplate": result.n_boilerplate,
        "rejected": [f"{e.path}: {e.stage}: {e.message}" for e in result.errors],
    }
    print(json.dumps(summary, ensure_ascii=False), flush=True)
    return EXIT_REJECTED if result.errors else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
