"""Chaining seeds into diagonal clusters: the indexed search finds what the plain one finds."""

from __future__ import annotations

import time

import numpy as np
import pytest

from reuse.detect.chain import chain


def _clusters(seeds: np.ndarray, max_gap: int, indexed: bool) -> list[list[int]]:
    threshold = 0 if indexed else 10**9
    return [c.tolist() for c in chain(seeds, max_gap, max_scanned=threshold)]


def _random_seeds(rng: np.random.Generator, n: int, length: int) -> np.ndarray:
    """Seeds along a few diagonals with jitter (copies with insertions), plus noise."""
    rows = []
    diagonals = rng.integers(-length, length, size=int(rng.integers(1, 12)))
    for _ in range(n):
        a0 = int(rng.integers(0, length))
        if rng.random() < 0.8:
            b0 = a0 + int(rng.choice(diagonals)) + int(rng.integers(-30, 30))
        else:
            b0 = int(rng.integers(0, 2 * length))
        b0 = max(0, b0)
        la, lb = int(rng.integers(1, 300)), int(rng.integers(1, 300))
        rows.append([a0, a0 + la, b0, b0 + lb])
    return np.array(rows, dtype=np.int64)


@pytest.mark.parametrize("seed", range(40))
def test_indexed_chain_equals_plain_chain(seed: int) -> None:
    rng = np.random.default_rng(seed)
    seeds = _random_seeds(rng, int(rng.integers(1, 400)), int(rng.integers(100, 5000)))
    max_gap = int(rng.choice([0, 1, 20, 50, 200, 1000]))
    assert _clusters(seeds, max_gap, True) == _clusters(seeds, max_gap, False)


def test_indexed_chain_with_ties_and_repeated_seeds() -> None:
    # equal diagonals in several clusters (ties go to the lowest-numbered) and duplicates
    base = np.array([[0, 10, 0, 10], [0, 10, 500, 510], [0, 10, 1000, 1010]])
    seeds = np.concatenate([base + [k * 5, k * 5, k * 5, k * 5] for k in range(30)] + [base])
    for max_gap in (0, 5, 600, 2000):
        assert _clusters(seeds, max_gap, True) == _clusters(seeds, max_gap, False)


def test_a_text_repeated_many_times_chains_in_linear_time() -> None:
    """A short text against a file that repeats it 1,600 times: ~770,000 seeds,
    1,600 clusters active at once; plain chaining takes about a minute."""
    length, copies = 3400, 1600
    positions = np.arange(0, length - 20, 7)
    a = np.repeat(positions, copies)
    b = np.tile(np.arange(copies) * length, len(positions)) + a
    seeds = np.stack([a, a + 13, b, b + 13], axis=1)
    t0 = time.perf_counter()
    clusters = chain(seeds, 200)
    assert time.perf_counter() - t0 < 20
    assert len(clusters) == copies
    assert all(len(c) == len(positions) for c in clusters)


@pytest.mark.parametrize("seed", range(10))
def test_switching_to_the_index_midway_changes_nothing(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    seeds = _random_seeds(rng, 300, 3000)
    plain = [c.tolist() for c in chain(seeds, 200, max_scanned=10**9)]
    assert [c.tolist() for c in chain(seeds, 200, max_scanned=3)] == plain
    assert [c.tolist() for c in chain(seeds, 200)] == plain
