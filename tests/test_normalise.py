"""Tests for reuse.text.normalise: width and punctuation folding, white space, the offset map."""

from __future__ import annotations

import random

import numpy as np
import pytest

from reuse.text.normalise import NormalisedText, normalise, normalise_char

# ---------------------------------------------------------------------------
# normalise(): the normalised text

TEXT_CASES = [
    # Width folding (NFKC + casefold).
    pytest.param("尊敬的各位领导，同志们：", "尊敬的各位领导,同志们:", id="fullwidth-punct"),
    pytest.param("２０２４年３月", "2024年3月", id="fullwidth-digits"),
    pytest.param("ＡＢＣａｂｃ", "abcabc", id="fullwidth-letters"),
    pytest.param("（１）！？；", "(1)!?;", id="fullwidth-brackets-terminals"),
    pytest.param("ｶﾀｶﾅ", "カタカナ", id="halfwidth-katakana"),
    pytest.param("Report ON Work", "report on work", id="ascii-casefold"),
    # Punctuation folding.
    pytest.param("“你好”", '"你好"', id="curly-double-quotes"),
    pytest.param("「你好」『世界』", '"你好""世界"', id="corner-quotes"),
    pytest.param("«oui»", '"oui"', id="guillemets"),
    pytest.param("‘它’", "'它'", id="curly-single-quotes"),
    pytest.param("发展——改革", "发展--改革", id="em-dashes"),
    pytest.param("1–2−3", "1-2-3", id="en-dash-minus"),
    pytest.param("甲、乙、丙", "甲,乙,丙", id="enumeration-comma"),
    pytest.param("甲､乙｡", "甲,乙。", id="halfwidth-ideographic-comma-stop"),
    pytest.param("【一】〔二〕《三》〈四〉", "[一][二]<三><四>", id="cjk-brackets"),
    pytest.param("中・日•韩", "中·日·韩", id="middle-dots"),
    # Line and page breaks inside Chinese words vanish.
    pytest.param("治理\n新局面", "治理新局面", id="lf-in-word"),
    pytest.param("治理\r\n新局面", "治理新局面", id="crlf-in-word"),
    pytest.param("治理\r新局面", "治理新局面", id="cr-in-word"),
    pytest.param("治理\f新局面", "治理新局面", id="formfeed-in-word"),
    pytest.param("治理 \n\t 新局面", "治理新局面", id="mixed-run-in-word"),
    pytest.param("治理\u3000新局面", "治理新局面", id="ideographic-space"),
    pytest.param("中国 China 人民", "中国china人民", id="space-next-to-cjk"),
    # Spaced scripts keep one space between words.
    pytest.param("Page  one\nends here.", "page one ends here.", id="english-runs"),
    pytest.param("end of\r\nline", "end of line", id="english-crlf"),
    pytest.param("A\u3000B", "a b", id="english-ideographic-space"),
    pytest.param("  abc \n ", "abc", id="edge-whitespace"),
    # Zero-width and control characters vanish.
    pytest.param("治\u200b理", "治理", id="zero-width-space"),
    pytest.param("\ufeff报告", "报告", id="bom"),
    pytest.param("co\u00adop", "coop", id="soft-hyphen"),
    pytest.param("a\u2060b\u200dc", "abc", id="word-joiner-zwj"),
    pytest.param("\x00\x07报\x7f告", "报告", id="control-chars"),
    pytest.param("a\u200b b", "a b", id="zero-width-next-to-space"),
    # Degenerate input.
    pytest.param("", "", id="empty"),
    pytest.param(" \n\t\u3000\r\n ", "", id="whitespace-only"),
    pytest.param("\u200b\ufeff", "", id="format-only"),
    # Astral plane.
    pytest.param("𠀀", "𠀀", id="astral-cjk"),
    pytest.param("治𠀀理", "治𠀀理", id="astral-in-text"),
    pytest.param("𠀀\n𠀀", "𠀀𠀀", id="astral-cjk-break"),
    pytest.param("𝐀𝐁 𝐂", "ab c", id="astral-math-letters"),
    # Characters that expand under NFKC or casefolding.
    pytest.param("第㈠条", "第(一)条", id="parenthesised-ideograph"),
    pytest.param("等等…", "等等...", id="ellipsis"),
    pytest.param("ﬁle", "file", id="fi-ligature"),
    pytest.param("Straße", "strasse", id="sharp-s"),
    pytest.param("①②", "12", id="circled-digits"),
    pytest.param("㍿", "株式会社", id="square-ideographs"),
    pytest.param("Ⅻ", "xii", id="roman-numeral"),
    # Other odd Unicode.
    pytest.param("e\u0301", "e\u0301", id="combining-not-recomposed"),
    pytest.param("\u212b", "å", id="angstrom-sign"),
    pytest.param("x²", "x2", id="superscript"),
    pytest.param("25℃", "25°c", id="degree-celsius"),
]


@pytest.mark.parametrize(("original", "expected"), TEXT_CASES)
def test_normalise_text(original: str, expected: str) -> None:
    assert normalise(original).text == expected


def test_space_between_astral_spaced_script_letters_is_kept() -> None:
    # The module docstring: a white-space run vanishes only when a neighbour is
    # wide; between two characters of a spaced script it becomes one space.
    assert normalise("𐌰 𐌱").text == "𐌰 𐌱"


NORMALISE_CHAR_CASES = [
    pytest.param("，", ",", id="fullwidth-comma"),
    pytest.param("１", "1", id="fullwidth-one"),
    pytest.param("Ａ", "a", id="fullwidth-A"),
    pytest.param("“", '"', id="left-double-quote"),
    pytest.param("’", "'", id="right-single-quote"),
    pytest.param("—", "-", id="em-dash"),
    pytest.param("、", ",", id="enumeration-comma"),
    pytest.param("\u200b", "", id="zero-width-space"),
    pytest.param("\x00", "", id="nul"),
    pytest.param("\n", "\n", id="newline-kept-per-char"),
    pytest.param("㈠", "(一)", id="expands"),
    pytest.param("\ud800", "", id="lone-surrogate"),
    pytest.param("𠀀", "𠀀", id="astral"),
]


@pytest.mark.parametrize(("char", "expected"), NORMALISE_CHAR_CASES)
def test_normalise_char(char: str, expected: str) -> None:
    assert normalise_char(char) == expected


def test_vectorised_table_agrees_with_normalise_char_over_the_bmp() -> None:
    # Every BMP character that neither is nor produces white space: the
    # table lookup must give exactly the per-character function's output.
    chars = []
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        if c.isspace() or any(x.isspace() for x in normalise_char(c)):
            continue
        chars.append(c)
    text = "".join(chars)
    expected = "".join(normalise_char(c) for c in chars)
    assert normalise(text).text == expected


# ---------------------------------------------------------------------------
# The offset map

MIXED_POOL = (
    list("治理新局面党建引领高质量发展坚持稳中求进")
    + list("abcXYZ0189")
    + list("１２Ａｂ，。！？（）：")
    + [" ", "  ", "\n", "\r\n", "\f", "\t", "\u3000"]
    + list(",.;:!?“”‘’—、…《》")
    + ["\u200b", "\ufeff", "\u00ad", "\x00"]
    + ["𠀀", "㈠", "ﬁ", "ß", "¨", "𝐀", "😀", "\u0301", "①"]
)


def _random_strings(seed: int, count: int, max_len: int = 40) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice(MIXED_POOL) for _ in range(rng.randint(0, max_len)))
        for _ in range(count)
    ]


def _assert_origin_consistent(original: str, norm: NormalisedText) -> None:
    assert norm.n_original == len(original)
    assert len(norm.origin) == len(norm.text) == len(norm)
    assert norm.origin.dtype == np.int64
    assert np.all(np.diff(norm.origin) >= 0), "origin must be non-decreasing"
    if len(norm.origin):
        assert 0 <= norm.origin[0] and norm.origin[-1] < len(original)
    for i, ch in enumerate(norm.text):
        source = original[int(norm.origin[i])]
        if ch == " ":
            # A kept white-space run becomes one space at the run's first character.
            assert source.isspace() or " " in normalise_char(source), (original, i)
        else:
            assert ch in normalise_char(source), (original, i, source, ch)


@pytest.mark.parametrize(("original", "expected"), TEXT_CASES)
def test_origin_points_at_the_producing_character(original: str, expected: str) -> None:
    _assert_origin_consistent(original, normalise(original))


def test_origin_points_at_the_producing_character_random() -> None:
    for original in _random_strings(seed=20240601, count=200):
        _assert_origin_consistent(original, normalise(original))


def test_origin_of_line_break_example() -> None:
    norm = normalise("治理\r\n新局面")
    assert norm.origin.tolist() == [0, 1, 4, 5, 6]
    assert norm.to_original(1, 3) == (1, 5)


SNAP_CASES = [
    # (original, normalised span, snapped span, original span)
    pytest.param("第㈠条", (2, 3), (1, 4), (1, 2), id="inside-expansion"),
    pytest.param("第㈠条", (0, 2), (0, 4), (0, 2), id="end-cuts-expansion"),
    pytest.param("第㈠条", (3, 5), (1, 5), (1, 3), id="start-cuts-expansion"),
    pytest.param("ﬁ和ß", (1, 4), (0, 5), (0, 3), id="two-expansions"),
    pytest.param("ﬁ和ß", (1, 3), (0, 3), (0, 2), id="end-on-expansion-boundary"),
    pytest.param("治理新局面", (1, 3), (1, 3), (1, 3), id="no-expansion"),
    pytest.param("等…", (0, 4), (0, 4), (0, 2), id="whole-expansion"),
]


@pytest.mark.parametrize(("original", "span", "snapped", "orig_span"), SNAP_CASES)
def test_snap_and_to_original(
    original: str, span: tuple[int, int], snapped: tuple[int, int], orig_span: tuple[int, int]
) -> None:
    norm = normalise(original)
    assert norm.snap(*span) == snapped
    assert norm.to_original(*snapped) == orig_span
    s, e = snapped
    assert normalise(original[slice(*orig_span)]).text == norm.text[s:e]


@pytest.mark.parametrize(
    "span",
    [
        pytest.param((0, 0), id="empty"),
        pytest.param((2, 1), id="reversed"),
        pytest.param((-1, 2), id="negative"),
        pytest.param((0, 6), id="past-end"),
    ],
)
def test_to_original_rejects_bad_ranges(span: tuple[int, int]) -> None:
    norm = normalise("治理新局面")
    with pytest.raises(ValueError, match="bad normalised range"):
        norm.to_original(*span)


def test_to_original_round_trip_random() -> None:
    """normalise(original[to_original(s, e)]).text == text[s:e] for snapped spans.

    White-space handling depends on neighbours, so spans start and end on a
    non-space character (then every run inside has the same neighbours).
    """
    rng = random.Random(7)
    checked = 0
    for original in _random_strings(seed=314159, count=200):
        norm = normalise(original)
        text = norm.text
        if not text.strip():
            continue
        for _ in range(8):
            s = rng.randrange(len(text))
            e = rng.randint(s + 1, len(text))
            s, e = norm.snap(s, e)
            if text[s] == " " or text[e - 1] == " ":
                continue
            a, b = norm.to_original(s, e)
            assert normalise(original[a:b]).text == text[s:e], (original, (s, e), (a, b))
            checked += 1
    assert checked > 500  # the property was exercised, not skipped


def test_sentence_like_spans_round_trip() -> None:
    original = "一、总体要求\r\n\r\n坚持稳中求进，２０２４年增长５．２％。\fPage 3\n“改革——开放”…"
    norm = normalise(original)
    text = norm.text
    for sentence in ("一,总体要求", "坚持稳中求进,2024年增长5.2%。", "page 3", '"改革--开放"...'):
        s = text.index(sentence)
        e = s + len(sentence)
        assert norm.snap(s, e) == (s, e)
        a, b = norm.to_original(s, e)
        assert normalise(original[a:b]).text == sentence
