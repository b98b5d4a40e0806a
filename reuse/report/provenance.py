"""The provenance report (``reuse provenance``): who copied from whom, per
document pair with reuse, with the likely source, the copy and the evidence.

The likely source of each match is that of view ``match_provenance`` (the
earlier-dated document, else the side the other adds a byline or photo caption
to); a pair takes that of its longest match. Matches a reviewer ignored are
left out. A pair whose source cannot be told has no ``source`` and ``copy``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import duckdb

from reuse.report.documents import resolve_document

#: Per document pair with live reuse: the provenance of its longest match and
#: the characters reused on each side (``{where}``: the document's condition).
_PROVENANCE_SQL = """
        SELECT p.doc_a, p.doc_b, p.path_a, p.path_b, p.shown_date_a, p.shown_date_b,
               arg_max(p.likely_source, m.a_end - m.a_start) AS likely_source,
               arg_max(p.evidence, m.a_end - m.a_start) AS evidence,
               count(*) AS matches,
               sum(m.a_end - m.a_start) AS chars_a, sum(m.b_end - m.b_start) AS chars_b
        FROM match_provenance p JOIN reviewed_matches m USING (match_id)
        WHERE m.kind = 'reuse' AND m.verdict IS DISTINCT FROM 'ignored' {where}
        GROUP BY ALL ORDER BY greatest(chars_a, chars_b) DESC, p.path_a, p.path_b
        """


@dataclass(frozen=True)
class ProvenancePair:
    """One document pair: its documents, dates, likely source and evidence."""

    doc_a: int
    doc_b: int
    path_a: str
    path_b: str
    date_a: str | None  #: as shown (ISO), None when undated
    date_b: str | None
    likely_source: str | None  #: ``'a'``, ``'b'``, or None when it cannot be told
    source: str | None  #: path of the likely source
    copy: str | None  #: path of the likely copy
    evidence: str | None
    matches: int
    chars_a: int  #: characters of A in the pair's reuse matches
    chars_b: int


def _pair(row: tuple) -> ProvenancePair:
    a, b, path_a, path_b, date_a, date_b, side, evidence, n, chars_a, chars_b = row
    return ProvenancePair(
        doc_a=a,
        doc_b=b,
        path_a=path_a,
        path_b=path_b,
        date_a=str(date_a) if date_a else None,
        date_b=str(date_b) if date_b else None,
        likely_source=side,
        source=path_a if side == "a" else path_b if side == "b" else None,
        copy=path_b if side == "a" else path_a if side == "b" else None,
        evidence=evidence,
        matches=n,
        chars_a=int(chars_a),
        chars_b=int(chars_b),
    )


def read_provenance(con: duckdb.DuckDBPyConnection, doc: str | None = None) -> list[ProvenancePair]:
    """The document pairs with reuse (of ``doc`` when given), the most reused first."""
    where = ""
    params: list[Any] = []
    if doc is not None:
        doc_id = resolve_document(con, doc)
        where = "AND (p.doc_a = ? OR p.doc_b = ?)"
        params = [doc_id, doc_id]
    return [_pair(r) for r in con.execute(_PROVENANCE_SQL.format(where=where), params).fetchall()]


def provenance_report(
    con: duckdb.DuckDBPyConnection, doc: str | None = None
) -> list[dict[str, Any]]:
    """Who copied from whom: per document pair with reuse, the likely source,
    the copy, the evidence, and the reused characters of the copy, as ``reuse
    provenance --format json`` prints it."""
    return [dataclasses.asdict(p) for p in read_provenance(con, doc)]
