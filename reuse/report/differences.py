"""Differences inside a passage: the Levenshtein edit script of the two
normalised passages (rapidfuzz ``opcodes``), mapped back to the original text.

Each entry is ``[op, a_start, a_end, b_start, b_end]`` in original offsets,
``op`` one of ``equal``, ``replace``, ``delete`` (only in A), ``insert``
(only in B); adjacent operations other than ``equal`` are merged into one
difference. An empty range sits before the character at its offset (or just
after the passage).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reuse.text.normalise import NormalisedText

# rapidfuzz is imported where it is used, so a command that does not need it starts faster.


def _original_range(norm: NormalisedText, s: int, e: int, base: int) -> tuple[int, int]:
    """The original offsets of ``[base + s, base + e)`` of the normalised text."""
    if e > s:
        return norm.to_original(base + s, base + e)
    # An empty range sits before the character at s (or after the passage).
    pos = base + s
    if pos < len(norm.text):
        at = int(norm.origin[pos])
    else:
        at = int(norm.origin[pos - 1]) + 1
    return at, at


def passage_differences(
    na: NormalisedText, a0: int, a1: int, nb: NormalisedText, b0: int, b1: int
) -> list[list[Any]]:
    """Edit script of two normalised passages (``na.text[a0:a1]`` and
    ``nb.text[b0:b1]``), in original offsets."""
    from rapidfuzz.distance import Levenshtein

    out: list[list[Any]] = []
    # Adjacent non-equal operations are one difference ("。" -> "无锡" is one
    # replacement, not a replacement and an insertion).
    merged: list[list[Any]] = []
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(na.text[a0:a1], nb.text[b0:b1]):
        if merged and tag != "equal" and merged[-1][0] != "equal":
            merged[-1][2], merged[-1][4] = i2, j2
        else:
            merged.append([tag, i1, i2, j1, j2])
    for tag, i1, i2, j1, j2 in merged:
        if tag != "equal":
            tag = "replace" if i2 > i1 and j2 > j1 else ("delete" if i2 > i1 else "insert")
        sa, ea = _original_range(na, i1, i2, a0)
        sb, eb = _original_range(nb, j1, j2, b0)
        out.append([tag, sa, ea, sb, eb])
    return out
