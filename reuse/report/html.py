"""Self-contained HTML pages for reviewers of reused text.

Every page this module and :mod:`reuse.report.html_pages` write needs no network: the
style sheet and the one script (:data:`SCRIPT`, the same on every page) are
inline, and a Content-Security-Policy ``<meta>`` lets only that script run
(``script-src`` names it by its SHA-256 hash), so text injected through a
document could not run even if it escaped the escaping.

The report comes in two forms (the rule is :func:`write_html_report`'s):

* **one file** (:func:`render_html`): the index (below) with its pair list
  linking to ``#pair-N`` sections further down the same page;
* **a folder** (:mod:`reuse.report.html_pages`): ``index.html`` and one page per
  document pair, ``pairs/0001.html`` ... in the order of the pair list.

The index, top to bottom: a header (title, generation time, database, how many
pairs are shown; a notice when pairs were left out, with the command that shows
them all), a filter box that narrows every table to the rows whose paths contain
all the words typed, the corpus overview (one row per document from the
``document_similarity`` view: share copied, copied characters, stock
characters, largest source; initially by share, largest first) and the
document pairs ranked by copied characters (as ``reuse report`` ranks them).
Every table sorts by a click on a column header (numbers largest first on the
first click, text A to Z; a second click reverses).

Paths are shown relative to the folder all the report's documents share (see
:class:`PathDisplay`), the file name always whole, the folders cut short (with
an ellipsis) when the column is narrow, never wrapped over lines; the full
path is in the ``title`` attribute.

A document pair is one ``<section class="pair" id="pair-N">``: a header (both
paths, their shares, the number of passages), a list of the passages, the two
documents side by side, each in its own scroll box (``div.box``), in full, with
line breaks kept, and (when the data has them) the typed edits of its passages
(table ``edits``: passage, op, text in A, text in B, category).

Inside a box the text is cut at every boundary (passage starts and ends,
difference starts and ends) into non-overlapping pieces. A piece covered by a
passage is inside a ``<mark class="KIND">`` (``reuse``, ``boilerplate`` or
``quotation``) with ``data-match`` (the passage's ``match_id``) and
``data-side`` (``a`` or ``b``); a piece covered by several overlapping passages
belongs to the one with the lowest ``match_id`` and its mark lists all of them
in ``data-covers``. The first mark of a passage on a side has the id
``m<match_id>-a`` / ``m<match_id>-b`` (later fragments of a passage split by an
overlapping one carry no id). Differences are spans inside the marks:
``span.del`` (in A, deleted or replaced in B), ``span.ins`` (in B, inserted or
replacing text of A), and an empty ``span.gap`` where the other side has text
that this side lacks; their ``title`` shows the other side's text. Marks
never nest in one another and spans never cross marks, so the HTML is always
well formed.

Clicking a passage (or pressing Enter on it) makes all its marks in the pair
``active`` and scrolls the other column's box so the corresponding place is
level with the click. A passage's link in the passage list or the edits table
scrolls box A to it.

All offsets are code-point offsets into the original texts, which is what
Python ``str`` indexing uses, so astral characters (such as "𠮷") need no
special care. Every piece of text that comes from the data is escaped with
``html.escape(quote=True)``; the script contains no data at all (it reads the
DOM).
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

    from reuse.report.html_pages import HtmlReportResult

__all__ = [
    "render_html",
    "render_side",
    "write_html_report",
    "script_hash",
    "PathDisplay",
    "CSP",
    "SCRIPT",
    "STYLE",
    "COLOURS",
]

KINDS = ("reuse", "boilerplate", "quotation")

#: Background colours of the highlights (also used by the tests' screenshot check).
COLOURS = {
    "reuse": "#ffe98a",
    "boilerplate": "#d9d9d9",
    "quotation": "#bcdcff",
    "del": "#ff9e9e",
    "ins": "#8fe39a",
}

STYLE = """
:root { color-scheme: light; }
body { font-family: system-ui, sans-serif; margin: 0 1.5rem 3rem; color: #1b1b1b;
  background: #fff; line-height: 1.45; }
h1 { font-size: 1.4rem; margin: 1rem 0 .2rem; }
h2 { font-size: 1.1rem; margin: 1.2rem 0 .3rem; }
.meta { color: #555; font-size: .85rem; margin: 0 0 .6rem; }
.legend { font-size: .85rem; margin: .4rem 0 1rem; }
.legend > * { margin-right: .8rem; }
.notice { background: #fff4d6; border: 1px solid #e0b84c; border-radius: 3px;
  padding: .45rem .8rem; font-size: .9rem; margin: .4rem 0 .8rem; }
code { font-family: ui-monospace, monospace; background: #f3f3f3; padding: 0 .25rem;
  overflow-wrap: anywhere; }
.toolbar { position: sticky; top: 0; z-index: 2; background: #fff; display: flex;
  flex-wrap: wrap; gap: .4rem 1.2rem; align-items: center; padding: .45rem 0;
  border-bottom: 1px solid #ddd; font-size: .85rem; }
.toolbar input { font: inherit; font-size: .95rem; padding: .25rem .5rem; width: 24rem;
  max-width: 70vw; }
.count { color: #555; }
.tablewrap { overflow-x: auto; margin-bottom: 1.2rem; }
table.grid { border-collapse: collapse; font-size: .85rem; }
table.grid th, table.grid td { border-bottom: 1px solid #ddd; padding: .22rem .45rem;
  text-align: left; vertical-align: top; }
table.grid td.num, table.grid th.num { text-align: right; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
table.grid th { background: #f3f3f3; white-space: nowrap; position: sticky; top: 0; }
table.sortable th[data-type] { cursor: pointer; user-select: none; }
table.grid th[aria-sort="ascending"]::after { content: " \\25B2"; }
table.grid th[aria-sort="descending"]::after { content: " \\25BC"; }
table.grid tbody tr:hover { background: #f7f9ff; }
tr[hidden] { display: none; }
td.path { white-space: nowrap; max-width: 36rem; }
.p { display: inline-flex; max-width: 100%; white-space: nowrap; vertical-align: bottom; }
.p .dir { color: #777; flex: 0 1 auto; min-width: 1.5em; max-width: 9em; overflow: hidden;
  text-overflow: ellipsis; }
nav.crumbs { font-size: .85rem; margin: .8rem 0 0; }
nav.crumbs > * { margin-right: .8rem; }
section.pair { border-top: 2px solid #888; padding-top: .8rem; margin-top: 1.5rem; }
section.pair h2 { margin-top: 0; }
.pairmeta { font-size: .85rem; color: #444; margin: 0 0 .4rem; }
.passages { font-size: .8rem; margin: 0 0 .5rem; padding: 0; list-style: none; }
.passages li { display: inline-block; margin: 0 .6rem .2rem 0; }
.cols { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; }
.colhead { font-size: .8rem; font-weight: 600; margin-bottom: .2rem; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
.box { max-height: 70vh; overflow: auto; border: 1px solid #bbb; padding: .5rem .7rem;
  white-space: pre-wrap; overflow-wrap: anywhere; font-size: 15px; line-height: 1.7;
  background: #fff; }
mark { color: inherit; cursor: pointer; border-radius: 2px; }
mark.reuse { background: #ffe98a; }
mark.boilerplate { background: #d9d9d9; }
mark.quotation { background: #bcdcff; }
mark.active { outline: 2px solid #d35400; outline-offset: 0; }
span.del { background: #ff9e9e; text-decoration: line-through; text-decoration-color: #a00; }
span.ins { background: #8fe39a; }
span.gap::before { content: "\\2038"; color: #c00; font-weight: 700; }
details.edits { margin-top: 1rem; }
details.edits summary { cursor: pointer; font-weight: 600; font-size: .95rem; }
table.edits td.etext { white-space: pre-wrap; overflow-wrap: anywhere; max-width: 28rem; }
table.edits td.etext:empty::before { content: "\\2205"; color: #999; }
a { color: #0645ad; }
@media print { .box { max-height: none; overflow: visible; } .toolbar { position: static; } }
"""

SCRIPT = """
(function () {
  "use strict";
  function marksOf(section, id, side) {
    var out = [];
    section.querySelectorAll("mark[data-match]").forEach(function (m) {
      if (m.dataset.match === id && (!side || m.dataset.side === side)) { out.push(m); }
    });
    return out;
  }
  function counterpart(mark) {
    var section = mark.closest("section.pair");
    var id = mark.dataset.match;
    var other = mark.dataset.side === "a" ? "b" : "a";
    var own = marksOf(section, id, other);
    if (own.length) { return own[0]; }
    var covering = null;
    section.querySelectorAll('mark[data-side="' + other + '"][data-covers]').forEach(
      function (m) {
        if (!covering && m.dataset.covers.split(" ").indexOf(id) >= 0) { covering = m; }
      });
    return covering;
  }
  function activate(mark, clientY) {
    var section = mark.closest("section.pair");
    document.querySelectorAll("mark.active").forEach(function (m) {
      m.classList.remove("active");
    });
    marksOf(section, mark.dataset.match, null).forEach(function (m) {
      m.classList.add("active");
    });
    var target = counterpart(mark);
    if (!target) { return; }
    target.classList.add("active");
    var srcBox = mark.closest(".box"), box = target.closest(".box");
    var r = mark.getBoundingClientRect(), sb = srcBox.getBoundingClientRect();
    if (clientY === null) { clientY = Math.max(r.top, sb.top); }
    var frac = r.height > 0 ? Math.min(1, Math.max(0, (clientY - r.top) / r.height)) : 0;
    var anchor = Math.min(Math.max(clientY - sb.top, 0), box.clientHeight);
    var tr = target.getBoundingClientRect(), tb = box.getBoundingClientRect();
    box.scrollTop += tr.top - tb.top + frac * tr.height - anchor;
  }
  function sortBy(th) {
    var table = th.closest("table"), body = table.tBodies[0];
    var col = th.cellIndex, numeric = th.dataset.type === "num";
    var now = th.getAttribute("aria-sort");
    var dir = now === "descending" ? "ascending" :
      now === "ascending" ? "descending" : (numeric ? "descending" : "ascending");
    table.querySelectorAll("th[aria-sort]").forEach(function (h) {
      h.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", dir);
    var sign = dir === "ascending" ? 1 : -1;
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (x, y) {
      var a = x.cells[col], b = y.cells[col];
      if (numeric) {
        return sign * (parseFloat(a.dataset.value) - parseFloat(b.dataset.value));
      }
      return sign * a.textContent.localeCompare(b.textContent);
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  function filterRows(input) {
    var words = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
    document.querySelectorAll("table.filterable").forEach(function (table) {
      var rows = table.tBodies[0].rows, shown = 0;
      Array.prototype.forEach.call(rows, function (row) {
        var path = (row.dataset.path || "").toLowerCase();
        var keep = words.every(function (w) { return path.indexOf(w) >= 0; });
        row.hidden = !keep;
        if (keep) { shown += 1; }
      });
      var count = document.querySelector('[data-count="' + table.id + '"]');
      if (count) {
        count.textContent = (words.length ? shown + " of " : "") + rows.length + " " +
          count.dataset.noun;
      }
    });
  }
  function handle(ev, keyboard) {
    var t = ev.target;
    if (!(t instanceof Element)) { return; }
    var go = t.closest("a[data-goto]");
    if (go) {
      var section = go.closest("section.pair");
      var first = marksOf(section, go.dataset.goto, "a")[0] ||
        marksOf(section, go.dataset.goto, "b")[0];
      if (first) {
        ev.preventDefault();
        var box = first.closest(".box");
        box.scrollTop += first.getBoundingClientRect().top -
          box.getBoundingClientRect().top - 8;
        activate(first, null);
      }
      return;
    }
    var pick = t.closest("a[data-filter-path]");
    if (pick) {
      var input = document.querySelector("input[data-filter]");
      if (input) { input.value = pick.dataset.filterPath; filterRows(input); }
      return;
    }
    var th = t.closest("table.sortable th[data-type]");
    if (th) { ev.preventDefault(); sortBy(th); return; }
    var mark = t.closest("mark[data-match]");
    if (mark) { ev.preventDefault(); activate(mark, keyboard ? null : ev.clientY); }
  }
  document.addEventListener("click", function (ev) { handle(ev, false); });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" || ev.key === " ") {
      if (ev.target instanceof Element && ev.target.closest("input")) { return; }
      handle(ev, true);
    }
  });
  document.addEventListener("input", function (ev) {
    if (ev.target instanceof Element && ev.target.matches("input[data-filter]")) {
      filterRows(ev.target);
    }
  });
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    if (input.value) { filterRows(input); }
  });
})();
"""


def script_hash(script: str = SCRIPT) -> str:
    """The CSP source expression of an inline script: ``'sha256-<base64 digest>'``."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


#: The page's Content-Security-Policy: nothing but the inline style and this script.
CSP = (
    f"default-src 'none'; script-src {script_hash()}; style-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


def _esc(value: Any) -> str:
    """Text (or anything printable) escaped for element content and quoted attributes.

    >>> _esc('<a href="x">&</a>')
    '&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;'
    """
    return html.escape("" if value is None else str(value), quote=True)


def _text(text: str) -> str:
    """Document text escaped for element content, carriage returns kept as ``&#13;``.

    A literal CR would be turned into a line feed by the HTML parser (a CR LF
    cut by a mark boundary would then show as two line breaks); a character
    reference keeps the DOM text identical to the original.

    >>> _text("<a>\\r\\n")
    '&lt;a&gt;&#13;\\n'
    """
    return html.escape(text, quote=True).replace("\r", "&#13;")


def _num(value: Any, default: float = 0.0) -> float:
    """``value`` as a float, ``default`` when it is missing or not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _pct(value: Any) -> str:
    """A share 0..1 as a percentage for display.

    >>> _pct(0.98772)
    '98.8 %'
    """
    return f"{_num(value) * 100:.1f} %"


def _kind(match: dict[str, Any], side: str | None = None) -> str:
    """The CSS class for a match's kind on ``side`` (unknown kinds are shown as reuse).

    An optional ``side_kind_a`` / ``side_kind_b`` (a passage can be a quotation in
    one document and plain reuse in the other) overrides ``kind`` on that side.

    >>> _kind({"kind": "reuse", "side_kind_b": "quotation"}, "b")
    'quotation'
    """
    kind = str((side and match.get(f"side_kind_{side}")) or match.get("kind") or "reuse")
    return kind if kind in KINDS else "reuse"


def _short(text: str, limit: int = 120) -> str:
    """``text`` cut to ``limit`` code points, for tooltips."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _match_title(match: dict[str, Any]) -> str:
    """The tooltip of a passage: id, kind, similarity and edit distance."""
    parts = [f"passage {match.get('match_id')}", _kind(match)]
    if match.get("similarity") is not None:
        parts.append(f"similarity {_num(match['similarity']):.3f}")
    if match.get("edit_distance") is not None:
        parts.append(f"edit distance {match['edit_distance']}")
    return " · ".join(parts)


def _clip(value: Any, low: int, high: int) -> int:
    """``value`` as an int within ``[low, high]``."""
    return max(low, min(high, int(_num(value, low))))


class _Span:
    """One match on one side, with its differences on that side, prepared for cutting."""

    def __init__(self, order: int, match: dict[str, Any], side: str, text: str, other: str):
        n = len(text)
        self.order = order
        self.match = match
        self.id = str(match.get("match_id"))
        self.start = _clip(match.get(f"{side}_start"), 0, n)
        self.end = _clip(match.get(f"{side}_end"), self.start, n)
        # Changed ranges on this side: (start, end, other side's text), sorted.
        self.changes: list[tuple[int, int, str]] = []
        # Places where the other side has text this side lacks: position -> text.
        self.gaps: dict[int, list[str]] = {}
        mine, theirs = (1, 3) if side == "a" else (3, 1)
        marked = ("delete", "replace") if side == "a" else ("insert", "replace")
        for op in match.get("diff") or ():
            if len(op) < 5 or op[0] == "equal":
                continue
            s = _clip(op[mine], self.start, self.end)
            e = _clip(op[mine + 1], s, self.end)
            o_s = _clip(op[theirs], 0, len(other))
            o_e = _clip(op[theirs + 1], o_s, len(other))
            if op[0] in marked and e > s:
                self.changes.append((s, e, other[o_s:o_e]))
            elif e == s and o_e > o_s:
                self.gaps.setdefault(s, []).append(other[o_s:o_e])
        self.changes.sort()
        self._starts = [c[0] for c in self.changes]

    def boundaries(self) -> Iterable[int]:
        """Every offset where this span's rendering may change."""
        yield self.start
        yield self.end
        for s, e, _ in self.changes:
            yield s
            yield e
        yield from self.gaps

    def change_at(self, pos: int) -> tuple[int, int, str] | None:
        """The changed range containing ``pos``, if any."""
        i = bisect_right(self._starts, pos) - 1
        if i >= 0 and self.changes[i][0] <= pos < self.changes[i][1]:
            return self.changes[i]
        return None


def _pieces(text: str, spans: Sequence[_Span]) -> list[tuple[int, int, list[_Span]]]:
    """Cut ``text`` at all boundaries; each piece with the spans covering it, lowest first.

    >>> m = [{"match_id": 1, "a_start": 3, "a_end": 5, "diff": []},
    ...      {"match_id": 2, "a_start": 1, "a_end": 4, "diff": []}]
    >>> spans = [_Span(i, x, "a", "abcdef", "") for i, x in enumerate(m)]
    >>> [(s, e, [x.id for x in c]) for s, e, c in _pieces("abcdef", spans)]
    [(0, 1, []), (1, 3, ['2']), (3, 4, ['1', '2']), (4, 5, ['1']), (5, 6, [])]
    """
    cuts = {0, len(text)}
    for span in spans:
        cuts.update(span.boundaries())
    ordered = sorted(cuts)
    starting: dict[int, list[_Span]] = {}
    for span in spans:
        if span.end > span.start:
            starting.setdefault(span.start, []).append(span)
    active: list[_Span] = []
    out = []
    for s, e in zip(ordered, ordered[1:]):
        active = [x for x in active if x.end > s] + starting.get(s, [])
        active.sort(key=lambda x: x.order)
        out.append((s, e, list(active)))
    return out


def _match_order(match: dict[str, Any]) -> tuple[float, str]:
    """Sort key: lowest ``match_id`` first (numerically when it is a number)."""
    return _num(match.get("match_id"), float("inf")), str(match.get("match_id"))


def render_side(
    text: str, matches: Sequence[dict[str, Any]], side: str, other_text: str = ""
) -> str:
    """The HTML of one document's full text with the pair's passages marked.

    Args:
        text: the document's full original text.
        matches: the pair's matches (see :func:`render_html`).
        side: ``"a"`` or ``"b"``: which offsets of the matches belong to ``text``.
        other_text: the other document's text, for the differences' tooltips.

    >>> render_side("xx𠮷yz", [{"match_id": 7, "kind": "reuse", "a_start": 1, "a_end": 4,
    ...     "b_start": 0, "b_end": 3, "diff": [["equal", 1, 2, 0, 1],
    ...     ["replace", 2, 3, 1, 2], ["equal", 3, 4, 2, 3]]}], "a", "x<y")
    'x<mark class="reuse" data-match="7" data-side="a" id="m7-a" tabindex="0" \
title="passage 7 · reuse">x<span class="del" title="B: &lt;">𠮷</span>y</mark>z'
    """
    if side not in ("a", "b"):
        raise ValueError(f"side must be 'a' or 'b', not {side!r}")
    ordered = sorted(matches, key=_match_order)
    spans = [_Span(i, m, side, text, other_text) for i, m in enumerate(ordered)]
    spans = [s for s in spans if s.end > s.start]
    other_label = "B" if side == "a" else "A"
    change_cls = "del" if side == "a" else "ins"
    out: list[str] = []
    seen_ids: set[str] = set()
    open_group: tuple[str, tuple[str, ...]] | None = None
    owner: _Span | None = None

    def close() -> None:
        nonlocal open_group
        if open_group is not None:
            out.append("</mark>")
            open_group = None

    def gaps(span: _Span, pos: int) -> None:
        for missing in span.gaps.get(pos, ()):
            title = f"{other_label} has: {_short(missing)}"
            out.append(f'<span class="gap" title="{_esc(title)}"></span>')

    for s, e, covering in _pieces(text, spans):
        if not covering:
            if owner is not None and s == owner.end:
                gaps(owner, s)
            close()
            owner = None
            out.append(_text(text[s:e]))
            continue
        head = covering[0]
        group = (head.id, tuple(x.id for x in covering))
        if group != open_group:
            if owner is not None and s == owner.end:
                gaps(owner, s)
            close()
            attrs = [
                f'class="{_kind(head.match, side)}"',
                f'data-match="{_esc(head.id)}"',
                f'data-side="{side}"',
            ]
            if head.id not in seen_ids:
                seen_ids.add(head.id)
                attrs.append(f'id="{_esc(f"m{head.id}-{side}")}"')
            if len(covering) > 1:
                attrs.append(f'data-covers="{_esc(" ".join(group[1]))}"')
            attrs.append('tabindex="0"')
            attrs.append(f'title="{_esc(_match_title(head.match))}"')
            out.append(f"<mark {' '.join(attrs)}>")
            open_group = group
        owner = head
        gaps(head, s)
        piece = _text(text[s:e])
        change = head.change_at(s)
        if change is None:
            out.append(piece)
        else:
            other = change[2]
            title = f"{other_label}: {_short(other)}" if other else f"not in {other_label}"
            out.append(f'<span class="{change_cls}" title="{_esc(title)}">{piece}</span>')
    if owner is not None and owner.end == len(text):
        gaps(owner, len(text))
    close()
    return "".join(out)


# --- paths ---------------------------------------------------------------------------------


def common_folder(paths: Iterable[Any]) -> str:
    """The longest folder (ending in ``/``) that every path is in; ``""`` if none.

    >>> common_folder(["gov/a/x.txt", "gov/b/y.txt", "gov/a/z.txt"])
    'gov/'
    >>> common_folder(["gov/a/x.txt"])
    'gov/a/'
    >>> common_folder(["a/x.txt", "b/y.txt"])
    ''
    """
    folders = [str(p).split("/")[:-1] for p in paths if p is not None]
    if not folders:
        return ""
    shared = folders[0]
    for parts in folders[1:]:
        n = 0
        while n < min(len(shared), len(parts)) and shared[n] == parts[n]:
            n += 1
        shared = shared[:n]
    return "".join(part + "/" for part in shared)


class PathDisplay:
    """How a report shows document paths.

    Relative to the folder all the report's documents share (:func:`common_folder`,
    shown once in the page header), as ``<span class="p">`` with the full path in
    its ``title``: the folders in ``span.dir`` (cut with an ellipsis by the style
    sheet when the column is narrow), then the file name, whole unless
    it is wider than :attr:`FILE_MAX` (then its middle is cut, the end and the
    extension kept).

    >>> d = PathDisplay(["gov/national/a.txt", "gov/b<1>.txt"])
    >>> d.prefix, d.relative("gov/national/a.txt")
    ('gov/', 'national/a.txt')
    >>> d.html("gov/b<1>.txt")
    '<span class="p" title="gov/b&lt;1&gt;.txt">b&lt;1&gt;.txt</span>'
    >>> d.html("gov/national/a.txt", "#pair-1")  # doctest: +NORMALIZE_WHITESPACE
    '<a class="p" href="#pair-1" title="gov/national/a.txt">\
<span class="dir">national/</span>a.txt</a>'
    """

    FILE_MAX = 40

    def __init__(self, paths: Iterable[Any] = ()) -> None:
        self.prefix = common_folder(paths)

    def relative(self, path: Any) -> str:
        """``path`` without the shared folder."""
        text = "" if path is None else str(path)
        return text[len(self.prefix) :] if self.prefix and text.startswith(self.prefix) else text

    def short_name(self, name: str) -> str:
        """A file name cut in the middle when wider than :attr:`FILE_MAX` (a wide
        character, such as a Chinese one, counts two), the end and the extension kept.

        >>> PathDisplay().short_name("x" * 60 + ".txt")
        'xxxxxxxxxxxxxxxxxxxxxxx…xxxxxxxxxxxx.txt'
        >>> PathDisplay().short_name("中" * 30 + ".txt")
        '中中中中中中中中中中中…中中中中中中.txt'
        """
        widths = [2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in name]
        if sum(widths) <= self.FILE_MAX:
            return name
        tail_room = self.FILE_MAX * 2 // 5
        head_room = self.FILE_MAX - tail_room - 1
        head = tail = used = 0
        while used + widths[head] <= head_room:
            used += widths[head]
            head += 1
        used = 0
        while used + widths[-1 - tail] <= tail_room:
            used += widths[-1 - tail]
            tail += 1
        return name[:head] + "…" + name[len(name) - tail :]

    def html(self, path: Any, href: str | None = None) -> str:
        """The path as ``span.p`` (see the class), or as a link ``a.p`` to ``href``.

        The file name is the element's own text (so it is never cut by the style
        sheet, and the element is the smallest one holding it).
        """
        folder, _, name = self.relative(path).rpartition("/")
        folder_html = f'<span class="dir">{_esc(folder + "/")}</span>' if folder else ""
        inner = f"{folder_html}{_esc(self.short_name(name))}"
        if href is not None:
            return f'<a class="p" href="{_esc(href)}" title="{_esc(path)}">{inner}</a>'
        return f'<span class="p" title="{_esc(path)}">{inner}</span>'


# --- one document pair ---------------------------------------------------------------------


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
            f'<td class="num" data-value="{int(_num(match_id))}">'
            f'<a href="#{_esc(f"m{match_id}-a")}" data-goto="{_esc(match_id)}">'
            f"{_esc(match_id)}</a></td>"
            f'<td class="num" data-value="{int(_num(e.get("edit_no")))}">'
            f"{_esc(e.get('edit_no'))}</td>"
            f"<td>{_esc(e.get('op'))}</td>"
            f'<td class="etext" lang="zh">{_text(str(e.get("old_text") or ""))}</td>'
            f'<td class="etext" lang="zh">{_text(str(e.get("new_text") or ""))}</td>'
            f"<td>{_esc(e.get('category'))}</td>"
            "</tr>"
        )
    n = len(edits)
    return (
        f'<details class="edits" open><summary>Typed edits: {n} in {passages} '
        f"passage{'s' if passages != 1 else ''} ({_esc(by_cat)})</summary>"
        '<p class="meta">From A to B, widened to whole words; a passage number scrolls to '
        "the passage.</p>"
        '<div class="tablewrap"><table class="grid sortable edits"><thead><tr>'
        '<th class="num" data-type="num" aria-sort="ascending">Passage</th>'
        '<th class="num" data-type="num">Edit</th>'
        '<th data-type="text">Op</th><th data-type="text">In A</th>'
        '<th data-type="text">In B</th><th data-type="text">Category</th>'
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div></details>"
    )


def _pair_html(
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
        kinds[_kind(m)] = kinds.get(_kind(m), 0) + 1
    by_kind = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    n = len(matches)
    passages = []
    for m in sorted(matches, key=_match_order):
        length = _clip(m.get("a_end"), 0, len(text_a)) - _clip(m.get("a_start"), 0, len(text_a))
        label = f"#{m.get('match_id')} {_kind(m)}, {max(length, 0)} chars"
        if m.get("similarity") is not None:
            label += f", sim {_num(m['similarity']):.2f}"
        match_id = m.get("match_id")
        passages.append(
            f'<li><a href="#{_esc(f"m{match_id}-a")}" '
            f'data-goto="{_esc(match_id)}" title="{_esc(_match_title(m))}">'
            f"{_esc(label)}</a></li>"
        )
    edits = pair.get("edits")
    return (
        f'<section class="pair" id="pair-{index}">'
        f"<h2>{paths.html(a.get('path'))} ↔ {paths.html(b.get('path'))}</h2>"
        f'<p class="pairmeta">A: {_pct(a.get("share"))} copied · B: {_pct(b.get("share"))} '
        f"copied · {n} passage{'s' if n != 1 else ''}"
        f"{f' ({_esc(by_kind)})' if by_kind else ''} · "
        f'<a href="{_esc(back[0])}" class="back">{_esc(back[1])}</a></p>'
        f'<ul class="passages">{"".join(passages)}</ul>'
        '<div class="cols">'
        f'<div class="col"><div class="colhead">A · {_pct(a.get("share"))} · '
        f"{paths.html(a.get('path'))}</div>"
        f'<div class="box" data-side="a" lang="zh" tabindex="0">'
        f"{render_side(text_a, matches, 'a', text_b)}</div></div>"
        f'<div class="col"><div class="colhead">B · {_pct(b.get("share"))} · '
        f"{paths.html(b.get('path'))}</div>"
        f'<div class="box" data-side="b" lang="zh" tabindex="0">'
        f"{render_side(text_b, matches, 'b', text_a)}</div></div>"
        "</div>"
        f"{_edits_html(edits, n) if edits is not None else ''}"
        "</section>"
    )


def _legend() -> str:
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


def page(title: str, body: str) -> str:
    """A whole HTML document: the CSP, the style sheet, ``body`` (HTML) and the script."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_esc(CSP)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{_esc(title)}</title>\n"
        f"<style>{STYLE}</style>\n"
        "</head><body>\n"
        f"{body}\n"
        f"<script>{SCRIPT}</script>\n"
        "</body></html>\n"
    )


# --- the report ----------------------------------------------------------------------------


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
    shows of how many, and ``command``. (:mod:`reuse.report.html_pages` builds the page.)
    """
    from reuse.report.html_pages import render_single_page  # it builds on this module

    return render_single_page(data)


def write_html_report(
    con: duckdb.DuckDBPyConnection,
    output: str | os.PathLike[str],
    doc: str | None = None,
    limit: int | None = None,
    force: bool = False,
    *,
    kind: str = "reuse",
    min_chars: int = 0,
    min_share: float = 0.0,
    min_similarity: float = 0.0,
    database: str | os.PathLike[str] | None = None,
) -> HtmlReportResult:
    """Write the HTML report of the database ``con`` reads to ``output``; the CLI's
    ``reuse report --format html -o OUTPUT``.

    The rule: ``output`` is **one file** when it ends in ``.html`` or ``.htm``
    (any case) and is not an existing folder; anything else (``report/``,
    ``report``, an existing folder) is **a folder**.

    * One file (:func:`render_html`): the index and every pair on one page; at
      most ``limit`` pairs (``0``: all; ``None``: :data:`reuse.report.reports.HTML_MAX_PAIRS`,
      100), the most copied first: for ``--doc`` or a few pairs. When pairs are
      left out, the page says how many it shows of how many, and the command that
      writes them all (a folder).
    * A folder (:mod:`reuse.report.html_pages`): ``index.html`` (overview and all pairs,
      filter box, sortable tables) and ``pairs/0001.html`` ... one page per pair
      in the index's order, with the typed edits of its passages; every pair
      unless ``limit`` is a number above 0 (then the index says how many were
      left out, and the command for all). An existing folder must be empty unless ``force``; with
      ``force`` its ``index.html`` and ``pairs/NNNN.html`` pages are replaced and
      pair pages of an earlier, longer report removed (nothing else in the folder
      is touched). The pages are built in a temporary folder beside the output
      and renamed into place when complete, so a failed write leaves the old
      report (or none).

    ``doc``: only the pairs of this document (path or file name); ``kind``:
    ``reuse`` (the CLI's default), ``boilerplate`` or ``all``; ``min_chars``,
    ``min_similarity``: only passages of at least this many characters, this
    similarity; ``min_share``: only pairs where a document copied at least this
    share of its characters from the other; ``database``: the database
    file as the user named it (default: the file ``con`` reads), never
    written over and named in the pages. The rules of :mod:`reuse.report.outputs`
    hold (never the database, never over an existing file unless ``force``,
    never half a file, a missing parent folder is a message); the output is
    checked before any work, so a refusal (:class:`reuse.errors.OutputError`)
    is immediate. Returns what was written (:class:`reuse.report.html_pages.HtmlReportResult`,
    whose ``summary()`` is the line to print).
    """
    from reuse.report.html_pages import write_report

    return write_report(
        con,
        Path(output),
        doc,
        limit,
        force,
        kind=kind,
        min_chars=min_chars,
        min_share=min_share,
        min_similarity=min_similarity,
        database=database,
    )
