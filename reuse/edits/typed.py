"""Typed edits of a match: the character edit script widened to jieba words,
merged, located in the original texts and classed (see :mod:`reuse.edits`)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from reuse.edits.jieba_words import (
    BLOCK_CHARS,
    BLOCK_RE,
    UP_TO_LAST_NON_BLOCK_RE,
    block_tokens,
    tag_text,
    text_tokens,
)
from reuse.edits.model import CONTEXT, HOT_MARGIN, MAX_BLOCK_EXTENSION, Edit, MatchSide, Token
from reuse.edits.rules import (
    DATE_RE,
    DURATION_RE,
    LINE_BREAKS,
    SENTENCE_BREAKS,
    is_punct,
    place_like,
    retag,
    structural,
    word_class,
)
from reuse.text.edit_script import changes

#: ``(i1, i2, j1, j2)``: passage A's ``[i1, i2)`` changed into passage B's ``[j1, j2)``.
_Span = tuple[int, int, int, int]


class _Window:
    """The jieba words covering a passage range ``[s, e)``: the range widened to
    whole jieba blocks (by at most ``MAX_BLOCK_EXTENSION`` characters each way),
    taken from the whole normalised document ``text``, in which the passage
    starts at ``base``. Offsets are passage offsets. jieba's HMM runs on the
    unknown runs within ``HOT_MARGIN`` characters of the range. Date
    expressions are searched in the range plus ``CONTEXT`` characters."""

    __slots__ = ("start", "tokens", "starts", "_doc", "_base", "_s", "_e", "_dates")

    def __init__(self, text: str, base: int, s: int, e: int) -> None:
        n = len(text)
        lo, hi = base + s, base + e
        c = text[lo]
        if "\u4e00" <= c <= "\u9fd5" or c in BLOCK_CHARS:
            floor = max(0, lo - MAX_BLOCK_EXTENSION)
            m = UP_TO_LAST_NON_BLOCK_RE.match(text, floor, lo)
            lo = m.end() if m else floor
        c = text[hi - 1]
        if "\u4e00" <= c <= "\u9fd5" or c in BLOCK_CHARS:
            m = BLOCK_RE.match(text, hi, min(n, hi + MAX_BLOCK_EXTENSION))
            if m:
                hi = m.end()
        self.start = lo - base
        self.tokens: Sequence[Token]
        m = BLOCK_RE.match(text, lo, hi)
        if m and m.end() == hi:  # one block (the common case): its cached words
            hot = base + s - lo
            self.tokens, self.starts = block_tokens(
                m.group(), hot - HOT_MARGIN, hot + e - s + HOT_MARGIN
            )
        else:
            self.tokens = text_tokens(text, lo, hi, base + s - HOT_MARGIN, base + e + HOT_MARGIN)
            self.starts = [t[0] for t in self.tokens]
        self._doc, self._base = text, base
        self._s, self._e = min(lo, base + s - CONTEXT), max(hi, base + e + CONTEXT)
        self._dates: list[tuple[int, int]] | None = None

    def word_at(self, i: int) -> tuple[int, int]:
        """Passage range of the word containing passage offset ``i`` (inside the window)."""
        k = bisect_right(self.starts, i - self.start) - 1
        s, e = self.tokens[k][0], self.tokens[k][1]
        return s + self.start, e + self.start

    def words(self, s: int, e: int) -> list[tuple[str, str, int, int]]:
        """``(word, tag, start, end)`` of the words overlapping passage range ``[s, e)``,
        white-space tokens left out, place names re-tagged."""
        lo, hi = s - self.start, e - self.start
        out = []
        tokens = self.tokens
        for k in range(max(0, bisect_right(self.starts, lo) - 1), len(tokens)):
            ws, we, word, _ = tokens[k]
            if we <= lo:
                continue
            if ws >= hi:
                break
            if word.isspace():
                continue
            out.append((word, retag(tokens, k), ws + self.start, we + self.start))
        return out

    def dates(self) -> list[tuple[int, int]]:
        """Passage ranges of the date and time expressions in the window."""
        if self._dates is None:
            lo, hi, base = max(0, self._s), min(len(self._doc), self._e), self._base
            self._dates = [
                (m.start() - base, m.end() - base) for m in DATE_RE.finditer(self._doc, lo, hi)
            ]
        return self._dates


# ---------------------------------------------------------------------- one edit


@dataclass(slots=True)
class _Work:
    """An edit under construction (passage offsets): A's ``[i1, i2)`` against B's
    ``[j1, j2)``; ``category`` is set for a structural edit (not widened), the
    windows hold the jieba words of a widened edit's sides."""

    i1: int
    i2: int
    j1: int
    j2: int
    category: str | None
    win_a: _Window | None
    win_b: _Window | None


def _widen(a: MatchSide, b: MatchSide, edit: _Span, room: tuple[int, int]) -> _Work:
    """Grow an edit by the same number of (equal) characters on both sides until
    each side with text starts and ends on a jieba word boundary.

    ``room``: equal characters available before and after the edit (up to the
    neighbouring edit or the passage edge).
    """
    i1, i2, j1, j2 = edit
    left_room, right_room = room
    ta, a0, tb, b0 = a.normalised.text, a.start, b.normalised.text, b.start
    win_a = _Window(ta, a0, i1, i2) if i2 > i1 else None
    win_b = _Window(tb, b0, j1, j2) if j2 > j1 else None
    kl = kr = 0
    while True:
        nl, nr = kl, kr
        for side in (0, 1):
            if side == 0:
                s, e, win, text, base = i1 - kl, i2 + kr, win_a, ta, a0
            else:
                s, e, win, text, base = j1 - kl, j2 + kr, win_b, tb, b0
            if e <= s:
                continue
            if win is None:  # an insert/delete that grew into text on this side
                win = _Window(text, base, s, e)
                if side == 0:
                    win_a = win
                else:
                    win_b = win
            ws, _ = win.word_at(s)
            nl = max(nl, kl + s - ws)
            _, we = win.word_at(e - 1)
            nr = max(nr, kr + we - e)
        nl, nr = min(nl, left_room), min(nr, right_room)
        if nl == kl and nr == kr:
            break
        kl, kr = nl, nr
    return _Work(i1 - kl, i2 + kr, j1 - kl, j2 + kr, None, win_a, win_b)


def _structural_of(a: MatchSide, b: MatchSide, edit: _Span) -> str | None:
    """Structural category of a character edit with text on one side only (the
    other side empty or punctuation)."""
    i1, i2, j1, j2 = edit
    old, new = a.text[i1:i2], b.text[j1:j2]
    if new and (not old or is_punct(old)) and not is_punct(new):
        s, e = _original_range(b, j1, j2)
        mid = not old and _mid_sentence(a, i1)
        return structural(new, b.original, s, e, mid)
    if old and (not new or is_punct(new)) and not is_punct(old):
        s, e = _original_range(a, i1, i2)
        mid = not new and _mid_sentence(b, j1)
        return structural(old, a.original, s, e, mid)
    return None


def _mid_sentence(side: MatchSide, i: int) -> bool:
    """True if passage offset ``i`` (strictly inside the passage) is inside a
    sentence: neither neighbouring character is a sentence break (``。!?;:``)
    and no line break lies between them in the original."""
    nt, p = side.normalised, side.start + i
    if not side.start < p < side.end:
        return False
    text = nt.text
    if text[p - 1] in SENTENCE_BREAKS or text[p] in SENTENCE_BREAKS:
        return False
    between = side.original[int(nt.origin[p - 1]) + 1 : int(nt.origin[p])]
    return not any(c in LINE_BREAKS for c in between)


def _original_range(side: MatchSide, i1: int, i2: int) -> tuple[int, int]:
    """Original ``[start, end)`` of the passage's ``[i1, i2)`` (may be empty:
    :meth:`~reuse.text.normalise.NormalisedText.passage_range`)."""
    return side.normalised.passage_range(side.start + i1, side.start + i2, (side.start, side.end))


def _classify(w: _Work, pa: str, pb: str) -> tuple[str, str]:
    """(category, pos) of a widened edit."""
    sides = []
    if w.i2 > w.i1 and w.win_a is not None:
        sides.append((w.win_a, w.win_a.words(w.i1, w.i2)))
    if w.j2 > w.j1 and w.win_b is not None:
        sides.append((w.win_b, w.win_b.words(w.j1, w.j2)))
    tags: list[str] = []
    for _, words in sides:
        for _, tag, _, _ in words:
            if tag not in tags:
                tags.append(tag)
    pos = ",".join(tags)
    content = [(win, word) for win, words in sides for word in words if not is_punct(word[0])]
    if not content:
        changed = pa[w.i1 : w.i2] + pb[w.j1 : w.j2]
        return ("punctuation" if is_punct(changed) else "other"), pos

    def is_time(win: _Window, word: tuple[str, str, int, int]) -> bool:
        if any(s < word[3] and word[2] < e for s, e in win.dates()):
            return True
        return word[1] == "t" and not DURATION_RE.fullmatch(word[0])

    if all(is_time(win, word) for win, word in content) or any(
        text and DATE_RE.fullmatch(text.strip()) for text in (pa[w.i1 : w.i2], pb[w.j1 : w.j2])
    ):
        return "date", pos
    classes = [word_class(word[0], word[1]) for _, word in content]
    if "place" in classes:  # 历下区/ns -> 金水区/n: a name with the same kind of suffix
        classes = [
            c or ("place" if place_like(word[0]) else None)
            for c, (_, word) in zip(classes, content)
        ]
    if all(classes):
        if len(set(classes)) == 1:
            return classes[0] or "other", pos
        longest = max(range(len(content)), key=lambda k: (len(content[k][1][0]), -k))
        return classes[longest] or "other", pos
    return "other", pos


def _structural_pos(*texts: str) -> str:
    """POS tags of whole texts (the sides of a structural edit), each once."""
    tags: list[str] = []
    for text in texts:
        for _, _, word, tag in tag_text(text) if text else ():
            if not word.isspace() and tag not in tags:
                tags.append(tag)
    return ",".join(tags)


# ------------------------------------------------------------------------------ API


def typed_edits(a: MatchSide, b: MatchSide, max_edits: int = 500) -> list[Edit]:
    """Typed, word-level edits turning passage ``a.text`` into ``b.text``.

    Each side's ``start:end`` are NORMALISED offsets (end-exclusive), as stored
    for a match, into ``normalised``, which normalises the document's
    ``original`` text. The result, in A (and B) order, holds at most
    ``max_edits`` edits (the first ones); its offsets and texts are ORIGINAL.
    See the module docstring for the algorithm and categories.

    >>> from reuse.text.normalise import normalise
    >>> a, b = "在北京市召开", "在上海市召开"
    >>> side_a, side_b = MatchSide(a, normalise(a), 0, 6), MatchSide(b, normalise(b), 0, 6)
    >>> [(e.op, e.old_text, e.new_text, e.category, e.pos) for e in typed_edits(side_a, side_b)]
    [('substitute', '北京市', '上海市', 'place', 'ns')]
    """
    na, nb = a.normalised, b.normalised
    if not (0 <= a.start <= a.end <= len(na.text) and 0 <= b.start <= b.end <= len(nb.text)):
        raise ValueError(
            f"bad passage [{a.start}, {a.end}) / [{b.start}, {b.end}) "
            f"for lengths {len(na.text)} / {len(nb.text)}"
        )
    if max_edits <= 0 or a.text == b.text:
        return []
    return [_edit(w, a, b) for w in _work(a, b, max_edits)]


def _work(a: MatchSide, b: MatchSide, max_edits: int) -> list[_Work]:
    """The first ``max_edits`` edits of the character edit script: structural
    ones as they are, the others widened to words and merged when they touch."""
    raw = changes(a.text, b.text)
    work: list[_Work] = []
    for k, edit in enumerate(raw):
        category = _structural_of(a, b, edit)
        if category is not None:
            work.append(_Work(*edit, category, None, None))
        else:
            prev_a = work[-1].i2 if work else 0
            next_a = raw[k + 1][0] if k + 1 < len(raw) else len(a.text)
            room = (edit[0] - prev_a, next_a - edit[1])
            _add_word_edit(work, _widen(a, b, edit, room), a, b)
        if len(work) > max_edits:
            break
    del work[max_edits:]
    return work


def _add_word_edit(work: list[_Work], w: _Work, a: MatchSide, b: MatchSide) -> None:
    """Append the widened edit ``w`` to ``work``, or merge it into the previous
    edit when that is a widened edit too and ``w`` grew to touch it."""
    prev = work[-1] if work else None
    if prev is not None and prev.category is None and prev.i2 == w.i1:
        i1, j1 = prev.i1, prev.j1
        work[-1] = _Work(
            i1,
            w.i2,
            j1,
            w.j2,
            None,
            _Window(a.normalised.text, a.start, i1, w.i2) if w.i2 > i1 else None,
            _Window(b.normalised.text, b.start, j1, w.j2) if w.j2 > j1 else None,
        )
    else:
        work.append(w)


def _edit(w: _Work, a: MatchSide, b: MatchSide) -> Edit:
    """The finished edit: original offsets and texts, category and POS tags."""
    a_start, a_end = _original_range(a, w.i1, w.i2)
    b_start, b_end = _original_range(b, w.j1, w.j2)
    if w.category is not None:
        category = w.category
        pos = _structural_pos(a.text[w.i1 : w.i2], b.text[w.j1 : w.j2])
    else:
        category, pos = _classify(w, a.text, b.text)
    if w.i2 == w.i1:
        op = "insert"
    elif w.j2 == w.j1:
        op = "delete"
    else:
        op = "substitute"
    return Edit(
        op,
        a_start,
        a_end,
        b_start,
        b_end,
        a.original[a_start:a_end],
        b.original[b_start:b_end],
        category,
        pos,
    )
