"""Stage: align the planned document pairs, in text windows, over worker processes.

:class:`Aligner` takes the pairs of one unit of the plan
(:mod:`reuse.engine.planning`) that must be aligned again, cuts them into
windows whose documents' texts fit ``scan.text_budget_chars``
(:func:`reuse.engine.texts.budget_runs`; the texts are kept from window to
window) and each window into tasks of consecutive document pairs holding
about :data:`SEEDS_PER_TASK` seeds. The tasks run in worker processes
(:func:`reuse.engine.workers.ordered_map`); each verifies its candidate
passage pairs (exact Indel similarity, one rapidfuzz call for the whole
task; exact k-gram seeds need no verification) and aligns every pair
(:func:`reuse.engine.core.align_planned_pair`). Rows come back in order, so
the result does not depend on the workers, the blocks or the windows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reuse.config import Config
from reuse.detect.plan import SeedSet
from reuse.detect.verify import verify_texts
from reuse.engine.columns import ColumnBuffer
from reuse.engine.core import PairSide, Timers, align_planned_pair
from reuse.engine.result import Progress
from reuse.engine.texts import HeldTexts, budget_runs
from reuse.engine.workers import MapOptions, ordered_map, task_state
from reuse.store.matches import MATCH_SCHEMA
from reuse.text.normalise import NormalisedText
from reuse.text.shingle import UnitCounts

__all__ = ["Aligner", "AlignState"]

#: Seeds (candidate passage pairs and exact seeds) of one worker task, about.
SEEDS_PER_TASK = 256


@dataclass
class AlignState:
    """What an alignment task reads (:func:`reuse.engine.workers.task_state`): the
    unit's seeds and representatives, the texts held and the documents' paths;
    ``sides`` fills as the tasks ask for documents (:meth:`side`)."""

    seeds: SeedSet
    reps: np.ndarray | None
    norms: dict[int, NormalisedText]
    keys: dict[int, str]
    units: dict[int, UnitCounts]
    paths: dict[int, str]
    config: Config

    sides: dict[int, PairSide] = field(default_factory=dict)

    def side(self, doc_id: int) -> PairSide:
        """The document as one side of a pair (made once per process and document)."""
        found = self.sides.get(doc_id)
        if found is None:
            norm, path, key = self.norms[doc_id], self.paths[doc_id], self.keys[doc_id]
            found = self.sides[doc_id] = PairSide(doc_id, norm, path, key, self.units[doc_id])
        return found


@dataclass
class Aligner:
    """The alignment of a scan's planned pairs: the texts held, the documents'
    paths, and the match rows (:data:`reuse.store.matches.MATCH_SCHEMA`) found."""

    texts: HeldTexts
    paths: dict[int, str]
    config: Config
    timers: Timers
    progress: Progress | None = None
    rows: ColumnBuffer = field(default_factory=lambda: ColumnBuffer(MATCH_SCHEMA))

    def align(self, seeds: SeedSet, todo: np.ndarray, reps: np.ndarray | None) -> None:
        """Align the document pairs ``todo`` (indices into ``seeds``) in text windows;
        ``reps``: each pair's representative (pass 2)."""
        pairs = seeds.pairs
        options = MapOptions(
            self.texts.workers, min_items=8, timeout=self.config.scan.task_timeout_seconds
        )
        done = 0
        for window in budget_runs(
            zip(pairs[todo, 0].tolist(), pairs[todo, 1].tolist()),
            self.texts.lengths,
            self.config.scan.text_budget_chars,
        ):
            chosen = todo[window]
            with self.timers("normalise"):
                self.texts.hold(set(pairs[chosen].ravel().tolist()))
            tasks = _tasks(seeds, chosen)
            texts = self.texts
            state = AlignState(
                seeds, reps, texts.norms, texts.keys, texts.units, self.paths, self.config
            )
            with self.timers("align"):
                for task, task_rows in zip(tasks, ordered_map(_align_task, tasks, options, state)):
                    self.rows.extend(task_rows)
                    done += len(task)
                    if self.progress:
                        self.progress("align", done, len(todo))


def _tasks(seeds: SeedSet, chosen: np.ndarray) -> list[list[int]]:
    """Runs of consecutive document pairs of ``chosen``, about
    :data:`SEEDS_PER_TASK` seeds each."""
    sizes = (
        seeds.cand_bounds[chosen + 1]
        - seeds.cand_bounds[chosen]
        + seeds.exact_bounds[chosen + 1]
        - seeds.exact_bounds[chosen]
    )
    task_of = (np.cumsum(sizes) - sizes) // SEEDS_PER_TASK
    cuts = np.flatnonzero(task_of[1:] != task_of[:-1]) + 1
    return [part.tolist() for part in np.split(chosen, cuts)]


def _align_task(group: list[int]) -> list[list]:
    """Worker task: verify and align some planned document pairs; the match
    rows as columns (one list per :data:`reuse.store.matches.MATCH_SCHEMA` field).

    All candidate passage pairs of the task are verified in one rapidfuzz call
    (the per-call overhead, not the comparison, dominated one call per pair).
    """
    state = task_state(AlignState)
    seeds, reps = state.seeds, state.reps
    cb, eb = seeds.cand_bounds, seeds.exact_bounds
    verified = _verified(state, group)
    rows: list[dict] = []
    offset = 0
    for g in group:
        doc_a, doc_b = seeds.pairs[g].tolist()
        n = int(cb[g + 1] - cb[g])
        rows.extend(
            align_planned_pair(
                state.side(doc_a),
                state.side(doc_b),
                seeds.candidates[cb[g] : cb[g + 1]][verified[offset : offset + n]],
                seeds.exact[eb[g] : eb[g + 1]],
                state.config,
                None if reps is None else int(reps[g]),
            )
        )
        offset += n
    return [[row[name] for row in rows] for name in MATCH_SCHEMA.names]


def _verified(state: AlignState, group: list[int]) -> np.ndarray:
    """Which candidate passage pairs of the document pairs ``group`` pass
    verification, in the order of the pairs and their candidates."""
    seeds, keys = state.seeds, state.keys
    cb = seeds.cand_bounds
    left: list[str] = []
    right: list[str] = []
    for g in group:
        doc_a, doc_b = seeds.pairs[g].tolist()
        ka, kb = keys[doc_a], keys[doc_b]
        for a0, a1, b0, b1 in seeds.candidates[cb[g] : cb[g + 1]].tolist():
            left.append(ka[a0:a1])
            right.append(kb[b0:b1])
    return verify_texts(left, right, state.config.align.verify_similarity)
