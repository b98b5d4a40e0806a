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
from reuse.cli import EXIT_LOCKED, EXIT_REJECTED, app
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
    }
    con.close()
    return out


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


def test_killed_scans_resume_to_the_same_database(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 80)
    config = write(tmp_path / "small-batches.toml", "[scan]\nbatch_documents = 3\n")
    reference = tmp_path / "reference.duckdb"
    t0 = time.perf_counter()
    subprocess.run(_scan_cmd(corpus, reference, config), check=True, capture_output=True)
    duration = time.perf_counter() - t0
    expected = dump(reference)
    assert len(expected["matches"]) > 20
    interrupted = 0
    for k, fraction in enumerate((0.3, 0.45, 0.6, 0.7, 0.8, 0.9)):
        db = tmp_path / f"killed-{k}.duckdb"
        # A scan can run faster than the timed one (warm caches): when the kill
        # came after the end, start over on a new database and kill earlier.
        for attempt in range(3):
            proc = subprocess.Popen(
                _scan_cmd(corpus, db, config), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            time.sleep(duration * fraction * 0.7**attempt)
            proc.send_signal(signal.SIGKILL)
            if proc.wait() == -signal.SIGKILL:
                interrupted += 1
                break
            for finished in tmp_path.glob(f"killed-{k}.duckdb*"):
                finished.unlink()
        rerun = subprocess.run(_scan_cmd(corpus, db, config), capture_output=True, text=True)
        assert rerun.returncode == 0, rerun.stderr
        assert dump(db) == expected, f"kill at {fraction:.0%} of the scan"
    assert interrupted >= 5


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
    import reuse.pipeline as pipeline

    corpus = tmp_path / "v"
    shutil.copytree(DATA, corpus, ignore=shutil.ignore_patterns("*.list"))
    real = pipeline.read_bytes

    def vanish_first(path: str, *args, **kwargs):
        if path.endswith("001_4a694d3472b740c6.txt") and os.path.exists(path):
            os.unlink(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "read_bytes", vanish_first)
    result = scan([corpus], tmp_path / "v.duckdb")
    assert [Path(e.path).name for e in result.errors] == ["001_4a694d3472b740c6.txt"]
    assert result.n_new == 4 and result.n_reuse == 1


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
