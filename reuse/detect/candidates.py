"""Stage 5: candidate passage pairs by locality-sensitive hashing (banding).

A signature of ``num_perm = b * r`` entries is cut into ``b`` bands of ``r``
rows; two passages are a candidate pair when all rows of at least one band
agree. For Jaccard similarity ``s`` that happens with probability
``1 - (1 - s**r)**b`` (the LSH S-curve, *Mining of Massive Datasets* 3.4);
``b`` and ``r`` are chosen once from the configuration
(:meth:`reuse.config.detection.CandidatesConfig.bands`), and the candidate
set is the one ``datasketch.MinHashLSH(params=(b, r))`` returns
(:func:`candidate_pairs_datasketch` computes it that way; a test checks
both agree).

The default path bands all passages at once with numpy: each band's ``r``
rows are hashed to one 64-bit key (:func:`reuse.detect.bands.band_keys`; a
collision adds a false candidate with probability about ``2**-64`` per
pair, removed by verification), keys are sorted, and pairs are read off runs
of equal keys. Only pairs of passages of
*different* documents are produced, and with ``dirty`` given only pairs with
at least one dirty passage (incremental scans). No pair of passages is ever
compared outside a shared bucket.

**Memory.** The candidate pairs of a corpus full of stock clauses grow with
the square of its size (on ``cn_laws_regs``, 4x per doubling: 14.3 M pairs
for 18 M characters). :func:`candidate_pair_blocks` yields them in blocks:
each block holds the pairs whose first passage (the one of the lower
document) lies in a run of whole documents, the runs cut so that an upper
bound of each block's pairs (per band, the bucket members after the passage)
stays within ``max_pairs``. Concatenated, the blocks are exactly
:func:`candidate_pairs`' array, in the same order, so the scan aligns one
block at a time and never holds more than one block's pairs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from reuse.detect.run_pairs import grouped_in_runs, later_in_run, pairs_in_sorted_runs
from reuse.engine.workers import MapOptions, ordered_map, task_state


def candidate_pairs(
    keys: np.ndarray,
    doc_ids: np.ndarray,
    dirty: np.ndarray | None = None,
    max_bucket: int = 0,
    workers: int = 1,
    pairable: np.ndarray | None = None,
) -> np.ndarray:
    """Candidate passage pairs from band keys.

    Args:
        keys: ``(n, bands)`` uint64 band keys of ``n`` passages.
        doc_ids: document of each passage (int64, length ``n``).
        dirty: optional boolean mask; pairs need at least one dirty passage.
        max_bucket: skip buckets holding more than this many passages (0: no limit).
        workers: processes the bands are spread over (the result does not
            depend on it; see :mod:`reuse.engine.workers`).
        pairable: optional ``(n, bands)`` mask; buckets it marks False are skipped.

    Returns:
        ``(m, 2)`` int64 array of passage indices ``(i, j)`` with
        ``doc_ids[i] < doc_ids[j]``, unique, sorted.

    Each pair is produced by the first band it collides in (identical
    passages collide in all of them), so bands are independent tasks and
    nothing is deduplicated across bands at the end.
    """
    blocks = [
        b
        for b in candidate_pair_blocks(
            BandedPassages(keys, doc_ids, dirty, pairable), max_bucket, workers, 0
        )
        if len(b)
    ]
    if not blocks:
        return np.zeros((0, 2), dtype=np.int64)
    return blocks[0] if len(blocks) == 1 else np.concatenate(blocks)


@dataclass(frozen=True)
class BandedPassages:
    """The passages a candidate search pairs, as :func:`candidate_pairs` takes them.

    Attributes:
        keys: ``(n, bands)`` uint64 band keys of ``n`` passages.
        doc_ids: document of each passage (int64, length ``n``).
        dirty: optional boolean mask; pairs need at least one dirty passage.
        pairable: optional ``(n, bands)`` mask; buckets it marks False are
            skipped (stock buckets: :func:`reuse.detect.plan.stock_buckets`).
    """

    keys: np.ndarray
    doc_ids: np.ndarray
    dirty: np.ndarray | None = None
    pairable: np.ndarray | None = None


def candidate_pair_blocks(
    passages: BandedPassages, max_bucket: int = 0, workers: int = 1, max_pairs: int = 0
) -> Iterator[np.ndarray]:
    """:func:`candidate_pairs`, in blocks of at most about ``max_pairs`` pairs.

    ``passages.doc_ids`` must be non-decreasing (passages in document order).
    Each block is a sorted ``(m, 2)`` array (possibly empty) of the pairs whose
    first passage lies in one run of whole documents; the blocks come in order,
    so their concatenation is :func:`candidate_pairs`' result. ``max_pairs``
    bounds an *upper* estimate of each block (a run of one document may exceed
    it); 0 means one block. Blocks are computed as they are asked for.
    """
    keys, doc_ids, dirty, pairable = (
        passages.keys,
        passages.doc_ids,
        passages.dirty,
        passages.pairable,
    )
    n = keys.shape[0]
    n_bands = keys.shape[1] if keys.ndim == 2 else 0
    if n == 0 or n_bands == 0:
        return
    small = _small_buckets(keys, max_bucket) if max_bucket else None
    if pairable is not None:
        small = pairable if small is None else small & pairable
    # Few dirty passages (a nightly scan): only their buckets can hold a pair,
    # and there is too little work per band to pay for forking.
    few_dirty = dirty is not None and int(dirty.sum()) * 4 < n
    if few_dirty:
        workers = 1
    state = _BandState(keys, doc_ids, dirty, small, few_dirty)
    ranges = [(0, n)]
    # (Without the estimate when even every pair in every band would fit.)
    if max_pairs and not few_dirty and n * (n - 1) // 2 * n_bands > max_pairs:
        # Sort each band once (the blocks reuse the orders) and bound the
        # pairs of every passage by the members after it in its buckets.
        load = np.zeros(n, dtype=np.int64)
        orders = []
        sorted_bands = ordered_map(_band_sorted, range(n_bands), MapOptions(workers, 2, 1), state)
        for order, later in sorted_bands:
            load[order] += later
            orders.append(order)
        state.orders = orders
        ranges = _document_runs(doc_ids, load, max_pairs)
    for lo, hi in ranges:
        # Yielded unbound: while the consumer holds a block, this frame does not.
        yield _block_pairs(state, n_bands, workers, lo, hi)


#: Document ids below and above every real one, for the ends of the block ranges.
_NO_DOC_BELOW = -(2**62)
_NO_DOC_ABOVE = 2**62


def candidate_block_ranges(
    passages: BandedPassages, max_bucket: int = 0, workers: int = 1, max_pairs: int = 0
) -> Iterator[tuple[int, int, np.ndarray]]:
    """:func:`candidate_pair_blocks` with the documents each block covers:
    ``(doc_lo, doc_hi, pairs)``, the block's pairs those whose lower document
    is in ``[doc_lo, doc_hi)``. The ranges cover every document id, the first
    from below all and the last to above all, also with no passage at all
    (one range then, with no pairs)."""
    blocks = candidate_pair_blocks(passages, max_bucket, workers, max_pairs)
    doc_ids = passages.doc_ids
    lo = _NO_DOC_BELOW
    emitted = False
    for pairs in blocks:
        last = int(doc_ids[pairs[-1, 0]]) if len(pairs) else None
        # The next block starts after this one's last document with pairs; an
        # empty block covers nothing new.
        if last is None:
            continue
        hi = last + 1
        yield lo, hi, pairs
        emitted = True
        lo = hi
    if not emitted or lo < _NO_DOC_ABOVE:
        yield lo, _NO_DOC_ABOVE, np.zeros((0, 2), dtype=np.int64)


@dataclass
class _BandState:
    """What the band tasks read (:func:`reuse.engine.workers.task_state`).

    Attributes:
        keys, doc_ids, dirty: as :func:`candidate_pair_blocks` has them.
        small: ``small[i, band]``: passage ``i``'s bucket can pair (None: every bucket).
        few: few dirty passages: a band's sort takes only their buckets.
        orders: each band's sorted order, once sorted for the blocks' estimate.
    """

    keys: np.ndarray
    doc_ids: np.ndarray
    dirty: np.ndarray | None
    small: np.ndarray | None
    few: bool
    orders: list[np.ndarray] | None = None


def _block_pairs(state: _BandState, n_bands: int, workers: int, lo: int, hi: int) -> np.ndarray:
    """The sorted candidate pairs whose first passage is in ``[lo, hi)``."""
    n = state.keys.shape[0]
    tasks = [(band, lo, hi) for band in range(n_bands)]
    options = MapOptions(workers, min_items=2, chunksize=1)
    found = list(ordered_map(_band_pairs, tasks, options, state))
    flat = np.concatenate(found)
    del found
    flat.sort()
    return np.stack((flat // n, flat % n), axis=1)


def _document_runs(doc_ids: np.ndarray, load: np.ndarray, budget: int) -> list[tuple[int, int]]:
    """Passage ranges ``[lo, hi)`` of whole documents whose summed ``load`` stays
    within ``budget`` (a document over budget gets a range of its own)."""
    n = len(doc_ids)
    cuts = np.flatnonzero(doc_ids[1:] != doc_ids[:-1]) + 1
    bounds = np.concatenate(([0], cuts, [n])).tolist()
    per_doc = np.add.reduceat(load, bounds[:-1]).tolist() if n else []
    ranges: list[tuple[int, int]] = []
    lo, total = 0, 0
    for k, doc_load in enumerate(per_doc):
        if total and total + doc_load > budget:
            ranges.append((lo, bounds[k]))
            lo, total = bounds[k], 0
        total += doc_load
    ranges.append((lo, n))
    return ranges


def _small_buckets(keys: np.ndarray, max_bucket: int) -> np.ndarray:
    """``small[i, band]``: passage ``i``'s bucket in that band has <= ``max_bucket`` members."""
    n, n_bands = keys.shape
    small = np.empty((n, n_bands), dtype=bool)
    for band in range(n_bands):
        column = keys[:, band]
        order = np.argsort(column, kind="stable")
        sorted_keys = column[order]
        boundary = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
        starts = np.concatenate(([0], boundary))
        sizes = np.diff(np.concatenate((starts, [n])))
        small[order, band] = np.repeat(sizes <= max_bucket, sizes)
    return small


def _sorted_band(band: int) -> tuple[np.ndarray, np.ndarray]:
    """``(order, sorted_keys)``: the passages of ``band``'s buckets that can pair,
    sorted by key (stable, so by passage within a bucket)."""
    state = task_state(_BandState)
    keys, dirty, small = state.keys, state.dirty, state.small
    column = keys[:, band]
    if state.orders:
        order = state.orders[band]
        return order, column[order]
    if state.few:
        wanted = np.unique(column[dirty])
        # A 2^20-entry table of the keys' low bits screens out almost every
        # passage; the few left are checked exactly.
        low = np.uint64((1 << 20) - 1)
        table = np.zeros(1 << 20, dtype=bool)
        table[(wanted & low).astype(np.intp)] = True
        maybe = np.flatnonzero(table[(column & low).astype(np.intp)])
        at = np.minimum(np.searchsorted(wanted, column[maybe]), len(wanted) - 1)
        members = maybe[wanted[at] == column[maybe]]
        order = members[np.argsort(column[members], kind="stable")]
    else:
        order = np.argsort(column, kind="stable")
    sorted_keys = column[order]
    if small is not None:
        in_small = small[order, band]
        order = order[in_small]
        sorted_keys = sorted_keys[in_small]
    return order, sorted_keys


def _band_sorted(band: int) -> tuple[np.ndarray, np.ndarray]:
    """``(order, later)``: :func:`_sorted_band`'s order (int32 where it fits) and,
    per position, the members after it in its bucket (an upper bound of the
    pairs that passage is the first passage of in ``band``)."""
    order, sorted_keys = _sorted_band(band)
    if len(order) < 2**31:
        order = order.astype(np.int32)
    return order, later_in_run(sorted_keys)


def _band_pairs(task: tuple[int, int, int]) -> np.ndarray:
    """Pairs first colliding in ``band`` whose first passage is in ``[lo, hi)``,
    as ``first * n + second`` (``doc_ids[first] < doc_ids[second]``)."""
    band, lo, hi = task
    state = task_state(_BandState)
    keys, doc_ids, dirty, small = state.keys, state.doc_ids, state.dirty, state.small
    n = keys.shape[0]
    order, sorted_keys = _sorted_band(band)
    first = None if (lo, hi) == (0, n) else (order >= lo) & (order < hi)
    # A bucket's passages are in passage order, so in document order: pair
    # across documents only (else every pair, those within a document dropped below).
    docs = doc_ids[order]
    ii, jj = pairs_in_sorted_runs(
        sorted_keys, first, docs if grouped_in_runs(sorted_keys, docs) else None
    )
    a = order[ii].astype(np.int64, copy=False)
    b = order[jj].astype(np.int64, copy=False)
    keep = doc_ids[a] != doc_ids[b]
    if dirty is not None:
        keep &= dirty[a] | dirty[b]
    idx = np.flatnonzero(keep)
    # Drop the pairs an earlier band produces.
    for earlier in range(band):
        if len(idx) == 0:
            break
        ia, ib = a[idx], b[idx]
        emitted = keys[ia, earlier] == keys[ib, earlier]
        if small is not None:
            emitted &= small[ia, earlier]
        idx = idx[~emitted]
    a, b = a[idx], b[idx]
    swap = doc_ids[a] > doc_ids[b]
    lo = np.where(swap, b, a)
    hi = np.where(swap, a, b)
    return lo * np.int64(n) + hi


def candidate_pairs_datasketch(
    signatures: np.ndarray,
    doc_ids: np.ndarray,
    bands: int,
    rows: int,
    seed: int = 1,
) -> np.ndarray:
    """The same candidate set through ``datasketch.MinHashLSH`` (slow; for checks)."""
    from datasketch import MinHashLSH

    from reuse.detect.sketch import EMPTY, to_datasketch

    num_perm = signatures.shape[1]
    lsh = MinHashLSH(num_perm=num_perm, params=(bands, rows))
    minhashes = {}
    with lsh.insertion_session() as session:
        for i in range(signatures.shape[0]):
            if (signatures[i] == EMPTY).all():
                continue
            m = to_datasketch(signatures[i], seed)
            minhashes[i] = m
            session.insert(i, m, check_duplication=False)
    pairs = set()
    for i, m in minhashes.items():
        for j in lsh.query(m):
            if doc_ids[i] != doc_ids[j]:
                a, b = (i, j) if doc_ids[i] < doc_ids[j] else (j, i)
                pairs.add((a, b))
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    return np.array(sorted(pairs), dtype=np.int64)
