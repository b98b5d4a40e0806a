"""``reuse review``: a reviewer's verdict on matches, kept in the database's
``verdicts`` history (:mod:`reuse.store.verdicts`) so that it survives rescans."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from reuse.cli.console import out
from reuse.cli.exits import fail
from reuse.cli.options import DbOption
from reuse.errors import ReuseError


class Verdict(str, Enum):
    confirmed = "confirmed"
    ignored = "ignored"


def review(
    match_ids: Annotated[
        list[int], typer.Argument(help="match_id(s) from 'reuse report' or SQL.", metavar="ID")
    ],
    verdict: Annotated[Verdict, typer.Option("--verdict", help="confirmed or ignored.")],
    note: Annotated[
        str | None, typer.Option("--note", metavar="TEXT", help="Why, for the next reviewer.")
    ] = None,
    reviewer: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="Who reviews (default: REUSE_REVIEWER, else your user name).",
        ),
    ] = None,
    db: DbOption = Path("reuse.duckdb"),
) -> None:
    """Record a reviewer's verdict on one or more matches; it survives rescans.

    An ignored match (an approved template, a legitimate citation) is left out
    of reports and of later scans' new-match counts; reports say how many were
    left out. Verdicts are a history: a new verdict never erases an earlier one
    or its note (a verdict without --note keeps the last note). A verdict is
    keyed by both documents and both passages' text, so it still applies when
    a rescan finds the same passages under a new match_id, and after a rename
    or a move. All ids are recorded, or none.

    Example: reuse review 17 18 21 --verdict ignored --note "approved template"
    """
    import duckdb

    from reuse.store.verdicts import default_reviewer
    from reuse.store.verdicts import review as record

    try:
        keys = record(db, match_ids, verdict.value, note, reviewer or default_reviewer())
    except (ReuseError, duckdb.Error, OSError) as exc:
        fail(exc)
    for match_id, key in zip(dict.fromkeys(match_ids), keys):
        out.print(f"match {match_id}: {verdict.value} (key {key[:12]})")
