"""Stage 4b: MinHash signatures of passages, compatible with datasketch.

For a set of shingle hashes ``H`` the MinHash signature has ``num_perm``
entries; entry ``k`` is ``min over h in H of (a_k * fmix32(h) + b_k) mod 2^32``
(datasketch's default ``affine32`` scheme: the MurmurHash3 finaliser, then an
affine permutation with odd ``a_k``). For two sets, the probability that
entry ``k`` agrees equals their Jaccard similarity ``|A & B| / |A | B|``, so
the share of equal entries estimates it with standard error about
``sqrt(J (1 - J) / num_perm)`` (Broder 1997; Leskovec, Rajaraman & Ullman,
*Mining of Massive Datasets*, ch. 3).

The permutation parameters are datasketch's own (``MinHash(num_perm, seed)
.permutations``), and :func:`to_datasketch` wraps a signature in a
``datasketch.MinHash``: ``MinHash(num_perm, seed,
hashfunc=reuse.text.shingle.char_shingle_hash).update_batch(shingles)`` gives the
same hash values (tested).

Instead of one ``update`` per shingle, all passages of a document are
sketched at once: the permuted hashes of every shingle form a
``num_perm x n_shingles`` matrix, and each passage's signature is a
column-range minimum of it (``np.minimum.reduceat`` over interleaved
``[lo, hi)`` bounds, so overlapping passages cost no copies). Memory is
bounded by processing at most ``chunk_shingles`` columns at a time.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from reuse.text.shingle import Shingles

if TYPE_CHECKING:
    from datasketch import MinHash

EMPTY = np.uint32(0xFFFFFFFF)
_C1 = np.uint32(0x85EBCA6B)
_C2 = np.uint32(0xC2B2AE35)


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutation parameters ``(a, b)``, each uint32 of ``num_perm``."""
    from datasketch import MinHash  # here: datasketch imports scipy (~0.4 s)

    a, b = MinHash(num_perm=num_perm, seed=seed).permutations
    return np.ascontiguousarray(a, dtype=np.uint32), np.ascontiguousarray(b, dtype=np.uint32)


def fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser (as datasketch applies before permuting)."""
    h = h ^ (h >> np.uint32(16))
    h = h * _C1
    h = h ^ (h >> np.uint32(13))
    h = h * _C2
    return h ^ (h >> np.uint32(16))


def passage_signatures(
    shingles: Shingles,
    starts: np.ndarray,
    ends: np.ndarray,
    num_perm: int = 128,
    seed: int = 1,
    chunk_shingles: int = 1 << 15,
) -> tuple[np.ndarray, np.ndarray]:
    """Signatures of the passages ``[starts[i], ends[i])`` (normalised characters).

    Returns:
        ``(signatures, n_shingles)``: a ``(n_passages, num_perm)`` uint32 array
        and, per passage, how many shingles it holds (0 means an empty set;
        its signature is all ``0xFFFFFFFF`` and must not be banded).
    """
    n_pass = len(starts)
    sigs = np.full((n_pass, num_perm), EMPTY, dtype=np.uint32)
    if n_pass == 0 or len(shingles) == 0:
        return sigs, np.zeros(n_pass, dtype=np.int64)
    a, b = permutations(num_perm, seed)
    lo = np.searchsorted(shingles.starts, starts, side="left")
    hi = np.searchsorted(shingles.ends, ends, side="right")
    hi = np.maximum(hi, lo)
    counts = (hi - lo).astype(np.int64)
    with np.errstate(over="ignore"):
        mixed = fmix32(shingles.hashes.astype(np.uint32))
        order = np.argsort(lo, kind="stable")
        i = 0
        while i < n_pass:
            # Take passages (in order of lo) while their shingle span fits the chunk.
            first = int(lo[order[i]])
            j = i
            span_end = first
            while j < n_pass:
                p = order[j]
                new_end = max(span_end, int(hi[p]))
                if j > i and new_end - first > chunk_shingles:
                    break
                span_end = new_end
                j += 1
            group = order[i:j]
            nonempty = group[counts[group] > 0]
            if len(nonempty):
                cols = mixed[first:span_end]
                permuted = np.empty((num_perm, len(cols) + 1), dtype=np.uint32)
                np.multiply(a[:, None], cols[None, :], out=permuted[:, :-1])
                permuted[:, :-1] += b[:, None]
                permuted[:, -1] = EMPTY
                bounds = np.empty(2 * len(nonempty), dtype=np.int64)
                bounds[0::2] = lo[nonempty] - first
                bounds[1::2] = hi[nonempty] - first
                mins = np.minimum.reduceat(permuted, bounds, axis=1)[:, 0::2]
                sigs[nonempty] = mins.T
            i = j
    return sigs, counts


def to_datasketch(signature: np.ndarray, seed: int = 1) -> MinHash:
    """Wrap one signature as a ``datasketch.MinHash`` (for ``jaccard``, ``MinHashLSH``)."""
    from datasketch import MinHash

    num_perm = len(signature)
    return MinHash(
        num_perm=num_perm,
        seed=seed,
        hashvalues=np.asarray(signature, dtype=np.uint32),
        permutations=MinHash(num_perm=num_perm, seed=seed).permutations,
        scheme="affine32",
    )
