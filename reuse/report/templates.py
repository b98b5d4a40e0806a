"""The template report (``reuse templates``): stock text shared by many
documents, each template once, with the representative's text, the earliest
dated member and some members (tables ``templates``, ``template_members``).

A template of kind ``template`` is text found in at least T documents; one of
kind ``boilerplate`` a formulaic line (:mod:`reuse.derive.templates`,
:mod:`reuse.derive.boilerplate`). Offsets are code-point offsets into the
members' original texts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb


@dataclass(frozen=True)
class TemplateMember:
    """Where a template occurs: a document and the span of its text."""

    path: str
    start: int
    end: int
    similarity: float


@dataclass(frozen=True)
class Template:
    """One template: its figures, its representative's text and some members."""

    template_id: int
    kind: str  #: ``template`` or ``boilerplate``
    n_documents: int
    n_members: int
    representative: str  #: path of the document whose text represents it
    text: str
    template_key: str
    earliest_member: str | None  #: path of the earliest dated member
    earliest_date: dt.date | None
    earliest_date_precision: str | None
    members: list[TemplateMember]


#: A template's row, the earliest dated member read with it.
_TEMPLATE_SQL = (
    "SELECT t.template_id, t.kind, t.n_documents, t.n_members, d.path, "
    "substr(d.text, t.rep_start + 1, t.rep_end - t.rep_start), t.template_key, "
    "(SELECT arg_min(x.path, x.doc_date) FROM template_members tm "
    " JOIN documents x ON x.doc_id = tm.doc_id "
    " WHERE tm.template_id = t.template_id AND x.doc_date IS NOT NULL), "
    "(SELECT min(x.doc_date) FROM template_members tm "
    " JOIN documents x ON x.doc_id = tm.doc_id WHERE tm.template_id = t.template_id), "
    "(SELECT arg_min(x.date_precision, x.doc_date) FROM template_members tm "
    " JOIN documents x ON x.doc_id = tm.doc_id "
    " WHERE tm.template_id = t.template_id AND x.doc_date IS NOT NULL) "
    "FROM templates t JOIN documents d ON d.doc_id = t.rep_doc "
)


def _members(
    con: duckdb.DuckDBPyConnection, ids: list[int], members: int
) -> dict[int, list[TemplateMember]]:
    """Up to ``members`` members of each template of ``ids``, by path and offset."""
    listed: dict[int, list[TemplateMember]] = {}
    for tid, path, start, end, sim in con.execute(
        "SELECT m.template_id, d.path, m.start_offset, m.end_offset, m.similarity "
        "FROM template_members m JOIN documents d USING (doc_id) "
        "WHERE m.template_id IN (SELECT unnest(?)) ORDER BY m.template_id, d.path, m.start_offset",
        [ids],
    ).fetchall():
        entries = listed.setdefault(tid, [])
        if len(entries) < members:
            entries.append(TemplateMember(path, start, end, sim))
    return listed


def _template(row: tuple, members: list[TemplateMember]) -> Template:
    """A row of :data:`_TEMPLATE_SQL`, with its members."""
    template_id, kind, n_documents, n_members, representative, text, key, *earliest = row
    earliest_member, earliest_date, earliest_date_precision = earliest
    return Template(
        template_id=template_id,
        kind=kind,
        n_documents=n_documents,
        n_members=n_members,
        representative=representative,
        text=text,
        template_key=key,
        earliest_member=earliest_member,
        earliest_date=earliest_date,
        earliest_date_precision=earliest_date_precision,
        members=members,
    )


def read_templates(
    con: duckdb.DuckDBPyConnection,
    limit: int | None = None,
    kind: str = "template",
    min_documents: int = 2,
    members: int = 10,
) -> list[Template]:
    """Templates in at least ``min_documents`` documents, by id, at most ``limit``
    (None or 0: all), each with up to ``members`` members (``kind``:
    ``'template'``, ``'boilerplate'`` or ``'all'``)."""
    where = "" if kind == "all" else "AND t.kind = ?"
    params: list[Any] = [min_documents] + ([] if kind == "all" else [kind])
    rows = con.execute(
        _TEMPLATE_SQL
        + f"WHERE t.n_documents >= ? {where} ORDER BY t.template_id"
        + (f" LIMIT {int(limit)}" if limit else ""),
        params,
    ).fetchall()
    listed = _members(con, [r[0] for r in rows], members)
    return [_template(r, listed.get(r[0], [])) for r in rows]


def template_report(
    con: duckdb.DuckDBPyConnection,
    limit: int | None = None,
    kind: str = "template",
    min_documents: int = 2,
    members: int = 10,
) -> list[dict[str, Any]]:
    """Templates (stock text), the most documents first: the representative's
    text, the earliest dated member, and up to ``members`` members each
    (``kind``: ``'template'``, ``'boilerplate'`` or ``'all'``), as ``reuse
    templates --format json`` prints them."""
    return [dataclasses.asdict(t) for t in read_templates(con, limit, kind, min_documents, members)]
