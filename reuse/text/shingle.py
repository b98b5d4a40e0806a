"""Stage 4a: shingles, the units whose sets MinHash compares.

Two kinds (``ShingleConfig.kind``):

- ``"char"`` (default): every run of ``n`` consecutive characters of the
  normalised text. Script-independent (Chinese needs no word segmentation, and
  English works unchanged) and computed with vectorised numpy at tens of
  millions of characters per second.
- ``"word"``: every run of ``n`` consecutive jieba tokens (punctuation and
  space tokens skipped). jieba segments about 0.2-0.3 M characters per second
  per core, so word shingles cap the whole scan there; they are offered for
  comparison and for corpora where measurement favours them.

Each shingle is a 32-bit hash with the character span it covers, so a
passage ``[p0, p1)`` holds exactly the shingles with ``start >= p0`` and
``end <= p1``; because starts and ends are both non-decreasing, those are
one contiguous index range.

The hash of a character n-gram ``c_0 .. c_{n-1}`` (code points) is the
polynomial ``sum c_k * P^(n-1-k) mod 2^64`` with ``P = 1_000_003``, passed
through the SplitMix64 finaliser, upper 32 bits kept: a fixed, seedless,
platform-independent function (:func:`char_shingle_hash` computes it for one
string, which makes the signatures reproducible with datasketch itself).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from reuse.config.detection import ShingleConfig

_P = np.uint64(1_000_003)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


@dataclass(frozen=True)
class Shingles:
    """Shingle hashes of one text with the spans they cover.

    Attributes:
        hashes: uint32, one per shingle, in order of start.
        starts, ends: int64 character offsets (normalised text), non-decreasing.
    """

    hashes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    def __len__(self) -> int:
        return len(self.hashes)

    def index_range(self, start: int, end: int) -> tuple[int, int]:
        """Index range ``[lo, hi)`` of the shingles inside text span ``[start, end)``."""
        lo = int(np.searchsorted(self.starts, start, side="left"))
        hi = int(np.searchsorted(self.ends, end, side="right"))
        return lo, max(lo, hi)


def _finalise(h: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser, upper 32 bits (uint64 in, uint32 out)."""
    h = h ^ (h >> np.uint64(30))
    h = h * _M1
    h = h ^ (h >> np.uint64(27))
    h = h * _M2
    h = h ^ (h >> np.uint64(31))
    return (h >> np.uint64(32)).astype(np.uint32)


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(
        np.uint64
    )


def char_shingles(text: str, n: int) -> Shingles:
    """All character n-grams of ``text``; a text shorter than ``n`` has one shingle, itself.

    >>> s = char_shingles("党建引领", 3)
    >>> len(s), s.starts.tolist(), s.ends.tolist()
    (2, [0, 1], [3, 4])
    >>> int(s.hashes[0]) == char_shingle_hash("党建引")
    True
    """
    cps = _code_points(text)
    m = len(cps)
    if m == 0:
        z = np.zeros(0, dtype=np.int64)
        return Shingles(np.zeros(0, dtype=np.uint32), z, z)
    k = min(n, m)
    count = m - k + 1
    with np.errstate(over="ignore"):
        h = np.zeros(count, dtype=np.uint64)
        for j in range(k):
            h = h * _P + cps[j : j + count]
        hashes = _finalise(h)
    starts = np.arange(count, dtype=np.int64)
    return Shingles(hashes, starts, starts + k)


def char_shingle_hash(shingle: str | bytes) -> int:
    """The 32-bit hash of one character shingle (bytes are read as UTF-8).

    Usable as a datasketch ``hashfunc`` so that ``MinHash(hashfunc=...)``
    reproduces this package's signatures exactly.
    """
    if isinstance(shingle, bytes):
        shingle = shingle.decode("utf-8")
    cps = _code_points(shingle)
    with np.errstate(over="ignore"):
        h = np.zeros(1, dtype=np.uint64)
        for c in cps:
            h = h * _P + c
        return int(_finalise(h)[0])


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def word_shingles(text: str, n: int) -> Shingles:
    """All runs of ``n`` jieba tokens (words with at least one letter or digit)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokens = [(w, s, e) for w, s, e in jieba.tokenize(text) if _is_word(w)]
    if not tokens:
        z = np.zeros(0, dtype=np.int64)
        return Shingles(np.zeros(0, dtype=np.uint32), z, z)
    word_hash = np.array([zlib.crc32(w.encode("utf-8")) for w, _, _ in tokens], dtype=np.uint64)
    t_starts = np.array([s for _, s, _ in tokens], dtype=np.int64)
    t_ends = np.array([e for _, _, e in tokens], dtype=np.int64)
    k = min(n, len(tokens))
    count = len(tokens) - k + 1
    with np.errstate(over="ignore"):
        h = np.zeros(count, dtype=np.uint64)
        for j in range(k):
            h = h * _P + word_hash[j : j + count]
        hashes = _finalise(h)
    return Shingles(hashes, t_starts[:count], t_ends[k - 1 : k - 1 + count])


@lru_cache(maxsize=1)
def _word_char_table() -> np.ndarray:
    """Per BMP code point: True for letters and digits of *spaced* scripts."""
    import unicodedata

    table = np.zeros(0x10000, dtype=bool)
    for cp in range(0x10000):
        ch = chr(cp)
        if ch.isalnum() and unicodedata.east_asian_width(ch) not in ("W", "F"):
            table[cp] = True
    return table


def _word_mask(cps: np.ndarray) -> np.ndarray:
    """Per code point of ``cps``: True for a word character (none outside the BMP)."""
    word = np.zeros(len(cps), dtype=bool)
    bmp = cps < 0x10000
    word[bmp] = _word_char_table()[cps[bmp].astype(np.int64)]
    return word


def units(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Script-aware units of normalised text: ``(hashes uint64, starts, ends)``.

    A unit is a run of letters and digits of a spaced script (an English word,
    a number) or any other single character that is not a space (a Chinese
    character, a punctuation mark). Spaces are not units.

    >>> h, s, e = units("GDP增长5.2%, the rate")
    >>> [("GDP增长5.2%, the rate")[a:b] for a, b in zip(s.tolist(), e.tolist())]
    ['GDP', '增', '长', '5', '.', '2', '%', ',', 'the', 'rate']
    """
    cps = _code_points(text)
    m = len(cps)
    if m == 0:
        z = np.zeros(0, dtype=np.int64)
        return np.zeros(0, dtype=np.uint64), z, z
    word = _word_mask(cps)
    space = cps == 32
    prev_word = np.concatenate(([False], word[:-1]))
    next_word = np.concatenate((word[1:], [False]))
    starts = np.flatnonzero(~space & ~(word & prev_word))
    ends = np.flatnonzero(~space & ~(word & next_word)) + 1
    # A unit's hash is the polynomial sum c_i * P^(end - 1 - i) mod 2^64 over
    # its characters, summed per unit with one reduceat (no Python loop).
    if len(starts) == 0:
        z = np.zeros(0, dtype=np.int64)
        return np.zeros(0, dtype=np.uint64), z, z
    members = np.flatnonzero(~space)
    is_start = np.zeros(m, dtype=bool)
    is_start[starts] = True
    unit_of = np.cumsum(is_start[members]) - 1
    with np.errstate(over="ignore"):
        longest = int((ends - starts).max())
        powers = np.ones(longest, dtype=np.uint64)
        if longest > 1:
            powers[1:] = np.cumprod(np.full(longest - 1, _P, dtype=np.uint64))
        terms = cps[members] * powers[ends[unit_of] - 1 - members]
        first = np.flatnonzero(is_start[members])
        hashes = np.add.reduceat(terms, first)
    return hashes, starts.astype(np.int64), ends.astype(np.int64)


def count_units(text: str) -> int:
    """The number of :func:`units` of ``text`` (a Chinese character, a word, a mark).

    >>> count_units("GDP增长5.2%, the rate"), count_units("政府GDP工作")
    (10, 5)
    """
    return UnitCounts(text).count(0, len(text))


class UnitCounts:
    """The number of :func:`units` of any slice of one text, in constant time.

    ``prefix[i]`` is the number of units that start in ``text[:i]`` (a unit
    starts at every character that is not a space and does not continue a
    run of word characters). A slice ``text[s:e]`` holds the units starting
    inside it, plus one when it begins inside a run of word characters (that
    character starts a unit of the slice): ``prefix[e] - prefix[s] + [text[s]
    continues a run]``, where a character continues a run exactly when no
    unit starts at it and it is not a space. Memory: 4 bytes a character.

    >>> counts = UnitCounts("GDP增长5.2%, the rate")
    >>> counts.count(0, 19), counts.count(1, 5), count_units("DP增长")
    (10, 3, 3)
    """

    __slots__ = ("prefix", "text")

    def __init__(self, text: str) -> None:
        cps = _code_points(text)
        word = _word_mask(cps)
        continuing = np.zeros(len(cps), dtype=bool)
        continuing[1:] = word[1:] & word[:-1]
        starts = (cps != 32) & ~continuing
        self.prefix = np.zeros(len(cps) + 1, dtype=np.int32)
        np.cumsum(starts, out=self.prefix[1:])
        self.text = text

    def count(self, start: int, end: int) -> int:
        """``count_units(text[start:end])`` (``0 <= start <= end <= len(text)``)."""
        if end <= start:
            return 0
        prefix = self.prefix
        n = int(prefix[end]) - int(prefix[start])
        if prefix[start + 1] == prefix[start] and self.text[start] != " ":
            n += 1  # the slice begins inside a run of word characters
        return n


def unit_shingles(text: str, n: int) -> Shingles:
    """All runs of ``n`` consecutive units (see :func:`units`)."""
    hashes, starts, ends = units(text)
    if len(hashes) == 0:
        z = np.zeros(0, dtype=np.int64)
        return Shingles(np.zeros(0, dtype=np.uint32), z, z)
    k = min(n, len(hashes))
    count = len(hashes) - k + 1
    with np.errstate(over="ignore"):
        h = np.zeros(count, dtype=np.uint64)
        for j in range(k):
            h = _mix_step(h * _P + hashes[j : j + count])
        out = _finalise(h)
    return Shingles(out, starts[:count], ends[k - 1 : k - 1 + count])


def _mix_step(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(31))
    return h * _M1


def shingle(text: str, config: ShingleConfig | None = None) -> Shingles:
    """Shingles of normalised ``text`` of the configured kind."""
    config = config or ShingleConfig()
    if config.kind == "word":
        return word_shingles(text, config.n)
    if config.kind == "unit":
        return unit_shingles(text, config.n)
    return char_shingles(text, config.n)
