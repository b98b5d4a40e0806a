"""Spark scan for spark-submit: a corpus in, an output folder of parquet out.

    spark-submit [--master yarn ...] jobs/spark_scan.py SOURCE... --output OUT \\
        [--input-format files|parquet|json] [--config reuse.toml] [--db reuse.duckdb]

SOURCE is a folder or file on a file system every executor sees, or (with
``--input-format parquet`` or ``json``) a table with a ``path`` column and a
``text`` (string) or ``content`` (binary, the file's bytes) column. OUT is a
local path or a Hadoop URI (``hdfs://``, ``s3a://``, ``gs://``) and is
overwritten. ``--db`` imports OUT into a new DuckDB file when OUT is local;
otherwise copy OUT to the review machine and run ``reuse import OUT --db FILE``.

The alignment plan runs on the driver (see :mod:`reuse.engine.spark_plan`): it
holds every passage's band keys (passages x bands x 8 bytes) and every
fingerprint (16 bytes each), so give the driver memory to match
(``--driver-memory``, or ``spark.driver.memory``) and, in cluster deploy
mode, cores (the plan uses ``scan.workers`` processes there).

Without ``--master`` the master comes from spark-submit (or ``local[2]`` when
run with plain ``python``). Prints the manifest (counts, seconds per stage) as
one JSON line on stdout. Exits 0, 3 when files were rejected, 1 on failure.
See README, "Spark engine".
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reuse import Config  # noqa: E402
from reuse.cli.exits import EXIT_FAILURE, EXIT_OK, EXIT_REJECTED  # noqa: E402
from reuse.errors import ReuseError  # noqa: E402

log = logging.getLogger("reuse")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="+", help="folders/files, or tables (--input-format)")
    parser.add_argument("--output", required=True, help="output folder (local path or URI)")
    parser.add_argument("--input-format", choices=["files", "parquet", "json"], default="files")
    parser.add_argument("--config", type=Path, default=None, help="TOML configuration")
    parser.add_argument("--master", default=None, help="Spark master (default: spark-submit's)")
    parser.add_argument(
        "--conf", action="append", default=[], help="Spark setting KEY=VALUE (repeatable)"
    )
    parser.add_argument("--db", type=Path, default=None, help="import into this new DuckDB file")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr
    )
    from reuse.engine.spark import run_spark_scan
    from reuse.engine.spark_import import check_new_database, import_output
    from reuse.engine.spark_session import parse_settings, spark_session

    # Run by spark-submit, SPARK_HOME's launcher has set the master; run by
    # plain python, default to two local cores.
    launched = "PYSPARK_GATEWAY_PORT" in os.environ or "SPARK_ENV_LOADED" in os.environ
    master = args.master or (None if launched else "local[2]")
    try:
        config = Config.load(args.config)
        settings = parse_settings(args.conf)
        if args.db is not None:
            check_new_database(args.db)  # before the job, not after it
        spark = spark_session(master, settings)
        try:
            table = None if args.input_format == "files" else args.input_format
            manifest = run_spark_scan(spark, args.sources, args.output, config, table)
        finally:
            spark.stop()
        if args.db is not None:
            result = import_output(args.output, args.db)
            manifest["imported"] = {"db": str(args.db), **result.counts}
    except ReuseError as exc:
        log.error("%s", exc)
        return EXIT_FAILURE
    summary = {k: v for k, v in manifest.items() if k not in ("config", "fingerprint")}
    print(json.dumps(summary, ensure_ascii=False))
    return EXIT_REJECTED if manifest["n_rejected"] else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
