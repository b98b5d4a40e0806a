"""Reuse groups: a passage and the passages that match it, without chaining.

A stock paragraph copied into 12 reports produces up to 66 pairwise matches;
as a group it is one passage in 12 documents. Groups are built in two steps.

**1. Passage nodes.** Each match has two *sides*, a span ``[start, end)`` of
one document each. Spans of one document become one *node* when they overlap
by more than half of the longer:

    ``2 * overlap(x, y) > max(len(x), len(y))``

so the 11 nearly identical spans a stock paragraph gets from its matches with
11 other documents are one node, while a whole-document copy containing the
paragraph is *not* merged with it (it is far more than twice as long). Nodes
are built per document by an interval sweep:

- identical spans are one span (they always share a node);
- distinct spans are visited in order of ``(start, end)``; a node's span is
  the union (hull) of its spans so far, and a node is *open* while its end is
  after the current span's start;
- the span joins every open node it overlaps by more than half of the longer
  of the span and **the node built so far** (not pairwise with each earlier
  span); if it joins several open nodes they become one node (transitivity);
  if it joins none it opens a new node.

Testing against the node built so far, rather than pairwise, stops a chain of
sliding spans (``[0,100)``, ``[40,140)``, ``[80,180)``, ...) from drifting into
one ever longer node. The result depends only on the set of spans of each
document, never on the order of the input. The sweep costs
``O(n log n + n * k)`` for ``n`` spans with at most ``k`` open nodes at once
(``k`` is small: nodes of one position that are not merged differ in length
by more than a factor of two). Spans that overlap no other span of their
document (most of them) skip the Python sweep altogether.

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


def _sweep_nodes(
    starts: list[int], ends: list[int], node_end: list[int], lo: int, hi: int, label: list[int]
) -> None:
    """Set ``label[i]`` to the index of the first span of span ``i``'s node, ``lo <= i < hi``.

    The spans are distinct, of one document, sorted by ``(start, end)``, and
    form one run of overlapping spans. A node is named by its first span ``k``,
    so its start is ``starts[k]``; ``node_end[k]`` (initially ``ends[k]``)
    grows as spans join. See the module docstring for the rule.
    """
    alias: dict[int, int] = {}  # a node merged into an earlier one
    active: list[int] = []  # open nodes, in order of creation (= order of start)
    for i in range(lo, hi):
        s = starts[i]
        e = ends[i]
        length = e - s
        hit = -1
        more: list[int] = []
        closed = False
        for k in active:
            ke = node_end[k]
            if ke <= s:
                closed = True  # later spans start at or after s: closed for good
                continue
            # starts[k] <= s, so the overlap is min(e, ke) - s
            longer = ke - starts[k]
            if length > longer:
                longer = length
            if 2 * ((e if e < ke else ke) - s) > longer:
                if hit < 0:
                    hit = k
                else:
                    more.append(k)
        if closed:
            active = [k for k in active if node_end[k] > s]
        if hit < 0:
            active.append(i)
            label[i] = i
            continue
        label[i] = hit
        if e > node_end[hit]:
            node_end[hit] = e
        if more:  # the span joins several nodes: they become one
            for k in more:
                alias[k] = hit
                if node_end[k] > node_end[hit]:
                    node_end[hit] = node_end[k]
            merged = set(more)
            active = [k for k in active if k not in merged]
    if alias:
        for i in range(lo, hi):
            k = label[i]
            while k in alias:
                k = alias[k]
            label[i] = k


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
    doc = np.concatenate([arr[:, 1], arr[:, 4]])
    start = np.concatenate([arr[:, 2], arr[:, 5]])
    end = np.concatenate([arr[:, 3], arr[:, 6]])
    bad = np.flatnonzero((end <= start) | (start < 0))
    if len(bad):
        i = int(bad[0]) % n
        raise ValueError(
            f"match {int(match_id[i])}: offsets must satisfy 0 <= start < end: {arr[i].tolist()}"
        )

    # Distinct spans, sorted by (doc, start, end); span_of_side maps sides to them.
    order = np.lexsort((end, start, doc))
    d_s, s_s, e_s = doc[order], start[order], end[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (d_s[1:] != d_s[:-1]) | (s_s[1:] != s_s[:-1]) | (e_s[1:] != e_s[:-1])
    span_of_side = np.empty(len(order), dtype=np.int64)
    span_of_side[order] = np.cumsum(new) - 1
    u_doc, u_start, u_end = d_s[new], s_s[new], e_s[new]
    n_spans = len(u_doc)

    # Runs of overlapping spans within a document: a span opens a run when it
    # starts at or after the largest end so far in its document.
    doc_rank = np.cumsum(np.r_[True, u_doc[1:] != u_doc[:-1]]) - 1
    base = int(u_end.max()) + 1
    key = doc_rank * base + u_end
    run_end = np.maximum.accumulate(key)
    opens = np.ones(n_spans, dtype=bool)
    opens[1:] = (doc_rank[1:] != doc_rank[:-1]) | (
        u_start[1:] + doc_rank[1:] * base >= run_end[:-1]
    )
    run_first = np.flatnonzero(opens)
    run_last = np.r_[run_first[1:], n_spans]
    multi = np.flatnonzero(run_last - run_first > 1)

    # Nodes: label = index of the node's first span (a singleton run is its own node).
    label_arr = np.arange(n_spans, dtype=np.int64)
    if len(multi):
        label = label_arr.tolist()
        starts, ends = u_start.tolist(), u_end.tolist()
        node_end_l = ends[:]
        for lo, hi in zip(run_first[multi].tolist(), run_last[multi].tolist()):
            _sweep_nodes(starts, ends, node_end_l, lo, hi, label)
        label_arr = np.asarray(label, dtype=np.int64)
    reps, node_of_span = np.unique(label_arr, return_inverse=True)
    n_nodes = len(reps)
    node_doc = u_doc[reps]
    node_start = np.full(n_nodes, np.iinfo(np.int64).max, dtype=np.int64)
    node_end = np.zeros(n_nodes, dtype=np.int64)
    np.minimum.at(node_start, node_of_span, u_start)
    np.maximum.at(node_end, node_of_span, u_end)

    # Stars: centres by degree; every member is a neighbour of its centre.
    node_of_side = node_of_span[span_of_side]
    u_side, v_side = node_of_side[:n], node_of_side[n:]
    comp_of_node = _stars(u_side, v_side, n_nodes, node_doc, node_start)
    roots = np.unique(comp_of_node)
    n_comps = len(roots)
    centre_of_comp = np.full(n_comps, -1, dtype=np.int64)
    is_centre = comp_of_node == np.arange(n_nodes)  # a group is named by its centre node
    centre_of_comp[np.searchsorted(roots, comp_of_node[is_centre])] = np.flatnonzero(is_centre)
    comp_of_node = np.searchsorted(roots, comp_of_node)

    # Per component: members, distinct documents, matches.
    not_centre = np.ones(n_nodes, dtype=np.int64)
    not_centre[centre_of_comp] = 0
    member_order = np.lexsort((node_end, node_start, node_doc, not_centre, comp_of_node))
    m_comp = comp_of_node[member_order]
    n_members = np.bincount(m_comp, minlength=n_comps)
    first_member = np.r_[0, np.cumsum(n_members)[:-1]]
    m_doc = node_doc[member_order]
    new_doc = np.ones(n_nodes, dtype=bool)
    new_doc[1:] = (m_comp[1:] != m_comp[:-1]) | (m_doc[1:] != m_doc[:-1])
    n_docs = np.bincount(m_comp[new_doc], minlength=n_comps)

    comp_of_match = comp_of_node[u_side]
    inside = comp_of_match == comp_of_node[v_side]
    comp_of_match = np.where(inside, comp_of_match, n_comps)  # edges between groups: none
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

    fm = member_order[first_member]
    comp_order = np.lexsort(
        (min_match, node_end[fm], node_start[fm], node_doc[fm], -n_members, -n_docs)
    )
    comp_order = comp_order[n_docs[comp_order] >= min_documents]

    docs_l = m_doc.tolist()
    starts_l = node_start[member_order].tolist()
    ends_l = node_end[member_order].tolist()
    mids_l = match_id[match_order].tolist()
    n_members_l, first_member_l = n_members.tolist(), first_member.tolist()
    n_matches_l, first_match_l = n_matches.tolist(), first_match.tolist()
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
            members = tuple(map(GroupMember, docs_l[a:b], starts_l[a:b], ends_l[a:b]))
            a, b = first_match_l[c], first_match_l[c] + n_matches_l[c]
            groups.append(ReuseGroup(no, members, tuple(mids_l[a:b])))
    finally:
        if gc_was_enabled:
            gc.enable()
    return groups
