"""LSH candidate recall against an exhaustive search of all passage pairs.

    python jobs/lsh_recall.py [--news 3000] [--set candidates.threshold=0.4 ...]

On real documents (``gov_reports`` plus the first ``--news`` items of
``xwlb_news`` in file order) this builds the passages and shingle sets with the
pipeline's own stages, then:

- exhaustive: the true Jaccard similarity ``|A & B| / |A | B|`` of EVERY pair
  of passages of different documents, by sparse matrix products in row
  blocks (scipy; a measurement, not the product), keeping pairs with
  Jaccard >= the configured threshold;
- LSH: the candidate pairs the candidates stage yields from the MinHash
  signatures (the same code the scan runs);

and prints the recall of the LSH candidates on the exhaustive pairs (overall
and per Jaccard band), the number of candidates, and the share of candidates
whose true Jaccard is below the threshold (the candidate false-positive rate,
work that verification then removes).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reuse import Config  # noqa: E402
from reuse.detect.bands import band_keys  # noqa: E402
from reuse.detect.candidates import candidate_pairs  # noqa: E402
from reuse.detect.sketch import passage_signatures  # noqa: E402
from reuse.ingest.read import read_document  # noqa: E402
from reuse.ingest.walk import iter_source_files  # noqa: E402
from reuse.text.normalise import normalise  # noqa: E402
from reuse.text.segment import segment  # noqa: E402
from reuse.text.shingle import shingle  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"


def _parse_set(items: list[str]) -> dict[str, object]:
    out: dict[str, object] = {}
    for item in items:
        key, _, value = item.partition("=")
        parsed: object = value
        for cast in (int, float):
            try:
                parsed = cast(value)
                break
            except ValueError:
                continue
        out[key] = parsed
    return out


def build(paths: list[str], config: Config):
    """Passages of all documents: doc ids, shingle sets (CSR parts), signatures."""
    doc_of: list[np.ndarray] = []
    indptr = [0]
    indices: list[np.ndarray] = []
    sigs: list[np.ndarray] = []
    for doc_id, path in enumerate(paths):
        text = read_document(path).text
        norm = normalise(text)
        seg = segment(norm.text, config.segment)
        sh = shingle(norm.text, config.shingle)
        sig, counts = passage_signatures(
            sh, seg.passage_starts, seg.passage_ends, config.sketch.num_perm, config.sketch.seed
        )
        keep = counts > 0
        lo = np.searchsorted(sh.starts, seg.passage_starts, side="left")
        hi = np.searchsorted(sh.ends, seg.passage_ends, side="right")
        for k in np.flatnonzero(keep):
            members = np.unique(sh.hashes[lo[k] : hi[k]])
            indices.append(members)
            indptr.append(indptr[-1] + len(members))
        doc_of.append(np.full(int(keep.sum()), doc_id, dtype=np.int64))
        sigs.append(sig[keep])
    return (
        np.concatenate(doc_of),
        np.array(indptr, dtype=np.int64),
        np.concatenate(indices),
        np.concatenate(sigs),
    )


def exhaustive_pairs(doc_ids, indptr, indices, threshold: float, block: int = 2000):
    """All cross-document passage pairs (i < j) with true Jaccard >= threshold."""
    from scipy import sparse

    n = len(indptr) - 1
    _, vocab = np.unique(indices, return_inverse=True)
    data = np.ones(len(indices), dtype=np.float32)
    x = sparse.csr_matrix((data, vocab, indptr), shape=(n, int(vocab.max()) + 1))
    sizes = np.diff(indptr).astype(np.float64)
    xt = x.T.tocsr()
    out_i, out_j, out_s = [], [], []
    for start in range(0, n, block):
        rows = x[start : start + block]
        inter = (rows @ xt).tocoo()
        i = inter.row.astype(np.int64) + start
        j = inter.col.astype(np.int64)
        keep = (i < j) & (doc_ids[i] != doc_ids[j])
        i, j, v = i[keep], j[keep], inter.data[keep].astype(np.float64)
        jac = v / (sizes[i] + sizes[j] - v)
        ok = jac >= threshold
        out_i.append(i[ok])
        out_j.append(j[ok])
        out_s.append(jac[ok])
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s), x, sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--news", type=int, default=3000, help="xwlb_news items added")
    parser.add_argument("--set", action="append", default=[], help="section.key=value")
    args = parser.parse_args()
    config = Config.load(None, _parse_set(args.set))
    t = config.candidates.threshold
    b, r = config.lsh_bands
    paths = [f.path for f in iter_source_files([args.corpora / "gov_reports"])]
    news = [f.path for f in iter_source_files([args.corpora / "xwlb_news"])][: args.news]
    paths += news
    t0 = time.perf_counter()
    doc_ids, indptr, indices, sigs = build(paths, config)
    print(
        f"{len(paths)} documents ({len(news)} news items), {len(doc_ids)} passages, "
        f"shingles {config.shingle.kind}-{config.shingle.n}, num_perm {config.sketch.num_perm}, "
        f"threshold {t}, bands x rows {b} x {r}  ({time.perf_counter() - t0:.1f} s)"
    )
    t0 = time.perf_counter()
    cand = candidate_pairs(band_keys(sigs, b, r), doc_ids, None, config.candidates.max_bucket)
    t_lsh = time.perf_counter() - t0
    t0 = time.perf_counter()
    ti, tj, ts, x, sizes = exhaustive_pairs(doc_ids, indptr, indices, t)
    t_ex = time.perf_counter() - t0
    n = len(doc_ids)
    true_keys = ti * n + tj
    cand_keys = cand[:, 0] * n + cand[:, 1]
    found = np.isin(true_keys, cand_keys)
    # True Jaccard of every candidate, for the false-positive rate.
    a = x[cand[:, 0]]
    bm = x[cand[:, 1]]
    inter = np.asarray(a.multiply(bm).sum(axis=1)).ravel()
    cand_jac = inter / (sizes[cand[:, 0]] + sizes[cand[:, 1]] - inter)
    print(f"exhaustive pairs with Jaccard >= {t}: {len(ti)}  ({t_ex:.1f} s)")
    print(f"LSH candidate pairs: {len(cand)}  ({t_lsh:.2f} s)")
    recall = found.mean() if len(found) else float("nan")
    print(f"recall: {recall:.4f} ({found.sum()} of {len(ti)})")
    print(
        f"candidates below the threshold (false positives): {(cand_jac < t).mean():.3f} "
        f"({int((cand_jac < t).sum())} of {len(cand)})"
    )
    print("recall by true Jaccard:")
    edges = [t, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01]
    edges = sorted(set(e for e in edges if e >= t))
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (ts >= lo) & (ts < hi)
        if sel.any():
            expected = 1 - (1 - ((lo + hi) / 2) ** r) ** b
            print(
                f"  [{lo:.2f}, {min(hi, 1.0):.2f}{']' if hi > 1 else ')'}: {sel.sum():7d} pairs, "
                f"recall {found[sel].mean():.4f} (S-curve at midpoint {expected:.4f})"
            )


if __name__ == "__main__":
    main()
