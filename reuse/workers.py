"""Both cores (or all of them): an ordered map over worker processes.

The per-document stages (read, decode, normalise, segment, shingle, sketch)
and the per-document-pair stages (verify, align) are independent tasks. They
run in a pool of forked processes that inherit the scan's read-only state
(configuration, known hashes, normalised texts) at fork time, so nothing big
is pickled on the way in; only each task's small argument and its result
cross a pipe. Results come back **in task order** (``Pool.imap``), so a scan
with N workers stores exactly what a scan with one stores.

A pool is only started when there is enough work to pay for it (forking
costs ~10-50 ms); small scans and tests run in process. ``fork`` is the start
method: it is what makes inheriting the state free, and it exists on Linux
and macOS; elsewhere (Windows) the map runs in process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

__all__ = ["available_cpus", "ordered_map", "resolve_workers"]

T = TypeVar("T")
R = TypeVar("R")

# State a task function reads, set by the parent right before it forks the pool
# (and used directly when the map runs in process).
STATE: dict[str, Any] = {}


def available_cpus() -> int:
    """CPUs this process may run on (the affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def resolve_workers(workers: int) -> int:
    """``workers`` processes, or every available CPU for 0."""
    return available_cpus() if workers == 0 else workers


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def ordered_map(
    func: Callable[[T], R],
    items: Iterable[T],
    workers: int,
    state: dict[str, Any],
    min_items: int = 64,
    chunksize: int = 4,
) -> Iterator[R]:
    """``func`` over ``items``, results in the order of ``items``.

    ``state`` is published in :data:`STATE` for ``func`` to read. With
    ``workers`` > 1, at least ``min_items`` items and fork available, the
    items are spread over a pool of ``workers`` forked processes in chunks of
    ``chunksize``; otherwise they run here, one after another.
    """
    items = list(items)
    STATE.clear()
    STATE.update(state)
    try:
        if workers <= 1 or len(items) < min_items or not _can_fork():
            for item in items:
                yield func(item)
            return
        ctx = multiprocessing.get_context("fork")
        # Objects that exist at fork time go to the collector's permanent
        # generation, so the workers' garbage collections do not write to
        # (and so copy) the pages they share with this process.
        gc.freeze()
        try:
            with ctx.Pool(min(workers, len(items))) as pool:
                yield from pool.imap(func, items, chunksize=chunksize)
        finally:
            gc.unfreeze()
    finally:
        STATE.clear()
