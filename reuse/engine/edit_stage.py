"""Stage: the typed edits of every match that has none yet (:mod:`reuse.edits`).

Matches are taken in ``(doc_a, doc_b)`` order and cut into windows whose
documents' texts fit ``scan.text_budget_chars`` (one window, usually). Each
window's texts are read and normalised once; one worker pool computes its
edits in tasks of at most :data:`EDIT_TASK_MATCHES` matches, so jieba's
dictionary and the word caches of :mod:`reuse.edits` warm up once per worker,
not once per batch. The edits come back in order, as Arrow batches (columns
cross the pipe, not a tuple per edit), and are committed with the matches'
``n_edits`` every :data:`EDIT_BATCH_MATCHES` matches, so a killed scan
resumes after the last batch.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa

from reuse.config import Config
from reuse.edits import load_jieba
from reuse.engine.core import edit_rows
from reuse.engine.result import Progress
from reuse.engine.texts import budget_runs, normalise_documents
from reuse.engine.workers import MapOptions, ordered_map, resolve_workers, task_state
from reuse.store.database import Store
from reuse.store.derived import EDIT_SCHEMA, MatchToType
from reuse.text.normalise import NormalisedText

__all__ = [
    "COMPILED_ROUTER_MATCHES",
    "EDIT_BATCH_MATCHES",
    "EDIT_TASK_MATCHES",
    "derive_edits",
    "interleaved_runs",
]

log = logging.getLogger("reuse")

#: Matches whose edits are committed together (a killed scan resumes after the last batch).
EDIT_BATCH_MATCHES = 20_000
#: Matches per worker task of the edits stage (at most; see :func:`derive_edits`).
EDIT_TASK_MATCHES = 512
#: Matches to type from which the stage loads jieba's compiled router
#: (:func:`reuse.edits.load_jieba`): its load (~0.1 s) against ~6 new jieba
#: blocks a match, each routed ~50 us faster, on two workers.
COMPILED_ROUTER_MATCHES = 1_000


@dataclass
class EditState:
    """What an edits task reads (:func:`reuse.engine.workers.task_state`): the
    window's texts, original and normalised, by document."""

    norms: dict[int, NormalisedText]
    texts: dict[int, str]


def derive_edits(
    store: Store,
    config: Config,
    progress: Progress | None = None,
    norms: dict[int, NormalisedText] | None = None,
) -> int:
    """Compute and store the typed edits of every live aligned match that has none
    yet (see the module docstring). ``norms``: normalised texts at hand, by
    document (those the alignment held), not normalised again; the first
    window of matches takes what it needs and ``norms`` is emptied after it.
    Returns the number of matches processed."""
    todo = store.matches_without_edits()
    if not todo:
        return 0
    log.info("edits: %d matches to type", len(todo))
    workers = resolve_workers(config.scan.workers)
    # Loaded here once, inherited by the forked workers; the compiled router
    # pays for its load from about a thousand matches on.
    load_jieba(compiled=len(todo) >= COMPILED_ROUTER_MATCHES)
    lengths = store.normalised_lengths()
    timeout = config.scan.task_timeout_seconds
    done = 0
    held = norms if norms is not None else {}
    for window in _edit_windows(todo, lengths, config.scan.text_budget_chars):
        for committed in _type_window(store, window, workers, timeout, held):
            done += committed
            if progress:
                progress("edits", done, len(todo))
        held.clear()  # the first window took what it needs: the budget bounds the rest
    return done


def _edit_windows(
    todo: list[MatchToType], lengths: dict[int, int], budget: int
) -> Iterator[list[MatchToType]]:
    """Runs of ``todo`` rows whose documents' texts fit ``budget`` characters together
    (a single match over budget gets a window of its own)."""
    for run in budget_runs(((r.doc_a, r.doc_b) for r in todo), lengths, budget):
        yield todo[run[0] : run[-1] + 1]


def _type_window(
    store: Store,
    window: list[MatchToType],
    workers: int,
    timeout: float,
    held: dict[int, NormalisedText],
) -> Iterator[int]:
    """Compute and commit the edits of one window's matches (the normalised texts
    of ``held`` used as they are); yields the matches of each batch as it is
    committed."""
    needed = sorted({r.doc_a for r in window} | {r.doc_b for r in window})
    texts = store.document_texts(needed)
    missing = [d for d in needed if d not in held]
    norms = normalise_documents(texts, missing, workers, timeout)
    norms.update((d, held[d]) for d in needed if d in held)
    # Tasks of EDIT_TASK_MATCHES matches, or fewer when the window is small,
    # so that it still makes 4 tasks a worker (a map of fewer than 4 tasks
    # runs in this process: 1,088 matches were 3 tasks and one core).
    size = max(32, min(EDIT_TASK_MATCHES, -(-len(window) // (4 * max(1, workers)))))
    runs = [window[i : i + size] for i in range(0, len(window), size)]
    tasks = [runs[k] for k in interleaved_runs(len(runs), workers)]
    options = MapOptions(workers, min_items=4, chunksize=1, timeout=timeout)
    pending_ids: list[int] = []
    pending: list[pa.RecordBatch] = []
    for task, part in zip(tasks, ordered_map(_edits_task, tasks, options, EditState(norms, texts))):
        pending_ids.extend(r.match_id for r in task)
        pending.append(part)
        if len(pending_ids) >= EDIT_BATCH_MATCHES or task is tasks[-1]:
            store.write_edits(pending_ids, pa.Table.from_batches(pending, EDIT_SCHEMA))
            yield len(pending_ids)
            pending_ids, pending = [], []


def interleaved_runs(n: int, runs: int) -> list[int]:
    """``range(n)`` cut into ``runs`` contiguous runs of near-equal length, then
    taken one from each run in turn: ``interleaved_runs(7, 2) == [0, 3, 1, 4, 2, 5, 6]``.

    Workers take tasks in this order, one at a time, so each works mostly
    through a run of its own: the matches of a document pair and of a
    template's members lie together in the window (it is in ``(doc_a,
    doc_b)`` order), and a worker's word caches (:mod:`reuse.edits`) serve
    them again, where every other task would go to another worker (the
    typed edits of half of cn_laws_regs: 103 us of one core per edit for a
    contiguous half, 110 us for every other task). A worker that ends its
    run first goes on with what is left of the others.
    """
    if n <= 0:
        return []
    runs = max(1, min(runs, n))
    bounds = [n * r // runs for r in range(runs + 1)]
    longest = max(b - a for a, b in zip(bounds, bounds[1:]))
    order = []
    for i in range(longest):
        for r in range(runs):
            k = bounds[r] + i
            if k < bounds[r + 1]:
                order.append(k)
    return order


def _edits_task(rows: list[MatchToType]) -> pa.RecordBatch:
    """Worker task: the edit rows of some matches, as one Arrow batch."""
    state = task_state(EditState)
    norms, texts = state.norms, state.texts
    columns: list[list] = [[] for _ in EDIT_SCHEMA.names]
    for match_id, doc_a, a0, a1, doc_b, b0, b1 in rows:
        for row in edit_rows(
            texts[doc_a], norms[doc_a], (a0, a1), texts[doc_b], norms[doc_b], (b0, b1)
        ):
            columns[0].append(match_id)
            for col, value in zip(columns[1:], row):
                col.append(value)
    return pa.record_batch(
        [pa.array(col, field.type) for col, field in zip(columns, EDIT_SCHEMA)], schema=EDIT_SCHEMA
    )
