"""Quotations: spans of a document's original text inside quotation marks.

A report that quotes another document (“……”) reuses its words openly; a
review marks such a passage ``'quotation'`` instead of counting it against the
document (the ``match_sides`` and ``document_similarity`` views). This module
finds the quoted spans once per document at index time.

Rules:

* The marks are the paired Chinese and Japanese quotation marks “…”, 「…」,
  『…』 and the ASCII ``"…"`` within one line (ASCII marks do not say which is
  the opening one, so they pair in order of appearance, line by line).
* Marks nest (a quotation inside a quotation); only the outermost span is
  returned, so spans never overlap.
* An opening mark without its closing mark within :data:`MAX_QUOTE_CHARS`
  characters (a stray or OCR-broken mark) opens nothing.
* A span is the text strictly between the two marks, in code points,
  end-exclusive.
"""

from __future__ import annotations

import re

#: The longest quotation, in characters; a longer "quotation" is a stray mark.
MAX_QUOTE_CHARS = 3000

_PAIRS = {"“": "”", "「": "」", "『": "』"}
_MARKS = re.compile("[“”「」『』]")
_ASCII = re.compile(r'"([^"\n]{1,' + str(MAX_QUOTE_CHARS) + r'})"')


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Outermost quoted spans ``(start, end)`` of ``text``, sorted, not overlapping.

    >>> quoted_spans('他说：“要“撸起袖子加油干”。”然后')
    [(4, 15)]
    >>> quoted_spans('"abc" and "de"')
    [(1, 4), (11, 13)]
    >>> quoted_spans('stray “ mark')
    []
    """
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []  # (expected closer, position of the opener)
    for mark in _MARKS.finditer(text):
        ch, pos = mark.group(), mark.start()
        # Forget openers too far back to be closed: they were stray marks.
        while stack and pos - stack[0][1] > MAX_QUOTE_CHARS:
            stack.pop(0)
        if ch in _PAIRS:
            stack.append((_PAIRS[ch], pos))
            continue
        # A closer closes the innermost opener of its kind; openers of other
        # kinds left open inside it were stray.
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == ch:
                opened = stack[depth][1]
                del stack[depth:]
                if not stack:
                    spans.append((opened + 1, pos))
                break
    for found in _ASCII.finditer(text):
        spans.append((found.start(1), found.end(1)))
    return _outermost(spans)


def _outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if end <= start:
            continue
        if out and start < out[-1][1]:
            if end > out[-1][1]:  # partly overlapping (ASCII inside curly): join
                out[-1] = (out[-1][0], end)
            continue
        out.append((start, end))
    return out
