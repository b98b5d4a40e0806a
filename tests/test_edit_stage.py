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


def test_edits_read_the_texts_the_alignment_held(seed_dir, tmp_path, monkeypatch) -> None:
    """A scan types its edits from the normalised texts the alignment held (none
    normalised again), and they are the edits typed from texts normalised anew."""
    import duckdb

    from reuse import Config, scan
    from reuse.engine import edit_stage

    normalised: list[int] = []
    real = edit_stage.normalise_documents

    def counting(texts, ids, workers, timeout):
        normalised.extend(ids)
        return real(texts, ids, workers, timeout)

    monkeypatch.setattr(edit_stage, "normalise_documents", counting)
    config = Config.load(overrides={"scan.workers": 1})
    db = tmp_path / "held.duckdb"
    scan([seed_dir], db, config)
    assert normalised == []

    def edits(path):
        with duckdb.connect(str(path), read_only=True) as con:
            return con.execute("SELECT * EXCLUDE (match_id) FROM edits ORDER BY ALL").fetchall()

    typed = edits(db)
    assert typed  # the seeds' pair 000/004 has edits
    fresh = tmp_path / "fresh.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM edits")
        con.execute("UPDATE matches SET n_edits = NULL WHERE n_edits IS NOT NULL")
    from reuse.store.database import Store

    with Store(db) as store:
        edit_stage.derive_edits(store, config)
    assert normalised  # nothing held: normalised here
    assert edits(db) == typed
    assert not fresh.exists()
