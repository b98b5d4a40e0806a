"""Differences inside a passage: the Levenshtein edit script of the two
normalised passages (rapidfuzz ``opcodes``), mapped back to the original text.

Each entry is ``[op, a_start, a_end, b_start, b_end]`` in original offsets,
``op`` one of ``equal``, ``replace``, ``delete`` (only in A), ``insert``
(only in B); adjacent operations other than ``equal`` are merged into one
difference (:mod:`reuse.text.edit_script`). An empty range sits before the
character at its offset, or just after the passage at its end
(:meth:`~reuse.text.normalise.NormalisedText.passage_range`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reuse.text.normalise import NormalisedText

# rapidfuzz (reuse.text.edit_script) is imported where it is used, so a command
# that does not need it starts faster.


def passage_differences(
    na: NormalisedText, a0: int, a1: int, nb: NormalisedText, b0: int, b1: int
) -> list[list[Any]]:
    """Edit script of two normalised passages (``na.text[a0:a1]`` and
    ``nb.text[b0:b1]``), in original offsets."""
    from reuse.text.edit_script import edit_script

    out: list[list[Any]] = []
    for tag, i1, i2, j1, j2 in edit_script(na.text[a0:a1], nb.text[b0:b1]):
        sa, ea = na.passage_range(a0 + i1, a0 + i2, (a0, a1))
        sb, eb = nb.passage_range(b0 + j1, b0 + j2, (b0, b1))
        out.append([tag, sa, ea, sb, eb])
    return out
