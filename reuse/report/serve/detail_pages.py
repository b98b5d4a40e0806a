"""What the pages of one thing in ``reuse serve`` show, as plain data read from
a connection: a document (its similarity report, its text marked in place), a
pair of documents side by side, a template and a group with their members.

Each function takes a (read-only) DuckDB connection and the page's
parameters and returns dicts and lists (:class:`QueryError` when the thing
does not exist); :mod:`reuse.report.serve.app` renders them. Shares are those
of :mod:`reuse.store.shares`; offsets are code-point offsets into
``documents.text``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np

from reuse.errors import QueryError
from reuse.report.serve.pages import rows_of

if TYPE_CHECKING:
    from reuse.store.shares import DocumentCoverage

#: Character classes of a document page, in the order of :data:`reuse.store.shares.CLASSES`.
_CLASS_NAMES = ("", "boilerplate", "template", "quoted", "copied", "changed")


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


def _document_matches(con: duckdb.DuckDBPyConnection, doc_id: int) -> list[dict[str, Any]]:
    """The document's reuse matches, each with the other document and its own span."""
    return rows_of(
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


def _text_pieces(
    text: str, coverage: DocumentCoverage, matches: list[dict[str, Any]], anchors: set[int]
) -> list[dict[str, Any]]:
    """The text cut into runs of one class of character and one source link;
    a section's start (in ``anchors``) starts a run and is its anchor."""
    from reuse.store.shares import CLASSES

    n = coverage.n_chars
    codes = np.zeros(n, dtype=np.int8)
    for code, name in enumerate(CLASSES, start=1):
        codes[coverage.masks[name]] = code
    links = np.full(n, -1, dtype=np.int64)
    for m in sorted(matches, key=lambda x: -x["match_id"]):  # lowest id wins
        if m["verdict"] == "ignored":
            continue
        links[m["start_offset"] : m["end_offset"]] = m["match_id"]
    # Only copied and changed characters link to a source.
    links[(codes != CLASSES.index("copied") + 1) & (codes != CLASSES.index("changed") + 1)] = -1
    other_of = {m["match_id"]: m["other"] for m in matches}
    return [
        {
            "text": text[s:e],
            "cls": _CLASS_NAMES[code],
            "match_id": link if link >= 0 else None,
            "other": other_of.get(link),
            "anchor": s if s in anchors else None,
        }
        for s, e, code, link in _runs(codes, links, anchors)
    ]


def document_page(con: duckdb.DuckDBPyConnection, doc_id: int) -> dict[str, Any]:
    """A document's similarity report, as a duplicate-check service gives it: the
    share copied and every class of character, the share per source and per
    section, and the text with each character's class marked in place; a
    copied or changed piece links to the source it was copied from (the
    reuse match covering it with the lowest id)."""
    from reuse.report.similarity import document_similarity
    from reuse.store.shares import CLASSES, document_coverage

    doc = _document(con, doc_id)
    if doc["deleted_at"] is not None:
        raise QueryError(f"document {doc_id} ({doc['path']}) was deleted")
    coverage = document_coverage(con, doc_id)
    report = document_similarity(con, doc["path"], coverage)
    matches = _document_matches(con, doc_id)
    anchors = {sec["start"] for sec in report["sections"]}
    pieces = _text_pieces(doc["text"] or "", coverage, matches, anchors)
    counts = {name: coverage.count(name) for name in CLASSES}
    return {
        "doc": doc,
        "report": report,
        "counts": counts,
        "pieces": pieces,
        "matches": matches,
        "templates": rows_of(
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
    from reuse.report.differences import passage_differences
    from reuse.report.html.side import render_side
    from reuse.text.normalise import normalise

    a, b = sorted((doc_a, doc_b))
    docs = {d: _document(con, d) for d in (a, b)}
    kind_clause = "" if kind == "all" else "AND m.kind = 'reuse'"
    matches = rows_of(
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
            m["diff"] = passage_differences(
                na, m["a_norm_start"], m["a_norm_end"], nb, m["b_norm_start"], m["b_norm_end"]
            )
    edits: dict[int, list[dict[str, Any]]] = {}
    for e in rows_of(
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


def template_page(con: duckdb.DuckDBPyConnection, template_id: int) -> dict[str, Any]:
    """One template: the representative's text and every member."""
    head = rows_of(
        con.execute(
            "SELECT t.*, d.path AS representative, "
            "substr(d.text, t.rep_start + 1, t.rep_end - t.rep_start) AS text "
            "FROM templates t JOIN documents d ON d.doc_id = t.rep_doc WHERE t.template_id = ?",
            [template_id],
        )
    )
    if not head:
        raise QueryError(f"no template {template_id}")
    members = rows_of(
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


def group_page(con: duckdb.DuckDBPyConnection, group_id: int) -> dict[str, Any]:
    head = rows_of(con.execute("SELECT * FROM groups WHERE group_id = ?", [group_id]))
    if not head:
        raise QueryError(f"no group {group_id}")
    members = rows_of(
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
