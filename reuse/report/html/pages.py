"""The HTML report's pages, each self-contained (the shell of
:mod:`reuse.report.html.assets`): the one-file report (:func:`render_html`:
the index, then every pair's section) and a report folder's pages
(:func:`render_index`, ``index.html``; :func:`render_pair_page`, one page per
pair, ``pairs/0001.html`` ..., the pair's section with links back to the
index and to the previous and next pairs)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reuse.report.html.assets import page
from reuse.report.html.index import index_body, report_paths
from reuse.report.html.markup import esc
from reuse.report.html.pair import legend_html, pair_section
from reuse.report.html.paths import PathDisplay


def render_html(data: dict[str, Any]) -> str:
    """The whole report as ONE self-contained HTML string: the index, then every pair.

    ``data`` (all offsets 0-based, end-exclusive code-point offsets into the
    original texts)::

        {"title": str, "generated": str, "database": str,
         "overview": [{"doc_id", "path", "n_chars", "share",
                       "copied_chars", "template_chars" (optional),
                       "largest_source" (str or None), "largest_source_id" (optional),
                       "largest_source_share", "n_sources", "suppressed"}, ...],
         "pairs": [{"doc_a": {"doc_id", "path", "text", "share", "reused_chars" (optional)},
                    "doc_b": {...},
                    "matches": [{"match_id", "kind", "a_start", "a_end", "b_start",
                                 "b_end", "similarity", "edit_distance",
                                 "diff": [[tag, a_start, a_end, b_start, b_end], ...]},
                                ...],
                    "edits": [{"match_id", "edit_no", "op", "old_text", "new_text",
                               "category"}, ...] (optional)}, ...],
         "n_pairs": int (optional: all the pairs there are, when more than shown),
         "command": str (optional: the command that shows them all),
         "ignored": int (optional: passages left out by a reviewer's verdict)}

    ``tag`` is ``equal``, ``replace``, ``delete`` (only in A) or ``insert``
    (only in B). ``kind`` is ``reuse``, ``boilerplate`` or ``quotation``; a
    match may also carry ``side_kind_a`` / ``side_kind_b`` to colour one side
    differently. Other keys are ignored. Pairs are shown in the order given.
    When ``n_pairs`` is larger than the pairs given, the page says how many it
    shows of how many, and ``command``. The index's links go to the
    ``#pair-N`` sections below it.
    """
    pairs = list(data.get("pairs") or [])
    paths = report_paths(data)
    hrefs = [f"#pair-{i}" for i in range(1, len(pairs) + 1)]
    sections = "".join(
        pair_section(i, p, paths, ("#pairs-h", "pair list")) for i, p in enumerate(pairs, 1)
    )
    body = f"{index_body(data, paths, hrefs)}\n{legend_html() if pairs else ''}\n{sections}"
    return page(str(data.get("title") or "Reused text"), body)


def pair_page_names(n: int) -> list[str]:
    """File names of ``n`` pair pages, in order: ``0001.html`` ... (wider past 9999).

    >>> pair_page_names(2)
    ['0001.html', '0002.html']
    """
    width = max(4, len(str(n)))
    return [f"{i:0{width}d}.html" for i in range(1, n + 1)]


def render_index(data: dict[str, Any], names: Sequence[str]) -> str:
    """A report folder's ``index.html``; ``names``: the pair pages, in ``pairs/``."""
    paths = report_paths(data)
    hrefs = [f"pairs/{name}" for name in names]
    return page(str(data.get("title") or "Reused text"), index_body(data, paths, hrefs))


def render_pair_page(
    data: dict[str, Any], index: int, names: Sequence[str], paths: PathDisplay | None = None
) -> str:
    """The page ``pairs/<names[index - 1]>`` of a report folder: pair ``index`` (1-based)."""
    pairs = data.get("pairs") or []
    pair = pairs[index - 1]
    paths = paths or report_paths(data)
    names_ab = [
        paths.short_name(str((pair.get(s) or {}).get("path") or "").rpartition("/")[2])
        for s in ("doc_a", "doc_b")
    ]
    title = f"{names_ab[0]} ↔ {names_ab[1]} · {data.get('title') or 'reuse report'}"
    nav = ['<a href="../index.html" id="back">← all pairs</a>']
    if index > 1:
        nav.append(f'<a href="{esc(names[index - 2])}" rel="prev">← previous</a>')
    if index < len(pairs):
        nav.append(f'<a href="{esc(names[index])}" rel="next">next →</a>')
    body = (
        f'<nav class="crumbs">{"".join(nav)}</nav>\n'
        f"<h1>Pair {index:,} of {len(pairs):,} · {esc(data.get('title') or 'reuse report')}</h1>\n"
        f'<p class="meta">Generated {esc(data.get("generated"))} from '
        f"{esc(data.get('database'))}"
        + (f" · paths relative to <code>{esc(paths.prefix)}</code>" if paths.prefix else "")
        + "</p>\n"
        f"{legend_html()}\n"
        f"{pair_section(index, pair, paths, ('../index.html', 'all pairs'))}"
    )
    return page(title, body)
