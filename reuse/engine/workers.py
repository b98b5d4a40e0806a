"""Both cores (or all of them): an ordered map over worker processes that cannot hang.

The per-document stages (read, decode, normalise, segment, shingle, sketch)
and the per-document-pair stages (verify, align, typed edits) are
independent tasks. They run in a pool of forked processes that inherit the
scan's read-only state (configuration, known hashes, normalised texts) at
fork time, so nothing big is pickled on the way in; only each task's small
argument and its result cross a pipe. Results come back **in task order**,
so a scan with N workers stores exactly what a scan with one stores.

Nothing waits for ever. The pool is :class:`concurrent.futures.ProcessPoolExecutor`,
which notices a worker that dies (SIGKILL, the out-of-memory killer) and a
result that cannot be unpickled, and fails every pending task at once
(``BrokenProcessPool``) instead of waiting for a result that will never
come; every wait for a result is bounded by ``timeout`` seconds. Any of
these ends the map with a :class:`~reuse.errors.WorkerError` that says what
happened, and the remaining workers are terminated. A task that raises a
:class:`~reuse.errors.ReuseError` re-raises it here; any other exception
becomes a ``WorkerError`` chained to it. Tasks are submitted a few chunks
ahead of the consumer, so results do not pile up in memory.

A pool is only started when there is enough work to pay for it (forking
costs ~10-50 ms); small maps and tests run in process. ``fork`` is the start
method: it is what makes inheriting the state free, and it exists on Linux
and macOS; elsewhere (Windows) the map runs in process.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from reuse.errors import ReuseError, WorkerError

__all__ = ["DEFAULT_TIMEOUT_SECONDS", "available_cpus", "ordered_map", "resolve_workers"]

log = logging.getLogger("reuse")

T = TypeVar("T")
R = TypeVar("R")

#: Seconds a chunk of tasks may take before the map gives up on its worker.
#: Real chunks take well under a second; only a hung worker comes near it.
DEFAULT_TIMEOUT_SECONDS = 600.0

#: Chunks submitted per worker ahead of the one the consumer waits for.
CHUNKS_AHEAD = 4

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


def _run_chunk(func: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    """Worker side: one chunk of tasks, results in order."""
    return [func(item) for item in chunk]


def ordered_map(
    func: Callable[[T], R],
    items: Iterable[T],
    workers: int,
    state: dict[str, Any],
    min_items: int = 64,
    chunksize: int = 4,
    timeout: float | None = None,
) -> Iterator[R]:
    """``func`` over ``items``, results in the order of ``items``.

    ``state`` is published in :data:`STATE` for ``func`` to read. With
    ``workers`` > 1, at least ``min_items`` items and fork available, the
    items are spread over ``workers`` forked processes in chunks of
    ``chunksize``; otherwise they run here, one after another. ``timeout``
    (seconds, default :data:`DEFAULT_TIMEOUT_SECONDS`) bounds the wait for
    each chunk's results.

    Raises:
        WorkerError: a worker died, a result could not be read, a chunk took
            longer than ``timeout``, or ``func`` raised something other than
            a :class:`~reuse.errors.ReuseError` in a worker.
    """
    items = list(items)
    STATE.clear()
    STATE.update(state)
    try:
        if workers <= 1 or len(items) < min_items or not _can_fork():
            for item in items:
                yield func(item)
            return
        limit = DEFAULT_TIMEOUT_SECONDS if timeout is None else timeout
        yield from _pooled(func, items, workers, chunksize, limit)
    finally:
        STATE.clear()


def _pooled(
    func: Callable[[T], R], items: list[T], workers: int, chunksize: int, timeout: float
) -> Iterator[R]:
    chunks = [items[i : i + chunksize] for i in range(0, len(items), chunksize)]
    n_workers = min(workers, len(chunks))
    pool = ProcessPoolExecutor(n_workers, mp_context=multiprocessing.get_context("fork"))
    todo = iter(chunks)
    pending: deque[Future[list[R]]] = deque()

    def submit(n: int) -> None:
        for chunk in todo:
            try:
                pending.append(pool.submit(_run_chunk, func, chunk))
            except BrokenProcessPool as exc:
                raise _broken(processes) from exc
            n -= 1
            if n == 0:
                return

    processes: list[multiprocessing.process.BaseProcess] = []
    clean = False
    # Objects that exist at fork time go to the collector's permanent
    # generation, so the workers' garbage collections do not write to (and so
    # copy) the pages they share with this process. With the fork start
    # method the executor forks all its workers at the first submit.
    gc.freeze()
    try:
        submit(n_workers * CHUNKS_AHEAD)
        processes = list(getattr(pool, "_processes", {}).values())
        gc.unfreeze()
        log.info(
            "%s: %d tasks on %d worker processes (pids %s)",
            getattr(func, "__name__", "map"),
            len(items),
            len(processes),
            " ".join(str(p.pid) for p in processes),
        )
        while pending:
            results = _result(pending.popleft(), timeout, processes)
            submit(1)
            yield from results
        clean = True
    finally:
        gc.unfreeze()
        _shut_down(pool, processes, clean)


def _result(future: Future[list[R]], timeout: float, processes: list[Any]) -> list[R]:
    """A chunk's results, or a :class:`WorkerError` that says why there are none."""
    try:
        return future.result(timeout=timeout)
    except FutureTimeout:
        raise WorkerError(
            f"a worker did not finish its task within {timeout:.0f} s "
            "(scan.task_timeout_seconds); the scan stopped. Rerun it: it resumes where it stopped"
        ) from None
    except BrokenProcessPool as exc:
        raise _broken(processes) from exc
    except ReuseError:
        raise
    except Exception as exc:
        raise WorkerError(f"a worker task failed: {type(exc).__name__}: {exc}") from exc


def _broken(processes: list[Any]) -> WorkerError:
    return WorkerError(
        f"a worker process ended abruptly ({_deaths(processes)}); the scan stopped. "
        "Rerun it: it resumes where it stopped"
    )


def _deaths(processes: list[Any]) -> str:
    """How the pool's workers ended, for the message of a broken pool."""
    for p in processes:
        p.join(timeout=1.0)
    # The pool terminates the others (SIGTERM) when one dies: name the first death.
    codes = sorted(
        (p.exitcode for p in processes if p.exitcode not in (None, 0)),
        key=lambda code: code == -signal.SIGTERM,
    )
    if not codes:
        return "its result could not be read"
    code = codes[0]
    if code > 0:
        return f"exit code {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    hint = ": the out-of-memory killer, or kill -9" if name == "SIGKILL" else ""
    return f"killed by {name}{hint}"


def _shut_down(pool: ProcessPoolExecutor, processes: list[Any], clean: bool) -> None:
    """Stop the pool without waiting on a worker that may never answer: after a
    clean run the workers exit on their own (bounded wait); otherwise they are
    terminated, then killed."""
    pool.shutdown(wait=False, cancel_futures=True)
    if not clean:
        for p in processes:
            if p.is_alive():
                p.terminate()
    for p in processes:
        p.join(timeout=10.0)
        if p.is_alive():
            p.kill()
            p.join(timeout=5.0)
