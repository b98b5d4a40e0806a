"""Document dates: when was a report written, and how do we know?

A document's date is read from three places, in this order of precedence:

1. **metadata** -- a date the file format carries (docx ``core.created``, PDF
   ``/CreationDate``, an HTML ``<meta>`` date), parsed by
   :func:`parse_metadata_date`;
2. **file name** -- a date in the file's base name (:func:`date_from_filename`);
3. **text** -- a dateline at the head or a signature date at the end of the
   text (:func:`date_from_text`).

Only *full* dates (year, month and day) count; a year-month date such as
``2024年3月`` is ignored. A date must exist (``2024年2月30日`` is rejected) and
its year must be plausible: 1949 to the current year + 1.

Every date comes back as a :class:`DocumentDate` with its ``source``
(``'metadata'``, ``'file name'`` or ``'text'``) and ``evidence``, a short note
of what was read, e.g. ``'20240305 in file name'`` or
``'2024年3月5日 (text, line 40, tail)'``.

>>> document_date("2024-03-05 讲话.txt", "正文").evidence
'2024-03-05 in file name'
>>> date_from_text("关于印发办法的通知\\n正文……\\n二〇二四年十二月二十一日").date
datetime.date(2024, 12, 21)
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "HEAD_CHARS",
    "HEAD_LINES",
    "MIN_YEAR",
    "TAIL_CHARS",
    "TAIL_LINES",
    "DocumentDate",
    "date_from_filename",
    "date_from_text",
    "document_date",
    "parse_metadata_date",
]

#: The earliest plausible year of a document.
MIN_YEAR = 1949
#: The head region of a text: its first ``HEAD_LINES`` non-blank lines, but no
#: more than ``HEAD_CHARS`` characters from the first non-blank line's start.
HEAD_LINES = 5
HEAD_CHARS = 300
#: The tail region: its last ``TAIL_LINES`` non-blank lines, but no more than
#: ``TAIL_CHARS`` characters before the last non-blank line's end.
TAIL_LINES = 5
TAIL_CHARS = 300


@dataclass(frozen=True)
class DocumentDate:
    """A document's date, where it was read (``source``) and what was read (``evidence``).

    ``source`` is ``'metadata'``, ``'file name'`` or ``'text'``.
    """

    date: datetime.date
    source: str
    evidence: str


def _max_year() -> int:
    return datetime.date.today().year + 1


def _make_date(year: int, month: int, day: int) -> datetime.date | None:
    """The date, or None when it does not exist or its year is implausible."""
    if not MIN_YEAR <= year <= _max_year():
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


# --- patterns ----------------------------------------------------------------

_D = "[0-9０-９]"  # an ASCII or full-width digit; int() reads both
_SP = "[ \\t\\u3000\\xa0]*"  # spacing inside a date, never a line break

#: ``2024年3月5日``, ``2024 年 3 月 5 日``, ``２０２４年３月５日``.
_ARABIC = re.compile(
    rf"(?<![0-9０-９])({_D}{{4}}){_SP}年{_SP}({_D}{{1,2}}){_SP}月{_SP}({_D}{{1,2}}){_SP}日"
)

_CN_DIGITS = {
    "〇": 0, "○": 0, "零": 0, "0": 0, "０": 0, "O": 0, "Ｏ": 0,
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CN_YEAR_CHAR = "[〇○零0０OＯ一二三四五六七八九]"
_CN_1_9 = "[一二三四五六七八九]"
_CN_MONTH = f"(?:十[一二]?|{_CN_1_9})"
_CN_DAY = f"(?:三十一?|二十{_CN_1_9}?|十{_CN_1_9}?|{_CN_1_9})"
#: ``二〇二四年三月五日``, ``二○二四年十二月二十一日``, ``二零二四年…``.
_CHINESE = re.compile(
    rf"(?<![〇○零0０OＯ一二三四五六七八九十])({_CN_YEAR_CHAR}{{4}}){_SP}年{_SP}"
    rf"({_CN_MONTH}){_SP}月{_SP}({_CN_DAY}){_SP}日"
)

#: File names only: ``2024-03-05``, ``2024_03_05``, ``2024.03.05`` (one separator
#: throughout) and ``20240305`` (exactly eight digits, not part of a longer run).
_SEPARATED = re.compile(
    rf"(?<![0-9０-９])({_D}{{4}})([-_.])({_D}{{1,2}})\2({_D}{{1,2}})(?![0-9０-９])"
)
_COMPACT = re.compile(r"(?<![0-9０-９])([0-9０-９]{4})([0-9０-９]{2})([0-9０-９]{2})(?![0-9０-９])")


def _cn_number(s: str) -> int:
    """A Chinese numeral of 1..31 (``五``, ``十``, ``十二``, ``二十一``) as an int."""
    if "十" not in s:
        return _CN_DIGITS[s]
    tens, _, units = s.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _arabic(m: re.Match[str]) -> datetime.date | None:
    return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def _chinese(m: re.Match[str]) -> datetime.date | None:
    year = int("".join(str(_CN_DIGITS[c]) for c in m.group(1)))
    return _make_date(year, _cn_number(m.group(2)), _cn_number(m.group(3)))


def _separated(m: re.Match[str]) -> datetime.date | None:
    return _make_date(int(m.group(1)), int(m.group(3)), int(m.group(4)))


_Converter = Callable[[re.Match[str]], datetime.date | None]
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _full_dates(
    text: str, patterns: tuple[tuple[re.Pattern[str], _Converter], ...]
) -> list[tuple[int, int, datetime.date, str]]:
    """Valid full dates in ``text`` as ``(start, end, date, matched text)``, by position."""
    found = []
    for pattern, convert in patterns:
        for m in pattern.finditer(text):
            d = convert(m)
            if d is not None:
                found.append((m.start(), m.end(), d, m.group(0)))
    found.sort(key=lambda f: (f[0], f[1]))
    return found


_TEXT_PATTERNS = ((_ARABIC, _arabic), (_CHINESE, _chinese))
_NAME_PATTERNS = (
    (_SEPARATED, _separated),
    (_COMPACT, _arabic),
    (_ARABIC, _arabic),
    (_CHINESE, _chinese),
)


# --- file names --------------------------------------------------------------


def date_from_filename(path: str) -> DocumentDate | None:
    """The first valid full date in the base name of ``path``, or None.

    Formats: ``2024-03-05``, ``2024_03_05``, ``2024.03.05`` (month and day may
    have one digit; the two separators must agree), ``20240305`` (eight digits
    not part of a longer digit run, so phone numbers and ids do not count),
    ``2024年3月5日`` and the Chinese-numeral ``二〇二四年三月五日``. Only the last
    path component is read (``/`` and ``\\`` both separate); directories are not.

    >>> date_from_filename("/data/2023/report_20240305_v2.pdf").evidence
    '20240305 in file name'
    >>> date_from_filename("scan_202403051.pdf") is None
    True
    """
    name = re.split(r"[\\/]", path)[-1]
    found = _full_dates(name, _NAME_PATTERNS)
    if not found:
        return None
    _, _, d, matched = found[0]
    return DocumentDate(d, "file name", f"{matched} in file name")


# --- text --------------------------------------------------------------------


def _regions(text: str) -> tuple[int, int] | None:
    """``(head_end, tail_start)`` offsets of the head and tail regions, None if blank."""
    lines = [m.span() for m in re.finditer(r"[^\r\n]+", text) if not m.group().isspace()]
    if not lines:
        return None
    head_end = min(lines[min(HEAD_LINES, len(lines)) - 1][1], lines[0][0] + HEAD_CHARS)
    tail_start = max(lines[max(len(lines) - TAIL_LINES, 0)][0], lines[-1][1] - TAIL_CHARS)
    return head_end, tail_start


def date_from_text(text: str) -> DocumentDate | None:
    """The date of a document read from its text: a signature date, else a dateline.

    A report states its own date at its **head** (a news dateline, a date under
    the title) or at its **tail** (the date under the signature of a speech,
    notice or regulation); dates in the body are about events, not the
    document, and are ignored. The rule:

    1. the **last** valid full date in the tail region, if any (a signature);
    2. else the **first** valid full date in the head region;
    3. else None.

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
    number and ``head`` or ``tail``, e.g. ``'2024年3月5日 (text, line 1, head)'``.

    >>> date_from_text("讲话\\n2024年1月2日我们开会。\\n\\n２０２４年３月５日").evidence
    '２０２４年３月５日 (text, line 4, tail)'
    """
    regions = _regions(text)
    if regions is None:
        return None
    head_end, tail_start = regions
    found = _full_dates(text, _TEXT_PATTERNS)
    tail = [f for f in found if f[1] > tail_start]
    if tail:
        chosen, where = tail[-1], "tail"
    else:
        head = [f for f in found if f[0] < head_end]
        if not head:
            return None
        chosen, where = head[0], "head"
    start, _, d, matched = chosen
    line = len(_LINE_BREAK.findall(text, 0, start)) + 1
    return DocumentDate(d, "text", f"{matched} (text, line {line}, {where})")


# --- metadata ----------------------------------------------------------------

#: ``D:20240305123000+08'00'`` (PDF) or ``20240305T1230`` (basic ISO 8601): a run of
#: 8, 10, 12 or 14 digits (date, then hours, minutes, seconds).
_META_COMPACT = re.compile(r"^(?:D:)?\s*(\d{4})(\d{2})(\d{2})(?:\d\d){0,3}(?!\d)", re.ASCII)
#: ``2024-03-05``, ``2024-03-05T12:30:00+08:00``, ``2024/3/5 12:30``, ``2024.03.05``.
_META_SEPARATED = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)", re.ASCII)


def parse_metadata_date(value: object) -> datetime.date | None:
    """A metadata date value as a date, or None when it is missing, junk or implausible.

    Accepts ``datetime.datetime`` and ``datetime.date`` objects, ISO strings
    (``'2024-03-05'``, ``'2024-03-05T12:30:00+08:00'``, also with ``/`` or
    ``.``), compact and PDF dates (``'20240305'``, ``'D:20240305123000+08'00''``),
    ``'2024年3月5日'``, and bytes of any of these. The date is taken as written:
    no time-zone conversion. Year-only or year-month values (``'D:2024'``),
    dates that do not exist and years outside 1949..next year give None.

    >>> parse_metadata_date("D:20240305123000+08'00'")
    datetime.date(2024, 3, 5)
    >>> parse_metadata_date("not a date") is None
    True
    """
    if isinstance(value, datetime.datetime):
        return _make_date(value.year, value.month, value.day)
    if isinstance(value, datetime.date):
        return _make_date(value.year, value.month, value.day)
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return None
    s = value.strip().lstrip("\ufeff")
    if m := _META_SEPARATED.match(s):
        return _make_date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
    if m := _META_COMPACT.match(s):
        return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if (m := _ARABIC.match(s)) or (m := _CHINESE.match(s)):
        return _arabic(m) if m.re is _ARABIC else _chinese(m)
    return None


# --- precedence --------------------------------------------------------------


def document_date(
    path: str,
    text: str,
    metadata_date: object = None,
    *,
    metadata_label: str = "metadata date",
) -> DocumentDate | None:
    """The document's date: metadata, else file name, else text; None if none is found.

    ``metadata_date`` may be anything :func:`parse_metadata_date` accepts; an
    invalid or implausible one falls through to the file name. Its evidence is
    ``f'{metadata_label} {date.isoformat()}'``, so a caller passing
    ``metadata_label='docx created'`` gets ``'docx created 2024-03-05'``.

    >>> document_date("a_20240305.txt", "", datetime.date(2023, 1, 2)).source
    'metadata'
    """
    meta = parse_metadata_date(metadata_date)
    if meta is not None:
        return DocumentDate(meta, "metadata", f"{metadata_label} {meta.isoformat()}")
    return date_from_filename(path) or date_from_text(text)
