"""Databases of every older schema version are migrated in place to the current one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from conftest import SEED_A, SEED_B

from reuse import Config, scan
from reuse.store import schema
from reuse.store.database import Store
from reuse.store.migrate import identities
from reuse.store.verdicts import review
from reuse.store.views import VIEWS

FIXTURES = Path(__file__).parent / "fixtures"

V2_COLUMNS = {
    "scans": "scan_id, started, finished, status, roots, n_files, n_new, n_changed, "
    "n_unchanged, n_deleted, n_errors, n_sketched, n_candidates, n_matches, n_new_matches, "
    "n_ignored, rebuilt, parameters, version",
    "documents": "doc_id, location, sha256, n_chars, text, encoding, n_bytes, n_norm_chars, "
    "n_passages, status, indexed_scan, last_scan, deleted_at, doc_date, date_source, "
    "date_evidence",
    "errors": "error_id, scan_id, path, stage, message, recorded_at",
    "group_members": "group_id, doc_id, start_offset, end_offset",
}
SAME = ("passages", "lines", "quotations", "edits", "groups")


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def make_v2(current: Path, old: Path) -> None:
    """A version-2 database holding what ``current`` holds: absolute paths,
    verdicts keyed by paths and texts, the DDL of reuse 0.4."""
    con = duckdb.connect(str(old))
    con.execute((FIXTURES / "schema_v2.sql").read_text(encoding="utf-8"))
    con.execute(f"ATTACH '{current}' AS cur (READ_ONLY)")
    con.execute(
        "INSERT INTO meta SELECT * FROM cur.meta "
        "WHERE key NOT IN ('schema_version', 'database_id', 'generation')"
    )
    con.execute("INSERT INTO meta VALUES ('schema_version', '2')")
    for table, columns in V2_COLUMNS.items():
        con.execute(f"INSERT INTO {table} SELECT {columns} FROM cur.{table}")
    for table in SAME:
        con.execute(f"INSERT INTO {table} SELECT * FROM cur.{table}")
    con.execute(
        "INSERT INTO matches SELECT * EXCLUDE (rep_doc, match_key) FROM cur.matches "
        "WHERE kind IN ('reuse', 'boilerplate')"
    )
    con.execute("INSERT INTO group_matches SELECT * FROM cur.group_matches")
    con.execute(
        f"""INSERT INTO verdicts
        SELECT {schema.MATCH_KEY_SQL_V2}, v.verdict, v.note, v.match_id, da.path, db.path,
               v.reviewed_at
        FROM cur.current_verdicts v JOIN matches m ON m.match_id = v.match_id
        JOIN documents da ON da.doc_id = m.doc_a JOIN documents db ON db.doc_id = m.doc_b"""
    )
    con.close()


@pytest.fixture
def v2_db(tmp_path: Path, seed_dir: Path) -> tuple[Path, int]:
    current = tmp_path / "current.duckdb"
    scan([seed_dir], current, Config())
    (match_id,) = rows(current, "SELECT match_id FROM live_matches WHERE kind = 'reuse'")[0]
    review(current, [match_id], "ignored", "approved template", "ann")
    old = tmp_path / "old.duckdb"
    make_v2(current, old)
    assert rows(old, "SELECT count(*) FROM verdicts")[0][0] == 1
    assert all(p.startswith("/") for (p,) in rows(old, "SELECT path FROM documents"))
    return old, match_id


def test_v2_database_is_migrated_with_identities_and_verdicts(
    v2_db: tuple[Path, int], seed_dir: Path
) -> None:
    db, match_id = v2_db
    before = rows(db, "SELECT doc_id, path FROM documents ORDER BY doc_id")
    with Store(db) as store:
        assert store.get_meta("schema_version") == str(schema.SCHEMA_VERSION)
        assert store.roots() == {"seeds": str(seed_dir)}
    after = rows(db, "SELECT doc_id, path, location FROM documents ORDER BY doc_id")
    assert [(d, f"seeds/{Path(p).name}", p) for d, p in before] == after
    verdict = rows(
        db, f"SELECT verdict, note, match_key FROM reviewed_matches WHERE match_id = {match_id}"
    )
    assert verdict[0][:2] == ("ignored", "approved template"), "the old verdict still applies"
    # A rescan of the same folder finds everything unchanged, the verdict kept.
    result = scan([seed_dir], db, Config())
    assert (result.n_new, result.n_changed, result.n_unchanged, result.n_new_matches) == (
        0,
        0,
        5,
        0,
    )
    assert rows(db, "SELECT count(*) FROM reviewed_matches WHERE verdict = 'ignored'") == [(1,)]


def test_v1_database_is_migrated(v2_db: tuple[Path, int], seed_dir: Path) -> None:
    db, _ = v2_db
    expected = rows(db, "SELECT doc_a, a_start, a_end, doc_b, b_start, b_end, kind FROM matches")
    # Make it a version-1 database: without the tables, views and columns of version 2.
    con = duckdb.connect(str(db))
    for view in (
        "match_provenance",
        "document_similarity",
        "match_sides",
        "reviewed_matches",
        "match_keys",
    ):
        con.execute(f"DROP VIEW {view}")
    for table in ("edits", "groups", "group_members", "group_matches", "verdicts", "quotations"):
        con.execute(f"DROP TABLE {table}")
    for table, column in (
        ("documents", "doc_date"),
        ("documents", "date_source"),
        ("documents", "date_evidence"),
        ("scans", "n_new_matches"),
        ("scans", "n_ignored"),
        ("matches", "n_edits"),
    ):
        con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    with Store(db) as store:
        assert store.get_meta("schema_version") == str(schema.SCHEMA_VERSION)
    scan([seed_dir], db, Config())
    assert sorted(expected) == sorted(
        rows(db, "SELECT doc_a, a_start, a_end, doc_b, b_start, b_end, kind FROM live_matches")
    )
    paths = sorted(p for (p,) in rows(db, "SELECT path FROM documents"))
    assert paths == sorted(f"seeds/{f.name}" for f in seed_dir.glob("*.txt"))
    assert f"seeds/{SEED_A}" in paths and f"seeds/{SEED_B}" in paths
    assert rows(db, "SELECT count(*) FROM edits")[0][0] > 10
    assert rows(db, "SELECT count(*) FROM quotations")[0][0] > 10
    assert rows(db, "SELECT count(*) FROM groups")[0][0] == 1


def test_identities_of_nested_and_same_named_roots() -> None:
    """A document belongs to the outermost root that holds it; folders of the same
    name are told apart."""
    keys, roots = identities(
        ["/a/r/x.txt", "/a/r/sub/y.txt", "/b/r/x.txt", "/c/file.txt"],
        ["/a/r", "/a/r/sub", "/b/r", "/c/file.txt"],
    )
    assert keys == ["r/x.txt", "r/sub/y.txt", "r~2/x.txt", "c/file.txt"]
    assert roots == [("c", "/c"), ("r", "/a/r"), ("r~2", "/b/r")]


def test_v3_database_is_migrated_with_precisions_match_keys_and_new_dates(
    tmp_path: Path, seed_dir: Path
) -> None:
    """A version-3 database (reuse 0.5) gains ``documents.date_precision`` and
    ``matches.match_key``; its documents are dated again from their stored
    path and text (a year alone in a file name is a date now), a metadata
    date is kept as a day, and a verdict still applies."""
    (seed_dir / "2021_讲话.txt").write_bytes((seed_dir / SEED_B).read_bytes())
    db = tmp_path / "v3.duckdb"
    scan([seed_dir], db, Config())
    (match_id,) = rows(db, "SELECT match_id FROM live_matches WHERE kind = 'reuse'")[0]
    review(db, [match_id], "ignored", "approved", "ann")
    want_dates = rows(
        db, "SELECT path, doc_date, date_source, date_precision FROM documents ORDER BY path"
    )
    want_keys = rows(db, "SELECT match_id, match_key FROM matches ORDER BY match_id")
    con = duckdb.connect(str(db))
    # What reuse 0.5 stored: no columns, no date from a year alone.
    con.execute(
        "UPDATE documents SET doc_date = NULL, date_source = NULL, date_evidence = NULL "
        "WHERE date_precision <> 'day'"
    )
    con.execute(
        "UPDATE documents SET doc_date = make_date(2020, 5, 6), date_source = 'metadata', "
        "date_evidence = 'docx created 2020-05-06' WHERE path = ?",
        [f"seeds/{SEED_A}"],
    )
    for view in VIEWS:
        con.execute(f"DROP VIEW IF EXISTS {view}")
    con.execute("ALTER TABLE documents DROP COLUMN date_precision")
    con.execute("ALTER TABLE matches DROP COLUMN match_key")
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    con.close()

    with Store(db) as store:
        assert store.get_meta("schema_version") == str(schema.SCHEMA_VERSION)
    got = {r[0]: r[1:] for r in rows(
        db, "SELECT path, doc_date, date_source, date_precision FROM documents ORDER BY path"
    )}  # fmt: skip
    assert got[f"seeds/{SEED_A}"] == (dt.date(2020, 5, 6), "metadata", "day")
    assert got["seeds/2021_讲话.txt"] == (dt.date(2021, 1, 1), "file name", "year")
    for path, *dated in want_dates:
        if path != f"seeds/{SEED_A}":
            assert got[path] == tuple(dated), path
    assert rows(db, "SELECT match_id, match_key FROM matches ORDER BY match_id") == want_keys
    assert rows(db, f"SELECT verdict FROM reviewed_matches WHERE match_id = {match_id}") == [
        ("ignored",)
    ]
    # A rescan of the migrated database changes nothing.
    scan([seed_dir], db, Config())
    assert rows(db, "SELECT match_id, match_key FROM matches ORDER BY match_id") == want_keys


def test_v4_database_gains_group_excerpts(tmp_path: Path, seed_dir: Path) -> None:
    """A version-4 database has no ``group_members.excerpt``: readers are told to
    scan once; the scan migrates it and builds the groups again, each member
    with the first 40 characters of its passage."""
    db = tmp_path / "v4.duckdb"
    scan([seed_dir], db, Config())
    expected = rows(db, "SELECT * FROM group_members ORDER BY ALL")
    assert expected and all(len(r[-1]) == min(40, r[3] - r[2]) for r in expected)
    con = duckdb.connect(str(db))
    con.execute("ALTER TABLE group_members DROP COLUMN excerpt")
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(Exception, match="schema version 4"):
        review(db, [1], "ignored")
    scan([seed_dir], db, Config())
    assert rows(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [
        (str(schema.SCHEMA_VERSION),)
    ]
    assert rows(db, "SELECT * FROM group_members ORDER BY ALL") == expected
    texts = dict(rows(db, "SELECT doc_id, text FROM documents"))
    for _, doc_id, start, end, excerpt in expected:
        assert excerpt == texts[doc_id][start : min(end, start + 40)]
