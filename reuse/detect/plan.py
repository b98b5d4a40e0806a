"""Stage: the alignment plan, which document pairs are aligned and from which seeds.

Seeds come from two indexes of the whole corpus: the LSH buckets of the
passages' MinHash signatures (:mod:`reuse.detect.candidates`: near-duplicate
passages) and the winnowed k-gram fingerprints (:mod:`reuse.detect.seeds`: exact
runs). A bucket or a fingerprint shared by at least ``T`` documents
(:meth:`reuse.config.detection.TemplatesConfig.threshold`) is **stock** text: a formula,
a clause, a footer. The plan has two passes:

1. **Pairwise.** Every pair of passages of different documents in a bucket
   of fewer than ``T`` documents is a candidate (verified before alignment),
   and every pair of occurrences of a fingerprint shared by 2 to ``T - 1``
   documents an exact seed. A bucket holds at most ``T - 1`` documents, so
   its pairs are bounded and the work grows linearly with the corpus.
2. **Templates.** The members of a stock bucket or fingerprint are paired
   with its *representative* only: the passage (or k-gram) of its
   representative document, the member document ranked first by
   :func:`document_ranks` (the earliest dated, then the first by path). A
   text in ``k`` documents costs ``k - 1`` alignments, not ``k (k - 1) / 2``.
   Within a document pair the representative is always the same document
   (the one ranked first), so each pass-2 pair has one representative side.

The plan is a pure function of the corpus. Each planned document pair gets a
**signature**, a 64-bit sum of hashes of its seeds (spans and kind) and of
its orientation (which path sorts first): a pair whose signature did not
change since it was last aligned, and whose documents did not change,
keeps its stored matches; the others are aligned again. So an incremental
scan aligns what a fresh scan would align differently, and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reuse.detect.bands import mix64
from reuse.detect.seeds import pair_seeds
from reuse.text.date_precision import DAY

__all__ = [
    "SeedSet",
    "document_ranks",
    "exact_seeds",
    "fingerprint_frequency",
    "seed_set",
    "stock_buckets",
]

#: Tags mixed into the signature of each kind of seed and of the orientation.
_TAG_CANDIDATE = np.uint64(0x51)
_TAG_EXACT = np.uint64(0xE7)
_TAG_ORIENT = np.uint64(0x0B)


def ranking_date(date: object, precision: str | None) -> object:
    """The date a document ranks by as a representative: its date when known to
    the day (``precision`` 'day', or ``None`` for dates stored before
    precisions were), else ``None``. A year or month read from a file name or
    a session number orders documents only coarsely, and such documents
    (resolutions, summaries) often hold a shortened version of the stock text
    they share; a representative holding the fuller text lets its star
    alignments cover more of what the members share."""
    return date if precision in (None, DAY) else None


def document_ranks(doc_ids: list[int], dates: list[object], paths: list[str]) -> np.ndarray:
    """Rank of every document as a representative (0 first): earlier ``dates``
    first (documents without a date last), then by path; an array indexed by
    doc id (``-1`` where there is no document). ``dates`` are
    :func:`ranking_date` values."""
    order = sorted(
        range(len(doc_ids)),
        key=lambda i: (dates[i] is None, dates[i] or 0, paths[i]),
    )
    size = (max(doc_ids) + 1) if doc_ids else 0
    ranks = np.full(size, -1, dtype=np.int64)
    for rank, i in enumerate(order):
        ranks[doc_ids[i]] = rank
    return ranks


def _unique_pairs(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(rows, axis=0, return_inverse=True)`` for ``(n, 2)`` rows of
    non-negative integers, through one int64 key per row (``a * (max(b) + 1) + b``,
    which sorts as the rows do): a sort of n integers instead of n row records,
    ~10x faster. Returns ``(pairs, inverse)``, the pairs as int64."""
    rows = rows.astype(np.int64, copy=False)
    if len(rows) == 0:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    width = int(rows[:, 1].max()) + 1
    if int(rows[:, 0].max()) >= (2**63 - 1) // width:  # pragma: no cover - ids beyond 2**31
        pairs, inverse = np.unique(rows, axis=0, return_inverse=True)
        return pairs, inverse.reshape(-1)
    keys, inverse = np.unique(rows[:, 0] * width + rows[:, 1], return_inverse=True)
    return np.stack((keys // width, keys % width), axis=1), inverse.reshape(-1)


def _runs(sorted_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(starts, sizes)`` of the runs of equal values of a sorted array."""
    n = len(sorted_values)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    cuts = np.flatnonzero(sorted_values[1:] != sorted_values[:-1]) + 1
    starts = np.concatenate(([0], cuts)).astype(np.int64)
    return starts, np.diff(np.concatenate((starts, [n])))


def _distinct_docs(
    starts: np.ndarray, sizes: np.ndarray, docs_in_run_order: np.ndarray
) -> np.ndarray:
    """Distinct documents per run, the documents sorted within each run."""
    n = len(docs_in_run_order)
    new = np.ones(n, dtype=bool)
    if n > 1:
        new[1:] = docs_in_run_order[1:] != docs_in_run_order[:-1]
        new[starts] = True
    return np.add.reduceat(new.astype(np.int64), starts) if len(starts) else starts


def _leaders(
    starts: np.ndarray, sizes: np.ndarray, members: np.ndarray, ranks_of_members: np.ndarray
) -> np.ndarray:
    """Per run, the member (index into ``members``) of least ``(rank, member)``."""
    key = ranks_of_members * (int(members.max()) + 1 if len(members) else 1) + members
    best = np.minimum.reduceat(key, starts)
    # Position of the best key in each run.
    run_of = np.repeat(np.arange(len(starts)), sizes)
    hit = np.flatnonzero(key == best[run_of])
    first = np.full(len(starts), -1, dtype=np.int64)
    first[run_of[hit][::-1]] = hit[::-1]
    return first


def stock_buckets(
    keys: np.ndarray, doc_ids: np.ndarray, ranks: np.ndarray, min_documents: int
) -> tuple[np.ndarray, np.ndarray]:
    """The LSH buckets shared by at least ``min_documents`` documents.

    Returns ``(pairable, star)``: ``pairable[i, band]`` is False where
    passage ``i``'s bucket in ``band`` is stock (pass 1 leaves it out), and
    ``star`` the ``(m, 2)`` passage pairs ``(leader, member)`` of pass 2, the
    leader the bucket's passage in its representative document (its first
    passage there), members the bucket's passages of other documents; each
    pair once, sorted.
    """
    n, n_bands = keys.shape if keys.ndim == 2 else (0, 0)
    pairable = np.ones((n, n_bands), dtype=bool)
    found: list[np.ndarray] = []
    for band in range(n_bands):
        order = np.lexsort((np.arange(n), doc_ids, keys[:, band]))
        starts, sizes = _runs(keys[order, band])
        ndocs = _distinct_docs(starts, sizes, doc_ids[order])
        stock = ndocs >= min_documents
        if not stock.any():
            continue
        in_stock = np.repeat(stock, sizes)
        pairable[order[in_stock], band] = False
        s_starts = starts[stock]
        s_sizes = sizes[stock]
        members = order[in_stock]
        local = np.concatenate(([0], np.cumsum(s_sizes)[:-1])).astype(np.int64)
        lead = members[_leaders(local, s_sizes, members, ranks[doc_ids[members]])]
        leader_of = np.repeat(lead, s_sizes)
        other = doc_ids[members] != doc_ids[leader_of]
        found.append(np.stack((leader_of[other], members[other]), axis=1))
        del s_starts
    if not found:
        return pairable, np.zeros((0, 2), dtype=np.int64)
    star, _ = _unique_pairs(np.concatenate(found))
    return pairable, star


def fingerprint_frequency(fp_docs: np.ndarray, fp_hashes: np.ndarray) -> np.ndarray:
    """Per fingerprint, the number of distinct documents its hash occurs in."""
    if len(fp_hashes) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((fp_docs, fp_hashes))
    starts, sizes = _runs(fp_hashes[order])
    df = _distinct_docs(starts, sizes, fp_docs[order])
    out = np.empty(len(order), dtype=np.int64)
    out[order] = np.repeat(df, sizes)
    return out


def exact_seeds(
    fp_docs: np.ndarray,
    fp_positions: np.ndarray,
    fp_hashes: np.ndarray,
    ranks: np.ndarray,
    min_documents: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact seeds ``(doc_a, pos_a, doc_b, pos_b)``, ``doc_a < doc_b``, of both passes.

    Pass 1: every pair of occurrences (in different documents) of a hash
    shared by 2 to ``min_documents - 1`` documents. Pass 2: for a hash in at
    least ``min_documents`` documents, its first occurrence in its
    representative document (the best-ranked of those holding it) paired
    with every occurrence in the other documents. Both sorted by document
    pair, then positions.
    ``fp_docs``/``fp_positions`` must be in document, then position order.
    """
    df = fingerprint_frequency(fp_docs, fp_hashes)
    pairwise = pair_seeds(fp_docs, fp_positions, fp_hashes, (df >= 2) & (df < min_documents))
    stock = np.flatnonzero(df >= min_documents)
    if len(stock) == 0:
        return pairwise, np.zeros((0, 4), dtype=np.int64)
    order = stock[np.lexsort((fp_positions[stock], fp_docs[stock], fp_hashes[stock]))]
    starts, sizes = _runs(fp_hashes[order])
    within = np.arange(len(order), dtype=np.int64)  # order is by (hash, doc, position)
    lead = order[_leaders(starts, sizes, within, ranks[fp_docs[order]])]
    leader_of = np.repeat(lead, sizes)
    other = fp_docs[order] != fp_docs[leader_of]
    a, b = leader_of[other], order[other]
    swap = fp_docs[a] > fp_docs[b]
    a, b = np.where(swap, b, a), np.where(swap, a, b)
    star = np.stack((fp_docs[a], fp_positions[a], fp_docs[b], fp_positions[b]), axis=1)
    star = np.unique(star.astype(np.int64), axis=0)
    return pairwise, star


@dataclass
class SeedSet:
    """The seeds of one pass, grouped by document pair.

    Attributes:
        pairs: ``(p, 2)`` document pairs ``(doc_a, doc_b)``, sorted.
        candidates: ``(c, 4)`` candidate passage pairs ``(a0, a1, b0, b1)``
            (normalised offsets; verified before alignment), grouped by pair.
        cand_bounds: ``(p + 1,)`` offsets of each pair's candidates.
        exact: ``(e, 4)`` exact seeds ``(a0, a1, b0, b1)``, grouped by pair.
        exact_bounds: ``(p + 1,)`` offsets of each pair's exact seeds.
        signatures: ``(p,)`` uint64 signature of each pair's seeds.
    """

    pairs: np.ndarray
    candidates: np.ndarray
    cand_bounds: np.ndarray
    exact: np.ndarray
    exact_bounds: np.ndarray
    signatures: np.ndarray

    def __len__(self) -> int:
        return len(self.pairs)


def _row_hash(rows: np.ndarray, tag: np.uint64) -> np.ndarray:
    with np.errstate(over="ignore"):
        h = np.full(len(rows), tag, dtype=np.uint64)
        for column in range(rows.shape[1]):
            h = mix64(h ^ rows[:, column].astype(np.uint64))
    return h


def _bounds(group_of_rows: np.ndarray, n_groups: int) -> np.ndarray:
    counts = (
        np.bincount(group_of_rows, minlength=n_groups)
        if len(group_of_rows)
        else np.zeros(n_groups, dtype=np.int64)
    )
    return np.concatenate(([0], np.cumsum(counts))).astype(np.int64)


def seed_set(
    cand_docs: np.ndarray,
    cand_spans: np.ndarray,
    exact_docs: np.ndarray,
    exact_spans: np.ndarray,
    path_ranks: np.ndarray,
) -> SeedSet:
    """Group candidate and exact seeds by document pair and sign each pair.

    ``cand_docs``/``exact_docs`` are ``(m, 2)`` document pairs of each seed,
    ``*_spans`` its ``(a0, a1, b0, b1)``. ``path_ranks`` (indexed by doc id)
    orders the documents by path: alignment runs from the first path, so the
    orientation is part of the signature.
    """
    all_docs = np.concatenate((cand_docs, exact_docs)).astype(np.int64)
    if len(all_docs) == 0:
        empty = np.zeros((0, 4), dtype=np.int64)
        return SeedSet(
            np.zeros((0, 2), dtype=np.int64),
            empty,
            np.zeros(1, dtype=np.int64),
            empty,
            np.zeros(1, dtype=np.int64),
            np.zeros(0, dtype=np.uint64),
        )
    pairs, inverse = _unique_pairs(all_docs)
    n_pairs = len(pairs)
    cand_group = inverse[: len(cand_docs)]
    exact_group = inverse[len(cand_docs) :]
    corder = (
        np.lexsort((cand_spans[:, 2], cand_spans[:, 0], cand_group))
        if len(cand_docs)
        else (np.zeros(0, dtype=np.int64))
    )
    eorder = (
        np.lexsort((exact_spans[:, 2], exact_spans[:, 0], exact_group))
        if len(exact_docs)
        else np.zeros(0, dtype=np.int64)
    )
    candidates = cand_spans[corder].astype(np.int64)
    exact = exact_spans[eorder].astype(np.int64)
    cand_group = cand_group[corder]
    exact_group = exact_group[eorder]
    signatures = np.zeros(n_pairs, dtype=np.uint64)
    with np.errstate(over="ignore"):
        if len(candidates):
            np.add.at(signatures, cand_group, _row_hash(candidates, _TAG_CANDIDATE))
        if len(exact):
            np.add.at(signatures, exact_group, _row_hash(exact, _TAG_EXACT))
        orient = path_ranks[pairs[:, 0]] < path_ranks[pairs[:, 1]]
        signatures += _row_hash(orient.astype(np.int64)[:, None], _TAG_ORIENT)
    return SeedSet(
        pairs,
        candidates,
        _bounds(cand_group, n_pairs),
        exact,
        _bounds(exact_group, n_pairs),
        signatures,
    )
