"""Reuse groups: a passage and the passages that match it, without chaining.

A stock paragraph copied into 12 reports produces up to 66 pairwise matches;
as a group it is one passage in 12 documents. Groups are built in two steps.

**1. Passage nodes** (:mod:`reuse.derive.group_nodes`). Each match has two
*sides*, a span ``[start, end)`` of one document each. Spans of one document
become one *node* when they overlap by more than half of the longer, so the
11 nearly identical spans a stock paragraph gets from its matches with 11
other documents are one node, while a whole-document copy containing the
paragraph is not merged with it.

**2. Stars.** Each match is an edge between the nodes of its two sides.
Connected components would chain: a report sharing one paragraph with a
second, which shares another with a third, would put the first and the third
in one group although they share nothing. Groups are stars instead (star
clustering, Aslam, Pelekhov and Rus 2004): nodes are visited by degree
(distinct neighbouring nodes, most first; then document id, then start); an
unvisited node becomes a group's *centre*, and its neighbours not yet in a
group its members. So every member of a group matches the group's centre
(its first member here is the centre, whose document is listed first), and
a node belongs to one group. A group's matches are those between two of its
members, the centre included.

A :class:`ReuseGroup` has one member per node (its document and hull span),
the centre first, then the others sorted by ``(doc_id, start)``, and the
sorted ids of its matches. Groups with
fewer than ``min_documents`` distinct documents are dropped (a match of two
passages of one document is a group of one document). Groups are ordered by
number of documents (descending), number of members (descending), then first
member ``(doc_id, start, end)`` and finally smallest match id, and numbered
``1, 2, ...`` in that order.

>>> sides = [(1, 10, 0, 200, 11, 50, 250), (2, 11, 52, 248, 12, 0, 199)]
>>> [g.members for g in reuse_groups(sides)]  # doctest: +NORMALIZE_WHITESPACE
[(GroupMember(doc_id=11, start=50, end=250), GroupMember(doc_id=10, start=0, end=200),
  GroupMember(doc_id=12, start=0, end=199))]
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from reuse.derive.group_nodes import Spans, distinct_spans, passage_nodes

__all__ = ["GroupMember", "ReuseGroup", "reuse_groups"]


@dataclass(frozen=True, slots=True)
class GroupMember:
    """One passage node of a group: a span ``[start, end)`` of a document."""

    doc_id: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ReuseGroup:
    """A star of passage nodes: a centre and the nodes that match it."""

    group_no: int  # 1.. in output order
    members: tuple[GroupMember, ...]  # one per node: the centre, then by (doc_id, start)
    match_ids: tuple[int, ...]  # sorted

    @property
    def n_documents(self) -> int:
        """The number of distinct documents among the members."""
        return len({m.doc_id for m in self.members})


def _as_array(sides: Iterable[Sequence[int]] | np.ndarray) -> np.ndarray:
    """The sides as an ``(n, 7)`` int64 array."""
    if isinstance(sides, np.ndarray):
        arr = sides.astype(np.int64, copy=False)
    else:
        rows = sides if isinstance(sides, list) else list(sides)
        if not rows:
            return np.empty((0, 7), dtype=np.int64)
        arr = np.array(rows, dtype=np.int64)
    if arr.size == 0:
        return arr.reshape(0, 7)
    if arr.ndim != 2 or arr.shape[1] != 7:
        raise ValueError(
            "each side must be (match_id, doc_a, a_start, a_end, doc_b, b_start, b_end)"
        )
    return arr


def _stars(
    u: np.ndarray, v: np.ndarray, n_nodes: int, node_doc: np.ndarray, node_start: np.ndarray
) -> np.ndarray:
    """Per node, the centre node of its star (see the module docstring)."""
    neighbours: list[set[int]] = [set() for _ in range(n_nodes)]
    for a, b in zip(u.tolist(), v.tolist()):
        if a != b:
            neighbours[a].add(b)
            neighbours[b].add(a)
    degree = np.fromiter((len(x) for x in neighbours), dtype=np.int64, count=n_nodes)
    order = np.lexsort((node_start, node_doc, -degree))
    centre = np.full(n_nodes, -1, dtype=np.int64)
    for node in order.tolist():
        if centre[node] >= 0:
            continue
        centre[node] = node
        for other in sorted(neighbours[node]):
            if centre[other] < 0:
                centre[other] = node
    return centre


@dataclass(frozen=True)
class _Members:
    """The nodes of the groups: ``order`` lists them by group, each group's centre
    first, then by ``(doc, start, end)``; per group its ``count`` of members,
    the ``first`` position of its members in ``order`` and its ``n_docs``."""

    order: np.ndarray
    count: np.ndarray
    first: np.ndarray
    n_docs: np.ndarray


@dataclass(frozen=True)
class _GroupMatches:
    """The matches inside the groups: ``order`` lists them (indices of sides) by
    group, then match id; per group its ``count``, the ``first`` position of
    its matches in ``order`` and its ``smallest`` match id (0 with none)."""

    order: np.ndarray
    count: np.ndarray
    first: np.ndarray
    smallest: np.ndarray


def reuse_groups(
    sides: Iterable[Sequence[int]] | np.ndarray, min_documents: int = 2
) -> list[ReuseGroup]:
    """Reuse groups of matches ``(match_id, doc_a, a_start, a_end, doc_b, b_start, b_end)``.

    Offsets are end-exclusive and must satisfy ``0 <= start < end`` (else
    ValueError). Groups with
    fewer than ``min_documents`` distinct documents are left out. The rules
    for nodes, components and order are in the module docstring; the output
    does not depend on the order of ``sides``.
    """
    arr = _as_array(sides)
    n = len(arr)
    if n == 0:
        return []
    match_id = arr[:, 0]
    sides_spans = Spans(
        np.concatenate([arr[:, 1], arr[:, 4]]),
        np.concatenate([arr[:, 2], arr[:, 5]]),
        np.concatenate([arr[:, 3], arr[:, 6]]),
    )
    _check_offsets(arr, sides_spans)
    span_of_side, spans = distinct_spans(sides_spans)
    node_of_span, nodes = passage_nodes(spans)
    # Stars: centres by degree; every member is a neighbour of its centre.
    node_of_side = node_of_span[span_of_side]
    u_side, v_side = node_of_side[:n], node_of_side[n:]
    comp_of_node, centre_of_comp = _components(u_side, v_side, nodes)
    members = _members(comp_of_node, centre_of_comp, nodes)
    n_comps = len(centre_of_comp)
    matches = _group_matches(match_id, comp_of_node[u_side], comp_of_node[v_side], n_comps)
    fm = members.order[members.first]
    comp_order = np.lexsort(
        (
            matches.smallest,
            nodes.end[fm],
            nodes.start[fm],
            nodes.doc[fm],
            -members.count,
            -members.n_docs,
        )
    )
    comp_order = comp_order[members.n_docs[comp_order] >= min_documents]
    return _built(comp_order, members, matches, nodes, match_id)


def _check_offsets(arr: np.ndarray, sides: Spans) -> None:
    """ValueError naming the first match with a side not ``0 <= start < end``."""
    n = len(arr)
    bad = np.flatnonzero((sides.end <= sides.start) | (sides.start < 0))
    if len(bad):
        i = int(bad[0]) % n
        raise ValueError(
            f"match {int(arr[i, 0])}: offsets must satisfy 0 <= start < end: {arr[i].tolist()}"
        )


def _components(
    u_side: np.ndarray, v_side: np.ndarray, nodes: Spans
) -> tuple[np.ndarray, np.ndarray]:
    """Per node its group, numbered ``0..`` in order of centre node, and per
    group its centre node (:func:`_stars`)."""
    n_nodes = len(nodes.doc)
    comp_of_node = _stars(u_side, v_side, n_nodes, nodes.doc, nodes.start)
    roots = np.unique(comp_of_node)
    n_comps = len(roots)
    centre_of_comp = np.full(n_comps, -1, dtype=np.int64)
    is_centre = comp_of_node == np.arange(n_nodes)  # a group is named by its centre node
    centre_of_comp[np.searchsorted(roots, comp_of_node[is_centre])] = np.flatnonzero(is_centre)
    return np.searchsorted(roots, comp_of_node), centre_of_comp


def _members(comp_of_node: np.ndarray, centre_of_comp: np.ndarray, nodes: Spans) -> _Members:
    """The members of every group, and its distinct documents."""
    n_nodes, n_comps = len(nodes.doc), len(centre_of_comp)
    not_centre = np.ones(n_nodes, dtype=np.int64)
    not_centre[centre_of_comp] = 0
    member_order = np.lexsort((nodes.end, nodes.start, nodes.doc, not_centre, comp_of_node))
    m_comp = comp_of_node[member_order]
    n_members = np.bincount(m_comp, minlength=n_comps)
    first_member = np.r_[0, np.cumsum(n_members)[:-1]]
    m_doc = nodes.doc[member_order]
    new_doc = np.ones(n_nodes, dtype=bool)
    new_doc[1:] = (m_comp[1:] != m_comp[:-1]) | (m_doc[1:] != m_doc[:-1])
    n_docs = np.bincount(m_comp[new_doc], minlength=n_comps)
    return _Members(member_order, n_members, first_member, n_docs)


def _group_matches(
    match_id: np.ndarray, comp_u: np.ndarray, comp_v: np.ndarray, n_comps: int
) -> _GroupMatches:
    """The matches of every group: those whose two sides' nodes (of groups
    ``comp_u`` and ``comp_v``) are both in it."""
    inside = comp_u == comp_v
    comp_of_match = np.where(inside, comp_u, n_comps)  # edges between groups: none
    match_order = np.lexsort((match_id, comp_of_match))
    match_order = match_order[comp_of_match[match_order] < n_comps]
    n_matches = np.bincount(comp_of_match[inside], minlength=n_comps)
    first_match = np.r_[0, np.cumsum(n_matches)[:-1]]
    min_match = (
        np.where(
            n_matches > 0, match_id[match_order][np.minimum(first_match, len(match_order) - 1)], 0
        )
        if len(match_order)
        else np.zeros(n_comps, dtype=np.int64)
    )
    return _GroupMatches(match_order, n_matches, first_match, min_match)


def _built(
    comp_order: np.ndarray,
    members: _Members,
    matches: _GroupMatches,
    nodes: Spans,
    match_id: np.ndarray,
) -> list[ReuseGroup]:
    """The groups ``comp_order`` lists, numbered ``1..`` in that order."""
    docs_l = nodes.doc[members.order].tolist()
    starts_l = nodes.start[members.order].tolist()
    ends_l = nodes.end[members.order].tolist()
    mids_l = match_id[matches.order].tolist()
    n_members_l, first_member_l = members.count.tolist(), members.first.tolist()
    n_matches_l, first_match_l = matches.count.tolist(), matches.first.tolist()
    groups = []
    # The objects built here hold no reference cycles; letting the cyclic
    # garbage collector run while hundreds of thousands of them are created
    # only rescans the caller's heap again and again (half the time at 400k
    # matches), so it is paused for the loop.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for no, c in enumerate(comp_order.tolist(), start=1):
            a, b = first_member_l[c], first_member_l[c] + n_members_l[c]
            members_c = tuple(map(GroupMember, docs_l[a:b], starts_l[a:b], ends_l[a:b]))
            a, b = first_match_l[c], first_match_l[c] + n_matches_l[c]
            groups.append(ReuseGroup(no, members_c, tuple(mids_l[a:b])))
    finally:
        if gc_was_enabled:
            gc.enable()
    return groups
