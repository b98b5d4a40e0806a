"""What the HTML report shows, read from the database: the data
:func:`reuse.report.html.pages.render_html` documents.

The pairs are those of the pair report (:mod:`reuse.report.pairs`, most
copied first) with both documents' full texts and, for the report that
:mod:`reuse.report.html.write` writes, the typed edits of their passages
(table ``edits``); the overview is every live document's row of the
similarity report (:mod:`reuse.report.similarity`). A passage that is a
quotation on either side is shown as a quotation.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import duckdb

from reuse.report.documents import document_texts
from reuse.report.html.markup import number
from reuse.report.pairs import DocumentPair, PairFilter, PairReport, Passage, read_pair_report
from reuse.report.similarity import read_corpus_similarity

#: Document pairs an HTML report shows when no --limit is given (most reused first).
HTML_MAX_PAIRS = 100


def _shown_kind(passage: Passage) -> str:
    """The kind a passage is shown as: a quotation when either side is one."""
    if "quotation" in (passage.side_kind_a, passage.side_kind_b):
        return "quotation"
    return passage.kind


def _texts(con: duckdb.DuckDBPyConnection, report: PairReport) -> dict[int, str]:
    """The full text of every document of the report's pairs."""
    ids = sorted({p.doc_a.doc_id for p in report.pairs} | {p.doc_b.doc_id for p in report.pairs})
    return document_texts(con, ids)


def _edits(con: duckdb.DuckDBPyConnection, report: PairReport) -> dict[Any, list[dict[str, Any]]]:
    """The typed edits of every passage of the report, per match, in edit order."""
    match_ids = [m.match_id for p in report.pairs for m in p.passages]
    edits: dict[Any, list[dict[str, Any]]] = {}
    if match_ids:
        cur = con.execute(
            "SELECT match_id, edit_no, op, old_text, new_text, category FROM edits "
            "WHERE match_id IN (SELECT unnest(?)) ORDER BY match_id, edit_no",
            [match_ids],
        )
        names = [d[0] for d in cur.description]
        for row in cur.fetchall():
            edits.setdefault(row[0], []).append(dict(zip(names, row)))
    return edits


def _pair_with_edits(
    pair: DocumentPair, texts: dict[int, str], edits: dict[Any, list[dict[str, Any]]]
) -> dict[str, Any]:
    """A pair of the written report: both sides with their full text, the
    passages without their text, the typed edits in passage order."""
    sides = {
        name: {
            "doc_id": d.doc_id,
            "path": d.path,
            "text": texts.get(d.doc_id, ""),
            "share": d.share,
            "reused_chars": d.reused_chars,
            "n_chars": d.n_chars,
        }
        for name, d in (("doc_a", pair.doc_a), ("doc_b", pair.doc_b))
    }
    matches = []
    for passage in pair.passages:
        shown = passage.to_json()
        del shown["text_a"], shown["text_b"]
        shown["kind"] = _shown_kind(passage)
        matches.append(shown)
    ordered = sorted(matches, key=lambda m: number(m["match_id"]))
    pair_edits = [e for m in ordered for e in edits.get(m["match_id"], ())]
    return {**sides, "matches": matches, "edits": pair_edits}


def _overview(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The written report's overview: every live document, most reused first."""
    return [
        {
            "doc_id": r.doc_id,
            "path": r.path,
            "n_chars": r.n_chars,
            "share": r.share,
            "copied_chars": r.copied_chars,
            "template_chars": r.template_chars,
            "largest_source": r.largest_source,
            "largest_source_id": r.largest_source_id,
            "largest_source_share": r.largest_source_share,
            "n_sources": r.n_sources,
            "suppressed": r.n_ignored,
        }
        for r in read_corpus_similarity(con)
    ]


def report_data(
    con: duckdb.DuckDBPyConnection,
    selection: PairFilter,
    limit: int | None = None,
    database: str = "",
    command: str = "",
) -> dict[str, Any]:
    """The data of the report :mod:`reuse.report.html.write` writes, read from
    ``con``: the pairs of ``selection``, most copied first, at most ``limit``
    (None or 0: all), each with both full texts and the typed edits of its
    passages; the overview of every live document; ``n_pairs`` (all the pairs
    there are), the passages ``ignored`` and ``command`` (the one that writes
    them all)."""
    report = read_pair_report(con, selection, with_text=True, limit=limit or None)
    texts = _texts(con, report)
    edits = _edits(con, report)
    pairs = [_pair_with_edits(p, texts, edits) for p in report.pairs]
    overview = _overview(con)
    title = "reuse report" + (f": {os.path.basename(selection.doc)}" if selection.doc else "")
    if selection.kind != "reuse":
        title += f" ({selection.kind} matches)"
    return {
        "title": title,
        "generated": dt.datetime.now().isoformat(timespec="seconds"),
        "database": database,
        "overview": overview,
        "pairs": pairs,
        "n_pairs": report.n_pairs,
        "ignored": report.ignored,
        "command": command,
    }


def _pair_with_texts(pair: DocumentPair, texts: dict[int, str]) -> dict[str, Any]:
    """A pair of :func:`html_data`: both sides with their full text, the passages
    with theirs."""
    sides = {
        name: {
            "doc_id": d.doc_id,
            "path": d.path,
            "text": texts.get(d.doc_id, ""),
            "share": d.share,
        }
        for name, d in (("doc_a", pair.doc_a), ("doc_b", pair.doc_b))
    }
    matches = [{**p.to_json(), "kind": _shown_kind(p)} for p in pair.passages]
    return {**sides, "matches": matches}


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
    """The input of :func:`reuse.report.html.pages.render_html`: the corpus overview
    and the document pairs (of ``doc``, or all, most reused first) with full texts,
    at most ``limit`` pairs (None: :data:`HTML_MAX_PAIRS`; 0: all).

    Size reason: its parameters are the filters of the pair report
    (:func:`reuse.report.pairs.pair_report`), given by keyword.
    """
    shown = HTML_MAX_PAIRS if limit is None else limit  # 0: all
    selection = PairFilter(doc, min_chars, kind, min_share, min_similarity)
    report = read_pair_report(con, selection, with_text=True, limit=shown)
    texts = _texts(con, report)
    pairs = [_pair_with_texts(p, texts) for p in report.pairs]
    overview = [
        {
            "doc_id": r.doc_id,
            "path": r.path,
            "n_chars": r.n_chars,
            "share": r.share,
            "share_excluding": r.share_excluding,
            "largest_source": r.largest_source,
            "largest_source_share": r.largest_source_share,
            "n_sources": r.n_sources,
            "suppressed": r.n_ignored,
        }
        for r in read_corpus_similarity(con)
    ]
    n_shown = len(report.pairs)
    note = f" ({n_shown} of {report.n_pairs} document pairs)" if n_shown < report.n_pairs else ""
    return {
        "title": "reuse report" + (f": {os.path.basename(doc)}" if doc else "") + note,
        "generated": dt.datetime.now().isoformat(timespec="seconds"),
        "database": database,
        "overview": overview,
        "pairs": pairs,
    }
