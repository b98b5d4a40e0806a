"""Typed edits of a reused segment: what changed between two copies of a passage.

A match pairs the normalised passages ``na.text[a0:a1]`` (document A) and
``nb.text[b0:b1]`` (document B). :func:`typed_edits` lists the differences
between them as :class:`Edit` records, read from A to B (an *insert* is text
found only in B, a *delete* text found only in A), each located in the
ORIGINAL texts and given a category such as ``'place'`` or ``'caption'``.

Steps (all counts are in characters, i.e. Unicode code points):

1. **Character edit script.** ``rapidfuzz.distance.Levenshtein.opcodes`` of
   the two normalised passages (unit-cost insert, delete, substitute; a
   minimal script). Non-equal opcodes that touch each other are merged into
   one edit, so ``"。" -> "无锡"`` (a replace and an insert) is one substitution.
2. **Structural insertions.** An edit whose text lies on one side only (or
   whose other side is only punctuation) is tested first for a page marker,
   a photo caption and a byline (see *Categories*). Such an edit keeps its
   character extent: it is neither widened nor merged with a neighbour.
3. **Word level.** Every other edit is widened to jieba word boundaries. A
   window of the edit plus ``CONTEXT`` (8) characters either side, clipped to
   the passage, is segmented and tagged with ``jieba.posseg`` (HMM on), on
   each side that has text. If the first (last) changed character of a side
   lies inside a word, the edit grows to the left (right) by ``k`` characters
   on BOTH sides: the ``k`` characters next to an edit are equal in A and B
   (they belong to the equal run between two edits), so growing both ranges
   by the same ``k`` keeps the pair an exact description of the difference.
   Growth repeats until both sides start and end on word boundaries, and never
   passes the previous edit, the next edit or the passage ends (it stops at
   them, cutting the word). An edit that grows until it touches the previous
   one is merged with it. Example: ``在北京市召开`` / ``在上海市召开``: the
   character edit ``北京 -> 上海`` becomes ``北京市 -> 上海市``, POS ``ns``.
   Only these windows are ever tagged, never a whole passage, and jieba's
   HMM (its unknown-word recogniser, a Viterbi search over ~250 POS states
   per character and most of the tagging time) runs only on the runs of
   unknown characters within ``HOT_MARGIN`` (2) characters of the edit; the
   word boundaries elsewhere in the window do not matter. Tag lists are
   cached per window (LRU, 16,384 windows, ~30 MB) as reused text repeats.
   Cost, measured on 500-character passages of cn_laws_regs: ~0.25 ms per
   edit with a cold cache, ~0.03-0.05 ms warm; ~0.08 ms for a match with one
   substitution.
4. **Categories**, the first that applies:

   - ``'page_number'``: inserted or deleted text that is a page marker:
     ``- 3 -``, ``—3—``, ``第3页``, ``3/12``, ``Page 3``, ``共12页第3页``, or a
     bare number of at most 4 digits that stands alone on its line in the
     original text (only spaces between it and a line break or the text edge
     on both sides).
   - ``'caption'``: inserted or deleted text that looks like a photo caption:
     it contains ``图为`` (not ``试图为``/``意图为``...), ``摄影:``/``摄影/``/a
     final ``摄影``/``摄影记者``, ``(摄)``, ``记者 ... 摄``, ``新华社发``,
     ``供图``, ``图片来源``, ``图:``; or it is parenthesised (``(...)``,
     ``[...]``) or alone on its line(s) in the original and ends with ``摄``
     or ``供图``; or (last resort, after the byline test) it stands alone on
     its line(s) in the original and is dropped into a sentence of the other
     document (no ``。!?;:`` on either side of the insertion point there, and
     no line break between those two characters in the other original):
     a caption without credit, as in a speech republished as a news article.
   - ``'byline'``: inserted or deleted text with ``本报讯``, ``通讯员``,
     ``(记者 ...)``, ``记者`` + a 2-4 character name at a boundary, ``来源:``,
     ``编辑:``/``责任编辑:``, ``新华社 ... 电`` (a dateline), ``讯(``.
   - ``'date'``: every changed word is a time expression: POS ``t`` or part
     of a calendar date or clock time found by a regex in the window
     (``2024年3月5日``, ``3月5日``, ``二〇二四年``, ``三月``, ``2024-03-05``,
     ``14:30``, ``下午3时``, ``上午``, ``星期一``); or the whole old or new text
     is such an expression. Durations (``三年``, ``十五日``, ``6个月``) are not
     dates even when jieba tags them ``t``: they are ``'number'``.
   - ``'place'`` (POS ``ns``), ``'person'`` (``nr``, ``nrt``, ``nrfg``),
     ``'organisation'`` (``nt``), ``'number'`` (POS ``m``/``q``/``mq``, or a word
     of digits and Chinese numerals only): every changed non-punctuation word
     on both sides has one of these classes; when they differ, the class of
     the longest changed word (the first one on a tie). jieba's dictionary
     tags some place names otherwise (``杨浦区``/nr, ``历下区``/n, ``渝中区``/nt);
     a word is re-tagged ``ns`` when it ends with a place suffix (``省 市 区 县
     镇 乡 村 街道``) after a stem of at least 2 characters that jieba knows
     as a name (``ns``/``nr*``/``nz``) or not at all, the word itself being
     tagged ``n``/``nr*``/``nt``/``nz``/``j`` and not a generic compound
     (``开发区``, ``地区``, ``城市``...); or when it is a noun-like word of
     at least 2 characters followed by a suffix word (``朝阳/ns 区/n``).
     Generic area words tagged ``n`` with a common-noun stem (``工业区``, but
     also real districts such as ``鼓楼区``) are not re-tagged, but within an
     edit that changes a place, a changed word ending in a place suffix
     counts as a place too (``历下区/ns -> 金水区/n``).
   - ``'punctuation'``: only punctuation, symbol or space characters changed.
   - ``'other'``.

5. **Offsets** are ORIGINAL offsets (end-exclusive). A non-empty normalised
   range ``[s, e)`` maps to ``NormalisedText.to_original(s, e)``; an empty one
   (the side of an insert or delete without text) at normalised index ``p`` to
   ``origin[p]``, the original position of the normalised character before
   which the other side's text goes, or ``origin[p - 1] + 1`` (just after the
   passage's last character) when ``p`` is the passage end. ``old_text`` and
   ``new_text`` are the original texts at those offsets, so they keep line
   breaks, full-width forms and traditional characters that normalisation
   folded away.
6. **Cap.** At most ``max_edits`` edits per match, the first ones in A order;
   the rest is not examined (the cost of a match is bounded too).

POS tags (``Edit.pos``) are jieba's tags of the changed words (after the
place-suffix re-tagging above), A's words first, each tag once, in order of
appearance, comma-joined; white-space tokens are skipped, punctuation keeps
jieba's ``x``. For a page number, caption or byline they are the tags of the
whole one-sided text, segmented on its own.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import Levenshtein

from reuse.normalise import NormalisedText

CONTEXT = 8
"""Characters of context either side of an edit in the window that is POS-tagged."""

HOT_MARGIN = 2
"""jieba's HMM (unknown-word recognition) runs on runs of unknown characters that
overlap the edit widened by this many characters (see :func:`_tag`)."""

MAX_STRUCTURAL_CHARS = 120
"""Longest (normalised, stripped) text tested as a page marker, caption or byline."""

_TAG_CACHE_SIZE = 1 << 14
"""Windows whose tags are cached per process (about 1.8 kB each: ~30 MB when full)."""

CATEGORIES = (
    "page_number",
    "caption",
    "byline",
    "date",
    "place",
    "person",
    "organisation",
    "number",
    "punctuation",
    "other",
)


@dataclass(frozen=True, slots=True)
class Edit:
    """One difference between the two passages of a match, read from A to B.

    Attributes:
        op: ``'substitute'``, ``'insert'`` (text only in B) or ``'delete'``
            (text only in A).
        a_start, a_end: ORIGINAL offsets into document A (end-exclusive);
            ``a_start == a_end`` for an insert: the position before which B's
            text was inserted.
        b_start, b_end: ORIGINAL offsets into document B; ``b_start == b_end``
            for a delete.
        old_text: ``original_a[a_start:a_end]`` (``''`` for an insert).
        new_text: ``original_b[b_start:b_end]`` (``''`` for a delete).
        category: one of :data:`CATEGORIES`.
        pos: jieba POS tags of the changed words, comma-joined (``'ns'``,
            ``'m,q'``), ``''`` if none were tagged.
    """

    op: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    old_text: str
    new_text: str
    category: str
    pos: str


# --------------------------------------------------------------------------- jieba

_JIEBA: Any = None


def _jieba() -> Any:
    """The ``jieba.posseg`` module, imported and initialised once per process, quietly."""
    global _JIEBA
    if _JIEBA is None:
        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _JIEBA = jieba.posseg
    return _JIEBA


def _postokenizer() -> Any:
    return _jieba().dt


@lru_cache(maxsize=_TAG_CACHE_SIZE)
def _tag(text: str, hot_start: int = 0, hot_end: int = -1) -> tuple[tuple[int, int, str, str], ...]:
    """``(start, end, word, tag)`` of the jieba words of ``text`` (offsets into ``text``).

    The same words and tags as ``jieba.posseg.cut(text, HMM=True)``, except
    that jieba's HMM (a Viterbi search over ~250 POS states per character,
    90 % of the tagging time) runs only on the runs of unknown single
    characters that overlap ``[hot_start, hot_end)`` (``hot_end == -1``: all
    of them); elsewhere those characters stay single words with their
    dictionary tags. The word boundaries that matter are those at the edit.
    """
    pseg = _jieba()
    if hot_end < 0:
        hot_end = len(text)
    words = _cut(pseg, text, hot_start, hot_end)
    tokens = []
    pos = 0
    for word, tag in words:
        tokens.append((pos, pos + len(word), word, tag))
        pos += len(word)
    if pos != len(text) or "".join(t[2] for t in tokens) != text:  # pragma: no cover
        return tuple((i, i + 1, c, "x") for i, c in enumerate(text))  # never seen
    return tuple(tokens)


def _cut(pseg: Any, text: str, hot_start: int, hot_end: int) -> list[tuple[str, str]]:
    """``jieba.posseg.POSTokenizer.cut(text, HMM=True)`` (jieba 0.42) with the HMM
    limited to ``[hot_start, hot_end)``; falls back to the public ``cut`` if
    jieba's internals differ."""
    dt = pseg.dt
    detail = getattr(dt, "_POSTokenizer__cut_detail", None)
    tokenizer = getattr(dt, "tokenizer", None)
    if detail is None or not hasattr(tokenizer, "get_DAG") or not hasattr(tokenizer, "calc"):
        return [(p.word, p.flag) for p in dt.cut(text, HMM=True)]  # pragma: no cover
    dt.makesure_userdict_loaded()
    tags, freq = dt.word_tag_tab, tokenizer.FREQ
    out: list[tuple[str, str]] = []
    offset = 0

    def flush(block: str, s: int, e: int) -> None:
        buf = block[s:e]
        if len(buf) == 1:
            out.append((buf, tags.get(buf, "x")))
        elif freq.get(buf):
            out.extend((c, tags.get(c, "x")) for c in buf)
        elif offset + s < hot_end and offset + e > hot_start:
            out.extend((p.word, p.flag) for p in detail(buf))
        else:  # jieba's __cut_detail without the Viterbi search
            for piece in pseg.re_han_detail.split(buf):
                if not piece:
                    continue
                if pseg.re_han_detail.match(piece):
                    out.extend((c, tags.get(c, "x")) for c in piece)
                    continue
                for x in pseg.re_skip_detail.split(piece):
                    if x:
                        tag = (
                            "m" if pseg.re_num.match(x) else "eng" if pseg.re_eng.match(x) else "x"
                        )
                        out.append((x, tag))

    for block in pseg.re_han_internal.split(text):
        if not block:
            continue
        if pseg.re_han_internal.match(block):
            dag = tokenizer.get_DAG(block)
            route: dict[int, tuple[float, int]] = {}
            tokenizer.calc(block, dag, route)
            x, n, run = 0, len(block), -1
            while x < n:
                y = route[x][1] + 1
                if y - x == 1:
                    if run < 0:
                        run = x
                else:
                    if run >= 0:
                        flush(block, run, x)
                        run = -1
                    word = block[x:y]
                    out.append((word, tags.get(word, "x")))
                x = y
            if run >= 0:
                flush(block, run, n)
        else:
            for x in pseg.re_skip_internal.split(block):
                if pseg.re_skip_internal.match(x):
                    out.append((x, "x"))
                    continue
                for c in x:
                    tag = "m" if pseg.re_num.match(c) else "eng" if pseg.re_eng.match(x) else "x"
                    out.append((c, tag))
        offset += len(block)
    return out


# ------------------------------------------------------------------ character classes


@lru_cache(maxsize=4096)
def _is_punct_char(char: str) -> bool:
    return char.isspace() or unicodedata.category(char)[0] in "PSZ"


def _is_punct(text: str) -> bool:
    """True if ``text`` has only punctuation, symbol and space characters."""
    return all(_is_punct_char(c) for c in text)


_LINE_BREAKS = frozenset("\n\r\f\v\x1c\x1d\x1e\x85\u2028\u2029")
_BLANKS = frozenset(" \t\u3000\u00a0\u200b\ufeff")


def _alone_on_line(original: str, start: int, end: int) -> bool:
    """True if only blanks separate ``original[start:end]`` from a line break (or
    the text edge) on each side."""
    i = start - 1
    while i >= 0 and original[i] in _BLANKS:
        i -= 1
    if i >= 0 and original[i] not in _LINE_BREAKS:
        return False
    j = end
    while j < len(original) and original[j] in _BLANKS:
        j += 1
    return j >= len(original) or original[j] in _LINE_BREAKS


# ------------------------------------------------------------------ structural edits
# Patterns apply to NORMALISED text: full-width forms folded (（ -> (, ： -> :,
# — -> -, 【 -> [), letters casefolded, white space next to Han characters gone.

_CN_NUMERALS = "〇零一二三四五六七八九十百千两"
_PAGE_RE = re.compile(
    r"-\s*\d{1,4}\s*-"
    r"|第\s*[\d" + _CN_NUMERALS + r"]{1,5}\s*页(?:\s*[,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,/]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?"
)
_BARE_NUMBER_RE = re.compile(r"\d{1,4}")

_CAPTION_RE = re.compile(
    r"(?<![试企意地构绘蓝版制力])图为"
    r"|摄影(?:[:/]|记者|$)"
    r"|\(摄\)"
    r"|记者[^,。;!?]{1,20}?摄(?![像影制录取入食])"
    r"|新华社发(?![布表出行展生现])"
    r"|供图|图片来源|(?<![地构绘蓝版示插附])图\s*:"
)
_CAPTION_END_RE = re.compile(r"(?:摄|供图)[)\]]?\s*$")
_BYLINE_RE = re.compile(
    r"本报讯|通讯员"
    r"|\(\s*(?:本报)?记者[^)]{1,30}\)"
    r"|记者\s*[\u4e00-\u9fff]{2,4}(?=$|[\s,;)\]/|])"
    r"|来源\s*:"
    r"|(?:责任)?编辑\s*:"
    r"|新华社.{0,14}?电"
    r"|讯\s*\("
)


_SENTENCE_BREAKS = frozenset("。!?;:")


def _structural(
    norm: str, original: str, start: int, end: int, mid_sentence: bool = False
) -> str | None:
    """'page_number', 'caption', 'byline' or None for one-sided text.

    ``norm`` is the normalised text, ``original[start:end]`` its original;
    ``mid_sentence``: the other document continues a sentence across the
    point where this text stands (no sentence break on either side of it).
    """
    text = norm.strip()
    if not text or len(text) > MAX_STRUCTURAL_CHARS:
        return None
    if _PAGE_RE.fullmatch(text) or (
        _BARE_NUMBER_RE.fullmatch(text) and _alone_on_line(original, start, end)
    ):
        return "page_number"
    if _CAPTION_RE.search(text):
        return "caption"
    if _CAPTION_END_RE.search(text) and (
        (text[0] in "([" and text[-1] in ")]") or _alone_on_line(original, start, end)
    ):
        return "caption"
    if _BYLINE_RE.search(text):
        return "byline"
    if mid_sentence and _alone_on_line(original, start, end):
        return "caption"  # a line of its own dropped into a sentence: a caption or heading
    return None


# ------------------------------------------------------------------------ word classes

_CN_DIGITS = "〇零一二三四五六七八九"
_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*月"
_DAY = (
    r"(?:3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?"
    r"|[一二三四五六七八九])\s*[日号]"
)
_YEAR = r"(?:\d{4}|[" + _CN_DIGITS + r"]{4})\s*年"
_CLOCK_CN = r"(?:二十[一二三四]?|十[一二三四五六七八九]?|[零一二三四五六七八九两])"
_DAYPART = r"(?:上午|下午|凌晨|早上|早晨|晚上|中午|傍晚|夜间|深夜)"
_DATE_RE = re.compile(
    _YEAR + r"(?:\s*" + _MONTH + r"(?:\s*" + _DAY + r")?)?"
    r"|" + _MONTH + r"(?:\s*" + _DAY + r")?"
    r"|\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}"
    r"|\d{1,2}\s*:\s*\d{2}(?:\s*:\s*\d{2})?"
    r"|" + _DAYPART + r"(?:\s*(?:\d{1,2}|" + _CLOCK_CN + r")\s*[时点](?:\s*(?:\d{1,2}|"
    r"[一二三四五]?十[一二三四五六七八九]?|[一二三四五六七八九])\s*分|[半整许])?)?"
    r"|(?:\d{1,2}|" + _CLOCK_CN + r")\s*[时点]\s*(?:\d{1,2}|[一二三四五]?十[一二三四五六七八九]?"
    r"|[一二三四五六七八九])\s*分"
    r"|\d{1,2}\s*时(?![期间代候刻效限])"
    r"|星期[一二三四五六日天]|礼拜[一二三四五六日天]"
)
_DURATION_RE = re.compile(
    r"[\d" + _CN_NUMERALS + r"万半几多余]+\s*(?:个)?\s*"
    r"(?:年|年度|个月|月|周|星期|日|天|小时|时|分钟|分|秒)"
)
_NUMERIC_RE = re.compile(r"[\d.,%‰" + _CN_NUMERALS + r"万亿壹贰叁肆伍陆柒捌玖拾佰仟半几]+")
_CLASS_OF_TAG = (("ns", "place"), ("nr", "person"), ("nt", "organisation"))
_NUMBER_TAGS = frozenset(("m", "q", "mq"))

_PLACE_SUFFIXES = ("街道", "区", "县", "市", "省", "镇", "乡", "村")
_PLACE_SUFFIX_WORDS = frozenset(_PLACE_SUFFIXES + ("新区", "自治州", "自治县", "自治区"))
_NAME_TAGS = frozenset(("ns", "nr", "nrt", "nrfg", "nz"))
_RETAG_WORD_TAGS = frozenset(("n", "nr", "nrt", "nrfg", "nt", "nz", "j"))
_GENERIC_AREA = (
    "开发区", "保护区", "特区", "园区", "辖区", "军区", "地区", "城区", "社区", "小区", "景区",
    "灾区", "山区", "郊区", "林区", "牧区", "矿区", "产区", "灌区", "行政区", "城镇", "乡镇",
    "农村", "乡村", "城乡", "城市", "都市", "超市", "股市", "他乡", "还乡", "离乡", "之乡",
    "卫戍区", "警备区",
)  # fmt: skip


def _retag(tokens: tuple[tuple[int, int, str, str], ...], k: int) -> str:
    """Tag of ``tokens[k]``, re-tagged ``ns`` for place names jieba tags otherwise."""
    _, _, word, tag = tokens[k]
    if tag.startswith("ns") or len(word) < 2:
        return tag
    if tag in _RETAG_WORD_TAGS:
        for suffix in _PLACE_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 2:
                if word.endswith(_GENERIC_AREA):
                    break
                stem_tag = _postokenizer().word_tag_tab.get(word[: -len(suffix)])
                if stem_tag is None or stem_tag in _NAME_TAGS:
                    return "ns"
                break
    if (
        k + 1 < len(tokens)
        and tokens[k + 1][2] in _PLACE_SUFFIX_WORDS
        and (tag[0] == "n" or tag == "j")
        and not word.endswith(_GENERIC_AREA)
        and all("\u4e00" <= c <= "\u9fff" for c in word)
    ):
        return "ns"
    return tag


def _word_class(word: str, tag: str) -> str | None:
    for prefix, name in _CLASS_OF_TAG:
        if tag.startswith(prefix):
            return name
    if tag in _NUMBER_TAGS or _NUMERIC_RE.fullmatch(word) or _DURATION_RE.fullmatch(word):
        return "number"
    return None


def _place_like(word: str) -> bool:
    """A name ending in a place suffix (``金水区``), not a generic area word."""
    for suffix in _PLACE_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return not word.endswith(_GENERIC_AREA)
    return False


# -------------------------------------------------------------------------- windows


class _Window:
    """A tagged window ``text[start:end]`` of one passage (passage offsets)."""

    __slots__ = ("start", "text", "tokens", "starts", "_dates")

    def __init__(self, passage: str, start: int, end: int, hot_start: int, hot_end: int) -> None:
        self.start = start
        self.text = passage[start:end]
        self.tokens = _tag(self.text, max(0, hot_start - start), max(0, hot_end - start))
        self.starts = [t[0] for t in self.tokens]
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
        for k, (ws, we, word, _) in enumerate(self.tokens):
            if we <= lo:
                continue
            if ws >= hi:
                break
            if word.isspace():
                continue
            out.append((word, _retag(self.tokens, k), ws + self.start, we + self.start))
        return out

    def dates(self) -> list[tuple[int, int]]:
        """Passage ranges of the date and time expressions in the window."""
        if self._dates is None:
            self._dates = [
                (m.start() + self.start, m.end() + self.start) for m in _DATE_RE.finditer(self.text)
            ]
        return self._dates


def _window(passage: str, s: int, e: int) -> _Window:
    """The tagged window of passage range ``[s, e)``: ``CONTEXT`` characters either side,
    jieba's HMM on unknown words within ``HOT_MARGIN`` characters of the range."""
    return _Window(
        passage,
        max(0, s - CONTEXT),
        min(len(passage), e + CONTEXT),
        s - HOT_MARGIN,
        e + HOT_MARGIN,
    )


# ---------------------------------------------------------------------- one edit


class _Work:
    """An edit under construction (passage offsets)."""

    __slots__ = ("i1", "i2", "j1", "j2", "category", "win_a", "win_b")

    def __init__(
        self,
        i1: int,
        i2: int,
        j1: int,
        j2: int,
        category: str | None,
        win_a: _Window | None,
        win_b: _Window | None,
    ) -> None:
        self.i1, self.i2, self.j1, self.j2 = i1, i2, j1, j2
        self.category = category
        self.win_a, self.win_b = win_a, win_b


def _char_edits(pa: str, pb: str) -> list[tuple[int, int, int, int]]:
    """Non-equal opcodes of the Levenshtein script, touching ones merged."""
    out: list[list[int]] = []
    for op in Levenshtein.opcodes(pa, pb):
        if op.tag == "equal":
            continue
        if out and out[-1][1] == op.src_start and out[-1][3] == op.dest_start:
            out[-1][1], out[-1][3] = op.src_end, op.dest_end
        else:
            out.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    return [(a, b, c, d) for a, b, c, d in out]


def _widen(
    pa: str, pb: str, i1: int, i2: int, j1: int, j2: int, left_room: int, right_room: int
) -> _Work:
    """Grow an edit by the same number of (equal) characters on both sides until
    each side with text starts and ends on a jieba word boundary.

    ``left_room``/``right_room``: equal characters available before/after the
    edit (up to the neighbouring edit or the passage edge).
    """
    win_a = _window(pa, i1, i2) if i2 > i1 else None
    win_b = _window(pb, j1, j2) if j2 > j1 else None
    kl = kr = 0
    while True:
        nl, nr = kl, kr
        for side in (0, 1):
            if side == 0:
                s, e, win, passage = i1 - kl, i2 + kr, win_a, pa
            else:
                s, e, win, passage = j1 - kl, j2 + kr, win_b, pb
            if e <= s:
                continue
            if win is None:  # an insert/delete that grew into text on this side
                win = _window(passage, s, e)
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


def _structural_of(
    pa: str,
    pb: str,
    i1: int,
    i2: int,
    j1: int,
    j2: int,
    original_a: str,
    na: NormalisedText,
    a0: int,
    a1: int,
    original_b: str,
    nb: NormalisedText,
    b0: int,
    b1: int,
) -> str | None:
    """Structural category of a character edit with text on one side only (the
    other side empty or punctuation)."""
    old, new = pa[i1:i2], pb[j1:j2]
    if new and (not old or _is_punct(old)) and not _is_punct(new):
        s, e = _original_range(nb, b0 + j1, b0 + j2, b0, b1)
        mid = not old and _mid_sentence(original_a, na, a0 + i1, a0, a1)
        return _structural(new, original_b, s, e, mid)
    if old and (not new or _is_punct(new)) and not _is_punct(old):
        s, e = _original_range(na, a0 + i1, a0 + i2, a0, a1)
        mid = not new and _mid_sentence(original_b, nb, b0 + j1, b0, b1)
        return _structural(old, original_a, s, e, mid)
    return None


def _mid_sentence(original: str, nt: NormalisedText, p: int, lo: int, hi: int) -> bool:
    """True if normalised position ``p`` (strictly inside passage ``[lo, hi)``) is
    inside a sentence: neither neighbouring character is a sentence break
    (``。!?;:``) and no line break lies between them in the original."""
    if not lo < p < hi:
        return False
    text = nt.text
    if text[p - 1] in _SENTENCE_BREAKS or text[p] in _SENTENCE_BREAKS:
        return False
    between = original[int(nt.origin[p - 1]) + 1 : int(nt.origin[p])]
    return not any(c in _LINE_BREAKS for c in between)


def _original_range(nt: NormalisedText, s: int, e: int, lo: int, hi: int) -> tuple[int, int]:
    """Original ``[start, end)`` of normalised ``[s, e)`` inside passage ``[lo, hi)``.

    Empty ranges map to the original position of the normalised character at
    ``s`` (before which the other side's text goes), or just after the last
    character of the passage when ``s`` is its end.
    """
    if e > s:
        return nt.to_original(s, e)
    if s > lo and s == hi:
        p = int(nt.origin[s - 1]) + 1
    elif s < len(nt.text):
        p = int(nt.origin[s])
    else:
        p = nt.n_original
    return p, p


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
    content = [(win, word) for win, words in sides for word in words if not _is_punct(word[0])]
    if not content:
        changed = pa[w.i1 : w.i2] + pb[w.j1 : w.j2]
        return ("punctuation" if _is_punct(changed) else "other"), pos

    def is_time(win: _Window, word: tuple[str, str, int, int]) -> bool:
        if any(s < word[3] and word[2] < e for s, e in win.dates()):
            return True
        return word[1] == "t" and not _DURATION_RE.fullmatch(word[0])

    if all(is_time(win, word) for win, word in content) or any(
        text and _DATE_RE.fullmatch(text.strip()) for text in (pa[w.i1 : w.i2], pb[w.j1 : w.j2])
    ):
        return "date", pos
    classes = [_word_class(word[0], word[1]) for _, word in content]
    if "place" in classes:  # 历下区/ns -> 金水区/n: a name with the same kind of suffix
        classes = [
            c or ("place" if _place_like(word[0]) else None)
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
        for _, _, word, tag in _tag(text) if text else ():
            if not word.isspace() and tag not in tags:
                tags.append(tag)
    return ",".join(tags)


# ------------------------------------------------------------------------------ API


def typed_edits(
    original_a: str,
    na: NormalisedText,
    a0: int,
    a1: int,
    original_b: str,
    nb: NormalisedText,
    b0: int,
    b1: int,
    max_edits: int = 500,
) -> list[Edit]:
    """Typed, word-level edits turning passage ``na.text[a0:a1]`` into ``nb.text[b0:b1]``.

    ``original_a``/``original_b`` are the original document texts that ``na``
    and ``nb`` normalise; ``a0:a1`` and ``b0:b1`` are NORMALISED offsets
    (end-exclusive), as stored for a match. The result, in A (and B) order,
    holds at most ``max_edits`` edits (the first ones); its offsets and texts
    are ORIGINAL. See the module docstring for the algorithm and categories.

    >>> from reuse.normalise import normalise
    >>> a, b = "在北京市召开", "在上海市召开"
    >>> [(e.op, e.old_text, e.new_text, e.category, e.pos)
    ...  for e in typed_edits(a, normalise(a), 0, 6, b, normalise(b), 0, 6)]
    [('substitute', '北京市', '上海市', 'place', 'ns')]
    """
    if not (0 <= a0 <= a1 <= len(na.text) and 0 <= b0 <= b1 <= len(nb.text)):
        raise ValueError(
            f"bad passage [{a0}, {a1}) / [{b0}, {b1}) for lengths {len(na.text)} / {len(nb.text)}"
        )
    pa, pb = na.text[a0:a1], nb.text[b0:b1]
    if max_edits <= 0 or pa == pb:
        return []
    raw = _char_edits(pa, pb)
    work: list[_Work] = []
    for k, (i1, i2, j1, j2) in enumerate(raw):
        category = _structural_of(
            pa, pb, i1, i2, j1, j2, original_a, na, a0, a1, original_b, nb, b0, b1
        )
        if category is not None:
            work.append(_Work(i1, i2, j1, j2, category, None, None))
        else:
            prev_a = work[-1].i2 if work else 0
            next_a = raw[k + 1][0] if k + 1 < len(raw) else len(pa)
            w = _widen(pa, pb, i1, i2, j1, j2, i1 - prev_a, next_a - i2)
            prev = work[-1] if work else None
            if prev is not None and prev.category is None and prev.i2 == w.i1:
                i1, j1 = prev.i1, prev.j1
                w = _Work(
                    i1,
                    w.i2,
                    j1,
                    w.j2,
                    None,
                    _window(pa, i1, w.i2) if w.i2 > i1 else None,
                    _window(pb, j1, w.j2) if w.j2 > j1 else None,
                )
                work[-1] = w
            else:
                work.append(w)
        if len(work) > max_edits:
            break
    del work[max_edits:]

    edits = []
    for w in work:
        a_start, a_end = _original_range(na, a0 + w.i1, a0 + w.i2, a0, a1)
        b_start, b_end = _original_range(nb, b0 + w.j1, b0 + w.j2, b0, b1)
        if w.category is not None:
            category = w.category
            pos = _structural_pos(pa[w.i1 : w.i2], pb[w.j1 : w.j2])
        else:
            category, pos = _classify(w, pa, pb)
        if w.i2 == w.i1:
            op = "insert"
        elif w.j2 == w.j1:
            op = "delete"
        else:
            op = "substitute"
        edits.append(
            Edit(
                op,
                a_start,
                a_end,
                b_start,
                b_end,
                original_a[a_start:a_end],
                original_b[b_start:b_end],
                category,
                pos,
            )
        )
    return edits
