"""Document dates: when was a report written, how precisely, and how do we know?

A document's date is read from three places:

1. **metadata** -- a date the file format carries (docx ``core.created``, PDF
   ``/CreationDate``, an HTML ``<meta>`` date), parsed by
   :func:`parse_metadata_date`; always a full date;
2. **file name** -- a date in the file's base name
   (:func:`reuse.text.filename_dates.date_from_filename`): ``2024-03-05``,
   ``20240305``, ``2024年3月5日``, ``2024-03``, ``2024年3月``, a year
   (``2025_政府工作报告.txt``), or the session of a national congress the name
   names;
3. **text** -- a dateline at the head or a signature date at the end of the
   text, a speech or resolution dateline in the first 30 lines
   (``——2025年3月5日在……会议上``, ``（2025年3月11日……会议通过）``), a
   year-month dateline on a line of its own, or the session of a national
   congress named at the head (:func:`reuse.text.text_dates.date_from_text`).

A date is a day, a month or a year, compared with another at the coarser
precision of the two (:mod:`reuse.text.date_precision`); it must exist and
its year be plausible, 1949 to the current year + 1. The written forms are in
:mod:`reuse.text.date_patterns`.

**Which date is the document's** (:func:`document_date`): the most precise of
the three, and among equally precise ones metadata, then file name, then text;
but a date that contradicts a date of a higher-precedence source (they differ
at the coarser precision of the two) is dropped. So a full dateline in the text
(``——2025年3月5日在第十四届全国人民代表大会第三次会议上``) refines the year of
the file name ``2025_国务院政府工作报告.txt``, while a text date of 2024 in a
file named ``2025_...`` is not used (the file name's year stands). Metadata is
always a full date and so always wins, as before.

**Congress sessions** (``第十四届全国人民代表大会第三次会议`` is 2025,
:mod:`reuse.text.congress_sessions`) are read at year precision from the file
name (anywhere in it) or from the head of the text (the first one there). In
a file name a written date beats a session; like any date, a session yields
to a more precise one, and at equal precision to one of a higher-precedence
source.

Every date comes back as a :class:`~reuse.text.date_precision.DocumentDate`
with its ``source`` (``'metadata'``, ``'file name'`` or ``'text'``),
``evidence``, a short note of what was read, e.g. ``'20240305 in file name'``
or ``'2024年3月5日 (text, line 40, tail)'``, and ``precision``.

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

from reuse.text.date_patterns import ARABIC_DATE, CHINESE_DATE, arabic_date, chinese_date
from reuse.text.date_precision import (
    DAY,
    PRECISION_RANK,
    DocumentDate,
    compare_dates,
    make_date,
)
from reuse.text.filename_dates import date_from_filename
from reuse.text.text_dates import date_from_text

__all__ = ["document_date", "parse_metadata_date"]

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
        return make_date(value.year, value.month, value.day)
    if isinstance(value, datetime.date):
        return make_date(value.year, value.month, value.day)
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return None
    s = value.strip().lstrip("\ufeff")
    if m := _META_SEPARATED.match(s):
        return make_date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
    if m := _META_COMPACT.match(s):
        return make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if (m := ARABIC_DATE.match(s)) or (m := CHINESE_DATE.match(s)):
        return arabic_date(m) if m.re is ARABIC_DATE else chinese_date(m)
    return None


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
    if PRECISION_RANK[text_date.precision] <= PRECISION_RANK[name.precision]:
        return name
    agrees = compare_dates(name.date, name.precision, text_date.date, text_date.precision) == 0
    return text_date if agrees else name
