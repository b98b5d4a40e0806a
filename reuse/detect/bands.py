"""LSH band keys: each band of a MinHash signature hashed to one 64-bit key.

A signature of ``num_perm`` entries is cut into ``bands`` bands of ``rows``
rows; band ``j``'s key is a SplitMix64 chain over its rows, started from
``(j + 1)`` times the golden-ratio increment so equal rows in different bands
give different keys. Two passages share a bucket in a band when their keys
are equal (:mod:`reuse.detect.candidates`); a collision of unequal rows has
probability about ``2**-64`` per pair and is removed by verification.
"""

from __future__ import annotations

import numpy as np

__all__ = ["band_keys", "mix64"]

_B = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def mix64(h: np.ndarray) -> np.ndarray:
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
            h = mix64(h ^ sig[:, :, k])
    return h
