"""Tests for reuse.text.segment: sentence splitting and overlapping passages."""

from __future__ import annotations

import random

import numpy as np
import pytest

from reuse.config.detection import SegmentConfig
from reuse.text.normalise import normalise
from reuse.text.segment import Segmentation, segment, split_sentences

# ---------------------------------------------------------------------------
# split_sentences: where sentences end

SPLIT_CASES = [
    pytest.param(
        "一,总体要求。坚持稳中求进!数据增长3.5%,好。",
        ["一,总体要求。", "坚持稳中求进!", "数据增长3.5%,好。"],
        id="chinese",
    ),
    pytest.param(
        "增长3.5%,达到126.06万亿元。", ["增长3.5%,达到126.06万亿元。"], id="decimals-whole"
    ),
    pytest.param("go to the end. next one", ["go to the end.", "next one"], id="english-end-next"),
    pytest.param("version 1.2.3 released.", ["version 1.2.3 released."], id="version-number"),
    pytest.param("a.  b.", ["a.", "b."], id="english-spaces-trimmed"),
    pytest.param("end.", ["end."], id="full-stop-at-end"),
    pytest.param('他说:"好。"然后走了。', ['他说:"好。"', "然后走了。"], id="closing-quote"),
    pytest.param('he said "stop" then left.', ['he said "stop" then left.'], id="english-quote"),
    pytest.param("(见附件。)下一句。", ["(见附件。)", "下一句。"], id="closing-paren"),
    pytest.param("[注:略。]正文。", ["[注:略。]", "正文。"], id="closing-bracket"),
    pytest.param("<论语。>子曰。", ["<论语。>", "子曰。"], id="closing-angle"),
    pytest.param("'好。'\"对。\"行。", ["'好。'", '"对。"', "行。"], id="mixed-quotes"),
    pytest.param("真的吗?!是的。", ["真的吗?!", "是的。"], id="terminal-run"),
    pytest.param("第一;第二。", ["第一;", "第二。"], id="semicolon"),
    pytest.param("等等...然后。", ["等等...", "然后。"], id="ellipsis"),
    pytest.param("没有句号", ["没有句号"], id="no-terminal"),
    pytest.param("一句。尾巴", ["一句。", "尾巴"], id="unterminated-tail"),
    pytest.param("。。。", ["。。。"], id="punctuation-only"),
    pytest.param("", [], id="empty"),
    pytest.param("   ", [], id="spaces-only"),
]


@pytest.mark.parametrize(("text", "expected"), SPLIT_CASES)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in split_sentences(text)] == expected


def test_split_sentences_on_normalised_report_text() -> None:
    text = normalise("各位代表：\r\n现在，我代表国务院报告工作。实现“十四五”开局！\n下一步……").text
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "各位代表:现在,我代表国务院报告工作。",
        '实现"十四五"开局!',
        "下一步......",
    ]


def test_opening_quote_of_next_sentence_is_not_taken() -> None:
    text = normalise("这是“一句话”。“第二句”结束。").text
    assert [text[s:e] for s, e in split_sentences(text)] == ['这是"一句话"。', '"第二句"结束。']


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param('he said "stop." then left.', ['he said "stop."', "then left."], id="quote"),
        pytest.param("(see above.) then go.", ["(see above.)", "then go."], id="paren"),
    ],
)
def test_full_stop_inside_closing_quote_ends_sentence(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in split_sentences(text)] == expected


LONG_CASES = [
    pytest.param("甲" * 250 + "。", 200, [(0, 200), (200, 251)], id="hard-cut"),
    pytest.param("甲" * 500, 200, [(0, 200), (200, 400), (400, 500)], id="hard-cuts-no-stop"),
    pytest.param("甲" * 120 + "," + "乙" * 150 + "。", 200, [(0, 121), (121, 272)], id="comma-cut"),
    pytest.param(
        "甲" * 110 + "," + "乙" * 50 + "," + "丙" * 100 + "。",
        200,
        [(0, 111), (111, 162), (162, 263)],
        id="every-comma",
    ),
    pytest.param(
        "第一条:" + "甲" * 150 + ',"' + "乙" * 100 + "。",
        200,
        [(0, 4), (4, 156), (156, 257)],
        id="colon-and-comma-with-quote",
    ),
    pytest.param(
        "甲" * 50 + "," + "乙" * 210 + "。",
        200,
        [(0, 51), (51, 251), (251, 262)],
        id="clause-still-too-long",
    ),
    pytest.param("甲" * 100 + "," + "乙" * 99 + "。", 201, [(0, 201)], id="short-not-cut"),
    pytest.param("甲" * 250 + "。", 0, [(0, 251)], id="zero-disables"),
]


@pytest.mark.parametrize(("text", "max_chars", "expected"), LONG_CASES)
def test_long_sentences_are_cut(text: str, max_chars: int, expected: list[tuple[int, int]]) -> None:
    assert split_sentences(text, max_chars) == expected


def _random_report(rng: random.Random, n_sentences: int) -> str:
    words = ["推进", "高质量", "发展", "改革", "治理", "3.5", "2024年", "growth", "the plan"]
    ends = ["。", "!", "?", ";", ". ", '。"', "...", ")。", ""]
    parts = []
    for _ in range(n_sentences):
        body = [rng.choice(words) for _ in range(rng.randint(1, 60))]
        sep = [rng.choice(["", ",", " "]) for _ in body]
        parts.append("".join(w + s for w, s in zip(body, sep)) + rng.choice(ends))
    return "".join(parts)


@pytest.mark.parametrize("max_chars", [40, 200])
def test_sentence_spans_cover_text_without_overlap(max_chars: int) -> None:
    rng = random.Random(max_chars)
    for _ in range(50):
        text = _random_report(rng, rng.randint(0, 12))
        spans = split_sentences(text, max_chars)
        covered = np.zeros(len(text), dtype=int)
        previous_end = 0
        for s, e in spans:
            assert previous_end <= s < e <= len(text)
            assert e - s <= max_chars
            assert text[s] != " " and text[e - 1] != " "
            covered[s:e] += 1
            previous_end = e
        assert covered.max(initial=0) <= 1
        # Only the spaces trimmed from sentence edges are left uncovered.
        assert all(text[i] == " " for i in np.flatnonzero(covered == 0))


# ---------------------------------------------------------------------------
# segment(): passages

CFG = SegmentConfig()  # min_passage_chars=60


def _passages(seg: Segmentation) -> list[tuple[int, int]]:
    return list(zip(seg.passage_starts.tolist(), seg.passage_ends.tolist()))


SEGMENT_CASES = [
    pytest.param("", CFG, 0, [], id="empty"),
    pytest.param("   ", CFG, 0, [], id="spaces-only"),
    pytest.param("好。", CFG, 1, [(0, 2)], id="one-short-sentence"),
    pytest.param("甲" * 30 + "。" + "乙" * 40 + "。" + "丙" * 10 + "。", CFG, 3,
                 [(0, 72), (31, 83)], id="short-tail-kept-when-half"),
    pytest.param("甲" * 80 + "。" + "乙" * 10 + "。", CFG, 2, [(0, 81)],
                 id="short-tail-dropped"),
    pytest.param("甲" * 9 + "。" + "乙" * 9 + "。" + "丙" * 9 + "。", CFG, 3, [(0, 30)],
                 id="no-full-passage-keeps-longest"),
    pytest.param("甲" * 59 + "。", CFG, 1, [(0, 60)], id="exactly-minimum"),
    pytest.param("甲甲。乙乙。丙丙。丁丁。", SegmentConfig(min_passage_chars=8), 4,
                 [(0, 9), (3, 12), (6, 12)], id="small-minimum"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "config", "n_sentences", "expected"), SEGMENT_CASES)
def test_segment_cases(
    text: str, config: SegmentConfig, n_sentences: int, expected: list[tuple[int, int]]
) -> None:
    seg = segment(text, config)
    assert seg.n_sentences == n_sentences
    assert _passages(seg) == expected
    assert seg.n_passages == len(expected)


def test_segment_default_config_is_segment_config() -> None:
    text = _random_report(random.Random(3), 20)
    assert _passages(segment(text)) == _passages(segment(text, SegmentConfig()))


@pytest.mark.parametrize(
    "config",
    [
        pytest.param(SegmentConfig(), id="default"),
        pytest.param(SegmentConfig(min_passage_chars=20, max_sentence_chars=40), id="small"),
        pytest.param(SegmentConfig(min_passage_chars=150, max_sentence_chars=300), id="large"),
    ],
)
def test_segment_invariants_random(config: SegmentConfig) -> None:
    rng = random.Random(config.min_passage_chars)
    minimum = config.min_passage_chars
    for _ in range(60):
        text = _random_report(rng, rng.randint(0, 15))
        seg = segment(text, config)
        spans = split_sentences(text, config.max_sentence_chars)
        assert seg.sentence_starts.tolist() == [s for s, _ in spans]
        assert seg.sentence_ends.tolist() == [e for _, e in spans]
        if not spans:
            assert seg.n_passages == 0
            continue
        assert seg.n_passages >= 1
        starts, ends = seg.passage_starts, seg.passage_ends
        first, last = seg.passage_first, seg.passage_last
        # Passages start at sentence starts and end at sentence ends.
        assert np.array_equal(seg.sentence_starts[first], starts)
        assert np.array_equal(seg.sentence_ends[last], ends)
        assert np.all(first <= last)
        assert np.all(np.diff(first) > 0)
        lengths = ends - starts
        full = lengths >= minimum
        # Every passage has the minimum, except one short passage at the end:
        # kept when it has half the minimum or the document has no full passage.
        assert (~full).sum() <= 1
        if not full.all():
            assert not full[-1] and full[:-1].all()
            assert lengths[-1] * 2 >= minimum or seg.n_passages == 1
        # A passage takes sentences only until it reaches the minimum.
        for f, la, s in zip(first, last, starts):
            if la > f:
                assert seg.sentence_ends[la - 1] - s < minimum
        # Full passages start at every sentence up to the last full one.
        n_full = int(full.sum())
        assert first[:n_full].tolist() == list(range(n_full))
