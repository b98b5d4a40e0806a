"""Stage 9: reports read from the store (never written to it).

Everything here works on a read-only DuckDB connection and returns plain data
(dicts and lists, the shape of ``--format json``); :mod:`reuse.cli` renders it.

Shares are those of :mod:`reuse.store.shares` (one definition): the characters of a
document copied from others over its characters (``documents.n_chars``); in
a pair, the characters of A copied from B (``document_sources``).

Differences inside a passage are the Levenshtein edit script of the two
normalised passages (rapidfuzz ``opcodes``), mapped back to the original
text: each entry is ``[op, a_start, a_end, b_start, b_end]`` in original
offsets, ``op`` one of ``equal``, ``replace``, ``delete`` (only in A),
``insert`` (only in B).
"""

from __future__ import annotations

import importlib.resources
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from reuse.errors import QueryError

if TYPE_CHECKING:
    from reuse.store.shares import DocumentCoverage
    from reuse.text.normalise import NormalisedText

# rapidfuzz, numpy (reuse.text.normalise) and charset_normalizer (reuse.ingest.walk) are
# imported where they are used, so a command that does not need them starts faster.

#: The shipped queries (queries/ in the repository; package data in a wheel).
QUERIES_DIR = Path(str(importlib.resources.files("reuse").joinpath("queries")))


def union_length(spans: Iterable[tuple[int, int]]) -> int:
    """Characters covered by the union of ``[start, end)`` spans.

    >>> union_length([(0, 10), (5, 15), (20, 25)])
    20
    """
    total = 0
    cur_s = cur_e = None
    for s, e in sorted(spans):
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                total += cur_e - cur_s
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    if cur_e is not None:
        total += cur_e - cur_s
    return total


def resolve_document(con: duckdb.DuckDBPyConnection, path: str) -> int:
    """doc_id of a live document given its identity (``documents.path``), the
    file's path (absolute or relative to here: ``documents.location``), or
    the end of its identity (a file name)."""
    from reuse.ingest.walk import escape_path

    absolute = escape_path(os.path.abspath(path))
    row = con.execute(
        "SELECT doc_id FROM live_documents WHERE path = ? OR location = ? ORDER BY path = ? DESC",
        [path, absolute, path],
    ).fetchall()
    if row:
        return int(row[0][0])
    name = Path(path).as_posix().lstrip("./")
    rows = con.execute(
        "SELECT doc_id, path FROM live_documents WHERE path = ? OR ends_with(path, ?) "
        "ORDER BY path",
        [name, "/" + name],
    ).fetchall()
    if len(rows) == 1:
        return int(rows[0][0])
    if not rows:
        raise QueryError(f"no scanned document matches {path!r}")
    raise QueryError(
        f"{path!r} matches {len(rows)} documents ({rows[0][1]}, {rows[1][1]}, ...); "
        "give more of the path"
    )


def _diff(
    na: NormalisedText, a0: int, a1: int, nb: NormalisedText, b0: int, b1: int
) -> list[list[Any]]:
    """Edit script of two normalised passages, in original offsets."""
    from rapidfuzz.distance import Levenshtein

    out: list[list[Any]] = []

    def orig(norm: NormalisedText, s: int, e: int, base: int) -> tuple[int, int]:
        if e > s:
            return norm.to_original(base + s, base + e)
        # An empty range sits before the character at s (or after the passage).
        pos = base + s
        if pos < len(norm.text):
            at = int(norm.origin[pos])
        else:
            at = int(norm.origin[pos - 1]) + 1
        return at, at

    # Adjacent non-equal operations are one difference ("。" -> "无锡" is one
    # replacement, not a replacement and an insertion).
    merged: list[list[Any]] = []
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(na.text[a0:a1], nb.text[b0:b1]):
        if merged and tag != "equal" and merged[-1][0] != "equal":
            merged[-1][2], merged[-1][4] = i2, j2
        else:
            merged.append([tag, i1, i2, j1, j2])
    for tag, i1, i2, j1, j2 in merged:
        if tag != "equal":
            tag = "replace" if i2 > i1 and j2 > j1 else ("delete" if i2 > i1 else "insert")
        sa, ea = orig(na, i1, i2, a0)
        sb, eb = orig(nb, j1, j2, b0)
        out.append([tag, sa, ea, sb, eb])
    return out


_MATCH_COLUMNS = (
    "match_id, doc_a, a_start, a_end, doc_b, b_start, b_end, similarity, edit_distance, "
    "kind, a_norm_start, a_norm_end, b_norm_start, b_norm_end, first_seen_scan"
)


def _match_dicts(rows: list[tuple]) -> list[dict[str, Any]]:
    names = [c.strip() for c in _MATCH_COLUMNS.split(",")]
    return [dict(zip(names, r)) for r in rows]


def pair_report(
    con: duckdb.DuckDBPyConnection,
    doc: str | None = None,
    min_chars: int = 0,
    kind: str = "reuse",
    with_text: bool = True,
    limit: int | None = None,
    min_share: float = 0.0,
    min_similarity: float = 0.0,
) -> dict[str, Any]:
    """Document pairs with reuse, most reused first, each with its passages.

    Pairs are ranked by the characters each document copied from the other
    (``document_sources.copied_chars``: outside templates, formulaic lines
    and quotations, :mod:`reuse.store.shares`), both sides added.

    Args:
        doc: only pairs involving this document (path or file name).
        min_chars: only passages of at least this many original characters (in A).
        kind: ``'reuse'`` (default), ``'boilerplate'`` or ``'all'``.
        with_text: include the passages' text and differences.
        limit: at most this many pairs (None or 0: all).
        min_share: only pairs where either document copied at least this
            share of its characters from the other (0 to 1).
        min_similarity: only passages of at least this similarity (0 to 1).

    Returns:
        ``{"documents": n, "doc_id": id, "n_pairs": pairs matching the
        filters, "ignored": n, "pairs": [...]}`` (see docs/cli.md, "JSON output").
    """
    params: list[Any] = [min_chars, min_similarity]
    where = "a_end - a_start >= ? AND similarity >= ?"
    if kind != "all":
        where += " AND kind = ?"
        params.append(kind)
    doc_id = None
    if doc is not None:
        doc_id = resolve_document(con, doc)
        where += " AND (doc_a = ? OR doc_b = ?)"
        params += [doc_id, doc_id]
    matches = _match_dicts(
        con.execute(
            f"SELECT {_MATCH_COLUMNS} FROM reviewed_matches WHERE {where} "
            "AND verdict IS DISTINCT FROM 'ignored' ORDER BY doc_a, doc_b, a_start, b_start",
            params,
        ).fetchall()
    )
    ignored_row = con.execute(
        f"SELECT count(*) FROM reviewed_matches WHERE {where} AND verdict = 'ignored'", params
    ).fetchone()
    docs = {
        r[0]: {"doc_id": r[0], "path": r[1], "n_chars": r[2], "n_norm_chars": r[3]}
        for r in con.execute("SELECT doc_id, path, n_chars, n_norm_chars FROM documents").fetchall()
    }
    pairs: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for m in matches:
        pairs.setdefault((m["doc_a"], m["doc_b"]), []).append(m)
    out = []
    norm_cache: dict[int, tuple[str, NormalisedText]] = {}

    def text_of(d: int) -> tuple[str, NormalisedText]:
        from reuse.text.normalise import normalise

        if d not in norm_cache:
            row = con.execute("SELECT text FROM documents WHERE doc_id = ?", [d]).fetchone()
            text = str(row[0]) if row else ""
            norm_cache[d] = (text, normalise(text))
        return norm_cache[d]

    # Characters of each document copied from the other (reuse.store.shares: the one
    # definition), read from document_sources.
    copied = {
        (d, src): chars
        for d, src, chars in con.execute(
            "SELECT doc_id, source_doc, copied_chars FROM document_sources"
        ).fetchall()
    }
    for (a, b), ms in pairs.items():
        da, db = docs[a], docs[b]
        reused_a = copied.get((a, b), 0)
        reused_b = copied.get((b, a), 0)
        out.append(
            {
                "doc_a": {
                    **da,
                    "reused_chars": reused_a,
                    "share": reused_a / da["n_chars"] if da["n_chars"] else 0.0,
                },
                "doc_b": {
                    **db,
                    "reused_chars": reused_b,
                    "share": reused_b / db["n_chars"] if db["n_chars"] else 0.0,
                },
                "matches": ms,
            }
        )
    if min_share > 0:
        out = [e for e in out if max(e["doc_a"]["share"], e["doc_b"]["share"]) >= min_share]
    # The most evidence first: characters copied between the two documents.
    out.sort(
        key=lambda e: (
            -(e["doc_a"]["reused_chars"] + e["doc_b"]["reused_chars"]),
            e["doc_a"]["path"],
            e["doc_b"]["path"],
        )
    )
    n_pairs = len(out)
    if limit:
        out = out[:limit]  # texts and differences only for the pairs shown
    side_kinds = {
        (r[0], r[1]): r[2]
        for r in con.execute(
            "SELECT match_id, doc_id, side_kind FROM match_sides WHERE match_id IN "
            "(SELECT unnest(?))",
            [[m["match_id"] for e in out for m in e["matches"]]],
        ).fetchall()
    }
    for entry in out:
        a, b = entry["doc_a"]["doc_id"], entry["doc_b"]["doc_id"]
        items = []
        for m in entry["matches"]:
            item = {
                k: m[k]
                for k in (
                    "match_id",
                    "a_start",
                    "a_end",
                    "b_start",
                    "b_end",
                    "similarity",
                    "edit_distance",
                    "kind",
                )
            }
            item["side_kind_a"] = side_kinds.get((m["match_id"], a), m["kind"])
            item["side_kind_b"] = side_kinds.get((m["match_id"], b), m["kind"])
            if with_text:
                ta, na = text_of(a)
                tb, nb = text_of(b)
                item["text_a"] = ta[m["a_start"] : m["a_end"]]
                item["text_b"] = tb[m["b_start"] : m["b_end"]]
                item["diff"] = _diff(
                    na, m["a_norm_start"], m["a_norm_end"], nb, m["b_norm_start"], m["b_norm_end"]
                )
            items.append(item)
        entry["matches"] = items
    n_docs = con.execute("SELECT count(*) FROM live_documents").fetchone()
    return {
        "documents": int(n_docs[0]) if n_docs else 0,
        "doc_id": doc_id,
        "n_pairs": n_pairs,
        "ignored": int(ignored_row[0]) if ignored_row else 0,
        "pairs": out,
    }


def display_root(con: duckdb.DuckDBPyConnection) -> str | None:
    """The root name shown paths leave out: the first component of every live
    document's path when the database holds one root, else None
    (:func:`reuse.report.display.root_of`)."""
    rows = con.execute(
        "SELECT DISTINCT CASE WHEN contains(path, '/') THEN split_part(path, '/', 1) END "
        "FROM live_documents LIMIT 2"
    ).fetchall()
    return rows[0][0] if len(rows) == 1 else None


def match_detail(
    con: duckdb.DuckDBPyConnection, match_id: int, context: int = 40
) -> dict[str, Any]:
    """One match with both passages, their context and differences."""
    from reuse.text.normalise import normalise

    rows = con.execute(
        f"SELECT {_MATCH_COLUMNS} FROM matches WHERE match_id = ?", [match_id]
    ).fetchall()
    if not rows:
        raise QueryError(f"no match with id {match_id}")
    m = _match_dicts(rows)[0]
    out: dict[str, Any] = dict(m)
    norms = {}
    for side in ("a", "b"):
        doc_id = m[f"doc_{side}"]
        path, text = con.execute(
            "SELECT path, text FROM documents WHERE doc_id = ?", [doc_id]
        ).fetchone() or ("?", "")
        s, e = m[f"{side}_start"], m[f"{side}_end"]
        norms[side] = normalise(text)
        out[f"path_{side}"] = path
        out[f"text_{side}"] = text[s:e]
        out[f"before_{side}"] = text[max(0, s - context) : s]
        out[f"after_{side}"] = text[e : e + context]
    out["diff"] = _diff(
        norms["a"],
        m["a_norm_start"],
        m["a_norm_end"],
        norms["b"],
        m["b_norm_start"],
        m["b_norm_end"],
    )
    return out


# ---------------------------------------------------------------------------
# Document similarity (the figures of a duplicate-check service)

#: Section headings at the start of a line: 一、 二、 (level 1), （一） (一) (level 2),
#: 第一章 / 第一节 / 第一部分 (level 1).
_HEADING = re.compile(
    r"^[ \t\u3000]*(?:"
    r"(?P<l1>[一二三四五六七八九十百]+、|第[一二三四五六七八九十百零〇\d]+[章节部分篇])"
    r"|(?P<l2>[（(][一二三四五六七八九十百]+[）)]))"
    r"[^\n]{0,60}",
    re.MULTILINE,
)


def sections(text: str) -> list[dict[str, Any]]:
    r"""Sections of a document from its headings, in original offsets.

    A section runs from its heading to the next heading of the same or a
    higher level (level 1: ``一、``, ``第一章``; level 2: ``（一）``). Text before
    the first heading is the section ``(start)``.

    >>> [(s["title"], s["level"], s["start"], s["end"])  # doctest: +NORMALIZE_WHITESPACE
    ...  for s in sections("前言\n一、总体\n（一）目标\n正文\n二、措施\n")]
    [('(start)', 0, 0, 3), ('一、总体', 1, 3, 17), ('（一）目标', 2, 8, 17),
     ('二、措施', 1, 17, 22)]
    """
    heads = [
        (m.start(), 1 if m.group("l1") else 2, m.group().strip().split("\n")[0][:40])
        for m in _HEADING.finditer(text)
    ]
    out: list[dict[str, Any]] = []
    if not heads or heads[0][0] > 0:
        first = heads[0][0] if heads else len(text)
        if text[:first].strip():
            out.append({"title": "(start)", "level": 0, "start": 0, "end": first})
    for k, (start, level, title) in enumerate(heads):
        end = len(text)
        for later, later_level, _ in heads[k + 1 :]:
            if later_level <= level:
                end = later
                break
        out.append({"title": title, "level": level, "start": start, "end": end})
    return out


def _overlap_length(spans: list[tuple[int, int]], start: int, end: int) -> int:
    return union_length((max(s, start), min(e, end)) for s, e in spans if s < end and e > start)


_SIMILARITY_COLUMNS = (
    "doc_id, path, n_chars, doc_date, reused_chars, share, reused_chars_excluding, "
    "share_excluding, largest_source_id, largest_source, largest_source_share, n_sources, "
    "n_ignored, copied_chars, changed_chars, template_chars, boilerplate_chars, quoted_chars, "
    "date_precision"
)


def corpus_similarity(
    con: duckdb.DuckDBPyConnection, limit: int | None = None
) -> list[dict[str, Any]]:
    """Every live document's row of the ``document_similarity`` view, most reused first."""
    sql = (
        f"SELECT {_SIMILARITY_COLUMNS} FROM document_similarity "
        "ORDER BY share DESC, copied_chars DESC, path"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def document_similarity(
    con: duckdb.DuckDBPyConnection, doc: str, coverage: DocumentCoverage | None = None
) -> dict[str, Any]:
    """The similarity report of one document, in the figures of :mod:`reuse.store.shares`.

    ``share`` is the share of the document's original characters copied from
    others; ``copied_chars``, ``changed_chars``, ``template_chars``,
    ``boilerplate_chars`` and ``quoted_chars`` count each class apart. Each
    source's ``share`` is the characters copied from it; each section's, the
    characters of the section copied. Matches a reviewer marked ``ignored``
    count for nothing and are counted in ``n_ignored``.

    Returns the ``document_similarity`` row plus ``sources`` (most copied
    first) and ``sections``. ``coverage`` is the document's
    :func:`reuse.store.shares.document_coverage` when the caller has it already.
    """
    from reuse.store.shares import document_coverage

    doc_id = resolve_document(con, doc)
    cur = con.execute(
        f"SELECT {_SIMILARITY_COLUMNS} FROM document_similarity WHERE doc_id = ?", [doc_id]
    )
    names = [d[0] for d in cur.description]
    out: dict[str, Any] = dict(zip(names, cur.fetchone() or ()))
    if coverage is None:
        coverage = document_coverage(con, doc_id)
    n_chars = max(coverage.n_chars, 1)
    passages = dict(
        con.execute(
            "SELECT CASE WHEN doc_a = ? THEN doc_b ELSE doc_a END, count(*) FROM reviewed_matches "
            "WHERE kind = 'reuse' AND (doc_a = ? OR doc_b = ?) "
            "AND verdict IS DISTINCT FROM 'ignored' GROUP BY ALL",
            [doc_id, doc_id, doc_id],
        ).fetchall()
    )
    paths = dict(
        con.execute(
            "SELECT doc_id, path FROM documents WHERE doc_id IN (SELECT unnest(?))",
            [sorted(coverage.sources)],
        ).fetchall()
    )
    sources = []
    for other, mask in coverage.sources.items():
        chars = int(mask.sum())
        sources.append(
            {
                "doc_id": other,
                "path": paths.get(other, ""),
                "reused_chars": chars,
                "share": chars / n_chars,
                "quoted_chars": coverage.quoted_from.get(other, 0),
                "passages": passages.get(other, 0),
            }
        )
    sources.sort(key=lambda e: (-e["reused_chars"], e["path"]))
    out["sources"] = sources
    text_row = con.execute("SELECT text FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
    text = str(text_row[0]) if text_row else ""
    copied = coverage.masks["copied"]
    secs = []
    for sec in sections(text):
        length = max(sec["end"] - sec["start"], 1)
        share = int(copied[sec["start"] : sec["end"]].sum()) / length
        secs.append({**sec, "share": share, "share_excluding": share})
    out["sections"] = secs
    return out


# ---------------------------------------------------------------------------
# Reuse groups and provenance


def template_report(
    con: duckdb.DuckDBPyConnection,
    limit: int | None = None,
    kind: str = "template",
    min_documents: int = 2,
    members: int = 10,
) -> list[dict[str, Any]]:
    """Templates (stock text), the most documents first: the representative's
    text, the earliest dated member, and up to ``members`` members each
    (``kind``: ``'template'``, ``'boilerplate'`` or ``'all'``)."""
    where = "" if kind == "all" else "AND t.kind = ?"
    params: list[Any] = [min_documents] + ([] if kind == "all" else [kind])
    rows = con.execute(
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
        f"FROM templates t JOIN documents d ON d.doc_id = t.rep_doc "
        f"WHERE t.n_documents >= ? {where} ORDER BY t.template_id"
        + (f" LIMIT {int(limit)}" if limit else ""),
        params,
    ).fetchall()
    ids = [r[0] for r in rows]
    listed: dict[int, list[dict[str, Any]]] = {}
    for tid, path, start, end, sim in con.execute(
        "SELECT m.template_id, d.path, m.start_offset, m.end_offset, m.similarity "
        "FROM template_members m JOIN documents d USING (doc_id) "
        "WHERE m.template_id IN (SELECT unnest(?)) ORDER BY m.template_id, d.path, m.start_offset",
        [ids],
    ).fetchall():
        entries = listed.setdefault(tid, [])
        if len(entries) < members:
            entries.append({"path": path, "start": start, "end": end, "similarity": sim})
    return [
        {
            "template_id": r[0],
            "kind": r[1],
            "n_documents": r[2],
            "n_members": r[3],
            "representative": r[4],
            "text": r[5],
            "template_key": r[6],
            "earliest_member": r[7],
            "earliest_date": r[8],
            "earliest_date_precision": r[9],
            "members": listed.get(r[0], []),
        }
        for r in rows
    ]


def group_report(
    con: duckdb.DuckDBPyConnection, limit: int | None = None, min_documents: int = 2
) -> list[dict[str, Any]]:
    """Reuse groups, largest first, each with its members (path, offsets, a text excerpt)."""
    groups = con.execute(
        "SELECT group_id, n_documents, n_members, n_matches, mean_chars FROM groups "
        "WHERE n_documents >= ? ORDER BY group_id" + (f" LIMIT {int(limit)}" if limit else ""),
        [min_documents],
    ).fetchall()
    members = con.execute(
        "SELECT g.group_id, g.doc_id, d.path, g.start_offset, g.end_offset, "
        "substr(d.text, g.start_offset + 1, least(g.end_offset - g.start_offset, 80)) "
        "FROM group_members g JOIN documents d USING (doc_id) "
        "WHERE g.group_id IN (SELECT unnest(?)) ORDER BY g.group_id, d.path, g.start_offset",
        [[g[0] for g in groups]],
    ).fetchall()
    by_group: dict[int, list[dict[str, Any]]] = {}
    for gid, doc_id, path, start, end, excerpt in members:
        by_group.setdefault(gid, []).append(
            {"doc_id": doc_id, "path": path, "start": start, "end": end, "excerpt": excerpt}
        )
    return [
        {
            "group_id": gid,
            "n_documents": n_docs,
            "n_members": n_members,
            "n_matches": n_matches,
            "mean_chars": round(float(mean_chars), 1),
            "members": by_group.get(gid, []),
        }
        for gid, n_docs, n_members, n_matches, mean_chars in groups
    ]


def provenance_report(
    con: duckdb.DuckDBPyConnection, doc: str | None = None
) -> list[dict[str, Any]]:
    """Who copied from whom: per document pair with reuse, the likely source,
    the copy, the evidence, and the reused characters of the copy."""
    where = ""
    params: list[Any] = []
    if doc is not None:
        doc_id = resolve_document(con, doc)
        where = "AND (p.doc_a = ? OR p.doc_b = ?)"
        params = [doc_id, doc_id]
    rows = con.execute(
        f"""
        SELECT p.doc_a, p.doc_b, p.path_a, p.path_b, p.shown_date_a, p.shown_date_b,
               arg_max(p.likely_source, m.a_end - m.a_start) AS likely_source,
               arg_max(p.evidence, m.a_end - m.a_start) AS evidence,
               count(*) AS matches,
               sum(m.a_end - m.a_start) AS chars_a, sum(m.b_end - m.b_start) AS chars_b
        FROM match_provenance p JOIN reviewed_matches m USING (match_id)
        WHERE m.kind = 'reuse' AND m.verdict IS DISTINCT FROM 'ignored' {where}
        GROUP BY ALL ORDER BY greatest(chars_a, chars_b) DESC, p.path_a, p.path_b
        """,
        params,
    ).fetchall()
    out = []
    for a, b, pa_, pb, date_a, date_b, side, evidence, n, chars_a, chars_b in rows:
        entry = {
            "doc_a": a,
            "doc_b": b,
            "path_a": pa_,
            "path_b": pb,
            "date_a": str(date_a) if date_a else None,
            "date_b": str(date_b) if date_b else None,
            "likely_source": side,
            "source": pa_ if side == "a" else pb if side == "b" else None,
            "copy": pb if side == "a" else pa_ if side == "b" else None,
            "evidence": evidence,
            "matches": n,
            "chars_a": int(chars_a),
            "chars_b": int(chars_b),
        }
        out.append(entry)
    return out


# ---------------------------------------------------------------------------
# HTML and exports


#: Document pairs an HTML report shows when no --limit is given (most reused first).
HTML_MAX_PAIRS = 100


def html_data(
    con: duckdb.DuckDBPyConnection,
    doc: str | None = None,
    kind: str = "all",
    limit: int | None = None,
    database: str = "",
    min_chars: int = 0,
    min_share: float = 0.0,
    min_similarity: float = 0.0,
) -> dict[str, Any]:
    """The input of :func:`reuse.report.html.render_html`: the corpus overview
    and the document pairs (of ``doc``, or all, most reused first) with full texts,
    at most ``limit`` pairs (None: :data:`HTML_MAX_PAIRS`; 0: all)."""
    import datetime as dt

    shown = HTML_MAX_PAIRS if limit is None else limit  # 0: all
    report = pair_report(
        con,
        doc,
        min_chars,
        kind,
        with_text=True,
        limit=shown,
        min_share=min_share,
        min_similarity=min_similarity,
    )
    texts: dict[int, str] = {}
    ids = sorted(
        {p["doc_a"]["doc_id"] for p in report["pairs"]}
        | {p["doc_b"]["doc_id"] for p in report["pairs"]}
    )
    if ids:
        texts = dict(
            con.execute(
                "SELECT doc_id, text FROM documents WHERE doc_id IN (SELECT unnest(?))", [ids]
            ).fetchall()
        )
    pairs = []
    for p in report["pairs"]:
        sides = {}
        for side in ("a", "b"):
            d = p[f"doc_{side}"]
            sides[f"doc_{side}"] = {
                "doc_id": d["doc_id"],
                "path": d["path"],
                "text": texts.get(d["doc_id"], ""),
                "share": d["share"],
            }
        matches = []
        for m in p["matches"]:
            kind_shown = m["kind"]
            if "quotation" in (m.get("side_kind_a"), m.get("side_kind_b")):
                kind_shown = "quotation"
            matches.append({**m, "kind": kind_shown})
        pairs.append({**sides, "matches": matches})
    overview = [
        {
            "doc_id": r["doc_id"],
            "path": r["path"],
            "n_chars": r["n_chars"],
            "share": r["share"],
            "share_excluding": r["share_excluding"],
            "largest_source": r["largest_source"],
            "largest_source_share": r["largest_source_share"],
            "n_sources": r["n_sources"],
            "suppressed": r["n_ignored"],
        }
        for r in corpus_similarity(con)
    ]
    shown = len(report["pairs"])
    note = f" ({shown} of {report['n_pairs']} document pairs)" if shown < report["n_pairs"] else ""
    return {
        "title": "reuse report" + (f": {os.path.basename(doc)}" if doc else "") + note,
        "generated": dt.datetime.now().isoformat(timespec="seconds"),
        "database": database,
        "overview": overview,
        "pairs": pairs,
    }


#: Columns of ``reuse export``: the match, both paths and both passages' text.
EXPORT_SQL = """
SELECT m.match_id, m.kind, da.path AS path_a, m.a_start, m.a_end,
       db.path AS path_b, m.b_start, m.b_end,
       m.similarity, m.edit_distance, m.first_seen_scan, m.verdict, m.note,
       substr(da.text, m.a_start + 1, m.a_end - m.a_start) AS text_a,
       substr(db.text, m.b_start + 1, m.b_end - m.b_start) AS text_b
FROM reviewed_matches m
JOIN documents da ON da.doc_id = m.doc_a
JOIN documents db ON db.doc_id = m.doc_b
WHERE ($kind = 'all' OR m.kind = $kind)
ORDER BY m.match_id
"""


#: Export formats by the output file's suffix (``reuse export -o FILE`` without ``--format``).
EXPORT_SUFFIXES = {".csv": "csv", ".json": "json", ".parquet": "parquet"}


def export_format(output: str | os.PathLike[str], fmt: str | None = None) -> str:
    """The export format: ``fmt`` if given, else from the suffix of ``output``.

    >>> export_format("matches.parquet"), export_format("m.txt", "csv")
    ('parquet', 'csv')
    """
    known = ", ".join(sorted(set(EXPORT_SUFFIXES.values())))
    if fmt is not None:
        if fmt not in EXPORT_SUFFIXES.values():
            raise QueryError(f"export format must be {known}, not {fmt!r}")
        return fmt
    suffix = Path(output).suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise QueryError(
            f"cannot tell the export format of {os.fspath(output)} from its suffix "
            f"{suffix or '(none)'}: name a {', '.join(EXPORT_SUFFIXES)} file "
            f"or give --format {known}"
        )
    return EXPORT_SUFFIXES[suffix]


def export_matches(
    db_path: str,
    fmt: str | None,
    output: str,
    kind: str = "all",
    force: bool = False,
) -> int:
    """Write the live matches with both passages' text to ``output`` as csv, json
    (one array of objects) or parquet; returns the number of rows.

    ``fmt`` None: the format of the output's suffix (:func:`export_format`).
    The rows are read on a :func:`confined_connection` as an Arrow table and
    written as CSV (a header row; the bytes DuckDB's ``COPY`` wrote), Parquet
    (pyarrow) or a UTF-8 JSON array, through :func:`reuse.report.outputs.open_output`:
    never over the database, over an existing file only with ``force``, and
    never half a file. The database connection reaches no file but the
    database; the one file written is ``output``.
    """
    import json

    import pyarrow.parquet as pq

    from reuse.report.outputs import check_output, open_output

    check_output(output, db_path, force)
    fmt = export_format(output, fmt)
    con = confined_connection(db_path)
    try:
        try:
            table = con.sql(EXPORT_SQL, params={"kind": kind}).to_arrow_table()
        except duckdb.Error as exc:
            raise QueryError(str(exc).splitlines()[0]) from exc
    finally:
        con.close()
    with open_output(output, db_path, force) as f:
        if fmt == "json":
            items = table.to_pylist()
            text = json.dumps(items, ensure_ascii=False, indent=1, default=str) + "\n"
            f.write(text.encode("utf-8"))
        elif fmt == "parquet":
            pq.write_table(table, f)
        else:
            _write_csv(table, f)
    return table.num_rows


def _csv_field(value: Any) -> str:
    """One CSV field as DuckDB's ``COPY ... (FORMAT csv)`` writes it: NULL empty,
    a string quoted when empty or holding a comma, quote or line break."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value == "" or any(c in value for c in ',"\n\r'):
            return '"' + value.replace('"', '""') + '"'
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _write_csv(table: Any, f: Any) -> None:
    """``table`` (pyarrow) as UTF-8 CSV with a header row, the bytes DuckDB's COPY wrote."""
    f.write((",".join(_csv_field(c) for c in table.column_names) + "\n").encode("utf-8"))
    for batch in table.to_batches(max_chunksize=1024):
        lines = (",".join(_csv_field(v) for v in row.values()) for row in batch.to_pylist())
        f.write("".join(line + "\n" for line in lines).encode("utf-8"))


def find_query(name_or_file_or_sql: str, queries_dir: Path = QUERIES_DIR) -> tuple[str, str]:
    """``(label, sql)`` for a query given by name (``queries/NAME.sql``), file, or SQL text."""
    arg = name_or_file_or_sql.strip()
    if any(ch.isspace() for ch in arg) and not arg.endswith(".sql"):
        return "sql", arg
    candidate = queries_dir / f"{arg}.sql"
    if "/" not in arg and candidate.is_file():
        return arg, candidate.read_text(encoding="utf-8")
    if arg.endswith(".sql") and Path(arg).is_file():
        return arg, Path(arg).read_text(encoding="utf-8")
    known = ", ".join(available_queries(queries_dir)) or "none"
    raise QueryError(f"no query named {arg!r} (known: {known}) and it is not a file or SQL")


def available_queries(queries_dir: Path = QUERIES_DIR) -> list[str]:
    return sorted(p.stem for p in queries_dir.glob("*.sql")) if queries_dir.is_dir() else []


def query_description(sql: str) -> str:
    """The header comment of a query file (leading ``--`` lines)."""
    lines = []
    for line in sql.splitlines():
        if line.startswith("--"):
            lines.append(line[2:].strip())
        elif line.strip():
            break
    return "\n".join(lines)


def query_defaults(sql: str) -> dict[str, Any]:
    r"""Parameter defaults declared in a query's header as ``-- param: NAME = VALUE``.

    >>> query_defaults("-- param: min_chars = 50\n-- param: kind = reuse\nSELECT 1")
    {'min_chars': 50, 'kind': 'reuse'}
    """
    out: dict[str, Any] = {}
    for line in sql.splitlines():
        if line.startswith("-- param:"):
            name, _, value = line[len("-- param:") :].partition("=")
            out[name.strip()] = _literal(value.strip())
    return out


def _literal(value: str) -> Any:
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


#: DuckDB settings of a :func:`confined_connection`, given when it opens.
CONFINED_CONFIG: dict[str, Any] = {
    "enable_external_access": False,  # no file but the database, no URL, no ATTACH/COPY/INSTALL
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
    "python_enable_replacements": False,  # a table name never reads a Python variable
}

#: Statement types review SQL may run (every other is refused before it runs).
#: DESCRIBE, SHOW, SUMMARIZE, FROM-first and VALUES parse as SELECT.
REVIEW_STATEMENTS = frozenset(
    {
        duckdb.StatementType.SELECT,
        duckdb.StatementType.EXPLAIN,
        duckdb.StatementType.PRAGMA,
        duckdb.StatementType.CALL,
    }
)

_CONFINED = "review SQL may only read this database"

#: How a refused statement type is named (DuckDB's INSTALL is a LOAD statement).
_STATEMENT_NAMES = {
    "LOAD": "INSTALL/LOAD",
    "SET": "SET/RESET/USE",
    "VARIABLE_SET": "SET VARIABLE",
    "COPY_DATABASE": "COPY DATABASE",
    "MERGE_INTO": "MERGE INTO",
    "CREATE_FUNC": "CREATE MACRO",
    "TRANSACTION": "BEGIN/COMMIT/ROLLBACK",
}


def confined_connection(db_path: str | os.PathLike[str]) -> duckdb.DuckDBPyConnection:
    """A read-only connection to ``db_path`` that cannot reach beyond it.

    Opened read-only with :data:`CONFINED_CONFIG` (no file system or network
    access but the database itself, no extension installed or loaded, no
    Python replacement scans), then :data:`reuse.store.schema.CONNECTION_SETTINGS`,
    then ``SET lock_configuration = true`` so SQL run on it cannot undo any of
    this. :class:`QueryError` if the database is missing or cannot be opened.

    DuckDB shares one database instance per file in a process: while this
    process holds another kind of connection to the same file (a read-write
    Store, a plain read-only connection), this one cannot open (a QueryError
    says so); two confined connections share one locked instance.
    """
    from reuse.store.snapshot import connect_reader

    db = os.fspath(db_path)
    if not Path(db).exists():
        raise QueryError(f"no database at {db}; run 'reuse scan' first")
    try:
        con = connect_reader(db, config=CONFINED_CONFIG)
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0]
        if "different configuration" in message:
            message = f"this process holds another connection to it; close that first ({message})"
        raise QueryError(f"cannot open {db} read-only: {message}") from exc
    try:
        locked = con.execute("SELECT current_setting('lock_configuration')").fetchone()
        if not (locked and locked[0]):
            con.execute("SET lock_configuration = true")
        # Whoever locked it, the instance must be confined (a guard, not a step).
        names = sorted(CONFINED_CONFIG) + ["lock_configuration"]
        found = dict(
            con.execute(
                "SELECT name, value FROM duckdb_settings() WHERE name IN (SELECT unnest(?))",
                [names],
            ).fetchall()
        )
        expected = {k: str(v).lower() for k, v in CONFINED_CONFIG.items()}
        expected["lock_configuration"] = "true"
        if {k: str(found.get(k)).lower() for k in names} != expected:
            raise QueryError(f"cannot confine the connection to {db}: settings {found}")
    except BaseException:
        con.close()
        raise
    return con


def query_parameters(sql: str) -> set[str]:
    r"""The ``$NAME`` parameters of one SQL statement, as DuckDB parses it.

    >>> sorted(query_parameters("SELECT $b, $a -- $not_this\n"))
    ['a', 'b']
    """
    return set(_one_statement(sql).named_parameters)


def _one_statement(sql: str, con: duckdb.DuckDBPyConnection | None = None) -> duckdb.Statement:
    """The one statement of ``sql`` (comments and a trailing ``;`` allowed);
    :class:`QueryError` for none, several, or SQL that does not parse."""
    try:
        statements = (con or duckdb).extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(str(exc).splitlines()[0]) from exc
    if not statements:
        raise QueryError("no SQL statement in the query")
    if len(statements) > 1:
        raise QueryError(
            f"refused: the query has {len(statements)} statements; "
            "review SQL runs one statement at a time"
        )
    return statements[0]


def _refusal(message: str) -> str | None:
    """The refusal of a DuckDB error that the confinement raised, else None."""
    low = message.lower()
    if "read-only" in low:
        return f"refused: the query would write to the database ({message})"
    if (
        "disabled by configuration" in low
        or "disabled through configuration" in low
        or "configuration has been locked" in low
        or "permission error" in low
    ):
        return f"refused: {_CONFINED} ({message})"
    return None


def run_query(
    db_path: str, sql: str, params: dict[str, Any] | None = None, max_rows: int | None = None
) -> tuple[list[str], list[tuple]]:
    """Run one statement of review SQL on a :func:`confined_connection`;
    returns ``(column names, rows)``: every row, or at most ``max_rows + 1``
    (one more tells the caller the result goes on).

    ``$NAME`` parameters take their values from ``params``, else from the
    query's ``-- param:`` defaults; a parameter in ``params`` the statement
    does not use, or a ``$NAME`` without a value, is a :class:`QueryError`
    naming the parameters the query takes.

    Refused (:class:`QueryError` "refused: ..."), and nothing happens:
    more than one statement; statements other than SELECT (with DESCRIBE,
    SHOW, SUMMARIZE), EXPLAIN, PRAGMA and CALL; writes to the database (the
    connection is read-only); any file, URL or database but this one (COPY,
    ATTACH, EXPORT, read_csv/read_text/glob, INSTALL/LOAD of extensions);
    Python variables as tables; SET of any setting.
    """
    defaults = query_defaults(sql)
    given = {k: _literal(str(v)) for k, v in (params or {}).items()}
    con = confined_connection(db_path)
    try:
        statement = _one_statement(sql, con)
        if statement.type not in REVIEW_STATEMENTS:
            kind = _STATEMENT_NAMES.get(statement.type.name, statement.type.name)
            raise QueryError(
                f"refused: {kind} statements are not allowed; {_CONFINED} "
                "(one SELECT, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN, PRAGMA or CALL)"
            )
        wanted = set(statement.named_parameters)
        unknown = sorted(set(given) - wanted)
        missing = sorted(wanted - set(given) - set(defaults))
        if unknown or missing:
            takes = ", ".join(
                f"{k} (default {defaults[k]})" if k in defaults else k for k in sorted(wanted)
            )
            takes = f"it takes: {takes}" if wanted else "it takes no parameters"
            if unknown:
                raise QueryError(
                    f"unknown parameter{'s' if len(unknown) > 1 else ''} "
                    f"{', '.join(unknown)} for this query; {takes}"
                )
            raise QueryError(
                f"no value for parameter{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}: give -p NAME=VALUE; {takes}"
            )
        values = {k: given[k] if k in given else defaults[k] for k in wanted}
        try:
            cur = con.execute(statement, values) if values else con.execute(statement)
            if cur.description is None:
                return [], []
            columns = [d[0] for d in cur.description]
            return columns, cur.fetchall() if max_rows is None else cur.fetchmany(max_rows + 1)
        except duckdb.Error as exc:
            message = str(exc).splitlines()[0]
            if isinstance(exc, duckdb.CatalogException) and "does not exist" in message:
                # A typo, or a Python variable (replacement scans are off).
                message += f" ({_CONFINED}: SHOW TABLES lists its tables and views)"
            raise QueryError(_refusal(message) or message) from exc
    finally:
        con.close()
