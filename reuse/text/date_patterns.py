"""Dates as written in Chinese text: ``2024年3月5日`` and ``二〇二四年三月五日``.

The patterns of full dates and of year-months, with ASCII or full-width
digits (``２０２４年３月５日``) or Chinese numerals (``〇``/``○``/``零`` for zero;
``十``, ``十二``, ``二十一``, ``三十一`` for months and days), optional spacing
inside (``2024 年 3 月 5 日``) but never a line break; each converted to a
date by :func:`reuse.text.date_precision.make_date` (so an invalid or
implausible date is None). :func:`full_dates` lists the valid dates a set of
patterns finds in a text, by position.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import NamedTuple

from reuse.text.date_precision import make_date

__all__ = [
    "ARABIC_DATE",
    "ARABIC_MONTH",
    "CHINESE_DATE",
    "CHINESE_MONTH",
    "DIGIT",
    "MONTH_PATTERNS",
    "SPACING",
    "TEXT_PATTERNS",
    "DateMatch",
    "arabic_date",
    "arabic_month",
    "chinese_date",
    "chinese_month",
    "cn_number",
    "cn_year",
    "full_dates",
]

DIGIT = "[0-9０-９]"  # an ASCII or full-width digit; int() reads both
SPACING = "[ \\t\\u3000\\xa0]*"  # spacing inside a date, never a line break

#: ``2024年3月5日``, ``2024 年 3 月 5 日``, ``２０２４年３月５日``.
ARABIC_DATE = re.compile(
    rf"(?<![0-9０-９])({DIGIT}{{4}}){SPACING}年{SPACING}({DIGIT}{{1,2}}){SPACING}月"
    rf"{SPACING}({DIGIT}{{1,2}}){SPACING}日"
)
#: ``2024年3月`` not followed by a day (``2024年3月份``, ``（2024年3月）``).
ARABIC_MONTH = re.compile(
    rf"(?<![0-9０-９])({DIGIT}{{4}}){SPACING}年{SPACING}({DIGIT}{{1,2}}){SPACING}月"
    rf"(?!{SPACING}{DIGIT})"
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
CHINESE_DATE = re.compile(
    rf"(?<![〇○零0０OＯ一二三四五六七八九十])({_CN_YEAR_CHAR}{{4}}){SPACING}年{SPACING}"
    rf"({_CN_MONTH}){SPACING}月{SPACING}({_CN_DAY}){SPACING}日"
)
#: ``二〇二四年三月`` not followed by a day.
CHINESE_MONTH = re.compile(
    rf"(?<![〇○零0０OＯ一二三四五六七八九十])({_CN_YEAR_CHAR}{{4}}){SPACING}年{SPACING}"
    rf"({_CN_MONTH}){SPACING}月(?!{SPACING}[一二三四五六七八九十])"
)


def cn_number(s: str) -> int:
    """A Chinese numeral of 1..31 (``五``, ``十``, ``十二``, ``二十一``) as an int."""
    if "十" not in s:
        return _CN_DIGITS[s]
    tens, _, units = s.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def arabic_date(m: re.Match[str]) -> datetime.date | None:
    """The date of a match of :data:`ARABIC_DATE` (or of year, month, day groups)."""
    return make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def arabic_month(m: re.Match[str]) -> datetime.date | None:
    """The first day of the month of a match of :data:`ARABIC_MONTH`."""
    return make_date(int(m.group(1)), int(m.group(2)), 1)


def cn_year(s: str) -> int:
    """A year written digit by digit in Chinese numerals (``二〇二四``) as an int."""
    return int("".join(str(_CN_DIGITS[c]) for c in s))


def chinese_date(m: re.Match[str]) -> datetime.date | None:
    """The date of a match of :data:`CHINESE_DATE`."""
    return make_date(cn_year(m.group(1)), cn_number(m.group(2)), cn_number(m.group(3)))


def chinese_month(m: re.Match[str]) -> datetime.date | None:
    """The first day of the month of a match of :data:`CHINESE_MONTH`."""
    return make_date(cn_year(m.group(1)), cn_number(m.group(2)), 1)


#: A pattern's match to its date, None when the date is invalid or implausible.
_Converter = Callable[[re.Match[str]], datetime.date | None]


class DateMatch(NamedTuple):
    """A date found in a text: ``text[start:end]`` is ``matched``, the written ``date``."""

    start: int
    end: int
    date: datetime.date
    matched: str


def full_dates(
    text: str, patterns: tuple[tuple[re.Pattern[str], _Converter], ...]
) -> list[DateMatch]:
    """Valid dates in ``text`` that ``patterns`` find, by position."""
    found = []
    for pattern, convert in patterns:
        for m in pattern.finditer(text):
            d = convert(m)
            if d is not None:
                found.append(DateMatch(m.start(), m.end(), d, m.group(0)))
    found.sort(key=lambda f: (f[0], f[1]))
    return found


#: Full dates in a text; full dates and year-months in text or file names.
TEXT_PATTERNS = ((ARABIC_DATE, arabic_date), (CHINESE_DATE, chinese_date))
MONTH_PATTERNS = ((ARABIC_MONTH, arabic_month), (CHINESE_MONTH, chinese_month))
