"""Stage: the plan of the whole corpus, from passages and fingerprints to seeds.

:func:`plan_passes` runs :mod:`reuse.detect.plan` over every live document and
yields the plan in units, each a :class:`PlannedPass` of seeds by document pair:

* **pass 2** (templates) first, in one unit: each member of stock text with
  its representative (a bucket or a fingerprint found in at least ``T``
  documents, :meth:`reuse.config.TemplatesConfig.threshold`, is stock text);
* **pass 1** (pairwise) in blocks: the candidate passage pairs come from
  :func:`reuse.detect.candidates.candidate_block_ranges` in blocks of whole
  documents (lower side) of at most about ``scan.candidate_budget_pairs``
  pairs, with the exact seeds (k-grams) of the same documents.

The embedded scan (:mod:`reuse.engine.matching`) and the Spark engine
(:mod:`reuse.engine.spark`) run the same plan.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from reuse.config import Config
from reuse.detect.candidates import BandedPassages, candidate_block_ranges
from reuse.detect.plan import SeedSet, document_ranks, exact_seeds, seed_set, stock_buckets
from reuse.store.database import Store

__all__ = ["Corpus", "PlanStats", "PlannedPass", "plan_passes"]


@dataclass
class Corpus:
    """What the plan reads of the corpus (live documents only).

    Attributes:
        doc_ids, spans, band_keys: the passages (:meth:`reuse.store.database.Store.load_passages`).
        fp_docs, fp_positions, fp_hashes: the fingerprints, by document and position.
        ids, dates, paths: the documents, by id.
    """

    doc_ids: np.ndarray
    spans: np.ndarray
    band_keys: np.ndarray
    fp_docs: np.ndarray
    fp_positions: np.ndarray
    fp_hashes: np.ndarray
    ids: list[int]
    dates: list[object]
    paths: list[str]

    @classmethod
    def load(cls, store: Store, bands: int) -> Corpus:
        return cls(*store.load_passages(bands), *store.load_fingerprints(), *store.document_order())


@dataclass
class PlannedPass:
    """One unit of the plan: a pass number, its seeds by document pair, and
    (pass 2) each pair's representative document."""

    pass_no: int
    seeds: SeedSet
    reps: np.ndarray | None


@dataclass
class PlanStats:
    """What :func:`plan_passes` counted.

    Attributes:
        threshold: the template threshold ``T`` (documents).
        candidates: candidate passage pairs of both passes.
        blocks: the blocks of pass 1.
    """

    threshold: int = 0
    candidates: int = 0
    blocks: int = 0


def plan_passes(
    corpus: Corpus, config: Config, workers: int, stats: PlanStats | None = None
) -> Iterator[PlannedPass]:
    """The plan of the whole corpus (:mod:`reuse.detect.plan`): pass 2 in one unit, then
    pass 1 in blocks of whole documents (lower side) of at most about
    ``scan.candidate_budget_pairs`` candidate pairs. ``stats`` gets the
    template threshold, the candidate pairs and the blocks."""
    stats = stats if stats is not None else PlanStats()
    ranks = document_ranks(corpus.ids, corpus.dates, corpus.paths)
    path_ranks = document_ranks(corpus.ids, [None] * len(corpus.ids), corpus.paths)
    t = config.templates.threshold(len(corpus.ids))
    stats.threshold, stats.candidates, stats.blocks = t, 0, 0
    k = config.seeds.kgram
    doc_ids, spans = corpus.doc_ids, corpus.spans
    pairable, star = stock_buckets(corpus.band_keys, doc_ids, ranks, t)
    pairwise_exact, star_exact = exact_seeds(
        corpus.fp_docs, corpus.fp_positions, corpus.fp_hashes, ranks, t
    )
    # Stars are (leader, member); seed sets want doc_a < doc_b.
    swap = doc_ids[star[:, 0]] > doc_ids[star[:, 1]]
    star = np.where(swap[:, None], star[:, ::-1], star)
    star_docs = np.stack((doc_ids[star[:, 0]], doc_ids[star[:, 1]]), axis=1)
    star_spans = np.concatenate((spans[star[:, 0]], spans[star[:, 1]]), axis=1)
    seeds2 = _oriented(star_docs, star_spans, star_exact, k, path_ranks)
    stats.candidates += len(star)
    a, b = seeds2.pairs[:, 0], seeds2.pairs[:, 1]
    yield PlannedPass(2, seeds2, np.where(ranks[a] <= ranks[b], a, b) if len(a) else a)
    del seeds2, star_docs, star_spans
    blocks = candidate_block_ranges(
        BandedPassages(corpus.band_keys, doc_ids, None, pairable),
        config.candidates.max_bucket,
        workers,
        config.scan.candidate_budget_pairs,
    )
    for doc_lo, doc_hi, pairs in blocks:
        stats.blocks += 1
        stats.candidates += len(pairs)
        cand_docs = np.stack((doc_ids[pairs[:, 0]], doc_ids[pairs[:, 1]]), axis=1)
        cand_spans = np.concatenate((spans[pairs[:, 0]], spans[pairs[:, 1]]), axis=1)
        del pairs
        lo = np.searchsorted(pairwise_exact[:, 0], doc_lo, side="left")
        hi = np.searchsorted(pairwise_exact[:, 0], doc_hi, side="left")
        yield PlannedPass(
            1, _oriented(cand_docs, cand_spans, pairwise_exact[lo:hi], k, path_ranks), None
        )


def _oriented(
    cand_docs: np.ndarray,
    cand_spans: np.ndarray,
    exact: np.ndarray,
    k: int,
    path_ranks: np.ndarray,
) -> SeedSet:
    """A :class:`SeedSet` of candidate spans and exact seeds ``(doc_a, pos_a, doc_b, pos_b)``."""
    exact_docs = exact[:, [0, 2]] if len(exact) else np.zeros((0, 2), dtype=np.int64)
    exact_spans = (
        np.stack((exact[:, 1], exact[:, 1] + k, exact[:, 3], exact[:, 3] + k), axis=1)
        if len(exact)
        else np.zeros((0, 4), dtype=np.int64)
    )
    return seed_set(cand_docs, cand_spans, exact_docs, exact_spans, path_ranks)
