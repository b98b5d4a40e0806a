"""Document dates: when was a report written, how precisely, and how do we know?

A document's date is read from three places:

1. **metadata** -- a date the file format carries (docx ``core.created``, PDF
   ``/CreationDate``, an HTML ``<meta>`` date), parsed by
   :func:`parse_metadata_date`; always a full date;
2. **file name** -- a date in the file's base name (:func:`date_from_filename`):
   ``2024-03-05``, ``20240305``, ``2024年3月5日``, ``2024-03``, ``2024年3月``,
   a year (``2025_政府工作报告.txt``), or the session of a national congress
   the name names (see below);
3. **text** -- a dateline at the head or a signature date at the end of the
   text, a speech or resolution dateline in the first 30 lines
   (``——2025年3月5日在……会议上``, ``（2025年3月11日……会议通过）``), a
   year-month dateline on a line of its own, or the session of a national
   congress named at the head (:func:`date_from_text`).

**Precision.** A date is a day, a month or a year: :class:`DocumentDate` has a
``precision`` of ``'day'``, ``'month'`` or ``'year'``, and its ``date`` is the
first day of that period (``2025`` is stored as 2025-01-01 with precision
``'year'``, never as if the document were of 1 January). Two dates are compared
only at the coarser precision of the two (:func:`compare_dates`): 2024 is
earlier than 2025-03-05, but 2025 and 2025-03-05 are undecided.

**Which date is the document's** (:func:`document_date`): the most precise of
the three, and among equally precise ones metadata, then file name, then text;
but a date that contradicts a date of a higher-precedence source (they differ
at the coarser precision of the two) is dropped. So a full dateline in the text
(``——2025年3月5日在第十四届全国人民代表大会第三次会议上``) refines the year of
the file name ``2025_国务院政府工作报告.txt``, while a text date of 2024 in a
file named ``2025_...`` is not used (the file name's year stands). Metadata is
always a full date and so always wins, as before.

**Congress sessions.** A report to, or a resolution of, a national congress
names it, and the session fixes the year: ``第十四届全国人民代表大会第三次会议``
(the 14th National People's Congress, 3rd session) was held in 2025, and
``中国共产党第九次全国代表大会`` in 1969. These are read at year precision from
the file name (anywhere in it) or from the head of the text (the first one
there), from a table of the sessions held (:func:`npc_session_year`,
:func:`cpc_congress_year`). Only the full names count: not the short
``十四届全国人大三次会议``, not a ``党的第十二次全国代表大会`` a report may look
back on, not the standing committee's sessions; and a congress followed by a
later session of it (``第八次全国代表大会第二次会议``) is not read. In a file
name a written date beats a session; like any date, a session yields to a
more precise one, and at equal precision to one of a higher-precedence source.

A date must exist (``2024年2月30日`` is rejected, and gives no year or month
either) and its year must be plausible: 1949 to the current year + 1 (a
session's year comes from the table and may be earlier).

Every date comes back as a :class:`DocumentDate` with its ``source``
(``'metadata'``, ``'file name'`` or ``'text'``), ``evidence``, a short note
of what was read, e.g. ``'20240305 in file name'`` or
``'2024年3月5日 (text, line 40, tail)'``, and ``precision``.

>>> document_date("2024-03-05 讲话.txt", "正文").evidence
'2024-03-05 in file name'
>>> date_from_text("关于印发办法的通知\\n正文……\\n二〇二四年十二月二十一日").date
datetime.date(2024, 12, 21)
>>> found = document_date("2025_国务院政府工作报告.txt", "各位代表：\\n现在……")
>>> (found.date, found.precision, found.evidence)
(datetime.date(2025, 1, 1), 'year', '2025 in file name')
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "DATELINE_LINES",
    "DAY",
    "HEAD_CHARS",
    "HEAD_LINES",
    "MIN_YEAR",
    "MONTH",
    "PRECISIONS",
    "TAIL_CHARS",
    "TAIL_LINES",
    "YEAR",
    "DocumentDate",
    "compare_dates",
    "cpc_congress_year",
    "date_from_filename",
    "date_from_text",
    "document_date",
    "format_date",
    "npc_session_year",
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
#: A speech or resolution dateline (``——2025年3月5日在……会议上``) is looked for
#: in the first ``DATELINE_LINES`` non-blank lines (web pages put menus first).
DATELINE_LINES = 30

#: Precisions of a date (``documents.date_precision``), coarsest first.
YEAR, MONTH, DAY = "year", "month", "day"
PRECISIONS = (YEAR, MONTH, DAY)
_RANK = {p: i for i, p in enumerate(PRECISIONS)}


@dataclass(frozen=True)
class DocumentDate:
    """A document's date, where it was read (``source``), what was read
    (``evidence``) and how precise it is (``precision``).

    ``source`` is ``'metadata'``, ``'file name'`` or ``'text'``; ``precision``
    is ``'day'``, ``'month'`` or ``'year'``, and ``date`` the first day of that
    period (a year is its 1 January, a month its 1st).
    """

    date: datetime.date
    source: str
    evidence: str
    precision: str = DAY


def format_date(date: datetime.date, precision: str | None) -> str:
    """``date`` written at its precision: ``'2025'``, ``'2025-03'`` or ``'2025-03-05'``.

    >>> format_date(datetime.date(2025, 1, 1), "year")
    '2025'
    """
    if precision == YEAR:
        return f"{date.year:04d}"
    if precision == MONTH:
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()


def _truncate(date: datetime.date, precision: str) -> datetime.date:
    if precision == YEAR:
        return datetime.date(date.year, 1, 1)
    if precision == MONTH:
        return datetime.date(date.year, date.month, 1)
    return date


def compare_dates(
    a: datetime.date, precision_a: str | None, b: datetime.date, precision_b: str | None
) -> int | None:
    """-1 when ``a`` is earlier, 1 when later, 0 when the two cannot be told
    apart at the coarser precision of the two (a precision of None is a day,
    as stored before precisions existed). The ``match_provenance`` view
    compares document dates the same way.

    >>> Y, D = datetime.date(2025, 1, 1), datetime.date(2025, 3, 5)
    >>> compare_dates(datetime.date(2024, 1, 1), "year", D, "day")
    -1
    >>> compare_dates(Y, "year", D, "day")
    0
    """
    coarser = min(_RANK[precision_a or DAY], _RANK[precision_b or DAY])
    ta, tb = _truncate(a, PRECISIONS[coarser]), _truncate(b, PRECISIONS[coarser])
    return (ta > tb) - (ta < tb)


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
#: ``2024年3月`` not followed by a day (``2024年3月份``, ``（2024年3月）``).
_ARABIC_MONTH = re.compile(
    rf"(?<![0-9０-９])({_D}{{4}}){_SP}年{_SP}({_D}{{1,2}}){_SP}月(?!{_SP}{_D})"
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
#: ``二〇二四年三月`` not followed by a day.
_CHINESE_MONTH = re.compile(
    rf"(?<![〇○零0０OＯ一二三四五六七八九十])({_CN_YEAR_CHAR}{{4}}){_SP}年{_SP}"
    rf"({_CN_MONTH}){_SP}月(?!{_SP}[一二三四五六七八九十])"
)

#: File names only: ``2024-03-05``, ``2024_03_05``, ``2024.03.05`` (one separator
#: throughout) and ``20240305`` (exactly eight digits, not part of a longer run).
_SEPARATED = re.compile(
    rf"(?<![0-9０-９])({_D}{{4}})([-_.])({_D}{{1,2}})\2({_D}{{1,2}})(?![0-9０-９])"
)
_COMPACT = re.compile(r"(?<![0-9０-９])([0-9０-９]{4})([0-9０-９]{2})([0-9０-９]{2})(?![0-9０-９])")
#: File names only: ``2024-03``, ``2024_03``, ``2024.03`` (see :func:`_partial_ok`).
_SEPARATED_MONTH = re.compile(rf"(?<![0-9０-９])({_D}{{4}})[-_.]({_D}{{1,2}})(?![0-9０-９])")
#: File names only: a year, four digits not part of a longer run (see :func:`_partial_ok`).
_YEAR = re.compile(rf"(?<![0-9０-９]){_D}{{4}}(?![0-9０-９])")
#: What may stand around a year or year-month in a file name.
_NAME_SEPARATORS = frozenset(" \t\u3000-_.()（）[]【】〔〕［］{}《》「」、，,;；+~")

#: Ordinals of sessions and congresses: ``十四``, ``二十``, ``3``.
_ORD = rf"(?:{_D}{{1,2}}|[一二三四五六七八九十]{{1,3}})"
_ORD_CN = re.compile(r"(?:([一二三四五六七八九]?)十)?([一二三四五六七八九]?)")
#: ``第十四届全国人民代表大会第三次会议`` (also in traditional characters).
_NPC_SESSION = re.compile(
    rf"第{_SP}({_ORD}){_SP}屆?届?{_SP}全[国國]人民代表大[会會]{_SP}第{_SP}({_ORD}){_SP}次{_SP}[会會]"
    "[议議]"
)
#: ``中国共产党第九次全国代表大会`` (also traditional), not followed by a session of it.
_CPC_CONGRESS = re.compile(
    rf"中[国國]共[产產][党黨]{_SP}第{_SP}({_ORD}){_SP}次{_SP}全[国國]代表大[会會](?!{_SP}第)"
)


def _cn_number(s: str) -> int:
    """A Chinese numeral of 1..31 (``五``, ``十``, ``十二``, ``二十一``) as an int."""
    if "十" not in s:
        return _CN_DIGITS[s]
    tens, _, units = s.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _ordinal(s: str) -> int | None:
    """An ordinal of 1..99 written ``14`` or ``十四``, None if malformed (``十十``)."""
    if s[0] not in "一二三四五六七八九十":
        value = int(s)
        return value or None
    m = _ORD_CN.fullmatch(s)
    if m is None or not s:
        return None
    return _cn_number(s)


def _arabic(m: re.Match[str]) -> datetime.date | None:
    return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def _arabic_month(m: re.Match[str]) -> datetime.date | None:
    return _make_date(int(m.group(1)), int(m.group(2)), 1)


def _cn_year(s: str) -> int:
    return int("".join(str(_CN_DIGITS[c]) for c in s))


def _chinese(m: re.Match[str]) -> datetime.date | None:
    return _make_date(_cn_year(m.group(1)), _cn_number(m.group(2)), _cn_number(m.group(3)))


def _chinese_month(m: re.Match[str]) -> datetime.date | None:
    return _make_date(_cn_year(m.group(1)), _cn_number(m.group(2)), 1)


def _separated(m: re.Match[str]) -> datetime.date | None:
    return _make_date(int(m.group(1)), int(m.group(3)), int(m.group(4)))


# --- congress sessions -------------------------------------------------------

#: Years of the sessions of the 1st to 5th National People's Congress; from the
#: 6th (1983) on, every congress has five annual sessions.
_NPC_EARLY = {
    1: (1954, 1955, 1956, 1957, 1958),
    2: (1959, 1960, 1962, 1963),
    3: (1964,),
    4: (1975,),
    5: (1978, 1979, 1980, 1981, 1982),
}
#: Years of the 1st to 11th National Congress of the Communist Party of China;
#: from the 12th (1982) on, one every five years.
_CPC_EARLY = (1921, 1922, 1923, 1925, 1927, 1928, 1945, 1956, 1969, 1973, 1977)


def npc_session_year(congress: int, session: int) -> int | None:
    """The year session ``session`` of the ``congress``-th National People's
    Congress was held, None if there is no such session (or it is in the future).

    >>> npc_session_year(14, 3), npc_session_year(2, 3), npc_session_year(3, 2)
    (2025, 1962, None)
    """
    if congress in _NPC_EARLY:
        years = _NPC_EARLY[congress]
        return years[session - 1] if 1 <= session <= len(years) else None
    if congress < 1 or not 1 <= session <= 5:
        return None
    year = 1983 + 5 * (congress - 6) + session - 1
    return year if year <= _max_year() else None


def cpc_congress_year(congress: int) -> int | None:
    """The year of the ``congress``-th National Congress of the Communist Party of
    China, None if there is no such congress (or it is in the future).

    >>> cpc_congress_year(9), cpc_congress_year(20)
    (1969, 2022)
    """
    if 1 <= congress <= len(_CPC_EARLY):
        return _CPC_EARLY[congress - 1]
    if congress < 1:
        return None
    year = 1982 + 5 * (congress - 12)
    return year if year <= _max_year() else None


def _sessions(text: str) -> list[tuple[int, int, datetime.date, str]]:
    """Congress sessions named in ``text`` as ``(start, end, 1 January of their
    year, matched text)``, by position."""
    found = []
    for m in _NPC_SESSION.finditer(text):
        congress, session = _ordinal(m.group(1)), _ordinal(m.group(2))
        year = npc_session_year(congress, session) if congress and session else None
        if year is not None:
            found.append((m.start(), m.end(), datetime.date(year, 1, 1), m.group(0)))
    for m in _CPC_CONGRESS.finditer(text):
        congress = _ordinal(m.group(1))
        year = cpc_congress_year(congress) if congress else None
        if year is not None:
            found.append((m.start(), m.end(), datetime.date(year, 1, 1), m.group(0)))
    found.sort(key=lambda f: (f[0], f[1]))
    return found


_Converter = Callable[[re.Match[str]], datetime.date | None]
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _full_dates(
    text: str, patterns: tuple[tuple[re.Pattern[str], _Converter], ...]
) -> list[tuple[int, int, datetime.date, str]]:
    """Valid dates in ``text`` as ``(start, end, date, matched text)``, by position."""
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
_MONTH_PATTERNS = ((_ARABIC_MONTH, _arabic_month), (_CHINESE_MONTH, _chinese_month))


# --- file names --------------------------------------------------------------


_DIGITS = frozenset("0123456789０１２３４５６７８９")


def _is_letter(c: str) -> bool:
    return c.isascii() and c.isalpha()


def _partial_ok(name: str, start: int, end: int, year_only: bool) -> bool:
    """Whether a year (``year_only``) or a separated year-month at
    ``name[start:end]`` stands as a date of its own in the file name.

    Never when a letter touches it (``v2024``, ``2024a``) or a separator and a
    digit continue it on either side (``05.03.2024``, ``2024-2025``, an invalid
    ``2023-02-29``). A year must moreover be followed by a separator or the
    name's end, or by ``年`` and no digit (``2024年度``), or start the name
    (``2025政府工作报告``): ``第2025号`` is no year.
    """
    before = name[start - 1] if start > 0 else ""
    after = name[end] if end < len(name) else ""
    if _is_letter(before) or _is_letter(after):
        return False
    if before and before in "-_." and start >= 2 and name[start - 2] in _DIGITS:
        return False
    if after and after in "-_." and end + 1 < len(name) and name[end + 1] in _DIGITS:
        return False
    if not year_only:
        return True
    if after == "年":
        return re.match(rf"年{_SP}{_D}", name[end:]) is None
    return not after or after in _NAME_SEPARATORS or start == 0


def _name_candidates(stem: str) -> list[tuple[int, bool, int, int, datetime.date, str, str]]:
    """Every date in a file name's stem as ``(-precision rank, is a session,
    start, end, date, matched, precision)``: the smallest is the name's date."""
    found = [(s, e, d, t, DAY) for s, e, d, t in _full_dates(stem, _NAME_PATTERNS)]
    found += [(s, e, d, t, MONTH) for s, e, d, t in _full_dates(stem, _MONTH_PATTERNS)]
    for m in _SEPARATED_MONTH.finditer(stem):
        d = _make_date(int(m.group(1)), int(m.group(2)), 1)
        if d is not None and _partial_ok(stem, m.start(), m.end(), year_only=False):
            found.append((m.start(), m.end(), d, m.group(0), MONTH))
    for m in _YEAR.finditer(stem):
        d = _make_date(int(m.group(0)), 1, 1)
        if d is not None and _partial_ok(stem, m.start(), m.end(), year_only=True):
            found.append((m.start(), m.end(), d, m.group(0), YEAR))
    out = [(-_RANK[p], False, s, e, d, t, p) for s, e, d, t, p in found]
    out += [
        (-_RANK[YEAR], True, s, e, d, f"{t} ({d.year})", YEAR) for s, e, d, t in _sessions(stem)
    ]
    return out


def date_from_filename(path: str) -> DocumentDate | None:
    """The most precise valid date in the base name of ``path`` (the first of
    equally precise ones), or None.

    Full dates: ``2024-03-05``, ``2024_03_05``, ``2024.03.05`` (month and day may
    have one digit; the two separators must agree), ``20240305`` (eight digits
    not part of a longer digit run, so phone numbers and ids do not count),
    ``2024年3月5日`` and the Chinese-numeral ``二〇二四年三月五日``.

    Months: ``2024-03``, ``2024_03``, ``2024.03``, ``2024年3月``,
    ``二〇二四年三月``. Years: four digits starting the name
    (``2025_政府工作报告``, ``2025政府工作报告``) or between separators
    (``报告_2025.txt``, ``国发〔2025〕3号``), or followed by ``年``
    (``2024年度``). A year or separated year-month touching a letter or
    continued by a separator and a digit is not read (``v2024``, ``2024-2025``,
    ``05.03.2024``), so a date that is not valid gives no year either.
    Sessions of national congresses count as years (see the module docstring):
    ``第十四届全国人民代表大会第三次会议关于政府工作报告的决议.txt`` is of 2025;
    digits beat a session.

    Only the last path component, without its extension, is read (``/`` and
    ``\\`` both separate); directories are not.

    >>> date_from_filename("/data/2023/report_20240305_v2.pdf").evidence
    '20240305 in file name'
    >>> date_from_filename("scan_202403051.pdf") is None
    True
    >>> date_from_filename("2025_国务院政府工作报告.txt").precision
    'year'
    """
    name = re.split(r"[\\/]", path)[-1]
    stem, dot, ext = name.rpartition(".")
    if not (dot and stem and ext.isascii() and ext.isalnum() and not ext.isdigit()):
        stem = name  # no extension (``2024.03.05``)
    found = _name_candidates(stem)
    if not found:
        return None
    *_, d, matched, precision = min(found)
    return DocumentDate(d, "file name", f"{matched} in file name", precision)


# --- text --------------------------------------------------------------------

#: A year-month dateline: the line holds the date alone, perhaps in brackets or
#: after a dash (``（2024年3月）``, ``——二〇二四年三月``).
_MONTH_LINE = re.compile(
    r"^[ \t\u3000\xa0（(【\[〔—–-]*"
    rf"(?:{_ARABIC_MONTH.pattern}|{_CHINESE_MONTH.pattern})"
    r"[ \t\u3000\xa0）)】\]〕]*\r?$",
    re.MULTILINE,
)


def _month_lines(text: str) -> list[tuple[int, int, datetime.date, str]]:
    found = []
    for m in _MONTH_LINE.finditer(text):
        if m.group(1) is not None:
            d = _make_date(int(m.group(1)), int(m.group(2)), 1)
            start, matched = m.start(1), text[m.start(1) : m.end(2)] + "月"
        else:
            d = _make_date(_cn_year(m.group(3)), _cn_number(m.group(4)), 1)
            start, matched = m.start(3), text[m.start(3) : m.end(4)] + "月"
        if d is not None:
            found.append((start, start + len(matched), d, matched))
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
    chosen: tuple[int, int, datetime.date, str],
    where: str,
    precision: str,
    matched: str | None = None,
) -> DocumentDate:
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
       (``第十四届全国人民代表大会第三次会议`` is 2025, see the module
       docstring): precision ``'year'``;
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
    found = _full_dates(text, _TEXT_PATTERNS)
    tail = [f for f in found if f[1] > tail_start]
    if tail:
        return _text_date(text, tail[-1], "tail", DAY)
    head = [f for f in found if f[0] < head_end]
    if head:
        return _text_date(text, head[0], "head", DAY)
    for f in found:
        if f[0] >= dateline_end:
            break
        if _is_speech_dateline(text, f[0], f[1]):
            return _text_date(text, f, "dateline", DAY)
    months = _month_lines(text)
    tail = [f for f in months if f[1] > tail_start]
    if tail:
        return _text_date(text, tail[-1], "tail", MONTH)
    head = [f for f in months if f[0] < head_end]
    if head:
        return _text_date(text, head[0], "head", MONTH)
    sessions = [f for f in _sessions(text[: head_end + 64]) if f[0] < head_end]
    if sessions:
        first = sessions[0]
        return _text_date(text, first, "head", YEAR, f"{first[3]} ({first[2].year})")
    return None


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
    dates that do not exist and years outside 1949..next year give None: a
    metadata date is always a full date.

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
    """The document's date: the most precise of metadata, file name and text, in
    that order among equally precise ones; None if none is found.

    A date that contradicts one from a higher-precedence source (they differ at
    the coarser precision of the two, :func:`compare_dates`) is dropped: a text
    dated 2024-12-30 in a file named ``2025_...`` keeps the file name's 2025.
    Metadata is a full date, so it always wins.

    ``metadata_date`` may be anything :func:`parse_metadata_date` accepts; an
    invalid or implausible one falls through to the file name. Its evidence is
    ``f'{metadata_label} {date.isoformat()}'``, so a caller passing
    ``metadata_label='docx created'`` gets ``'docx created 2024-03-05'``.

    >>> document_date("a_20240305.txt", "", datetime.date(2023, 1, 2)).source
    'metadata'
    >>> document_date("2025_报告.txt", "报告\\n——2025年3月5日在大会上" + "\\n正文" * 5).evidence
    '2025年3月5日 (text, line 2, head)'
    """
    meta = parse_metadata_date(metadata_date)
    if meta is not None:
        return DocumentDate(meta, "metadata", f"{metadata_label} {meta.isoformat()}", DAY)
    name = date_from_filename(path)
    if name is not None and name.precision == DAY:
        return name  # nothing is more precise, nor of a higher precedence
    text_date = date_from_text(text)
    if text_date is None or name is None:
        return name or text_date
    if _RANK[text_date.precision] <= _RANK[name.precision]:
        return name
    agrees = compare_dates(name.date, name.precision, text_date.date, text_date.precision) == 0
    return text_date if agrees else name
