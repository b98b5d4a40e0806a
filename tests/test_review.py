"""Review features end to end: similarity reports, groups, provenance, typed edits,
quotations, verdicts, exports and the schema migration, driven through scans and the CLI."""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import DATA, SEED_A, SEED_B, write
from typer.testing import CliRunner

from reuse import Config, scan
from reuse.cli import app

runner = CliRunner()

SENTENCES = [
    s
    for f in sorted(DATA.glob("*.txt"))
    for s in re.findall(r"[^。！？\n]+[。！？]", f.read_text(encoding="utf-8"))
    if len(s) > 15
]


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def body(rng: random.Random, n: int) -> str:
    return "".join(rng.sample(SENTENCES, n))


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_seed_similarity_report_names_000_as_the_single_source(seeds_db: Path) -> None:
    result = invoke("report", "--db", str(seeds_db), "--doc", SEED_B, "--format", "json")
    sim = json.loads(result.output)["similarity"]
    assert sim["n_sources"] == 1
    assert Path(sim["largest_source"]).name == SEED_A
    assert sim["largest_source_share"] > 0.85 and sim["share"] > 0.85
    assert sim["share"] == sim["copied_chars"] / sim["n_chars"]
    (source,) = sim["sources"]
    assert Path(source["path"]).name == SEED_A and source["share"] == sim["share"]
    text = invoke("report", "--db", str(seeds_db), "--doc", SEED_B).output
    assert "largest single source" in text and SEED_A in text
    # The same figures as SQL, for the whole corpus.
    ranked = rows(
        seeds_db, "SELECT path, share, share_excluding FROM document_similarity ORDER BY share DESC"
    )
    assert {Path(ranked[0][0]).name, Path(ranked[1][0]).name} == {SEED_A, SEED_B}
    assert all(0.0 <= s_ex <= s <= 1.0 for _, s, s_ex in ranked)


def test_per_section_shares(tmp_path: Path) -> None:
    picked = random.Random(3).sample(SENTENCES, 22)  # three disjoint runs of sentences
    copied, own_a, own_b = "".join(picked[:8]), "".join(picked[8:16]), "".join(picked[16:])
    a = f"总体情况。\n一、工作回顾\n{copied}\n二、下步打算\n{own_a}\n"
    b = f"新闻稿开头。\n{copied}\n{own_b}\n"
    write(tmp_path / "c" / "a.txt", a)
    write(tmp_path / "c" / "b.txt", b)
    db = tmp_path / "r.duckdb"
    scan([tmp_path / "c"], db, Config())
    result = invoke("report", "--db", str(db), "--doc", "a.txt", "--format", "json")
    sections = {s["title"]: s for s in json.loads(result.output)["similarity"]["sections"]}
    assert sections["一、工作回顾"]["share"] > 0.8
    assert sections["二、下步打算"]["share"] < 0.1


def test_twelve_documents_sharing_a_stock_paragraph_are_one_template(tmp_path: Path) -> None:
    rng = random.Random(12)
    stock = "".join(SENTENCES[100:106])
    for i in range(12):
        write(tmp_path / "c" / f"district_{i:02d}.txt", body(rng, 10) + stock + body(rng, 10))
    db = tmp_path / "g.duckdb"
    scan([tmp_path / "c"], db, Config())
    templates = rows(
        db, "SELECT template_id, n_documents, n_members FROM templates WHERE kind = 'template'"
    )
    assert len(templates) == 1 and templates[0][1] == 12, "one template, not 66 pairs"
    members = rows(
        db,
        "SELECT d.path, m.start_offset, m.end_offset, d.text FROM template_members m "
        "JOIN documents d USING (doc_id) WHERE template_id = ?",
        [templates[0][0]],
    )
    whole = {path for path, start, end, text in members if stock[20:-20] in text[start:end]}
    assert len(whole) == 12, "each document holds the whole paragraph as an occurrence"
    # (A random sentence of the stock paragraph elsewhere in a document is a
    # second, shorter occurrence.) No pairwise reuse is reported for it: a
    # reuse match may run into it from text two documents share besides.
    inside_stock = rows(
        db,
        "SELECT count(*) FROM live_matches m JOIN documents d ON d.doc_id = m.doc_a "
        "WHERE m.kind = 'reuse' AND m.a_start >= strpos(d.text, ?) - 1 "
        "AND m.a_end <= strpos(d.text, ?) - 1 + ?",
        [stock, stock, len(stock)],
    )
    assert inside_stock == [(0,)]
    listed = json.loads(invoke("templates", "--db", str(db), "--format", "json").output)
    assert listed[0]["n_documents"] == 12 and stock[20:60] in listed[0]["text"]
    queried = json.loads(invoke("query", "templates", "--db", str(db), "--format", "json").output)
    assert [(r["n_documents"], Path(r["earliest_path"]).name) for r in queried] == [
        (12, "district_00.txt")
    ]


def test_five_documents_sharing_a_paragraph_are_one_group(tmp_path: Path) -> None:
    rng = random.Random(12)
    stock = "".join(SENTENCES[100:106])
    for i in range(5):
        write(tmp_path / "c" / f"district_{i:02d}.txt", body(rng, 10) + stock + body(rng, 10))
    db = tmp_path / "g.duckdb"
    result = scan([tmp_path / "c"], db, Config())
    assert result.n_groups >= 1
    groups = rows(db, "SELECT group_id, n_documents, n_members FROM groups ORDER BY group_id")
    assert groups[0][1:] == (5, 5)
    members = rows(
        db,
        "SELECT d.path, m.start_offset, m.end_offset, d.text FROM group_members m "
        "JOIN documents d USING (doc_id) WHERE group_id = 1",
    )
    for _, start, end, text in members:
        assert stock[20:-20] in text[start:end]
    out = json.loads(invoke("groups", "--db", str(db), "--format", "json").output)
    assert out[0]["n_documents"] == 5 and len(out[0]["members"]) == 5
    listed = json.loads(invoke("query", "reuse_groups", "--db", str(db), "--format", "json").output)
    assert {r["group_id"] for r in listed} >= {1}


def test_provenance_picks_the_earliest_dated_document(tmp_path: Path) -> None:
    rng = random.Random(5)
    shared = body(rng, 10)
    write(tmp_path / "c" / "report.txt", f"{shared}\n{body(rng, 4)}\n\n二〇二三年三月五日\n")
    write(tmp_path / "c" / "news.txt", f"本报讯 2024年1月8日\n{body(rng, 3)}{shared}\n")
    write(tmp_path / "c" / "2022-11-30_notice.txt", f"通知\n{body(rng, 4)}{shared}\n")
    db = tmp_path / "p.duckdb"
    scan([tmp_path / "c"], db, Config())
    dates = {
        Path(p).name: (str(d), src)
        for p, d, src in rows(db, "SELECT path, doc_date, date_source FROM documents")
    }
    assert dates == {
        "report.txt": ("2023-03-05", "text"),
        "news.txt": ("2024-01-08", "text"),
        "2022-11-30_notice.txt": ("2022-11-30", "file name"),
    }
    data = json.loads(invoke("provenance", "--db", str(db), "--format", "json").output)
    assert len(data) == 3
    verdicts = {
        frozenset((Path(r["path_a"]).name, Path(r["path_b"]).name)): Path(r["source"]).name
        for r in data
    }
    assert verdicts[frozenset(("report.txt", "news.txt"))] == "report.txt"
    assert all(
        src == "2022-11-30_notice.txt"
        for pair, src in verdicts.items()
        if "2022-11-30_notice.txt" in pair
    )
    assert all("dates:" in r["evidence"] for r in data)
    who = json.loads(invoke("query", "who_copied_whom", "--db", str(db), "--format", "json").output)
    assert {Path(r["source"]).name for r in who} == {"2022-11-30_notice.txt", "report.txt"}


def test_place_name_insertions_found_by_the_shipped_query(tmp_path: Path) -> None:
    rng = random.Random(9)
    sentences = rng.sample(SENTENCES, 14)
    original = "".join(sentences)
    # The republication inserts place names before two sentences, nothing else.
    republished = "".join(
        ("无锡市" if i == 3 else "江苏省" if i == 9 else "") + s for i, s in enumerate(sentences)
    )
    write(tmp_path / "c" / "a.txt", original + "\n")
    write(tmp_path / "c" / "b.txt", republished + "\n")
    other = body(rng, 12)
    write(tmp_path / "c" / "x.txt", other + "\n")
    write(tmp_path / "c" / "y.txt", other.replace("发展", "进步", 2) + "\n")
    db = tmp_path / "e.duckdb"
    scan([tmp_path / "c"], db, Config())
    edits = rows(db, "SELECT op, new_text, category, pos FROM edits ORDER BY match_id, edit_no")
    assert ("insert", "无锡市", "place") in [e[:3] for e in edits]
    found = json.loads(
        invoke("query", "only_place_names_changed", "--db", str(db), "--format", "json").output
    )
    assert [(Path(r["path_a"]).name, Path(r["path_b"]).name) for r in found] == [("a.txt", "b.txt")]
    assert found[0]["place_edits"] == 2
    # Offsets are original offsets: each edit's text is where it says.
    for old, new, a0, a1, b0, b1, ta, tb in rows(
        db,
        "SELECT e.old_text, e.new_text, e.a_start, e.a_end, e.b_start, e.b_end, da.text, db.text "
        "FROM edits e JOIN matches m USING (match_id) JOIN documents da ON da.doc_id = m.doc_a "
        "JOIN documents db ON db.doc_id = m.doc_b",
    ):
        assert ta[a0:a1] == old and tb[b0:b1] == new


def test_seed_caption_is_an_inserted_caption(seeds_db: Path) -> None:
    found = json.loads(
        invoke("query", "inserted_furniture", "--db", str(seeds_db), "--format", "json").output
    )
    assert any(r["category"] == "caption" and Path(r["inserted_in"]).name == SEED_B for r in found)


def test_quoted_passage_is_marked_quotation_not_hidden(tmp_path: Path) -> None:
    rng = random.Random(21)
    quoted = body(rng, 8)
    write(tmp_path / "c" / "source.txt", body(rng, 6) + quoted + body(rng, 6) + "\n")
    write(tmp_path / "c" / "essay.txt", body(rng, 6) + "正如文件所说：“" + quoted + "”" + "\n")
    db = tmp_path / "q.duckdb"
    scan([tmp_path / "c"], db, Config())
    sides = rows(
        db,
        "SELECT d.path, s.side_kind FROM match_sides s JOIN documents d USING (doc_id) "
        "WHERE s.kind = 'reuse'",
    )
    kinds = {Path(p).name: k for p, k in sides}
    assert kinds == {"source.txt": "reuse", "essay.txt": "quotation"}
    sim = {
        Path(p).name: (share, excluding)
        for p, share, excluding in rows(
            db, "SELECT path, share, share_excluding FROM document_similarity"
        )
    }
    assert sim["essay.txt"][0] == 0.0, "quoted text is counted apart, not as copied"
    (quoted,) = rows(
        db,
        "SELECT s.quoted_chars::DOUBLE / s.n_chars FROM document_shares s "
        "JOIN documents d USING (doc_id) WHERE d.path LIKE '%essay.txt'",
    )[0]
    assert quoted > 0.3
    assert sim["source.txt"][1] > 0.3
    listed = json.loads(invoke("query", "quotations", "--db", str(db), "--format", "json").output)
    assert [Path(r["quoting_document"]).name for r in listed] == ["essay.txt"]


def test_verdict_survives_a_full_rescan_and_suppresses_the_match(
    tmp_path: Path, seed_dir: Path
) -> None:
    db = tmp_path / "v.duckdb"
    scan([seed_dir], db, Config())
    (match_id,) = rows(db, "SELECT match_id FROM live_matches WHERE kind = 'reuse'")[0]
    result = invoke(
        "review", str(match_id), "--verdict", "ignored", "--note", "approved", "--db", str(db)
    )
    assert result.exit_code == 0, result.output
    report = json.loads(invoke("report", "--db", str(db), "--format", "json").output)
    assert report["pairs"] == [] and report["ignored"] == 1
    assert "1 match(es) ignored" in invoke("report", "--db", str(db)).output
    # A full rescan: other detection parameters index and align every document again,
    # and the same passages come back under a new match_id.
    again = scan([seed_dir], db, Config.load(None, {"candidates.threshold": 0.45}))
    assert again.rebuilt
    (new_id,) = rows(db, "SELECT match_id FROM live_matches WHERE kind = 'reuse'")[0]
    assert new_id != match_id
    assert again.n_ignored == 1 and again.n_new_matches == 0
    report = json.loads(invoke("report", "--db", str(db), "--format", "json").output)
    assert report["pairs"] == [] and report["ignored"] == 1
    sim = json.loads(invoke("report", "--db", str(db), "--doc", SEED_B, "--format", "json").output)[
        "similarity"
    ]
    assert sim["n_ignored"] == 1 and sim["share_excluding"] < 0.05
    verdicts = json.loads(invoke("query", "verdicts", "--db", str(db), "--format", "json").output)
    assert verdicts[0]["live_match_id"] == new_id and verdicts[0]["verdict"] == "ignored"
    assert (
        json.loads(invoke("query", "new_matches", "--db", str(db), "--format", "json").output) == []
    )
    # Confirming it brings it back.
    invoke("review", str(new_id), "--verdict", "confirmed", "--db", str(db))
    assert (
        len(json.loads(invoke("report", "--db", str(db), "--format", "json").output)["pairs"]) == 1
    )
    assert invoke("review", "999999", "--verdict", "ignored", "--db", str(db)).exit_code == 1


def test_verdicts_are_a_history_and_a_note_is_never_erased(
    tmp_path: Path, seed_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "h.duckdb"
    scan([seed_dir], db, Config())
    ids = [str(m) for (m,) in rows(db, "SELECT match_id FROM live_matches ORDER BY match_id")]
    assert len(ids) >= 3
    monkeypatch.setenv("REUSE_REVIEWER", "ann")
    first = invoke("review", ids[0], "--verdict", "confirmed", "--note", "copied", "--db", str(db))
    assert first.exit_code == 0, first.output
    # A second verdict without a note keeps the note; it is ben's, now.
    second = invoke("review", ids[0], "--verdict", "ignored", "--reviewer", "ben", "--db", str(db))
    assert second.exit_code == 0, second.output
    current = rows(db, "SELECT verdict, note, reviewer, n_verdicts FROM current_verdicts")
    assert current == [("ignored", "copied", "ben", 2)]
    history = json.loads(
        invoke("query", "verdict_history", "--db", str(db), "--format", "json").output
    )
    assert [(h["verdict"], h["note"], h["reviewer"]) for h in history] == [
        ("ignored", None, "ben"),
        ("confirmed", "copied", "ann"),
    ]
    # Many ids at once, all or none.
    many = invoke(
        "review", *ids[1:3], "--verdict", "ignored", "--note", "template", "--db", str(db)
    )
    assert many.exit_code == 0, many.output
    assert rows(db, "SELECT count(*) FROM reviewed_matches WHERE verdict = 'ignored'") == [(3,)]
    bad = invoke("review", ids[0], "999999", "--verdict", "confirmed", "--db", str(db))
    assert bad.exit_code == 1 and "999999" in bad.output
    assert rows(db, "SELECT count(*) FROM verdicts") == [(4,)], "nothing of a refused call"


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_export_has_both_passages(seeds_db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"m.{fmt}"
    result = invoke("export", "--db", str(seeds_db), "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        with out.open(encoding="utf-8") as f:
            items = list(csv.DictReader(f))
    elif fmt == "json":
        items = json.loads(out.read_text(encoding="utf-8"))
    else:
        items = pq.read_table(out).to_pylist()
    reuse = [r for r in items if r["kind"] == "reuse"]
    assert len(reuse) == 1
    a = (DATA / SEED_A).read_text(encoding="utf-8")
    row = reuse[0]
    assert row["text_a"] == a[int(row["a_start"]) : int(row["a_end"])]
    assert len(row["text_b"]) > 3000


def test_every_report_command_speaks_json(seeds_db: Path) -> None:
    for args in (
        ["report"],
        ["report", "--doc", SEED_A],
        ["similarity"],
        ["groups"],
        ["provenance"],
        ["show", "1"],
    ):
        result = invoke(*args, "--db", str(seeds_db), "--format", "json")
        assert result.exit_code == 0, (args, result.output)
        json.loads(result.output)


def test_edits_left_for_a_later_scan_when_off(tmp_path: Path, seed_dir: Path) -> None:
    db = tmp_path / "off.duckdb"
    scan([seed_dir], db, Config.load(None, {"scan.edits": False}))
    assert rows(db, "SELECT count(*) FROM edits")[0][0] == 0
    assert rows(db, "SELECT count(*) FROM matches WHERE n_edits IS NOT NULL")[0][0] == 0
    scan([seed_dir], db, Config())  # nothing changed on disk: only the backlog of edits
    fresh = tmp_path / "fresh.duckdb"
    scan([seed_dir], fresh, Config())
    query = "SELECT * FROM edits ORDER BY match_id, edit_no"
    assert rows(db, query) == rows(fresh, query) and rows(db, query)


def test_reports_on_an_old_database_say_how_to_migrate(tmp_path: Path, seed_dir: Path) -> None:
    db = tmp_path / "old.duckdb"
    scan([seed_dir], db, Config())
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    result = invoke("report", "--db", str(db))
    assert result.exit_code == 1
    said = " ".join(result.output.split())  # the message wraps where the temporary path ends
    assert "schema version 1" in said and "to migrate" in said


def test_document_date_from_docx_metadata(tmp_path: Path) -> None:
    import datetime as dt

    import docx

    document = docx.Document()
    document.add_paragraph("关于做好年度工作的通知。" * 5)
    document.core_properties.created = dt.datetime(2021, 6, 7, 9, 30)
    target = tmp_path / "c" / "notice.docx"
    target.parent.mkdir()
    document.save(str(target))
    write(tmp_path / "c" / "2020-01-02 plain.txt", "正文。" * 20)
    db = tmp_path / "d.duckdb"
    scan([tmp_path / "c"], db, Config())
    dates = {
        Path(p).name: (str(d), src)
        for p, d, src in rows(db, "SELECT path, doc_date, date_source FROM documents")
    }
    assert dates == {
        "notice.docx": ("2021-06-07", "metadata"),
        "2020-01-02 plain.txt": ("2020-01-02", "file name"),
    }
    # New parameters, and a scan of the other file only: the .docx, outside the
    # scanned roots, is indexed again from its stored text, and keeps its metadata date.
    again = scan(
        [tmp_path / "c" / "2020-01-02 plain.txt"],
        db,
        Config.load(None, {"candidates.threshold": 0.45}),
    )
    assert again.rebuilt and again.n_sketched == 2
    assert rows(db, "SELECT date_source FROM documents WHERE path LIKE '%.docx'") == [("metadata",)]


def test_an_ignored_match_leaves_its_group_at_the_next_scan(tmp_path: Path, seed_dir: Path) -> None:
    db = tmp_path / "g.duckdb"
    scan([seed_dir], db, Config())
    assert rows(db, "SELECT n_documents FROM groups") == [(2,)]
    (match_id,) = rows(db, "SELECT match_id FROM live_matches WHERE kind = 'reuse'")[0]
    invoke("review", str(match_id), "--verdict", "ignored", "--db", str(db))
    again = scan([seed_dir], db, Config())  # nothing changed on disk
    assert again.n_sketched == 0
    assert rows(db, "SELECT count(*) FROM groups") == [(0,)]
