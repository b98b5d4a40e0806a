"""Stage 5: candidate passage pairs by locality-sensitive hashing (banding).

A signature of ``num_perm = b * r`` entries is cut into ``b`` bands of ``r``
rows; two passages are a candidate pair when all rows of at least one band
agree. For Jaccard similarity ``s`` that happens with probability
``1 - (1 - s**r)**b`` (the LSH S-curve, *Mining of Massive Datasets* 3.4);
``b`` and ``r`` are chosen once from the configuration
(:meth:`reuse.config.CandidatesConfig.bands`), and the candidate set is the
one ``datasketch.MinHashLSH(params=(b, r))`` returns
(:func:`candidate_pairs_datasketch` computes it that way; a test checks
both agree).

The default path bands all passages at once with numpy: each band's ``r``
rows are hashed to one 64-bit key (a collision adds a false candidate with
probability about ``2**-64`` per pair, removed by verification), keys are
sorted, and pairs are read off runs of equal keys. Only pairs of passages of
*different* documents are produced, and with ``dirty`` given only pairs with
at least one dirty passage (incremental scans). No pair of passages is ever
compared outside a shared bucket.
"""

from __future__ import annotations

import numpy as np

from reuse.workers import STATE, ordered_map

_B = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix64(h: np.ndarray) -> np.ndarray:
    """SplitMix64 step: add the golden-ratio increment, then finalise (a bijection)."""
    h = h + _B
    h = (h ^ (h >> np.uint64(30))) * _M1
    h = (h ^ (h >> np.uint64(27))) * _M2
    return h ^ (h >> np.uint64(31))


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """``(n, bands)`` uint64 keys: band ``j`` hashes signature rows ``[j*rows, (j+1)*rows)``."""
    n = signatures.shape[0]
    if signatures.shape[1] < bands * rows:
        raise ValueError(
            f"signatures have {signatures.shape[1]} entries, fewer than bands*rows={bands * rows}"
        )
    sig = signatures[:, : bands * rows].astype(np.uint64).reshape(n, bands, rows)
    with np.errstate(over="ignore"):
        h = np.broadcast_to(np.arange(1, bands + 1, dtype=np.uint64) * _B, (n, bands)).copy()
        for k in range(rows):
            h = _mix64(h ^ sig[:, :, k])
    return h


def _pairs_in_sorted_runs(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs ``(i, j)``, ``i < j``, of equal values in a sorted array; O(pairs)."""
    n = len(sorted_keys)
    if n < 2:
        e = np.zeros(0, dtype=np.int64)
        return e, e
    boundary = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
    run_starts = np.concatenate(([0], boundary))
    run_ends = np.concatenate((boundary, [n]))
    sizes = run_ends - run_starts
    multi = sizes > 1
    if not multi.any():
        e = np.zeros(0, dtype=np.int64)
        return e, e
    run_of = np.repeat(np.arange(len(sizes)), sizes)
    remaining = run_ends[run_of] - np.arange(n) - 1
    active = np.flatnonzero(remaining > 0)
    out_i: list[np.ndarray] = []
    out_j: list[np.ndarray] = []
    d = 1
    while len(active):
        out_i.append(active)
        out_j.append(active + d)
        d += 1
        active = active[remaining[active] >= d]
    return np.concatenate(out_i), np.concatenate(out_j)


def candidate_pairs(
    keys: np.ndarray,
    doc_ids: np.ndarray,
    dirty: np.ndarray | None = None,
    max_bucket: int = 0,
    workers: int = 1,
) -> np.ndarray:
    """Candidate passage pairs from band keys.

    Args:
        keys: ``(n, bands)`` uint64 band keys of ``n`` passages.
        doc_ids: document of each passage (int64, length ``n``).
        dirty: optional boolean mask; pairs need at least one dirty passage.
        max_bucket: skip buckets holding more than this many passages (0: no limit).
        workers: processes the bands are spread over (the result does not
            depend on it; see :mod:`reuse.workers`).

    Returns:
        ``(m, 2)`` int64 array of passage indices ``(i, j)`` with
        ``doc_ids[i] < doc_ids[j]``, unique, sorted.

    Each pair is produced by the first band it collides in (identical
    passages collide in all of them), so bands are independent tasks and
    nothing is deduplicated across bands at the end.
    """
    n = keys.shape[0]
    n_bands = keys.shape[1] if keys.ndim == 2 else 0
    if n == 0 or n_bands == 0:
        return np.zeros((0, 2), dtype=np.int64)
    small = _small_buckets(keys, max_bucket) if max_bucket else None
    # Few dirty passages (a nightly scan): only their buckets can hold a pair,
    # and there is too little work per band to pay for forking.
    few_dirty = dirty is not None and int(dirty.sum()) * 4 < n
    if few_dirty:
        workers = 1
    state = {"keys": keys, "doc_ids": doc_ids, "dirty": dirty, "small": small, "few": few_dirty}
    found = list(ordered_map(_band_pairs, range(n_bands), workers, state, min_items=2, chunksize=1))
    flat = np.concatenate(found)
    flat.sort()
    return np.stack((flat // n, flat % n), axis=1)


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


def _band_pairs(band: int) -> np.ndarray:
    """Pairs first colliding in ``band``, as ``lo * n + hi`` (``doc_ids[lo] < doc_ids[hi]``)."""
    keys, doc_ids, dirty, small = STATE["keys"], STATE["doc_ids"], STATE["dirty"], STATE["small"]
    n = keys.shape[0]
    column = keys[:, band]
    if STATE["few"]:
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
    ii, jj = _pairs_in_sorted_runs(sorted_keys)
    a = order[ii]
    b = order[jj]
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

    from reuse.sketch import EMPTY, to_datasketch

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
