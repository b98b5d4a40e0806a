"""Stage 6: merge verified passages into segments, align them exactly.

For one pair of documents (normalised texts ``A`` and ``B``) and its LSH
candidate passage pairs:

1. **Verify** (:mod:`reuse.detect.verify`). A candidate is a *seed* when the
   normalised Indel similarity of the two passages is at least
   ``verify_similarity``.
2. **Chain.** Seeds are sorted by their start in ``A`` and chained into
   clusters that run along one diagonal: a seed joins a cluster when it
   starts at most ``max_gap`` characters after the cluster's end in both
   documents and its diagonal ``b_start - a_start`` differs from the
   cluster's by at most ``max_gap`` (an insertion of up to ``max_gap``
   characters on one side, such as a photo caption, shifts the diagonal by
   its length); :mod:`reuse.detect.chain`.
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

The rapidfuzz calls get both texts in the keys of an
:class:`reuse.detect.verify.Alphabet` (same results, faster); everything that
looks at a character's class (punctuation, spaces) gets the real texts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple, cast

import numpy as np
from rapidfuzz.distance import Levenshtein

from reuse.config.detection import AlignConfig
from reuse.detect.chain import chain
from reuse.detect.segments import Segment, drop_overlaps
from reuse.text.shingle import UnitCounts

__all__ = ["SALVAGE_GAP", "TextAids", "align_pair", "chain"]

_CLAUSE_END = frozenset("。!?;,:.")


class TextAids(NamedTuple):
    """What makes aligning a text again and again faster, the results unchanged:
    the text in the keys of an :class:`reuse.detect.verify.Alphabet` (for
    rapidfuzz) and its units counted (:class:`reuse.text.shingle.UnitCounts`)."""

    key: str
    units: UnitCounts

    @classmethod
    def of(cls, text: str) -> TextAids:
        """The aids of ``text`` with no alphabet (the text is its own key)."""
        return cls(text, UnitCounts(text))


#: ``(a0, a1, b0, b1)``: ``A[a0:a1]`` aligned with ``B[b0:b1]``, end-exclusive.
_Span = tuple[int, int, int, int]


class _Piece(NamedTuple):
    """A stretch of the alignment, ``A[a0:a1]`` against ``B[b0:b1]``, grown from
    ``seeds`` verified passage pairs (not yet measured or filtered)."""

    a0: int
    a1: int
    b0: int
    b1: int
    seeds: int


@dataclass(frozen=True)
class _Texts:
    """The two normalised texts of a document pair, the same texts in the keys
    of an :class:`reuse.detect.verify.Alphabet` (for rapidfuzz), and their
    units counted (:class:`reuse.text.shingle.UnitCounts`)."""

    a: str
    b: str
    key_a: str
    key_b: str
    units_a: UnitCounts
    units_b: UnitCounts

    def pieces(self, a0: int, a1: int, b0: int, b1: int, config: AlignConfig) -> list[_Span]:
        """:func:`_anchored_pieces` of ``A[a0:a1]`` and ``B[b0:b1]``, in offsets
        of the whole texts."""
        local = _anchored_pieces(
            self.a[a0:a1], self.b[b0:b1], config, self.key_a[a0:a1], self.key_b[b0:b1]
        )
        return [(a0 + p0, a0 + p1, b0 + q0, b0 + q1) for p0, p1, q0, q1 in local]


def _chains(seeds: np.ndarray, max_gap: int) -> list[list[list[int]]]:
    """The seeds of each :func:`chain` cluster, as lists of ``[a0, a1, b0, b1]``."""
    rows = seeds.tolist()
    if len(rows) == 1:  # one verified passage pair (most document pairs): one cluster
        return [rows]
    return [[rows[i] for i in cluster.tolist()] for cluster in chain(seeds, max_gap)]


def _anchored_pieces(a: str, b: str, config: AlignConfig, key_a: str, key_b: str) -> list[_Span]:
    """Pieces ``(a0, a1, b0, b1)`` of the alignment of ``a`` and ``b`` (local offsets);
    ``key_a``/``key_b`` are the same texts in :class:`reuse.detect.verify.Alphabet` keys."""
    return _grown(a, b, _split_at_gaps(_anchors(key_a, key_b, config), config.max_gap))


def _anchors(key_a: str, key_b: str, config: AlignConfig) -> list[_Span]:
    """The identical runs of at least ``anchor_chars`` characters of the
    Levenshtein edit script of the two texts."""
    # rapidfuzz's stub types the rows as Opcode objects; as_list() gives tuples.
    opcodes = cast(
        "list[tuple[str, int, int, int, int]]", Levenshtein.opcodes(key_a, key_b).as_list()
    )
    anchors: list[_Span] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal" and i2 - i1 >= config.anchor_chars:
            anchors.append((i1, i2, j1, j2))
    return anchors


def _split_at_gaps(anchors: list[_Span], max_gap: int) -> list[_Span]:
    """Consecutive anchors joined into pieces, a new piece where the text
    between two anchors exceeds ``max_gap`` characters in either text."""
    pieces: list[_Span] = []
    current: list[int] | None = None
    for i1, i2, j1, j2 in anchors:
        if current is not None and (i1 - current[1] > max_gap or j1 - current[3] > max_gap):
            pieces.append((current[0], current[1], current[2], current[3]))
            current = None
        if current is None:
            current = [i1, i2, j1, j2]
        else:
            current[1], current[3] = i2, j2
    if current is not None:
        pieces.append((current[0], current[1], current[2], current[3]))
    return pieces


def _grown(a: str, b: str, pieces: list[_Span]) -> list[_Span]:
    """The pieces grown over the identical characters just outside them, up to
    the previous and the next piece.

    An optimal edit script may align a piece's first word with an equal word
    further out ("by *the* mayor. the committee"); identical characters just
    outside a piece belong to it, but the punctuation that ends the sentence
    before does not.
    """
    grown: list[_Span] = []
    floor_a = floor_b = 0
    for k, (i1, i2, j1, j2) in enumerate(pieces):
        while i1 > floor_a and j1 > floor_b and a[i1 - 1] == b[j1 - 1]:
            i1, j1 = i1 - 1, j1 - 1
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
    aids: tuple[TextAids, TextAids] | None = None,
    shared_side: str | None = None,
) -> list[Segment]:
    """Reused segments between ``text_a`` and ``text_b`` grown from verified ``seeds``.

    Args:
        seeds: ``(m, 4)`` array of verified passage pairs ``(a0, a1, b0, b1)``.
        aids: both texts' :class:`TextAids` (for speed; the segments are the
            same without them).
        shared_side: ``"a"`` or ``"b"``: that text is a template's
            representative, which several occurrences in the other text may
            align to; only overlaps in the other text make a segment redundant.
    """
    config = config or AlignConfig()
    if len(seeds) == 0:
        return []
    aid_a, aid_b = aids if aids is not None else (TextAids.of(text_a), TextAids.of(text_b))
    texts = _Texts(text_a, text_b, aid_a.key, aid_b.key, aid_a.units, aid_b.units)
    segments: list[Segment] = []
    for piece in _merge_neighbours(texts, _chain_pieces(texts, seeds, config), config):
        seg = _measure(texts, piece, config)
        if seg is not None:
            segments.append(seg)
        elif min(piece.a1 - piece.a0, piece.b1 - piece.b0) >= config.min_match_chars:
            segments.extend(_salvage(texts, piece, config))
    return drop_overlaps(segments, shared_side)


def _chain_pieces(texts: _Texts, seeds: np.ndarray, config: AlignConfig) -> list[_Piece]:
    """The pieces of each chain of verified passages, its span widened by
    ``extend_chars`` on both sides and aligned."""
    extend_chars = config.extend_chars
    raw: list[_Piece] = []
    for part in _chains(seeds, config.max_gap):
        a0 = max(0, min(r[0] for r in part) - extend_chars)
        a1 = min(len(texts.a), max(r[1] for r in part) + extend_chars)
        b0 = max(0, min(r[2] for r in part) - extend_chars)
        b1 = min(len(texts.b), max(r[3] for r in part) + extend_chars)
        for span in texts.pieces(a0, a1, b0, b1, config):
            raw.append(_Piece(*span, len(part)))
    return raw


#: Unmatched characters tolerated inside a salvaged piece (see :func:`_salvage`).
SALVAGE_GAP = 30


def _salvage(texts: _Texts, piece: _Piece, config: AlignConfig) -> list[Segment]:
    """The parts of a piece too dissimilar as a whole that hold up on their own.

    A formula of 60-150 characters inside sentences that otherwise differ is
    joined by the anchors around it (gaps up to ``max_gap``) into a piece whose
    similarity falls below ``min_similarity``; aligned again with gaps of at
    most :data:`SALVAGE_GAP` characters, its core is a segment of its own.
    """
    tight = replace(config, max_gap=min(config.max_gap, SALVAGE_GAP))
    out = []
    for span in texts.pieces(piece.a0, piece.a1, piece.b0, piece.b1, tight):
        seg = _measure(texts, _Piece(*span, piece.seeds), config)
        if seg is not None:
            out.append(seg)
    return out


def _merge_neighbours(texts: _Texts, raw: list[_Piece], config: AlignConfig) -> list[_Piece]:
    """Join pieces that follow each other within ``max_gap`` in both documents.

    Two chains can stop short of each other where LSH missed a passage (an
    inserted caption lowers its similarity); their pieces are then aligned
    again as one region, and split again only where the anchors say so.
    """
    raw = sorted(raw)
    changed = True
    while changed and len(raw) > 1:
        changed = False
        out: list[_Piece] = []
        for piece in raw:
            if out and _follows(out[-1], piece, config.max_gap):
                prev = out[-1]
                a0, a1 = prev.a0, piece.a1
                b0, b1 = min(prev.b0, piece.b0), max(prev.b1, piece.b1)
                joined = texts.pieces(a0, a1, b0, b1, config)
                if len(joined) == 1:
                    out[-1] = _Piece(*joined[0], prev.seeds + piece.seeds)
                    changed = True
                    continue
            out.append(piece)
        raw = out
    return raw


def _follows(prev: _Piece, piece: _Piece, max_gap: int) -> bool:
    """Whether ``piece`` starts within ``max_gap`` of the end of ``prev`` in both
    documents (before or after it) and ends after it in both."""
    gap_a = piece.a0 - prev.a1
    gap_b = piece.b0 - prev.b1
    return (
        -max_gap <= gap_a <= max_gap
        and -max_gap <= gap_b <= max_gap
        and piece.a1 > prev.a1
        and piece.b1 > prev.b1
    )


def _measure(texts: _Texts, piece: _Piece, config: AlignConfig) -> Segment | None:
    """The piece as a :class:`Segment` with its exact distance, or None if filtered out."""
    text_a, text_b = texts.a, texts.b
    sa, ea = _strip_spaces(text_a, piece.a0, piece.a1)
    sb, eb = _strip_spaces(text_b, piece.b0, piece.b1)
    # The punctuation that ends the sentence before belongs to the shared run
    # when both texts have it, though not to the segment (see _anchored_pieces).
    shortest = config.min_match_chars - (
        sa > 0 and sb > 0 and text_a[sa - 1] in _CLAUSE_END and text_a[sa - 1] == text_b[sb - 1]
    )
    if min(ea - sa, eb - sb) < shortest:
        return None
    # A word of a spaced script counts once (an English phrase of 40 letters
    # is seven words, not forty Chinese characters).
    if min(texts.units_a.count(sa, ea), texts.units_b.count(sb, eb)) < shortest:
        return None
    distance = Levenshtein.distance(texts.key_a[sa:ea], texts.key_b[sb:eb])
    similarity = 1.0 - distance / max(ea - sa, eb - sb)
    if similarity < config.min_similarity:
        return None
    return Segment(sa, ea, sb, eb, int(distance), float(similarity), piece.seeds)


def _strip_spaces(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] == " ":
        start += 1
    while end > start and text[end - 1] == " ":
        end -= 1
    return start, end
