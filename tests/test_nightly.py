"""Nightly operation: incremental scans, the lock, crash safety under SIGKILL, hostile input."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import DATA, REPO, write
from filelock import FileLock
from typer.testing import CliRunner

from reuse import scan
from reuse.cli import app
from reuse.cli.exits import EXIT_LOCKED, EXIT_REJECTED
from reuse.errors import ScanLockedError

SENTENCES = [
    s
    for f in sorted(DATA.glob("*.txt"))
    for s in re.findall(r"[^。！？\n]+[。！？]", f.read_text(encoding="utf-8"))
    if len(s) > 15
]


def make_corpus(root: Path, n_docs: int, seed: int = 7) -> None:
    """Documents of random seed sentences; every fifth copies a run of the one before."""
    rng = random.Random(seed)
    previous: list[str] = []
    for i in range(n_docs):
        body = rng.sample(SENTENCES, rng.randint(20, 40))
        if i % 5 == 4 and previous:
            k = rng.randint(0, len(previous) - 8)
            body[5:5] = previous[k : k + 8]
        previous = body
        write(root / f"sub{i % 3}" / f"doc_{i:04d}.txt", "\n".join(body) + "\n")


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every table's content that a rerun must reproduce (scan bookkeeping excluded)."""
    con = duckdb.connect(str(db), read_only=True)
    out = {
        "documents": con.execute(
            "SELECT doc_id, path, sha256, n_chars, text, encoding, n_norm_chars, n_passages, "
            "status, deleted_at IS NULL FROM documents ORDER BY doc_id"
        ).fetchall(),
        "passages": con.execute("SELECT * FROM passages ORDER BY doc_id, passage_no").fetchall(),
        "lines": con.execute("SELECT * FROM lines ORDER BY ALL").fetchall(),
        "matches": con.execute(
            "SELECT * EXCLUDE (first_seen_scan, deleted_at) FROM matches ORDER BY match_id"
        ).fetchall(),
        "dates": con.execute(
            "SELECT doc_id, doc_date, date_source, date_evidence FROM documents ORDER BY doc_id"
        ).fetchall(),
        "quotations": con.execute("SELECT * FROM quotations ORDER BY ALL").fetchall(),
        "edits": con.execute("SELECT * FROM edits ORDER BY match_id, edit_no").fetchall(),
        "groups": con.execute("SELECT * FROM groups ORDER BY group_id").fetchall(),
        "group_members": con.execute("SELECT * FROM group_members ORDER BY ALL").fetchall(),
        "group_matches": con.execute("SELECT * FROM group_matches ORDER BY ALL").fetchall(),
        "templates": con.execute("SELECT * FROM templates ORDER BY template_id").fetchall(),
        "template_members": con.execute("SELECT * FROM template_members ORDER BY ALL").fetchall(),
        "plans": con.execute("SELECT * FROM pair_plans ORDER BY ALL").fetchall(),
    }
    con.close()
    return out


def _history(db: Path) -> list[tuple]:
    """The scan history without its timestamps."""
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "SELECT * EXCLUDE (started, finished, parameters, roots) FROM scans ORDER BY scan_id"
    ).fetchall()
    con.close()
    return rows


def test_incremental_scan_equals_fresh_scan(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 30)
    db = tmp_path / "inc.duckdb"
    first = scan([corpus], db)
    assert first.n_sketched == 30
    # A night's changes: two new files, one edited, one deleted.
    shutil.copy(corpus / "sub0" / "doc_0003.txt", corpus / "sub1" / "new_copy.txt")
    write(corpus / "sub2" / "new_other.txt", "\n".join(SENTENCES[:30]))
    edited = corpus / "sub1" / "doc_0004.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + SENTENCES[40], encoding="utf-8")
    (corpus / "sub2" / "doc_0005.txt").unlink()
    second = scan([corpus], db)
    assert (second.n_new, second.n_changed, second.n_deleted) == (2, 1, 1)
    assert second.n_sketched == 3, "only new and changed documents are sketched again"
    assert second.n_unchanged == 28
    fresh = tmp_path / "fresh.duckdb"
    scan([corpus], fresh)

    def live(path: Path) -> set[tuple]:
        con = duckdb.connect(str(path), read_only=True)
        rows = con.execute(
            "SELECT da.path, a_start, a_end, db.path, b_start, b_end, kind, edit_distance, "
            "round(similarity, 9) FROM live_matches m "
            "JOIN documents da ON da.doc_id = m.doc_a JOIN documents db ON db.doc_id = m.doc_b"
        ).fetchall()
        con.close()
        return {
            tuple(sorted([(r[0], r[1], r[2]), (r[3], r[4], r[5])])) + tuple(r[6:]) for r in rows
        }

    assert live(db) == live(fresh)
    assert len(live(db)) > 5
    con = duckdb.connect(str(db), read_only=True)
    deleted = con.execute("SELECT path FROM documents WHERE deleted_at IS NOT NULL").fetchall()
    history = con.execute("SELECT count(*) FROM matches WHERE deleted_at IS NOT NULL").fetchone()
    con.close()
    assert [Path(p).name for (p,) in deleted] == ["doc_0005.txt"]
    assert history[0] >= 0  # soft-deleted rows stay queryable


def test_second_scan_is_refused_while_one_runs(tmp_path: Path) -> None:
    db = tmp_path / "l.duckdb"
    with FileLock(f"{db}.lock"):
        with pytest.raises(ScanLockedError, match="another scan"):
            scan([DATA], db)
        result = CliRunner().invoke(app, ["scan", str(DATA), "--db", str(db), "-q"])
        assert result.exit_code == EXIT_LOCKED
        assert "another scan" in result.output
    assert scan([DATA], db).n_new == 5, "the lock is released with its holder"


def _scan_cmd(corpus: Path, db: Path, config: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "reuse",
        "scan",
        str(corpus),
        "--db",
        str(db),
        "-q",
        "--config",
        str(config),
    ]


#: Log lines of a scan (``-v``) at which the kill test stops it: while the
#: documents are committed in batches, before the candidates, before the match
#: set is stored, right after it is stored, and while typed edits are stored.
KILL_POINTS = ("ingest: ", "sketched ", "align: ", "store: ", "edits: ")


@pytest.mark.slow
def test_killed_scans_resume_to_the_same_database(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 80)
    config = write(tmp_path / "small-batches.toml", "[scan]\nbatch_documents = 3\n")
    reference = tmp_path / "reference.duckdb"
    subprocess.run(_scan_cmd(corpus, reference, config), check=True, capture_output=True)
    expected = dump(reference)
    assert len(expected["matches"]) > 20
    for point in KILL_POINTS:
        db = tmp_path / f"killed-{point.strip(': ')}.duckdb"
        proc = subprocess.Popen(
            [*_scan_cmd(corpus, db, config), "-v"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stderr is not None
        for line in proc.stderr:
            if f" {point}" in line:  # the scan reached this point: kill it here
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=120)
        assert proc.returncode == -signal.SIGKILL, f"killed at {point!r}"
        rerun = subprocess.run(_scan_cmd(corpus, db, config), capture_output=True, text=True)
        assert rerun.returncode == 0, rerun.stderr
        assert dump(db) == expected, f"killed at {point!r}"
        assert _history(db) == _history(reference), f"killed at {point!r}"


def test_hostile_input_is_rejected_and_the_rest_indexed(tmp_path: Path) -> None:
    corpus = tmp_path / "hostile"
    good = {
        "speech.txt": (DATA / "000_4682256de4861903.txt").read_text(encoding="utf-8"),
        "article.txt": (DATA / "004_481eeca183cd7a2c.txt").read_text(encoding="utf-8"),
        "zero_width.txt": "尊敬的\u200b各位\u200d领导\ufeff，同志们\x07：\n" + SENTENCES[3] * 3,
        "long_line.txt": "".join(SENTENCES) * 3,
        "gbk.txt": None,
    }
    for name, text in good.items():
        if text is not None:
            write(corpus / name, text)
    write(corpus / "gbk.txt", SENTENCES[7] * 4, encoding="gb18030")
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    (corpus / "empty.txt").write_bytes(b"")
    rng = random.Random(1)
    (corpus / "undecodable.txt").write_bytes(bytes(rng.randrange(128, 256) for _ in range(4000)))
    good_utf8 = (DATA / "003_632305c238c50ae2.txt").read_bytes()
    (corpus / "mixed.txt").write_bytes(good_utf8[:300] + "公文".encode("gb18030") + good_utf8[300:])
    with open(corpus / "huge.txt", "wb") as fh:  # 50 MB, over the 16 MiB limit
        fh.truncate(50 * 1024 * 1024)
    (corpus / "corrupt.docx").write_bytes(
        b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(3000))
    )
    (corpus / "corrupt.pdf").write_bytes(
        b"%PDF-1.7\n" + bytes(rng.randrange(256) for _ in range(3000))
    )
    (corpus / "folder.txt").mkdir()
    os.symlink(corpus / "missing-target.txt", corpus / "dangling.txt")
    (corpus / "loop").mkdir()
    os.symlink(corpus, corpus / "loop" / "back")
    db = tmp_path / "h.duckdb"
    result = CliRunner().invoke(app, ["scan", str(corpus), "--db", str(db), "-q"])
    assert result.exit_code == EXIT_REJECTED, result.output
    con = duckdb.connect(str(db), read_only=True)
    errors = {
        Path(p).name: m for p, m in con.execute("SELECT path, message FROM errors").fetchall()
    }
    indexed = {Path(p).name for (p,) in con.execute("SELECT path FROM documents").fetchall()}
    reuse = con.execute("SELECT count(*) FROM matches WHERE kind = 'reuse'").fetchone()[0]
    con.close()
    assert set(errors) >= {
        "binary.txt",
        "empty.txt",
        "undecodable.txt",
        "mixed.txt",
        "huge.txt",
        "dangling.txt",
        "corrupt.docx",
        "corrupt.pdf",
    }
    assert "too large" in errors["huge.txt"]
    assert indexed == set(good), "every good file is indexed, each once (the loop is cut)"
    assert reuse >= 1, "the speech and the article still match"


def test_file_vanishing_during_the_scan_is_an_error_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reuse.engine.indexing as indexing

    corpus = tmp_path / "v"
    shutil.copytree(DATA, corpus, ignore=shutil.ignore_patterns("*.list"))
    real = indexing.read_bytes

    def vanish_first(path: str, *args, **kwargs):
        if path.endswith("001_4a694d3472b740c6.txt") and os.path.exists(path):
            os.unlink(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(indexing, "read_bytes", vanish_first)
    result = scan([corpus], tmp_path / "v.duckdb")
    assert [Path(e.path).name for e in result.errors] == ["001_4a694d3472b740c6.txt"]
    assert result.n_new == 4 and result.n_reuse == 1


@pytest.mark.slow
def test_nightly_job_exit_codes_and_summary(tmp_path: Path) -> None:
    corpus = tmp_path / "n"
    shutil.copytree(DATA, corpus, ignore=shutil.ignore_patterns("*.list"))
    db = tmp_path / "n.duckdb"
    job = [sys.executable, str(REPO / "jobs" / "nightly_scan.py"), str(corpus), "--db", str(db)]
    ok = subprocess.run(job, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    summary = json.loads(ok.stdout)
    assert summary["status"] == "ok" and summary["n_new"] == 5 and summary["reuse"] == 1
    for stage in ("ingest:", "candidates:", "align:", "boilerplate:", "store:"):
        assert stage in ok.stderr, f"a log line for {stage}"
    (corpus / "bad.txt").write_bytes(b"\x00" * 100)
    rejected = subprocess.run(job, capture_output=True, text=True)
    assert rejected.returncode == EXIT_REJECTED
    assert json.loads(rejected.stdout)["n_unchanged"] == 5
    with FileLock(f"{db}.lock"):
        locked = subprocess.run(job, capture_output=True, text=True)
    assert locked.returncode == EXIT_LOCKED and "another scan" in locked.stderr


# -- issue: nightly operation that never hangs and never blocks its readers ----

from hostile_corpus import make_good, make_hostile_corpus  # noqa: E402

from reuse.cli.exits import EXIT_BUSY, EXIT_STORAGE, EXIT_WORKER  # noqa: E402
from reuse.engine.workers import available_cpus  # noqa: E402

HOSTILE_CONFIG = "[ingest]\nmax_chars = 1000000\n"


def _cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reuse", *args], capture_output=True, text=True, **kwargs
    )


@pytest.mark.slow
def test_hostile_folder_scanned_with_every_cpu_ends_within_a_minute(tmp_path: Path) -> None:
    corpus = tmp_path / "hostile"
    good, hostile = make_hostile_corpus(corpus, n_good=20)
    config = write(tmp_path / "c.toml", HOSTILE_CONFIG)
    db = tmp_path / "h.duckdb"
    t0 = time.monotonic()
    done = _cli("scan", str(corpus), "--db", str(db), "-q", "-v", "--config", str(config),
                timeout=120)  # fmt: skip
    assert time.monotonic() - t0 < 60
    assert done.returncode == EXIT_REJECTED, done.stderr
    if available_cpus() > 1:
        assert re.search(r"_index_task: \d+ tasks on [2-9]\d* worker processes", done.stderr), (
            "the worker pool ran"
        )
    con = duckdb.connect(str(db), read_only=True)
    errors = dict(con.execute("SELECT path, message FROM errors").fetchall())
    stored = {p.split("/")[-1] for (p,) in con.execute("SELECT path FROM documents").fetchall()}
    reuse = con.execute("SELECT count(*) FROM matches WHERE kind = 'reuse'").fetchone()[0]
    con.close()
    by_name = {path.rsplit("/", 1)[-1]: message for path, message in errors.items()}
    assert sorted(by_name) == sorted(hostile), "each hostile file is an error row, once"
    assert stored == set(good), "every good report is stored, and nothing else"
    assert reuse >= 4
    assert "max_chars" in by_name["bomb.docx"] and "too large" in by_name["huge.txt"]
    assert "password" in by_name["encrypted.pdf"]
    # The same folder again: nothing new, the same errors, nothing duplicated.
    again = _cli("scan", str(corpus), "--db", str(db), "-q", "--config", str(config), timeout=120)
    assert again.returncode == EXIT_REJECTED
    assert _history(db)[1][:6] == (2, "ok_with_errors", len(good) + 28, 0, 0, len(good))


def _wait_for_pool(proc: subprocess.Popen, pattern: str, limit: float = 60.0) -> list[int]:
    """Read the scan's log until a worker pool of ``pattern`` starts; its pids."""
    deadline = time.monotonic() + limit
    assert proc.stderr is not None
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            return []
        found = re.search(pattern + r": \d+ tasks on \d+ worker processes \(pids ([\d ]+)\)", line)
        if found:
            return [int(p) for p in found.group(1).split()]
    return []


@pytest.mark.slow
@pytest.mark.skipif(available_cpus() < 2, reason="needs a worker pool")
def test_a_worker_killed_mid_scan_stops_the_scan_and_a_rerun_equals_a_fresh_scan(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "hostile"
    make_hostile_corpus(corpus, n_good=40)
    config = write(tmp_path / "c.toml", HOSTILE_CONFIG)
    fresh = tmp_path / "fresh.duckdb"
    assert _cli("scan", str(corpus), "--db", str(fresh), "-q", "--config", str(config),
                timeout=300).returncode == EXIT_REJECTED  # fmt: skip
    db = tmp_path / "killed.duckdb"
    for _attempt in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-m", "reuse", "scan", str(corpus), "--db", str(db), "-q", "-v",
             "--config", str(config)],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        pids = _wait_for_pool(proc, "_(?:index|align|edits)_task")
        t0 = time.monotonic()
        if pids:
            os.kill(pids[0], signal.SIGKILL)
        rest = proc.communicate(timeout=120)[1]
        if proc.returncode == EXIT_WORKER:
            break
        for leftover in tmp_path.glob("killed.duckdb*"):  # the kill came too late: again
            leftover.unlink()
    assert proc.returncode == EXIT_WORKER, rest
    assert time.monotonic() - t0 < 30, "the scan ends within seconds of the death"
    assert "killed by SIGKILL" in rest and "Rerun it" in rest
    assert not db.exists(), "nothing half-done is published"
    rerun = _cli("scan", str(corpus), "--db", str(db), "-q", "--config", str(config), timeout=300)
    assert rerun.returncode == EXIT_REJECTED, rerun.stderr
    assert dump(db) == dump(fresh)
    assert _history(db) == _history(fresh)
    con = duckdb.connect(str(db), read_only=True)
    attempts = con.execute(
        "SELECT attempt, status, message FROM scan_attempts ORDER BY attempt"
    ).fetchall()
    con.close()
    assert attempts[0][:2] == (1, "failed") and "WorkerError" in attempts[0][2]
    assert attempts[1][:2] == (2, "ok")


@pytest.mark.slow
def test_killed_during_typed_edits_a_rerun_reports_what_an_uninterrupted_scan_does(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "c"
    make_corpus(corpus, 40)
    config = write(tmp_path / "one.toml", "[scan]\nworkers = 1\n")
    reference, db = tmp_path / "reference.duckdb", tmp_path / "killed.duckdb"
    for target in (reference, db):
        assert _cli("scan", str(corpus / "sub0"), "--db", str(target), "-q",
                    "--config", str(config)).returncode == 0  # fmt: skip
    assert _cli("scan", str(corpus), "--db", str(reference), "-q",
                "--config", str(config)).returncode == 0  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "reuse", "scan", str(corpus), "--db", str(db), "-q", "-v",
         "--config", str(config)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert proc.stderr is not None
    for line in proc.stderr:
        if "edits: " in line and "matches to type" in line:  # the match set is committed
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    rerun = _cli("scan", str(corpus), "--db", str(db), "-q", "--config", str(config))
    assert rerun.returncode == 0, rerun.stderr
    expected = _cli("query", "new_matches", "--db", str(reference), "--format", "json")
    got = _cli("query", "new_matches", "--db", str(db), "--format", "json")
    assert json.loads(got.stdout) == json.loads(expected.stdout) != []
    assert dump(db) == dump(reference)
    assert _history(db) == _history(reference)
    con = duckdb.connect(str(db), read_only=True)
    attempts = con.execute(
        "SELECT scan_id, attempt, status, message FROM scan_attempts ORDER BY ALL"
    ).fetchall()
    first_seen = con.execute("SELECT DISTINCT first_seen_scan FROM matches").fetchall()
    con.close()
    assert attempts[1][:3] == (2, 1, "failed") and "interrupted" in attempts[1][3]
    assert attempts[2][:3] == (2, 2, "ok")
    assert sorted(first_seen) == [(1,), (2,)]


@pytest.mark.slow
def test_a_reader_session_held_open_across_a_scan_blocks_nothing(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    make_corpus(corpus, 60)
    (corpus / "later").mkdir()
    for k in (1, 2):  # held back for the second scan
        shutil.move(corpus / "sub1" / f"doc_{3 * k + 1:04d}.txt", corpus / "later")
    db = tmp_path / "r.duckdb"
    first = _cli("scan", str(corpus / "sub0"), str(corpus / "sub1"), "--db", str(db), "-q")
    assert first.returncode == 0
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
         "print(con.execute('SELECT count(*) FROM documents').fetchone()[0], flush=True); "
         "sys.stdin.readline(); "
         "print(con.execute('SELECT count(*) FROM documents').fetchone()[0], flush=True)",
         str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdin is not None
    before = int(holder.stdout.readline())
    scan_proc = subprocess.Popen(
        [sys.executable, "-m", "reuse", "scan", str(corpus), "--db", str(db), "-q"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    polls = []
    while scan_proc.poll() is None:
        read = _cli("query", "SELECT count(*) AS n FROM documents", "--db", str(db),
                    "--format", "json")  # fmt: skip
        assert read.returncode == 0, read.stderr
        polls.append(json.loads(read.stdout)[0]["n"])
    assert scan_proc.returncode == 0, scan_proc.stderr.read() if scan_proc.stderr else ""
    assert polls and set(polls) <= {before, 60}, "readers see the last complete scan"
    holder.stdin.write("\n")
    holder.stdin.flush()
    assert int(holder.stdout.readline()) == before, "the held session keeps its snapshot"
    holder.wait(timeout=30)
    after = _cli("query", "SELECT count(*) AS n FROM documents", "--db", str(db),
                 "--format", "json")  # fmt: skip
    assert json.loads(after.stdout)[0]["n"] == 60, "a new session sees the new scan"


@pytest.mark.slow
def test_a_process_holding_the_database_for_writing_gets_its_own_exit_code(
    tmp_path: Path,
) -> None:
    db = tmp_path / "w.duckdb"
    scan([DATA], db)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
         "con.execute('CREATE TABLE mine AS SELECT 1 AS x'); print('ready', flush=True); "
         "sys.stdin.readline()", str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdin is not None
    assert holder.stdout.readline().strip() == "ready"
    try:
        report = _cli("report", "--db", str(db))
        assert report.returncode == EXIT_BUSY
        assert f"PID {holder.pid}" in report.stderr and "read-only" in report.stderr
        rescan = _cli("scan", str(DATA), "--db", str(db), "-q")
        assert rescan.returncode == EXIT_BUSY and f"PID {holder.pid}" in rescan.stderr
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
    # Its write is kept: the next scan folds it in before copying the file.
    assert _cli("scan", str(DATA), "--db", str(db), "-q").returncode == 0
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT x FROM mine").fetchall() == [(1,)]
    con.close()


def test_a_moved_folder_and_database_add_nothing(tmp_path: Path) -> None:
    home = tmp_path / "old-place"
    corpus = home / "reports"
    make_corpus(corpus, 30)
    db = home / "reuse.duckdb"
    first = scan([corpus], db)
    before = dump(db)
    moved = tmp_path / "new" / "mount"
    moved.parent.mkdir()
    shutil.move(home, moved)
    again = scan([moved / "reports"], moved / "reuse.duckdb")
    assert (again.n_new, again.n_changed, again.n_deleted, again.n_new_matches) == (0, 0, 0, 0)
    assert again.n_unchanged == first.n_new == 30
    assert dump(moved / "reuse.duckdb") == before
    con = duckdb.connect(str(moved / "reuse.duckdb"), read_only=True)
    locations = {loc for (loc,) in con.execute("SELECT location FROM documents").fetchall()}
    roots = con.execute("SELECT name, location FROM roots").fetchall()
    con.close()
    assert all(loc.startswith(str(moved / "reports") + "/") for loc in locations)
    assert roots == [("reports", str(moved / "reports"))]
    # A subfolder of the moved root keeps the root's identities too.
    sub = scan([moved / "reports" / "sub1"], moved / "reuse.duckdb")
    assert (sub.n_new, sub.n_unchanged) == (0, 10)


def test_a_renamed_file_keeps_its_matches_and_verdicts(tmp_path: Path, seed_dir: Path) -> None:
    from reuse.store.verdicts import review

    db = tmp_path / "r.duckdb"
    scan([seed_dir], db)
    con = duckdb.connect(str(db), read_only=True)
    (match_id, doc_b) = con.execute(
        "SELECT match_id, doc_b FROM live_matches WHERE kind = 'reuse'"
    ).fetchone()
    con.close()
    review(db, [match_id], "confirmed", "copied from the district speech", "ann")
    before = dump(db)
    old = seed_dir / "004_481eeca183cd7a2c.txt"
    old.rename(seed_dir / "renamed_article.txt")
    result = scan([seed_dir], db)
    assert (result.n_renamed, result.n_new, result.n_deleted, result.n_new_matches) == (1, 0, 0, 0)
    con = duckdb.connect(str(db), read_only=True)
    path = con.execute("SELECT path FROM documents WHERE doc_id = ?", [doc_b]).fetchone()[0]
    verdict = con.execute(
        "SELECT verdict, note FROM reviewed_matches WHERE match_id = ?", [match_id]
    ).fetchall()
    con.close()
    assert path == "seeds/renamed_article.txt"
    assert verdict == [("confirmed", "copied from the district speech")]
    after = dump(db)
    assert after["matches"] == before["matches"] and after["edits"] == before["edits"]


def test_names_that_are_not_utf8_are_stored_escaped(tmp_path: Path) -> None:
    corpus = tmp_path / "odd"
    corpus.mkdir()
    text = (DATA / "000_4682256de4861903.txt").read_bytes()
    folder = os.path.join(os.fsencode(corpus), b"dossier-\xe9")
    os.mkdir(folder)
    with open(os.path.join(folder, b"r\xe9union\\1.txt"), "wb") as fh:
        fh.write(text)
    shutil.copy(DATA / "004_481eeca183cd7a2c.txt", corpus / "article.txt")
    db = tmp_path / "o.duckdb"
    result = scan([corpus], db)
    assert (result.n_new, result.n_errors, result.n_reuse) == (2, 0, 1)
    con = duckdb.connect(str(db), read_only=True)
    paths = sorted(p for (p,) in con.execute("SELECT path FROM documents").fetchall())
    con.close()
    assert paths == ["odd/article.txt", "odd/dossier-\\xe9/r\\xe9union\\\\1.txt"]
    again = scan([corpus], db)
    assert (again.n_new, again.n_unchanged, again.n_deleted) == (0, 2, 0)


def test_storage_failures_get_their_cause_and_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import filelock

    import reuse.store.database

    runner = CliRunner()

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "ro" / "r.duckdb.lock"))

    with monkeypatch.context() as patch:
        patch.setattr(filelock.FileLock, "acquire", refuse)
        result = runner.invoke(app, ["scan", str(DATA), "--db", str(tmp_path / "ro" / "r.duckdb")])
    assert result.exit_code == EXIT_STORAGE
    assert "permission denied" in result.output and "Traceback" not in result.output

    real = reuse.store.database.Store.write_indexed

    def full(self, *args, **kwargs):
        real(self, *args, **kwargs)
        raise duckdb.IOException('IO Error: Could not write file "x": No space left on device')

    with monkeypatch.context() as patch:
        patch.setattr(reuse.store.database.Store, "write_indexed", full)
        result = runner.invoke(app, ["scan", str(DATA), "--db", str(tmp_path / "full.duckdb")])
    assert result.exit_code == EXIT_STORAGE
    assert "no space left on the device" in result.output
    assert "no transaction is active" not in result.output
    assert not (tmp_path / "full.duckdb").exists(), "nothing half-done is published"
    # The next run, with room again, resumes and completes the scan.
    assert scan([DATA], tmp_path / "full.duckdb").n_new == 5


def test_a_database_reached_through_a_link_is_locked_as_itself(tmp_path: Path) -> None:
    db = tmp_path / "real.duckdb"
    scan([DATA], db)
    link = tmp_path / "link.duckdb"
    link.symlink_to(db)
    with FileLock(f"{db}.lock"):
        result = CliRunner().invoke(app, ["scan", str(DATA), "--db", str(link), "-q"])
    assert result.exit_code == EXIT_LOCKED, result.output
    assert scan([DATA], link).n_unchanged == 5
    assert link.is_symlink(), "publishing replaced the file, not the link"


def test_an_unreadable_subfolder_is_an_error_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "u"
    make_good(corpus, 4)
    (corpus / "locked").mkdir()
    make_good(corpus / "locked", 2)
    real = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = scan([corpus], tmp_path / "u.duckdb")
    assert result.n_new == 4
    assert [(Path(e.path).name, e.stage) for e in result.errors] == [("locked", "ingest")]
    assert "permission denied" in result.errors[0].message
