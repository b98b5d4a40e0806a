"""The pair report (``reuse report``): document pairs with reused passages,
most copied first, each with its passages side by side.

Shares are those of :mod:`reuse.store.shares` (one definition): in a pair,
the characters of A copied from B (``document_sources.copied_chars``: outside
templates, formulaic lines and quotations) over A's characters
(``documents.n_chars``), and the same of B. Pairs are ranked by the
characters both copied from each other. Matches a reviewer marked
``ignored`` are left out and counted. Each passage carries its differences
(:mod:`reuse.report.differences`) when the report is read with text.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb

from reuse.report.differences import passage_differences
from reuse.report.documents import resolve_document
from reuse.report.matches import MATCH_COLUMNS, MatchRow, match_rows

if TYPE_CHECKING:
    from reuse.text.normalise import NormalisedText


@dataclass(frozen=True)
class PairFilter:
    """Which pairs and passages a pair report holds (the filters of ``reuse report``)."""

    doc: str | None = None  #: only pairs involving this document (path or file name)
    min_chars: int = 0  #: only passages of at least this many original characters (in A)
    kind: str = "reuse"  #: ``'reuse'``, ``'boilerplate'`` or ``'all'``
    #: only pairs where either document copied at least this share of its
    #: characters from the other (0 to 1)
    min_share: float = 0.0
    min_similarity: float = 0.0  #: only passages of at least this similarity (0 to 1)


@dataclass(frozen=True)
class PairDocument:
    """One document of a pair, with the characters it copied from the other."""

    doc_id: int
    path: str
    n_chars: int
    n_norm_chars: int
    reused_chars: int  #: characters of this document copied from the other
    share: float  #: ``reused_chars`` over ``n_chars`` (0 for an empty document)


@dataclass(frozen=True)
class PassageText:
    """Both passages' text and their differences."""

    text_a: str
    text_b: str
    diff: list[list[Any]]  #: see :mod:`reuse.report.differences`


@dataclass(frozen=True)
class Passage:
    """One match of a pair: its spans, figures and the kind of each side (a
    passage can be a quotation in one document and plain reuse in the other)."""

    match_id: int
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    similarity: float
    edit_distance: int
    kind: str
    side_kind_a: str
    side_kind_b: str
    text: PassageText | None  #: None when the report is read without text

    def to_json(self) -> dict[str, Any]:
        """The passage's fields, then ``text_a``, ``text_b`` and ``diff`` when it has text."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "text"}
        if self.text is not None:
            out.update(text_a=self.text.text_a, text_b=self.text.text_b, diff=self.text.diff)
        return out


@dataclass(frozen=True)
class DocumentPair:
    """Two documents that share passages, and the passages (A's start order)."""

    doc_a: PairDocument
    doc_b: PairDocument
    passages: list[Passage]

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_a": dataclasses.asdict(self.doc_a),
            "doc_b": dataclasses.asdict(self.doc_b),
            "matches": [p.to_json() for p in self.passages],
        }


@dataclass(frozen=True)
class PairReport:
    """The pair report: the pairs shown, most copied first, and what was left out."""

    documents: int  #: live documents in the database
    doc_id: int | None  #: the document of ``PairFilter.doc``, if any
    n_pairs: int  #: pairs matching the filters (shown or not)
    ignored: int  #: passages matching the filters that a reviewer ignored
    pairs: list[DocumentPair]

    def to_json(self) -> dict[str, Any]:
        """The shape of ``reuse report --format json`` (docs/cli.md, "JSON output")."""
        return {
            "documents": self.documents,
            "doc_id": self.doc_id,
            "n_pairs": self.n_pairs,
            "ignored": self.ignored,
            "pairs": [p.to_json() for p in self.pairs],
        }


#: A pair before its passages are read: both documents and its matches.
_RankedPair = tuple[PairDocument, PairDocument, list[MatchRow]]


def _passage_filter(
    con: duckdb.DuckDBPyConnection, selection: PairFilter
) -> tuple[int | None, str, list[Any]]:
    """The document of the selection (if any) and the SQL condition on matches
    with its parameters."""
    params: list[Any] = [selection.min_chars, selection.min_similarity]
    where = "a_end - a_start >= ? AND similarity >= ?"
    if selection.kind != "all":
        where += " AND kind = ?"
        params.append(selection.kind)
    doc_id = None
    if selection.doc is not None:
        doc_id = resolve_document(con, selection.doc)
        where += " AND (doc_a = ? OR doc_b = ?)"
        params += [doc_id, doc_id]
    return doc_id, where, params


def _ranked_pairs(
    con: duckdb.DuckDBPyConnection, matches: list[MatchRow], min_share: float
) -> list[_RankedPair]:
    """The pairs of ``matches``, where a side copied at least ``min_share`` (when
    above 0) of the other, the most characters copied between the two first."""
    docs = {
        r[0]: r
        for r in con.execute("SELECT doc_id, path, n_chars, n_norm_chars FROM documents").fetchall()
    }
    by_pair: dict[tuple[int, int], list[MatchRow]] = {}
    for m in matches:
        by_pair.setdefault((m.doc_a, m.doc_b), []).append(m)
    # Characters of each document copied from the other (reuse.store.shares: the one
    # definition), read from document_sources.
    copied = {
        (d, src): chars
        for d, src, chars in con.execute(
            "SELECT doc_id, source_doc, copied_chars FROM document_sources"
        ).fetchall()
    }

    def side(doc_id: int, other: int) -> PairDocument:
        _, path, n_chars, n_norm_chars = docs[doc_id]
        reused = copied.get((doc_id, other), 0)
        share = reused / n_chars if n_chars else 0.0
        return PairDocument(doc_id, path, n_chars, n_norm_chars, reused, share)

    out = [(side(a, b), side(b, a), ms) for (a, b), ms in by_pair.items()]
    if min_share > 0:
        out = [e for e in out if max(e[0].share, e[1].share) >= min_share]
    # The most evidence first: characters copied between the two documents.
    out.sort(key=lambda e: (-(e[0].reused_chars + e[1].reused_chars), e[0].path, e[1].path))
    return out


class _Texts:
    """Documents' texts and normalised texts, each read once."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.cache: dict[int, tuple[str, NormalisedText]] = {}

    def __call__(self, doc_id: int) -> tuple[str, NormalisedText]:
        from reuse.text.normalise import normalise

        if doc_id not in self.cache:
            row = self.con.execute(
                "SELECT text FROM documents WHERE doc_id = ?", [doc_id]
            ).fetchone()
            text = str(row[0]) if row else ""
            self.cache[doc_id] = (text, normalise(text))
        return self.cache[doc_id]


def _passage_text(texts: _Texts, m: MatchRow) -> PassageText:
    """Both passages of ``m`` and their differences."""
    ta, na = texts(m.doc_a)
    tb, nb = texts(m.doc_b)
    diff = passage_differences(na, m.a_norm_start, m.a_norm_end, nb, m.b_norm_start, m.b_norm_end)
    return PassageText(ta[m.a_start : m.a_end], tb[m.b_start : m.b_end], diff)


def _with_passages(
    con: duckdb.DuckDBPyConnection, ranked: list[_RankedPair], with_text: bool
) -> list[DocumentPair]:
    """The pairs with their passages: each side's kind and, ``with_text``, the texts."""
    side_kinds = {
        (r[0], r[1]): r[2]
        for r in con.execute(
            "SELECT match_id, doc_id, side_kind FROM match_sides WHERE match_id IN "
            "(SELECT unnest(?))",
            [[m.match_id for _, _, ms in ranked for m in ms]],
        ).fetchall()
    }
    texts = _Texts(con)
    pairs = []
    for doc_a, doc_b, matches in ranked:
        passages = [
            Passage(
                m.match_id,
                m.a_start,
                m.a_end,
                m.b_start,
                m.b_end,
                m.similarity,
                m.edit_distance,
                m.kind,
                side_kind_a=side_kinds.get((m.match_id, doc_a.doc_id), m.kind),
                side_kind_b=side_kinds.get((m.match_id, doc_b.doc_id), m.kind),
                text=_passage_text(texts, m) if with_text else None,
            )
            for m in matches
        ]
        pairs.append(DocumentPair(doc_a, doc_b, passages))
    return pairs


def read_pair_report(
    con: duckdb.DuckDBPyConnection,
    selection: PairFilter,
    with_text: bool = True,
    limit: int | None = None,
) -> PairReport:
    """Document pairs with reuse, most reused first, each with its passages:
    those of ``selection``, at most ``limit`` pairs (None or 0: all), with the
    passages' text and differences when ``with_text``."""
    doc_id, where, params = _passage_filter(con, selection)
    matches = match_rows(
        con.execute(
            f"SELECT {MATCH_COLUMNS} FROM reviewed_matches WHERE {where} "
            "AND verdict IS DISTINCT FROM 'ignored' ORDER BY doc_a, doc_b, a_start, b_start",
            params,
        ).fetchall()
    )
    ignored_row = con.execute(
        f"SELECT count(*) FROM reviewed_matches WHERE {where} AND verdict = 'ignored'", params
    ).fetchone()
    ranked = _ranked_pairs(con, matches, selection.min_share)
    n_pairs = len(ranked)
    if limit:
        ranked = ranked[:limit]  # texts and differences only for the pairs shown
    pairs = _with_passages(con, ranked, with_text)
    n_docs = con.execute("SELECT count(*) FROM live_documents").fetchone()
    return PairReport(
        documents=int(n_docs[0]) if n_docs else 0,
        doc_id=doc_id,
        n_pairs=n_pairs,
        ignored=int(ignored_row[0]) if ignored_row else 0,
        pairs=pairs,
    )


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
    """Document pairs with reuse, most reused first, each with its passages, in
    the shape of ``reuse report --format json`` (:meth:`PairReport.to_json`).

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

    Size reason: its parameters are the options of ``reuse report``, passed by
    keyword by the command line and the tests; :func:`read_pair_report` takes
    them as one :class:`PairFilter`.
    """
    selection = PairFilter(doc, min_chars, kind, min_share, min_similarity)
    return read_pair_report(con, selection, with_text, limit).to_json()
