"""Templates of fuzzy stock text that only pairwise alignment found.

A region of a document (the overlapping sides of its pairwise matches,
merged) that is matched with at least ``T - 1`` other documents is text found
in ``T`` documents: a template whose representative is the region and whose
members are those matches, found by a greedy star cover (:func:`fuzzy_templates`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

import numpy as np

from reuse.derive.template_model import Side, Template, member_of, sides_of

__all__ = ["fuzzy_templates"]


def fuzzy_templates(pairwise: list[dict], t: int, ranks: np.ndarray) -> list[Template]:
    """Templates of fuzzy stock text that only pairwise alignment found: a region
    of a document (overlapping sides of its pairwise matches, merged) matched
    with at least ``t - 1`` other documents is text found in ``t`` documents.

    Greedy star cover, deterministic: regions with the most partner documents
    first (then the better-ranked document, then the earlier offset) become
    representatives; their matches to regions not yet in a template are the
    members. A member's region joins no other template, so nothing chains.
    """
    touches: dict[int, list[_Touch]] = defaultdict(list)
    for row in pairwise:
        a, b = sides_of(row)
        touches[a.doc].append(_Touch(a, b.doc, row))
        touches[b.doc].append(_Touch(b, a.doc, row))
    island_of: dict[tuple[int, int], int] = {}  # (doc, match_id) -> island
    islands: list[tuple[int, list[_Touch]]] = []
    for doc in sorted(touches):
        end = -1
        for touch in sorted(touches[doc], key=_Touch.order):
            if touch.side.norm_start >= end:
                islands.append((doc, []))
            islands[-1][1].append(touch)
            island_of[(doc, touch.row["match_id"])] = len(islands) - 1
            end = max(end, touch.side.norm_end)
    hubs = [k for k, (_, members) in enumerate(islands) if _partners(members) >= t - 1]
    hubs.sort(
        key=lambda k: (
            -_partners(islands[k][1]),
            ranks[islands[k][0]],
            islands[k][1][0].side.norm_start,
        )
    )
    used: set[int] = set()
    out: list[Template] = []
    for k in hubs:
        if k in used:
            continue
        doc, members = islands[k]
        free = [m for m in members if island_of[(m.other_doc, m.row["match_id"])] not in used]
        if _partners(free) < t - 1:
            continue
        rep_norm = [min(m.side.norm_start for m in free), max(m.side.norm_end for m in free)]
        rep_orig = [min(m.side.start for m in free), max(m.side.end for m in free)]
        tpl = Template("template", doc, rep_norm, rep_orig)
        used.add(k)
        for m in free:
            a, b = sides_of(m.row)
            other = b if m.row["doc_a"] == doc else a
            used.add(island_of[(m.other_doc, m.row["match_id"])])
            tpl.members.append(member_of(other, m.side, m.row))
        out.append(tpl)
    return out


class _Touch(NamedTuple):
    """A document's side of one of its pairwise matches, the partner document,
    and the match."""

    side: Side
    other_doc: int
    row: dict

    def order(self) -> tuple[int, int, int]:
        return (self.side.norm_start, self.side.norm_end, self.row["match_id"])


def _partners(touches: list[_Touch]) -> int:
    """Distinct partner documents of some touches."""
    return len({touch.other_doc for touch in touches})
