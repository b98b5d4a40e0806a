"""The text rules of the generated corpus: 12-grams, sentence units, formulaic lines.

No unintended reuse: outside the passages of cases and the formulaic lines,
no two documents of the corpus share a substring of :data:`NGRAM` (12)
characters, counted after NFKC and removing whitespace (:func:`ngrams`);
:func:`shared_ngrams` checks it on the written texts.

A sentence unit is a sentence ending in 。！？； (and closing quotes), or a
line without a terminator (a heading): passages are cut as runs of whole
units and inserted at unit ends.

Formulaic lines ("尊敬的各位领导，同志们：", "谢谢大家！", ...) are added to
documents on purpose, as whole lines; they are not reuse.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from jobs.evaluation.cases import Case

NGRAM = 12
"""Two documents may share no substring of this many characters (outside cases)."""

OPENERS = ("尊敬的各位领导，同志们：", "现将有关情况汇报如下：")
CLOSERS = (
    "汇报完毕，不妥之处，请各位领导批评指正，谢谢大家！",
    "以上报告，请予审议。",
    "谢谢大家！",
)
FORMULAIC = frozenset(OPENERS + CLOSERS)
"""The formulaic lines: openers and closers of speeches and reports."""

TERMINATORS = "。！？；"
_UNIT = re.compile(r"[^\n。！？；]*(?:[。！？；]+[”’」』）)】]*|\n|$)")


def ngrams(text: str, n: int = NGRAM) -> set[str]:
    """The ``n``-character substrings of ``text`` after NFKC and removing whitespace.

    >>> sorted(ngrams("谢谢 大家！", 4))
    ['谢大家!', '谢谢大家']
    """
    s = "".join(unicodedata.normalize("NFKC", text).split())
    return {s[i : i + n] for i in range(len(s) - n + 1)}


def sentence_units(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of sentences (ending in 。！？； and closing quotes) and of
    lines without a terminator (headings); leading whitespace excluded.

    >>> t = "一、总体要求\\n坚持稳中求进。数据增长3.5%，好！"
    >>> [t[s:e] for s, e in sentence_units(t)]
    ['一、总体要求', '坚持稳中求进。', '数据增长3.5%，好！']
    """
    spans = []
    for m in _UNIT.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def ends_sentence(unit: str) -> bool:
    """True when ``unit`` ends with a terminator (possibly followed by closing quotes)."""
    return bool(re.search(r"[。！？；][”’」』）)】]*$", unit))


def free_segments(text: str, excluded: Iterable[tuple[int, int]]) -> list[str]:
    """``text`` cut at the excluded ranges and at formulaic lines; the pieces in between."""
    cuts = sorted(excluded)
    pos = 0
    for line in text.splitlines(keepends=True):
        if line.strip() in FORMULAIC:
            cuts.append((pos, pos + len(line)))
        pos += len(line)
    segments, last = [], 0
    for s, e in sorted(cuts):
        if s > last:
            segments.append(text[last:s])
        last = max(last, e)
    segments.append(text[last:])
    return segments


def shared_ngrams(
    texts: dict[str, str], cases: Iterable[Case], n: int = NGRAM
) -> list[tuple[str, str, str]]:
    """``(ngram, doc, other doc)`` for 12-grams found in two documents outside formulaic
    lines and outside the suspicious ranges of cases (source ranges are kept)."""
    excluded: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for c in cases:
        excluded[c.susp].append((c.susp_start, c.susp_end))
    owner: dict[str, str] = {}
    clashes = []
    for name in sorted(texts):
        grams: set[str] = set()
        for seg in free_segments(texts[name], excluded[name]):
            grams |= ngrams(seg, n)
        for g in grams:
            if owner.setdefault(g, name) != name:
                clashes.append((g, owner[g], name))
    return clashes
