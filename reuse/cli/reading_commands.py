"""The commands that read one view of the database: ``reuse show`` (one match),
``similarity`` (the corpus ranked by share reused), ``groups``, ``templates``
and ``provenance``.

Each reads its data on a read-only connection (:mod:`reuse.cli.connection`)
from :mod:`reuse.report` (a module a report), then prints it as JSON (``--format json``,
the data as read) or as text (:mod:`reuse.cli.render_tables`,
:mod:`reuse.cli.render_report`).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from reuse.cli.connection import read
from reuse.cli.console import paths_of, print_json
from reuse.cli.options import DbOption, Format


class TemplateKind(str, Enum):
    template = "template"
    boilerplate = "boilerplate"
    all = "all"


def show(
    match_id: Annotated[
        int, typer.Argument(help="match_id from 'reuse report' or SQL.", metavar="MATCH_ID")
    ],
    db: DbOption = Path("reuse.duckdb"),
    context: Annotated[
        int, typer.Option(metavar="N", help="Characters of context on each side.")
    ] = 40,
    fmt: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """One match in full: both passages in context, differences marked.

    Example: reuse show 5 --context 80
    """
    from reuse.cli.render_report import print_match
    from reuse.report.matches import match_detail

    m, paths = read(db, lambda con: (match_detail(con, match_id, context), paths_of(con)))
    if fmt is Format.json:
        print_json(m)
        return
    print_match(m, paths)


def similarity(
    db: DbOption = Path("reuse.duckdb"),
    limit: Annotated[
        int | None, typer.Option(metavar="N", help="At most N documents (0: all).")
    ] = 20,
    fmt: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """Rank the corpus by share reused, as a duplicate-check service reports it.

    Columns: the share copied (characters equal to a source, in reuse
    matches, outside templates, formulaic lines and quotations, over all
    characters), the characters in templates and formulaic lines, the
    largest single source. The same figures are the SQL view
    document_similarity. A narrow terminal leaves out chars, stock and
    sources (named below the table).

    Example: reuse similarity --limit 50
    """
    from reuse.cli.render_tables import print_similarity_ranking
    from reuse.report.similarity import corpus_similarity

    rows, paths = read(db, lambda con: (corpus_similarity(con, limit or None), paths_of(con)))
    if fmt is Format.json:
        print_json(rows)
        return
    print_similarity_ranking(rows, paths)


def groups(
    db: DbOption = Path("reuse.duckdb"),
    limit: Annotated[int | None, typer.Option(metavar="N", help="At most N groups.")] = 20,
    min_documents: Annotated[
        int, typer.Option(metavar="N", help="Only groups of at least N documents.")
    ] = 2,
    fmt: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """Reuse groups: passages reused across many documents, largest group first.

    A group is a passage and the passages that reuse it: every member matches
    the group's centre, so unrelated passages never chain into one group.
    Stock text in many documents is a template instead (reuse templates).
    Tables groups, group_members, group_matches.

    Example: reuse groups --min-documents 5
    """
    from reuse.cli.render_tables import print_groups
    from reuse.report.groups import group_report

    data, paths = read(db, lambda con: (group_report(con, limit, min_documents), paths_of(con)))
    if fmt is Format.json:
        print_json(data)
        return
    print_groups(data, paths)


def templates(
    db: DbOption = Path("reuse.duckdb"),
    limit: Annotated[int | None, typer.Option(metavar="N", help="At most N templates.")] = 20,
    kind: Annotated[
        TemplateKind,
        typer.Option(help="template (stock text), boilerplate (formulaic lines) or all."),
    ] = TemplateKind.template,
    min_documents: Annotated[
        int, typer.Option(metavar="N", help="Only templates in at least N documents.")
    ] = 2,
    fmt: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """Stock text shared by many documents, each template once, most documents first.

    A template is text found in at least T documents (templates.min_documents,
    templates.document_fraction): its members are aligned to one
    representative, and its text is not pairwise reuse. Shows the
    representative's text, the earliest dated member and some members.
    Tables templates, template_members.

    Example: reuse templates --limit 5
    """
    from reuse.cli.render_tables import print_templates
    from reuse.report.templates import template_report

    data, paths = read(
        db,
        lambda con: (template_report(con, limit, kind.value, min_documents), paths_of(con)),
    )
    if fmt is Format.json:
        print_json(data)
        return
    print_templates(data, paths)


def provenance(
    db: DbOption = Path("reuse.duckdb"),
    doc: Annotated[
        str | None, typer.Option("--doc", metavar="PATH", help="Only pairs with this document.")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.text,
) -> None:
    """Who copied from whom: per document pair, the likely source and the evidence.

    The source is the earlier-dated document (dates from file metadata, the
    file name, or the text's dateline or signature); without dates, the side
    the other adds a byline or photo caption to. View match_provenance.
    A pair whose source cannot be told is shown as A ? and B ?.

    Example: reuse provenance --doc 2024_report.txt
    """
    from reuse.cli.render_tables import print_provenance
    from reuse.report.provenance import provenance_report

    records, paths = read(db, lambda con: (provenance_report(con, doc), paths_of(con)))
    if fmt is Format.json:
        print_json(records)
        return
    print_provenance(records, paths)
