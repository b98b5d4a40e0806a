"""The character edit script of two strings, as reports and typed edits read it.

``rapidfuzz.distance.Levenshtein.opcodes(a, b)`` is a minimal edit script:
operations ``(tag, i1, i2, j1, j2)`` that turn ``a[i1:i2]`` into
``b[j1:j2]``, ``tag`` one of ``equal``, ``replace``, ``delete``, ``insert``,
covering both strings in order. A minimal script may cut one difference in
two (``。`` -> ``无锡`` is a replacement and an insertion side by side), so
operations other than ``equal`` that follow each other are merged into one,
whose tag says what it does: ``replace`` when both sides hold characters,
``delete`` when only ``a`` does, ``insert`` when only ``b`` does.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

__all__ = ["Operation", "changes", "edit_script"]

#: ``(tag, i1, i2, j1, j2)``: ``a[i1:i2]`` becomes ``b[j1:j2]``.
Operation = tuple[str, int, int, int, int]


def edit_script(a: str, b: str) -> list[Operation]:
    """The edit script of ``a`` into ``b``, adjacent differences merged.

    >>> edit_script("一二。四", "一二无锡四")
    [('equal', 0, 2, 0, 2), ('replace', 2, 3, 2, 4), ('equal', 3, 4, 4, 5)]
    """
    merged: list[list[int]] = []  # [is_change, i1, i2, j1, j2]
    for op in Levenshtein.opcodes(a, b):
        change = op.tag != "equal"
        if change and merged and merged[-1][0]:
            merged[-1][2], merged[-1][4] = op.src_end, op.dest_end
        else:
            merged.append([int(change), op.src_start, op.src_end, op.dest_start, op.dest_end])
    return [(_tag(bool(c), i1, i2, j1, j2), i1, i2, j1, j2) for c, i1, i2, j1, j2 in merged]


def changes(a: str, b: str) -> list[tuple[int, int, int, int]]:
    """The differences of :func:`edit_script` only, as ``(i1, i2, j1, j2)``.

    >>> changes("一二。四", "一二无锡四")
    [(2, 3, 2, 4)]
    """
    return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in edit_script(a, b) if tag != "equal"]


def _tag(change: bool, i1: int, i2: int, j1: int, j2: int) -> str:
    if not change:
        return "equal"
    if i2 > i1 and j2 > j1:
        return "replace"
    return "delete" if i2 > i1 else "insert"
