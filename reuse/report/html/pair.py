"""One document pair of the HTML report: a ``<section class="pair">`` with both
paths and shares, the list of its passages, the two documents side by side
(each marked by :func:`reuse.report.html.side.render_side`) and, when the data
has them, the typed edits of its passages; and the legend of the highlights."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reuse.report.html.markup import esc, escape_text, number, percent
from reuse.report.html.paths import PathDisplay
from reuse.report.html.side import clip, kind_class, match_order, match_title, render_side


def _edits_html(edits: Sequence[dict[str, Any]], passages: int) -> str:
    """The typed edits of a pair's passages (table ``edits``), in passage order.

    Each row's passage links to it (``data-goto``: scrolls box A to the passage).
    """
    if not edits:
        return (
            '<details class="edits"><summary>Typed edits: none</summary>'
            '<p class="meta">No typed edits: the passages are the same after normalisation, '
            "or of a kind that has none (boilerplate).</p></details>"
        )
    categories: dict[str, int] = {}
    for e in edits:
        cat = str(e.get("category") or "")
        categories[cat] = categories.get(cat, 0) + 1
    by_cat = ", ".join(f"{n} {c}" for c, n in sorted(categories.items(), key=lambda x: -x[1]))
    rows = []
    for e in edits:
        match_id = e.get("match_id")
        rows.append(
            "<tr>"
            f'<td class="num" data-value="{int(number(match_id))}">'
            f'<a href="#{esc(f"m{match_id}-a")}" data-goto="{esc(match_id)}">'
            f"{esc(match_id)}</a></td>"
            f'<td class="num" data-value="{int(number(e.get("edit_no")))}">'
            f"{esc(e.get('edit_no'))}</td>"
            f"<td>{esc(e.get('op'))}</td>"
            f'<td class="etext" lang="zh">{escape_text(str(e.get("old_text") or ""))}</td>'
            f'<td class="etext" lang="zh">{escape_text(str(e.get("new_text") or ""))}</td>'
            f"<td>{esc(e.get('category'))}</td>"
            "</tr>"
        )
    n = len(edits)
    return (
        f'<details class="edits" open><summary>Typed edits: {n} in {passages} '
        f"passage{'s' if passages != 1 else ''} ({esc(by_cat)})</summary>"
        '<p class="meta">From A to B, widened to whole words; a passage number scrolls to '
        "the passage.</p>"
        '<div class="tablewrap"><table class="grid sortable edits"><thead><tr>'
        '<th class="num" data-type="num" aria-sort="ascending">Passage</th>'
        '<th class="num" data-type="num">Edit</th>'
        '<th data-type="text">Op</th><th data-type="text">In A</th>'
        '<th data-type="text">In B</th><th data-type="text">Category</th>'
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div></details>"
    )


def pair_section(
    index: int,
    pair: dict[str, Any],
    paths: PathDisplay | None = None,
    back: tuple[str, str] = ("#overview", "overview"),
) -> str:
    """One pair section: header, passage list, the two documents side by side and,
    when ``pair`` has ``edits``, the typed edits; ``back`` is the (href, label) of
    the link back to the pair list."""
    paths = paths or PathDisplay()
    a, b = pair.get("doc_a") or {}, pair.get("doc_b") or {}
    text_a, text_b = str(a.get("text") or ""), str(b.get("text") or "")
    matches = list(pair.get("matches") or [])
    kinds: dict[str, int] = {}
    for m in matches:
        kinds[kind_class(m)] = kinds.get(kind_class(m), 0) + 1
    by_kind = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    n = len(matches)
    passages = []
    for m in sorted(matches, key=match_order):
        length = clip(m.get("a_end"), 0, len(text_a)) - clip(m.get("a_start"), 0, len(text_a))
        label = f"#{m.get('match_id')} {kind_class(m)}, {max(length, 0)} chars"
        if m.get("similarity") is not None:
            label += f", sim {number(m['similarity']):.2f}"
        match_id = m.get("match_id")
        passages.append(
            f'<li><a href="#{esc(f"m{match_id}-a")}" '
            f'data-goto="{esc(match_id)}" title="{esc(match_title(m))}">'
            f"{esc(label)}</a></li>"
        )
    edits = pair.get("edits")
    return (
        f'<section class="pair" id="pair-{index}">'
        f"<h2>{paths.html(a.get('path'))} ↔ {paths.html(b.get('path'))}</h2>"
        f'<p class="pairmeta">A: {percent(a.get("share"))} copied · B: {percent(b.get("share"))} '
        f"copied · {n} passage{'s' if n != 1 else ''}"
        f"{f' ({esc(by_kind)})' if by_kind else ''} · "
        f'<a href="{esc(back[0])}" class="back">{esc(back[1])}</a></p>'
        f'<ul class="passages">{"".join(passages)}</ul>'
        '<div class="cols">'
        f'<div class="col"><div class="colhead">A · {percent(a.get("share"))} · '
        f"{paths.html(a.get('path'))}</div>"
        f'<div class="box" data-side="a" lang="zh" tabindex="0">'
        f"{render_side(text_a, matches, 'a', text_b)}</div></div>"
        f'<div class="col"><div class="colhead">B · {percent(b.get("share"))} · '
        f"{paths.html(b.get('path'))}</div>"
        f'<div class="box" data-side="b" lang="zh" tabindex="0">'
        f"{render_side(text_b, matches, 'b', text_a)}</div></div>"
        "</div>"
        f"{_edits_html(edits, n) if edits is not None else ''}"
        "</section>"
    )


def legend_html() -> str:
    """Samples of each highlight."""
    return (
        '<p class="legend">'
        '<mark class="reuse">reused</mark>'
        '<mark class="boilerplate">boilerplate</mark>'
        '<mark class="quotation">quotation</mark>'
        '<span class="del">in A, not in B</span>'
        '<span class="ins">in B, not in A</span>'
        '<span><span class="gap"></span> other side has more text here</span>'
        "<span>Click a passage to find it in the other document.</span>"
        "</p>"
    )
