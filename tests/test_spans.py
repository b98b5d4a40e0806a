"""The union of spans: its length, and the share of a span inside it."""

from __future__ import annotations

import random

import pytest

from reuse.text.spans import SpanUnion


def test_share_of_a_span() -> None:
    assert SpanUnion([]).share(0, 10) == 0.0
    assert SpanUnion([(0, 10)]).share(0, 10) == 1.0
    assert SpanUnion([(0, 12), (18, 30)]).share(10, 20) == pytest.approx(0.4)
    assert SpanUnion([(0, 4), (2, 6), (8, 20)]).share(0, 10) == pytest.approx(0.8)
    assert SpanUnion([(0, 4)]).share(5, 5) == 0.0


def test_length_merges_overlapping_and_touching_spans() -> None:
    assert SpanUnion([(0, 10), (5, 15), (20, 25)]).length == 20
    assert SpanUnion([(0, 5), (5, 9)]).length == 9
    assert SpanUnion([(3, 3), (7, 4)]).length == 0


def test_agrees_with_counting_characters() -> None:
    rng = random.Random(7)
    for _ in range(200):
        spans = []
        for _ in range(rng.randrange(6)):
            s = rng.randrange(50)
            spans.append((s, s + rng.randrange(15)))
        chars = {c for s, e in spans for c in range(s, e)}
        union = SpanUnion(spans)
        assert union.length == len(chars)
        start = rng.randrange(50)
        end = start + rng.randrange(1, 20)
        inside = sum(1 for c in range(start, end) if c in chars)
        assert union.share(start, end) == inside / (end - start)
