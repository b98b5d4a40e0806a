"""The text analysis of a similarity report: a document's sections from its
headings, and the characters a set of spans covers.

Headings are recognised at the start of a line: ``一、`` ``二、`` and
``第一章`` / ``第一节`` / ``第一部分`` open a level-1 section, ``（一）`` a
level-2 one. Offsets are code-point offsets into the original text.
"""

from __future__ import annotations

import re
from typing import Any

#: Section headings at the start of a line: 一、 二、 (level 1), （一） (一) (level 2),
#: 第一章 / 第一节 / 第一部分 (level 1).
_HEADING = re.compile(
    r"^[ \t\u3000]*(?:"
    r"(?P<l1>[一二三四五六七八九十百]+、|第[一二三四五六七八九十百零〇\d]+[章节部分篇])"
    r"|(?P<l2>[（(][一二三四五六七八九十百]+[）)]))"
    r"[^\n]{0,60}",
    re.MULTILINE,
)


def sections(text: str) -> list[dict[str, Any]]:
    r"""Sections of a document from its headings, in original offsets.

    A section runs from its heading to the next heading of the same or a
    higher level (level 1: ``一、``, ``第一章``; level 2: ``（一）``). Text before
    the first heading is the section ``(start)``.

    >>> [(s["title"], s["level"], s["start"], s["end"])  # doctest: +NORMALIZE_WHITESPACE
    ...  for s in sections("前言\n一、总体\n（一）目标\n正文\n二、措施\n")]
    [('(start)', 0, 0, 3), ('一、总体', 1, 3, 17), ('（一）目标', 2, 8, 17),
     ('二、措施', 1, 17, 22)]
    """
    heads = [
        (m.start(), 1 if m.group("l1") else 2, m.group().strip().split("\n")[0][:40])
        for m in _HEADING.finditer(text)
    ]
    out: list[dict[str, Any]] = []
    if not heads or heads[0][0] > 0:
        first = heads[0][0] if heads else len(text)
        if text[:first].strip():
            out.append({"title": "(start)", "level": 0, "start": 0, "end": first})
    for k, (start, level, title) in enumerate(heads):
        end = len(text)
        for later, later_level, _ in heads[k + 1 :]:
            if later_level <= level:
                end = later
                break
        out.append({"title": title, "level": level, "start": start, "end": end})
    return out
