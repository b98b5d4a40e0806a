"""Tests of the PAN measures (jobs.evaluation.cases, .measures) on hand-computed examples,
and of the loaders (jobs.evaluation.loaders)."""

from __future__ import annotations

import doctest
import importlib
import math
import random
import time
from pathlib import Path

import duckdb
import pytest

from jobs.evaluation.cases import Case, Detection, length_band
from jobs.evaluation.loaders import load_cases_tsv, load_detections, load_pan_cases
from jobs.evaluation.measures import Scores, all_pairs, format_table, score, score_by
from reuse.errors import StoreError

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
PAN_DIR = CORPORA / "pan13_textalign_noobf"

CASE = Case("a.txt", 0, 100, "b.txt", 0, 100, level="verbatim", band="short")


def det(
    susp_start: int,
    susp_end: int,
    src_start: int,
    src_end: int,
    susp: str = "a.txt",
    src: str = "b.txt",
) -> Detection:
    return Detection(susp, susp_start, susp_end, src, src_start, src_end)


def assert_scores(
    s: Scores, precision: float, recall: float, granularity: float, plagdet: float
) -> None:
    got = (s.precision, s.recall, s.granularity, s.plagdet)
    assert got == pytest.approx((precision, recall, granularity, plagdet), nan_ok=True)


@pytest.mark.parametrize("module", ["cases", "measures", "loaders"])
def test_doctests(module: str) -> None:
    assert doctest.testmod(importlib.import_module(f"jobs.evaluation.{module}")).failed == 0


# --- hand-computed examples -------------------------------------------------------------


def test_perfect_detection_scores_one() -> None:
    s = score([CASE], [det(0, 100, 0, 100)])
    assert_scores(s, 1.0, 1.0, 1.0, 1.0)
    assert (s.n_cases, s.n_detections) == (1, 1)


def test_half_covered_case() -> None:
    # covered: 50 suspicious + 50 source chars of |s| = 200 -> rec 0.5;
    # the detection lies inside the case -> prec 1; F1 = 2*0.5/1.5 = 2/3; gran 1.
    s = score([CASE], [det(0, 50, 0, 50)])
    assert_scores(s, 1.0, 0.5, 1.0, 2 / 3)


def test_partial_overlap_counts_both_documents() -> None:
    # case susp [0,100) src [200,300); detection susp [50,150) src [200,300):
    # shared 50 + 100 = 150 chars; |s| = |r| = 200 -> rec = prec = 0.75.
    case = Case("a.txt", 0, 100, "b.txt", 200, 300)
    s = score([case], [det(50, 150, 200, 300)])
    assert_scores(s, 0.75, 0.75, 1.0, 0.75)


def test_case_detected_by_two_detections() -> None:
    s = score([CASE], [det(0, 50, 0, 50), det(50, 100, 50, 100)])
    assert_scores(s, 1.0, 1.0, 2.0, 1 / math.log2(3))


def test_overlapping_detections_are_united_not_summed() -> None:
    # [0,60) and [40,100) cover 100 chars per side, not 120.
    s = score([CASE], [det(0, 60, 0, 60), det(40, 100, 40, 100)])
    assert_scores(s, 1.0, 1.0, 2.0, 1 / math.log2(3))


def test_false_detection_lowers_precision() -> None:
    s = score([CASE], [det(0, 100, 0, 100), det(500, 600, 500, 600)])
    # prec = (1 + 0) / 2; rec = 1; F1 = 2/3; the false one detects nothing -> gran 1.
    assert_scores(s, 0.5, 1.0, 1.0, 2 / 3)
    assert s.n_detections == 2


def test_detection_spanning_two_cases_unites_them() -> None:
    c1 = Case("a.txt", 0, 100, "b.txt", 0, 100)
    c2 = Case("a.txt", 100, 200, "b.txt", 300, 400)
    # r: susp [0,200) src [0,400) = 600 chars; covered 200 + 200 -> prec 2/3.
    s = score([c1, c2], [det(0, 200, 0, 400)])
    assert_scores(s, 2 / 3, 1.0, 1.0, 0.8)


def test_detection_in_another_pair_is_not_scored_by_default() -> None:
    other = det(0, 100, 0, 100, susp="a.txt", src="c.txt")
    s = score([CASE], [det(0, 100, 0, 100), other])
    assert_scores(s, 1.0, 1.0, 1.0, 1.0)
    assert s.n_detections == 1


def test_detection_in_another_listed_pair_never_detects_the_case() -> None:
    other = det(0, 100, 0, 100, susp="a.txt", src="c.txt")
    s = score([CASE], [other], pairs={("a.txt", "c.txt")})
    # same offsets but another source document: no detection, and a false one
    assert_scores(s, 0.0, 0.0, 1.0, 0.0)
    s = score([CASE], [det(0, 100, 0, 100), other], pairs={("a.txt", "c.txt")})
    assert_scores(s, 0.5, 1.0, 1.0, 2 / 3)


def test_overlap_required_in_both_documents() -> None:
    only_susp = det(0, 100, 500, 600)
    only_src = det(500, 600, 0, 100)
    s = score([CASE], [only_susp, only_src])
    assert_scores(s, 0.0, 0.0, 1.0, 0.0)


def test_touching_ranges_do_not_overlap() -> None:
    s = score([CASE], [det(100, 200, 100, 200)])  # end-exclusive: [0,100) and [100,200)
    assert s.recall == 0.0


def test_mirrored_detections_with_pairs_filter() -> None:
    d = det(0, 100, 0, 100)
    mirror = Detection("b.txt", 0, 100, "a.txt", 0, 100)
    # default: only case pairs are scored, the mirror (b -> a) drops out
    assert_scores(score([CASE], [d, mirror]), 1.0, 1.0, 1.0, 1.0)
    # every pair once, in the case's orientation: same
    pairs = all_pairs(["a.txt", "b.txt", "c.txt"], [CASE])
    assert ("b.txt", "a.txt") not in pairs
    assert_scores(score([CASE], [d, mirror], pairs=pairs), 1.0, 1.0, 1.0, 1.0)
    # listing the mirrored orientation too makes the mirror a false detection
    s = score([CASE], [d, mirror], pairs={("b.txt", "a.txt")})
    assert_scores(s, 0.5, 1.0, 1.0, 2 / 3)


def test_all_pairs_lists_every_unordered_pair_once() -> None:
    keys = [f"d{i}" for i in range(6)]
    pairs = all_pairs(keys, [Case("d5", 0, 1, "d0", 0, 1)])
    assert len(pairs) == 15
    assert ("d5", "d0") in pairs and ("d0", "d5") not in pairs
    assert ("d1", "d2") in pairs


# --- edge cases -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cases", "detections", "expected"),
    [
        pytest.param([], [], (1.0, math.nan, 1.0, math.nan), id="nothing"),
        pytest.param([], [det(0, 10, 0, 10)], (0.0, math.nan, 1.0, math.nan), id="no-cases"),
        pytest.param([CASE], [], (0.0, 0.0, 1.0, 0.0), id="no-detections"),
    ],
)
def test_edge_cases(
    cases: list[Case], detections: list[Detection], expected: tuple[float, float, float, float]
) -> None:
    s = score(cases, detections, pairs={("a.txt", "b.txt")})
    assert_scores(s, *expected)


@pytest.mark.parametrize(
    ("start", "end"), [(10, 10), (10, 5), (-1, 5)], ids=["empty", "reversed", "negative"]
)
def test_empty_or_negative_ranges_are_rejected(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="start < end"):
        Case("a", start, end, "b", 0, 1)
    with pytest.raises(ValueError, match="start < end"):
        Detection("a", 0, 1, "b", start, end)


def test_length_bands() -> None:
    assert [length_band(n) for n in (1, 149, 150, 600, 601, 2000)] == [
        "short",
        "short",
        "medium",
        "medium",
        "long",
        "long",
    ]


# --- per group ------------------------------------------------------------------------


def test_score_by_groups() -> None:
    verbatim = Case("a", 0, 100, "b", 0, 100, level="verbatim")
    heavy = Case("c", 0, 100, "d", 0, 100, level="heavy")
    dets = [
        Detection("a", 0, 100, "b", 0, 100),  # detects verbatim fully
        Detection("c", 0, 50, "d", 0, 50),  # half of heavy
        Detection("c", 500, 600, "d", 500, 600),  # false, in heavy's pair
        Detection("e", 0, 10, "f", 0, 10),  # false, in a pair without cases
    ]
    pairs = {("e", "f")}
    by = score_by([verbatim, heavy], dets, key=lambda c: c.level, pairs=pairs)
    assert list(by) == ["heavy", "verbatim"]
    assert_scores(by["verbatim"], 1.0, 1.0, 1.0, 1.0)
    assert by["verbatim"].n_detections == 1
    # heavy: prec (1 + 0) / 2, rec 0.5, F1 0.5
    assert_scores(by["heavy"], 0.5, 0.5, 1.0, 0.5)
    assert by["heavy"].n_detections == 2
    # the false detection in (e, f) counts only overall: prec (1 + 1 + 0 + 0) / 4
    overall = score([verbatim, heavy], dets, pairs=pairs)
    assert overall.n_detections == 4
    assert overall.precision == pytest.approx(0.5)
    assert overall.recall == pytest.approx(0.75)


def test_score_by_precision_uses_all_cases() -> None:
    # two adjacent cases of different levels in one pair, one detection over both
    c1 = Case("a", 0, 100, "b", 0, 100, level="light")
    c2 = Case("a", 100, 200, "b", 100, 200, level="heavy")
    by = score_by([c1, c2], [Detection("a", 0, 200, "b", 0, 200)], key=lambda c: c.level)
    for group in ("light", "heavy"):
        assert_scores(by[group], 1.0, 1.0, 1.0, 1.0)


def test_score_by_false_detection_counts_in_every_level_of_its_pair() -> None:
    c1 = Case("a", 0, 100, "b", 0, 100, level="light")
    c2 = Case("a", 200, 300, "b", 200, 300, level="heavy")
    dets = [
        Detection("a", 0, 100, "b", 0, 100),
        Detection("a", 200, 300, "b", 200, 300),
        Detection("a", 900, 950, "b", 900, 950),
    ]
    by = score_by([c1, c2], dets, key=lambda c: c.level)
    assert by["light"].n_detections == by["heavy"].n_detections == 2
    assert by["light"].precision == by["heavy"].precision == pytest.approx(0.5)


# --- efficiency -----------------------------------------------------------------------


def test_thousand_cases_five_thousand_detections_is_fast() -> None:
    rng = random.Random(7)
    cases, dets = [], []
    for i in range(1000):
        s, t = rng.randrange(0, 50_000), rng.randrange(0, 50_000)
        n = rng.randrange(50, 2000)
        cases.append(Case(f"s{i % 300}", s, s + n, f"r{i % 200}", t, t + n))
        for _ in range(5):
            a, b = rng.randrange(-100, n), rng.randrange(-100, n)
            dets.append(
                Detection(
                    f"s{i % 300}",
                    max(0, s + a),
                    s + n + b + 200,
                    f"r{i % 200}",
                    max(0, t + a),
                    t + n + b + 200,
                )
            )
    started = time.perf_counter()
    s = score(cases, dets)
    by = score_by(cases, dets, key=lambda c: length_band(c.src_end - c.src_start))
    assert time.perf_counter() - started < 5
    assert s.n_cases == 1000 and s.n_detections == 5000
    assert 0 < s.precision <= 1 and 0 < s.recall <= 1 and s.granularity >= 1
    assert sum(g.n_cases for g in by.values()) == 1000


# --- loaders --------------------------------------------------------------------------


def make_db(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE documents (doc_id INTEGER, path VARCHAR, sha256 VARCHAR, "
        "n_chars INTEGER, text VARCHAR)"
    )
    con.execute(
        "CREATE TABLE matches (match_id INTEGER, doc_a INTEGER, a_start INTEGER, a_end INTEGER, "
        "doc_b INTEGER, b_start INTEGER, b_end INTEGER, similarity DOUBLE, "
        "edit_distance INTEGER, kind VARCHAR)"
    )
    con.executemany(
        "INSERT INTO documents VALUES (?, ?, ?, ?, ?)",
        [
            (1, "/corpus/docs/src_0001.txt", "x", 200, "甲" * 200),
            (2, "/corpus/docs/susp_0001.txt", "y", 300, "乙" * 300),
            (3, "/corpus/docs/src_0002.txt", "z", 100, "丙" * 100),
        ],
    )
    con.executemany(
        "INSERT INTO matches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            # the tool put the source first here: either role order is possible
            (10, 1, 20, 120, 2, 150, 250, 0.98, 2, "reuse"),
            (11, 2, 0, 12, 3, 0, 12, 1.0, 0, "boilerplate"),
            (12, 2, 5, 5, 1, 5, 9, 1.0, 0, "reuse"),  # empty range: skipped
        ],
    )
    con.close()


def test_load_detections_emits_both_orientations(tmp_path: Path) -> None:
    db = tmp_path / "scan.duckdb"
    make_db(db)
    dets = load_detections(db)
    assert dets == [
        Detection("src_0001.txt", 20, 120, "susp_0001.txt", 150, 250),
        Detection("susp_0001.txt", 150, 250, "src_0001.txt", 20, 120),
    ]
    assert len(load_detections(db, kind="boilerplate")) == 2
    assert len(load_detections(db, kind=None)) == 4
    keyed = load_detections(db, key_of_path=lambda p: Path(p).stem)
    assert keyed[1].susp == "susp_0001"


def test_load_detections_then_score(tmp_path: Path) -> None:
    db = tmp_path / "scan.duckdb"
    make_db(db)
    truth = [Case("susp_0001.txt", 150, 250, "src_0001.txt", 0, 100)]
    pairs = all_pairs(["src_0001.txt", "susp_0001.txt", "src_0002.txt"], truth)
    s = score(truth, load_detections(db, kind=None), pairs=pairs)
    # reuse match: susp fully, src [20,100) of [0,100) -> rec (100 + 80) / 200 = 0.9,
    # its precision (100 + 80) / 200 = 0.9; the boilerplate match in (src_0002, susp_0001)
    # counts once (the mirrored orientations drop out) and detects nothing: prec 0.45.
    assert s.n_detections == 2
    assert s.recall == pytest.approx(0.9)
    assert s.precision == pytest.approx(0.45)


def test_load_detections_rejects_missing_file_and_key_clash(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        load_detections(tmp_path / "missing.duckdb")
    db = tmp_path / "scan.duckdb"
    make_db(db)
    with pytest.raises(ValueError, match="same key|both have key"):
        load_detections(db, key_of_path=lambda p: "one")


def test_load_pan_cases_drops_pairs_whose_cases_were_all_dropped(tmp_path: Path) -> None:
    header = (
        "susp\tsrc\tthis_offset\tthis_length\tsource_offset\tsource_length\t"
        "obfuscation\ttype\toffset_check_ratio\n"
    )
    (tmp_path / "cases.tsv").write_text(
        header
        + "s1.txt\tr1.txt\t10\t700\t0\t690\tnone\tartificial\t0.95\n"
        + "s1.txt\tr2.txt\t900\t100\t5\t100\tnone\tartificial\t0.50\n"
        + "s2.txt\tr3.txt\t0\t200\t0\t200\tnone\tartificial\t0.90\n"
        + "s2.txt\tr3.txt\t300\t200\t400\t200\tnone\tartificial\t0.10\n",
        encoding="utf-8",
    )
    (tmp_path / "pairs.tsv").write_text(
        "susp\tsrc\ns1.txt\tr1.txt\ns1.txt\tr2.txt\ns2.txt\tr3.txt\ns3.txt\tr4.txt\n",
        encoding="utf-8",
    )
    cases, pairs = load_pan_cases(tmp_path)
    assert cases == [
        Case("s1.txt", 10, 710, "r1.txt", 0, 690, level="none", band="long"),
        Case("s2.txt", 0, 200, "r3.txt", 0, 200, level="none", band="medium"),
    ]
    # r2's only case was dropped; s3/r4 never had a case and stays
    assert pairs == {("s1.txt", "r1.txt"), ("s2.txt", "r3.txt"), ("s3.txt", "r4.txt")}
    with pytest.raises(FileNotFoundError):
        load_pan_cases(tmp_path / "nowhere")


@pytest.mark.skipif(not PAN_DIR.is_dir(), reason="PAN 2013 copy not at ../shared/corpora")
def test_load_pan_cases_real_corpus() -> None:
    cases, pairs = load_pan_cases(PAN_DIR)
    assert len(cases) == 476  # the README: 476 of 624 cases have ratio >= 0.9
    assert {c.pair for c in cases} <= pairs
    assert len(pairs) <= 500
    susp = (PAN_DIR / "susp" / cases[0].susp).read_text(encoding="utf-8")
    assert cases[0].susp_end <= len(susp)
    # an oracle that reports the truth scores 1 everywhere
    oracle = [
        Detection(c.susp, c.susp_start, c.susp_end, c.src, c.src_start, c.src_end) for c in cases
    ]
    assert_scores(score(cases, oracle, pairs=pairs), 1.0, 1.0, 1.0, 1.0)


def test_load_cases_tsv(tmp_path: Path) -> None:
    path = tmp_path / "truth.tsv"
    path.write_text(
        "susp\tsusp_start\tsusp_end\tsrc\tsrc_start\tsrc_end\tlevel\tband\tchars\n"
        "susp_0001.txt\t5\t65\tsrc_0001.txt\t0\t60\tverbatim\tshort\t60\n",
        encoding="utf-8",
    )
    assert load_cases_tsv(path) == [
        Case("susp_0001.txt", 5, 65, "src_0001.txt", 0, 60, level="verbatim", band="short")
    ]


def test_format_table() -> None:
    table = format_table(
        {
            "all": Scores(0.5, 1.0, 2.0, 2 / 3 / math.log2(3), 3, 4),
            "republication": Scores(1.0, math.nan, 1.0, math.nan, 0, 0),
        }
    )
    lines = table.splitlines()
    assert lines[0].split() == [
        "level",
        "cases",
        "detections",
        "precision",
        "recall",
        "granularity",
        "plagdet",
    ]
    assert lines[1].split() == ["all", "3", "4", "0.500", "1.000", "2.000", "0.421"]
    assert lines[2].split()[4] == "nan"
    assert len({len(line) for line in lines}) == 1
