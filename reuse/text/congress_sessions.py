"""Congress sessions: the year a session of a national congress named in a text was held.

A report to, or a resolution of, a national congress names it, and the
session fixes the year: ``第十四届全国人民代表大会第三次会议`` (the 14th
National People's Congress, 3rd session) was held in 2025, and
``中国共产党第九次全国代表大会`` in 1969 (:func:`npc_session_year`,
:func:`cpc_congress_year`, from a table of the sessions held). Only the full
names count: not the short ``十四届全国人大三次会议``, not a
``党的第十二次全国代表大会`` a report may look back on, not the standing
committee's sessions; and a congress followed by a later session of it
(``第八次全国代表大会第二次会议``) is not read. A session's year comes from the
table and may be earlier than :data:`reuse.text.date_precision.MIN_YEAR`.
"""

from __future__ import annotations

import datetime
import re

from reuse.text.date_patterns import DIGIT, SPACING, DateMatch, cn_number
from reuse.text.date_precision import max_year

__all__ = ["congress_sessions", "cpc_congress_year", "npc_session_year"]

#: Ordinals of sessions and congresses: ``十四``, ``二十``, ``3``.
_ORD = rf"(?:{DIGIT}{{1,2}}|[一二三四五六七八九十]{{1,3}})"
_ORD_CN = re.compile(r"(?:([一二三四五六七八九]?)十)?([一二三四五六七八九]?)")
#: ``第十四届全国人民代表大会第三次会议`` (also in traditional characters).
_NPC_SESSION = re.compile(
    rf"第{SPACING}({_ORD}){SPACING}屆?届?{SPACING}全[国國]人民代表大[会會]"
    rf"{SPACING}第{SPACING}({_ORD}){SPACING}次{SPACING}[会會]"
    "[议議]"
)
#: ``中国共产党第九次全国代表大会`` (also traditional), not followed by a session of it.
_CPC_CONGRESS = re.compile(
    rf"中[国國]共[产產][党黨]{SPACING}第{SPACING}({_ORD}){SPACING}次{SPACING}"
    rf"全[国國]代表大[会會](?!{SPACING}第)"
)


def _ordinal(s: str) -> int | None:
    """An ordinal of 1..99 written ``14`` or ``十四``, None if malformed (``十十``)."""
    if s[0] not in "一二三四五六七八九十":
        value = int(s)
        return value or None
    m = _ORD_CN.fullmatch(s)
    if m is None or not s:
        return None
    return cn_number(s)


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
    return year if year <= max_year() else None


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
    return year if year <= max_year() else None


def congress_sessions(text: str) -> list[DateMatch]:
    """Congress sessions named in ``text``, by position, each dated 1 January of
    the year it was held."""
    found = []
    for m in _NPC_SESSION.finditer(text):
        congress, session = _ordinal(m.group(1)), _ordinal(m.group(2))
        year = npc_session_year(congress, session) if congress and session else None
        if year is not None:
            found.append(DateMatch(m.start(), m.end(), datetime.date(year, 1, 1), m.group(0)))
    for m in _CPC_CONGRESS.finditer(text):
        congress = _ordinal(m.group(1))
        year = cpc_congress_year(congress) if congress else None
        if year is not None:
            found.append(DateMatch(m.start(), m.end(), datetime.date(year, 1, 1), m.group(0)))
    found.sort(key=lambda f: (f[0], f[1]))
    return found
