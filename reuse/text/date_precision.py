"""Dates at a precision: a day, a month or a year, and whether a date is plausible.

A document's date is a day, a month or a year: :class:`DocumentDate` has a
``precision`` of ``'day'``, ``'month'`` or ``'year'``, and its ``date`` is the
first day of that period (``2025`` is stored as 2025-01-01 with precision
``'year'``, never as if the document were of 1 January). Two dates are compared
only at the coarser precision of the two (:func:`compare_dates`): 2024 is
earlier than 2025-03-05, but 2025 and 2025-03-05 are undecided.

A date must exist (``2024年2月30日`` is rejected, and gives no year or month
either) and its year must be plausible: 1949 (:data:`MIN_YEAR`) to the current
year + 1 (:func:`make_date`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

__all__ = [
    "DAY",
    "MIN_YEAR",
    "MONTH",
    "PRECISIONS",
    "PRECISION_RANK",
    "YEAR",
    "DocumentDate",
    "compare_dates",
    "format_date",
    "make_date",
    "max_year",
]

#: The earliest plausible year of a document.
MIN_YEAR = 1949

#: Precisions of a date (``documents.date_precision``), coarsest first.
YEAR, MONTH, DAY = "year", "month", "day"
PRECISIONS = (YEAR, MONTH, DAY)
PRECISION_RANK = {p: i for i, p in enumerate(PRECISIONS)}


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
    coarser = min(PRECISION_RANK[precision_a or DAY], PRECISION_RANK[precision_b or DAY])
    ta, tb = _truncate(a, PRECISIONS[coarser]), _truncate(b, PRECISIONS[coarser])
    return (ta > tb) - (ta < tb)


def max_year() -> int:
    """The latest plausible year of a document: next year."""
    return datetime.date.today().year + 1


def make_date(year: int, month: int, day: int) -> datetime.date | None:
    """The date, or None when it does not exist or its year is implausible."""
    if not MIN_YEAR <= year <= max_year():
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None
