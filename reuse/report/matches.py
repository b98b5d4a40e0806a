"""One match of the database as a report reads it, and ``reuse show``: one
match with both passages in their context and the differences between them.

A match's offsets are code-point offsets into the original texts
(``a_start``..``a_end`` in document A, ``b_start``..``b_end`` in B) and into
the normalised texts (``a_norm_start``..); its differences are those of
:mod:`reuse.report.differences`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import duckdb

from reuse.errors import QueryError
from reuse.report.differences import passage_differences

#: The columns of :class:`MatchRow`, in its order.
MATCH_COLUMNS = (
    "match_id, doc_a, a_start, a_end, doc_b, b_start, b_end, similarity, edit_distance, "
    "kind, a_norm_start, a_norm_end, b_norm_start, b_norm_end, first_seen_scan"
)


@dataclass(frozen=True)
class MatchRow:
    """A row of :data:`MATCH_COLUMNS`: a match's documents, spans and figures."""

    match_id: int
    doc_a: int
    a_start: int
    a_end: int
    doc_b: int
    b_start: int
    b_end: int
    similarity: float
    edit_distance: int
    kind: str
    a_norm_start: int
    a_norm_end: int
    b_norm_start: int
    b_norm_end: int
    first_seen_scan: int


def match_rows(rows: list[tuple]) -> list[MatchRow]:
    """Rows read as ``SELECT MATCH_COLUMNS``, as :class:`MatchRow`."""
    return [MatchRow(*r) for r in rows]


@dataclass(frozen=True)
class PassageInContext:
    """One side of a match: its document's path, the passage and the text around it."""

    path: str
    text: str
    before: str  #: up to ``context`` characters before the passage
    after: str  #: up to ``context`` characters after it


@dataclass(frozen=True)
class MatchDetail:
    """What ``reuse show`` shows: the match, both passages in context, their differences."""

    match: MatchRow
    a: PassageInContext
    b: PassageInContext
    diff: list[list[Any]]

    def to_json(self) -> dict[str, Any]:
        """The shape of ``reuse show --format json``: the match's columns, then
        ``path_a``, ``text_a``, ``before_a``, ``after_a``, the same of B, ``diff``."""
        out: dict[str, Any] = dataclasses.asdict(self.match)
        for side, passage in (("a", self.a), ("b", self.b)):
            out[f"path_{side}"] = passage.path
            out[f"text_{side}"] = passage.text
            out[f"before_{side}"] = passage.before
            out[f"after_{side}"] = passage.after
        out["diff"] = self.diff
        return out


def read_match(con: duckdb.DuckDBPyConnection, match_id: int, context: int = 40) -> MatchDetail:
    """One match with both passages, ``context`` characters around each, and
    their differences; :class:`QueryError` when there is no such match."""
    from reuse.text.normalise import normalise

    rows = con.execute(
        f"SELECT {MATCH_COLUMNS} FROM matches WHERE match_id = ?", [match_id]
    ).fetchall()
    if not rows:
        raise QueryError(f"no match with id {match_id}")
    m = match_rows(rows)[0]
    sides = []
    norms = []
    for doc_id, s, e in ((m.doc_a, m.a_start, m.a_end), (m.doc_b, m.b_start, m.b_end)):
        path, text = con.execute(
            "SELECT path, text FROM documents WHERE doc_id = ?", [doc_id]
        ).fetchone() or ("?", "")
        norms.append(normalise(text))
        sides.append(
            PassageInContext(
                path=path,
                text=text[s:e],
                before=text[max(0, s - context) : s],
                after=text[e : e + context],
            )
        )
    diff = passage_differences(
        norms[0], m.a_norm_start, m.a_norm_end, norms[1], m.b_norm_start, m.b_norm_end
    )
    return MatchDetail(m, sides[0], sides[1], diff)


def match_detail(
    con: duckdb.DuckDBPyConnection, match_id: int, context: int = 40
) -> dict[str, Any]:
    """One match with both passages, their context and differences, as
    ``reuse show --format json`` prints it (:meth:`MatchDetail.to_json`)."""
    return read_match(con, match_id, context).to_json()
