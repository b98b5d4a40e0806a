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

The state a map's tasks read is one object of a class of the task's kind
(a dataclass: the configuration, the normalised texts, ...), published by
:func:`ordered_map` for the length of the map and read by a task with
:func:`task_state`, which checks its class. A pool (:class:`WorkerPool`)
is a context manager: leaving its ``with`` block, however, ends its
processes.

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
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import Any, TypeVar

from reuse.errors import ReuseError, WorkerError

__all__ = [
    "DEFAULT_TIMEOUT_SECONDS",
    "MapOptions",
    "WorkerPool",
    "available_cpus",
    "ordered_map",
    "resolve_workers",
    "task_state",
]

log = logging.getLogger("reuse")

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")

#: Seconds a chunk of tasks may take before the map gives up on its worker.
#: Real chunks take well under a second; only a hung worker comes near it.
DEFAULT_TIMEOUT_SECONDS = 600.0

#: Chunks submitted per worker ahead of the one the consumer waits for.
CHUNKS_AHEAD = 4


@dataclass(frozen=True)
class MapOptions:
    """How :func:`ordered_map` spreads its items.

    Attributes:
        workers: processes to spread them over (1 or less: this process).
        min_items: fewer items than this run in this process (a pool would cost more).
        chunksize: items a worker takes at a time.
        timeout: seconds the wait for one chunk's results may last
            (None: :data:`DEFAULT_TIMEOUT_SECONDS`).
    """

    workers: int
    min_items: int = 64
    chunksize: int = 4
    timeout: float | None = None


class _Published:
    """The state of the map that runs now: set by the parent right before it
    forks the pool (the workers inherit it) and used directly when the map
    runs in process; None between maps."""

    state: object = None


_PUBLISHED = _Published()


def task_state(kind: type[S]) -> S:
    """The state the running map published for its tasks, checked to be a ``kind``.

    Raises:
        TypeError: no map runs, or it published the state of another kind of task.
    """
    state = _PUBLISHED.state
    if state is None or not isinstance(state, kind):
        published = "nothing" if state is None else type(state).__name__
        raise TypeError(f"a task reads a {kind.__name__}; the running map published {published}")
    return state


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
    func: Callable[[T], R], items: Iterable[T], options: MapOptions, state: object = None
) -> Iterator[R]:
    """``func`` over ``items``, results in the order of ``items``.

    ``state`` is published for ``func`` to read (:func:`task_state`) while the
    map runs. With ``options.workers`` > 1, at least ``options.min_items``
    items and fork available, the items are spread over that many forked
    processes in chunks of ``options.chunksize``; otherwise they run here,
    one after another. ``options.timeout`` bounds the wait for each chunk's
    results.

    Raises:
        WorkerError: a worker died, a result could not be read, a chunk took
            longer than the timeout, or ``func`` raised something other than
            a :class:`~reuse.errors.ReuseError` in a worker.
    """
    items = list(items)
    _PUBLISHED.state = state
    try:
        if options.workers <= 1 or len(items) < options.min_items or not _can_fork():
            for item in items:
                yield func(item)
            return
        yield from _pooled(func, items, options)
    finally:
        _PUBLISHED.state = None


def _pooled(func: Callable[[T], R], items: list[T], options: MapOptions) -> Iterator[R]:
    """The map over a :class:`WorkerPool`: a few chunks a worker ahead of the consumer."""
    size = options.chunksize
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    timeout = DEFAULT_TIMEOUT_SECONDS if options.timeout is None else options.timeout
    n_workers = min(options.workers, len(chunks))
    todo = iter(chunks)
    with WorkerPool(n_workers) as pool:
        pending = deque(pool.start(func, islice(todo, n_workers * CHUNKS_AHEAD)))
        log.info(
            "%s: %d tasks on %d worker processes (pids %s)",
            getattr(func, "__name__", "map"),
            len(items),
            len(pool.processes),
            " ".join(str(p.pid) for p in pool.processes),
        )
        while pending:
            results = pool.result(pending.popleft(), timeout)
            pending.extend(pool.submit(func, chunk) for chunk in islice(todo, 1))
            yield from results


class WorkerPool:
    """``workers`` forked processes that run chunks of tasks; a context manager.

    Leaving the ``with`` block ends the processes, whatever happened: after a
    clean run they exit on their own (a bounded wait); after an error, or when
    the consumer abandons the map, they are terminated, then killed.
    """

    def __init__(self, workers: int) -> None:
        self.executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        self.processes: list[BaseProcess] = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        gc.unfreeze()
        _shut_down(self.executor, self.processes, clean=exc_type is None)

    def start(self, func: Callable[[T], R], chunks: Iterable[Sequence[T]]) -> list[Future[list[R]]]:
        """Submit the first chunks; the workers are forked now (with the fork
        start method the executor forks all of them at the first submit)."""
        # Objects that exist at fork time go to the collector's permanent
        # generation, so the workers' garbage collections do not write to (and so
        # copy) the pages they share with this process.
        gc.freeze()
        futures = [self.submit(func, chunk) for chunk in chunks]
        self.processes = list(getattr(self.executor, "_processes", {}).values())
        gc.unfreeze()
        return futures

    def submit(self, func: Callable[[T], R], chunk: Sequence[T]) -> Future[list[R]]:
        """One more chunk for the workers."""
        try:
            return self.executor.submit(_run_chunk, func, chunk)
        except BrokenProcessPool as exc:
            raise _broken(self.processes) from exc

    def result(self, future: Future[list[R]], timeout: float) -> list[R]:
        """A chunk's results, waiting at most ``timeout`` seconds."""
        return _result(future, timeout, self.processes)


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
    terminated, then killed.

    A worker has ended when its sentinel is ready. The executor's own thread
    reaps the workers (``waitpid``), so ``is_alive()`` from here races with it
    and may call a reaped worker alive; the sentinel does not, and a worker is
    signalled only while its sentinel says it runs (so its pid is still its own).
    """
    pool.shutdown(wait=False, cancel_futures=True)
    if not clean:
        for p in _running(processes, 0.0):
            p.terminate()
    left = _running(processes, 10.0)
    for p in left:
        p.kill()
    _running(left, 5.0)


def _running(processes: list[Any], timeout: float) -> list[Any]:
    """The processes still running after waiting at most ``timeout`` seconds for
    all of them to end."""
    deadline = time.monotonic() + timeout
    running = list(processes)
    while running:
        ended = set(wait([p.sentinel for p in running], max(0.0, deadline - time.monotonic())))
        running = [p for p in running if p.sentinel not in ended]
        if not ended:
            break
    return running
