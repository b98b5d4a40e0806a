"""Reused segments between two documents, and of overlapping ones the best.

A :class:`Segment` is what alignment (:mod:`reuse.detect.align`) finds: a
stretch of each document's normalised text (end-exclusive character offsets),
with the Levenshtein distance ``d`` between the two and their similarity
``1 - d / max(len_a, len_b)``. Of segments overlapping by more than half in
either document only the best is kept (:func:`drop_overlaps`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Segment", "drop_overlaps"]


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


def _overlap(s0: int, e0: int, s1: int, e1: int) -> int:
    return max(0, min(e0, e1) - max(s0, s1))


def drop_overlaps(pieces: list[Segment], shared_side: str | None = None) -> list[Segment]:
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
