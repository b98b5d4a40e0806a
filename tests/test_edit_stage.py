"""The typed-edits stage (reuse.engine.edit_stage): the order its tasks go to the workers."""

from __future__ import annotations

import pytest

from reuse.engine.edit_stage import interleaved_runs


@pytest.mark.parametrize("n", [0, 1, 2, 7, 8, 31, 150])
@pytest.mark.parametrize("runs", [1, 2, 3, 8])
def test_interleaved_runs_is_every_task_once_one_from_each_run_in_turn(n: int, runs: int) -> None:
    order = interleaved_runs(n, runs)
    assert sorted(order) == list(range(n))
    used = max(1, min(runs, n))
    # Two workers taking turns get one contiguous run each.
    for worker in range(used):
        mine = order[worker::used]
        if len(mine) > 1 and n % used == 0:
            assert mine == list(range(mine[0], mine[0] + len(mine)))
    # The runs are of near-equal length and each starts in the first round.
    assert order[:used] == [n * r // used for r in range(used)] if n else order == []


def test_interleaved_runs_examples() -> None:
    assert interleaved_runs(7, 2) == [0, 3, 1, 4, 2, 5, 6]
    assert interleaved_runs(6, 3) == [0, 2, 4, 1, 3, 5]
    assert interleaved_runs(3, 8) == [0, 1, 2]
    assert interleaved_runs(4, 1) == [0, 1, 2, 3]
