"""``reuse serve``: the review web app (:mod:`reuse.report.serve`) on a local port.

It listens on this machine only unless told another address, and then warns
that anyone who reaches it can read every document and record verdicts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reuse.cli.console import err
from reuse.cli.exits import db_errors, fail
from reuse.cli.options import DbOption


def serve(
    db: DbOption = Path("reuse.duckdb"),
    host: Annotated[
        str,
        typer.Option(
            metavar="ADDRESS",
            help="Address to listen on (default: this machine only). Another address "
            "lets anyone who reaches it read the corpus and record verdicts.",
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="N", min=1, max=65535, help="Port.")] = 8765,
    reviewer: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="Name on verdicts given without one (default: REUSE_REVIEWER, else your "
            "user name).",
        ),
    ] = None,
) -> None:
    """A local web app to review the database: documents, pairs, templates, verdicts.

    Documents ranked by share copied, with search by name and text and filters;
    each document's similarity report with its text marked in place; pairs side
    by side with their typed edits; templates and groups with their members;
    the shipped queries and read-only SQL; verdicts one by one or in bulk,
    stored as 'reuse review' stores them. It keeps serving while a nightly scan
    runs and shows the new scan once it is published. Stop it with Ctrl-C.

    Example: reuse serve --db reuse.duckdb --port 8765
    """
    from reuse.report.serve import LOOPBACK, run

    if host not in LOOPBACK:
        err.print(
            f"warning: listening on {host}: anyone who can reach it can read every "
            "document and record verdicts; there is no login",
            markup=False,
        )
    err.print(f"reuse serve: http://{_url_host(host)}:{port}/ (Ctrl-C stops it)", markup=False)
    try:
        run(str(db), host=host, port=port, reviewer=reviewer)
    except db_errors() as exc:
        fail(exc)


def _url_host(host: str) -> str:
    """``host`` as a URL names it: an IPv6 address in brackets."""
    return f"[{host}]" if ":" in host else host
