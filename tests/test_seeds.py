"""Exact seeds (reuse.detect.seeds): k-gram hashes and winnowing."""

from __future__ import annotations

import numpy as np
import pytest

from reuse.detect import seeds
from reuse.detect.seeds import fingerprints, kgram_hashes, winnow


def _winnow_by_definition(hashes: np.ndarray, window: int) -> list[int]:
    """The rightmost minimum of every window, each position once, in order."""
    n = len(hashes)
    if n <= window:
        return [max(i for i in range(n) if hashes[i] == hashes.min())]
    picked: list[int] = []
    for lo in range(n - window + 1):
        w = hashes[lo : lo + window]
        p = lo + max(i for i in range(window) if w[i] == w.min())
        if not picked or picked[-1] != p:
            picked.append(p)
    return picked


@pytest.mark.parametrize("seed", range(12))
def test_winnow_is_the_rightmost_minimum_of_every_window(seed: int, monkeypatch) -> None:
    rng = np.random.default_rng(seed)
    n, window = int(rng.integers(1, 400)), int(rng.integers(1, 30))
    hashes = rng.integers(0, 20, size=n).astype(np.uint64)  # many ties
    expected = _winnow_by_definition(hashes, window)
    assert winnow(hashes, window).tolist() == expected
    # read a few windows at a time (as a long text is): the same positions
    monkeypatch.setattr(seeds, "WINNOW_CHUNK", int(rng.integers(1, 50)))
    assert winnow(hashes, window).tolist() == expected


def test_winnowing_a_long_text_is_bounded_in_memory() -> None:
    import tracemalloc

    text = ("持续防范化解重点领域风险，着力稳就业、稳企业、稳市场、稳预期，" * 40_000)[:1_000_000]
    tracemalloc.start()
    try:
        hashes = kgram_hashes(text, 16)
        base, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        positions = winnow(hashes, 25)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(positions) > 0
    # the positions and one chunk of windows, not 25 hashes a position (200 MB)
    assert peak - base < 60_000_000
    pos, h = fingerprints(text[:5000], 16, 25)
    assert np.all(np.diff(pos) > 0) and len(h) == len(pos)
