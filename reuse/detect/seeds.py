"""Exact seeds: k-gram fingerprints selected by winnowing (Schleimer, Wilkerson, Aiken 2003).

MinHash LSH finds passages that are *similar as wholes*; a formula of 80
characters inside a sentence that is otherwise different is not. Exact seeds
find every run of identical text that two documents share, however short
its surroundings, for the price of a hash table:

1. **k-grams.** Every run of ``k`` consecutive characters of the normalised
   text gets a 64-bit polynomial hash ``h_i = sum_j c_{i+j} * B**(k-1-j) mod
   2**64`` (``c`` the code points, ``B`` a fixed odd base), computed for all
   positions at once with numpy.
2. **Winnowing.** In every window of ``w`` consecutive k-gram hashes the
   minimum is selected (the rightmost on ties); the selected (position,
   hash) pairs are the document's *fingerprints*, about ``2 / (w + 1)`` of
   its positions. The guarantee: two texts that share a run of at least
   ``t = w + k - 1`` identical characters share a fingerprint in it, since
   the run holds a whole window and both texts select the same minimum
   there. Runs shorter than ``k`` never share one (noise threshold).
3. **Seeds.** A hash found in two documents is an exact seed: ``k``
   identical characters at known positions in both. Hashes that many
   documents share are stock text (:mod:`reuse.derive.templates`); the others seed
   pairwise alignment (:func:`pair_seeds`), extended and aligned by
   :mod:`reuse.detect.align` like verified LSH passages.

With the defaults (``k = 16``, ``w = 25``) every shared run of 40 or more
normalised characters is seeded. Positions are offsets into the normalised
text; hashes are unsigned 64-bit.
"""

from __future__ import annotations

import numpy as np

from reuse.detect.run_pairs import pairs_in_sorted_runs

__all__ = ["fingerprints", "kgram_hashes", "pair_seeds", "winnow"]

#: Windows whose minimum :func:`winnow` finds at once (bounds its memory).
WINNOW_CHUNK = 1 << 15

#: Base of the polynomial hash (odd, so multiplication permutes 64-bit values).
_BASE = np.uint64(0x100000001B3)


def kgram_hashes(text: str, k: int) -> np.ndarray:
    """64-bit hashes of the ``len(text) - k + 1`` k-grams of ``text`` (uint64).

    >>> h = kgram_hashes("各位代表各位代表", 4)
    >>> len(h), bool(h[0] == h[4]), bool(h[0] == h[1])
    (5, True, False)
    """
    n = len(text) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    codes = codes.astype(np.uint64)
    out = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            out *= _BASE
            out += codes[j : j + n]
        # A final mix (splitmix64's), so that the minimum of a window is not
        # biased towards k-grams of small code points.
        out ^= out >> np.uint64(30)
        out *= np.uint64(0xBF58476D1CE4E5B9)
        out ^= out >> np.uint64(27)
        out *= np.uint64(0x94D049BB133111EB)
        out ^= out >> np.uint64(31)
    return out


def winnow(hashes: np.ndarray, window: int) -> np.ndarray:
    """Positions selected by winnowing: the rightmost minimum of every window of
    ``window`` consecutive hashes, each position once, in order.

    A sequence shorter than one window selects its rightmost minimum.

    >>> winnow(np.array([5, 3, 4, 3, 9, 8], dtype=np.uint64), 3).tolist()
    [1, 3]
    >>> winnow(np.array([5, 3, 4, 7, 9, 8], dtype=np.uint64), 3).tolist()
    [1, 2, 3]
    """
    n = len(hashes)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n <= window:
        return np.array([n - 1 - int(np.argmin(hashes[::-1]))], dtype=np.int64)
    views = np.lib.stride_tricks.sliding_window_view(hashes, window)
    # argmin of the reversed window is the rightmost minimum. numpy copies the
    # reversed windows it reads (8 * window bytes per position), so they are
    # read WINNOW_CHUNK at a time: a 2 M-character text took 440 MB at once.
    m = n - window + 1
    picked = np.arange(m, dtype=np.int64) + (window - 1)
    for lo in range(0, m, WINNOW_CHUNK):
        hi = min(lo + WINNOW_CHUNK, m)
        picked[lo:hi] -= np.argmin(views[lo:hi, ::-1], axis=1)
    keep = np.ones(len(picked), dtype=bool)
    keep[1:] = picked[1:] != picked[:-1]
    return picked[keep].astype(np.int64)


def fingerprints(text: str, k: int, window: int) -> tuple[np.ndarray, np.ndarray]:
    """``(positions, hashes)`` of the winnowed k-grams of a normalised text.

    >>> pos, h = fingerprints("持续防范化解重点领域风险，着力稳就业、稳企业、稳市场、稳预期", 8, 5)
    >>> bool(len(pos) > 0 and np.all(np.diff(pos) > 0) and np.all(np.diff(pos) <= 5))
    True
    """
    hashes = kgram_hashes(text, k)
    positions = winnow(hashes, window)
    return positions, hashes[positions]


def pair_seeds(
    doc_ids: np.ndarray, positions: np.ndarray, hashes: np.ndarray, rare: np.ndarray
) -> np.ndarray:
    """Exact seeds between documents: rows ``(doc_a, pos_a, doc_b, pos_b)`` with
    ``doc_a < doc_b``, for every pair of occurrences of a hash that is in ``rare``
    (a boolean mask over the fingerprints: hashes shared by few documents),
    sorted by document pair, then positions.

    A hash shared by ``d`` documents gives ``d (d - 1) / 2`` document pairs
    (occurrences within one document are not paired); ``rare`` bounds ``d``,
    so the seeds grow linearly with the corpus.
    """
    idx = np.flatnonzero(rare)
    if len(idx) == 0:
        return np.zeros((0, 4), dtype=np.int64)
    order = idx[np.lexsort((positions[idx], doc_ids[idx], hashes[idx]))]
    # In hash order, then document: occurrences pair across documents only
    # (a text repeated 1,600 times in one file would otherwise make 1.3
    # million pairs per hash within that file, to be dropped).
    ii, jj = pairs_in_sorted_runs(hashes[order], None, doc_ids[order])
    if len(ii) == 0:
        return np.zeros((0, 4), dtype=np.int64)
    left, right = order[ii], order[jj]
    seeds = np.stack(
        (doc_ids[left], positions[left], doc_ids[right], positions[right]), axis=1
    ).astype(np.int64)
    return seeds[np.lexsort((seeds[:, 3], seeds[:, 1], seeds[:, 2], seeds[:, 0]))]
