"""What a template is made of: the sides of a match, a template's members
(its occurrences, each aligned to the representative), and the template.
Offsets: ``norm_*`` into the normalised text, the others into the original
text (code points, end-exclusive)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = ["Member", "Side", "Template", "member_of", "sides_of"]


class Side(NamedTuple):
    """One side of a match: its document, normalised and original offsets."""

    doc: int
    norm_start: int
    norm_end: int
    start: int
    end: int


class Member(NamedTuple):
    """An occurrence of a template: the member's document and original span, the
    representative's original span it was aligned to, the match (id, similarity,
    edit distance), and the member's normalised span."""

    doc: int
    start: int
    end: int
    rep_start: int
    rep_end: int
    match_id: int
    similarity: float
    edit_distance: int
    norm_start: int
    norm_end: int


@dataclass
class Template:
    """A template: its kind (``'template'`` or ``'boilerplate'``), its
    representative's document and span (normalised and original offsets,
    ``[start, end]`` lists that grow as members join), and its members."""

    kind: str
    rep_doc: int
    rep_norm: list[int]
    rep_orig: list[int]
    members: list[Member] = field(default_factory=list)

    @property
    def documents(self) -> set[int]:
        return {self.rep_doc} | {m.doc for m in self.members}


def member_of(side: Side, rep: Side, row: dict) -> Member:
    """The occurrence ``side`` of a match ``row`` whose other side is ``rep``."""
    return Member(
        side.doc, side.start, side.end, rep.start, rep.end, row["match_id"],
        row["similarity"], row["edit_distance"], side.norm_start, side.norm_end,
    )  # fmt: skip


def sides_of(row: dict) -> tuple[Side, Side]:
    """``(side a, side b)`` of a match."""
    a = Side(row["doc_a"], row["a_norm_start"], row["a_norm_end"], row["a_start"], row["a_end"])
    b = Side(row["doc_b"], row["b_norm_start"], row["b_norm_end"], row["b_start"], row["b_end"])
    return a, b
