"""Chaining seeds into diagonal clusters (step 2 of :mod:`reuse.detect.align`).

Seeds ``(a_start, a_end, b_start, b_end)`` are taken in order of ``a_start``
(then ``b_start``). A seed joins the *active* cluster (one whose A end is at
most ``max_gap`` characters before the seed's A start) whose B range, widened
by ``max_gap`` after its end, overlaps the seed's B range and whose last
diagonal ``b_start - a_start`` is nearest the seed's, at most ``max_gap``
away (the lowest-numbered cluster on a tie); otherwise it starts a cluster.

Checking every active cluster for every seed costs O(seeds x active clusters).
That is cheap for a document pair (a few clusters), but not for a text that
recurs many times in the other document: a seed report and a file holding it
1,600 times give ~760,000 seeds and 1,600 clusters that stay active, ~10^9
checks. When more than :data:`MAX_SCANNED` clusters are active at once, the
seeds are chained again with the active clusters found through an index of
their B ranges (cells of ``max(max_gap, 64)`` characters) and retired through
a heap of their A ends: each seed looks only at the clusters registered in the
cells its B range touches (the index costs ~1.5x the plain scan where there
are few clusters). Both ways give the same clusters (tests compare them on
random seeds).
"""

from __future__ import annotations

import heapq

import numpy as np

__all__ = ["MAX_SCANNED", "chain"]

MAX_SCANNED = 32
"""Active clusters beyond which :func:`chain` finds candidates through its B-range index."""

_MIN_CELL = 64
"""Smallest cell of the B-range index, in characters."""


def chain(seeds: np.ndarray, max_gap: int, max_scanned: int = MAX_SCANNED) -> list[np.ndarray]:
    """Group seeds ``(a_start, a_end, b_start, b_end)`` into diagonal clusters.

    Returns a list of index arrays into ``seeds``, each one cluster (indices
    ascending), clusters in order of their first seed.

    >>> s = np.array([[0, 60, 10, 70], [50, 110, 60, 120], [500, 560, 0, 60]])
    >>> [c.tolist() for c in chain(s, max_gap=100)]
    [[0, 1], [2]]
    """
    order = np.lexsort((seeds[:, 2], seeds[:, 0])).tolist()
    rows = seeds.tolist()
    clusters = _scan_clusters(rows, order, max_gap, max_scanned)
    if clusters is None:
        clusters = _indexed_clusters(rows, order, max_gap)
    return [np.array(sorted(c), dtype=np.int64) for c in clusters]


def _scan_clusters(
    rows: list[list[int]], order: list[int], max_gap: int, max_scanned: int
) -> list[list[int]] | None:
    """:func:`chain`'s clusters, every active cluster checked for each seed;
    ``None`` as soon as more than ``max_scanned`` clusters are active."""
    clusters: list[list[int]] = []
    # per cluster: a_end, b_start, b_end, diagonal of its last seed
    state: list[list[int]] = []
    active: list[int] = []
    for idx in order:
        a0, a1, b0, b1 = rows[idx]
        diag = b0 - a0
        active = [c for c in active if state[c][0] + max_gap >= a0]
        best = -1
        best_dist = max_gap + 1
        for c in active:
            c_a1, c_b0, c_b1, c_diag = state[c]
            if b0 > c_b1 + max_gap or b1 < c_b0:
                continue
            dist = abs(diag - c_diag)
            if dist < best_dist:
                best, best_dist = c, dist
        if best < 0:
            clusters.append([idx])
            state.append([a1, b0, b1, diag])
            active.append(len(clusters) - 1)
            if len(active) > max_scanned:
                return None
        else:
            clusters[best].append(idx)
            st = state[best]
            st[0] = max(st[0], a1)
            st[1] = min(st[1], b0)
            st[2] = max(st[2], b1)
            st[3] = diag
    return clusters


def _indexed_clusters(rows: list[list[int]], order: list[int], max_gap: int) -> list[list[int]]:
    """:func:`chain`'s clusters, candidates found through a :class:`_ClusterIndex`."""
    index = _ClusterIndex(max_gap)
    clusters: list[list[int]] = []
    for idx in order:
        a0, a1, b0, b1 = rows[idx]
        index.retire_before(a0 - max_gap)
        best = index.nearest(b0, b1, b0 - a0)
        if best < 0:
            clusters.append([idx])
            index.add(a1, b0, b1, b0 - a0)
        else:
            clusters[best].append(idx)
            index.extend(best, a1, b0, b1, b0 - a0)
    return clusters


class _ClusterIndex:
    """The clusters of :func:`_indexed_clusters`: their A ends, B ranges and last
    diagonals, an index of the B ranges and a heap of the A ends.

    A cluster ``c`` can take a seed ``[b0, b1]`` when ``c_b0 <= b1`` and
    ``b0 <= c_b1 + max_gap``: then the seed's range meets the range between
    ``c_b0`` and ``c_b1 + max_gap``, so a cluster registered in every cell of
    that range is found in a cell of the seed's range. Retired clusters are
    skipped and dropped from the cells they are met in.
    """

    def __init__(self, max_gap: int) -> None:
        self.max_gap = max_gap
        self.cell = max(max_gap, _MIN_CELL)
        self.a_end: list[int] = []
        self.b_start: list[int] = []
        self.b_end: list[int] = []
        self.last_diag: list[int] = []
        self.alive: list[bool] = []
        self.cell_lo: list[int] = []  # a cluster is registered in cells [cell_lo, cell_hi]
        self.cell_hi: list[int] = []
        self.cells: dict[int, list[int]] = {}
        self.ends: list[tuple[int, int]] = []  # heap of (a_end when pushed, cluster)

    def retire_before(self, limit: int) -> None:
        """Retire, for good, the clusters whose A end is before ``limit``."""
        ends, a_end = self.ends, self.a_end
        while ends and ends[0][0] < limit:
            end, c = heapq.heappop(ends)
            if a_end[c] != end:  # it grew since: back in the heap with its end now
                heapq.heappush(ends, (a_end[c], c))
            else:
                self.alive[c] = False

    def nearest(self, b0: int, b1: int, diag: int) -> int:
        """The live cluster that can take a seed ``[b0, b1]`` of diagonal ``diag``
        with the nearest diagonal, at most ``max_gap`` away (the lowest-numbered
        on a tie); -1 if none."""
        max_gap, alive, cells = self.max_gap, self.alive, self.cells
        b_start, b_end, last_diag = self.b_start, self.b_end, self.last_diag
        best, best_dist = -1, max_gap + 1
        for k in range(min(b0, b1) // self.cell, max(b0, b1) // self.cell + 1):
            members = cells.get(k)
            if not members:
                continue
            retired = False
            for c in members:
                if not alive[c]:
                    retired = True
                    continue
                if b0 > b_end[c] + max_gap or b1 < b_start[c]:
                    continue
                dist = abs(diag - last_diag[c])
                if dist < best_dist or (dist == best_dist and c < best):
                    best, best_dist = c, dist
            if retired:
                cells[k] = [c for c in members if alive[c]]
        return best

    def add(self, a1: int, b0: int, b1: int, diag: int) -> None:
        """A new cluster of one seed."""
        c = len(self.a_end)
        self.a_end.append(a1)
        self.b_start.append(b0)
        self.b_end.append(b1)
        self.last_diag.append(diag)
        self.alive.append(True)
        lo, hi = self._cells_of(c)
        self.cell_lo.append(lo)
        self.cell_hi.append(hi)
        self._register(c, lo, hi)
        heapq.heappush(self.ends, (a1, c))

    def extend(self, c: int, a1: int, b0: int, b1: int, diag: int) -> None:
        """Cluster ``c`` takes a seed."""
        self.a_end[c] = max(self.a_end[c], a1)
        self.b_start[c] = min(self.b_start[c], b0)
        self.b_end[c] = max(self.b_end[c], b1)
        self.last_diag[c] = diag
        lo, hi = self._cells_of(c)
        if lo < self.cell_lo[c]:
            self._register(c, lo, self.cell_lo[c] - 1)
            self.cell_lo[c] = lo
        if hi > self.cell_hi[c]:
            self._register(c, self.cell_hi[c] + 1, hi)
            self.cell_hi[c] = hi

    def _cells_of(self, c: int) -> tuple[int, int]:
        """First and last cell between ``b_start`` and ``b_end + max_gap`` of ``c``."""
        x, y = self.b_start[c] // self.cell, (self.b_end[c] + self.max_gap) // self.cell
        return (x, y) if x <= y else (y, x)

    def _register(self, c: int, lo: int, hi: int) -> None:
        for k in range(lo, hi + 1):
            members = self.cells.get(k)
            if members is None:
                self.cells[k] = [c]
            else:
                members.append(c)
