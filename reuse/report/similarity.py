"""The similarity report, in the figures of a duplicate-check service: the corpus
ranked by share reused (``reuse similarity``), and one document's report with
its sources and sections (``reuse report --doc``, the review app's document page).

Shares are those of :mod:`reuse.store.shares` (view ``document_similarity``):
``share`` is the share of a document's original characters copied from
others; ``copied_chars``, ``changed_chars``, ``template_chars``,
``boilerplate_chars`` and ``quoted_chars`` count each class of character
apart. A source's share is the characters copied from it over the document's
characters; a section's (:mod:`reuse.report.sections`), the characters of the
section copied over the section's. Matches a reviewer marked ``ignored``
count for nothing and are counted in ``n_ignored``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb

from reuse.report.documents import resolve_document
from reuse.report.sections import sections

if TYPE_CHECKING:
    from reuse.store.shares import DocumentCoverage

#: The columns of :class:`SimilarityRow`, in its order.
SIMILARITY_COLUMNS = (
    "doc_id, path, n_chars, doc_date, reused_chars, share, reused_chars_excluding, "
    "share_excluding, largest_source_id, largest_source, largest_source_share, n_sources, "
    "n_ignored, copied_chars, changed_chars, template_chars, boilerplate_chars, quoted_chars, "
    "date_precision"
)


@dataclass(frozen=True)
class SimilarityRow:
    """A live document's row of the ``document_similarity`` view."""

    doc_id: int
    path: str
    n_chars: int
    doc_date: dt.date | None
    reused_chars: int
    share: float
    reused_chars_excluding: int
    share_excluding: float
    largest_source_id: int | None
    largest_source: str | None
    largest_source_share: float
    n_sources: int
    n_ignored: int
    copied_chars: int
    changed_chars: int
    template_chars: int
    boilerplate_chars: int
    quoted_chars: int
    date_precision: str | None


@dataclass(frozen=True)
class SourceShare:
    """One source of a document: what the document copied from it."""

    doc_id: int
    path: str
    reused_chars: int  #: characters of the document copied from this source
    share: float  #: ``reused_chars`` over the document's characters
    quoted_chars: int  #: characters of the source's matches inside quotation marks
    passages: int  #: reuse matches with this source (ignored ones left out)


@dataclass(frozen=True)
class SectionShare:
    """One section of a document (:func:`reuse.report.sections.sections`) and its
    share copied."""

    title: str
    level: int
    start: int
    end: int
    share: float
    share_excluding: float  #: the same figure, under the name of schema version 2


@dataclass(frozen=True)
class DocumentSimilarity:
    """One document's similarity report: its ``document_similarity`` row (None
    if the view has none), its sources (most copied first) and its sections."""

    row: SimilarityRow | None
    sources: list[SourceShare]
    sections: list[SectionShare]

    def to_json(self) -> dict[str, Any]:
        """The row's columns, then ``sources`` and ``sections``."""
        out: dict[str, Any] = dataclasses.asdict(self.row) if self.row is not None else {}
        out["sources"] = [dataclasses.asdict(s) for s in self.sources]
        out["sections"] = [dataclasses.asdict(s) for s in self.sections]
        return out


def read_corpus_similarity(
    con: duckdb.DuckDBPyConnection, limit: int | None = None
) -> list[SimilarityRow]:
    """Every live document's row of the ``document_similarity`` view, most
    reused first (at most ``limit`` rows when it is not None)."""
    sql = (
        f"SELECT {SIMILARITY_COLUMNS} FROM document_similarity "
        "ORDER BY share DESC, copied_chars DESC, path"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [SimilarityRow(*row) for row in con.execute(sql).fetchall()]


def corpus_similarity(
    con: duckdb.DuckDBPyConnection, limit: int | None = None
) -> list[dict[str, Any]]:
    """Every live document's row of the ``document_similarity`` view, most reused
    first, as ``reuse similarity --format json`` prints it."""
    return [dataclasses.asdict(row) for row in read_corpus_similarity(con, limit)]


def _sources(
    con: duckdb.DuckDBPyConnection, doc_id: int, coverage: DocumentCoverage
) -> list[SourceShare]:
    """The document's sources, most copied first."""
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
            SourceShare(
                doc_id=other,
                path=paths.get(other, ""),
                reused_chars=chars,
                share=chars / n_chars,
                quoted_chars=coverage.quoted_from.get(other, 0),
                passages=passages.get(other, 0),
            )
        )
    sources.sort(key=lambda e: (-e.reused_chars, e.path))
    return sources


def _sections(
    con: duckdb.DuckDBPyConnection, doc_id: int, coverage: DocumentCoverage
) -> list[SectionShare]:
    """The document's sections, each with the share of its characters copied."""
    text_row = con.execute("SELECT text FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
    text = str(text_row[0]) if text_row else ""
    copied = coverage.masks["copied"]
    out = []
    for sec in sections(text):
        length = max(sec["end"] - sec["start"], 1)
        share = int(copied[sec["start"] : sec["end"]].sum()) / length
        out.append(SectionShare(**sec, share=share, share_excluding=share))
    return out


def read_document_similarity(
    con: duckdb.DuckDBPyConnection, doc: str, coverage: DocumentCoverage | None = None
) -> DocumentSimilarity:
    """The similarity report of the document ``doc`` (path or file name).
    ``coverage`` is the document's :func:`reuse.store.shares.document_coverage`
    when the caller has it already."""
    from reuse.store.shares import document_coverage

    doc_id = resolve_document(con, doc)
    row = con.execute(
        f"SELECT {SIMILARITY_COLUMNS} FROM document_similarity WHERE doc_id = ?", [doc_id]
    ).fetchone()
    if coverage is None:
        coverage = document_coverage(con, doc_id)
    return DocumentSimilarity(
        row=SimilarityRow(*row) if row else None,
        sources=_sources(con, doc_id, coverage),
        sections=_sections(con, doc_id, coverage),
    )


def document_similarity(
    con: duckdb.DuckDBPyConnection, doc: str, coverage: DocumentCoverage | None = None
) -> dict[str, Any]:
    """The similarity report of one document (:func:`read_document_similarity`) as
    ``reuse report --doc --format json`` prints it: the ``document_similarity``
    row plus ``sources`` (most copied first) and ``sections``."""
    return read_document_similarity(con, doc, coverage).to_json()
