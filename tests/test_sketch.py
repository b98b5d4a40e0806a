"""Tests for reuse.detect.sketch: passage MinHash signatures against datasketch itself."""

from __future__ import annotations

import random

import numpy as np
import pytest
from datasketch import MinHash

from reuse.detect.sketch import EMPTY, fmix32, passage_signatures, permutations, to_datasketch
from reuse.text.segment import segment
from reuse.text.shingle import char_shingle_hash, char_shingles

CJK = "治理新局面党建引领高质量发展坚持稳中求进改革开放创新协调绿色共享人民城市"


def _random_text(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(CJK + ",。") for _ in range(length))


def _datasketch_signature(grams: list[str], num_perm: int, seed: int) -> np.ndarray:
    """datasketch's own MinHash of a list of shingle strings."""
    m = MinHash(num_perm=num_perm, seed=seed, hashfunc=char_shingle_hash)
    m.update_batch(grams)
    return m.hashvalues


def _grams(text: str, start: int, end: int, n: int) -> list[str]:
    return [text[i : i + n] for i in range(start, end - n + 1)]


# ---------------------------------------------------------------------------
# Parity with datasketch's MinHash


@pytest.mark.parametrize(
    ("num_perm", "seed", "n", "chunk"),
    [
        pytest.param(128, 1, 3, 1 << 15, id="default"),
        pytest.param(128, 1, 3, 7, id="chunk-7"),
        pytest.param(128, 1, 3, 1, id="chunk-1"),
        pytest.param(64, 42, 5, 7, id="seed-42-n-5"),
        pytest.param(128, 1, 3, 150, id="chunk-150-groups"),
        pytest.param(256, 3, 2, 50, id="num-perm-256"),
    ],
)
def test_signatures_equal_datasketch(num_perm: int, seed: int, n: int, chunk: int) -> None:
    rng = random.Random(num_perm + seed + n)
    text = _random_text(rng, 400)
    seg = segment(text)
    assert seg.n_passages > 5
    sh = char_shingles(text, n)
    sigs, counts = passage_signatures(
        sh, seg.passage_starts, seg.passage_ends, num_perm, seed, chunk_shingles=chunk
    )
    assert sigs.shape == (seg.n_passages, num_perm) and sigs.dtype == np.uint32
    for k in range(seg.n_passages):
        grams = _grams(text, int(seg.passage_starts[k]), int(seg.passage_ends[k]), n)
        assert counts[k] == len(grams)
        assert np.array_equal(sigs[k], _datasketch_signature(grams, num_perm, seed)), k


def test_chunking_does_not_change_signatures_on_arbitrary_spans() -> None:
    # Unordered, overlapping, nested and empty spans, some past the text's end.
    rng = random.Random(11)
    text = _random_text(rng, 300)
    sh = char_shingles(text, 3)
    starts = np.array([rng.randrange(320) for _ in range(80)], dtype=np.int64)
    ends = starts + np.array([rng.randrange(0, 90) for _ in range(80)], dtype=np.int64)
    reference, ref_counts = passage_signatures(sh, starts, ends, 64, 1)
    for chunk in (1, 7, 33, 500):
        sigs, counts = passage_signatures(sh, starts, ends, 64, 1, chunk_shingles=chunk)
        assert np.array_equal(sigs, reference), chunk
        assert np.array_equal(counts, ref_counts)
    for k in range(len(starts)):
        grams = _grams(text, int(starts[k]), int(min(ends[k], len(text))), 3)
        assert ref_counts[k] == len(grams)
        if grams:
            assert np.array_equal(reference[k], _datasketch_signature(grams, 64, 1))
        else:
            assert np.all(reference[k] == EMPTY)


def test_text_shorter_than_n_matches_datasketch() -> None:
    sh = char_shingles("治理", 3)
    sigs, counts = passage_signatures(sh, np.array([0]), np.array([2]), 32, 1)
    assert counts.tolist() == [1]
    assert np.array_equal(sigs[0], _datasketch_signature(["治理"], 32, 1))


def test_permutations_are_datasketchs() -> None:
    a, b = permutations(128, 7)
    ds_a, ds_b = MinHash(num_perm=128, seed=7).permutations
    assert a.dtype == b.dtype == np.uint32
    assert np.array_equal(a, ds_a) and np.array_equal(b, ds_b)
    assert np.all(a & 1 == 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(0, 0, id="zero"),
        pytest.param(1, 0x514E28B7, id="one"),
        pytest.param(0xFFFFFFFF, 0x81F16F39, id="all-ones"),
    ],
)
def test_fmix32_known_values(value: int, expected: int) -> None:
    # MurmurHash3 fmix32 reference values.
    got = fmix32(np.array([value], dtype=np.uint32))
    assert got.dtype == np.uint32
    assert int(got[0]) == expected


# ---------------------------------------------------------------------------
# Empty passages

EMPTY_CASES = [
    pytest.param("", [0], [0], id="empty-text"),
    pytest.param("治理新局面", [2], [2], id="zero-length-span"),
    pytest.param("治理新局面", [1], [3], id="span-shorter-than-n"),
    pytest.param("治理新局面", [4], [2], id="reversed-span"),
]


@pytest.mark.parametrize(("text", "starts", "ends"), EMPTY_CASES)
def test_empty_passages(text: str, starts: list[int], ends: list[int]) -> None:
    sigs, counts = passage_signatures(char_shingles(text, 3), np.array(starts), np.array(ends), 16)
    assert counts.tolist() == [0]
    assert sigs.shape == (1, 16)
    assert np.all(sigs == EMPTY) and int(EMPTY) == 0xFFFFFFFF


def test_empty_passage_among_nonempty_ones() -> None:
    text = "治理新局面党建引领"
    sh = char_shingles(text, 3)
    sigs, counts = passage_signatures(sh, np.array([0, 4, 3]), np.array([5, 5, 9]), 16)
    assert counts.tolist() == [3, 0, 4]
    assert np.all(sigs[1] == EMPTY)
    assert not np.any(sigs[[0, 2]] == EMPTY)


def test_no_passages() -> None:
    sigs, counts = passage_signatures(char_shingles("治理新局面", 3), np.array([]), np.array([]))
    assert sigs.shape == (0, 128) and counts.shape == (0,)


# ---------------------------------------------------------------------------
# Estimated Jaccard


@pytest.mark.parametrize("shared", [10, 40, 80, 120])
def test_estimated_jaccard_close_to_true_jaccard(shared: int) -> None:
    # Two passages in one text: [0, 200) and [200 - shared - 2, 400 - shared - 2)
    # overlap in a run of `shared` characters.
    rng = random.Random(shared)
    text = _random_text(rng, 400)
    sh = char_shingles(text, 3)
    starts = np.array([0, 198 - shared])
    ends = np.array([200, 398 - shared])
    sigs, _ = passage_signatures(sh, starts, ends, num_perm=256, seed=1)
    sets = []
    for s, e in zip(starts, ends):
        lo, hi = sh.index_range(int(s), int(e))
        sets.append(set(sh.hashes[lo:hi].tolist()))
    true = len(sets[0] & sets[1]) / len(sets[0] | sets[1])
    estimate = to_datasketch(sigs[0]).jaccard(to_datasketch(sigs[1]))
    assert abs(estimate - true) <= 0.1, (true, estimate)


def test_to_datasketch_round_trip() -> None:
    text = _random_text(random.Random(5), 100)
    sigs, _ = passage_signatures(char_shingles(text, 3), np.array([0]), np.array([100]), 64, 9)
    m = to_datasketch(sigs[0], seed=9)
    assert isinstance(m, MinHash)
    assert np.array_equal(m.hashvalues, sigs[0])
    assert m.jaccard(to_datasketch(sigs[0], seed=9)) == 1.0
    # It keeps working as a datasketch sketch: updating matches a fresh MinHash.
    reference = MinHash(num_perm=64, seed=9, hashfunc=char_shingle_hash)
    reference.update_batch([text[i : i + 3] for i in range(98)] + ["新增加"])
    m.hashfunc = char_shingle_hash
    m.update("新增加")
    assert np.array_equal(m.hashvalues, reference.hashvalues)


def test_signatures_are_deterministic() -> None:
    text = _random_text(random.Random(8), 300)
    seg = segment(text)
    runs = [
        passage_signatures(char_shingles(text, 3), seg.passage_starts, seg.passage_ends, 128, 1)
        for _ in range(2)
    ]
    assert np.array_equal(runs[0][0], runs[1][0])
    other_seed, _ = passage_signatures(
        char_shingles(text, 3), seg.passage_starts, seg.passage_ends, 128, 2
    )
    assert not np.array_equal(runs[0][0], other_seed)
