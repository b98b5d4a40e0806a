"""Stage: plan and align the document pairs, from seeds to match rows.

:func:`find_matches` runs the plan of the whole corpus
(:mod:`reuse.engine.planning`) and aligns (:mod:`reuse.engine.alignment`) the
document pairs whose seeds changed since they were last aligned, or whose
documents did; each planned pair's seeds are hashed into a signature
(``pair_plans``) and compared with the stored one. Pass 2 (templates) comes
first, then pass 1 (pairwise) in blocks, each block planned and aligned
before the next is made. The result (:class:`MatchSet`) holds the new rows,
the scope of pairs whose stored rows they replace (aligned again, or no
longer planned) and the whole plan.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from reuse.config import Config
from reuse.engine.alignment import Aligner
from reuse.engine.core import Timers
from reuse.engine.planning import Corpus, PlannedPass, PlanStats, plan_passes
from reuse.engine.result import Progress
from reuse.engine.texts import HeldTexts
from reuse.engine.workers import resolve_workers
from reuse.store.database import Store
from reuse.text.normalise import NormalisedText

log = logging.getLogger("reuse")

__all__ = ["MatchSet", "find_matches"]


@dataclass
class MatchSet:
    """What :func:`find_matches` found.

    Attributes:
        rows: the new rows of the aligned pairs (:data:`reuse.store.matches.MATCH_SCHEMA`).
        scope: ``(doc_a, doc_b, pass)`` of every pair aligned (their stored
            rows are replaced by ``rows``) or no longer planned (removed).
        plans: ``(doc_a, doc_b, pass, signature)`` of every planned pair.
        n_candidates: candidate passage pairs of both passes.
        n_aligned_pairs: document pairs aligned.
        norms: the normalised texts the alignment held last, by document (the
            typed edits read them again).
    """

    rows: pa.Table
    scope: pa.Table
    plans: pa.Table
    n_candidates: int = 0
    n_aligned_pairs: int = 0
    norms: dict[int, NormalisedText] = field(default_factory=dict)


def find_matches(
    store: Store,
    config: Config,
    dirty_docs: set[int],
    timers: Timers,
    progress: Progress | None = None,
    align: bool = True,
) -> MatchSet:
    """Plan the whole corpus and align the pairs whose seeds or documents changed
    (``align`` False: only the plan, for matches aligned elsewhere)."""
    b, _ = config.lsh_bands
    workers = resolve_workers(config.scan.workers)
    with timers("candidates"):
        corpus = Corpus.load(store, b)
        stored = {p: store.pair_plans(p) for p in (1, 2)}
    texts = HeldTexts(
        store,
        workers,
        config.scan.task_timeout_seconds,
        store.normalised_lengths(),
        config.scan.text_budget_chars,
    )
    aligner = Aligner(texts, dict(zip(corpus.ids, corpus.paths)), config, timers, progress)
    dirty = np.fromiter(sorted(dirty_docs), dtype=np.int64, count=len(dirty_docs))
    out = _Collector(align)
    stats = PlanStats()
    units = plan_passes(corpus, config, workers, stats)
    while True:
        with timers("candidates"):
            unit = next(units, None)
        if unit is None:
            break
        _run_pass(unit, stored[unit.pass_no], dirty, out, aligner)
    result = out.result(stored, aligner.rows.table())
    result.n_candidates = stats.candidates
    result.norms = texts.norms
    log.info(
        "candidates: %d passages, %d fingerprints, template threshold %d documents; "
        "%d candidate passage pairs (%d blocks)",
        len(corpus.doc_ids),
        len(corpus.fp_hashes),
        stats.threshold,
        result.n_candidates,
        stats.blocks,
    )
    log.info(
        "align: %d document pairs planned, %d aligned, %d segments",
        result.plans.num_rows,
        result.n_aligned_pairs,
        result.rows.num_rows,
    )
    return result


class _Collector:
    """Rows, plans and scope gathered over the passes and blocks."""

    def __init__(self, align: bool = True) -> None:
        self.align = align
        self.plans: list[tuple[np.ndarray, int, np.ndarray]] = []
        self.aligned: list[tuple[np.ndarray, int]] = []
        self.n_candidates = 0
        self.n_aligned_pairs = 0

    def result(self, stored: dict[int, tuple[np.ndarray, np.ndarray]], rows: pa.Table) -> MatchSet:
        """The rows aligned, the scope they replace (with the pairs no longer
        planned) and the plan."""
        plan_rows: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        scope_rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        planned_keys: dict[int, list[np.ndarray]] = {1: [], 2: []}
        for pairs, pass_no, signatures in self.plans:
            n = len(pairs)
            plan_rows.append((pairs[:, 0], pairs[:, 1], np.full(n, pass_no), signatures))
            planned_keys[pass_no].append(_pair_keys(pairs))
        for pairs, pass_no in self.aligned:
            scope_rows.append((pairs[:, 0], pairs[:, 1], np.full(len(pairs), pass_no)))
        # Pairs planned before and not now: their rows are removed.
        for pass_no, (old_pairs, _) in stored.items():
            now = (
                np.concatenate(planned_keys[pass_no])
                if planned_keys[pass_no]
                else np.zeros(0, dtype=np.int64)
            )
            gone = old_pairs[~np.isin(_pair_keys(old_pairs), now)]
            scope_rows.append((gone[:, 0], gone[:, 1], np.full(len(gone), pass_no)))
        return MatchSet(
            rows,
            _table(scope_rows, ("doc_a", "doc_b", "pass"), signature=False),
            _table(plan_rows, ("doc_a", "doc_b", "pass", "signature"), signature=True),
            self.n_candidates,
            self.n_aligned_pairs,
        )


def _table(
    parts: Sequence[tuple[np.ndarray, ...]], names: tuple[str, ...], signature: bool
) -> pa.Table:
    types = [pa.int32(), pa.int32(), pa.int8()] + ([pa.uint64()] if signature else [])
    columns = [
        pa.array(np.concatenate([p[i] for p in parts]) if parts else [], t)
        for i, t in enumerate(types)
    ]
    return pa.table(dict(zip(names, columns)))


def _pair_keys(pairs: np.ndarray) -> np.ndarray:
    return (pairs[:, 0].astype(np.int64) << 32) | pairs[:, 1].astype(np.int64)


def _run_pass(
    unit: PlannedPass,
    stored: tuple[np.ndarray, np.ndarray],
    dirty: np.ndarray,
    out: _Collector,
    aligner: Aligner,
) -> None:
    """Record the plan of one unit and align the pairs it changed."""
    seeds = unit.seeds
    if len(seeds) == 0:
        return
    out.plans.append((seeds.pairs, unit.pass_no, seeds.signatures))
    old_pairs, old_signatures = stored
    keys = _pair_keys(seeds.pairs)
    old_keys = _pair_keys(old_pairs)
    at = np.clip(np.searchsorted(old_keys, keys), 0, max(len(old_keys) - 1, 0))
    same = (
        (old_keys[at] == keys) & (old_signatures[at] == seeds.signatures)
        if len(old_keys)
        else np.zeros(len(keys), dtype=bool)
    )
    touched = np.isin(seeds.pairs[:, 0], dirty) | np.isin(seeds.pairs[:, 1], dirty)
    todo = np.flatnonzero(~same | touched)
    if len(todo) == 0 or not out.align:
        return
    out.aligned.append((seeds.pairs[todo], unit.pass_no))
    out.n_aligned_pairs += len(todo)
    aligner.align(seeds, todo, unit.reps)
