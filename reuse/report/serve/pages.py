"""What each page of ``reuse serve`` shows, as plain data read from a connection.

Each function takes a (read-only) DuckDB connection and the page's
parameters and returns dicts and lists; :mod:`reuse.report.serve.app` renders them.
Shares are those of :mod:`reuse.store.shares` (table ``document_shares``), the
figures every report shows. Offsets are code-point offsets into
``documents.text``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np

from reuse.errors import QueryError

__all__ = [
    "PAGE_SIZE",
    "Filters",
    "document_page",
    "group_page",
    "groups_page",
    "matches_page",
    "overview",
    "pair_page",
    "status",
    "template_page",
    "templates_page",
]

#: Rows per page of every list.
PAGE_SIZE = 50

#: Character classes of a document page, in the order of :data:`reuse.store.shares.CLASSES`.
_CLASS_NAMES = ("", "boilerplate", "template", "quoted", "copied", "changed")


def _rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
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
    rows = _rows(
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


# --------------------------------------------------------------------------- a document


def _document(con: duckdb.DuckDBPyConnection, doc_id: int) -> dict[str, Any]:
    row = con.execute(
        "SELECT doc_id, path, n_chars, doc_date, date_source, text, deleted_at, date_precision "
        "FROM documents WHERE doc_id = ?",
        [doc_id],
    ).fetchone()
    if row is None:
        raise QueryError(f"no document {doc_id}")
    keys = (
        "doc_id",
        "path",
        "n_chars",
        "doc_date",
        "date_source",
        "text",
        "deleted_at",
        "date_precision",
    )
    return dict(zip(keys, row))


def _runs(
    codes: np.ndarray, links: np.ndarray, cuts: Iterable[int] = ()
) -> list[tuple[int, int, int, int]]:
    """``(start, end, class code, link)`` runs of equal (code, link), also cut
    at every offset in ``cuts`` (where a section anchor goes)."""
    n = len(codes)
    if n == 0:
        return []
    change = np.flatnonzero((codes[1:] != codes[:-1]) | (links[1:] != links[:-1])) + 1
    extra = np.array([c for c in cuts if 0 < c < n], dtype=np.int64)
    change = np.union1d(change, extra).astype(np.int64)
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [n]))
    return [
        (int(s), int(e), int(codes[s]), int(links[s]))
        for s, e in zip(starts.tolist(), ends.tolist())
    ]


def document_page(con: duckdb.DuckDBPyConnection, doc_id: int) -> dict[str, Any]:
    """A document's similarity report, as a duplicate-check service gives it: the
    share copied and every class of character, the share per source and per
    section, and the text with each character's class marked in place; a
    copied or changed piece links to the source it was copied from (the
    reuse match covering it with the lowest id)."""
    from reuse.report.reports import document_similarity
    from reuse.store.shares import CLASSES, document_coverage

    doc = _document(con, doc_id)
    if doc["deleted_at"] is not None:
        raise QueryError(f"document {doc_id} ({doc['path']}) was deleted")
    coverage = document_coverage(con, doc_id)
    report = document_similarity(con, doc["path"], coverage)
    n = coverage.n_chars
    codes = np.zeros(n, dtype=np.int8)
    for code, name in enumerate(CLASSES, start=1):
        codes[coverage.masks[name]] = code
    links = np.full(n, -1, dtype=np.int64)
    matches = _rows(
        con.execute(
            "SELECT m.match_id, CASE WHEN m.doc_a = ? THEN m.doc_b ELSE m.doc_a END AS other, "
            "CASE WHEN m.doc_a = ? THEN m.a_start ELSE m.b_start END AS start_offset, "
            "CASE WHEN m.doc_a = ? THEN m.a_end ELSE m.b_end END AS end_offset, "
            "m.similarity, m.kind, m.verdict, d.path AS other_path "
            "FROM reviewed_matches m JOIN documents d "
            "ON d.doc_id = CASE WHEN m.doc_a = ? THEN m.doc_b ELSE m.doc_a END "
            "WHERE (m.doc_a = ? OR m.doc_b = ?) AND m.kind = 'reuse' "
            "ORDER BY start_offset, m.match_id",
            [doc_id] * 6,
        )
    )
    for m in sorted(matches, key=lambda x: -x["match_id"]):  # lowest id wins
        if m["verdict"] == "ignored":
            continue
        links[m["start_offset"] : m["end_offset"]] = m["match_id"]
    # Only copied and changed characters link to a source.
    links[(codes != CLASSES.index("copied") + 1) & (codes != CLASSES.index("changed") + 1)] = -1
    other_of = {m["match_id"]: m["other"] for m in matches}
    text = doc["text"] or ""
    anchors = {sec["start"] for sec in report["sections"]}
    pieces = [
        {
            "text": text[s:e],
            "cls": _CLASS_NAMES[code],
            "match_id": link if link >= 0 else None,
            "other": other_of.get(link),
            "anchor": s if s in anchors else None,
        }
        for s, e, code, link in _runs(codes, links, anchors)
    ]
    counts = {name: coverage.count(name) for name in CLASSES}
    return {
        "doc": doc,
        "report": report,
        "counts": counts,
        "pieces": pieces,
        "matches": matches,
        "templates": _rows(
            con.execute(
                "SELECT t.template_id, t.kind, t.n_documents, m.start_offset, m.end_offset "
                "FROM template_members m JOIN templates t USING (template_id) "
                "WHERE m.doc_id = ? ORDER BY m.start_offset",
                [doc_id],
            )
        ),
    }


# --------------------------------------------------------------------------- a pair


def pair_page(
    con: duckdb.DuckDBPyConnection, doc_a: int, doc_b: int, kind: str = "reuse"
) -> dict[str, Any]:
    """Two documents side by side with their matches (``kind``: 'reuse' or 'all'),
    each match's differences and typed edits."""
    from reuse.report.html import render_side
    from reuse.report.reports import _diff
    from reuse.text.normalise import normalise

    a, b = sorted((doc_a, doc_b))
    docs = {d: _document(con, d) for d in (a, b)}
    kind_clause = "" if kind == "all" else "AND m.kind = 'reuse'"
    matches = _rows(
        con.execute(
            "SELECT m.match_id, m.kind, m.a_start, m.a_end, m.b_start, m.b_end, m.similarity, "
            "m.edit_distance, m.a_norm_start, m.a_norm_end, m.b_norm_start, m.b_norm_end, "
            "m.verdict, m.note, m.rep_doc "
            f"FROM reviewed_matches m WHERE m.doc_a = ? AND m.doc_b = ? {kind_clause} "
            "ORDER BY m.a_start, m.match_id",
            [a, b],
        )
    )
    if matches:
        na, nb = normalise(docs[a]["text"]), normalise(docs[b]["text"])
        for m in matches:
            m["diff"] = _diff(
                na, m["a_norm_start"], m["a_norm_end"], nb, m["b_norm_start"], m["b_norm_end"]
            )
    edits: dict[int, list[dict[str, Any]]] = {}
    for e in _rows(
        con.execute(
            "SELECT match_id, edit_no, op, old_text, new_text, category, pos FROM edits "
            "WHERE match_id IN (SELECT unnest(?)) ORDER BY match_id, edit_no",
            [[m["match_id"] for m in matches]],
        )
    ):
        edits.setdefault(e["match_id"], []).append(e)
    shares = dict(
        con.execute(
            "SELECT doc_id || ':' || source_doc, copied_chars FROM document_sources "
            "WHERE (doc_id = ? AND source_doc = ?) OR (doc_id = ? AND source_doc = ?)",
            [a, b, b, a],
        ).fetchall()
    )
    for d, other in ((a, b), (b, a)):
        copied = int(shares.get(f"{d}:{other}", 0))
        docs[d]["copied"] = copied
        docs[d]["share"] = copied / docs[d]["n_chars"] if docs[d]["n_chars"] else 0.0
    return {
        "a": docs[a],
        "b": docs[b],
        "matches": matches,
        "edits": edits,
        "side_a": render_side(docs[a]["text"], matches, "a", docs[b]["text"]),
        "side_b": render_side(docs[b]["text"], matches, "b", docs[a]["text"]),
        "kind": kind,
    }


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
    rows = _rows(
        con.execute(
            "SELECT t.template_id, t.kind, t.n_documents, t.n_members, d.path AS representative, "
            f"t.rep_doc, left({text}, 160) AS text, t.rep_end - t.rep_start AS chars "
            "FROM templates t JOIN documents d ON d.doc_id = t.rep_doc "
            f"WHERE {where} ORDER BY t.template_id LIMIT {PAGE_SIZE} OFFSET {paging['offset']}",
            params,
        )
    )
    return {"rows": rows, **paging, "kind": kind, "name": name}


def template_page(con: duckdb.DuckDBPyConnection, template_id: int) -> dict[str, Any]:
    """One template: the representative's text and every member."""
    head = _rows(
        con.execute(
            "SELECT t.*, d.path AS representative, "
            "substr(d.text, t.rep_start + 1, t.rep_end - t.rep_start) AS text "
            "FROM templates t JOIN documents d ON d.doc_id = t.rep_doc WHERE t.template_id = ?",
            [template_id],
        )
    )
    if not head:
        raise QueryError(f"no template {template_id}")
    members = _rows(
        con.execute(
            "SELECT m.doc_id, d.path, d.doc_date, d.date_precision, m.start_offset, "
            "m.end_offset, m.match_id, "
            "m.similarity, m.edit_distance, "
            "substr(d.text, m.start_offset + 1, least(m.end_offset - m.start_offset, 120)) "
            "AS excerpt, (SELECT count(*) FROM edits e WHERE e.match_id = m.match_id) AS edits "
            "FROM template_members m JOIN documents d USING (doc_id) "
            "WHERE m.template_id = ? ORDER BY d.doc_date NULLS LAST, d.path, m.start_offset",
            [template_id],
        )
    )
    match_ids = [m["match_id"] for m in members if m["match_id"] is not None]
    return {"template": head[0], "members": members, "match_ids": match_ids}


def groups_page(con: duckdb.DuckDBPyConnection, page: int = 1) -> dict[str, Any]:
    total = con.execute("SELECT count(*) FROM groups").fetchone()
    paging = _pages(int(total[0]) if total else 0, page)
    rows = _rows(
        con.execute(
            "SELECT g.group_id, g.n_documents, g.n_members, g.n_matches, g.mean_chars, "
            "(SELECT left(substr(d.text, m.start_offset + 1, m.end_offset - m.start_offset), 120) "
            " FROM group_members m JOIN documents d USING (doc_id) "
            " WHERE m.group_id = g.group_id LIMIT 1) AS excerpt "
            f"FROM groups g ORDER BY g.group_id LIMIT {PAGE_SIZE} OFFSET {paging['offset']}"
        )
    )
    return {"rows": rows, **paging}


def group_page(con: duckdb.DuckDBPyConnection, group_id: int) -> dict[str, Any]:
    head = _rows(con.execute("SELECT * FROM groups WHERE group_id = ?", [group_id]))
    if not head:
        raise QueryError(f"no group {group_id}")
    members = _rows(
        con.execute(
            "SELECT m.doc_id, d.path, m.start_offset, m.end_offset, "
            "substr(d.text, m.start_offset + 1, least(m.end_offset - m.start_offset, 160)) "
            "AS excerpt FROM group_members m JOIN documents d USING (doc_id) "
            "WHERE m.group_id = ?",
            [group_id],
        )
    )  # the centre first (the order groups.py stores), then by document
    match_ids = [
        r[0]
        for r in con.execute(
            "SELECT match_id FROM group_matches WHERE group_id = ? ORDER BY match_id", [group_id]
        ).fetchall()
    ]
    return {"group": head[0], "members": members, "match_ids": match_ids}


# --------------------------------------------------------------------------- matches


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
    clauses, params = ["TRUE"], []
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
    if text:
        clauses.append(
            "(contains(substr(da.text, m.a_start + 1, m.a_end - m.a_start), ?) "
            "OR contains(substr(db.text, m.b_start + 1, m.b_end - m.b_start), ?))"
        )
        params += [text, text]
    where = " AND ".join(clauses)
    join = (
        "JOIN documents da ON da.doc_id = m.doc_a JOIN documents db ON db.doc_id = m.doc_b"
        if text
        else ""
    )
    # One pass over the matches (and their texts, for a search) finds the
    # result in page order; the page's rows are then read by id.
    found = [
        r[0]
        for r in con.execute(
            f"SELECT m.match_id FROM reviewed_matches m {join} WHERE {where} "
            "ORDER BY m.a_end - m.a_start DESC, m.match_id",
            params,
        ).fetchall()
    ]
    paging = _pages(len(found), page)
    shown = found[paging["offset"] : paging["offset"] + PAGE_SIZE]
    rows = _rows(
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
    return {"rows": rows, **paging, "all_ids": sorted(found)}
