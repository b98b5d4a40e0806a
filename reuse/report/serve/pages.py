"""What the list pages of ``reuse serve`` show, as plain data read from a
connection: the documents ranked by share copied (the overview), the
templates, the groups and the matches, each searched, filtered and cut into
pages of :data:`PAGE_SIZE` rows; and the published scan's status, on every
page. The pages of one document, pair, template or group are
:mod:`reuse.report.serve.detail_pages`.

Each function takes a (read-only) DuckDB connection and the page's
parameters and returns dicts and lists; :mod:`reuse.report.serve.app` renders them.
Shares are those of :mod:`reuse.store.shares` (table ``document_shares``), the
figures every report shows. Offsets are code-point offsets into
``documents.text``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import duckdb

from reuse.report.serve.passage_search import matches_containing

__all__ = [
    "PAGE_SIZE",
    "Filters",
    "groups_page",
    "matches_page",
    "overview",
    "rows_of",
    "status",
    "templates_page",
]

#: Rows per page of every list.
PAGE_SIZE = 50


def rows_of(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The rows of an executed query, each a dict by column name."""
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _pages(total: int, page: int) -> dict[str, int]:
    size = PAGE_SIZE
    pages = max(1, math.ceil(total / size))
    page = min(max(1, page), pages)
    return {"page": page, "pages": pages, "total": total, "offset": (page - 1) * size}


def status(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The published scan: its id, when it finished, documents and reuse matches."""
    scan = con.execute(
        "SELECT scan_id, finished, status FROM scans WHERE finished IS NOT NULL "
        "ORDER BY scan_id DESC LIMIT 1"
    ).fetchone()
    docs = con.execute("SELECT count(*) FROM live_documents").fetchone()
    return {
        "scan_id": scan[0] if scan else None,
        "finished": str(scan[1])[:19] if scan else None,
        "scan_status": scan[2] if scan else None,
        "documents": docs[0] if docs else 0,
    }


# --------------------------------------------------------------------------- overview


@dataclass
class Filters:
    """The overview's search and filters (all optional)."""

    name: str = ""  # substring of the path, any case
    text: str = ""  # substring of the original text
    min_share: float = 0.0  # share copied, 0..1
    kind: str = ""  # '', 'reuse', 'template', 'boilerplate', 'none'
    folder: str = ""  # path prefix
    date_from: str = ""  # ISO dates, inclusive
    date_to: str = ""
    sort: str = "share"
    page: int = 1
    extra: dict[str, str] = field(default_factory=dict)

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.name:
            clauses.append("contains(lower(s.path), lower(?))")
            params.append(self.name)
        if self.text:
            clauses.append("contains(d.text, ?)")
            params.append(self.text)
        if self.min_share > 0:
            clauses.append("s.share >= ?")
            params.append(self.min_share)
        kind_column = {
            "reuse": "s.copied_chars > 0",
            "template": "s.template_chars > 0",
            "boilerplate": "s.boilerplate_chars > 0",
            "none": "s.copied_chars + s.template_chars + s.boilerplate_chars = 0",
        }
        if self.kind in kind_column:
            clauses.append(kind_column[self.kind])
        if self.folder:
            clauses.append("starts_with(s.path, ?)")
            params.append(self.folder.rstrip("/") + "/")
        if self.date_from:
            clauses.append("s.doc_date >= CAST(? AS DATE)")
            params.append(self.date_from)
        if self.date_to:
            clauses.append("s.doc_date <= CAST(? AS DATE)")
            params.append(self.date_to)
        return (" AND ".join(clauses) or "TRUE"), params


_SORTS = {
    "share": "s.share DESC, s.copied_chars DESC, s.path",
    "copied": "s.copied_chars DESC, s.path",
    "stock": "s.template_chars + s.boilerplate_chars DESC, s.path",
    "sources": "s.n_sources DESC, s.share DESC, s.path",
    "path": "s.path",
    "date": "s.doc_date DESC NULLS LAST, s.path",
    "chars": "s.n_chars DESC, s.path",
}


def folders(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The folders of the corpus, two levels deep (root and its subfolders)."""
    rows = con.execute(
        "SELECT DISTINCT CASE WHEN len(parts) > 2 THEN parts[1] || '/' || parts[2] "
        "ELSE parts[1] END AS folder "
        "FROM (SELECT string_split(path, '/') AS parts FROM live_documents) ORDER BY folder"
    ).fetchall()
    out: set[str] = set()
    for (folder,) in rows:
        out.add(folder.split("/")[0])
        out.add(folder)
    return sorted(out)


def overview(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, Any]:
    """Documents ranked by share copied from others, filtered, one page."""
    where, params = dataclasses.replace(filters, text="").where()
    if filters.text:  # the texts are searched once, for the count and the page
        hits = con.execute(
            "SELECT doc_id FROM documents WHERE contains(text, ?)", [filters.text]
        ).fetchall()
        where += " AND s.doc_id IN (SELECT unnest(?))"
        params.append([h[0] for h in hits])
    total = con.execute(
        f"SELECT count(*) FROM document_similarity s WHERE {where}", params
    ).fetchone()
    paging = _pages(int(total[0]) if total else 0, filters.page)
    order = _SORTS.get(filters.sort, _SORTS["share"])
    rows = rows_of(
        con.execute(
            "SELECT s.doc_id, s.path, s.n_chars, s.doc_date, s.date_precision, "
            "s.copied_chars, s.share, "
            "s.template_chars + s.boilerplate_chars AS stock_chars, s.largest_source_id, "
            "s.largest_source, s.largest_source_share, s.n_sources, s.n_ignored "
            f"FROM document_similarity s WHERE {where} ORDER BY {order} "
            f"LIMIT {PAGE_SIZE} OFFSET {paging['offset']}",
            params,
        )
    )
    if filters.text and rows:
        snippets = dict(
            con.execute(
                "SELECT doc_id, substr(text, greatest(1, strpos(text, ?) - 30), "
                "length(?) + 60) FROM documents WHERE doc_id IN (SELECT unnest(?))",
                [filters.text, filters.text, [r["doc_id"] for r in rows]],
            ).fetchall()
        )
        for r in rows:
            r["snippet"] = snippets.get(r["doc_id"], "")
    return {"rows": rows, **paging, "folders": folders(con)}


# --------------------------------------------------------------------------- stock text


def templates_page(
    con: duckdb.DuckDBPyConnection, page: int = 1, kind: str = "template", name: str = ""
) -> dict[str, Any]:
    """Templates, most documents first, one page (``name``: substring of the text)."""
    clauses, params = ["TRUE"], []
    if kind in ("template", "boilerplate"):
        clauses.append("t.kind = ?")
        params.append(kind)
    text = "substr(d.text, t.rep_start + 1, t.rep_end - t.rep_start)"
    if name:
        clauses.append(f"contains({text}, ?)")
        params.append(name)
    where = " AND ".join(clauses)
    total = con.execute(
        f"SELECT count(*) FROM templates t JOIN documents d ON d.doc_id = t.rep_doc WHERE {where}",
        params,
    ).fetchone()
    paging = _pages(int(total[0]) if total else 0, page)
    rows = rows_of(
        con.execute(
            "SELECT t.template_id, t.kind, t.n_documents, t.n_members, d.path AS representative, "
            f"t.rep_doc, left({text}, 160) AS text, t.rep_end - t.rep_start AS chars "
            "FROM templates t JOIN documents d ON d.doc_id = t.rep_doc "
            f"WHERE {where} ORDER BY t.template_id LIMIT {PAGE_SIZE} OFFSET {paging['offset']}",
            params,
        )
    )
    return {"rows": rows, **paging, "kind": kind, "name": name}


def groups_page(con: duckdb.DuckDBPyConnection, page: int = 1) -> dict[str, Any]:
    total = con.execute("SELECT count(*) FROM groups").fetchone()
    paging = _pages(int(total[0]) if total else 0, page)
    rows = rows_of(
        con.execute(
            "SELECT g.group_id, g.n_documents, g.n_members, g.n_matches, g.mean_chars, "
            "(SELECT left(substr(d.text, m.start_offset + 1, m.end_offset - m.start_offset), 120) "
            " FROM group_members m JOIN documents d USING (doc_id) "
            " WHERE m.group_id = g.group_id LIMIT 1) AS excerpt "
            f"FROM groups g ORDER BY g.group_id LIMIT {PAGE_SIZE} OFFSET {paging['offset']}"
        )
    )
    return {"rows": rows, **paging}


# --------------------------------------------------------------------------- matches


def _match_filter(kind: str, min_similarity: float, verdict: str) -> tuple[str, list[Any]]:
    """The condition of the matches page's filters on ``reviewed_matches m``, and
    its parameters."""
    clauses: list[str] = ["TRUE"]
    params: list[Any] = []
    if kind in ("reuse", "template", "boilerplate"):
        clauses.append("m.kind = ?")
        params.append(kind)
    if min_similarity > 0:
        clauses.append("m.similarity >= ?")
        params.append(min_similarity)
    if verdict == "none":
        clauses.append("m.verdict IS NULL")
    elif verdict in ("confirmed", "ignored"):
        clauses.append("m.verdict = ?")
        params.append(verdict)
    return " AND ".join(clauses), params


def _match_rows(con: duckdb.DuckDBPyConnection, shown: list[int]) -> list[dict[str, Any]]:
    """The rows of the matches ``shown``, in page order, each with an excerpt of A's side."""
    rows = rows_of(
        con.execute(
            "SELECT m.match_id, m.kind, m.doc_a, m.doc_b, da.path AS path_a, db.path AS path_b, "
            "m.a_end - m.a_start AS chars, m.similarity, m.verdict, m.note, m.a_start "
            "FROM reviewed_matches m JOIN documents da ON da.doc_id = m.doc_a "
            "JOIN documents db ON db.doc_id = m.doc_b WHERE m.match_id IN (SELECT unnest(?)) "
            "ORDER BY m.a_end - m.a_start DESC, m.match_id",
            [shown],
        )
    )
    # Excerpts read from the page's documents only (a join would copy every text).
    excerpts = dict(
        con.execute(
            "SELECT m.match_id, left(substr(d.text, m.a_start + 1, m.a_end - m.a_start), 100) "
            "FROM (SELECT match_id, doc_a, a_start, a_end FROM matches "
            "WHERE match_id IN (SELECT unnest(?))) m "
            "JOIN (SELECT doc_id, text FROM documents WHERE doc_id IN (SELECT unnest(?))) d "
            "ON d.doc_id = m.doc_a",
            [shown, sorted({r["doc_a"] for r in rows})],
        ).fetchall()
    )
    for r in rows:
        r["excerpt"] = excerpts.get(r["match_id"], "")
    return rows


def matches_page(
    con: duckdb.DuckDBPyConnection,
    text: str = "",
    kind: str = "reuse",
    min_similarity: float = 0.0,
    verdict: str = "",
    page: int = 1,
) -> dict[str, Any]:
    """Matches whose passage contains ``text`` (either side), filtered, one page;
    ``all_ids`` are the ids of every match the search finds (for a verdict on
    the whole result)."""
    where, params = _match_filter(kind, min_similarity, verdict)
    if text:
        found = matches_containing(con, where, params, text)
    else:
        # One pass over the matches finds the result in page order; the page's
        # rows are then read by id.
        found = [
            r[0]
            for r in con.execute(
                f"SELECT m.match_id FROM reviewed_matches m WHERE {where} "
                "ORDER BY m.a_end - m.a_start DESC, m.match_id",
                params,
            ).fetchall()
        ]
    paging = _pages(len(found), page)
    shown = found[paging["offset"] : paging["offset"] + PAGE_SIZE]
    return {"rows": _match_rows(con, shown), **paging, "all_ids": sorted(found)}
