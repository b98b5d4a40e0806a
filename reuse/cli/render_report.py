"""``reuse report`` and ``reuse show`` on the terminal: a document's similarity
report, the document pairs with their passages side by side, one match in context.

Differences inside a passage are marked: red on the first document's side,
green on the second's, or, when the output is no terminal, in wdiff style
(``[-deleted-]`` and ``{+inserted+}``). A passage is cut to ``max_chars``
characters (0: whole), saying how many more there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reuse.cli.console import DocumentPaths, out

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table
    from rich.text import Text


@dataclass(frozen=True)
class PairReportStyle:
    """How ``reuse report`` shows its pairs."""

    #: Which matches the report holds: "reuse", "boilerplate" or "all".
    kind: str
    #: At most this many characters of a passage; 0: all.
    max_chars: int
    paths: DocumentPaths


def marked(text: str, base: int, diff: list[list[Any]], side: str, plain: bool) -> Text:
    """Text of one side with its differing stretches marked."""
    from rich.text import Text

    shown = Text()
    pos = base
    for op, a0, a1, b0, b1 in diff:
        s, e = (a0, a1) if side == "a" else (b0, b1)
        s, e = s - base, e - base
        if s > pos - base:
            shown.append(text[pos - base : s])
        chunk = text[max(s, pos - base) : e]
        if op == "equal" or not chunk:
            shown.append(chunk)
        elif plain:
            shown.append(f"[-{chunk}-]" if side == "a" else f"{{+{chunk}+}}")
        else:
            shown.append(chunk, style="bold red" if side == "a" else "bold green")
        pos = base + max(e, pos - base)
    shown.append(text[pos - base :])
    return shown


def _clip(text: Text, max_chars: int) -> Text:
    if max_chars and len(text.plain) > max_chars:
        rest = len(text.plain) - max_chars
        clipped = text[:max_chars]
        clipped.append(f" ... ({rest} more characters)", style="dim")
        return clipped
    return text


def _similarity_head(sim: dict[str, Any], paths: DocumentPaths, width: int) -> None:
    """The lines above the tables: the document, its shares, its largest source."""
    from rich.cells import cell_len
    from rich.text import Text

    from reuse.text.date_precision import format_date

    rest = f"  ({sim['n_chars']} characters" + (
        f", dated {format_date(sim['doc_date'], sim.get('date_precision'))})"
        if sim.get("doc_date")
        else ")"
    )
    head = "Similarity report "
    out.print(
        Text.assemble(
            (head, "bold"),
            (paths(sim["path"], width - cell_len(head + rest)), "cyan"),
            rest,
        )
    )
    out.print(
        f"  reused: {sim['share']:.1%}   excluding boilerplate and quotations: "
        f"{sim['share_excluding']:.1%}   sources: {sim['n_sources']}"
    )
    if sim["largest_source"]:
        share = f" ({sim['largest_source_share']:.1%})"
        head = "  largest single source: "
        out.print(Text(head + paths(sim["largest_source"], width - cell_len(head + share)) + share))
    if sim["n_ignored"]:
        out.print(f"  {sim['n_ignored']} matched passage(s) ignored by a reviewer's verdict")


def _sources_table(sim: dict[str, Any], paths: DocumentPaths, width: int) -> RenderableType:
    from reuse.report.display import Column, fit_table

    table, _ = fit_table(
        width,
        [
            Column("source", "path"),
            Column("share", "number", justify="right"),
            Column("chars", "number", justify="right"),
            Column("quoted", "number", justify="right"),
            Column("passages", "number", justify="right"),
        ],
        [
            [
                paths(src["path"]),
                f"{src['share']:.1%}",
                src["reused_chars"],
                src["quoted_chars"],
                src["passages"],
            ]
            for src in sim["sources"]
        ],
        title="Sources",
    )
    return table


def _sections_table(sim: dict[str, Any], width: int) -> RenderableType:
    from reuse.report.display import Column, fit_table

    table, _ = fit_table(
        width,
        [
            Column("section", "text"),
            Column("chars", "number", justify="right"),
            Column("share", "number", justify="right"),
            Column("excluding", "number", justify="right"),
        ],
        [
            [
                ("  " if sec["level"] == 2 else "") + sec["title"],
                sec["end"] - sec["start"],
                f"{sec['share']:.1%}",
                f"{sec['share_excluding']:.1%}",
            ]
            for sec in sim["sections"]
        ],
        title="Sections",
    )
    return table


def print_similarity(sim: dict[str, Any], paths: DocumentPaths) -> None:
    """One document's similarity report (``reuse report --doc``): its shares,
    then its sources and, when it has more than one, its sections."""
    width = out.width
    _similarity_head(sim, paths, width)
    if sim["sources"]:
        out.print(_sources_table(sim, paths, width))
    if len(sim["sections"]) > 1:
        out.print(_sections_table(sim, width))
    out.print()


def _pair_lines(pair: dict[str, Any], paths: DocumentPaths, width: int) -> list[Text]:
    """The ``A path  share copied (...)`` and ``B ...`` lines of a pair, each in
    ``width`` cells, the two paths shortened alike and kept apart."""
    from rich.cells import cell_len
    from rich.text import Text

    sides = []
    for label, d in (("A ", pair["doc_a"]), ("B ", pair["doc_b"])):
        figures = f"  {d['share']:.1%} copied ({d['reused_chars']} of {d['n_chars']} chars)"
        sides.append((label, d["path"], figures))
    room = min(width - cell_len(label + figures) for label, _, figures in sides)
    shown = paths.many([path for _, path, _ in sides], max(room, 16))
    return [
        Text.assemble((label, "bold"), (shown[path], "cyan"), figures)
        for label, path, figures in sides
    ]


def _match_table(m: dict[str, Any], max_chars: int, plain: bool) -> Table:
    """One match of a pair: its spans and figures, both passages side by side."""
    from rich.table import Table

    table = Table(
        title=(
            f"match {m['match_id']} ({m['kind']}): A[{m['a_start']}:{m['a_end']}] "
            f"B[{m['b_start']}:{m['b_end']}]  similarity {m['similarity']:.3f}  "
            f"edit distance {m['edit_distance']}"
        ),
        expand=True,
        show_lines=False,
    )
    table.add_column("A", ratio=1, overflow="fold")
    table.add_column("B", ratio=1, overflow="fold")
    table.add_row(
        _clip(marked(m["text_a"], m["a_start"], m["diff"], "a", plain), max_chars),
        _clip(marked(m["text_b"], m["b_start"], m["diff"], "b", plain), max_chars),
    )
    return table


def print_pair_report(data: dict[str, Any], style: PairReportStyle) -> None:
    """The text of ``reuse report``: the document's similarity report (--doc),
    each pair with its matches, and a last line on the pairs not shown."""
    if "similarity" in data:
        print_similarity(data["similarity"], style.paths)
    plain = not out.is_terminal
    width = out.width
    if data.get("ignored"):
        out.print(f"{data['ignored']} match(es) ignored by a reviewer's verdict are not shown.")
    if not data["pairs"]:
        out.print(f"No {style.kind} matches among {data['documents']} documents.")
        return
    n_pairs = data["n_pairs"]
    shown = len(data["pairs"])
    plural = "s" if n_pairs != 1 else ""
    among = f"among {data['documents']} documents"
    order = f"; the {shown} with the most copied characters first" if shown < n_pairs else ""
    out.print(f"{n_pairs} document pair{plural} with {style.kind} {among}{order}\n")
    for rank, pair in enumerate(data["pairs"], 1):
        out.print(f"pair {rank} of {n_pairs}", style="bold")
        for line in _pair_lines(pair, style.paths, width):
            out.print(line)
        for m in pair["matches"]:
            out.print(_match_table(m, style.max_chars, plain))
        out.print()
    if shown < n_pairs:
        more = n_pairs - shown
        out.print(
            f"{shown} of {n_pairs} document pairs shown, the most copied characters first; "
            f"{more} more: --limit N shows N pairs, --limit 0 all of them, --doc PATH the "
            "pairs of one document (--min-share X, --min-similarity X narrow the list)."
        )


def print_match(m: dict[str, Any], paths: DocumentPaths) -> None:
    """``reuse show``: the match's figures, then each side's path, span and
    passage in its context."""
    from rich.cells import cell_len
    from rich.text import Text

    plain = not out.is_terminal
    out.print(
        f"match {m['match_id']} ({m['kind']})  similarity {m['similarity']:.3f}  "
        f"edit distance {m['edit_distance']}  first seen in scan {m['first_seen_scan']}"
    )
    for side in ("a", "b"):
        s, e = m[f"{side}_start"], m[f"{side}_end"]
        body = marked(m[f"text_{side}"], s, m["diff"], side, plain)
        where = f" [{s}:{e}]"
        shown = paths(m[f"path_{side}"], out.width - cell_len(where) - 2)
        text = Text.assemble(
            (f"{side.upper()} ", "bold"),
            (f"{shown}{where}\n", "cyan"),
            (m[f"before_{side}"], "dim"),
            ("[[" if plain else "", ""),
            body,
            ("]]" if plain else "", ""),
            (m[f"after_{side}"], "dim"),
        )
        out.print(text)
        out.print()
