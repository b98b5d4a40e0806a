"""reuse.store.shares: one definition of the share copied, its worked example, and
recomputation only where a document's inputs changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import DATA, SEED_A, SEED_B
from test_cli import invoke

from reuse import Config, scan
from reuse.store.shares import CLASSES, derive_shares, document_coverage


def _shares(db: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT d.path, s.n_chars, s.boilerplate_chars, s.template_chars, s.quoted_chars, "
            "s.copied_chars, s.changed_chars, s.share, src.path FROM document_shares s "
            "JOIN documents d USING (doc_id) LEFT JOIN documents src "
            "ON src.doc_id = s.largest_source"
        ).fetchall()
    finally:
        con.close()
    return {Path(r[0]).name: r[1:] for r in rows}


def test_worked_example_of_the_seeds(seeds_db: Path) -> None:
    """The figures of the module docstring and of the README."""
    shares = _shares(seeds_db)
    n, boilerplate, template, quoted, copied, changed, share, source = shares[SEED_B]
    assert (n, boilerplate, template, quoted, copied, changed) == (3444, 0, 0, 339, 2986, 49)
    assert share == pytest.approx(2986 / 3444) and f"{share:.1%}" == "86.7%"
    assert Path(source).name == SEED_A
    # The formulaic lines 000, 001 and 002 share: boilerplate in each, no share.
    for name in (SEED_A, "001_4a694d3472b740c6.txt", "002_66caa9cd159b2e3a.txt"):
        assert shares[name][1] == 37
    assert {name for name, row in shares.items() if row[6] > 0} == {SEED_A, SEED_B}


def test_classes_partition_the_characters(seeds_db: Path) -> None:
    con = duckdb.connect(str(seeds_db), read_only=True)
    try:
        doc_id = con.execute(
            "SELECT doc_id FROM documents WHERE path LIKE ?", [f"%{SEED_B}"]
        ).fetchone()[0]
        coverage = document_coverage(con, doc_id)
    finally:
        con.close()
    total = sum(coverage.masks[name].astype(int) for name in CLASSES)
    assert total.max() == 1, "a character is in one class at most"
    assert coverage.count("copied") == 2986


def test_every_report_shows_the_same_share(seeds_db: Path) -> None:
    import json

    sim = json.loads(invoke("similarity", "--db", str(seeds_db), "--format", "json").output)
    by_name = {Path(r["path"]).name: r for r in sim}
    doc = json.loads(
        invoke("report", "--db", str(seeds_db), "--doc", SEED_B, "--format", "json").output
    )
    pair = json.loads(invoke("report", "--db", str(seeds_db), "--format", "json").output)
    (entry,) = pair["pairs"]
    side = entry["doc_a"] if Path(entry["doc_a"]["path"]).name == SEED_B else entry["doc_b"]
    figures = {by_name[SEED_B]["share"], doc["similarity"]["share"], side["share"]}
    assert figures == {2986 / 3444}


def _copy_seeds(root: Path) -> Path:
    root.mkdir()
    for f in sorted(DATA.glob("*.txt")):
        shutil.copy(f, root / f.name)
    return root


def test_only_documents_whose_inputs_changed_are_computed_again(tmp_path: Path) -> None:
    corpus = _copy_seeds(tmp_path / "seeds")
    db = tmp_path / "r.duckdb"
    scan([corpus], db, Config())
    before = _shares(db)
    con = duckdb.connect(str(db))
    try:
        assert derive_shares(con) == 0, "nothing changed: nothing to compute"
        # A reviewer ignores the match: both its documents change, nothing else.
        match_id = con.execute("SELECT match_id FROM live_matches WHERE kind = 'reuse'").fetchone()
    finally:
        con.close()
    reviewed = invoke("review", str(match_id[0]), "--verdict", "ignored", "--db", str(db))
    assert reviewed.exit_code == 0
    con = duckdb.connect(str(db))
    try:
        con.execute("DELETE FROM share_inputs")  # as if computed before the verdict
        con.execute("INSERT INTO share_inputs SELECT doc_id, 0 FROM live_documents")
        assert derive_shares(con) == 5
        assert derive_shares(con) == 0
    finally:
        con.close()
    after = _shares(db)
    assert after[SEED_B][4] == 0 and after[SEED_A][4] == 0, "an ignored match copies nothing"
    assert {k: v for k, v in after.items() if k not in (SEED_A, SEED_B)} == {
        k: v for k, v in before.items() if k not in (SEED_A, SEED_B)
    }


def test_a_deleted_document_loses_its_shares_and_its_source_changes(tmp_path: Path) -> None:
    corpus = _copy_seeds(tmp_path / "seeds")
    db = tmp_path / "r.duckdb"
    scan([corpus], db, Config())
    (corpus / SEED_A).unlink()
    scan([corpus], db, Config())
    shares = _shares(db)
    assert SEED_A not in shares
    assert shares[SEED_B][4] == 0 and shares[SEED_B][6] == 0.0
    con = duckdb.connect(str(db), read_only=True)
    try:
        orphans = con.execute(
            "SELECT count(*) FROM share_inputs WHERE doc_id NOT IN "
            "(SELECT doc_id FROM live_documents)"
        ).fetchone()
    finally:
        con.close()
    assert orphans == (0,)
