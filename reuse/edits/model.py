"""The records of typed edits: :class:`Edit`, its categories and the window sizes
of :mod:`reuse.edits` (counts in characters, i.e. Unicode code points)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reuse.text.normalise import NormalisedText

CONTEXT = 8
"""Characters either side of an edit searched for date expressions (with its blocks)."""

HOT_MARGIN = 2
"""jieba's HMM (unknown-word recognition) runs on runs of unknown characters that
overlap the edit widened by this many characters
(see :func:`reuse.edits.jieba_words.block_tokens`)."""

MAX_STRUCTURAL_CHARS = 120
"""Longest (normalised, stripped) text tested as a page marker, caption or byline."""

MAX_BLOCK_EXTENSION = 48

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


@dataclass(frozen=True)
class MatchSide:
    """One side of a match: the passage ``normalised.text[start:end]`` of a document.

    Attributes:
        original: the document's original text.
        normalised: its normalisation (text and offset map).
        start, end: NORMALISED offsets of the passage (end-exclusive).
    """

    original: str
    normalised: NormalisedText
    start: int
    end: int

    @cached_property
    def text(self) -> str:
        """The passage's normalised text."""
        return self.normalised.text[self.start : self.end]


# --------------------------------------------------------------------------- jieba

Token = tuple[int, int, str, str]
"""``(start, end, word, tag)`` of one jieba word (offsets relative to its block or window)."""
