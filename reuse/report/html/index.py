"""The index of the HTML report: its header (title, where it comes from, the
notice of pairs left out), the filter box, the corpus overview (one row per
document, by share copied) and the list of document pairs (most copied first,
as ``reuse report`` ranks them), every table sortable by a click on a header.

The index is the top of the one-file report and a report folder's
``index.html`` (:mod:`reuse.report.html.pages`); ``hrefs`` are where its
pairs are (``#pair-N`` or ``pairs/NNNN.html``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reuse.report.html.markup import esc, number, percent
from reuse.report.html.paths import PathDisplay


def _int(value: Any) -> str:
    """A count with thousands separators.

    >>> _int(12345.0)
    '12,345'
    """
    return f"{int(number(value)):,}"


def _num_cell(value: Any, shown: str) -> str:
    return f'<td class="num" data-value="{number(value)!r}">{shown}</td>'


def _copied(side: dict[str, Any]) -> int:
    """Characters of one side of a pair copied from the other."""
    if side.get("reused_chars") is not None:
        return int(number(side["reused_chars"]))
    return round(number(side.get("share")) * len(str(side.get("text") or "")))


def _pair_key(a: Any, b: Any) -> frozenset:
    return frozenset((a, b))


@dataclass
class _PairLinks:
    """Where the overview's documents link: per document its first pair and its
    number of pairs, per pair of documents its pair."""

    first: dict[Any, str] = field(default_factory=dict)
    n_pairs: dict[Any, int] = field(default_factory=dict)
    by_key: dict[frozenset, str] = field(default_factory=dict)

    @classmethod
    def of(cls, pairs: Sequence[dict[str, Any]], hrefs: Sequence[str]) -> _PairLinks:
        links = cls()
        for pair, href in zip(pairs, hrefs):
            ids = [(pair.get(s) or {}).get("doc_id") for s in ("doc_a", "doc_b")]
            links.by_key.setdefault(_pair_key(*ids), href)
            for doc_id in ids:
                links.first.setdefault(doc_id, href)
                links.n_pairs[doc_id] = links.n_pairs.get(doc_id, 0) + 1
        return links


_OVERVIEW_HEAD = (
    '<th data-type="text">Document</th>'
    '<th class="num" data-type="num" aria-sort="descending" '
    'title="characters copied from other documents over all characters">Share copied</th>'
    '<th class="num" data-type="num" title="characters copied from other documents">'
    "Copied</th>"
    '<th class="num" data-type="num" title="characters in stock text (templates)">'
    "Stock</th>"
    '<th class="num" data-type="num">Characters</th>'
    '<th data-type="text">Largest source</th>'
    '<th class="num" data-type="num" title="share of the document copied from its '
    'largest source">Its share</th>'
    '<th class="num" data-type="num" title="documents it copies from">Sources</th>'
    '<th class="num" data-type="num" title="document pairs in this report; click to '
    'filter the pair list">Pairs</th>'
)

_IGNORED_HEAD = (
    '<th class="num" data-type="num" title="passages a reviewer marked ignored '
    '(left out)">Ignored</th>'
)


def _overview_row(
    r: dict[str, Any], paths: PathDisplay, links: _PairLinks, with_ignored: bool
) -> str:
    """One document's row of the overview."""
    path, doc_id = r.get("path"), r.get("doc_id")
    cell = paths.html(path, links.first.get(doc_id))
    copied = r.get("copied_chars")
    if copied is None:
        copied = round(number(r.get("share")) * number(r.get("n_chars")))
    stock = r.get("template_chars")
    source = r.get("largest_source")
    if source is None:
        source_cell, source_share = "—", "—"
    else:
        href = links.by_key.get(_pair_key(doc_id, r.get("largest_source_id")))
        source_cell = paths.html(source, href)
        source_share = percent(r.get("largest_source_share"))
    n = links.n_pairs.get(doc_id, 0)
    pairs_cell = (
        f'<a href="#pairs-h" data-filter-path="{esc(path)}" title="show its pairs">{n}</a>'
        if n
        else "0"
    )
    return (
        f'<tr data-path="{esc(path)}">'
        f'<td class="path">{cell}</td>'
        + _num_cell(r.get("share"), percent(r.get("share")))
        + _num_cell(copied, _int(copied))
        + (_num_cell(stock, _int(stock)) if stock is not None else _num_cell(0, "—"))
        + _num_cell(r.get("n_chars"), _int(r.get("n_chars")))
        + f'<td class="path">{source_cell}</td>'
        + _num_cell(r.get("largest_source_share") if source is not None else 0, source_share)
        + _num_cell(r.get("n_sources"), _int(r.get("n_sources")))
        + f'<td class="num" data-value="{n}">{pairs_cell}</td>'
        + (_num_cell(r.get("suppressed"), _int(r.get("suppressed"))) if with_ignored else "")
        + "</tr>"
    )


def _overview_html(
    overview: Sequence[dict[str, Any]],
    paths: PathDisplay,
    hrefs: Sequence[str],
    pairs: Sequence[dict[str, Any]],
) -> str:
    """The corpus overview: one row per document, by share copied, largest first.

    A document links to its first pair in the list, its largest source to that
    pair, and its number of pairs fills the filter box with its path.
    """
    if not overview:
        return '<p class="meta">No documents.</p>'
    links = _PairLinks.of(pairs, hrefs)
    # Ignored passages (a reviewer's verdict) get a column only when there are some.
    with_ignored = any(number(r.get("suppressed")) for r in overview)
    head = _OVERVIEW_HEAD + (_IGNORED_HEAD if with_ignored else "")
    ordered = sorted(overview, key=lambda r: (-number(r.get("share")), str(r.get("path"))))
    rows = [_overview_row(r, paths, links, with_ignored) for r in ordered]
    return (
        '<div class="tablewrap"><table class="grid sortable filterable overview" id="overview">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _pairs_html(pairs: Sequence[dict[str, Any]], paths: PathDisplay, hrefs: Sequence[str]) -> str:
    """The document pairs in the order given (most copied first), each linking to its view."""
    if not pairs:
        return '<p class="meta">No reused passages found.</p>'
    head = (
        '<th class="num" data-type="num" aria-sort="ascending" title="rank: most copied '
        'characters first">#</th>'
        '<th data-type="text">Document A</th><th data-type="text">Document B</th>'
        '<th class="num" data-type="num" title="characters of A copied from B plus characters '
        'of B copied from A">Copied</th>'
        '<th class="num" data-type="num" title="share of A copied from B">A from B</th>'
        '<th class="num" data-type="num" title="share of B copied from A">B from A</th>'
        '<th class="num" data-type="num">Passages</th>'
        '<th class="num" data-type="num" title="typed edits inside the passages">Edits</th>'
    )
    rows = []
    for i, (pair, href) in enumerate(zip(pairs, hrefs), 1):
        a, b = pair.get("doc_a") or {}, pair.get("doc_b") or {}
        copied = _copied(a) + _copied(b)
        edits = pair.get("edits")
        link = esc(href)
        rows.append(
            f'<tr data-path="{esc(a.get("path"))} ↔ {esc(b.get("path"))}">'
            f'<td class="num" data-value="{i}"><a href="{link}">{i}</a></td>'
            f'<td class="path">{paths.html(a.get("path"), href)}</td>'
            f'<td class="path">{paths.html(b.get("path"), href)}</td>'
            + _num_cell(copied, _int(copied))
            + _num_cell(a.get("share"), percent(a.get("share")))
            + _num_cell(b.get("share"), percent(b.get("share")))
            + _num_cell(len(pair.get("matches") or ()), _int(len(pair.get("matches") or ())))
            + (_num_cell(len(edits), _int(len(edits))) if edits is not None else _num_cell(0, "—"))
            + "</tr>"
        )
    return (
        '<div class="tablewrap"><table class="grid sortable filterable pairs" id="pairs">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _notice(data: dict[str, Any], shown: int) -> str:
    """The notice of pairs left out (``n_pairs`` more than shown), with the command for all."""
    total = int(number(data.get("n_pairs"), shown))
    if total <= shown:
        return ""
    command = data.get("command")
    how = f" All of them, one page per pair: <code>{esc(command)}</code>" if command else ""
    return (
        f'<p class="notice" id="left-out" role="status">Showing <b>{shown:,}</b> of '
        f"<b>{total:,}</b> document pairs, the most copied first; "
        f"<b>{total - shown:,}</b> left out.{how}</p>"
    )


def _header(data: dict[str, Any], paths: PathDisplay, n_pairs: int) -> str:
    """Title, provenance line, the notice of pairs left out."""
    title = str(data.get("title") or "Reused text")
    n_docs = len(data.get("overview") or ())
    facts = [
        f"Generated {esc(data.get('generated'))} from {esc(data.get('database'))}",
        f"{n_docs:,} documents",
        f"{n_pairs:,} document pairs",
    ]
    if paths.prefix:
        facts.append(f"paths relative to <code>{esc(paths.prefix)}</code>")
    if data.get("ignored"):
        facts.append(f"{int(number(data['ignored'])):,} passages ignored by a reviewer left out")
    return (
        f'<h1>{esc(title)}</h1>\n<p class="meta">{" · ".join(facts)}</p>\n{_notice(data, n_pairs)}'
    )


def _toolbar(n_docs: int, n_pairs: int) -> str:
    """The filter box and the row counts it updates."""
    return (
        '<div class="toolbar"><label>Filter by path '
        '<input type="search" id="filter" data-filter autocomplete="off" spellcheck="false" '
        'placeholder="words of a path, e.g. national 2024"></label>'
        f'<a href="#overview-h" class="count" data-count="overview" data-noun="documents">'
        f"{n_docs} documents</a>"
        f'<a href="#pairs-h" class="count" data-count="pairs" data-noun="pairs">'
        f"{n_pairs} pairs</a></div>"
    )


def report_paths(data: dict[str, Any]) -> PathDisplay:
    """The path display for every path of the report."""
    paths = [r.get("path") for r in data.get("overview") or ()]
    for pair in data.get("pairs") or ():
        paths += [(pair.get(s) or {}).get("path") for s in ("doc_a", "doc_b")]
    return PathDisplay(p for p in paths if p is not None)


def index_body(data: dict[str, Any], paths: PathDisplay, hrefs: Sequence[str]) -> str:
    """The index: header, filter box, corpus overview and pair list (``hrefs``:
    where each pair is)."""
    pairs = list(data.get("pairs") or [])
    overview = list(data.get("overview") or [])
    return (
        f"{_header(data, paths, len(pairs))}\n"
        f"{_toolbar(len(overview), len(pairs))}\n"
        f'<h2 id="overview-h">Corpus overview</h2>\n'
        '<p class="meta">Each document\'s share copied from the others (view '
        "<code>document_similarity</code>); stock text is counted apart.</p>\n"
        f"{_overview_html(overview, paths, hrefs, pairs)}\n"
        f'<h2 id="pairs-h">Document pairs</h2>\n'
        '<p class="meta">Most copied characters first, as <code>reuse report</code> ranks '
        "them.</p>\n"
        f"{_pairs_html(pairs, paths, hrefs)}"
    )
