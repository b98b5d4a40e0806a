"""The Spark session the Spark engine runs in, and its settings.

:func:`check_spark` says what is missing (pyspark, Java) before anything
starts; :func:`parse_settings` reads ``--spark-conf KEY=VALUE`` settings;
:func:`spark_session` builds the session, local or on a cluster, whose Python
workers run this interpreter. :func:`spark_schema` gives the Spark schema of
an Arrow schema of the output folder (:mod:`reuse.engine.spark_output`).

pyspark is an optional extra (``pip install 'reuse[spark]'``, Spark 4.1) and
needs Java 17 or 21; it is imported only inside these functions.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from reuse.errors import ConfigError, EngineUnavailableError

#: The Spark minor version the extra pins (``pyspark==4.1.*``).
SPARK_MINOR = "4.1"


def check_spark() -> str:
    """The pyspark version, or :class:`EngineUnavailableError` saying what to install."""
    try:
        import pyspark
    except ImportError:
        raise EngineUnavailableError(
            f"the Spark engine needs pyspark {SPARK_MINOR}: pip install 'reuse[spark]'"
        ) from None
    java_home = os.environ.get("JAVA_HOME")
    java = (
        str(Path(java_home) / "bin" / "java")
        if java_home and (Path(java_home) / "bin" / "java").exists()
        else shutil.which("java")
    )
    if not java:
        raise EngineUnavailableError(
            f"the Spark engine needs Java 17 or 21 (Spark {SPARK_MINOR}); none found on PATH "
            "or in JAVA_HOME. On Debian or Ubuntu: apt-get install openjdk-17-jre-headless"
        )
    return pyspark.__version__


def parse_settings(pairs: Sequence[str]) -> dict[str, str]:
    """``KEY=VALUE`` strings (``--spark-conf``) as a dict; :class:`ConfigError` otherwise."""
    settings = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"a Spark setting must be KEY=VALUE, got {pair!r}")
        settings[key.strip()] = value.strip()
    return settings


def _local_settings(master: str) -> dict[str, str]:
    """The settings of a ``local[n]`` session: the UI off, ``2 x n`` shuffle
    partitions and default parallelism (``n`` the cores of ``local[*]``), and
    ``REUSE_SPARK_DRIVER_MEMORY`` (default 4g) of driver memory."""
    cores = master[len("local[") : -1] if master.startswith("local[") else "1"
    n = (os.cpu_count() or 1) if cores == "*" else int(cores)
    return {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": str(2 * n),
        "spark.default.parallelism": str(2 * n),
        "spark.driver.memory": os.environ.get("REUSE_SPARK_DRIVER_MEMORY", "4g"),
    }


def spark_session(master: str | None = "local[2]", conf: dict[str, str] | None = None) -> Any:
    """A SparkSession whose Python workers run this interpreter.

    ``master`` None leaves the master to ``spark-submit``. Local sessions get
    the UI off and ``2 x cores`` shuffle partitions; ``conf`` overrides
    anything. ``PYSPARK_PYTHON`` is set to this interpreter unless already set
    (on a cluster, point it at a Python with ``reuse`` installed).
    """
    check_spark()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("reuse")
    # Rows per Arrow batch into and out of the Python workers: a document-pair
    # row carries both texts, so Spark's default of 10,000 rows can be GBs.
    settings: dict[str, str] = {"spark.sql.execution.arrow.maxRecordsPerBatch": "512"}
    if master:
        builder = builder.master(master)
        if master.startswith("local"):
            settings.update(_local_settings(master))
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(os.environ.get("REUSE_SPARK_LOG_LEVEL", "ERROR"))
    return spark


def spark_schema(schema: pa.Schema) -> Any:
    """The Spark SQL schema (``StructType``) of an Arrow schema."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)
