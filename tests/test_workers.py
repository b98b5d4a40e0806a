"""Worker processes: ordered results, no hang whatever a worker does, and a scan
on two workers stores what one stores."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path

import pytest
from test_nightly import dump, make_corpus

from reuse import Config, scan
from reuse.engine.workers import (
    MapOptions,
    WorkerPool,
    ordered_map,
    resolve_workers,
    task_state,
)
from reuse.errors import DocumentError, ReuseError, WorkerError


@dataclass
class _Offset:
    offset: int


@dataclass
class _Mode:
    mode: str


def _square_plus_offset(x: int) -> tuple[int, int]:
    time.sleep(0.002)  # long enough that both workers take tasks
    return x * x + task_state(_Offset).offset, os.getpid()


def _no_state_published() -> bool:
    try:
        task_state(object)
    except TypeError:
        return True
    return False


def test_ordered_map_keeps_order_and_uses_processes() -> None:
    options = MapOptions(2, chunksize=3)
    out = list(ordered_map(_square_plus_offset, range(200), options, _Offset(1)))
    assert [v for v, _ in out] == [x * x + 1 for x in range(200)]
    assert len({pid for _, pid in out}) == 2 and os.getpid() not in {pid for _, pid in out}
    assert _no_state_published(), "the state is cleared after the map"


def test_small_maps_run_in_process() -> None:
    out = list(ordered_map(_square_plus_offset, range(5), MapOptions(2), _Offset(0)))
    assert {pid for _, pid in out} == {os.getpid()}


def test_a_task_reads_only_the_state_of_its_kind() -> None:
    with pytest.raises(TypeError, match="reads a _Offset; the running map published _Mode"):
        list(ordered_map(_square_plus_offset, range(5), MapOptions(1), _Mode("exit")))
    assert _no_state_published()


class _Unreadable:
    """A result that pickles in the worker and cannot be unpickled here."""

    def __reduce__(self):
        return (_refuse, ())


def _refuse() -> None:
    raise TypeError("this result cannot be read")


class _Odd(Exception):
    pass


def _misbehave(x: int) -> object:
    """Task 37 does what the map's mode says; the others return x * x."""
    if x == 37:
        mode = task_state(_Mode).mode
        if mode == "sigkill":
            os.kill(os.getpid(), signal.SIGKILL)
        if mode == "exit":
            os._exit(3)
        if mode == "hang":
            time.sleep(300)
        if mode == "unreadable":
            return _Unreadable()
        if mode == "raise":
            raise _Odd("a bug in a task")
        if mode == "reuse_error":
            raise ReuseError("a library error")
        if mode == "document_error":
            return DocumentError("/r/bad.docx", "extract", "corrupt")
    return x * x


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("sigkill", "killed by SIGKILL"),
        ("exit", "exit code 3"),
        ("hang", "did not finish its task within 2 s"),
        ("unreadable", "a worker process ended abruptly"),
        ("raise", "a worker task failed: _Odd: a bug in a task"),
    ],
)
@pytest.mark.slow
def test_a_misbehaving_worker_ends_the_map_quickly_with_a_clear_error(
    mode: str, message: str
) -> None:
    t0 = time.monotonic()
    with pytest.raises(WorkerError, match=message):
        options = MapOptions(2, chunksize=3, timeout=2)
        list(ordered_map(_misbehave, range(200), options, _Mode(mode)))
    assert time.monotonic() - t0 < 15, "no wait beyond the task timeout"
    assert _no_state_published()


def test_library_errors_and_returned_errors_cross_unchanged() -> None:
    with pytest.raises(ReuseError, match="a library error") as caught:
        list(ordered_map(_misbehave, range(100), MapOptions(2, chunksize=3), _Mode("reuse_error")))
    assert type(caught.value) is ReuseError
    options = MapOptions(2, chunksize=3)
    out = list(ordered_map(_misbehave, range(100), options, _Mode("document_error")))
    assert out[36] == 36 * 36 and out[38] == 38 * 38
    assert isinstance(out[37], DocumentError) and out[37].stage == "extract"


def test_an_abandoned_map_leaves_no_worker_behind() -> None:
    import multiprocessing

    options = MapOptions(2, chunksize=1)
    results = ordered_map(_square_plus_offset, range(400), options, _Offset(0))
    next(results)
    results.close()
    time.sleep(0.2)
    assert not multiprocessing.active_children()


def test_leaving_a_pool_ends_its_processes_whatever_happened() -> None:
    """The pool is a context manager: an error inside its block terminates the
    workers; a clean exit lets them finish and exit."""
    with pytest.raises(KeyError), WorkerPool(2) as pool:
        pool.start(_pid, [[0], [1]])
        processes = list(pool.processes)
        assert processes and all(p.is_alive() for p in processes)
        raise KeyError("a consumer's error")
    assert _ended(processes)
    with WorkerPool(2) as pool:
        (future,) = pool.start(_pid, [[0]])
        assert pool.result(future, 10)[0] != os.getpid()
        processes = list(pool.processes)
    assert _ended(processes)


def _ended(processes: list) -> bool:
    """Every process has exited (its sentinel is ready; ``is_alive()`` would race
    with the executor's thread that reaps them)."""
    sentinels = [p.sentinel for p in processes]
    return set(wait(sentinels, timeout=0)) == set(sentinels)


def _pid(_: int) -> int:
    return os.getpid()


def test_resolve_workers() -> None:
    assert resolve_workers(3) == 3
    assert resolve_workers(0) >= 1


@pytest.mark.slow
def test_two_workers_store_what_one_stores(tmp_path: Path) -> None:
    """One worker, two workers, and two workers holding all texts at once
    (``scan.text_budget_chars`` of 40,000 splits alignment and typed edits
    into several windows of documents) store the same database; so do
    candidate pairs made and aligned in blocks (``scan.candidate_budget_pairs``
    of 5,000 cuts this corpus into about ten)."""
    corpus = tmp_path / "c"
    make_corpus(corpus, 90)
    dumps = []
    for workers, budget, pairs in (
        (1, 40_000, 0),
        (2, 40_000, 0),
        (2, 50_000_000, 20_000_000),
        (2, 50_000_000, 5_000),
    ):
        db = tmp_path / f"w{workers}-{budget}-{pairs}.duckdb"
        config = Config.load(
            overrides={
                "scan.workers": workers,
                "scan.text_budget_chars": budget,
                "scan.candidate_budget_pairs": pairs,
            }
        )
        result = scan([corpus], db, config)
        assert result.n_reuse > 10
        dumps.append(dump(db))
    assert len(dumps[0]["edits"]) > 10
    assert dumps[0] == dumps[1] == dumps[2] == dumps[3]


def test_budget_runs_fit_the_budget() -> None:
    from reuse.engine.texts import budget_runs

    lengths = {1: 10, 2: 10, 3: 10, 4: 25}
    pairs = [(1, 2), (1, 3), (2, 3), (3, 4), (1, 4)]
    runs = list(budget_runs(pairs, lengths, 30))
    assert runs == [[0, 1, 2], [3], [4]]  # (3, 4) and (1, 4) are 35 characters each
    assert list(budget_runs(pairs, lengths, 1000)) == [[0, 1, 2, 3, 4]]
