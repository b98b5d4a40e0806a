"""Passage nodes of reuse groups: the spans of one document that are one passage.

Each match has two *sides*, a span ``[start, end)`` of one document each.
Spans of one document become one *node* when they overlap by more than half
of the longer:

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

The nodes are the first step of :func:`reuse.derive.groups.reuse_groups`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Spans", "distinct_spans", "passage_nodes"]


@dataclass(frozen=True)
class Spans:
    """Spans of documents as parallel arrays: ``doc[i]``'s ``[start[i], end[i])``."""

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray


def distinct_spans(sides: Spans) -> tuple[np.ndarray, Spans]:
    """The distinct spans of the sides, sorted by ``(doc, start, end)``, and per
    side the index of its span."""
    doc, start, end = sides.doc, sides.start, sides.end
    order = np.lexsort((end, start, doc))
    d_s, s_s, e_s = doc[order], start[order], end[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (d_s[1:] != d_s[:-1]) | (s_s[1:] != s_s[:-1]) | (e_s[1:] != e_s[:-1])
    span_of_side = np.empty(len(order), dtype=np.int64)
    span_of_side[order] = np.cumsum(new) - 1
    return span_of_side, Spans(d_s[new], s_s[new], e_s[new])


def _overlap_runs(spans: Spans) -> tuple[np.ndarray, np.ndarray]:
    """``(first, last)`` span index (end-exclusive) of each run of overlapping
    spans within a document: a span opens a run when it starts at or after the
    largest end so far in its document."""
    u_doc, u_start, u_end = spans.doc, spans.start, spans.end
    n_spans = len(u_doc)
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
    return run_first, run_last


def passage_nodes(spans: Spans) -> tuple[np.ndarray, Spans]:
    """The passage nodes of the distinct spans: per span the index of its node,
    and per node its document and hull (see the module docstring)."""
    n_spans = len(spans.doc)
    run_first, run_last = _overlap_runs(spans)
    multi = np.flatnonzero(run_last - run_first > 1)
    # label = index of the node's first span (a singleton run is its own node).
    label_arr = np.arange(n_spans, dtype=np.int64)
    if len(multi):
        label = label_arr.tolist()
        starts, ends = spans.start.tolist(), spans.end.tolist()
        node_end_l = ends[:]
        for lo, hi in zip(run_first[multi].tolist(), run_last[multi].tolist()):
            _sweep_nodes(starts, ends, node_end_l, lo, hi, label)
        label_arr = np.asarray(label, dtype=np.int64)
    reps, node_of_span = np.unique(label_arr, return_inverse=True)
    n_nodes = len(reps)
    node_start = np.full(n_nodes, np.iinfo(np.int64).max, dtype=np.int64)
    node_end = np.zeros(n_nodes, dtype=np.int64)
    np.minimum.at(node_start, node_of_span, spans.start)
    np.maximum.at(node_end, node_of_span, spans.end)
    return node_of_span, Spans(spans.doc[reps], node_start, node_end)


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
