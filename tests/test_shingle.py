"""Tests for reuse.text.shingle: character and word shingles, their hashes and spans."""

from __future__ import annotations

import random

import jieba
import numpy as np
import pytest

from reuse.config.detection import ShingleConfig
from reuse.text.shingle import (
    Shingles,
    UnitCounts,
    char_shingle_hash,
    char_shingles,
    count_units,
    shingle,
    unit_shingles,
    units,
    word_shingles,
)

# ---------------------------------------------------------------------------
# char_shingles: counts and spans

CHAR_CASES = [
    pytest.param("党建引领", 3, [0, 1], [3, 4], id="doctest"),
    pytest.param("治理新局面", 1, [0, 1, 2, 3, 4], [1, 2, 3, 4, 5], id="unigrams"),
    pytest.param("治理新局面", 5, [0], [5], id="n-equals-length"),
    pytest.param("治理", 3, [0], [2], id="shorter-than-n"),
    pytest.param("治", 16, [0], [1], id="one-char"),
    pytest.param("", 3, [], [], id="empty"),
    pytest.param("。,!", 2, [0, 1], [2, 3], id="punctuation-only"),
    pytest.param("a𠀀b", 2, [0, 1], [2, 3], id="astral-is-one-char"),
]


@pytest.mark.parametrize(("text", "n", "starts", "ends"), CHAR_CASES)
def test_char_shingle_spans(text: str, n: int, starts: list[int], ends: list[int]) -> None:
    sh = char_shingles(text, n)
    assert sh.starts.tolist() == starts
    assert sh.ends.tolist() == ends
    assert len(sh) == len(sh.hashes) == len(starts)
    assert sh.hashes.dtype == np.uint32
    assert sh.starts.dtype == sh.ends.dtype == np.int64


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8])
def test_char_shingle_count_is_len_minus_n_plus_one(n: int) -> None:
    rng = random.Random(n)
    for length in range(n, 60, 7):
        text = "".join(rng.choice("治理新局面党建引领abc,。") for _ in range(length))
        sh = char_shingles(text, n)
        assert len(sh) == length - n + 1
        assert np.array_equal(sh.ends - sh.starts, np.full(len(sh), n))


def test_identical_ngrams_hash_equal_at_different_positions() -> None:
    text = "坚持党的领导。坚持党的领导,推动发展。"
    sh = char_shingles(text, 4)
    first = text.index("坚持党的")
    second = text.index("坚持党的", first + 1)
    assert sh.hashes[first] == sh.hashes[second]
    # Distinct n-grams in this text do not collide.
    grams = [text[i : i + 4] for i in range(len(sh))]
    by_gram: dict[str, set[int]] = {}
    for g, h in zip(grams, sh.hashes.tolist()):
        by_gram.setdefault(g, set()).add(h)
    assert all(len(hs) == 1 for hs in by_gram.values())
    assert len({next(iter(hs)) for hs in by_gram.values()}) == len(by_gram)


def test_hash_depends_on_order() -> None:
    assert char_shingle_hash("发展改革") != char_shingle_hash("改革发展")
    assert char_shingle_hash("ab") != char_shingle_hash("ba")


@pytest.mark.parametrize("n", [1, 3, 5, 16])
def test_char_shingle_hash_agrees_with_vectorised_hashes(n: int) -> None:
    rng = random.Random(100 + n)
    pool = '治理新局面党建引领abcXYZ019,。!" 𠀀😀é'
    for _ in range(30):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 40)))
        sh = char_shingles(text, n)
        expected = [char_shingle_hash(text[s:e]) for s, e in zip(sh.starts, sh.ends)]
        assert sh.hashes.tolist() == expected


@pytest.mark.parametrize(
    "shingle_text",
    [
        pytest.param("党建引", id="cjk"),
        pytest.param("abc", id="ascii"),
        pytest.param("𠀀a", id="astral"),
    ],
)
def test_char_shingle_hash_reads_bytes_as_utf8(shingle_text: str) -> None:
    h = char_shingle_hash(shingle_text)
    assert char_shingle_hash(shingle_text.encode("utf-8")) == h
    assert 0 <= h < 2**32


def _reference_hash(gram: str) -> int:
    """The documented hash in plain Python: polynomial mod 2**64, SplitMix64, upper 32 bits."""
    mask = (1 << 64) - 1
    h = 0
    for ch in gram:
        h = (h * 1_000_003 + ord(ch)) & mask
    h ^= h >> 30
    h = (h * 0xBF58476D1CE4E5B9) & mask
    h ^= h >> 27
    h = (h * 0x94D049BB133111EB) & mask
    h ^= h >> 31
    return h >> 32


@pytest.mark.parametrize(
    "gram",
    [
        pytest.param("", id="empty"),
        pytest.param("党", id="one-cjk"),
        pytest.param("党建引", id="cjk-3"),
        pytest.param("abc", id="ascii"),
        pytest.param("𠀀😀", id="astral"),
        pytest.param("高质量发展新局面治理能力现代化", id="long-wraps-mod-2-64"),
    ],
)
def test_char_shingle_hash_matches_documented_formula(gram: str) -> None:
    # Seedless and platform-independent: stored signatures depend on it.
    assert char_shingle_hash(gram) == _reference_hash(gram)
    if gram:
        assert int(char_shingles(gram, len(gram)).hashes[0]) == _reference_hash(gram)


# ---------------------------------------------------------------------------
# Shingles.index_range: the shingles inside a span


def _brute_range(sh: Shingles, start: int, end: int) -> list[int]:
    return [i for i in range(len(sh)) if sh.starts[i] >= start and sh.ends[i] <= end]


@pytest.mark.parametrize("n", [1, 3, 6])
def test_index_range_selects_exactly_the_shingles_inside(n: int) -> None:
    rng = random.Random(n)
    text = "".join(rng.choice("治理新局面党建引领,。") for _ in range(50))
    sh = char_shingles(text, n)
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            lo, hi = sh.index_range(start, end)
            assert list(range(lo, hi)) == _brute_range(sh, start, end), (start, end)


INDEX_RANGE_CASES = [
    pytest.param("党建引领", 3, (0, 4), (0, 2), id="whole"),
    pytest.param("党建引领", 3, (1, 4), (1, 2), id="suffix"),
    pytest.param("党建引领", 3, (0, 3), (0, 1), id="prefix"),
    pytest.param("党建引领", 3, (1, 3), (1, 1), id="shorter-than-n"),
    pytest.param("党建", 3, (0, 2), (0, 1), id="short-text-whole"),
    pytest.param("党建", 3, (0, 1), (0, 0), id="short-text-part"),
]


@pytest.mark.parametrize(("text", "n", "span", "expected"), INDEX_RANGE_CASES)
def test_index_range_cases(
    text: str, n: int, span: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert char_shingles(text, n).index_range(*span) == expected


def test_index_range_on_word_shingles() -> None:
    text = "我们要坚持党的领导,推动高质量发展。"
    sh = word_shingles(text, 2)
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            lo, hi = sh.index_range(start, end)
            assert list(range(lo, hi)) == _brute_range(sh, start, end)


# ---------------------------------------------------------------------------
# word_shingles (jieba)

SENTENCE = "我们要坚持党的领导，推动高质量发展。"


def _jieba_words(text: str) -> list[tuple[str, int, int]]:
    return [t for t in jieba.tokenize(text) if any(ch.isalnum() for ch in t[0])]


@pytest.mark.parametrize("n", [1, 2, 3])
def test_word_shingles_align_with_word_boundaries(n: int) -> None:
    words = _jieba_words(SENTENCE)
    assert [w for w, _, _ in words][:2] == ["我们", "要"]  # jieba segmented as expected
    sh = word_shingles(SENTENCE, n)
    assert len(sh) == len(words) - n + 1
    assert sh.starts.tolist() == [s for _, s, _ in words][: len(sh)]
    assert sh.ends.tolist() == [e for _, _, e in words][n - 1 :]
    # No shingle starts or ends on the punctuation tokens.
    for s, e in zip(sh.starts, sh.ends):
        assert SENTENCE[s] not in "，。" and SENTENCE[e - 1] not in "，。"


def test_word_shingles_skip_punctuation() -> None:
    plain = word_shingles("推动高质量发展", 2).hashes.tolist()
    punctuated = word_shingles("推动，高质量。发展！", 2).hashes.tolist()
    assert plain == punctuated
    assert len(plain) == 2


WORD_EDGE_CASES = [
    pytest.param("", 0, id="empty"),
    pytest.param("，。！？", 0, id="punctuation-only"),
    pytest.param("   ", 0, id="spaces-only"),
    pytest.param("发展", 1, id="shorter-than-n"),
]


@pytest.mark.parametrize(("text", "count"), WORD_EDGE_CASES)
def test_word_shingles_edge_cases(text: str, count: int) -> None:
    sh = word_shingles(text, 3)
    assert len(sh) == count
    if count:
        assert (sh.starts.tolist(), sh.ends.tolist()) == ([0], [len(text)])


def test_word_shingle_hashes_repeat_for_repeated_phrases() -> None:
    sh = word_shingles("推动高质量发展。推动高质量发展。", 3)
    assert len(sh) == 4
    assert sh.hashes[0] == sh.hashes[3]
    assert len(set(sh.hashes.tolist())) == 3


# ---------------------------------------------------------------------------
# units and unit_shingles (script-aware, no dictionary)

UNIT_CASES = [
    pytest.param(
        "GDP增长5.2%, the rate",
        ["GDP", "增", "长", "5", ".", "2", "%", ",", "the", "rate"],
        id="mixed-scripts",
    ),
    pytest.param("治理新局面", ["治", "理", "新", "局", "面"], id="chinese-chars"),
    pytest.param("report 2024 on", ["report", "2024", "on"], id="english-words"),
    pytest.param("𠀀a b", ["𠀀", "a", "b"], id="astral-single-unit"),
    pytest.param("  a  ", ["a"], id="edge-spaces"),
    pytest.param("", [], id="empty"),
]


@pytest.mark.parametrize(("text", "expected"), UNIT_CASES)
def test_units(text: str, expected: list[str]) -> None:
    hashes, starts, ends = units(text)
    assert [text[s:e] for s, e in zip(starts.tolist(), ends.tolist())] == expected
    assert len(hashes) == len(expected) and hashes.dtype == np.uint64


@pytest.mark.parametrize(
    "text", [pytest.param(" ", id="one-space"), pytest.param("   ", id="three-spaces")]
)
def test_units_of_spaces_only_is_empty(text: str) -> None:
    assert len(unit_shingles(text, 3)) == 0


def test_unit_hashes_equal_for_equal_units() -> None:
    hashes, starts, ends = units("the rate, the rate")
    assert hashes[0] == hashes[3] and hashes[1] == hashes[4]
    assert hashes[0] != hashes[1]


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_unit_shingle_spans(n: int) -> None:
    text = "GDP增长5.2%, the growth rate of 2024 was 坚持稳中求进"
    _, u_starts, u_ends = units(text)
    sh = unit_shingles(text, n)
    assert len(sh) == len(u_starts) - n + 1
    assert sh.starts.tolist() == u_starts.tolist()[: len(sh)]
    assert sh.ends.tolist() == u_ends.tolist()[n - 1 :]


def test_unit_shingles_on_chinese_span_like_char_shingles() -> None:
    text = "坚持稳中求进工作总基调"
    by_unit, by_char = unit_shingles(text, 3), char_shingles(text, 3)
    assert by_unit.starts.tolist() == by_char.starts.tolist()
    assert by_unit.ends.tolist() == by_char.ends.tolist()


def test_unit_shingle_hashes_ignore_space_width_but_not_word_boundaries() -> None:
    one = unit_shingles("the growth rate", 2).hashes.tolist()
    assert unit_shingles("the  growth   rate", 2).hashes.tolist() == one
    assert unit_shingles("the growthrate", 2).hashes.tolist() != one
    repeated = unit_shingles("the rate the rate", 2).hashes.tolist()
    assert repeated[0] == repeated[2] != repeated[1]


@pytest.mark.parametrize(
    ("text", "n", "count"),
    [
        pytest.param("", 3, 0, id="empty"),
        pytest.param("growth", 3, 1, id="one-unit"),
        pytest.param("增长", 3, 1, id="shorter-than-n"),
    ],
)
def test_unit_shingles_short_texts(text: str, n: int, count: int) -> None:
    sh = unit_shingles(text, n)
    assert len(sh) == count
    if count:
        assert (sh.starts.tolist(), sh.ends.tolist()) == ([0], [len(text)])


def test_index_range_on_unit_shingles() -> None:
    text = "GDP增长5.2%, the rate"
    sh = unit_shingles(text, 2)
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            lo, hi = sh.index_range(start, end)
            assert list(range(lo, hi)) == _brute_range(sh, start, end)


# ---------------------------------------------------------------------------
# shingle(): dispatch on the configured kind


def _same(a: Shingles, b: Shingles) -> bool:
    return (
        np.array_equal(a.hashes, b.hashes)
        and np.array_equal(a.starts, b.starts)
        and np.array_equal(a.ends, b.ends)
    )


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        pytest.param(ShingleConfig(kind="char", n=3), char_shingles(SENTENCE, 3), id="char-3"),
        pytest.param(ShingleConfig(kind="char", n=5), char_shingles(SENTENCE, 5), id="char-5"),
        pytest.param(ShingleConfig(kind="word", n=2), word_shingles(SENTENCE, 2), id="word-2"),
        pytest.param(ShingleConfig(kind="unit", n=4), unit_shingles(SENTENCE, 4), id="unit-4"),
    ],
)
def test_shingle_dispatch(config: ShingleConfig, expected: Shingles) -> None:
    assert _same(shingle(SENTENCE, config), expected)


def test_shingle_without_config_uses_the_default() -> None:
    assert _same(shingle(SENTENCE), shingle(SENTENCE, ShingleConfig()))


_MIXED = list("政府工作报告abcXYZ012 .,%éßΩж٣١２ａ\U00020000 ")


def test_count_units_counts_the_units():
    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice(_MIXED) for _ in range(rng.randint(0, 40)))
        assert count_units(text) == len(units(text)[0]), text


def test_unit_counts_of_every_slice_equal_count_units():
    rng = random.Random(8)
    for _ in range(500):
        text = "".join(rng.choice(_MIXED) for _ in range(rng.randint(0, 40)))
        counts = UnitCounts(text)
        for start in range(len(text) + 1):
            for end in range(start, len(text) + 1, 3):
                assert counts.count(start, end) == count_units(text[start:end]), (text, start)
