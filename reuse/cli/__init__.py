"""The command line: a thin typer layer over the library; ``app`` is ``reuse``.

Each command turns options into library calls and library errors into a
message and an exit code (:mod:`reuse.cli.exits`, which lists the codes).
This module makes the app and registers the commands in the order ``reuse
--help`` lists them:

- :mod:`reuse.cli.scan_commands`: ``scan``, ``import``;
- :mod:`reuse.cli.report_command`: ``report``;
- :mod:`reuse.cli.reading_commands`: ``show``, ``similarity``, ``groups``,
  ``templates``, ``provenance``;
- :mod:`reuse.cli.query_commands`: ``query``, ``export``;
- :mod:`reuse.cli.review_command`: ``review``;
- :mod:`reuse.cli.serve_command`: ``serve``.

What they print on the terminal is :mod:`reuse.cli.render_scan`,
:mod:`reuse.cli.render_report` and :mod:`reuse.cli.render_tables`, paths and
tables fitted to the console's width by :mod:`reuse.report.display`.

Start-up is kept short: the command modules import typer, the error classes
and each other only; each command imports what it needs (DuckDB, rich, the
pipeline, the report queries) when it runs, so ``reuse --help`` never loads
numpy, pyarrow or the scan's libraries.
"""

from __future__ import annotations

from typing import Annotated

import typer

from reuse import __version__
from reuse.cli import (
    query_commands,
    reading_commands,
    report_command,
    review_command,
    scan_commands,
    serve_command,
)
from reuse.cli.console import err, out
from reuse.cli.typer_classes import Command, TimedApp

app = TimedApp(
    name="reuse",
    help="Find reused and plagiarised passages across a corpus of reports, stored in DuckDB.\n\n"
    "Example: reuse scan reports/ && reuse report",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        out.print(f"reuse {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Find reused and plagiarised passages across a corpus of reports, stored in DuckDB.

    Example: reuse scan reports/ && reuse report
    """
    out.reset()
    err.reset()


app.command(cls=Command)(scan_commands.scan)
app.command("import", cls=Command)(scan_commands.import_)
app.command(cls=Command)(report_command.report)
app.command(cls=Command)(reading_commands.show)
app.command(cls=Command)(query_commands.query)
app.command(cls=Command)(reading_commands.similarity)
app.command(cls=Command)(reading_commands.groups)
app.command(cls=Command)(reading_commands.templates)
app.command(cls=Command)(reading_commands.provenance)
app.command(cls=Command)(review_command.review)
app.command(cls=Command)(serve_command.serve)
app.command(cls=Command)(query_commands.export)
