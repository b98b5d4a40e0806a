"""One document's full text as HTML, with a pair's passages marked in place.

The text is cut at every boundary (passage starts and ends, difference
starts and ends) into non-overlapping pieces; a piece covered by passages is
in one ``<mark>`` of the lowest ``match_id`` (``data-covers`` lists all of
them), a difference is a ``span.del`` (side A) or ``span.ins`` (side B) inside
it, and an empty ``span.gap`` marks where the other side has text this side
lacks. Marks never nest and spans never cross marks (the package docstring,
:mod:`reuse.report.html`, describes the whole). Offsets are code-point offsets.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import Any

from reuse.report.html.markup import esc, escape_text, number

KINDS = ("reuse", "boilerplate", "quotation")


def kind_class(match: dict[str, Any], side: str | None = None) -> str:
    """The CSS class for a match's kind on ``side`` (unknown kinds are shown as reuse).

    An optional ``side_kind_a`` / ``side_kind_b`` (a passage can be a quotation in
    one document and plain reuse in the other) overrides ``kind`` on that side.

    >>> kind_class({"kind": "reuse", "side_kind_b": "quotation"}, "b")
    'quotation'
    """
    kind = str((side and match.get(f"side_kind_{side}")) or match.get("kind") or "reuse")
    return kind if kind in KINDS else "reuse"


def _short(text: str, limit: int = 120) -> str:
    """``text`` cut to ``limit`` code points, for tooltips."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def match_title(match: dict[str, Any]) -> str:
    """The tooltip of a passage: id, kind, similarity and edit distance."""
    parts = [f"passage {match.get('match_id')}", kind_class(match)]
    if match.get("similarity") is not None:
        parts.append(f"similarity {number(match['similarity']):.3f}")
    if match.get("edit_distance") is not None:
        parts.append(f"edit distance {match['edit_distance']}")
    return " · ".join(parts)


def clip(value: Any, low: int, high: int) -> int:
    """``value`` as an int within ``[low, high]``."""
    return max(low, min(high, int(number(value, low))))


class _Span:
    """One match on one side, with its differences on that side, prepared for cutting."""

    def __init__(self, order: int, match: dict[str, Any], side: str, text: str, other: str):
        n = len(text)
        self.order = order
        self.match = match
        self.id = str(match.get("match_id"))
        self.start = clip(match.get(f"{side}_start"), 0, n)
        self.end = clip(match.get(f"{side}_end"), self.start, n)
        # Changed ranges on this side: (start, end, other side's text), sorted.
        self.changes: list[tuple[int, int, str]] = []
        # Places where the other side has text this side lacks: position -> text.
        self.gaps: dict[int, list[str]] = {}
        mine, theirs = (1, 3) if side == "a" else (3, 1)
        marked = ("delete", "replace") if side == "a" else ("insert", "replace")
        for op in match.get("diff") or ():
            if len(op) < 5 or op[0] == "equal":
                continue
            s = clip(op[mine], self.start, self.end)
            e = clip(op[mine + 1], s, self.end)
            o_s = clip(op[theirs], 0, len(other))
            o_e = clip(op[theirs + 1], o_s, len(other))
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


def match_order(match: dict[str, Any]) -> tuple[float, str]:
    """Sort key: lowest ``match_id`` first (numerically when it is a number)."""
    return number(match.get("match_id"), float("inf")), str(match.get("match_id"))


class _SideHtml:
    """The HTML of one side as it is written: the mark open, the ids given, and
    the span that owns the text written last (whose gaps follow it)."""

    def __init__(self, side: str) -> None:
        self.side = side
        self.other_label = "B" if side == "a" else "A"
        self.change_cls = "del" if side == "a" else "ins"
        self.out: list[str] = []
        self.seen_ids: set[str] = set()
        self.open_group: tuple[str, tuple[str, ...]] | None = None
        self.owner: _Span | None = None

    def close(self) -> None:
        if self.open_group is not None:
            self.out.append("</mark>")
            self.open_group = None

    def gaps(self, span: _Span, pos: int) -> None:
        """The gaps of ``span`` at ``pos``: where the other side has more text."""
        for missing in span.gaps.get(pos, ()):
            title = f"{self.other_label} has: {_short(missing)}"
            self.out.append(f'<span class="gap" title="{esc(title)}"></span>')

    def _owner_ends_at(self, pos: int) -> None:
        if self.owner is not None and pos == self.owner.end:
            self.gaps(self.owner, pos)

    def plain(self, pos: int, piece: str) -> None:
        """A piece at ``pos`` that no passage covers."""
        self._owner_ends_at(pos)
        self.close()
        self.owner = None
        self.out.append(escape_text(piece))

    def _open(self, pos: int, covering: list[_Span]) -> None:
        """The mark of the passages ``covering`` a piece, unless it is open already."""
        head = covering[0]
        group = (head.id, tuple(x.id for x in covering))
        if group == self.open_group:
            return
        self._owner_ends_at(pos)
        self.close()
        attrs = [
            f'class="{kind_class(head.match, self.side)}"',
            f'data-match="{esc(head.id)}"',
            f'data-side="{self.side}"',
        ]
        if head.id not in self.seen_ids:
            self.seen_ids.add(head.id)
            attrs.append(f'id="{esc(f"m{head.id}-{self.side}")}"')
        if len(covering) > 1:
            attrs.append(f'data-covers="{esc(" ".join(group[1]))}"')
        attrs.append('tabindex="0"')
        attrs.append(f'title="{esc(match_title(head.match))}"')
        self.out.append(f"<mark {' '.join(attrs)}>")
        self.open_group = group

    def covered(self, pos: int, piece: str, covering: list[_Span]) -> None:
        """A piece at ``pos`` covered by passages: in their mark, a difference in a span."""
        self._open(pos, covering)
        head = covering[0]
        self.owner = head
        self.gaps(head, pos)
        shown = escape_text(piece)
        change = head.change_at(pos)
        if change is None:
            self.out.append(shown)
        else:
            other = change[2]
            label = self.other_label
            title = f"{label}: {_short(other)}" if other else f"not in {label}"
            self.out.append(f'<span class="{self.change_cls}" title="{esc(title)}">{shown}</span>')


def render_side(
    text: str, matches: Sequence[dict[str, Any]], side: str, other_text: str = ""
) -> str:
    """The HTML of one document's full text with the pair's passages marked.

    Args:
        text: the document's full original text.
        matches: the pair's matches (see :func:`reuse.report.html.pages.render_html`).
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
    ordered = sorted(matches, key=match_order)
    spans = [_Span(i, m, side, text, other_text) for i, m in enumerate(ordered)]
    spans = [s for s in spans if s.end > s.start]
    html = _SideHtml(side)
    for s, e, covering in _pieces(text, spans):
        if covering:
            html.covered(s, text[s:e], covering)
        else:
            html.plain(s, text[s:e])
    if html.owner is not None and html.owner.end == len(text):
        html.gaps(html.owner, len(text))
    html.close()
    return "".join(html.out)
