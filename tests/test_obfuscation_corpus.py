"""Tests of the generated corpus and its ground truth: :mod:`jobs.evaluation.obfuscation`
and its command line, jobs/obfuscation_corpus.py."""

from __future__ import annotations

import doctest
import importlib
import itertools
import random
import re
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
if not all(
    (CORPORA / sub / "MANIFEST.tsv").is_file()
    for sub in ("xwlb_news", "gov_reports", "cn_laws_regs")
):
    pytest.skip(f"shared corpora not found at {CORPORA}", allow_module_level=True)

from jobs.evaluation.cases import Case, Detection  # noqa: E402
from jobs.evaluation.loaders import load_cases_tsv  # noqa: E402
from jobs.evaluation.measures import all_pairs, score  # noqa: E402
from jobs.evaluation.obfuscation.corpus import generate  # noqa: E402
from jobs.evaluation.obfuscation.levels import (  # noqa: E402
    LEVELS,
    drop_clause,
    swap_sentences,
    swap_widths,
)
from jobs.evaluation.obfuscation.plan import BAND_CHARS, BANDS  # noqa: E402
from jobs.evaluation.obfuscation.text import FORMULAIC, sentence_units, shared_ngrams  # noqa: E402

CAPTION = re.compile(r"^(（.*(摄|供图)）|图为.*摄|（记者 \S+）|本报记者 .*)$")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Case]]:
    out = tmp_path_factory.mktemp("corpus")
    return out, generate(out, seed=1, corpora_dir=CORPORA)


def read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as fh:  # keep "\r", "\f" and offsets as written
        return fh.read()


def texts_of(out: Path) -> dict[str, str]:
    return {p.name: read(p) for p in sorted((out / "docs").iterdir())}


def squeeze(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def test_same_seed_gives_identical_files(corpus: tuple[Path, list[Case]], tmp_path: Path) -> None:
    out, cases = corpus
    again = generate(tmp_path, seed=1, corpora_dir=CORPORA)
    assert again == cases
    for name in ("truth.tsv", "docs.tsv"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes()
    first = sorted(p.name for p in (out / "docs").iterdir())
    assert first == sorted(p.name for p in (tmp_path / "docs").iterdir())
    for name in first:
        assert (tmp_path / "docs" / name).read_bytes() == (out / "docs" / name).read_bytes()


def test_other_seed_gives_other_corpus(corpus: tuple[Path, list[Case]], tmp_path: Path) -> None:
    out, _ = corpus
    generate(tmp_path, seed=2, n_cases=10, corpora_dir=CORPORA)
    assert (tmp_path / "docs" / "susp_0001.txt").read_bytes() != (
        out / "docs" / "susp_0001.txt"
    ).read_bytes()


def test_sizes_at_defaults(corpus: tuple[Path, list[Case]]) -> None:
    out, cases = corpus
    texts = texts_of(out)
    assert len(texts) >= 90
    assert len(cases) >= 80
    assert {n.split("_")[0] for n in texts} == {"susp", "src", "distractor"}
    for name, text in texts.items():
        assert 300 <= len(text) <= 6500, name


def test_every_level_and_band_present(corpus: tuple[Path, list[Case]]) -> None:
    _, cases = corpus
    assert {c.level for c in cases} == set(LEVELS)
    assert {c.band for c in cases} == set(BANDS)
    for level in ("verbatim", "layout", "light", "heavy"):
        assert {c.band for c in cases if c.level == level} == set(BANDS), level


def test_truth_file_matches_returned_cases(corpus: tuple[Path, list[Case]]) -> None:
    out, cases = corpus
    assert load_cases_tsv(out / "truth.tsv") == cases
    header, *rows = (out / "truth.tsv").read_text(encoding="utf-8").splitlines()
    assert header.split("\t") == [
        "susp",
        "susp_start",
        "susp_end",
        "src",
        "src_start",
        "src_end",
        "level",
        "band",
        "chars",
    ]
    for row, case in zip(rows, cases, strict=True):
        assert int(row.split("\t")[-1]) == case.src_end - case.src_start


def test_offsets_within_files_and_cases_disjoint(corpus: tuple[Path, list[Case]]) -> None:
    out, cases = corpus
    texts = texts_of(out)
    by_susp: dict[str, list[Case]] = defaultdict(list)
    for c in cases:
        assert c.susp.startswith("susp_") and c.src.startswith("src_")
        assert 0 <= c.susp_start < c.susp_end <= len(texts[c.susp])
        assert 0 <= c.src_start < c.src_end <= len(texts[c.src])
        by_susp[c.susp].append(c)
    for name, group in by_susp.items():
        assert 1 <= len(group) <= 3, name
        assert 1 <= len({c.src for c in group}) <= 2, name
        spans = sorted((c.susp_start, c.susp_end) for c in group)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), name
    # every suspicious document has a case, sources are used by one suspicious document
    assert set(by_susp) == {n for n in texts if n.startswith("susp_")}
    src_users = defaultdict(set)
    for c in cases:
        src_users[c.src].add(c.susp)
    assert all(len(users) == 1 for users in src_users.values())
    assert set(src_users) == {n for n in texts if n.startswith("src_")}


def test_sources_are_copied_at_sentence_boundaries(corpus: tuple[Path, list[Case]]) -> None:
    out, cases = corpus
    texts = texts_of(out)
    for c in cases:
        if c.level == "republication":
            continue
        src = texts[c.src]
        before = src[: c.src_start].rstrip(" \t")
        assert before == "" or before[-1] in "\n。！？；”’」』）)】", c
        assert re.search(r"[。！？；][”’」』）)】]*$", src[c.src_start : c.src_end]), c
        lo, hi = BAND_CHARS[c.band]
        assert lo <= c.src_end - c.src_start <= hi


def test_verbatim_slices_are_equal(corpus: tuple[Path, list[Case]]) -> None:
    out, cases = corpus
    texts = texts_of(out)
    verbatim = [c for c in cases if c.level == "verbatim"]
    assert verbatim
    for c in verbatim:
        assert texts[c.susp][c.susp_start : c.susp_end] == texts[c.src][c.src_start : c.src_end]


def test_layout_keeps_the_source_characters(corpus: tuple[Path, list[Case]]) -> None:
    out, cases = corpus
    texts = texts_of(out)
    layout = [c for c in cases if c.level == "layout"]
    noisy = 0
    for c in layout:
        susp = texts[c.susp][c.susp_start : c.susp_end]
        src = texts[c.src][c.src_start : c.src_end]
        assert susp != src
        noisy += bool(re.search(r"\f|\n- \d+ -\n", susp))
        kept = Counter(squeeze(susp)) & Counter(squeeze(src))
        assert sum(kept.values()) >= 0.95 * len(squeeze(src)), c
        # without the inserted lines and breaks, the text is the source up to width
        unpaged = re.sub(r"\n- \d+ -\n|\n\d+\n\f", "", susp)
        lines = [ln for ln in unpaged.split("\n") if not CAPTION.match(ln)]
        assert squeeze("".join(lines)) == squeeze(src), c
    assert noisy >= len(layout) // 2


@pytest.mark.parametrize(("level", "lo", "hi"), [("light", 0.7, 0.99), ("heavy", 0.35, 0.92)])
def test_light_and_heavy_change_some_characters(
    corpus: tuple[Path, list[Case]], level: str, lo: float, hi: float
) -> None:
    out, cases = corpus
    texts = texts_of(out)
    for c in (c for c in cases if c.level == level):
        susp = squeeze(texts[c.susp][c.susp_start : c.susp_end])
        src = squeeze(texts[c.src][c.src_start : c.src_end])
        kept = sum((Counter(susp) & Counter(src)).values()) / len(src)
        assert susp != src and lo <= kept <= hi, (c, kept)


def test_republication_covers_the_whole_source(corpus: tuple[Path, list[Case]]) -> None:
    out, cases = corpus
    texts = texts_of(out)
    rep = [c for c in cases if c.level == "republication"]
    assert rep
    for c in rep:
        src = texts[c.src]
        assert (c.src_start, c.src_end) == (0, len(src.rstrip("\n")))
        susp = texts[c.susp]
        copied = susp[c.susp_start : c.susp_end]
        assert copied[0] == src[0] and copied[-1] == src[c.src_end - 1]
        body = "".join(ln for ln in copied.split("\n") if not CAPTION.match(ln))
        assert body == src.rstrip("\n").replace("\n", "")
        head = susp[: c.susp_start].strip().split("\n")
        assert len(head) == 2 and re.search(r"记者", head[1])  # headline; lede + byline


def test_formulaic_lines_are_frequent_and_never_cases(corpus: tuple[Path, list[Case]]) -> None:
    out, cases = corpus
    texts = texts_of(out)
    with_lines = {n for n, t in texts.items() if any(ln in FORMULAIC for ln in t.splitlines())}
    assert len(with_lines) >= 0.3 * len(texts)
    assert {n.split("_")[0] for n in with_lines} == {"susp", "src", "distractor"}
    case_docs = {c.susp for c in cases} | {c.src for c in cases}
    assert with_lines - case_docs  # also in documents without a case
    for c in cases:
        for name, start, end in (
            (c.susp, c.susp_start, c.susp_end),
            (c.src, c.src_start, c.src_end),
        ):
            assert not any(line in texts[name][start:end] for line in FORMULAIC), c


def test_reporting_formulaic_lines_costs_precision(corpus: tuple[Path, list[Case]]) -> None:
    out, cases = corpus
    texts = texts_of(out)
    pairs = all_pairs(texts, cases)
    oracle = [
        Detection(c.susp, c.susp_start, c.susp_end, c.src, c.src_start, c.src_end) for c in cases
    ]
    perfect = score(cases, oracle, pairs=pairs)
    assert (perfect.precision, perfect.recall, perfect.plagdet) == (1.0, 1.0, 1.0)
    # a tool that also reports every shared formulaic line, in both orientations
    where: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for name, text in texts.items():
        pos = 0
        for line in text.splitlines(keepends=True):
            if line.strip() in FORMULAIC:
                where[line.strip()].append((name, pos, pos + len(line.strip())))
            pos += len(line)
    noisy = list(oracle)
    for spots in where.values():
        for a, b in itertools.combinations(spots, 2):
            if a[0] != b[0]:
                noisy += [Detection(*a, *b), Detection(*b, *a)]
    worse = score(cases, noisy, pairs=pairs)
    assert worse.recall == 1.0
    assert worse.precision < 0.5
    assert worse.n_detections == len(oracle) + (len(noisy) - len(oracle)) // 2


def test_distractors_have_no_case(corpus: tuple[Path, list[Case]]) -> None:
    out, cases = corpus
    distractors = [n for n in texts_of(out) if n.startswith("distractor_")]
    assert len(distractors) >= 3
    assert not {c.susp for c in cases} & set(distractors)
    assert not {c.src for c in cases} & set(distractors)


def test_no_12gram_shared_outside_cases(corpus: tuple[Path, list[Case]]) -> None:
    """Sources and the non-case text of suspicious documents share no 12-gram.

    Checked independently of the generator: formulaic lines and the
    suspicious ranges of cases are cut out, then every 12-gram of the
    remaining text (NFKC, whitespace removed) must belong to one document.
    """
    out, cases = corpus
    texts = texts_of(out)
    cut: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for c in cases:
        cut[c.susp].append((c.susp_start, c.susp_end))
    owner: dict[str, str] = {}
    for name, text in texts.items():
        chars = list(text)
        for s, e in cut[name]:
            chars[s:e] = ["\0"] * (e - s)
        lines = ["\0" if ln.strip() in FORMULAIC else ln for ln in "".join(chars).split("\n")]
        for seg in "\n".join(lines).split("\0"):
            seg = squeeze(seg)
            for i in range(len(seg) - 11):
                g = seg[i : i + 12]
                assert owner.setdefault(g, name) == name, (g, owner[g], name)
    assert shared_ngrams(texts, cases) == []


def test_too_few_cases_and_nonempty_output_are_rejected(
    tmp_path: Path, corpus: tuple[Path, list[Case]]
) -> None:
    with pytest.raises(ValueError, match="at least 5"):
        generate(tmp_path / "x", seed=1, n_cases=4, corpora_dir=CORPORA)
    out, _ = corpus
    with pytest.raises(FileExistsError, match="not empty"):
        generate(out, seed=1, corpora_dir=CORPORA)
    with pytest.raises(FileNotFoundError, match="MANIFEST"):
        generate(tmp_path / "y", seed=1, corpora_dir=tmp_path)


def test_small_corpus_has_every_level(tmp_path: Path) -> None:
    cases = generate(tmp_path, seed=3, n_cases=5, corpora_dir=CORPORA)
    assert sorted(c.level for c in cases) == sorted(LEVELS)


def test_command_line(tmp_path: Path) -> None:
    out = tmp_path / "cli"
    cmd = [
        sys.executable,
        str(REPO / "jobs" / "obfuscation_corpus.py"),
        "--out",
        str(out),
        "--seed",
        "1",
        "--cases",
        "10",
        "--source-corpus",
        str(CORPORA),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "documents:" in done.stdout and "republication" in done.stdout
    assert len(load_cases_tsv(out / "truth.tsv")) == 10
    again = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert again.returncode == 1 and "not empty" in again.stderr


# --- the obfuscation functions ----------------------------------------------------------


@pytest.mark.parametrize(
    "module", ["", ".text", ".pool", ".captions", ".levels", ".plan", ".corpus"]
)
def test_doctests(module: str) -> None:
    assert (
        doctest.testmod(importlib.import_module("jobs.evaluation.obfuscation" + module)).failed == 0
    )


def test_sentence_units() -> None:
    text = "一、总体要求\n坚持稳中求进。数据增长3.5%，好！“很好。”\n"
    assert [text[s:e] for s, e in sentence_units(text)] == [
        "一、总体要求",
        "坚持稳中求进。",
        "数据增长3.5%，好！",
        "“很好。”",
    ]


def test_swap_widths_round_trips_under_nfkc() -> None:
    text = "２０２５年增长5.3%，其中：工业（规模以上）增长6%；"
    swapped = swap_widths(text, random.Random(0), p=1.0)
    assert swapped != text
    assert unicodedata.normalize("NFKC", swapped) == unicodedata.normalize("NFKC", text)
    assert "," in swapped and "2025" in swapped and "５" in swapped


def test_drop_clause_and_swap_sentences() -> None:
    text = "甲乙丙，丁戊己，庚辛。壬癸。"
    dropped = {drop_clause(text, random.Random(i), max_share=0.5) for i in range(20)}
    assert dropped == {"丁戊己，庚辛。壬癸。", "甲乙丙，庚辛。壬癸。"}
    assert drop_clause(text, random.Random(0), max_share=0.2) == text  # clauses too long
    assert swap_sentences("第一句。\n第二句！", random.Random(0)) == "第二句！\n第一句。"
