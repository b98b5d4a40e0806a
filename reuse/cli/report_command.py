"""``reuse report``: the document pairs with reused passages, as text, JSON or HTML.

Text and JSON go to the terminal or, with ``-o FILE``, to a file that is
checked before the report is read (an existing file is kept unless
``--force``; the database is never overwritten). HTML is a folder or one
page (:mod:`reuse.report.html`). At most :data:`REPORT_LIMIT` pairs unless
``--limit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from reuse.cli.connection import connect
from reuse.cli.console import DocumentPaths, err, out, paths_of, print_json
from reuse.cli.exits import db_errors, fail
from reuse.cli.options import DbOption, Kind
from reuse.errors import ReuseError

if TYPE_CHECKING:
    from reuse.cli.render_report import PairReportStyle

#: Document pairs ``reuse report`` shows (text and JSON) when no --limit is given.
REPORT_LIMIT = 20


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    html = "html"


@dataclass(frozen=True)
class PairSelection:
    """Which pairs and passages ``reuse report`` shows (its options)."""

    #: Only pairs with this document (path or file name); None: all.
    doc: str | None
    #: Only passages of at least this many characters.
    min_chars: int
    #: Only pairs where either document copied at least this share of its characters.
    min_share: float
    #: Only passages of at least this similarity.
    min_similarity: float
    #: Which matches: "reuse", "boilerplate" or "all".
    kind: str
    #: At most this many pairs (0: all); None: the format's default.
    limit: int | None


def _share_option(help_text: str) -> Any:
    return typer.Option(min=0.0, max=1.0, metavar="X", help=help_text)


def report(
    db: DbOption = Path("reuse.duckdb"),
    doc: Annotated[
        str | None,
        typer.Option(
            "--doc", metavar="PATH", help="Only pairs with this document (path or file name)."
        ),
    ] = None,
    min_chars: Annotated[
        int, typer.Option(metavar="N", help="Only passages of at least N characters.")
    ] = 0,
    min_share: Annotated[
        float,
        _share_option(
            "Only pairs where either document copied at least this share of its "
            "characters from the other (0.3: 30%)."
        ),
    ] = 0.0,
    min_similarity: Annotated[
        float, _share_option("Only passages of at least this similarity (0 to 1).")
    ] = 0.0,
    kind: Annotated[Kind, typer.Option(help="Which matches.")] = Kind.reuse,
    limit: Annotated[
        int | None,
        typer.Option(
            min=0,
            metavar="N",
            help=f"At most N document pairs, most copied first; 0: all "
            f"(default {REPORT_LIMIT}; 100 with --format html).",
        ),
    ] = None,
    max_chars: Annotated[
        int, typer.Option(metavar="N", help="Show at most N characters of a passage (0: all).")
    ] = 400,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", help="text, json or html.")
    ] = ReportFormat.text,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the report to this file (html: a folder unless it ends in .html).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the output file if it exists.")
    ] = False,
) -> None:
    """Document pairs with reused passages: share of each document, then each passage side by side.

    The pairs with the most characters copied between them come first (copied:
    outside templates, formulaic lines and quotations); the first 20 are shown
    and a last line says how many more there are (--limit N, --limit 0 for
    all, --doc PATH for one document's pairs).

    With --doc, first the document's similarity report: share reused, share
    excluding boilerplate and quotations, largest source, per-section shares
    and every source. Differences inside a passage are marked: red in the
    first document, green in the second ([-deleted-] and {+inserted+} when the
    output is not a terminal). Matches a reviewer ignored are left out and counted.

    --format html -o DIR writes a folder: index.html (the corpus overview and
    the pairs, filterable and sortable) and one page per pair, side by side
    with the passages highlighted and the typed edits; -o FILE.html writes one
    self-contained page of at most 100 pairs (--limit) and says what it left out.

    An existing output file is kept unless --force; the database itself is
    never overwritten.

    Example: reuse report --doc data/004_481eeca183cd7a2c.txt --min-chars 100
    \f
    Size reason: a typer command takes one parameter per command-line option.
    """
    from reuse.cli.render_report import PairReportStyle

    selection = PairSelection(doc, min_chars, min_share, min_similarity, kind.value, limit)
    if fmt is ReportFormat.html:
        _write_html(db, output or Path("reuse-report.html"), selection, force)
        return
    if output is not None:
        _check_output(output, db, force)  # before the work, not after
    data, paths = _pair_report(db, selection)
    style = PairReportStyle(kind.value, max_chars, paths)
    if output is None:
        _print_report(data, fmt, style)
        return
    _write_report(output, db, force, data, fmt, style)


def _write_html(db: Path, target: Path, selection: PairSelection, force: bool) -> None:
    """``reuse report --format html``: the folder or page, then what it holds."""
    from reuse.report.html.write import write_html_report

    con = connect(db)
    try:
        result = write_html_report(
            con,
            target,
            selection.doc,
            selection.limit,
            force,
            kind=selection.kind,
            min_chars=selection.min_chars,
            min_share=selection.min_share,
            min_similarity=selection.min_similarity,
            database=db,
        )
    except db_errors() as exc:
        fail(exc)
    finally:
        con.close()
    err.print(result.summary(), markup=False)


def _check_output(target: Path, db: Path, force: bool) -> None:
    from reuse.report.outputs import check_output

    try:
        check_output(target, db, force)
    except ReuseError as exc:
        fail(exc)


def _pair_report(db: Path, selection: PairSelection) -> tuple[dict[str, Any], DocumentPaths]:
    """The report's data (the shape of ``--format json``) and the database's paths."""
    from reuse.report.pairs import pair_report
    from reuse.report.similarity import document_similarity

    con = connect(db)
    try:
        data = pair_report(
            con,
            selection.doc,
            selection.min_chars,
            selection.kind,
            with_text=True,
            limit=REPORT_LIMIT if selection.limit is None else selection.limit,
            min_share=selection.min_share,
            min_similarity=selection.min_similarity,
        )
        if selection.doc is not None:
            data["similarity"] = document_similarity(con, selection.doc)
        paths = paths_of(con)
    except db_errors() as exc:
        fail(exc)
    finally:
        con.close()
    return data, paths


def _print_report(data: dict[str, Any], fmt: ReportFormat, style: PairReportStyle) -> None:
    if fmt is ReportFormat.json:
        print_json(data)
        return
    from reuse.cli.render_report import print_pair_report

    print_pair_report(data, style)


def _write_report(
    target: Path,
    db: Path,
    force: bool,
    data: dict[str, Any],
    fmt: ReportFormat,
    style: PairReportStyle,
) -> None:
    """Write ``reuse report -o`` (text or JSON): the report printed to the file."""
    from rich.console import Console

    from reuse.report.outputs import open_output

    try:
        with open_output(target, db, force, text=True) as f:
            with out.redirected(Console(file=f, highlight=False)):
                _print_report(data, fmt, style)
    except ReuseError as exc:
        fail(exc)
