"""Options and choices that several commands share."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

#: ``--db FILE``: the database of a command (default ``reuse.duckdb``, or ``REUSE_DB``).
DbOption = Annotated[
    Path,
    typer.Option("--db", help="DuckDB file of the scan.", envvar="REUSE_DB", metavar="FILE"),
]


class Format(str, Enum):
    """``--format`` of the reading commands."""

    text = "text"
    json = "json"


class Kind(str, Enum):
    """Which matches (``--kind`` of ``reuse report`` and ``reuse export``)."""

    reuse = "reuse"
    boilerplate = "boilerplate"
    all = "all"
