"""Stage 3: cut normalised text into sentences, then overlapping passages.

A *sentence* ends after a run of terminal punctuation (``。！？；`` and their
ASCII forms after normalisation; ``.`` only before a space or the end, so
``3.5`` stays whole), followed by any closing quotes or brackets. Sentences
longer than ``max_sentence_chars`` (legal articles without a full stop, lists)
are cut after every comma or colon, and pieces still longer hard at the limit.

A *passage* starts at every sentence and takes whole sentences until it holds
at least ``min_passage_chars`` characters. Passages therefore overlap: each
sentence is in about ``1 + min_passage_chars / mean_sentence_length``
passages, and a copied run of sentences in one document has a passage with
the same first sentence in the other, which is what lets LSH find it.
Passages shorter than the minimum exist only at a document's end; the
longest of them is kept when it has at least half the minimum (or when the
document has no full-length passage).

All positions are character offsets into the *normalised* text,
end-exclusive; :meth:`reuse.text.normalise.NormalisedText.to_original` maps them back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from reuse.config.detection import SegmentConfig

_CLAUSE_END = re.compile(r"[,:]+[\"')\]>]*")
_SENTENCE_END = re.compile(r"(?:[。!?;]+|\.{3,}|\.(?=[\"')\]>]*(?:\s|$)))")
_CLOSERS = re.compile(r"[\"')\]>]*")


@dataclass(frozen=True)
class Segmentation:
    """Sentences and passages of one normalised text.

    Attributes:
        sentence_starts, sentence_ends: int64 arrays, one entry per sentence.
        passage_starts, passage_ends: int64 arrays, one entry per passage.
        passage_first, passage_last: index of each passage's first and last sentence.
    """

    sentence_starts: np.ndarray
    sentence_ends: np.ndarray
    passage_starts: np.ndarray
    passage_ends: np.ndarray
    passage_first: np.ndarray
    passage_last: np.ndarray

    @property
    def n_passages(self) -> int:
        return len(self.passage_starts)

    @property
    def n_sentences(self) -> int:
        return len(self.sentence_starts)


def split_sentences(text: str, max_sentence_chars: int = 200) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` covering ``text`` without gaps.

    >>> t = "一、总体要求。坚持稳中求进!数据增长3.5%,好。"
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['一、总体要求。', '坚持稳中求进!', '数据增长3.5%,好。']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if end <= start:
            continue
        # Closing quotes and brackets after the stop belong to the sentence;
        # quotes fold to one '"' so a quote closes only when one is open.
        closers = _CLOSERS.match(text, end)
        if closers is not None:
            for ch in closers.group():
                if ch == '"' and text.count('"', start, end) % 2 == 0:
                    break
                end += 1
        spans.append((start, end))
        start = end
    if start < n:
        spans.append((start, n))
    if max_sentence_chars <= 0:
        return spans
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if e - s <= max_sentence_chars:
            out.append((s, e))
            continue
        # A long sentence is cut at *every* comma, not at the last one before
        # the limit: clause boundaries depend only on the text, so a copy that
        # starts in the middle of the sentence is cut at the same places.
        for cs, ce in _clauses(text, s, e):
            while ce - cs > max_sentence_chars:
                out.append((cs, cs + max_sentence_chars))
                cs += max_sentence_chars
            out.append((cs, ce))
    # White space at a sentence's edges belongs to no sentence.
    trimmed = []
    for s, e in out:
        while s < e and text[s] == " ":
            s += 1
        while e > s and text[e - 1] == " ":
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of ``text[start:end]`` ending after each comma (or colon)."""
    out = []
    for m in _CLAUSE_END.finditer(text, start, end):
        if m.end() > start:
            out.append((start, m.end()))
            start = m.end()
    if start < end:
        out.append((start, end))
    return out


def segment(text: str, config: SegmentConfig | None = None) -> Segmentation:
    """Sentences and passages of normalised ``text`` (see the module docstring).

    >>> seg = segment("甲" * 30 + "。" + "乙" * 40 + "。" + "丙" * 10 + "。")
    >>> seg.n_sentences, list(zip(seg.passage_starts.tolist(), seg.passage_ends.tolist()))
    (3, [(0, 72), (31, 83)])
    >>> segment("甲" * 80 + "。" + "乙" * 10 + "。").n_passages
    1
    """
    config = config or SegmentConfig()
    spans = split_sentences(text, config.max_sentence_chars)
    if not spans:
        empty = np.zeros(0, dtype=np.int64)
        return Segmentation(empty, empty, empty, empty, empty, empty)
    starts = np.array([s for s, _ in spans], dtype=np.int64)
    ends = np.array([e for _, e in spans], dtype=np.int64)
    # Passage i ends with the first sentence j >= i whose end reaches start_i + min.
    last = np.searchsorted(ends, starts + config.min_passage_chars, side="left")
    last = np.minimum(last, len(spans) - 1)
    first = np.arange(len(spans), dtype=np.int64)
    p_starts = starts
    p_ends = ends[last]
    lengths = p_ends - p_starts
    keep = lengths >= config.min_passage_chars
    # The longest short passage at the end is kept too when it has half the
    # minimum, so that a short copied ending still has a passage of its own.
    short = np.flatnonzero(~keep)
    if len(short) and (not keep.any() or lengths[short[0]] * 2 >= config.min_passage_chars):
        keep[short[0]] = True
    return Segmentation(
        sentence_starts=starts,
        sentence_ends=ends,
        passage_starts=p_starts[keep],
        passage_ends=p_ends[keep],
        passage_first=first[keep],
        passage_last=last[keep],
    )
