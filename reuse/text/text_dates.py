"""Dates in a document's text: a signature date at its tail, else a dateline at its head.

:func:`date_from_text` reads the date a report states of itself: the
signature date at the end, a dateline at the head, a speech or resolution
dateline (``——2025年3月5日在……会议上``, ``（2025年3月11日……会议通过）``) in the
first :data:`DATELINE_LINES` lines, a year-month dateline on a line of its
own, or the session of a national congress named at the head
(:mod:`reuse.text.congress_sessions`). Dates in the body are about events,
not the document, and are ignored.
"""

from __future__ import annotations

import re

from reuse.text.congress_sessions import congress_sessions
from reuse.text.date_patterns import (
    ARABIC_MONTH,
    CHINESE_MONTH,
    TEXT_PATTERNS,
    DateMatch,
    cn_number,
    cn_year,
    full_dates,
)
from reuse.text.date_precision import DAY, MONTH, YEAR, DocumentDate, make_date

__all__ = [
    "DATELINE_LINES",
    "HEAD_CHARS",
    "HEAD_LINES",
    "TAIL_CHARS",
    "TAIL_LINES",
    "date_from_text",
]

#: The head region of a text: its first ``HEAD_LINES`` non-blank lines, but no
#: more than ``HEAD_CHARS`` characters from the first non-blank line's start.
HEAD_LINES = 5
HEAD_CHARS = 300
#: The tail region: its last ``TAIL_LINES`` non-blank lines, but no more than
#: ``TAIL_CHARS`` characters before the last non-blank line's end.
TAIL_LINES = 5
TAIL_CHARS = 300
#: A speech or resolution dateline (``——2025年3月5日在……会议上``) is looked for
#: in the first ``DATELINE_LINES`` non-blank lines (web pages put menus first).
DATELINE_LINES = 30
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

#: A year-month dateline: the line holds the date alone, perhaps in brackets or
#: after a dash (``（2024年3月）``, ``——二〇二四年三月``).
_MONTH_LINE = re.compile(
    r"^[ \t\u3000\xa0（(【\[〔—–-]*"
    rf"(?:{ARABIC_MONTH.pattern}|{CHINESE_MONTH.pattern})"
    r"[ \t\u3000\xa0）)】\]〕]*\r?$",
    re.MULTILINE,
)


def _month_lines(text: str) -> list[DateMatch]:
    """The year-month datelines of ``text`` (:data:`_MONTH_LINE`), by position."""
    found = []
    for m in _MONTH_LINE.finditer(text):
        if m.group(1) is not None:
            d = make_date(int(m.group(1)), int(m.group(2)), 1)
            start, matched = m.start(1), text[m.start(1) : m.end(2)] + "月"
        else:
            d = make_date(cn_year(m.group(3)), cn_number(m.group(4)), 1)
            start, matched = m.start(3), text[m.start(3) : m.end(4)] + "月"
        if d is not None:
            found.append(DateMatch(start, start + len(matched), d, matched))
    return found


def _regions(text: str) -> tuple[int, int, int] | None:
    """``(head_end, tail_start, dateline_end)`` offsets of the head and tail
    regions and of the end of the region where a speech dateline is looked
    for; None if the text is blank."""
    lines = [m.span() for m in re.finditer(r"[^\r\n]+", text) if not m.group().isspace()]
    if not lines:
        return None
    head_end = min(lines[min(HEAD_LINES, len(lines)) - 1][1], lines[0][0] + HEAD_CHARS)
    tail_start = max(lines[max(len(lines) - TAIL_LINES, 0)][0], lines[-1][1] - TAIL_CHARS)
    dateline_end = lines[min(DATELINE_LINES, len(lines)) - 1][1]
    return head_end, tail_start, dateline_end


_DATELINE_DASH = ("——", "—", "--", "－－", "－")
_DATELINE_BRACKET = ("（", "(")


def _is_speech_dateline(text: str, start: int, end: int) -> bool:
    """Whether the date at ``text[start:end]`` is the dateline of a speech
    (``——2025年3月5日在……会议上``, the date right after a dash at the start of
    its line and followed by ``在``) or of a resolution (``（2025年3月11日……
    会议通过）``, right after an opening bracket, ``通过`` or ``会议`` later on
    the line)."""
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    prefix = text[line_start:start].strip(" \t\u3000\xa0")
    rest = re.split(r"[\r\n]", text[end : end + 200], maxsplit=1)[0].lstrip(" \t\u3000\xa0")
    if prefix in _DATELINE_DASH:
        return rest.startswith("在")
    if prefix in _DATELINE_BRACKET:
        return "通过" in rest or "会议" in rest
    return False


def _text_date(
    text: str,
    chosen: DateMatch,
    where: str,
    precision: str,
    matched: str | None = None,
) -> DocumentDate:
    """The date ``chosen`` as the text's date, its evidence the date as written
    (or ``matched``), its line and ``where`` (head, tail, dateline)."""
    start, _, d, found = chosen
    line = len(_LINE_BREAK.findall(text, 0, start)) + 1
    shown = matched or found
    return DocumentDate(d, "text", f"{shown} (text, line {line}, {where})", precision)


def date_from_text(text: str) -> DocumentDate | None:
    """The date of a document read from its text: a signature date, else a dateline.

    A report states its own date at its **head** (a news dateline, a date under
    the title) or at its **tail** (the date under the signature of a speech,
    notice or regulation); dates in the body are about events, not the
    document, and are ignored. The rule, the first that gives a date:

    1. the **last** valid full date in the tail region (a signature);
    2. the **first** valid full date in the head region (a dateline);
    3. the first **speech or resolution dateline** in the first 30 non-blank
       lines (web pages put menus and bylines above the title):
       ``——2026年1月28日在云南省第十四届人民代表大会第四次会议上`` (a dash,
       the date, ``在``) or ``（2025年3月11日第十四届全国人民代表大会第三次会议通过）``
       (an opening bracket, the date, ``通过`` or ``会议`` on the line);
       evidence ``'... (text, line 13, dateline)'``;
    4. the last, else the first, **year-month dateline** (a line holding only
       ``2024年3月`` or ``二〇二四年三月``, perhaps in brackets) of the tail,
       else of the head: precision ``'month'``;
    5. the first **congress session** named in the head region
       (``第十四届全国人民代表大会第三次会议`` is 2025, see
       :mod:`reuse.text.congress_sessions`): precision ``'year'``;
    6. else None.

    The head region is the first 5 non-blank lines, cut at 300 characters from
    the start of the first; the tail region is the last 5 non-blank lines, cut
    at 300 characters before the end of the last. A date belongs to the head
    when it starts inside it and to the tail when it ends inside it. In a short
    text the regions overlap, and then rule 1 picks the last date of the text.
    A regulation that ends with ``本办法自2024年5月1日起施行。`` and no
    signature date is dated by that effective date.

    Dates: ``2024年3月5日`` with optional spaces (``2024 年 3 月 5 日``) and
    ASCII or full-width digits (``２０２４年３月５日``), and Chinese numerals
    (``二〇二四年三月五日``, with ``〇``/``○``/``零`` for zero and ``十``,
    ``十二``, ``二十一``, ``三十一`` for months and days). A date never spans a
    line break. ``evidence`` gives the date as written, its 1-based line
    number and ``head`` or ``tail``, e.g. ``'2024年3月5日 (text, line 1, head)'``;
    for a session, the year follows it:
    ``'第十四届全国人民代表大会第三次会议 (2025) (text, line 1, head)'``.

    >>> date_from_text("讲话\\n2024年1月2日我们开会。\\n\\n２０２４年３月５日").evidence
    '２０２４年３月５日 (text, line 4, tail)'
    """
    regions = _regions(text)
    if regions is None:
        return None
    head_end, tail_start, dateline_end = regions
    found = full_dates(text, TEXT_PATTERNS)
    tail = [f for f in found if f.end > tail_start]
    if tail:
        return _text_date(text, tail[-1], "tail", DAY)
    head = [f for f in found if f.start < head_end]
    if head:
        return _text_date(text, head[0], "head", DAY)
    for f in found:
        if f.start >= dateline_end:
            break
        if _is_speech_dateline(text, f.start, f.end):
            return _text_date(text, f, "dateline", DAY)
    months = _month_lines(text)
    tail = [f for f in months if f.end > tail_start]
    if tail:
        return _text_date(text, tail[-1], "tail", MONTH)
    head = [f for f in months if f.start < head_end]
    if head:
        return _text_date(text, head[0], "head", MONTH)
    sessions = [f for f in congress_sessions(text[: head_end + 64]) if f.start < head_end]
    if sessions:
        first = sessions[0]
        return _text_date(text, first, "head", YEAR, f"{first.matched} ({first.date.year})")
    return None
