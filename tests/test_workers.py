"""Worker processes: ordered results, and a scan on two workers stores what one stores."""

from __future__ import annotations

import os
import time
from pathlib import Path

from test_nightly import dump, make_corpus

from reuse import Config, scan
from reuse.workers import STATE, ordered_map, resolve_workers


def _square_plus_offset(x: int) -> tuple[int, int]:
    time.sleep(0.002)  # long enough that both workers take tasks
    return x * x + STATE["offset"], os.getpid()


def test_ordered_map_keeps_order_and_uses_processes() -> None:
    out = list(ordered_map(_square_plus_offset, range(200), 2, {"offset": 1}, chunksize=3))
    assert [v for v, _ in out] == [x * x + 1 for x in range(200)]
    assert len({pid for _, pid in out}) == 2 and os.getpid() not in {pid for _, pid in out}
    assert STATE == {}, "the state is cleared after the map"


def test_small_maps_run_in_process() -> None:
    out = list(ordered_map(_square_plus_offset, range(5), 2, {"offset": 0}))
    assert {pid for _, pid in out} == {os.getpid()}


def test_resolve_workers() -> None:
    assert resolve_workers(3) == 3
    assert resolve_workers(0) >= 1


def test_two_workers_store_what_one_stores(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    make_corpus(corpus, 90)
    dumps = []
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.duckdb"
        config = Config.load(overrides={"scan.workers": workers, "scan.text_budget_chars": 40_000})
        result = scan([corpus], db, config)
        assert result.n_reuse > 10
        dumps.append(dump(db))
    assert dumps[0] == dumps[1]
