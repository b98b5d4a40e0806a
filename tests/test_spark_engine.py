"""The Spark engine finds what the embedded engine finds (``reuse.engine.spark``).

Parity tests run Spark in ``local[2]`` on small corpora (the seeds, a
generated corpus with reuse at every obfuscation level, bad files, a corpus
of stock paragraphs that become templates) and compare the whole database
each engine makes: documents, roots, passages and band keys, fingerprints,
lines, quotations, the plan (``pair_plans``), matches with their offsets,
kinds, representatives and ids, templates and their members, typed edits,
shares, groups, errors and the scan's counts. They are marked ``spark`` and
skip when pyspark or Java is missing; ``.ci/run`` installs Java so CI runs
them.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from jobs.evaluation.obfuscation.corpus import generate
from reuse.cli import app
from reuse.config import Config
from reuse.engine.pipeline import scan
from reuse.engine.spark_import import import_output
from reuse.engine.spark_output import read_manifest
from reuse.errors import EngineUnavailableError, StoreError

REPO = Path(__file__).resolve().parents[1]


def _spark_missing() -> str | None:
    from reuse.engine.spark_session import check_spark

    try:
        check_spark()
    except EngineUnavailableError as exc:
        return str(exc)
    return None


_MISSING = _spark_missing()
needs_spark = pytest.mark.skipif(_MISSING is not None, reason=_MISSING or "")
pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark_module():
    if _MISSING:
        pytest.skip(_MISSING)
    from reuse.engine.spark_session import spark_session

    session = spark_session("local[2]")
    yield session
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()  # this one, or a CLI run's successor
    (active or session).stop()


@pytest.fixture
def spark(spark_module):
    """The active local[2] session (a new one if a CLI run stopped the last)."""
    from reuse.engine.spark_session import spark_session

    return spark_session("local[2]")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("spark-corpus")
    generate(root / "generated", seed=3, n_cases=30, synthetic=True)
    shutil.copytree(REPO / "data", root / "docs" / "seeds")
    bad = root / "docs" / "bad"
    bad.mkdir()
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (bad / "empty.txt").write_bytes(b"")
    (bad / "corrupt.docx").write_bytes(b"PK\x03\x04 not really a zip")
    dated = root / "docs" / "dated"  # a date of each precision (documents.date_precision)
    dated.mkdir()
    (dated / "2025_工作报告.txt").write_text("各位代表：\n现在我代表政府报告工作。\n", "utf-8")
    (dated / "2024-03_月报.txt").write_text("本月工作情况。\n", "utf-8")
    (dated / "讲话.txt").write_text("讲话\n——2024年3月5日在全区大会上\n同志们：\n", "utf-8")
    return root


def _database(db: Path) -> dict[str, list]:
    """Everything a scan stores, with paths instead of ids where ids could differ."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        queries = {
            "documents": "SELECT doc_id, path, sha256, n_chars, n_norm_chars, n_passages, "
            "doc_date, date_source, date_evidence, date_precision, status, location, "
            "first_scan, last_scan, indexed_scan FROM documents ORDER BY path",
            "roots": "SELECT name, location FROM roots ORDER BY name",
            "passages": "SELECT * FROM passages ORDER BY doc_id, passage_no",
            "fingerprints": "SELECT * FROM fingerprints ORDER BY doc_id, pos",
            "lines": "SELECT * FROM lines ORDER BY ALL",
            "quotations": "SELECT * FROM quotations ORDER BY ALL",
            "pair_plans": "SELECT * FROM pair_plans ORDER BY ALL",
            "matches": "SELECT m.match_id, a.path, m.a_start, m.a_end, b.path, m.b_start, "
            "m.b_end, m.kind, m.source, round(m.similarity, 9), m.edit_distance, m.seeds, "
            "m.a_norm_start, m.a_norm_end, m.b_norm_start, m.b_norm_end, m.n_edits, "
            "r.path, m.first_seen_scan "
            "FROM live_matches m JOIN documents a ON a.doc_id = m.doc_a "
            "JOIN documents b ON b.doc_id = m.doc_b LEFT JOIN documents r ON r.doc_id = m.rep_doc "
            "ORDER BY m.match_id",
            "templates": "SELECT * FROM templates ORDER BY template_id",
            "template_members": "SELECT * FROM template_members ORDER BY ALL",
            "edits": "SELECT * FROM edits ORDER BY match_id, edit_no",
            "document_shares": "SELECT * FROM document_shares ORDER BY doc_id",
            "document_sources": "SELECT * FROM document_sources ORDER BY ALL",
            "groups": "SELECT * FROM groups ORDER BY group_id",
            "group_members": "SELECT * FROM group_members ORDER BY ALL",
            "group_matches": "SELECT * FROM group_matches ORDER BY ALL",
            "errors": "SELECT path, stage, message, severity FROM errors ORDER BY path",
            "scans": "SELECT scan_id, status, roots, parameters, n_files, n_new, n_changed, "
            "n_unchanged, n_deleted, n_errors, n_sketched, n_candidates, n_matches, "
            "n_new_matches, n_ignored, n_renamed, rebuilt FROM scans ORDER BY scan_id",
        }
        return {name: con.execute(sql).fetchall() for name, sql in queries.items()}
    finally:
        con.close()


def _assert_same(embedded: dict[str, list], spark: dict[str, list]) -> None:
    for table in embedded:
        assert len(spark[table]) == len(embedded[table]), table
        assert spark[table] == embedded[table], table


@pytest.fixture(scope="module")
def spark_scanned(spark_module, corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The corpus scanned by both engines: the embedded result and the Spark output folder."""
    from reuse.engine.spark import run_spark_scan

    work = tmp_path_factory.mktemp("spark-scan")
    sources = [str(corpus / "generated" / "docs"), str(corpus / "docs")]
    embedded = scan(sources, work / "embedded.duckdb", Config())
    manifest = run_spark_scan(spark_module, sources, work / "out", Config())
    return {"sources": sources, "embedded": embedded, "manifest": manifest, "work": work}


@needs_spark
def test_spark_engine_matches_embedded_engine(spark_scanned: dict, tmp_path: Path) -> None:
    sources, embedded, manifest = (spark_scanned[k] for k in ("sources", "embedded", "manifest"))
    work = spark_scanned["work"]
    imported = import_output(work / "out", tmp_path / "spark.duckdb")

    assert manifest["n_candidates"] == embedded.n_candidates > 0
    assert manifest["n_rejected"] == len(embedded.errors) == 3
    assert (imported.n_reuse, imported.n_boilerplate) == (embedded.n_reuse, embedded.n_boilerplate)
    assert embedded.n_reuse > 30
    a, b = _database(work / "embedded.duckdb"), _database(tmp_path / "spark.duckdb")
    _assert_same(a, b)
    assert {d[9] for d in b["documents"] if "/dated/" in d[1]} == {"year", "month", "day"}
    seed_pair = [m for m in b["matches"] if "000_" in m[1] and "004_" in m[4]]
    assert [(m[2], m[3], m[5], m[6]) for m in seed_pair] == [(17, 3321, 40, 3414)]
    assert len(b["edits"]) > 100 and b["groups"]

    # The imported database is an ordinary one: an embedded rescan finds nothing new.
    again = scan(sources, tmp_path / "spark.duckdb", Config())
    assert (again.n_unchanged, again.n_sketched, again.n_new_matches) == (len(a["documents"]), 0, 0)
    assert _database(tmp_path / "spark.duckdb")["matches"] == b["matches"]


@needs_spark
def test_a_killed_import_rerun_gives_the_same_database(
    spark_scanned: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reuse.engine import formulaic_lines

    out, db = spark_scanned["work"] / "out", tmp_path / "spark.duckdb"

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # as if the process died after the documents were stored

    monkeypatch.setattr(formulaic_lines, "store_matches", killed)
    with pytest.raises(KeyboardInterrupt):
        import_output(out, db)
    assert not db.exists() and (tmp_path / "spark.duckdb.importing").exists()
    monkeypatch.undo()
    import_output(out, db)
    assert not (tmp_path / "spark.duckdb.importing").exists()
    _assert_same(_database(spark_scanned["work"] / "embedded.duckdb"), _database(db))


@needs_spark
def test_bucket_limit_and_no_edits_agree(spark, corpus: Path, tmp_path: Path) -> None:
    from reuse.engine.spark import run_spark_scan

    config = Config.load(overrides={"candidates.max_bucket": 3, "scan.edits": False})
    sources = [str(corpus / "generated" / "docs")]
    embedded = scan(sources, tmp_path / "embedded.duckdb", config)
    manifest = run_spark_scan(spark, sources, tmp_path / "out", config, strategy="pairs")
    assert manifest["edits"] is False and manifest["align_join"] == "pairs"
    assert manifest["n_candidates"] == embedded.n_candidates
    unlimited = scan(sources, tmp_path / "unlimited.duckdb", Config())
    assert embedded.n_candidates < unlimited.n_candidates  # the limit did cut buckets
    import_output(tmp_path / "out", tmp_path / "spark.duckdb")
    a, b = _database(tmp_path / "embedded.duckdb"), _database(tmp_path / "spark.duckdb")
    _assert_same(a, b)
    assert not b["edits"]


def _stock_corpus(root: Path, seed: int = 11) -> None:
    """Reports dated in their file names: stock paragraph A in 7 of them and B in
    5 (a word or two changed in some copies, so template members have typed
    edits), and one pair sharing a paragraph of its own with a changed date."""
    sentences = [
        s
        for f in sorted((REPO / "data").glob("*.txt"))
        for s in re.findall(r"[^。！？\n]+[。！？]", f.read_text(encoding="utf-8"))
        if len(s) > 15
    ]
    han = sorted({c for s in sentences for c in s if "\u4e00" <= c <= "\u9fff"})
    rng = random.Random(seed)

    def doc(extra: str) -> str:
        body = [
            "".join(rng.choice(han) for _ in range(rng.randint(18, 40))) + "。" for _ in range(16)
        ]
        body[6:6] = [extra]
        return "\n".join(body) + "\n"

    stock_a, stock_b = "".join(sentences[60:65]), "".join(sentences[70:73])
    root.mkdir(parents=True)
    for i in range(14):
        extra = stock_a if i % 2 == 0 else (stock_b if i % 3 != 0 else "")
        if extra and i % 4 == 0:
            extra = extra[:30] + "二〇二四年" + extra[35:]
        (root / f"2024-03-{i + 10:02d}_report.txt").write_text(doc(extra), encoding="utf-8")
    # A rejected file among them: the Spark job's ids have a gap the import maps.
    (root / "2024-03-15_empty.txt").write_bytes(b"")
    own = "".join(sentences[80:84])
    (root / "2024-05-01_copy.txt").write_text(doc(own[:50] + "三月" + own[52:]), "utf-8")
    (root / "2024-05-02_source.txt").write_text(doc(own), encoding="utf-8")


@needs_spark
def test_templates_agree(spark, tmp_path: Path) -> None:
    """Stock text in at least T documents (pass 2 of the plan: each member aligned
    with its representative) gives the same templates, labels and typed edits,
    aligned through the block join."""
    from reuse.engine.spark import run_spark_scan

    config = Config.load(overrides={"templates.min_documents": 4, "boilerplate.min_df": 4})
    _stock_corpus(tmp_path / "stock")
    sources = [str(tmp_path / "stock")]
    embedded = scan(sources, tmp_path / "embedded.duckdb", config)
    manifest = run_spark_scan(spark, sources, tmp_path / "out", config, strategy="blocks")
    assert manifest["plan"]["pairs_2"] > 0 and manifest["plan"]["pairs_1"] > 0
    assert manifest["n_candidates"] == embedded.n_candidates
    imported = import_output(tmp_path / "out", tmp_path / "spark.duckdb")
    assert (imported.n_reuse, imported.n_templates) == (embedded.n_reuse, embedded.n_templates)
    a, b = _database(tmp_path / "embedded.duckdb"), _database(tmp_path / "spark.duckdb")
    _assert_same(a, b)
    kinds = {(m[7], m[17] is not None) for m in b["matches"]}
    assert {("template", True), ("reuse", False)} <= kinds
    assert any(t[1] == "template" for t in b["templates"])
    # Members of templates have typed edits; Spark typed every segment, the
    # import kept only what the embedded engine types (n_edits NULL elsewhere).
    typed = {m[0] for m in b["edits"]}
    members = {m[6] for m in b["template_members"] if m[6] is not None}
    assert typed & members
    assert any(m[16] is None and m[8] == "align" for m in b["matches"])


@needs_spark
def test_table_input_gives_the_file_scan_results(spark, corpus: Path, tmp_path: Path) -> None:
    """A JSON-lines table of (path, text) scans like the same texts as files
    (aligned through the block join; the other tests take the pair join)."""
    from reuse.engine.spark import run_spark_scan

    folder = corpus / "generated" / "docs"
    files = sorted(folder.iterdir())[:40]
    table = tmp_path / "table.jsonl"
    with table.open("w", encoding="utf-8") as fh:
        for path in files:
            fh.write(json.dumps({"path": str(path), "text": path.read_text("utf-8")}) + "\n")
    subset = tmp_path / "subset"
    subset.mkdir()
    for path in files:
        shutil.copy(path, subset / path.name)
    embedded = scan([str(subset)], tmp_path / "embedded.duckdb", Config())
    manifest = run_spark_scan(
        spark, [str(table)], tmp_path / "out", Config(), table_format="json", strategy="blocks"
    )
    assert manifest["align_join"] == "blocks" and manifest["align_blocks"] >= 2
    imported = import_output(tmp_path / "out", tmp_path / "spark.duckdb")
    assert imported.n_reuse == embedded.n_reuse > 0

    def spans(db: Path) -> list[tuple]:
        con = duckdb.connect(str(db), read_only=True)
        rows = con.execute(
            "SELECT regexp_extract(a.path, '[^/]+$'), a_start, a_end, "
            "regexp_extract(b.path, '[^/]+$'), b_start, b_end, kind FROM live_matches m "
            "JOIN documents a ON a.doc_id = m.doc_a JOIN documents b ON b.doc_id = m.doc_b "
            "ORDER BY ALL"
        ).fetchall()
        con.close()
        return rows

    assert spans(tmp_path / "spark.duckdb") == spans(tmp_path / "embedded.duckdb")


@needs_spark
def test_cli_spark_scan_and_import(corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    db = tmp_path / "cli.duckdb"
    seeds = str(corpus / "docs" / "seeds")
    result = runner.invoke(app, ["scan", seeds, "--db", str(db), "--engine", "spark", "-q"])
    assert result.exit_code == 0, result.output
    assert read_manifest(tmp_path / "cli.duckdb.spark")["n_documents"] == 5
    report = runner.invoke(app, ["report", "--db", str(db)])
    assert "A[17:3321] B[40:3414]" in report.output
    # A second Spark scan into the same database is refused before Spark starts.
    again = runner.invoke(app, ["scan", seeds, "--db", str(db), "--engine", "spark"])
    assert again.exit_code == 1 and "already holds documents" in " ".join(again.output.split())
    # The folder imports into another database with the same result.
    other = tmp_path / "other.duckdb"
    imported = runner.invoke(
        app, ["import", str(tmp_path / "cli.duckdb.spark"), "--db", str(other)]
    )
    assert imported.exit_code == 0, imported.output
    assert _database(other)["matches"] == _database(db)["matches"]


def test_import_refuses_what_is_not_an_output_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no manifest.json"):
        import_output(tmp_path, tmp_path / "x.duckdb")
    (tmp_path / "manifest.json").write_text(json.dumps({"layout": 99}))
    with pytest.raises(StoreError, match="layout 99"):
        read_manifest(tmp_path)


def test_missing_java_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pyspark")
    from reuse.engine import spark_session as spark_engine

    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(spark_engine.shutil, "which", lambda name: None)
    with pytest.raises(EngineUnavailableError, match="Java 17"):
        spark_engine.check_spark()


def test_missing_pyspark_is_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import sys

    from reuse.engine import spark_session as spark_engine

    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark raises ImportError
    with pytest.raises(EngineUnavailableError, match=r"reuse\[spark\]"):
        spark_engine.check_spark()
    runner = CliRunner()
    result = runner.invoke(
        app, ["scan", str(REPO / "data"), "--engine", "spark", "--db", str(tmp_path / "x.db")]
    )
    assert result.exit_code == 1 and "pip install" in " ".join(result.output.split())


def test_a_spark_setting_must_be_key_equals_value(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    args = ["scan", str(REPO / "data"), "--engine", "spark", "--spark-conf", "memory", "--db"]
    result = CliRunner().invoke(app, [*args, str(db)])
    assert result.exit_code == 1 and "KEY=VALUE" in result.output
    assert not db.exists()


@needs_spark
def test_parquet_table_of_file_bytes_scans_like_the_files(
    spark, corpus: Path, tmp_path: Path
) -> None:
    """A parquet table of (path, content) decodes each row like the file it was
    read from: the seeds match as files do, and bad bytes are recorded errors.
    A table's ``path`` is the document's identity as given; here, the one the
    file scan gives (the root's name, then the path in it)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from reuse.engine.spark import run_spark_scan

    folder = corpus / "docs"
    suffixes = Config().ingest.suffixes  # a table is taken whole; a folder by suffix
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in suffixes)
    table = pa.table(
        {
            "path": [f"docs/{p.relative_to(folder).as_posix()}" for p in files],
            "content": [p.read_bytes() for p in files],
        }
    )
    pq.write_table(table, tmp_path / "files.parquet")
    embedded = scan([str(folder)], tmp_path / "embedded.duckdb", Config())
    manifest = run_spark_scan(
        spark, [str(tmp_path / "files.parquet")], tmp_path / "out", Config(), "parquet"
    )
    imported = import_output(tmp_path / "out", tmp_path / "spark.duckdb")
    assert manifest["n_files"] == len(files) and manifest["n_rejected"] == 3
    assert sorted((Path(e.path).name, e.stage) for e in imported.errors) == sorted(
        (Path(e.path).name, e.stage) for e in embedded.errors
    )
    a, b = _database(tmp_path / "embedded.duckdb"), _database(tmp_path / "spark.duckdb")
    assert b["matches"] == a["matches"] and b["passages"] == a["passages"]


def test_spark_job_refuses_a_bad_setting_or_a_used_database_before_starting(
    tmp_path: Path,
) -> None:
    from jobs.spark_scan import main

    out = tmp_path / "out"
    assert main([str(REPO / "data"), "--output", str(out), "--conf", "memory"]) == 1
    used = tmp_path / "used.duckdb"
    scan([str(REPO / "data")], used, Config())
    assert main([str(REPO / "data"), "--output", str(out), "--db", str(used)]) == 1
    assert not out.exists()  # no Spark job ran
