"""``reuse scan`` and ``reuse import``: a corpus into the database, and the summary.

The summary (:func:`scan_summary`) is the ``scans`` row's counts, the reuse and
boilerplate matches, the reuse groups and templates the database holds after
the scan, the command's seconds (from :func:`reuse.cli.typer_classes.started`)
and the rejected files; printed as a table on standard error, or with
``--json`` as one JSON object on standard output. Rejected files end the
command with exit code 3.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from reuse.cli.exits import EXIT_REJECTED, db_errors, fail
from reuse.cli.options import DbOption
from reuse.cli.typer_classes import started as run_started
from reuse.errors import ConfigError, ReuseError

if TYPE_CHECKING:
    from reuse.config import Config
    from reuse.engine.result import ScanResult
    from reuse.engine.spark_scan import SparkJob


class Engine(str, Enum):
    embedded = "embedded"
    spark = "spark"


class InputFormat(str, Enum):
    files = "files"
    parquet = "parquet"
    json = "json"


def scan(
    paths: Annotated[
        list[Path], typer.Argument(help="Folders (read recursively) or files.", metavar="PATH")
    ],
    db: DbOption = Path("reuse.duckdb"),
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            metavar="FILE",
            help="TOML file of detection parameters; an unknown section or key is refused.",
        ),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(metavar="X", help="LSH Jaccard threshold (candidates.threshold)."),
    ] = None,
    num_perm: Annotated[
        int | None, typer.Option(metavar="N", help="MinHash permutations (sketch.num_perm).")
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            help="embedded: worker processes on this machine, incremental. "
            "spark: a Spark job (pip install 'reuse[spark]'), full scan into a new database."
        ),
    ] = Engine.embedded,
    spark_master: Annotated[
        str,
        typer.Option(
            metavar="URL",
            help="Spark master for --engine spark (local[N], yarn, k8s://..., spark://...).",
        ),
    ] = "local[2]",
    spark_output: Annotated[
        Path | None,
        typer.Option(
            metavar="FOLDER",
            help="Folder the Spark job writes (parquet), then imported; default DB.spark.",
        ),
    ] = None,
    spark_conf: Annotated[
        list[str] | None,
        typer.Option(
            metavar="KEY=VALUE",
            help="A Spark setting (repeatable), e.g. spark.driver.memory=8g.",
        ),
    ] = None,
    input_format: Annotated[
        InputFormat,
        typer.Option(
            help="files: folders or files. parquet/json (Spark only): tables with a 'path' "
            "column and a 'text' or 'content' column."
        ),
    ] = InputFormat.files,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print the summary as one JSON object on standard output."),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each stage.")] = False,
) -> None:
    """Scan folders of reports into the database; unchanged files are skipped.

    Prints a summary: files, matches, reuse groups and templates as the
    database holds them after the scan, and the seconds the command took
    (--json: the same as one JSON object).

    Example: reuse scan data/ --db reuse.duckdb
    \f
    Size reason: a typer command takes one parameter per command-line option.
    """
    began = run_started()
    import logging

    import duckdb

    from reuse.cli.render_scan import progress_bar
    from reuse.config import Config
    from reuse.engine.spark_scan import SparkJob

    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    try:
        cfg = Config.load(
            config,
            {"candidates.threshold": threshold, "sketch.num_perm": num_perm},
        )
        table_format = None if input_format == InputFormat.files else input_format.value
        job = SparkJob(spark_master, spark_conf or [], spark_output, table_format)
        with progress_bar(quiet) as progress:
            result = _run_scan([str(p) for p in paths], db, cfg, engine, job, progress)
    except (ReuseError, duckdb.Error, OSError) as exc:
        fail(exc)
    _print_scan_summary(result, db, began, as_json)


def _run_scan(
    sources: list[str],
    db: Path,
    cfg: Config,
    engine: Engine,
    job: SparkJob,
    progress: Callable[[str, int, int], None],
) -> ScanResult:
    """The scan on ``engine``: the Spark ``job``, or worker processes on this
    machine, which read folders and files only."""
    from reuse.engine.pipeline import scan as run_scan
    from reuse.engine.spark_scan import spark_scan

    if engine == Engine.spark:
        return spark_scan(sources, db, cfg, job, progress)
    if job.table_format is not None:
        raise ConfigError("--input-format parquet/json needs --engine spark")
    return run_scan(sources, db, cfg, progress)


def import_(
    folder: Annotated[
        Path,
        typer.Argument(
            help="Output folder of a Spark scan (manifest.json, parquet).", metavar="FOLDER"
        ),
    ],
    db: DbOption = Path("reuse.duckdb"),
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print the summary as one JSON object on standard output."),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
) -> None:
    """Load the output of a Spark scan (jobs/spark_scan.py) into a new database.

    Example: reuse import scan-out/ --db reuse.duckdb
    """
    began = run_started()
    import duckdb

    from reuse.engine.spark_import import import_output

    try:
        result = import_output(folder, db)
    except (ReuseError, duckdb.Error, OSError) as exc:
        fail(exc)
    if not quiet or as_json:
        _print_scan_summary(result, db, began, as_json)
    elif result.errors:
        raise typer.Exit(EXIT_REJECTED)


def _database_counts(db: Path) -> dict[str, int]:
    """Reuse groups and templates in the published database (after the scan)."""
    from reuse.store.snapshot import connect_reader

    con = connect_reader(db)
    try:
        row = con.execute(
            "SELECT (SELECT count(*) FROM groups), "
            "(SELECT count(*) FROM templates WHERE kind = 'template')"
        ).fetchone()
    finally:
        con.close()
    return {"n_groups": int(row[0]), "n_templates": int(row[1])} if row else {}


def scan_summary(result: ScanResult, db: Path, seconds: float) -> dict[str, Any]:
    """The summary of ``reuse scan --json``: the ``scans`` row's counts, reuse and
    boilerplate matches, reuse groups and templates in the database after the
    scan, the command's seconds and the rejected files."""
    summary: dict[str, Any] = {
        "scan_id": result.scan_id,
        "status": result.status,
        "database": str(db),
        **result.counts,
        "n_reuse": result.n_reuse,
        "n_boilerplate": result.n_boilerplate,
        "n_groups": result.n_groups,
        "n_templates": result.n_templates,
    }
    unreadable: tuple[type[BaseException], ...] = (*db_errors(), OSError)
    try:
        summary.update(_database_counts(db))
    except unreadable:
        pass  # the scan's own figures, then
    summary["seconds"] = round(seconds, 2)
    summary["stage_seconds"] = {k: round(v, 3) for k, v in result.timings.items()}
    summary["errors"] = [
        {"path": e.path, "stage": e.stage, "message": e.message} for e in result.errors
    ]
    return summary


def _print_scan_summary(result: ScanResult, db: Path, began: float, as_json: bool) -> None:
    """The summary (JSON on standard output, or a table on standard error);
    rejected files end the command with exit code 3."""
    summary = scan_summary(result, db, time.perf_counter() - began)
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, default=str))
    else:
        from reuse.cli.render_scan import print_summary_table

        print_summary_table(summary, result, db)
    if result.errors:
        raise typer.Exit(EXIT_REJECTED)
