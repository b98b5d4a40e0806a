"""Templates: stock text aligned to one representative; nightly scans equal fresh ones."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import duckdb
from conftest import write
from test_nightly import SENTENCES

from reuse import Config, scan

STOCK_A = "".join(SENTENCES[60:65])
STOCK_B = "".join(SENTENCES[70:73])
CONFIG = {"templates.min_documents": 4, "boilerplate.min_df": 4}


#: Characters of the sample corpus, for filler text no two documents share.
HAN = sorted({c for s in SENTENCES for c in s if "\u4e00" <= c <= "\u9fff"})


def _filler(rng: random.Random, n_sentences: int) -> list[str]:
    return [
        "".join(rng.choice(HAN) for _ in range(rng.randint(18, 40))) + "。"
        for _ in range(n_sentences)
    ]


def _doc(rng: random.Random, extra: str = "") -> str:
    body = _filler(rng, 16)
    body[6:6] = [extra]
    return "\n".join(body) + "\n"


def make_stock_corpus(root: Path, seed: int = 5) -> None:
    """Reports dated in their file names: stock paragraph A in 7 of them, B in 5,
    and one pair that shares a paragraph of its own (pairwise reuse)."""
    rng = random.Random(seed)
    for i in range(14):
        extra = STOCK_A if i % 2 == 0 else (STOCK_B if i % 3 != 0 else "")
        write(root / f"2024-03-{i + 10:02d}_report.txt", _doc(rng, extra))
    own = "".join(SENTENCES[80:84])
    write(root / "2024-05-01_copy.txt", _doc(rng, own))
    write(root / "2024-05-02_source.txt", _doc(rng, own))


def _picture(db: Path) -> dict[str, set[tuple]]:
    """What a fresh and an incremental scan must agree on, by path (ids differ)."""
    con = duckdb.connect(str(db), read_only=True)
    q = {
        "matches": "SELECT da.path, a_start, a_end, db.path, b_start, b_end, kind, "
        "edit_distance, rep.path FROM live_matches m JOIN documents da ON da.doc_id = m.doc_a "
        "JOIN documents db ON db.doc_id = m.doc_b "
        "LEFT JOIN documents rep ON rep.doc_id = m.rep_doc",
        "templates": "SELECT t.kind, d.path, t.rep_start, t.rep_end, t.n_documents, t.n_members, "
        "t.template_key FROM templates t JOIN documents d ON d.doc_id = t.rep_doc",
        "members": "SELECT t.template_key, d.path, m.start_offset, m.end_offset, m.rep_start, "
        "m.rep_end FROM template_members m JOIN templates t USING (template_id) "
        "JOIN documents d ON d.doc_id = m.doc_id",
        "shared": "SELECT da.path, a_start, a_end, db.path, b_start, b_end, kind "
        "FROM shared_spans s JOIN documents da ON da.doc_id = s.doc_a "
        "JOIN documents db ON db.doc_id = s.doc_b",
        "shares": "SELECT d.path, s.* EXCLUDE (doc_id, largest_source) FROM document_shares s "
        "JOIN documents d USING (doc_id)",
        "edits": "SELECT da.path, db.path, e.* EXCLUDE (match_id) FROM edits e JOIN matches m "
        "USING (match_id) JOIN documents da ON da.doc_id = m.doc_a "
        "JOIN documents db ON db.doc_id = m.doc_b",
    }
    out = {name: set(con.execute(sql).fetchall()) for name, sql in q.items()}
    con.close()
    # Document ids, and so which side is doc_a, depend on when a file arrived.
    for name in ("matches", "shared"):
        out[name] = {_unordered(row) for row in out[name]}
    out["edits"] = {(tuple(sorted(row[:2])), *row[2:4]) for row in out["edits"]}
    return out


def _unordered(row: tuple) -> tuple:
    """A row ``(path_a, a0, a1, path_b, b0, b1, ...)`` with its sides in path order."""
    sides = sorted([row[0:3], row[3:6]])
    return (*sides[0], *sides[1], *row[6:])


def test_stock_paragraphs_are_templates_and_the_pair_is_reuse(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    make_stock_corpus(corpus)
    db = tmp_path / "t.duckdb"
    result = scan([corpus], db, Config.load(overrides=CONFIG))
    picture = _picture(db)
    stock = sorted(
        (n, path) for kind, path, _, _, n, _, _ in picture["templates"] if kind == "template"
    )
    assert [n for n, _ in stock] == [5, 7], "paragraph B in 5 documents, A in 7"
    assert all(path.endswith(("10_report.txt", "11_report.txt")) for _, path in stock), (
        "the earliest dated document holding it represents each"
    )
    reuse = [m for m in picture["matches"] if m[6] == "reuse"]
    assert {(Path(m[0]).name, Path(m[3]).name) for m in reuse} == {
        ("2024-05-01_copy.txt", "2024-05-02_source.txt")
    }
    assert result.n_reuse == 1
    # k - 1 members per template, and about as many alignments: not k (k - 1) / 2.
    stock_keys = {key for kind, *_, key in picture["templates"] if kind == "template"}
    members = [m for m in picture["members"] if m[0] in stock_keys]
    assert len(members) == 7 + 5, "one member per document, the representative's included"
    stars = [m for m in picture["matches"] if m[8] is not None and m[6] == "template"]
    assert 6 + 4 <= len(stars) < 21 + 10
    # The pairwise picture comes back through shared_spans: 21 + 10 pairs of occurrences.
    template_pairs = [s for s in picture["shared"] if s[6] == "template"]
    assert len({(s[0], s[3]) for s in template_pairs}) >= 21 + 10
    # Every aligned match that is no template member's alignment is a row there itself.
    con = duckdb.connect(str(db), read_only=True)
    missing = con.execute(
        "SELECT count(*) FROM live_matches WHERE source = 'align' "
        "AND match_id NOT IN (SELECT match_id FROM template_members WHERE match_id IS NOT NULL) "
        "AND match_id NOT IN (SELECT match_id FROM shared_spans WHERE match_id IS NOT NULL)"
    ).fetchone()
    short_reuse = con.execute(
        "SELECT count(*) FROM live_matches WHERE kind = 'reuse' "
        "AND least(a_norm_end - a_norm_start, b_norm_end - b_norm_start) < 40"
    ).fetchone()
    con.close()
    assert missing == (0,) and short_reuse == (0,)


def test_nightly_scans_with_templates_equal_a_fresh_scan(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    make_stock_corpus(corpus)
    held_back = tmp_path / "later"
    held_back.mkdir()
    for name in ("2024-03-20_report.txt", "2024-03-21_report.txt", "2024-05-02_source.txt"):
        shutil.move(corpus / name, held_back / name)
    db = tmp_path / "inc.duckdb"
    config = Config.load(overrides=CONFIG)
    scan([corpus], db, config)
    # A night: the held-back files, one more holding A and dated before all
    # (the new representative), one report edited, one deleted.
    for f in held_back.iterdir():
        shutil.move(f, corpus / f.name)
    write(corpus / "2024-01-05_early.txt", _doc(random.Random(9), STOCK_A))
    edited = corpus / "2024-03-12_report.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + SENTENCES[45], encoding="utf-8")
    (corpus / "2024-03-13_report.txt").unlink()
    second = scan([corpus], db, config)
    assert (second.n_new, second.n_changed, second.n_deleted) == (4, 1, 1)
    fresh = tmp_path / "fresh.duckdb"
    scan([corpus], fresh, config)
    got, expected = _picture(db), _picture(fresh)
    for name in expected:
        assert got[name] == expected[name], name
    reps = {path for kind, path, *_ in expected["templates"] if kind == "template"}
    assert any(p.endswith("2024-01-05_early.txt") for p in reps)
