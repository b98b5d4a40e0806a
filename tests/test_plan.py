"""The alignment plan (reuse.detect.plan): seeds grouped by document pair."""

from __future__ import annotations

import numpy as np
import pytest

from reuse.detect.plan import _unique_pairs, seed_set, stock_buckets


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
