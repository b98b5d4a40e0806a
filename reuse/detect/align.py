"""Stage 6: verify candidate passages, merge them into segments, align exactly.

For one pair of documents (normalised texts ``A`` and ``B``) and its LSH
candidate passage pairs:

1. **Verify.** A candidate is a *seed* when the normalised Indel similarity of
   the two passages, ``1 - indel(p, q) / (|p| + |q|)`` (rapidfuzz
   ``fuzz.ratio`` / 100), is at least ``verify_similarity``. This is exact,
   not estimated, and removes LSH false positives.
2. **Chain.** Seeds are sorted by their start in ``A`` and chained into
   clusters that run along one diagonal: a seed joins a cluster when it
   starts at most ``max_gap`` characters after the cluster's end in both
   documents and its diagonal ``b_start - a_start`` differs from the
   cluster's by at most ``max_gap`` (an insertion of up to ``max_gap``
   characters on one side, such as a photo caption, shifts the diagonal by
   its length).
3. **Align.** Each cluster's span, widened by ``extend_chars`` on both sides
   so that reuse starting or ending mid-sentence is not cut short, is aligned
   with the Levenshtein edit script (rapidfuzz ``Levenshtein.opcodes``).
   Identical runs of at least ``anchor_chars`` characters are *anchors*; the
   segment runs from its first anchor to its last, and is split where the
   text between two consecutive anchors exceeds ``max_gap`` characters in
   either document (a replaced paragraph, not a caption).
4. **Measure and filter.** Each piece gets its exact Levenshtein distance
   ``d`` (unit-cost insert, delete, substitute, in characters) and similarity
   ``1 - d / max(|a|, |b|)``; pieces shorter than ``min_match_chars`` in
   either document or less similar than ``min_similarity`` are dropped, and
   of pieces overlapping by more than half in either document only the
   longest is kept.

All positions are offsets into the normalised texts, end-exclusive.

**Speed: a permuted alphabet for rapidfuzz.** rapidfuzz's bit-parallel
kernels (Indel for verification, Levenshtein for the edit script and the
distance) look a character up in a direct 256-entry table when its code is
below 256 and in a hash map otherwise, and Chinese text is almost all above
256. :class:`Alphabet` is a permutation of code points that swaps the 255
most frequent characters of the texts being aligned with codes 1-255; the
rapidfuzz calls get the permuted texts (``keys``), everything that looks at a
character's class (punctuation, spaces) the real ones. A permutation keeps
which characters are equal and nothing else, and these kernels see nothing
else, so every score, edit script and distance is the same; on
``cn_laws_regs`` passages (88 characters on average, 77% of their characters
among the 255 most frequent) verification takes 1.9 µs a pair instead of 3.6.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from reuse.config import AlignConfig
from reuse.text.shingle import count_units

_CLAUSE_END = frozenset("。!?;,:.")


@dataclass(frozen=True)
class Segment:
    """One reused segment between documents A and B (normalised offsets).

    Attributes:
        a_start, a_end, b_start, b_end: end-exclusive character offsets.
        edit_distance: Levenshtein distance between the two texts.
        similarity: ``1 - edit_distance / max(len_a, len_b)``.
        seeds: verified passage pairs the segment grew from.
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    edit_distance: int
    similarity: float
    seeds: int = 1

    @property
    def length(self) -> int:
        return max(self.a_end - self.a_start, self.b_end - self.b_start)


class Alphabet:
    """A permutation of code points that moves the most frequent characters of
    some texts below 256 (see the module docstring); :meth:`keys` applies it.

    The permutation swaps pairs: each of the 255 most frequent code points
    above 255 trades places with one of the least frequent codes 1-255 that
    is not itself among the most frequent. Only equality of characters
    survives it, which is all the rapidfuzz kernels use.

    >>> alphabet = Alphabet(["政府工作报告", "工作"])
    >>> key = alphabet.keys("工作报告")
    >>> len(key), all(ord(c) < 256 for c in key)
    (4, True)
    >>> key == alphabet.keys("工作报告"), key == alphabet.keys("工作报吿")
    (True, False)
    """

    SLOTS = 255

    def __init__(self, texts: list[str]) -> None:
        counts = np.zeros(0x110000, dtype=np.int64)
        chunk: list[str] = []
        size = 0
        for text in [*texts, None]:  # counted ~4 M characters at a time
            if text is not None:
                chunk.append(text)
                size += len(text)
            if chunk and (text is None or size >= 1 << 22):
                joined = "".join(chunk).encode("utf-32-le", "surrogatepass")
                counts += np.bincount(np.frombuffer(joined, dtype=np.uint32), minlength=len(counts))
                chunk, size = [], 0
        counts[0] = 0
        # The most frequent code points (ties: the lower code first).
        present = np.flatnonzero(counts)
        top = present[np.lexsort((present, -counts[present]))][: self.SLOTS]
        high = top[top >= 256]
        taken = set(top[top < 256].tolist())
        low = np.array([c for c in range(1, 256) if c not in taken], dtype=np.int64)
        low = low[np.lexsort((low, counts[low]))][: len(high)]  # the rarest low codes
        lut = np.arange(0x110000, dtype=np.uint32)
        lut[high[: len(low)]] = low
        lut[low] = high[: len(low)]
        self.lut = lut
        self.identity = len(low) == 0

    def keys(self, text: str) -> str:
        """``text`` with its characters permuted (same length, same equalities)."""
        if self.identity or not text:
            return text
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        return self.lut[points].tobytes().decode("utf-32-le", "surrogatepass")


def verify(
    text_a: str,
    text_b: str,
    spans_a: np.ndarray,
    spans_b: np.ndarray,
    threshold: float,
) -> np.ndarray:
    """Boolean mask of candidate passage pairs whose Indel similarity >= ``threshold``.

    ``spans_a`` and ``spans_b`` are ``(m, 2)`` arrays of passage spans.
    """
    if len(spans_a) == 0:
        return np.zeros(0, dtype=bool)
    left = [text_a[s:e] for s, e in spans_a.tolist()]
    right = [text_b[s:e] for s, e in spans_b.tolist()]
    return verify_texts(left, right, threshold)


def verify_texts(left: list[str], right: list[str], threshold: float) -> np.ndarray:
    """Boolean mask: Indel similarity of ``left[i]`` and ``right[i]`` >= ``threshold``.

    The Indel similarity is ``1 - (insertions + deletions) / (len_a + len_b)``
    (rapidfuzz ``fuzz.ratio`` / 100), computed for all pairs in one C call.
    """
    if not left:
        return np.zeros(0, dtype=bool)
    scores = process.cpdist(left, right, scorer=fuzz.ratio, score_cutoff=threshold * 100.0)
    return np.asarray(scores) >= threshold * 100.0


def chain(seeds: np.ndarray, max_gap: int) -> list[np.ndarray]:
    """Group seeds ``(a_start, a_end, b_start, b_end)`` into diagonal clusters.

    Returns a list of index arrays into ``seeds``, each one cluster.

    >>> s = np.array([[0, 60, 10, 70], [50, 110, 60, 120], [500, 560, 0, 60]])
    >>> [c.tolist() for c in chain(s, max_gap=100)]
    [[0, 1], [2]]
    """
    order = np.lexsort((seeds[:, 2], seeds[:, 0]))
    rows = seeds.tolist()
    clusters: list[list[int]] = []
    # per cluster: a_end, b_start, b_end, diagonal of its last seed
    state: list[list[int]] = []
    active: list[int] = []
    for idx in order.tolist():
        a0, a1, b0, b1 = rows[idx]
        diag = b0 - a0
        active = [c for c in active if state[c][0] + max_gap >= a0]
        best = -1
        best_dist = max_gap + 1
        for c in active:
            c_a1, c_b0, c_b1, c_diag = state[c]
            if b0 > c_b1 + max_gap or b1 < c_b0:
                continue
            dist = abs(diag - c_diag)
            if dist < best_dist:
                best, best_dist = c, dist
        if best < 0:
            clusters.append([idx])
            state.append([a1, b0, b1, diag])
            active.append(len(clusters) - 1)
        else:
            clusters[best].append(idx)
            st = state[best]
            st[0] = max(st[0], a1)
            st[1] = min(st[1], b0)
            st[2] = max(st[2], b1)
            st[3] = diag
    return [np.array(sorted(c), dtype=np.int64) for c in clusters]


def _chains(seeds: np.ndarray, max_gap: int) -> list[list[list[int]]]:
    """The seeds of each :func:`chain` cluster, as lists of ``[a0, a1, b0, b1]``."""
    rows = seeds.tolist()
    if len(rows) == 1:  # one verified passage pair (most document pairs): one cluster
        return [rows]
    return [[rows[i] for i in cluster.tolist()] for cluster in chain(seeds, max_gap)]


def _anchored_pieces(
    a: str, b: str, config: AlignConfig, key_a: str, key_b: str
) -> list[tuple[int, int, int, int]]:
    """Pieces ``(a0, a1, b0, b1)`` of the alignment of ``a`` and ``b`` (local offsets);
    ``key_a``/``key_b`` are the same texts in :class:`Alphabet` keys."""
    anchors: list[tuple[int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(key_a, key_b).as_list():
        if tag == "equal" and i2 - i1 >= config.anchor_chars:
            anchors.append((i1, i2, j1, j2))
    pieces: list[tuple[int, int, int, int]] = []
    current: list[int] | None = None
    for i1, i2, j1, j2 in anchors:
        if current is not None and (
            i1 - current[1] > config.max_gap or j1 - current[3] > config.max_gap
        ):
            pieces.append((current[0], current[1], current[2], current[3]))
            current = None
        if current is None:
            current = [i1, i2, j1, j2]
        else:
            current[1], current[3] = i2, j2
    if current is not None:
        pieces.append((current[0], current[1], current[2], current[3]))
    # An optimal edit script may align a piece's first word with an equal
    # word further out ("by *the* mayor. the committee"); identical characters
    # just outside a piece belong to it.
    grown = []
    floor_a = floor_b = 0
    for k, (i1, i2, j1, j2) in enumerate(pieces):
        while i1 > floor_a and j1 > floor_b and a[i1 - 1] == b[j1 - 1]:
            i1, j1 = i1 - 1, j1 - 1
        # ... but the punctuation that ends the sentence before does not.
        while i1 < i2 and a[i1] in _CLAUSE_END:
            i1 += 1
        while j1 < j2 and b[j1] in _CLAUSE_END:
            j1 += 1
        ceil_a, ceil_b = (
            (pieces[k + 1][0], pieces[k + 1][2]) if k + 1 < len(pieces) else (len(a), len(b))
        )
        while i2 < ceil_a and j2 < ceil_b and a[i2] == b[j2]:
            i2, j2 = i2 + 1, j2 + 1
        grown.append((i1, i2, j1, j2))
        floor_a, floor_b = i2, j2
    return grown


def align_pair(
    text_a: str,
    text_b: str,
    seeds: np.ndarray,
    config: AlignConfig | None = None,
    keys: tuple[str, str] | None = None,
    shared_side: str | None = None,
) -> list[Segment]:
    """Reused segments between ``text_a`` and ``text_b`` grown from verified ``seeds``.

    Args:
        seeds: ``(m, 4)`` array of verified passage pairs ``(a0, a1, b0, b1)``.
        keys: both texts in the keys of an :class:`Alphabet` (for speed; the
            segments are the same without them).
        shared_side: ``"a"`` or ``"b"``: that text is a template's
            representative, which several occurrences in the other text may
            align to; only overlaps in the other text make a segment redundant.
    """
    config = config or AlignConfig()
    if len(seeds) == 0:
        return []
    key_a, key_b = keys if keys is not None else (text_a, text_b)
    extend_chars = config.extend_chars
    # Raw pieces (a0, a1, b0, b1, seeds) from each chain of verified passages.
    raw: list[list[int]] = []
    for part in _chains(seeds, config.max_gap):
        a0 = max(0, min(r[0] for r in part) - extend_chars)
        a1 = min(len(text_a), max(r[1] for r in part) + extend_chars)
        b0 = max(0, min(r[2] for r in part) - extend_chars)
        b1 = min(len(text_b), max(r[3] for r in part) + extend_chars)
        pieces = _anchored_pieces(text_a[a0:a1], text_b[b0:b1], config, key_a[a0:a1], key_b[b0:b1])
        for p0, p1, q0, q1 in pieces:
            raw.append([a0 + p0, a0 + p1, b0 + q0, b0 + q1, len(part)])
    pieces: list[Segment] = []
    for a0, a1, b0, b1, n in _merge_neighbours(text_a, text_b, raw, config, key_a, key_b):
        seg = _measure(text_a, text_b, a0, a1, b0, b1, n, config, key_a, key_b)
        if seg is not None:
            pieces.append(seg)
        elif min(a1 - a0, b1 - b0) >= config.min_match_chars:
            pieces.extend(_salvage(text_a, text_b, a0, a1, b0, b1, n, config, key_a, key_b))
    return _drop_overlaps(pieces, shared_side)


#: Unmatched characters tolerated inside a salvaged piece (see :func:`_salvage`).
SALVAGE_GAP = 30


def _salvage(
    text_a: str,
    text_b: str,
    a0: int,
    a1: int,
    b0: int,
    b1: int,
    seeds: int,
    config: AlignConfig,
    key_a: str,
    key_b: str,
) -> list[Segment]:
    """The parts of a piece too dissimilar as a whole that hold up on their own.

    A formula of 60-150 characters inside sentences that otherwise differ is
    joined by the anchors around it (gaps up to ``max_gap``) into a piece whose
    similarity falls below ``min_similarity``; aligned again with gaps of at
    most :data:`SALVAGE_GAP` characters, its core is a segment of its own.
    """
    tight = replace(config, max_gap=min(config.max_gap, SALVAGE_GAP))
    out = []
    for p0, p1, q0, q1 in _anchored_pieces(
        text_a[a0:a1], text_b[b0:b1], tight, key_a[a0:a1], key_b[b0:b1]
    ):
        seg = _measure(
            text_a, text_b, a0 + p0, a0 + p1, b0 + q0, b0 + q1, seeds, config, key_a, key_b
        )
        if seg is not None:
            out.append(seg)
    return out


def _merge_neighbours(
    text_a: str, text_b: str, raw: list[list[int]], config: AlignConfig, key_a: str, key_b: str
) -> list[list[int]]:
    """Join pieces that follow each other within ``max_gap`` in both documents.

    Two chains can stop short of each other where LSH missed a passage (an
    inserted caption lowers its similarity); their pieces are then aligned
    again as one region, and split again only where the anchors say so.
    """
    raw = sorted(raw)
    changed = True
    while changed and len(raw) > 1:
        changed = False
        out: list[list[int]] = []
        for piece in raw:
            if out:
                prev = out[-1]
                gap_a = piece[0] - prev[1]
                gap_b = piece[2] - prev[3]
                if (
                    -config.max_gap <= gap_a <= config.max_gap
                    and -config.max_gap <= gap_b <= config.max_gap
                    and piece[1] > prev[1]
                    and piece[3] > prev[3]
                ):
                    a0, a1 = prev[0], piece[1]
                    b0, b1 = min(prev[2], piece[2]), max(prev[3], piece[3])
                    joined = _anchored_pieces(
                        text_a[a0:a1], text_b[b0:b1], config, key_a[a0:a1], key_b[b0:b1]
                    )
                    if len(joined) == 1:
                        p0, p1, q0, q1 = joined[0]
                        out[-1] = [a0 + p0, a0 + p1, b0 + q0, b0 + q1, prev[4] + piece[4]]
                        changed = True
                        continue
            out.append(piece)
        raw = out
    return raw


def _measure(
    text_a: str,
    text_b: str,
    a0: int,
    a1: int,
    b0: int,
    b1: int,
    seeds: int,
    config: AlignConfig,
    key_a: str,
    key_b: str,
) -> Segment | None:
    """The piece as a :class:`Segment` with its exact distance, or None if filtered out."""
    sa, ea = _strip_spaces(text_a, a0, a1)
    sb, eb = _strip_spaces(text_b, b0, b1)
    # The punctuation that ends the sentence before belongs to the shared run
    # when both texts have it, though not to the segment (see _anchored_pieces).
    shortest = config.min_match_chars - (
        sa > 0 and sb > 0 and text_a[sa - 1] in _CLAUSE_END and text_a[sa - 1] == text_b[sb - 1]
    )
    if min(ea - sa, eb - sb) < shortest:
        return None
    # A word of a spaced script counts once (an English phrase of 40 letters
    # is seven words, not forty Chinese characters).
    if min(count_units(text_a[sa:ea]), count_units(text_b[sb:eb])) < shortest:
        return None
    distance = Levenshtein.distance(key_a[sa:ea], key_b[sb:eb])
    similarity = 1.0 - distance / max(ea - sa, eb - sb)
    if similarity < config.min_similarity:
        return None
    return Segment(sa, ea, sb, eb, int(distance), float(similarity), seeds)


def _strip_spaces(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] == " ":
        start += 1
    while end > start and text[end - 1] == " ":
        end -= 1
    return start, end


def _overlap(s0: int, e0: int, s1: int, e1: int) -> int:
    return max(0, min(e0, e1) - max(s0, s1))


def _drop_overlaps(pieces: list[Segment], shared_side: str | None = None) -> list[Segment]:
    """Of segments that overlap by more than half in either document (only in
    the other one when ``shared_side`` names a side), keep the one with the
    most aligned equal characters (``length - edit_distance``; then the longest).
    A passage with several candidate source windows (an amendment law's
    neighbouring clauses) keeps the window it matches best.

    Text repeated inside one document (a paragraph a source repeats) aligns
    with the same copy twice; only the longer alignment is the copy's origin.
    A template's representative is the origin of every occurrence in a member.
    """
    kept: list[Segment] = []
    for seg in sorted(
        pieces, key=lambda s: (s.edit_distance - s.length, -s.length, s.a_start, s.b_start)
    ):
        redundant = False
        for other in kept:
            oa = _overlap(seg.a_start, seg.a_end, other.a_start, other.a_end)
            ob = _overlap(seg.b_start, seg.b_end, other.b_start, other.b_end)
            if shared_side == "a":
                oa = 0
            elif shared_side == "b":
                ob = 0
            if oa * 2 > seg.a_end - seg.a_start or ob * 2 > seg.b_end - seg.b_start:
                redundant = True
                break
        if not redundant:
            kept.append(seg)
    return sorted(kept, key=lambda s: (s.a_start, s.b_start))
