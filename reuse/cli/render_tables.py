"""The reading commands' tables and lists on the terminal: ``reuse similarity``,
``groups``, ``templates``, ``provenance`` and ``query``.

Everything fits the console's width in cells (:mod:`reuse.report.display`):
document paths are shortened in the middle and kept apart, numbers are
right-aligned, and a column that does not fit is left out and named below
the table, or (``reuse query``) rows too wide are shown one field a line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from reuse.cli.console import DocumentPaths, out
from reuse.cli.exits import db_errors
from reuse.report.display import PATH_WANT, Column, crop, fit_table, strip_root

if TYPE_CHECKING:
    from rich.text import Text

#: Columns of ``reuse similarity``; a narrow terminal drops the optional ones
#: (highest ``optional`` first).
SIMILARITY_COLUMNS = [
    Column("document", "path"),
    Column("chars", "number", optional=3, justify="right"),
    Column("copied", "number", justify="right"),
    Column("share", "number", justify="right"),
    Column("stock", "number", optional=2, justify="right"),
    Column("largest source", "path"),
    Column("its share", "number", justify="right"),
    Column("sources", "number", optional=1, justify="right"),
]

#: Members of a template listed under it; the rest are counted.
SHOWN_TEMPLATE_MEMBERS = 5

#: The first component of every live document's path (a root's name).
_ROOTS_SQL = "SELECT DISTINCT split_part(path, '/', 1) FROM live_documents"


def _dropped_note(dropped: list[str]) -> None:
    if dropped:
        out.print(
            f"({', '.join(dropped)}: left out at {out.width} columns; "
            "a wider terminal or --format json shows them)",
            style="dim",
        )


def print_similarity_ranking(rows: list[dict[str, Any]], paths: DocumentPaths) -> None:
    """``reuse similarity``: a row per document, the most copied first."""
    table, dropped = fit_table(
        out.width,
        SIMILARITY_COLUMNS,
        [
            [
                paths(r["path"]),
                r["n_chars"],
                r["copied_chars"],
                f"{r['share']:.1%}",
                r["template_chars"] + r["boilerplate_chars"],
                paths(r["largest_source"]),
                f"{r['largest_source_share']:.1%}" if r["largest_source"] else "",
                r["n_sources"],
            ]
            for r in rows
        ],
    )
    out.print(table)
    _dropped_note(dropped)


def _member_lines(
    members: list[tuple[str, str, str]], paths: DocumentPaths, width: int
) -> list[Text]:
    """``  PATH WHERE TAIL`` lines of ``width`` cells for ``(path, where, tail)``
    triples: the paths shortened alike (to half the line, or PATH_WANT cells)
    and kept apart, each tail cut to the line."""
    from rich.cells import cell_len
    from rich.text import Text

    if not members:
        return []
    room = width - 2 - max(cell_len(where) for _, where, _ in members)
    shown = paths.many(
        [path for path, _, _ in members], max(min(room - 12, max(PATH_WANT, width // 2)), 8)
    )
    lines = []
    for path, where, tail in members:
        rest = width - 2 - cell_len(shown[path] + where)
        lines.append(
            Text.assemble("  ", (shown[path], "cyan"), where, (crop(tail, max(rest, 0)), "dim"))
        )
    return lines


def print_groups(data: list[dict[str, Any]], paths: DocumentPaths) -> None:
    """``reuse groups``: each group's figures, then its members with an excerpt."""
    from rich.text import Text

    if not data:
        out.print("No reuse groups.")
        return
    width = out.width
    for g in data:
        out.print(
            Text.assemble(
                (f"group {g['group_id']}", "bold"),
                f": {g['n_documents']} documents, {g['n_members']} passages, "
                f"{g['n_matches']} matches, {g['mean_chars']:.0f} characters on average",
            )
        )
        members = [
            (m["path"], f" [{m['start']}:{m['end']}]", " " + m["excerpt"].replace("\n", " "))
            for m in g["members"]
        ]
        for line in _member_lines(members, paths, width):
            out.print(line)
        out.print()


def print_templates(data: list[dict[str, Any]], paths: DocumentPaths) -> None:
    """``reuse templates``: each template's figures, its earliest dated member,
    its text (cut to 160 characters) and its first members."""
    from rich.cells import cell_len
    from rich.text import Text

    from reuse.text.date_precision import format_date

    if not data:
        out.print("No templates.")
        return
    width = out.width
    for t in data:
        counts = f" ({t['kind']}): {t['n_documents']} documents, {t['n_members']} occurrences"
        out.print(Text.assemble((f"template {t['template_id']}", "bold"), counts))
        if t["earliest_member"]:
            when = format_date(t["earliest_date"], t["earliest_date_precision"])
            head, date = "  earliest: ", f" ({when})"
            shown = paths(t["earliest_member"], width - cell_len(head + date))
            out.print(Text.assemble(head, (shown, "cyan"), date))
        text = t["text"].replace("\n", " ")
        out.print(Text.assemble("  ", (text if len(text) <= 160 else text[:157] + "...", "dim")))
        members = [
            (m["path"], f" [{m['start']}:{m['end']}] similarity {m['similarity']:.2f}", "")
            for m in t["members"][:SHOWN_TEMPLATE_MEMBERS]
        ]
        for line in _member_lines(members, paths, width):
            out.print(line)
        if t["n_members"] > SHOWN_TEMPLATE_MEMBERS:
            more = t["n_members"] - SHOWN_TEMPLATE_MEMBERS
            out.print(f"  ... and {more} more (SELECT * FROM template_members)")
        out.print()


def print_provenance(records: list[dict[str, Any]], paths: DocumentPaths) -> None:
    """``reuse provenance``: source, copy and evidence per document pair; a
    pair whose source cannot be told is shown as ``A ?`` and ``B ?``."""

    if not records:
        out.print("No reuse.")
        return
    rows = []
    for r in records:
        if r["source"]:
            src, copy = paths(r["source"]), paths(r["copy"])
        else:
            src, copy = paths(r["path_a"]) + " ?", paths(r["path_b"]) + " ?"
        rows.append([src, copy, r["evidence"] or "", max(r["chars_a"], r["chars_b"])])
    table, _ = fit_table(
        out.width,
        [
            Column("source", "path"),
            Column("copy", "path"),
            Column("evidence", "text"),
            Column("chars", "number", justify="right"),
        ],
        rows,
        title="Who copied from whom",
    )
    out.print(table)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def query_table(db: Path, columns: list[str], rows: list[tuple]) -> Any:
    """``reuse query``'s rows as a table that fits the console: document paths
    shortened, numbers right-aligned, headers folded rather than cut."""
    from reuse.report.query import run_query

    try:
        roots = {r[0] for r in run_query(str(db), _ROOTS_SQL)[1]}
    except db_errors():
        roots = set()
    root = next(iter(roots)) if len(roots) == 1 else None

    def is_path(v: Any) -> bool:
        return isinstance(v, str) and "\n" not in v and v.partition("/")[0] in roots

    specs = []
    for i, name in enumerate(columns):
        values = [r[i] for r in rows if r[i] is not None]
        if values and all(is_path(v) for v in values):
            specs.append(Column(name, "path"))
        elif values and all(_is_number(v) for v in values):
            specs.append(Column(name, "number", justify="right"))
        else:
            specs.append(Column(name, "text"))
    shown = [
        [
            strip_root(v, root) if specs[i].kind == "path" and v is not None else v
            for i, v in enumerate(r)
        ]
        for r in rows
    ]
    table, _ = fit_table(out.width, specs, shown, records=True)
    return table
