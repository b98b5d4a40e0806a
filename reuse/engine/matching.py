"""Stage: plan and align the document pairs, from seeds to match rows.

:func:`find_matches` runs :mod:`reuse.detect.plan` over the whole corpus and aligns
(:func:`reuse.engine.core.align_document_pair`) the document pairs whose seeds
changed since they were last aligned, or whose documents did:

* **pass 2** (templates) first: each member of stock text with its
  representative, one :class:`~reuse.detect.plan.SeedSet`;
* **pass 1** (pairwise) in blocks: the candidate passage pairs come from
  :func:`reuse.detect.candidates.candidate_block_ranges` in blocks of whole
  documents (lower side) of at most about ``scan.candidate_budget_pairs``
  pairs, each planned and aligned before the next is made.

Candidate passage pairs are verified (exact Indel similarity) before they
seed an alignment; exact seeds (k-grams) need no verification. The normalised
texts are loaded in windows that fit ``scan.text_budget_chars`` and kept from
window to window; the alignments run in worker processes
(:func:`reuse.engine.workers.ordered_map`), in tasks of about 256 seeds. Rows come
back in order, so the result does not depend on the workers, the blocks or
the windows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from reuse.config import Config
from reuse.detect.align import Alphabet, verify_texts
from reuse.detect.candidates import candidate_block_ranges
from reuse.detect.plan import SeedSet, document_ranks, exact_seeds, seed_set, stock_buckets
from reuse.engine.core import Timers, align_planned_pair
from reuse.engine.workers import STATE, ordered_map, resolve_workers
from reuse.store.database import MATCH_SCHEMA, Store
from reuse.text.normalise import NormalisedText, normalise_many

log = logging.getLogger("reuse")

Progress = Callable[[str, int, int], None]

__all__ = [
    "Corpus",
    "MatchSet",
    "PlannedPass",
    "budget_runs",
    "find_matches",
    "normalise_task",
    "plan_passes",
]


@dataclass
class MatchSet:
    """What :func:`find_matches` found.

    Attributes:
        rows: the new rows of the aligned pairs (:data:`reuse.store.database.MATCH_SCHEMA`).
        scope: ``(doc_a, doc_b, pass)`` of every pair aligned (their stored
            rows are replaced by ``rows``) or no longer planned (removed).
        plans: ``(doc_a, doc_b, pass, signature)`` of every planned pair.
        n_candidates: candidate passage pairs of both passes.
    """

    rows: pa.Table
    scope: pa.Table
    plans: pa.Table
    n_candidates: int = 0
    n_aligned_pairs: int = 0


@dataclass
class _Texts:
    """Normalised texts kept from window to window, and their alphabet keys."""

    store: Store
    workers: int
    timeout: float
    lengths: dict[int, int]
    norms: dict[int, NormalisedText] = field(default_factory=dict)
    keys: dict[int, str] = field(default_factory=dict)
    alphabet: Alphabet | None = None

    def hold(self, needed: set[int]) -> None:
        """Keep exactly the texts of ``needed`` (loading and normalising the missing)."""
        for d in [d for d in self.norms if d not in needed]:
            del self.norms[d], self.keys[d]
        missing = sorted(needed - self.norms.keys())
        texts = self.store.document_texts(missing)
        batches = [
            [(d, texts[d]) for d in missing[i : i + 128]] for i in range(0, len(missing), 128)
        ]
        for batch in ordered_map(
            normalise_task, batches, self.workers, {}, min_items=4, timeout=self.timeout
        ):
            self.norms.update(batch)
        # The texts in the keys of one alphabet: rapidfuzz's kernels look up
        # the characters it moves below 256 in a table, not a hash map.
        if self.alphabet is None and self.norms:
            self.alphabet = Alphabet([self.norms[d].text for d in sorted(self.norms)])
        if self.alphabet is not None:
            self.keys.update((d, self.alphabet.keys(self.norms[d].text)) for d in missing)


def normalise_task(items: list[tuple[int, str]]) -> list[tuple[int, NormalisedText]]:
    """Worker task: normalise some documents' texts."""
    norms = normalise_many([text for _, text in items])
    return [(doc_id, norm) for (doc_id, _), norm in zip(items, norms)]


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


def plan_passes(
    corpus: Corpus, config: Config, workers: int, stats: dict[str, int] | None = None
) -> Iterator[PlannedPass]:
    """The plan of the whole corpus (:mod:`reuse.detect.plan`): pass 2 in one unit, then
    pass 1 in blocks of whole documents (lower side) of at most about
    ``scan.candidate_budget_pairs`` candidate pairs. ``stats`` gets the
    template threshold, the candidate pairs and the blocks."""
    stats = stats if stats is not None else {}
    ranks = document_ranks(corpus.ids, corpus.dates, corpus.paths)
    path_ranks = document_ranks(corpus.ids, [None] * len(corpus.ids), corpus.paths)
    t = config.templates.threshold(len(corpus.ids))
    stats.update(threshold=t, candidates=0, blocks=0)
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
    stats["candidates"] += len(star)
    a, b = seeds2.pairs[:, 0], seeds2.pairs[:, 1]
    yield PlannedPass(2, seeds2, np.where(ranks[a] <= ranks[b], a, b) if len(a) else a)
    del seeds2, star_docs, star_spans
    blocks = candidate_block_ranges(
        corpus.band_keys,
        doc_ids,
        None,
        config.candidates.max_bucket,
        workers,
        config.scan.candidate_budget_pairs,
        pairable,
    )
    for doc_lo, doc_hi, pairs in blocks:
        stats["blocks"] += 1
        stats["candidates"] += len(pairs)
        cand_docs = np.stack((doc_ids[pairs[:, 0]], doc_ids[pairs[:, 1]]), axis=1)
        cand_spans = np.concatenate((spans[pairs[:, 0]], spans[pairs[:, 1]]), axis=1)
        del pairs
        lo = np.searchsorted(pairwise_exact[:, 0], doc_lo, side="left")
        hi = np.searchsorted(pairwise_exact[:, 0], doc_hi, side="left")
        yield PlannedPass(
            1, _oriented(cand_docs, cand_spans, pairwise_exact[lo:hi], k, path_ranks), None
        )


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
    texts = _Texts(store, workers, config.scan.task_timeout_seconds, store.normalised_lengths())
    paths = dict(zip(corpus.ids, corpus.paths))
    dirty = np.fromiter(sorted(dirty_docs), dtype=np.int64, count=len(dirty_docs))
    out = _Collector(align)
    stats: dict[str, int] = {}
    units = plan_passes(corpus, config, workers, stats)
    while True:
        with timers("candidates"):
            unit = next(units, None)
        if unit is None:
            break
        _run_pass(unit, stored[unit.pass_no], dirty, texts, paths, config, timers, out, progress)
    result = out.result(stored)
    result.n_candidates = stats.get("candidates", 0)
    log.info(
        "candidates: %d passages, %d fingerprints, template threshold %d documents; "
        "%d candidate passage pairs (%d blocks)",
        len(corpus.doc_ids),
        len(corpus.fp_hashes),
        stats.get("threshold", 0),
        result.n_candidates,
        stats.get("blocks", 0),
    )
    log.info(
        "align: %d document pairs planned, %d aligned, %d segments",
        result.plans.num_rows,
        result.n_aligned_pairs,
        result.rows.num_rows,
    )
    return result


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


class _Collector:
    """Rows, plans and scope gathered over the passes and blocks."""

    def __init__(self, align: bool = True) -> None:
        self.align = align
        self.rows = _ColumnBuffer(MATCH_SCHEMA)
        self.plans: list[tuple[np.ndarray, int, np.ndarray]] = []
        self.aligned: list[tuple[np.ndarray, int]] = []
        self.n_candidates = 0
        self.n_aligned_pairs = 0

    def result(self, stored: dict[int, tuple[np.ndarray, np.ndarray]]) -> MatchSet:
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
            self.rows.table(),
            _table(scope_rows, ("doc_a", "doc_b", "pass"), signature=False),
            _table(plan_rows, ("doc_a", "doc_b", "pass", "signature"), signature=True),
            self.n_candidates,
            self.n_aligned_pairs,
        )


def _table(
    parts: list[tuple[np.ndarray, ...]], names: tuple[str, ...], signature: bool
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
    texts: _Texts,
    paths: dict[int, str],
    config: Config,
    timers: Timers,
    out: _Collector,
    progress: Progress | None,
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
    _align_pairs(seeds, todo, unit.reps, texts, paths, config, timers, out, progress)


def _align_pairs(
    seeds: SeedSet,
    todo: np.ndarray,
    reps: np.ndarray | None,
    texts: _Texts,
    paths: dict[int, str],
    config: Config,
    timers: Timers,
    out: _Collector,
    progress: Progress | None,
) -> None:
    """Align the document pairs ``todo`` (indices into ``seeds``) in text windows."""
    pairs = seeds.pairs
    done = 0
    for window in budget_runs(
        zip(pairs[todo, 0].tolist(), pairs[todo, 1].tolist()),
        texts.lengths,
        config.scan.text_budget_chars,
    ):
        chosen = todo[window]
        with timers("normalise"):
            texts.hold(set(pairs[chosen].ravel().tolist()))
        # Tasks: runs of consecutive document pairs, ~256 seeds each.
        sizes = (
            seeds.cand_bounds[chosen + 1]
            - seeds.cand_bounds[chosen]
            + seeds.exact_bounds[chosen + 1]
            - seeds.exact_bounds[chosen]
        )
        task_of = (np.cumsum(sizes) - sizes) // 256
        cuts = np.flatnonzero(task_of[1:] != task_of[:-1]) + 1
        tasks = [part.tolist() for part in np.split(chosen, cuts)]
        state = {
            "seeds": seeds,
            "reps": reps,
            "norms": texts.norms,
            "keys": texts.keys,
            "paths": paths,
            "config": config,
        }
        with timers("align"):
            results = ordered_map(
                _align_task,
                tasks,
                texts.workers,
                state,
                min_items=8,
                timeout=config.scan.task_timeout_seconds,
            )
            for task, task_rows in zip(tasks, results):
                out.rows.extend(task_rows)
                done += len(task)
                if progress:
                    progress("align", done, len(todo))


def _align_task(group: list[int]) -> list[list]:
    """Worker task: verify and align some planned document pairs; the match
    rows as columns (one list per :data:`reuse.store.database.MATCH_SCHEMA` field).

    All candidate passage pairs of the task are verified in one rapidfuzz call
    (the per-call overhead, not the comparison, dominated one call per pair).
    """
    st = STATE
    seeds: SeedSet = st["seeds"]
    reps, norms, keys, paths = st["reps"], st["norms"], st["keys"], st["paths"]
    config: Config = st["config"]
    cb, eb = seeds.cand_bounds, seeds.exact_bounds
    left: list[str] = []
    right: list[str] = []
    for g in group:
        doc_a, doc_b = seeds.pairs[g].tolist()
        ka, kb = keys[doc_a], keys[doc_b]
        for a0, a1, b0, b1 in seeds.candidates[cb[g] : cb[g + 1]].tolist():
            left.append(ka[a0:a1])
            right.append(kb[b0:b1])
    verified = verify_texts(left, right, config.align.verify_similarity)
    del left, right
    rows: list[dict] = []
    offset = 0
    for g in group:
        doc_a, doc_b = seeds.pairs[g].tolist()
        n = int(cb[g + 1] - cb[g])
        rows.extend(
            align_planned_pair(
                doc_a,
                doc_b,
                norms[doc_a],
                norms[doc_b],
                paths[doc_a],
                paths[doc_b],
                seeds.candidates[cb[g] : cb[g + 1]][verified[offset : offset + n]],
                seeds.exact[eb[g] : eb[g + 1]],
                config,
                (keys[doc_a], keys[doc_b]),
                None if reps is None else int(reps[g]),
            )
        )
        offset += n
    return [[row[name] for row in rows] for name in MATCH_SCHEMA.names]


def budget_runs(
    doc_pairs: Iterable[tuple[int, int]], lengths: dict[int, int], budget: int
) -> Iterator[list[int]]:
    """Runs of consecutive positions in ``doc_pairs`` whose documents' texts
    (``lengths`` characters each) fit ``budget`` together; a single pair over
    budget gets a run of its own."""
    window: list[int] = []
    members: set[int] = set()
    chars = 0
    for k, (doc_a, doc_b) in enumerate(doc_pairs):
        new = {doc_a, doc_b} - members
        extra = sum(lengths.get(d, 0) for d in new)
        if window and chars + extra > budget:
            yield window
            window, members, chars = [], set(), 0
            new = {doc_a, doc_b}
            extra = sum(lengths.get(d, 0) for d in new)
        window.append(k)
        members |= new
        chars += extra
    if window:
        yield window


class _ColumnBuffer:
    """Rows arriving as columns (a list per field of ``schema``), kept as Arrow
    record batches of about ``batch_rows`` rows (~70 bytes a match row)."""

    def __init__(self, schema: pa.Schema, batch_rows: int = 65_536) -> None:
        self.schema = schema
        self.batch_rows = batch_rows
        self.batches: list[pa.RecordBatch] = []
        self.pending: list[list] = [[] for _ in schema]

    def extend(self, columns: list[list]) -> None:
        for mine, theirs in zip(self.pending, columns):
            mine.extend(theirs)
        if len(self.pending[0]) >= self.batch_rows:
            self._flush()

    def _flush(self) -> None:
        if self.pending[0]:
            arrays = [pa.array(col, f.type) for col, f in zip(self.pending, self.schema)]
            self.batches.append(pa.record_batch(arrays, schema=self.schema))
            self.pending = [[] for _ in self.schema]

    def table(self) -> pa.Table:
        self._flush()
        return pa.Table.from_batches(self.batches, self.schema)
