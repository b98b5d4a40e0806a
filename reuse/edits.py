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
3. **Word level.** Every other edit is widened to jieba word boundaries. The
   words are those of ``jieba.posseg.cut(document, HMM=True)`` on the whole
   normalised document, computed only where needed: jieba segments each
   *block* (a run of Han characters, ASCII letters, digits and ``+#&._``)
   on its own, so only the blocks that hold the edit are segmented (a block
   longer than ``MAX_BLOCK_EXTENSION`` (48) characters either side of the
   edit is cut there), each block once per process (LRU cache keyed by the
   block's text, which recurs across the matches of a document and across
   reused text). jieba's HMM (its unknown-word recogniser, a Viterbi search
   over ~250 POS states per character) runs only on the runs of unknown
   characters that overlap the edit widened by ``HOT_MARGIN`` (2)
   characters, each run once per process; elsewhere unknown characters stay
   one-character words with their dictionary tags. Characters between
   blocks (punctuation, spaces) are one-character words tagged ``x``. If the
   first (last) changed character of a side lies inside a word, the edit
   grows to the left (right) by ``k`` characters on BOTH sides: the ``k``
   characters next to an edit are equal in A and B (they belong to the equal
   run between two edits), so growing both ranges by the same ``k`` keeps the
   pair an exact description of the difference. Growth repeats until both
   sides start and end on word boundaries, and never passes the previous
   edit, the next edit or the passage ends (it stops at them, cutting the
   word). An edit that grows until it touches the previous one is merged with
   it. Example: ``在北京市召开`` / ``在上海市召开``: the character edit
   ``北京 -> 上海`` becomes ``北京市 -> 上海市``, POS ``ns``.
   Cost, measured on cn_laws_regs (one process, cold caches, 30,000
   consecutive matches in pipeline order, 179,000 edits): ~65 µs per edit,
   ~0.4 ms per match (the previous per-window tagger: ~200 µs per edit);
   ~95 µs per edit on a sample of 3,000 matches (caches warm up less).
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
     of a calendar date or clock time found by a regex in the edit's blocks
     and ``CONTEXT`` (8) characters either side
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
import marshal
import math
import os
import re
import tempfile
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from reuse.normalise import NormalisedText

CONTEXT = 8
"""Characters either side of an edit searched for date expressions (with its blocks)."""

HOT_MARGIN = 2
"""jieba's HMM (unknown-word recognition) runs on runs of unknown characters that
overlap the edit widened by this many characters (see :func:`_block_tokens`)."""

MAX_STRUCTURAL_CHARS = 120
"""Longest (normalised, stripped) text tested as a page marker, caption or byline."""

MAX_BLOCK_EXTENSION = 48
"""A window is widened to whole jieba blocks by at most this many characters each way."""

_BLOCK_CACHE_SIZE = 1 << 15
"""jieba blocks whose words are cached per process (~3 kB each: ~100 MB when full)."""

_HMM_CACHE_SIZE = 1 << 14
"""Unknown runs whose HMM words are cached per process."""

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

Token = tuple[int, int, str, str]
"""``(start, end, word, tag)`` of one jieba word (offsets relative to its block or window)."""

# jieba.posseg's own patterns (0.42): a *block* is a run of characters matched
# by its ``re_han_internal``; words never cross block edges, so a block
# segmented on its own gets the same words as inside the whole text.
_BLOCK_CLASS = r"\u4e00-\u9fd5a-zA-Z0-9+#&._"
_BLOCK_RE = re.compile("[" + _BLOCK_CLASS + "]+")
_UP_TO_LAST_NON_BLOCK_RE = re.compile(".*[^" + _BLOCK_CLASS + "]", re.S)
_HAN_DETAIL_RE = re.compile(r"([\u4e00-\u9fd5]+)")
_SKIP_DETAIL_RE = re.compile(r"([.0-9]+|[a-zA-Z0-9]+)")
_NUM_START_RE = re.compile(r"[.0-9]")
_ENG_START_RE = re.compile(r"[a-zA-Z0-9]")
_BLOCK_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+#&._")


class _Jieba:
    """jieba's POS tokenizer and dictionary, loaded once per process (quietly)."""

    def __init__(self) -> None:
        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        load_prefix_dictionary(jieba.dt)
        self.dt = jieba.posseg.dt  # the default jieba.posseg.POSTokenizer
        self.dt.makesure_userdict_loaded()
        self.freq: dict[str, int] = self.dt.tokenizer.FREQ
        self.tags: dict[str, str] = self.dt.word_tag_tab
        self.logtotal = math.log(self.dt.tokenizer.total)


def load_prefix_dictionary(tokenizer: object) -> None:
    """``tokenizer.initialize()`` (a ``jieba.Tokenizer``), its cache read in one piece.

    jieba keeps its prefix dictionary (~500,000 words and prefixes with their
    counts) in a marshal file, ``jieba.cache`` in the temporary directory,
    and reads it with ``marshal.load(file)``, which asks the file object for
    a few bytes per value: ~1.2 s here, against ~0.2 s for ``marshal.loads``
    of the file's bytes. For the default dictionary and cache file (jieba
    does not check that cache's age either) this reads those bytes itself and
    sets the same ``FREQ`` and ``total``; otherwise (no cache yet, another
    dictionary or cache file, an unreadable cache) jieba initialises as usual.
    """
    t = tokenizer
    if not t.initialized and t.dictionary is None and not t.cache_file:  # type: ignore[attr-defined]
        path = os.path.join(t.tmp_dir or tempfile.gettempdir(), "jieba.cache")  # type: ignore[attr-defined]
        try:
            with open(path, "rb") as fh:
                freq, total = marshal.loads(fh.read())
        except (OSError, EOFError, ValueError, TypeError):
            pass
        else:
            if isinstance(freq, dict) and freq and isinstance(total, int):
                with t.lock:  # type: ignore[attr-defined]
                    t.FREQ, t.total, t.initialized = freq, total, True  # type: ignore[attr-defined]
    t.initialize()  # type: ignore[attr-defined]


_JIEBA: _Jieba | None = None


def _jieba() -> _Jieba:
    global _JIEBA
    if _JIEBA is None:
        _JIEBA = _Jieba()
    return _JIEBA


def load_jieba() -> None:
    """Load jieba's dictionaries now (~0.6 s), e.g. in a process about to fork workers."""
    _jieba()


def _route(block: str, jb: _Jieba) -> list[int]:
    """``route[k]``: end (inclusive) of the word starting at ``k`` on jieba's most
    probable path through ``block``: ``jieba.Tokenizer.get_DAG`` and ``calc`` in
    one pass (same scores, same tie-break: the longer word)."""
    n = len(block)
    freq_get, log, logtotal = jb.freq.get, math.log, jb.logtotal
    best = [0.0] * (n + 1)
    route = [0] * n
    for k in range(n - 1, -1, -1):
        f = freq_get(block[k])
        b, bx = (log(f) - logtotal + best[k + 1] if f else -math.inf), k
        i = k + 1
        while f is not None and i < n:
            i += 1
            f = freq_get(block[k:i])
            if f:
                v = log(f) - logtotal + best[i]
                if v >= b:
                    b, bx = v, i - 1
        if b == -math.inf:  # no word starts here: an unknown character, frequency 1
            b = best[k + 1] - logtotal
        best[k] = b
        route[k] = bx
    return route


@lru_cache(maxsize=_BLOCK_CACHE_SIZE)
def _block(block: str) -> tuple[tuple[Token, ...], list[int], tuple[tuple[int, int], ...]]:
    """jieba's words of one block (``jieba.posseg.cut(block, HMM=True)``) without
    the HMM, and the Han runs that the HMM would re-segment.

    Returns ``(tokens, starts, runs)``: the tokens are ``cut``'s words, except
    that each run of unknown Han characters that ``cut`` hands to its HMM is
    left as single characters with their dictionary tags; ``starts`` are the
    tokens' starts; ``runs`` the ranges of those unknown runs (see
    :func:`_hmm`). Offsets are relative to ``block``.
    """
    jb = _jieba()
    tags, freq = jb.tags, jb.freq
    route = _route(block, jb)
    out: list[Token] = []
    runs: list[tuple[int, int]] = []

    def singles(s: int, e: int) -> None:
        out.extend((i, i + 1, block[i], tags.get(block[i], "x")) for i in range(s, e))

    def flush(s: int, e: int) -> None:  # a run of one-character words, as jieba's __cut_DAG
        buf = block[s:e]
        if e - s == 1 or freq.get(buf):
            singles(s, e)
            return
        pos = s
        for piece in _HAN_DETAIL_RE.split(buf):  # as jieba's __cut_detail
            if not piece:
                continue
            end = pos + len(piece)
            if "\u4e00" <= piece[0] <= "\u9fd5":
                if not runs or runs[-1][0] != s:
                    runs.append((s, e))
                singles(pos, end)
            else:
                for x in _SKIP_DETAIL_RE.split(piece):
                    if x:
                        tag = (
                            "m"
                            if _NUM_START_RE.match(x)
                            else "eng"
                            if _ENG_START_RE.match(x)
                            else "x"
                        )
                        out.append((pos, pos + len(x), x, tag))
                        pos += len(x)
            pos = end

    x, n, run = 0, len(block), -1
    while x < n:
        y = route[x] + 1
        if y - x == 1:
            if run < 0:
                run = x
        else:
            if run >= 0:
                flush(run, x)
                run = -1
            word = block[x:y]
            out.append((x, y, word, tags.get(word, "x")))
        x = y
    if run >= 0:
        flush(run, n)
    return tuple(out), [t[0] for t in out], tuple(runs)


@lru_cache(maxsize=_HMM_CACHE_SIZE)
def _hmm(run: str) -> tuple[Token, ...]:
    """Words and tags of a run of unknown Han characters: ``jieba.posseg.cut(run, HMM=True)``
    (its HMM, a Viterbi search over ~250 POS states per character)."""
    out: list[Token] = []
    pos = 0
    for p in _jieba().dt.cut(run, HMM=True):
        out.append((pos, pos + len(p.word), p.word, p.flag))
        pos += len(p.word)
    if pos != len(run):  # pragma: no cover - never seen
        return tuple((i, i + 1, c, "x") for i, c in enumerate(run))
    return tuple(out)


@lru_cache(maxsize=_HMM_CACHE_SIZE)
def _block_hmm(block: str, hot: tuple[tuple[int, int], ...]) -> tuple[tuple[Token, ...], list[int]]:
    """``(tokens, starts)`` of ``block`` with the unknown runs ``hot`` (some of
    ``_block(block)``'s runs) re-segmented by the HMM."""
    tokens = _block(block)[0]
    out: list[Token] = []
    k = 0
    for rs, re_ in hot:
        while tokens[k][0] < rs:
            out.append(tokens[k])
            k += 1
        out.extend((s + rs, e + rs, w, t) for s, e, w, t in _hmm(block[rs:re_]))
        while k < len(tokens) and tokens[k][0] < re_:
            k += 1
    out.extend(tokens[k:])
    return tuple(out), [t[0] for t in out]


def _block_tokens(block: str, hot_lo: int, hot_hi: int) -> tuple[tuple[Token, ...], list[int]]:
    """``(tokens, starts)`` of ``block``, the HMM on the unknown runs that overlap
    ``[hot_lo, hot_hi)`` (block offsets)."""
    tokens, starts, runs = _block(block)
    if runs:
        hot = tuple(r for r in runs if r[0] < hot_hi and r[1] > hot_lo)
        if hot:
            return _block_hmm(block, hot)
    return tokens, starts


def _tokens(text: str, lo: int, hi: int, hot_lo: int, hot_hi: int) -> list[Token]:
    """jieba's words of ``text[lo:hi]`` (offsets relative to ``lo``), ``lo`` and ``hi``
    being block edges; the HMM re-segments only the unknown runs that overlap
    ``[hot_lo, hot_hi)`` (offsets into ``text``). Characters between blocks
    are one word each, tagged ``'x'``."""
    out: list[Token] = []
    pos = lo
    for m in _BLOCK_RE.finditer(text, lo, hi):
        bs, be = m.span()
        out.extend((i - lo, i - lo + 1, text[i], "x") for i in range(pos, bs))
        pos = be
        off = bs - lo
        tokens = _block_tokens(m.group(), hot_lo - bs, hot_hi - bs)[0]
        out.extend([(s + off, e + off, w, t) for s, e, w, t in tokens])
    out.extend((i - lo, i - lo + 1, text[i], "x") for i in range(pos, hi))
    return out


@lru_cache(maxsize=1024)
def _tag(text: str) -> tuple[Token, ...]:
    """The jieba words of a whole short text, HMM on (the sides of a structural edit)."""
    return tuple(_tokens(text, 0, len(text), 0, len(text)))


# ------------------------------------------------------------------ character classes


@lru_cache(maxsize=4096)
def _is_punct_char(char: str) -> bool:
    return char.isspace() or unicodedata.category(char)[0] in "PSZ"


@lru_cache(maxsize=1 << 15)
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
_DATE_FIRST = r"(?=[\d" + _CN_DIGITS + r"十两上下凌早晚中傍夜深星礼])"
"""The characters a date expression can start with: lets the search skip others fast."""
_DATE_RE = re.compile(
    _DATE_FIRST + r"(?:" + _YEAR + r"(?:\s*" + _MONTH + r"(?:\s*" + _DAY + r")?)?"
    r"|" + _MONTH + r"(?:\s*" + _DAY + r")?"
    r"|\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}"
    r"|\d{1,2}\s*:\s*\d{2}(?:\s*:\s*\d{2})?"
    r"|" + _DAYPART + r"(?:\s*(?:\d{1,2}|" + _CLOCK_CN + r")\s*[时点](?:\s*(?:\d{1,2}|"
    r"[一二三四五]?十[一二三四五六七八九]?|[一二三四五六七八九])\s*分|[半整许])?)?"
    r"|(?:\d{1,2}|" + _CLOCK_CN + r")\s*[时点]\s*(?:\d{1,2}|[一二三四五]?十[一二三四五六七八九]?"
    r"|[一二三四五六七八九])\s*分"
    r"|\d{1,2}\s*时(?![期间代候刻效限])"
    r"|星期[一二三四五六日天]|礼拜[一二三四五六日天])"
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


def _retag(tokens: tuple[Token, ...], k: int) -> str:
    """Tag of ``tokens[k]``, re-tagged ``ns`` for place names jieba tags otherwise."""
    _, _, word, tag = tokens[k]
    if tag.startswith("ns") or len(word) < 2:
        return tag
    if tag in _RETAG_WORD_TAGS:
        for suffix in _PLACE_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 2:
                if word.endswith(_GENERIC_AREA):
                    break
                stem_tag = _jieba().tags.get(word[: -len(suffix)])
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
        if "\u4e00" <= c <= "\u9fd5" or c in _BLOCK_CHARS:
            floor = max(0, lo - MAX_BLOCK_EXTENSION)
            m = _UP_TO_LAST_NON_BLOCK_RE.match(text, floor, lo)
            lo = m.end() if m else floor
        c = text[hi - 1]
        if "\u4e00" <= c <= "\u9fd5" or c in _BLOCK_CHARS:
            m = _BLOCK_RE.match(text, hi, min(n, hi + MAX_BLOCK_EXTENSION))
            if m:
                hi = m.end()
        self.start = lo - base
        m = _BLOCK_RE.match(text, lo, hi)
        if m and m.end() == hi:  # one block (the common case): its cached words
            hot = base + s - lo
            self.tokens, self.starts = _block_tokens(
                m.group(), hot - HOT_MARGIN, hot + e - s + HOT_MARGIN
            )
        else:
            self.tokens = _tokens(text, lo, hi, base + s - HOT_MARGIN, base + e + HOT_MARGIN)
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
            out.append((word, _retag(tokens, k), ws + self.start, we + self.start))
        return out

    def dates(self) -> list[tuple[int, int]]:
        """Passage ranges of the date and time expressions in the window."""
        if self._dates is None:
            lo, hi, base = max(0, self._s), min(len(self._doc), self._e), self._base
            self._dates = [
                (m.start() - base, m.end() - base) for m in _DATE_RE.finditer(self._doc, lo, hi)
            ]
        return self._dates


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
    ta: str,
    a0: int,
    tb: str,
    b0: int,
    i1: int,
    i2: int,
    j1: int,
    j2: int,
    left_room: int,
    right_room: int,
) -> _Work:
    """Grow an edit by the same number of (equal) characters on both sides until
    each side with text starts and ends on a jieba word boundary.

    ``left_room``/``right_room``: equal characters available before/after the
    edit (up to the neighbouring edit or the passage edge). ``ta``/``tb``: the
    normalised documents, in which the passages start at ``a0``/``b0``.
    """
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
    ta, tb = na.text, nb.text
    pa, pb = ta[a0:a1], tb[b0:b1]
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
            w = _widen(ta, a0, tb, b0, i1, i2, j1, j2, i1 - prev_a, next_a - i2)
            prev = work[-1] if work else None
            if prev is not None and prev.category is None and prev.i2 == w.i1:
                i1, j1 = prev.i1, prev.j1
                w = _Work(
                    i1,
                    w.i2,
                    j1,
                    w.j2,
                    None,
                    _Window(ta, a0, i1, w.i2) if w.i2 > i1 else None,
                    _Window(tb, b0, j1, w.j2) if w.j2 > j1 else None,
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
