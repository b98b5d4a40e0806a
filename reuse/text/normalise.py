"""Stage 2: normalise text for comparison, keeping a map back to the original.

Two copies of a passage rarely agree character for character: a news site
converts full-width digits and punctuation, a PDF export breaks lines inside
words, a page break drops a page number into a sentence. Normalisation makes
those differences vanish *before* shingling and alignment, and records for
every normalised character the position of the original character it came
from, so that every match can be reported in the original text.

Per original character ``c`` (code point) the normalised output is::

    t2s(fold(casefold(NFKC(c))))

- traditional Han characters fold to simplified ones (OpenCC ``t2s``, one
  character at a time), so ``政府工作報告`` and ``政府工作报告`` compare equal;
- NFKC folds compatibility forms: full-width ``，１２３ＡＢＣ`` become ``,123abc``
  (after casefolding), circled and parenthesised numbers expand;
- ``fold`` maps punctuation variants to one form: all double quotes to ``"``,
  single quotes to ``'``, dashes to ``-``, ``、`` to ``,``, brackets to ``[]``/``<>``;
- control and format characters (zero-width space, BOM, soft hyphen) vanish;
- a run of white space (including line and page breaks) vanishes when a
  neighbour is a wide (CJK) character, so ``治理\\n新局面`` joins to ``治理新局面``;
  between two characters of a spaced script (``end of line``) it becomes one
  space, so English keeps its word boundaries.

NFKC is applied per character (not per string): a combining sequence is not
recomposed. This keeps the map exact and the operation a table lookup.

The implementation is vectorised: the text becomes a numpy array of code
points, each looked up in a table built once for the Basic Multilingual Plane
(characters outside it go through a small cache). Throughput is tens of
millions of characters per second.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from reuse.text.cache_file import cached, source_key

_DROP = np.uint32(0xFFFFFFFF)
_MULTI = np.uint32(0xFFFFFFFE)
_BMP = 0x10000

_FOLD: dict[str, str] = {}
for _chars, _to in (
    ('\u201c\u201d\u201e\u201f\u00ab\u00bb\u300c\u300d\u300e\u300f\u301d\u301e\u301f\uff02"', '"'),
    ("\u2018\u2019\u201a\u201b\u2032\u2035`'", "'"),
    ("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500\u2501\ufe58\ufe63\uff0d", "-"),
    ("\u3001\uff64", ","),
    ("\uff61", "\u3002"),
    ("\u00b7\u30fb\u2022\u2027\u2219", "\u00b7"),
    ("\u3010\u3014\u3016\u3018\u301a[", "["),
    ("\u3011\u3015\u3017\u3019\u301b]", "]"),
    ("\u300a\u3008<", "<"),
    ("\u300b\u3009>", ">"),
):
    for _c in _chars:
        _FOLD[_c] = _to


def normalise_char(char: str) -> str:
    """The normalised form of one character (possibly empty or several characters).

    >>> normalise_char("，"), normalise_char("１"), normalise_char("“"), normalise_char("\\u200b")
    (',', '1', '"', '')
    >>> normalise_char("Ａ"), normalise_char("國"), normalise_char("发")
    ('a', '国', '发')
    """
    if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn") and not char.isspace():
        return ""
    out = unicodedata.normalize("NFKC", char).casefold()
    t2s = _traditional_to_simplified()
    return "".join(t2s.get(c, _FOLD.get(c, c)) for c in out)


_HAN_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x323B0))


@lru_cache(maxsize=1)
def _traditional_to_simplified() -> dict[str, str]:
    """Traditional -> simplified for single Han characters, from OpenCC's ``t2s`` tables.

    Character by character, not phrase by phrase, so the map back to the
    original text stays one to one; both sides of a comparison fold the same
    way, so a report converted to traditional characters matches its original.
    """
    import opencc

    chars = [chr(cp) for lo, hi in _HAN_RANGES for cp in range(lo, hi)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - OpenCC keeps line structure
        converted = [opencc.OpenCC("t2s").convert(c) for c in chars]
    return {c: s for c, s in zip(chars, converted) if s != c and len(s) == 1}


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


@lru_cache(maxsize=1)
def _tables() -> tuple[np.ndarray, dict[int, str], np.ndarray, np.ndarray]:
    """(code table, expansions, white-space mask, wide mask) for the BMP.

    ``code[cp]`` is the single normalised code point of ``cp``, ``_DROP`` if it
    vanishes, ``_MULTI`` if it expands to several (``expansions[cp]``).
    The masks are indexed by *normalised* code points. Built once per machine
    and kept on disk (:mod:`reuse.text.cache_file`): the key is this module's
    source, the Unicode version and OpenCC's version.
    """
    import opencc

    key = f"{source_key(__file__)}:{unicodedata.unidata_version}:{opencc.__version__}"
    code, expansions, space, wide = cached("normalise-tables", key, _build_tables, _tables_ok)
    return (
        np.frombuffer(code, dtype=np.uint32),
        expansions,
        np.frombuffer(space, dtype=bool),
        np.frombuffer(wide, dtype=bool),
    )


def _tables_ok(value: object) -> bool:
    """A cached value is four items: three tables of the right size and a dict."""
    if not (isinstance(value, tuple) and len(value) == 4):
        return False
    code, expansions, space, wide = value
    return (
        isinstance(code, bytes)
        and len(code) == 4 * _BMP
        and isinstance(expansions, dict)
        and all(isinstance(b, bytes) and len(b) == _BMP for b in (space, wide))
    )


def _build_tables() -> tuple[bytes, dict[int, str], bytes, bytes]:
    """:func:`_tables` computed, as bytes (each table's buffer) and the expansions."""
    code = np.empty(_BMP, dtype=np.uint32)
    expansions: dict[int, str] = {}
    space = np.zeros(_BMP, dtype=bool)
    wide = np.zeros(_BMP, dtype=bool)
    for cp in range(_BMP):
        ch = chr(cp)
        space[cp] = ch.isspace()
        wide[cp] = _is_wide(ch)
        if 0xD800 <= cp <= 0xDFFF:
            code[cp] = _DROP
            continue
        out = normalise_char(ch)
        if len(out) == 1:
            code[cp] = ord(out)
        elif not out:
            code[cp] = _DROP
        else:
            code[cp] = _MULTI
            expansions[cp] = out
    return code.tobytes(), expansions, space.tobytes(), wide.tobytes()


@lru_cache(maxsize=4096)
def _astral(cp: int) -> str:
    return normalise_char(chr(cp))


@dataclass(frozen=True)
class NormalisedText:
    """Normalised text and, per normalised character, its original position.

    Attributes:
        text: the normalised text.
        origin: ``origin[i]`` is the index in the original text of the
            character that produced ``text[i]`` (int64, non-decreasing).
        n_original: length of the original text in characters.
    """

    text: str
    origin: np.ndarray
    n_original: int

    def __len__(self) -> int:
        return len(self.text)

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """Widen ``[start, end)`` so it does not cut an expansion of one original character."""
        origin = self.origin
        while start > 0 and start < len(origin) and origin[start - 1] == origin[start]:
            start -= 1
        while 0 < end < len(origin) and origin[end] == origin[end - 1]:
            end += 1
        return start, end

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` (code points, end-exclusive) of normalised ``[start, end)``.

        >>> n = normalise("一\\n二 三")
        >>> n.text, n.to_original(1, 3)
        ('一二三', (2, 5))
        """
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"bad normalised range [{start}, {end}) for length {len(self.text)}")
        return int(self.origin[start]), int(self.origin[end - 1]) + 1

    def passage_range(self, start: int, end: int, passage: tuple[int, int]) -> tuple[int, int]:
        """Original offsets of normalised ``[start, end)`` of the passage ``passage``
        (normalised ``[p0, p1)``), where the range may be empty.

        An empty range is where the other side's text of an edit goes: before
        the character at ``start``, so at its original offset; at the end of the
        passage, just after the passage's last character; at the end of an
        empty passage at the end of the text, the text's original length.

        >>> n = normalise("一二\\n三四")
        >>> n.passage_range(1, 3, (0, 4))
        (1, 4)
        >>> n.passage_range(2, 2, (0, 2)), n.passage_range(2, 2, (0, 4))
        ((2, 2), (3, 3))
        """
        if end > start:
            return self.to_original(start, end)
        if start > passage[0] and start == passage[1]:
            at = int(self.origin[start - 1]) + 1
        elif start < len(self.text):
            at = int(self.origin[start])
        else:
            at = self.n_original
        return at, at


def normalise(text: str) -> NormalisedText:
    """Normalise ``text`` as described in the module docstring.

    >>> normalise("尊敬的各位领导，同志们：\\r\\n近年来").text
    '尊敬的各位领导,同志们:近年来'
    >>> normalise("Page  one\\nends here.").text
    'page one ends here.'
    >>> normalise("２０２４年３月").text
    '2024年3月'
    """
    code_table, expansions, space_table, wide_table = _tables()
    n = len(text)
    if n == 0:
        return NormalisedText("", np.zeros(0, dtype=np.int64), 0)
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    astral = cps >= _BMP
    code = code_table[np.where(astral, 0, cps)]
    if astral.any():
        code[astral] = _MULTI
    multi = code == _MULTI
    keep = code != _DROP
    if multi.any():
        positions = np.flatnonzero(multi)
        pieces = [
            _astral(int(cps[p])) if cps[p] >= _BMP else expansions[int(cps[p])] for p in positions
        ]
        lengths = keep.astype(np.int64)
        lengths[positions] = [len(p) for p in pieces]
        origin = np.repeat(np.arange(n, dtype=np.int64), lengths)
        out = np.repeat(code, lengths)
        starts = np.cumsum(lengths) - lengths
        for p, piece in zip(positions, pieces):
            s = starts[p]
            out[s : s + len(piece)] = [ord(c) for c in piece]
    else:
        origin = np.flatnonzero(keep).astype(np.int64)
        out = code[keep]
    if len(out) == 0:
        return NormalisedText("", origin, n)

    bmp_out = np.where(out < _BMP, out, 0)
    is_space = space_table[bmp_out] & (out < _BMP)
    if is_space.any():
        # Outside the BMP only the CJK extension planes (2, 3) and pictographs are wide.
        is_wide = wide_table[bmp_out] | (out >= 0x1F000)
        m = len(out)
        run_start = is_space & ~np.concatenate(([False], is_space[:-1]))
        run_end = is_space & ~np.concatenate((is_space[1:], [False]))
        starts = np.flatnonzero(run_start)
        ends = np.flatnonzero(run_end) + 1
        prev_idx = starts - 1
        next_idx = ends
        has_both = (prev_idx >= 0) & (next_idx < m)
        prev_wide = is_wide[np.clip(prev_idx, 0, m - 1)]
        next_wide = is_wide[np.clip(next_idx, 0, m - 1)]
        keep_run = has_both & ~prev_wide & ~next_wide
        keep_mask = ~is_space
        kept_starts = starts[keep_run]
        keep_mask[kept_starts] = True
        out = out.copy()
        out[kept_starts] = ord(" ")
        out = out[keep_mask]
        origin = origin[keep_mask]
    normalised = out.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
    return NormalisedText(normalised, origin, n)


# Joins texts in normalise_many: a wide character that normalises to itself, so
# white space next to it is dropped exactly as at the start or end of a text.
_SEPARATOR = "\u4e00"


def normalise_many(texts: list[str]) -> list[NormalisedText]:
    """``[normalise(t) for t in texts]``, in one vectorised pass (short texts are
    dominated by the per-call overhead).

    The texts are joined with a separator that behaves like the edge of a
    text, normalised once and cut apart again.

    >>> [n.text for n in normalise_many(["Ａ b ", " 两 个", ""])]
    ['a b', '两个', '']
    """
    if len(texts) <= 1:
        return [normalise(t) for t in texts]
    joined = normalise(_SEPARATOR.join(texts))
    # Original index of each separator, then its position in the normalised text.
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    text_starts = np.concatenate(([0], np.cumsum(lengths[:-1] + 1)))
    separators = text_starts[1:] - 1
    cut = np.searchsorted(joined.origin, separators)
    starts = np.concatenate(([0], cut + 1))
    ends = np.concatenate((cut, [len(joined.text)]))
    out = []
    for t, s, e, offset in zip(texts, starts.tolist(), ends.tolist(), text_starts.tolist()):
        out.append(NormalisedText(joined.text[s:e], joined.origin[s:e] - offset, len(t)))
    return out
