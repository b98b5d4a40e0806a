"""The alignment plan (reuse.detect.plan): seeds grouped by document pair."""

from __future__ import annotations

import numpy as np
import pytest

from reuse.detect.plan import _unique_pairs, seed_set, stock_buckets
from reuse.detect.seeds import pair_seeds


@pytest.mark.parametrize("n, high", [(0, 5), (1, 5), (50, 3), (2_000, 40), (500, 2**31 - 1)])
def test_unique_pairs_is_numpys_unique_of_rows(n: int, high: int) -> None:
    rng = np.random.default_rng(n + high)
    rows = rng.integers(0, high, size=(n, 2))
    pairs, inverse = _unique_pairs(rows)
    want, want_inverse = np.unique(rows.reshape(n, 2), axis=0, return_inverse=True)
    assert pairs.dtype == np.int64
    assert pairs.tolist() == want.reshape(-1, 2).tolist()
    assert inverse.tolist() == want_inverse.reshape(-1).tolist()
    assert (pairs[inverse] == rows).all()


def _seeds(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    docs = np.sort(rng.integers(0, 30, size=(n, 2)), axis=1)
    docs[:, 1] += 1  # doc_a < doc_b
    spans = rng.integers(0, 1000, size=(n, 4))
    return docs, spans


def test_seed_set_groups_every_seed_under_its_pair_and_signs_the_set() -> None:
    rng = np.random.default_rng(7)
    cand_docs, cand_spans = _seeds(rng, 400)
    exact_docs, exact_spans = _seeds(rng, 300)
    path_ranks = np.arange(40)[::-1].copy()
    seeds = seed_set(cand_docs, cand_spans, exact_docs, exact_spans, path_ranks)
    pairs = [tuple(p) for p in seeds.pairs.tolist()]
    every = set(map(tuple, cand_docs.tolist())) | set(map(tuple, exact_docs.tolist()))
    assert pairs == sorted(every)
    for k, pair in enumerate(pairs):
        got = seeds.candidates[seeds.cand_bounds[k] : seeds.cand_bounds[k + 1]].tolist()
        want = sorted(
            cand_spans[(cand_docs == pair).all(axis=1)].tolist(), key=lambda s: (s[0], s[2])
        )
        assert sorted(got) == sorted(want)
        assert got == sorted(got, key=lambda s: (s[0], s[2]))
        got_exact = seeds.exact[seeds.exact_bounds[k] : seeds.exact_bounds[k + 1]].tolist()
        assert sorted(got_exact) == sorted(exact_spans[(exact_docs == pair).all(axis=1)].tolist())
    # The signature is a function of each pair's seed set, not of the seeds' order.
    perm_c, perm_e = rng.permutation(len(cand_docs)), rng.permutation(len(exact_docs))
    shuffled = seed_set(
        cand_docs[perm_c], cand_spans[perm_c], exact_docs[perm_e], exact_spans[perm_e], path_ranks
    )
    assert shuffled.signatures.tolist() == seeds.signatures.tolist()
    # ... and changes with a pair's seeds.
    moved = cand_spans.copy()
    moved[0, 0] += 1
    changed = seed_set(cand_docs, moved, exact_docs, exact_spans, path_ranks)
    differs = changed.signatures != seeds.signatures
    assert differs.sum() == 1
    assert tuple(seeds.pairs[np.flatnonzero(differs)[0]]) == tuple(cand_docs[0])


def test_stock_buckets_pair_each_member_with_the_representatives_passage() -> None:
    # Passages 0..11 of documents 0..11 share one bucket in band 0 (12 documents,
    # T = 10): stock. Passages 12 and 13 (documents 12, 13) share band 1: pairwise.
    n = 14
    keys = np.arange(1, 2 * n + 1, dtype=np.uint64).reshape(n, 2) * np.uint64(1000)
    keys[:12, 0] = 7
    keys[12:, 1] = 9
    doc_ids = np.arange(n)
    ranks = np.arange(n)[::-1].copy()  # document 11 ranks first
    pairable, star = stock_buckets(keys, doc_ids, ranks, 10)
    assert not pairable[:12, 0].any() and pairable[12:, 0].all() and pairable[:, 1].all()
    assert star.tolist() == [[11, m] for m in range(11)]


def _pair_seeds_by_definition(docs, positions, hashes, rare) -> list[tuple[int, int, int, int]]:
    rows = []
    idx = np.flatnonzero(rare).tolist()
    for x in idx:
        for y in idx:
            if hashes[x] == hashes[y] and docs[x] < docs[y]:
                rows.append((int(docs[x]), int(positions[x]), int(docs[y]), int(positions[y])))
    return sorted(rows, key=lambda r: (r[0], r[2], r[1], r[3]))  # by document pair, then positions


def test_pair_seeds_pair_every_occurrence_across_documents_and_none_within() -> None:
    rng = np.random.default_rng(5)
    for _ in range(40):
        n = int(rng.integers(0, 120))
        docs = np.sort(rng.integers(0, int(rng.integers(1, 6)), n))
        positions = np.arange(n, dtype=np.int64) * 7
        hashes = rng.integers(0, int(rng.integers(1, 12)), n).astype(np.uint64)
        rare = rng.random(n) < 0.8
        got = pair_seeds(docs, positions, hashes, rare)
        assert [tuple(r) for r in got.tolist()] == _pair_seeds_by_definition(
            docs, positions, hashes, rare
        )


def test_pair_seeds_of_a_text_repeated_in_one_document_grow_with_the_pairs_made() -> None:
    # One k-gram 20,000 times in document 1 and once in document 2: 20,000 seeds,
    # made without the 200 million pairs within document 1.
    n = 20_001
    docs = np.array([1] * (n - 1) + [2])
    positions = np.arange(n, dtype=np.int64)
    seeds = pair_seeds(docs, positions, np.zeros(n, dtype=np.uint64), np.ones(n, dtype=bool))
    assert seeds.shape == (n - 1, 4)
    assert (seeds[:, 0] == 1).all() and (seeds[:, 2] == 2).all() and (seeds[:, 3] == n - 1).all()
