"""The DuckDB store: schema, versions, atomic writes, the match difference."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from reuse.derive.boilerplate import UnitColumns
from reuse.errors import StoreError
from reuse.store.connection import connect
from reuse.store.database import Store
from reuse.store.documents import IndexedDocument
from reuse.store.matches import MATCH_SCHEMA
from reuse.store.tables import ALL_TABLES
from reuse.store.views import VIEWS


def _doc(path: str, text: str = "正文内容。") -> IndexedDocument:
    return IndexedDocument(
        path=path,
        sha256="0" * 64,
        text=text,
        encoding="utf-8",
        n_bytes=len(text.encode()),
        n_norm_chars=len(text),
        passage_spans=np.array([[0, len(text)]], dtype=np.int64),
        passage_shingles=np.array([3], dtype=np.int64),
        band_keys=np.array([[1, 2, 3]], dtype=np.uint64),
        units=UnitColumns.of([]),
    )


def _match(doc_a: int, doc_b: int, a0: int, kind: str = "reuse") -> dict:
    return {
        "doc_a": doc_a,
        "a_start": a0,
        "a_end": a0 + 2,
        "doc_b": doc_b,
        "b_start": 0,
        "b_end": 2,
        "similarity": 1.0,
        "edit_distance": 0,
        "kind": kind,
        "a_norm_start": a0,
        "a_norm_end": a0 + 2,
        "b_norm_start": 0,
        "b_norm_end": 2,
        "seeds": 1,
        "source": "align",
        "rep_doc": None,
    }


def _scope(*pairs: tuple[int, int]) -> pa.Table:
    """The pass-1 scope of ``replace_matches`` for some document pairs."""
    return pa.table(
        {
            "doc_a": pa.array([a for a, _ in pairs], pa.int32()),
            "doc_b": pa.array([b for _, b in pairs], pa.int32()),
            "pass": pa.array([1] * len(pairs), pa.int8()),
        }
    )


def test_schema_created_with_public_tables(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        names = {
            r[0]
            for r in store.con.execute(
                "SELECT table_name FROM information_schema.tables"
            ).fetchall()
        }
    assert {t.name for t in ALL_TABLES} | set(VIEWS) <= names


def test_tables_have_the_columns_and_types_of_their_definitions(tmp_path: Path) -> None:
    """The DDL and the Arrow schemas come from one definition per table: the
    database holds those columns, in that order, with those types."""
    with Store(tmp_path / "s.duckdb") as store:
        stored = store.con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE schema_name = 'main' AND table_name IN "
            "(SELECT table_name FROM duckdb_tables()) ORDER BY table_name, column_index"
        ).fetchall()
    defined = sorted(
        ((t.name, c.name, c.type) for t in ALL_TABLES for c in t.columns), key=lambda r: r[0]
    )
    assert stored == defined
    for table in ALL_TABLES:
        for column in table.columns:
            if column.type != "HUGEINT":
                assert table.arrow_schema([column.name]).field(0).name == column.name


def test_wrong_schema_version_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    Store(db).close()
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="schema version 999"):
        Store(db)


def test_read_only_missing_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="reuse scan"):
        Store(tmp_path / "none.duckdb", read_only=True)


def test_ids_are_stable_and_rewrites_replace(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        assert store.write_indexed([_doc("/a"), _doc("/b")], 1) == [1, 2]
        assert store.write_indexed([_doc("/b", "新的正文。"), _doc("/c")], 2) == [2, 3]
        rows = store.con.execute(
            "SELECT doc_id, path, text FROM documents ORDER BY doc_id"
        ).fetchall()
        assert rows == [(1, "/a", "正文内容。"), (2, "/b", "新的正文。"), (3, "/c", "正文内容。")]
        assert store.con.execute("SELECT count(*) FROM passages").fetchone()[0] == 3
        doc_ids, spans, keys = store.load_passages(3)
        assert (
            doc_ids.tolist() == [1, 2, 3] and keys.shape == (3, 3) and keys[0].tolist() == [1, 2, 3]
        )


def test_replace_matches_keeps_ids_of_rows_found_again(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.write_indexed([_doc("/a"), _doc("/b"), _doc("/c")], 1)
        first = pa.Table.from_pylist([_match(1, 2, 0), _match(1, 3, 0)], schema=MATCH_SCHEMA)
        store.replace_matches(first, _scope((1, 2), (1, 3), (2, 3)), 1, [1, 2, 3])
        ids = dict(store.con.execute("SELECT doc_b, match_id FROM matches").fetchall())
        second = pa.Table.from_pylist(
            [_match(1, 2, 0, "boilerplate"), _match(2, 3, 1)], schema=MATCH_SCHEMA
        )
        result = store.replace_matches(second, _scope((1, 2), (1, 3), (2, 3)), 2, [])
        assert result == {"removed": 1, "added": 1}
        rows = store.con.execute(
            "SELECT match_id, doc_a, doc_b, kind, first_seen_scan FROM matches ORDER BY match_id"
        ).fetchall()
        assert rows == [(ids[2], 1, 2, "boilerplate", 1), (3, 2, 3, "reuse", 2)]


def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        bad = _doc("/a")
        bad.band_keys = "not an array"  # type: ignore[assignment]
        with pytest.raises((TypeError, AttributeError, ValueError)):
            store.write_indexed([bad], 1)
        assert store.con.execute("SELECT count(*) FROM documents").fetchone()[0] == 0


def test_soft_delete_hides_from_live_views(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.write_indexed([_doc("/a"), _doc("/b")], 1)
        store.replace_matches(
            pa.Table.from_pylist([_match(1, 2, 0)], schema=MATCH_SCHEMA), _scope((1, 2)), 1, [1, 2]
        )
        store.soft_delete([2], 1)
        assert store.con.execute("SELECT count(*) FROM live_documents").fetchone()[0] == 1
        assert store.con.execute("SELECT count(*) FROM live_matches").fetchone()[0] == 0
        assert (
            store.con.execute(
                "SELECT count(*) FROM matches WHERE deleted_at IS NOT NULL"
            ).fetchone()[0]
            == 1
        )


def test_connections_never_fetch_document_texts_through_the_index(tmp_path: Path) -> None:
    """The reviewed_matches view joins documents on a doc_id range; DuckDB's default
    would fetch ``text`` row by row through the primary-key index (seconds per
    hundred documents). Every connection of the package turns that off."""
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        store.write_indexed([_doc(f"/d{k}", "正文内容。" * 50) for k in range(40)], 1)
        rows = [_match(k, k + 1, 0) for k in range(3, 40)]
        store.replace_matches(pa.Table.from_pylist(rows, schema=MATCH_SCHEMA), _scope(), 1, [])
        query = "EXPLAIN ANALYZE SELECT match_id FROM reviewed_matches WHERE verdict = 'ignored'"
        assert "Index Scan" not in store.con.execute(query).fetchall()[0][1]
        assert store.ignored_match_ids() == []
    con = connect(str(db), read_only=True)
    assert con.execute("SELECT current_setting('index_scan_max_count')").fetchone() == (0,)
    con.close()
    plain = duckdb.connect(str(db), read_only=True)  # what the setting prevents
    assert "Index Scan" in plain.execute(query).fetchall()[0][1]
    plain.close()


def test_match_keys_are_the_sql_definition(tmp_path: Path) -> None:
    """The keys the store fills in Python are :data:`MATCH_KEY_SQL`'s, also for
    characters outside the BMP, combining marks and line breaks."""
    from reuse import Config, scan
    from reuse.store import schema

    shared = (
        "各区要坚持𠀀𠀁创新驱动发展战略，加快建设现代化产业体系，推动数字经济和实体经济深度融合，"
        "e\u0301培育壮大新兴产业和未来产业，\r\n巩固提升传统优势产业🙂，持续优化营商环境。"
    ) * 2
    (tmp_path / "a.txt").write_text("甲方开头。" + shared + "甲方结尾。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("乙方的开头不同。\n" + shared + "乙方结尾。", encoding="utf-8")
    db = tmp_path / "k.duckdb"
    scan([tmp_path / "a.txt", tmp_path / "b.txt"], db, Config.load(overrides={"scan.workers": 1}))
    con = connect(str(db), read_only=True)
    rows = con.execute(
        f"SELECT m.match_key, {schema.MATCH_KEY_SQL} FROM matches m "
        "JOIN documents da ON da.doc_id = m.doc_a JOIN documents db ON db.doc_id = m.doc_b"
    ).fetchall()
    con.close()
    assert rows
    assert all(key == expected for key, expected in rows)
