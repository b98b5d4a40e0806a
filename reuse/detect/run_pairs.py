"""Pairs of equal keys in a sorted array, made in O(pairs): the passage pairs of
an LSH bucket (:mod:`reuse.detect.candidates`) and the occurrence pairs of an
exact seed (:func:`reuse.detect.seeds.pair_seeds`)."""

from __future__ import annotations

import numpy as np

__all__ = ["grouped_in_runs", "later_in_run", "pairs_in_sorted_runs"]


def later_in_run(sorted_keys: np.ndarray) -> np.ndarray:
    """For each position of a sorted array, how many later positions hold the same value."""
    n = len(sorted_keys)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    boundary = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
    run_ends = np.concatenate((boundary, [n]))
    sizes = np.diff(np.concatenate(([0], run_ends)))
    return np.repeat(run_ends, sizes) - np.arange(n) - 1


def pairs_in_sorted_runs(
    sorted_keys: np.ndarray, first: np.ndarray | None = None, groups: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs ``(i, j)``, ``i < j``, of equal values in a sorted array; O(pairs).

    ``first``: optional boolean mask; only pairs whose ``i`` it marks.
    ``groups``: optional group of each position (a document), each group's
    positions contiguous within a run: only pairs of different groups are
    made, so a run holding one passage 1,600 times from one document and
    once from another makes 1,600 pairs, not 1.3 million to be dropped.
    """
    n = len(sorted_keys)
    if n < 2:
        e = np.zeros(0, dtype=np.int64)
        return e, e
    if groups is not None:
        return _pairs_across_groups(sorted_keys, groups, first)
    remaining = later_in_run(sorted_keys)
    ok = remaining > 0
    if first is not None:
        ok &= first
    active = np.flatnonzero(ok)
    if len(active) == 0:
        e = np.zeros(0, dtype=np.int64)
        return e, e
    out_i: list[np.ndarray] = []
    out_j: list[np.ndarray] = []
    d = 1
    while len(active):
        out_i.append(active)
        out_j.append(active + d)
        d += 1
        active = active[remaining[active] >= d]
    return np.concatenate(out_i), np.concatenate(out_j)


def _pairs_across_groups(
    sorted_keys: np.ndarray, groups: np.ndarray, first: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`pairs_in_sorted_runs` with ``groups``: position ``i`` pairs with
    every position after its group's stretch, up to the end of its run."""
    n = len(sorted_keys)
    same_key = sorted_keys[1:] == sorted_keys[:-1]
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = ~same_key | (groups[1:] != groups[:-1])
    run_end = later_in_run(sorted_keys) + np.arange(n) + 1
    starts = np.flatnonzero(new_group)
    group_end = np.append(starts[1:], n)[np.cumsum(new_group) - 1]
    count = run_end - group_end
    if first is not None:
        count = np.where(first, count, 0)
    total = int(count.sum())
    offsets = np.cumsum(count) - count
    ii = np.repeat(np.arange(n, dtype=np.int64), count)
    jj = np.arange(total, dtype=np.int64) - np.repeat(offsets - group_end, count)
    return ii, jj


def grouped_in_runs(sorted_keys: np.ndarray, groups: np.ndarray) -> bool:
    """True when, within every run of equal keys, the groups do not decrease
    (each group's positions are contiguous there)."""
    return not bool(((sorted_keys[1:] == sorted_keys[:-1]) & (groups[1:] < groups[:-1])).any())
