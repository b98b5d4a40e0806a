"""A scan on the Spark engine into a new database (``reuse scan --engine spark``).

The Spark job (:mod:`reuse.engine.spark`) writes its output folder of parquet
files, which is then imported into the database (:mod:`reuse.engine.spark_import`).
The database must be new: that is checked before Spark starts, not after the job.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reuse.config import Config
    from reuse.engine.result import ScanResult


@dataclass(frozen=True)
class SparkJob:
    """Where and how the Spark job runs."""

    #: Spark master: ``local[N]``, ``yarn``, ``k8s://...``, ``spark://...``.
    master: str
    #: Spark settings as ``KEY=VALUE``.
    settings: Sequence[str]
    #: The folder the job writes; None: the database's path with ``.spark`` added.
    output: Path | None
    #: The input: None for folders and files, else ``"parquet"`` or ``"json"``
    #: (tables with a ``path`` column and a ``text`` or ``content`` column).
    table_format: str | None


def spark_scan(
    sources: list[str],
    db: Path,
    cfg: Config,
    job: SparkJob,
    progress: Callable[[str, int, int], None],
) -> ScanResult:
    """Run the Spark job into its output folder and import the folder into ``db``."""
    from reuse.engine.spark import run_spark_scan
    from reuse.engine.spark_import import check_new_database, import_output
    from reuse.engine.spark_session import parse_settings, spark_session

    conf = parse_settings(job.settings)
    check_new_database(db)  # before Spark starts, not after the job
    folder = job.output or db.with_name(db.name + ".spark")
    spark = spark_session(job.master, conf)
    try:
        run_spark_scan(spark, sources, folder, cfg, table_format=job.table_format)
    finally:
        spark.stop()
    return import_output(folder, db, progress)
