"""Dates in file names: ``2024-03-05 讲话.docx``, ``20240305``, ``2025_政府工作报告.txt``.

:func:`date_from_filename` reads the most precise date in a file's base name:
a full date, a year-month, a year, or the session of a national congress the
name names (:mod:`reuse.text.congress_sessions`); a written date beats a
session.
"""

from __future__ import annotations

import datetime
import re

from reuse.text.congress_sessions import congress_sessions
from reuse.text.date_patterns import (
    ARABIC_DATE,
    CHINESE_DATE,
    DIGIT,
    MONTH_PATTERNS,
    SPACING,
    arabic_date,
    chinese_date,
    full_dates,
)
from reuse.text.date_precision import DAY, MONTH, PRECISION_RANK, YEAR, DocumentDate, make_date

__all__ = ["date_from_filename"]

#: File names only: ``2024-03-05``, ``2024_03_05``, ``2024.03.05`` (one separator
#: throughout) and ``20240305`` (exactly eight digits, not part of a longer run).
_SEPARATED = re.compile(
    rf"(?<![0-9０-９])({DIGIT}{{4}})([-_.])({DIGIT}{{1,2}})\2({DIGIT}{{1,2}})(?![0-9０-９])"
)
_COMPACT = re.compile(r"(?<![0-9０-９])([0-9０-９]{4})([0-9０-９]{2})([0-9０-９]{2})(?![0-9０-９])")
#: File names only: ``2024-03``, ``2024_03``, ``2024.03`` (see :func:`_partial_ok`).
_SEPARATED_MONTH = re.compile(rf"(?<![0-9０-９])({DIGIT}{{4}})[-_.]({DIGIT}{{1,2}})(?![0-9０-９])")
#: File names only: a year, four digits not part of a longer run (see :func:`_partial_ok`).
_YEAR = re.compile(rf"(?<![0-9０-９]){DIGIT}{{4}}(?![0-9０-９])")
#: What may stand around a year or year-month in a file name.
_NAME_SEPARATORS = frozenset(" \t\u3000-_.()（）[]【】〔〕［］{}《》「」、，,;；+~")


def _separated(m: re.Match[str]) -> datetime.date | None:
    return make_date(int(m.group(1)), int(m.group(3)), int(m.group(4)))


_NAME_PATTERNS = (
    (_SEPARATED, _separated),
    (_COMPACT, arabic_date),
    (ARABIC_DATE, arabic_date),
    (CHINESE_DATE, chinese_date),
)


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
        return re.match(rf"年{SPACING}{DIGIT}", name[end:]) is None
    return not after or after in _NAME_SEPARATORS or start == 0


def _name_candidates(stem: str) -> list[tuple[int, bool, int, int, datetime.date, str, str]]:
    """Every date in a file name's stem as ``(-precision rank, is a session,
    start, end, date, matched, precision)``: the smallest is the name's date."""
    found = [(s, e, d, t, DAY) for s, e, d, t in full_dates(stem, _NAME_PATTERNS)]
    found += [(s, e, d, t, MONTH) for s, e, d, t in full_dates(stem, MONTH_PATTERNS)]
    for m in _SEPARATED_MONTH.finditer(stem):
        d = make_date(int(m.group(1)), int(m.group(2)), 1)
        if d is not None and _partial_ok(stem, m.start(), m.end(), year_only=False):
            found.append((m.start(), m.end(), d, m.group(0), MONTH))
    for m in _YEAR.finditer(stem):
        d = make_date(int(m.group(0)), 1, 1)
        if d is not None and _partial_ok(stem, m.start(), m.end(), year_only=True):
            found.append((m.start(), m.end(), d, m.group(0), YEAR))
    out = [(-PRECISION_RANK[p], False, s, e, d, t, p) for s, e, d, t, p in found]
    out += [
        (-PRECISION_RANK[YEAR], True, s, e, d, f"{t} ({d.year})", YEAR)
        for s, e, d, t in congress_sessions(stem)
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
    Sessions of national congresses count as years (:mod:`reuse.text.congress_sessions`):
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
