"""Tests for reuse.detect.candidates: LSH band keys and candidate passage pairs."""

from __future__ import annotations

import dataclasses
import itertools
import random
from dataclasses import dataclass

import numpy as np
import pytest

from reuse.config import Config
from reuse.detect.bands import band_keys
from reuse.detect.candidates import (
    BandedPassages,
    _document_runs,
    candidate_pair_blocks,
    candidate_pairs,
    candidate_pairs_datasketch,
)
from reuse.detect.run_pairs import pairs_in_sorted_runs
from reuse.detect.sketch import passage_signatures
from reuse.text.normalise import normalise
from reuse.text.segment import segment
from reuse.text.shingle import char_shingles

# ---------------------------------------------------------------------------
# band_keys


def _random_signatures(rng: np.random.Generator, n: int, num_perm: int) -> np.ndarray:
    return rng.integers(0, 2**32, size=(n, num_perm), dtype=np.uint64).astype(np.uint32)


@pytest.mark.parametrize(
    ("num_perm", "bands", "rows"),
    [
        pytest.param(128, 32, 4, id="32x4"),
        pytest.param(128, 42, 3, id="42x3-uses-126"),
        pytest.param(16, 1, 16, id="1x16"),
        pytest.param(16, 16, 1, id="16x1"),
    ],
)
def test_band_keys_shape_and_determinism(num_perm: int, bands: int, rows: int) -> None:
    sigs = _random_signatures(np.random.default_rng(num_perm + bands), 20, num_perm)
    keys = band_keys(sigs, bands, rows)
    assert keys.shape == (20, bands) and keys.dtype == np.uint64
    assert np.array_equal(keys, band_keys(sigs.copy(), bands, rows))
    # Random signatures share no band.
    for j in range(bands):
        assert len(set(keys[:, j].tolist())) == 20


def test_identical_signatures_share_all_keys() -> None:
    sigs = _random_signatures(np.random.default_rng(1), 3, 64)
    sigs[2] = sigs[0]
    keys = band_keys(sigs, 16, 4)
    assert np.array_equal(keys[0], keys[2])
    assert not np.any(keys[0] == keys[1])


def test_one_changed_row_changes_only_its_band() -> None:
    sigs = _random_signatures(np.random.default_rng(2), 1, 64)
    changed = sigs.copy()
    changed[0, 13] ^= 1  # row 13 is in band 3 of 16x4
    before, after = band_keys(sigs, 16, 4)[0], band_keys(changed, 16, 4)[0]
    assert np.flatnonzero(before != after).tolist() == [3]


def test_rows_beyond_bands_times_rows_are_ignored() -> None:
    sigs = _random_signatures(np.random.default_rng(3), 2, 128)
    sigs[1, :126] = sigs[0, :126]
    assert np.array_equal(band_keys(sigs, 42, 3)[0], band_keys(sigs, 42, 3)[1])


def test_band_keys_rejects_short_signatures() -> None:
    with pytest.raises(ValueError, match="fewer than bands\\*rows=132"):
        band_keys(np.zeros((2, 128), dtype=np.uint32), 33, 4)


# ---------------------------------------------------------------------------
# pairs_in_sorted_runs


def _brute_runs(sorted_keys: np.ndarray) -> set[tuple[int, int]]:
    n = len(sorted_keys)
    return {(i, j) for i in range(n) for j in range(i + 1, n) if sorted_keys[i] == sorted_keys[j]}


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param([], id="empty"),
        pytest.param([5], id="single"),
        pytest.param([1, 2, 3], id="all-distinct"),
        pytest.param([4, 4, 4, 4], id="all-equal"),
        pytest.param([1, 1, 2, 3, 3, 3, 9], id="mixed-runs"),
    ],
)
def test_pairs_in_sorted_runs_cases(keys: list[int]) -> None:
    arr = np.array(keys, dtype=np.uint64)
    ii, jj = pairs_in_sorted_runs(arr)
    got = list(zip(ii.tolist(), jj.tolist()))
    assert len(got) == len(set(got))
    assert set(got) == _brute_runs(arr)


def test_pairs_in_sorted_runs_random() -> None:
    rng = np.random.default_rng(2024)
    for _ in range(200):
        n = int(rng.integers(0, 40))
        arr = np.sort(rng.integers(0, int(rng.integers(1, 12)), size=n).astype(np.uint64))
        ii, jj = pairs_in_sorted_runs(arr)
        got = list(zip(ii.tolist(), jj.tolist()))
        assert len(got) == len(set(got))
        assert set(got) == _brute_runs(arr)


# ---------------------------------------------------------------------------
# candidate_pairs on hand-made and random keys


def _brute_pairs(
    keys: np.ndarray, doc_ids: np.ndarray, dirty: np.ndarray | None, max_bucket: int
) -> list[tuple[int, int]]:
    n, bands = keys.shape
    pairs = set()
    for band in range(bands):
        column = keys[:, band].tolist()
        for i, j in itertools.combinations(range(n), 2):
            if column[i] != column[j] or doc_ids[i] == doc_ids[j]:
                continue
            if max_bucket and column.count(column[i]) > max_bucket:
                continue
            if dirty is not None and not (dirty[i] or dirty[j]):
                continue
            pairs.add((i, j) if doc_ids[i] < doc_ids[j] else (j, i))
    return sorted(pairs)


HAND_KEYS = np.array([[1, 5], [1, 6], [1, 7], [2, 6], [3, 5]], dtype=np.uint64)
HAND_DOCS = np.array([0, 0, 1, 1, 2], dtype=np.int64)

CANDIDATE_CASES = [
    pytest.param(HAND_KEYS, HAND_DOCS, None, 0, [(0, 2), (0, 4), (1, 2), (1, 3)], id="basic"),
    pytest.param(
        np.ones((3, 2), dtype=np.uint64), np.array([2, 1, 0]), None, 0,
        [(1, 0), (2, 0), (2, 1)], id="ordered-by-document-not-index",
    ),
    pytest.param(
        np.ones((3, 2), dtype=np.uint64), np.array([4, 4, 4]), None, 0, [], id="same-document",
    ),
    pytest.param(
        HAND_KEYS, HAND_DOCS, np.array([False, False, False, True, False]), 0, [(1, 3)],
        id="dirty-one",
    ),
    pytest.param(
        HAND_KEYS, HAND_DOCS, np.array([False, False, True, False, False]), 0,
        [(0, 2), (1, 2)], id="dirty-in-big-bucket",
    ),
    pytest.param(HAND_KEYS, HAND_DOCS, np.zeros(5, dtype=bool), 0, [], id="nothing-dirty"),
    pytest.param(HAND_KEYS, HAND_DOCS, None, 2, [(0, 4), (1, 3)], id="max-bucket-2"),
    pytest.param(
        HAND_KEYS, HAND_DOCS, None, 3, [(0, 2), (0, 4), (1, 2), (1, 3)], id="max-bucket-3",
    ),
    pytest.param(HAND_KEYS, HAND_DOCS, None, 1, [], id="max-bucket-1"),
    pytest.param(
        np.zeros((0, 4), dtype=np.uint64), np.zeros(0, dtype=np.int64), None, 0, [], id="empty",
    ),
    pytest.param(
        np.zeros((2, 0), dtype=np.uint64), np.array([0, 1]), None, 0, [], id="no-bands",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("keys", "docs", "dirty", "max_bucket", "expected"), CANDIDATE_CASES)
def test_candidate_pairs_cases(
    keys: np.ndarray,
    docs: np.ndarray,
    dirty: np.ndarray | None,
    max_bucket: int,
    expected: list[tuple[int, int]],
) -> None:
    pairs = candidate_pairs(keys, docs, dirty, max_bucket)
    assert pairs.dtype == np.int64 and pairs.shape == (len(expected), 2)
    assert [tuple(p) for p in pairs.tolist()] == expected


@pytest.mark.parametrize(
    ("use_dirty", "max_bucket"),
    [
        pytest.param(False, 0, id="plain"),
        pytest.param(True, 0, id="dirty"),
        pytest.param(False, 3, id="max-bucket"),
        pytest.param(True, 4, id="dirty-max-bucket"),
    ],
)
def test_candidate_pairs_match_brute_force(use_dirty: bool, max_bucket: int) -> None:
    rng = np.random.default_rng(17 + max_bucket + use_dirty)
    for _ in range(40):
        n = int(rng.integers(0, 30))
        keys = rng.integers(0, 6, size=(n, 3)).astype(np.uint64)
        docs = rng.integers(0, 5, size=n).astype(np.int64)
        dirty = rng.random(n) < 0.3 if use_dirty else None
        pairs = candidate_pairs(keys, docs, dirty, max_bucket)
        got = [tuple(p) for p in pairs.tolist()]
        assert got == _brute_pairs(keys, docs, dirty, max_bucket)
        # Cross-document, ordered by document, unique and sorted.
        assert all(docs[i] < docs[j] for i, j in got)
        assert got == sorted(set(got))


# ---------------------------------------------------------------------------
# A small Chinese corpus sketched with the real modules

CJK = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过"
    "子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体"
    "制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内"
)


@dataclass(frozen=True)
class Corpus:
    signatures: np.ndarray  # (n, num_perm) uint32, non-empty passages only
    doc_ids: np.ndarray
    shingle_sets: list[frozenset[int]]
    num_perm: int


def _build_corpus(seed: int, n_docs: int = 30, num_perm: int = 128) -> Corpus:
    """Documents that copy runs of sentences from earlier ones (some lightly
    edited) between sentences of a shared pool, sketched as the pipeline does."""
    rng = random.Random(seed)

    def sentence() -> str:
        return "".join(rng.choice(CJK) for _ in range(rng.randint(15, 40))) + rng.choice("。!;")

    pool = [sentence() for _ in range(60)]
    documents: list[list[str]] = []
    for d in range(n_docs):
        sentences = rng.sample(pool, rng.randint(2, 6)) + [sentence() for _ in range(4)]
        rng.shuffle(sentences)
        if d >= 5:  # copy a run of consecutive sentences from an earlier document
            source = documents[rng.randrange(d)]
            start = rng.randrange(max(1, len(source) - 3))
            run = list(source[start : start + rng.randint(3, 6)])
            for k, s in enumerate(run):
                if rng.random() < 0.3:  # an edited copy: one character replaced
                    i = rng.randrange(len(s) - 1)
                    run[k] = s[:i] + rng.choice(CJK) + s[i + 1 :]
            at = rng.randrange(len(sentences) + 1)
            sentences[at:at] = run
        documents.append(sentences)
    sigs, docs, sets = [], [], []
    for d, sentences in enumerate(documents):
        text = normalise("\n".join(sentences)).text
        seg = segment(text)
        sh = char_shingles(text, 3)
        s, counts = passage_signatures(sh, seg.passage_starts, seg.passage_ends, num_perm, 1)
        for k in np.flatnonzero(counts > 0):
            lo, hi = sh.index_range(int(seg.passage_starts[k]), int(seg.passage_ends[k]))
            sets.append(frozenset(sh.hashes[lo:hi].tolist()))
            sigs.append(s[k])
            docs.append(d)
    return Corpus(np.array(sigs), np.array(docs, dtype=np.int64), sets, num_perm)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return _build_corpus(seed=7)


@pytest.mark.parametrize("threshold", [0.3, 0.5])
def test_parity_with_datasketch_minhash_lsh(corpus: Corpus, threshold: float) -> None:
    config = dataclasses.replace(Config().candidates, threshold=threshold)
    b, r = config.bands(corpus.num_perm)
    ours = candidate_pairs(band_keys(corpus.signatures, b, r), corpus.doc_ids)
    theirs = candidate_pairs_datasketch(corpus.signatures, corpus.doc_ids, b, r)
    assert len(ours) > 50  # the corpus does share passages
    assert np.array_equal(ours, theirs)


def test_parity_with_dirty_subset(corpus: Corpus) -> None:
    b, r = Config().lsh_bands
    keys = band_keys(corpus.signatures, b, r)
    everything = candidate_pairs(keys, corpus.doc_ids)
    dirty = corpus.doc_ids >= 25  # documents added by an incremental scan
    incremental = candidate_pairs(keys, corpus.doc_ids, dirty)
    expected = everything[dirty[everything[:, 0]] | dirty[everything[:, 1]]]
    assert 0 < len(incremental) < len(everything)
    assert np.array_equal(incremental, expected)


def test_pairs_with_high_jaccard_are_always_candidates(corpus: Corpus) -> None:
    b, r = Config().lsh_bands
    pairs = candidate_pairs(band_keys(corpus.signatures, b, r), corpus.doc_ids)
    found = {tuple(p) for p in pairs.tolist()}
    sets, docs = corpus.shingle_sets, corpus.doc_ids
    high = []
    for i, j in itertools.combinations(range(len(sets)), 2):
        if docs[i] == docs[j]:
            continue
        inter = len(sets[i] & sets[j])
        if inter and inter / len(sets[i] | sets[j]) >= 0.8:
            high.append((i, j) if docs[i] < docs[j] else (j, i))
    assert len(high) > 20  # copied and lightly edited passages exist
    assert [p for p in high if p not in found] == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_near_duplicate_passages_are_recalled(seed: int) -> None:
    # One 80-character passage and a copy with up to three characters edited
    # (Jaccard of 3-shingles >= 0.8), each pair in its own two documents.
    rng = random.Random(seed)
    texts, docs = [], []
    for k in range(30):
        base = "".join(rng.choice(CJK) for _ in range(80))
        copy = list(base)
        for _ in range(rng.randint(0, 3)):
            copy[rng.randrange(80)] = rng.choice(CJK)
        texts += [base, "".join(copy)]
        docs += [2 * k, 2 * k + 1]
    sigs, sets = [], []
    for t in texts:
        sh = char_shingles(t, 3)
        sigs.append(passage_signatures(sh, np.array([0]), np.array([len(t)]))[0][0])
        sets.append(set(sh.hashes.tolist()))
    b, r = Config().lsh_bands
    found = {tuple(p) for p in candidate_pairs(band_keys(np.array(sigs), b, r), np.array(docs))}
    checked = 0
    for k in range(30):
        a, c = sets[2 * k], sets[2 * k + 1]
        if len(a & c) / len(a | c) >= 0.8:
            assert (2 * k, 2 * k + 1) in found, k
            checked += 1
    assert checked >= 20


@pytest.mark.parametrize("workers", [1, 2])
def test_candidate_pairs_random_keys_and_dirty_masks(workers: int) -> None:
    # Sparse dirty masks take the nightly path (only the dirty passages'
    # buckets are read); dense ones and none the full sort. Both must equal
    # the brute force, with and without a bucket limit.
    rng = np.random.default_rng(7)
    for trial in range(60):
        n = int(rng.integers(2, 60))
        bands = int(rng.integers(1, 5))
        keys = rng.integers(0, int(rng.integers(2, 10)), size=(n, bands)).astype(np.uint64)
        # keys equal in their low 20 bits but not above (the screening table)
        keys[:, 0] += rng.integers(0, 2, size=n).astype(np.uint64) << np.uint64(40)
        doc_ids = np.sort(rng.integers(0, max(2, n // 3), size=n)).astype(np.int64)
        density = [0.0, 0.05, 0.2, 0.6, 1.0][trial % 5]
        dirty = rng.random(n) < density
        max_bucket = int(rng.integers(0, 6)) if trial % 3 == 0 else 0
        got = candidate_pairs(keys, doc_ids, dirty, max_bucket, workers=workers)
        expected = _brute_pairs(keys, doc_ids, dirty, max_bucket)
        assert [tuple(p) for p in got.tolist()] == expected, (trial, density, max_bucket)


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_candidate_pair_blocks_concatenate_to_the_pairs(workers: int) -> None:
    # A budget of a few pairs cuts the corpus into many blocks of whole
    # documents; in order, they are the one-block result (any budget, with
    # dirty masks and bucket limits), and no block holds a first passage of
    # another block's documents.
    rng = np.random.default_rng(11)
    n_blocks = []
    for trial in range(40):
        n = int(rng.integers(2, 80))
        bands = int(rng.integers(1, 5))
        keys = rng.integers(0, int(rng.integers(2, 8)), size=(n, bands)).astype(np.uint64)
        doc_ids = np.sort(rng.integers(0, max(2, n // 3), size=n)).astype(np.int64)
        dirty = rng.random(n) < [0.3, 0.6, 1.0][trial % 3]
        max_bucket = int(rng.integers(0, 6)) if trial % 4 == 0 else 0
        whole = candidate_pairs(keys, doc_ids, dirty, max_bucket, workers=workers)
        budget = int(rng.integers(1, 40))
        passages = BandedPassages(keys, doc_ids, dirty)
        blocks = list(candidate_pair_blocks(passages, max_bucket, workers, budget))
        joined = np.concatenate(blocks) if blocks else np.zeros((0, 2), dtype=np.int64)
        assert joined.tolist() == whole.tolist(), (trial, budget)
        firsts = [set(doc_ids[b[:, 0]].tolist()) for b in blocks if len(b)]
        assert all(max(x) < min(y) for x, y in zip(firsts, firsts[1:])), trial
        n_blocks.append(len(blocks))
    assert max(n_blocks) >= 4  # the budgets did cut


def test_document_runs_keep_documents_whole_and_fit_the_budget() -> None:
    doc_ids = np.array([0, 0, 1, 2, 2, 2, 3, 4], dtype=np.int64)
    load = np.array([3, 3, 1, 2, 2, 2, 9, 1], dtype=np.int64)
    # per document: 6, 1, 6, 9 (over budget: alone), 1
    assert _document_runs(doc_ids, load, 7) == [(0, 3), (3, 6), (6, 7), (7, 8)]
    assert _document_runs(doc_ids, load, 100) == [(0, 8)]


def test_pairs_across_groups_are_the_pairs_of_different_groups() -> None:
    rng = np.random.default_rng(1)
    for _ in range(200):
        n = int(rng.integers(0, 200))
        keys = np.sort(rng.integers(0, int(rng.integers(1, 30)), n))
        groups = np.zeros(n, dtype=np.int64)
        for key in np.unique(keys):  # documents in order within each bucket
            at = np.flatnonzero(keys == key)
            groups[at] = np.sort(rng.integers(0, 6, len(at)))
        first = rng.random(n) < 0.7
        ii, jj = pairs_in_sorted_runs(keys, first)
        differ = groups[ii] != groups[jj]
        want = sorted(zip(ii[differ].tolist(), jj[differ].tolist()))
        gi, gj = pairs_in_sorted_runs(keys, first, groups)
        assert sorted(zip(gi.tolist(), gj.tolist())) == want


def test_one_passage_repeated_in_a_document_pairs_only_with_other_documents() -> None:
    # 20,000 copies in document 0 and one in document 1 share a bucket: 20,000
    # pairs, without the 200 million within document 0.
    keys = np.zeros(20_001, dtype=np.uint64)
    groups = np.array([0] * 20_000 + [1])
    ii, jj = pairs_in_sorted_runs(keys, None, groups)
    assert len(ii) == 20_000 and (jj == 20_000).all()
