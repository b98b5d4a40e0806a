"""End-to-end scans: the seed pair, offsets, rescans, and a noisy copied corpus."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from conftest import DATA, SEED_A, SEED_B, write
from rapidfuzz.distance import Levenshtein

from jobs.evaluation.scan_tables import match_table
from reuse import Config, scan
from reuse.text.normalise import normalise
from reuse.text.spans import SpanUnion


def _docs(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    return {
        os.path.basename(p): (d, t)
        for d, p, t in con.execute("SELECT doc_id, path, text FROM live_documents").fetchall()
    }


def _matches(con: duckdb.DuckDBPyConnection, kind: str | None = None) -> list[dict]:
    sql = (
        "SELECT match_id, doc_a, a_start, a_end, doc_b, b_start, b_end, similarity, "
        "edit_distance, kind, a_norm_start, a_norm_end, b_norm_start, b_norm_end "
        "FROM live_matches"
    )
    cur = con.execute(sql + (" WHERE kind = ?" if kind else ""), [kind] if kind else [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def check_offsets(db: Path) -> int:
    """Every match: stored distance is the real Levenshtein distance of the normalised
    passages cut at the stored original offsets, and similarity is not overstated."""
    con = duckdb.connect(str(db), read_only=True)
    texts = {d: t for d, t in con.execute("SELECT doc_id, text FROM documents").fetchall()}
    rows = _matches(con)
    for m in rows:
        ta = texts[m["doc_a"]][m["a_start"] : m["a_end"]]
        tb = texts[m["doc_b"]][m["b_start"] : m["b_end"]]
        na, nb = normalise(ta).text, normalise(tb).text
        assert na == normalise(texts[m["doc_a"]]).text[m["a_norm_start"] : m["a_norm_end"]]
        assert nb == normalise(texts[m["doc_b"]]).text[m["b_norm_start"] : m["b_norm_end"]]
        distance = Levenshtein.distance(na, nb)
        assert distance == m["edit_distance"], m
        assert 1 - distance / max(len(na), len(nb)) >= m["similarity"] - 1e-9
        assert ta.strip() == ta, "a passage never starts or ends with white space"
    con.close()
    return len(rows)


def test_seed_pair_found_and_covered(seeds_db: Path) -> None:
    con = duckdb.connect(str(seeds_db), read_only=True)
    docs = _docs(con)
    a_id, a_text = docs[SEED_A]
    b_id, b_text = docs[SEED_B]
    reuse = [m for m in _matches(con, "reuse") if {m["doc_a"], m["doc_b"]} == {a_id, b_id}]
    assert 1 <= len(reuse) <= 3
    # The news article's headline (first line) and byline (the closing parenthesis).
    lines = [ln for ln in b_text.splitlines() if ln.strip()]
    headline = normalise(lines[0]).text
    byline = normalise(b_text[b_text.rindex("（记者") :]).text
    n_a = len(normalise(a_text).text)
    n_b = len(normalise(b_text).text) - len(headline) - len(byline)
    a_side = "a" if reuse[0]["doc_a"] == a_id else "b"
    b_side = "b" if a_side == "a" else "a"
    covered_a = SpanUnion(
        (m[f"{a_side}_norm_start"], m[f"{a_side}_norm_end"]) for m in reuse
    ).length
    covered_b = SpanUnion(
        (m[f"{b_side}_norm_start"], m[f"{b_side}_norm_end"]) for m in reuse
    ).length
    assert covered_a / n_a >= 0.95
    assert covered_b / n_b >= 0.95
    con.close()


def test_other_seed_pairs_share_only_stock_phrases(seeds_db: Path) -> None:
    con = duckdb.connect(str(seeds_db), read_only=True)
    docs = _docs(con)
    pair = {docs[SEED_A][0], docs[SEED_B][0]}
    shared: dict[tuple[int, int], int] = {}
    for m in _matches(con, "reuse"):
        if {m["doc_a"], m["doc_b"]} == pair:
            continue
        key = (m["doc_a"], m["doc_b"])
        shared[key] = shared.get(key, 0) + m["a_end"] - m["a_start"]
    assert all(chars <= 60 for chars in shared.values()), shared
    con.close()


@pytest.mark.parametrize("name", [SEED_A, "001_4a694d3472b740c6.txt", "002_66caa9cd159b2e3a.txt"])
def test_formulaic_opening_and_closing_are_boilerplate(seeds_db: Path, name: str) -> None:
    con = duckdb.connect(str(seeds_db), read_only=True)
    doc_id, text = _docs(con)[name]
    spans = []
    for m in _matches(con, "boilerplate"):
        if m["doc_a"] == doc_id:
            spans.append(text[m["a_start"] : m["a_end"]])
        if m["doc_b"] == doc_id:
            spans.append(text[m["b_start"] : m["b_end"]])
    assert "尊敬的各位领导，同志们：" in spans
    assert "汇报完毕，不妥之处，请各位领导批评指正，谢谢大家！" in spans
    con.close()


def test_seed_offsets_are_exact(seeds_db: Path) -> None:
    assert check_offsets(seeds_db) >= 5


def test_rescan_skips_unchanged_and_duplicates_nothing(seed_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    first = scan([seed_dir], db)
    assert first.n_new == 5
    con = duckdb.connect(str(db), read_only=True)
    before = con.execute(
        "SELECT * EXCLUDE (first_seen_scan) FROM matches ORDER BY match_id"
    ).fetchall()
    con.close()
    second = scan([seed_dir], db)
    assert (second.n_new, second.n_unchanged, second.n_sketched) == (0, 5, 0)
    con = duckdb.connect(str(db), read_only=True)
    after = con.execute(
        "SELECT * EXCLUDE (first_seen_scan) FROM matches ORDER BY match_id"
    ).fetchall()
    assert after == before
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
    con.close()


def test_rescan_after_edit_and_delete(seed_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    scan([seed_dir], db)
    target = seed_dir / SEED_B
    target.write_text("新的标题\n" + target.read_text(encoding="utf-8"), encoding="utf-8")
    (seed_dir / "003_632305c238c50ae2.txt").unlink()
    result = scan([seed_dir], db)
    assert (result.n_changed, result.n_deleted, result.n_sketched) == (1, 1, 1)
    con = duckdb.connect(str(db), read_only=True)
    docs = _docs(con)
    assert "003_632305c238c50ae2.txt" not in docs
    assert (
        con.execute("SELECT count(*) FROM documents WHERE deleted_at IS NOT NULL").fetchone()[0]
        == 1
    )
    pair = {docs[SEED_A][0], docs[SEED_B][0]}
    reuse = [m for m in _matches(con, "reuse") if {m["doc_a"], m["doc_b"]} == pair]
    assert reuse, "the edited article still matches the speech"
    con.close()
    assert check_offsets(db) >= 1
    # A fresh scan of the final corpus finds the same matches at the same offsets.
    fresh = tmp_path / "fresh.duckdb"
    scan([seed_dir], fresh)

    def keyed(path: Path) -> set[tuple]:
        c = duckdb.connect(str(path), read_only=True)
        rows = c.execute(
            "SELECT da.path, a_start, a_end, db.path, b_start, b_end, kind, edit_distance "
            "FROM live_matches m JOIN documents da ON da.doc_id = m.doc_a "
            "JOIN documents db ON db.doc_id = m.doc_b"
        ).fetchall()
        c.close()
        return {tuple(sorted([(r[0], r[1], r[2]), (r[3], r[4], r[5])])) + r[6:] for r in rows}

    assert keyed(db) == keyed(fresh)


NOISE_SOURCE = (DATA / SEED_A).read_text(encoding="utf-8")


def _noisy_copy(passage: str) -> str:
    """The passage as a careless republication has it: page break inside a word,
    a caption inserted mid-sentence, full-width digits, changed characters."""
    mid = len(passage) // 2
    out = passage[:mid] + "\n\n- 12 -\n\n" + passage[mid:]
    comma = out.find("，", len(out) * 3 // 4)
    out = out[:comma] + "\n（图为活动现场。记者 张三 摄）\n" + out[comma:]
    out = out.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return out.replace("党建", "党務", 2)


def test_noisy_copy_found_with_exact_offsets(tmp_path: Path) -> None:
    host = (DATA / "003_632305c238c50ae2.txt").read_text(encoding="utf-8")
    start = NOISE_SOURCE.index("建立网格化组织架构")
    passage = NOISE_SOURCE[start : start + 700]
    copied = _noisy_copy(passage)
    cut = host.index("。", len(host) // 2) + 1
    target_text = host[:cut] + copied + host[cut:]
    corpus = tmp_path / "c"
    write(corpus / "source.txt", NOISE_SOURCE)
    write(corpus / "target.txt", target_text)
    write(corpus / "host.txt", host)
    db = tmp_path / "n.duckdb"
    scan([corpus], db)
    con = duckdb.connect(str(db), read_only=True)
    docs = _docs(con)
    src_id, tgt_id = docs["source.txt"][0], docs["target.txt"][0]
    found = [m for m in _matches(con, "reuse") if {m["doc_a"], m["doc_b"]} == {src_id, tgt_id}]
    con.close()
    assert len(found) == 1, "caption and page number tolerated inside one segment"
    m = found[0]
    src_side = "a" if m["doc_a"] == src_id else "b"
    tgt_side = "b" if src_side == "a" else "a"
    s0, s1 = m[f"{src_side}_start"], m[f"{src_side}_end"]
    t0, t1 = m[f"{tgt_side}_start"], m[f"{tgt_side}_end"]
    overlap_src = max(0, min(s1, start + len(passage)) - max(s0, start))
    assert overlap_src >= 0.95 * len(passage)
    assert t0 >= cut - 5 and t1 <= cut + len(copied) + 5
    assert check_offsets(db) >= 1


def test_english_reuse_is_found(tmp_path: Path) -> None:
    shared = (
        "The committee reviewed the annual budget in detail. It found that spending on "
        "public transport had doubled since the previous review. Members asked the "
        "ministry to publish the full accounts before the next session of parliament. "
        "The chair noted that several projects had been delayed by procurement disputes. "
    )
    a = "Opening remarks about the weather and the harvest were made by the mayor. " + shared
    b = shared + "Closing remarks thanked the staff of the library for their hospitality."
    write(tmp_path / "en" / "a.txt", a)
    write(tmp_path / "en" / "b.txt", b)
    db = tmp_path / "en.duckdb"
    result = scan([tmp_path / "en"], db)
    assert result.n_reuse == 1
    con = duckdb.connect(str(db), read_only=True)
    m = _matches(con, "reuse")[0]
    text_a = con.execute("SELECT text FROM documents WHERE doc_id = ?", [m["doc_a"]]).fetchone()[0]
    con.close()
    assert text_a[m["a_start"] : m["a_end"]].strip() == shared.strip()


def test_results_are_deterministic(seed_dir: Path, tmp_path: Path) -> None:
    def dump(db: Path) -> list[tuple]:
        scan([seed_dir], db)
        con = duckdb.connect(str(db), read_only=True)
        rows = con.execute(
            "SELECT * EXCLUDE (deleted_at) FROM matches ORDER BY match_id"
        ).fetchall()
        con.close()
        return rows

    assert dump(tmp_path / "1.duckdb") == dump(tmp_path / "2.duckdb")


def test_bad_files_are_recorded_and_the_scan_goes_on(seed_dir: Path, tmp_path: Path) -> None:
    (seed_dir / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (seed_dir / "empty.txt").write_bytes(b"")
    db = tmp_path / "bad.duckdb"
    result = scan([seed_dir], db)
    assert result.status == "ok_with_errors"
    assert {Path(e.path).name for e in result.errors} == {"binary.txt", "empty.txt"}
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM errors").fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
    con.close()


def test_changed_parameters_rebuild(seed_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    scan([seed_dir], db)
    result = scan([seed_dir], db, Config.load(overrides={"candidates.threshold": 0.6}))
    assert result.rebuilt and result.n_sketched == 5
    assert check_offsets(db) >= 1


def test_traditional_copy_matches_its_simplified_original(tmp_path: Path) -> None:
    import opencc

    original = (DATA / SEED_A).read_text(encoding="utf-8")
    traditional = opencc.OpenCC("s2t").convert(original)
    assert traditional != original
    write(tmp_path / "t" / "simplified.txt", original)
    write(tmp_path / "t" / "traditional.txt", traditional, encoding="utf-16")
    db = tmp_path / "t.duckdb"
    result = scan([tmp_path / "t"], db)
    assert result.n_reuse == 1
    con = duckdb.connect(str(db), read_only=True)
    (m,) = _matches(con, "reuse")
    docs = {d: t for d, t in con.execute("SELECT doc_id, text FROM documents").fetchall()}
    con.close()
    assert m["a_end"] - m["a_start"] >= 0.95 * len(docs[m["doc_a"]].strip())
    assert docs[m["doc_b"]] in (original, traditional)
    assert check_offsets(db) >= 1


def _as_docx(text: str, path: Path) -> None:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(str(path))


@pytest.mark.parametrize("form", ["gb18030", "docx", "traditional"])
def test_seed_pair_found_whatever_form_004_takes(tmp_path: Path, form: str) -> None:
    import opencc

    corpus = tmp_path / "c"
    write(corpus / SEED_A, (DATA / SEED_A).read_text(encoding="utf-8"))
    article = (DATA / SEED_B).read_text(encoding="utf-8")
    stem = SEED_B.removesuffix(".txt")
    if form == "gb18030":
        write(corpus / SEED_B, article, encoding="gb18030")
    elif form == "docx":
        _as_docx(article, corpus / f"{stem}.docx")
    else:
        write(corpus / SEED_B, opencc.OpenCC("s2t").convert(article))
    db = tmp_path / "c.duckdb"
    result = scan([corpus], db)
    assert result.errors == [] and result.n_reuse == 1
    con = duckdb.connect(str(db), read_only=True)
    (m,) = _matches(con, "reuse")
    encodings = [
        e for (e,) in con.execute("SELECT encoding FROM documents ORDER BY path").fetchall()
    ]
    con.close()
    assert encodings[1] == {"gb18030": "gb18030", "docx": "docx"}.get(form, "utf-8")
    assert m["similarity"] > 0.95 and m["a_end"] - m["a_start"] > 3000
    assert check_offsets(db) >= 1


def test_parameter_change_reindexes_documents_outside_the_scanned_roots(
    tmp_path: Path,
) -> None:
    # 000 (the speech) in one folder, 004 (its republication) and the rest in
    # another; after a parameter change only the first folder is scanned: the
    # others are indexed again from their stored text, in batches.
    speech, others = tmp_path / "speech", tmp_path / "others"
    for f in sorted(DATA.glob("*.txt")):
        write((speech if f.name == SEED_A else others) / f.name, f.read_text(encoding="utf-8"))
    db = tmp_path / "r.duckdb"
    scan([speech, others], db)
    changed = Config.load(overrides={"candidates.threshold": 0.6, "scan.batch_documents": 2})
    result = scan([speech], db, changed)
    assert result.rebuilt and result.n_sketched == 5
    fresh = tmp_path / "fresh.duckdb"
    scan([speech, others], fresh, changed)
    rows = match_table(str(db))  # both sides in path order: ids differ between the two
    assert rows == match_table(str(fresh))
    assert any(r[6] == "reuse" for r in rows), "the seed pair is found across the two folders"
