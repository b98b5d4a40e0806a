"""The matches page's text search: the matches whose passage, on either side,
contains a text (case-sensitive, as DuckDB's ``contains``).

A passage ``[start, end)`` of a document contains ``text`` (``L`` code
points) when ``text`` occurs in the document at some ``p`` with
``start <= p <= end - L``. So the documents are searched once, for every
occurrence of ``text`` (overlapping ones included), and each match is two
binary searches in its documents' sorted occurrences: ``O(total text + matches
· log occurrences)``, instead of cutting both passages of every match out of
its document (a walk over the UTF-8 text up to the passage, per match).
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

import duckdb

__all__ = ["matches_containing"]


def matches_containing(
    con: duckdb.DuckDBPyConnection, where: str, params: list[Any], text: str
) -> list[int]:
    """Ids of the matches of ``reviewed_matches m`` that satisfy ``where`` and
    whose passage on either side contains ``text``, in the matches page's order
    (longest first, then by id)."""
    found = _occurrences(con, text)
    if not found:
        return []
    docs = sorted(found)
    rows = con.execute(
        "SELECT m.match_id, m.doc_a, m.a_start, m.a_end, m.doc_b, m.b_start, m.b_end "
        f"FROM reviewed_matches m WHERE {where} "
        "AND (m.doc_a IN (SELECT unnest(?)) OR m.doc_b IN (SELECT unnest(?))) "
        "ORDER BY m.a_end - m.a_start DESC, m.match_id",
        [*params, docs, docs],
    ).fetchall()
    n = len(text)
    return [
        match_id
        for match_id, doc_a, a_start, a_end, doc_b, b_start, b_end in rows
        if _holds(found.get(doc_a), a_start, a_end - n)
        or _holds(found.get(doc_b), b_start, b_end - n)
    ]


def _occurrences(con: duckdb.DuckDBPyConnection, text: str) -> dict[int, list[int]]:
    """Per document holding ``text``, the sorted start offsets of every occurrence."""
    found: dict[int, list[int]] = {}
    cur = con.execute("SELECT doc_id, text FROM documents WHERE contains(text, ?)", [text])
    while batch := cur.fetchmany(256):
        for doc_id, body in batch:
            starts = []
            p = body.find(text)
            while p >= 0:
                starts.append(p)
                p = body.find(text, p + 1)
            found[doc_id] = starts
    return found


def _holds(starts: list[int] | None, first: int, last: int) -> bool:
    """Whether an occurrence starts in ``[first, last]``."""
    if not starts or last < first:
        return False
    i = bisect_left(starts, first)
    return i < len(starts) and starts[i] <= last
