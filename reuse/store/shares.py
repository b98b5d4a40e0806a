"""Derived stage: what share of each document is copied from others: one definition.

Every character of a document's original text (``documents.text``, code
points) falls in at most one class, the first that applies:

1. **boilerplate**: inside an occurrence of a formulaic line (a template of
   kind ``'boilerplate'``);
2. **template**: inside an occurrence of a template (stock text in at least
   ``T`` documents);
3. **quoted**: inside quotation marks (“…” 「…」 『…』) within a reuse match;
4. **copied**: within a reuse match and not inside a typed edit of it (the
   aligned characters that are equal in both documents);
5. **changed**: within a reuse match and inside a typed edit of it
   (substituted, or inserted in this document).

The **share copied** is ``copied / n_chars``: the figure every report shows
(``reuse report``, ``report --doc``, ``similarity``, the HTML report, the
views ``document_shares`` and ``document_similarity``). Matches a reviewer
ignored count for nothing. Per source, the characters copied from that one
document (a character copied from two sources counts for each, once in the
total). Without typed edits (``scan.edits = false``) a match has none, so
all its characters count as copied.

Worked example, the sample corpus (``reuse scan data``): the news article
``004`` has 3,444 characters; its one reuse match with the speech ``000``
covers 3,374 of them, of which 339 lie inside quotation marks (quoted) and
49 inside typed edits (changed: the photo caption, the inserted place
names, the changed characters), so 3,374 - 339 - 49 = 2,986 are copied:
86.7% of ``004`` is copied, all of it from ``000``. The formulaic lines that
``000`` shares with ``001`` and ``002`` (37 characters in each) are
boilerplate and count for none of them. ``tests/test_shares.py`` checks
these figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import numpy as np

from reuse.store.connection import insert_arrow, rows_table
from reuse.store.tables import DOCUMENT_SHARES, DOCUMENT_SOURCES

__all__ = ["CLASSES", "DocumentCoverage", "derive_shares", "document_coverage"]

#: The classes of characters, in priority order (a character is in the first that applies).
CLASSES = ("boilerplate", "template", "quoted", "copied", "changed")


@dataclass
class DocumentCoverage:
    """The class of every character of one document (see the module docstring).

    Attributes:
        n_chars: characters of the original text.
        masks: per class, a boolean array over the characters.
        sources: per source document, the characters copied from it (boolean).
        quoted_from: per source document, the quoted characters of its matches.
    """

    n_chars: int
    masks: dict[str, np.ndarray]
    sources: dict[int, np.ndarray] = field(default_factory=dict)
    quoted_from: dict[int, int] = field(default_factory=dict)

    def count(self, name: str) -> int:
        return int(self.masks[name].sum())

    @property
    def share(self) -> float:
        return self.count("copied") / self.n_chars if self.n_chars else 0.0


def _mark(mask: np.ndarray, spans: Iterable[tuple[int, int]]) -> None:
    n = len(mask)
    for s, e in spans:
        mask[max(0, s) : min(n, e)] = True


def _ignored(con: duckdb.DuckDBPyConnection) -> set[int]:
    return {
        r[0]
        for r in con.execute(
            "SELECT match_id FROM reviewed_matches WHERE verdict = 'ignored'"
        ).fetchall()
    }


#: A span of original offsets, ``(start, end)``.
Span = tuple[int, int]


@dataclass
class _CoverageInputs:
    """What the coverage of a batch of documents is computed from.

    Attributes:
        sizes: per document, its characters.
        sides: per document, its sides of reuse matches no reviewer ignored:
            ``(match_id, start, end, other document)``.
        changed: per ``(match_id, document)``, the spans inside typed edits.
        stock: per ``(document, template kind)``, its template occurrences.
        quotes: per document, its quotations.
    """

    sizes: dict[int, int]
    sides: dict[int, list[tuple[int, int, int, int]]]
    changed: dict[tuple[int, int], list[Span]]
    stock: dict[tuple[int, str], list[Span]]
    quotes: dict[int, list[Span]]


def _coverages(
    con: duckdb.DuckDBPyConnection, doc_ids: list[int], ignored: set[int] | None = None
) -> dict[int, DocumentCoverage]:
    """Coverage of several documents, read in a few queries (``ignored``: the
    match ids a reviewer ignored, read here when None)."""
    if not doc_ids:
        return {}
    inputs = _read_inputs(con, doc_ids, ignored)
    return {doc: _coverage(inputs, doc) for doc in doc_ids}


def _read_inputs(
    con: duckdb.DuckDBPyConnection, doc_ids: list[int], ignored: set[int] | None
) -> _CoverageInputs:
    sizes = dict(
        con.execute(
            "SELECT doc_id, n_chars FROM live_documents WHERE doc_id IN (SELECT unnest(?))",
            [doc_ids],
        ).fetchall()
    )
    if ignored is None:
        ignored = _ignored(con)
    sides: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
    for m, a, a0, a1, b, b0, b1 in con.execute(
        "SELECT match_id, doc_a, a_start, a_end, doc_b, b_start, b_end FROM live_matches "
        "WHERE kind = 'reuse' AND (doc_a IN (SELECT unnest(?)) OR doc_b IN (SELECT unnest(?)))",
        [doc_ids, doc_ids],
    ).fetchall():
        if m in ignored:
            continue
        sides[a].append((m, a0, a1, b))
        sides[b].append((m, b0, b1, a))
    match_ids = sorted({s[0] for lst in sides.values() for s in lst})
    changed = _changed_spans(con, match_ids)
    stock: dict[tuple[int, str], list[Span]] = defaultdict(list)
    for doc, start, end, kind in con.execute(
        "SELECT m.doc_id, m.start_offset, m.end_offset, t.kind FROM template_members m "
        "JOIN templates t USING (template_id) WHERE m.doc_id IN (SELECT unnest(?))",
        [doc_ids],
    ).fetchall():
        stock[(doc, kind)].append((start, end))
    quotes: dict[int, list[Span]] = defaultdict(list)
    for doc, start, end in con.execute(
        "SELECT doc_id, start_offset, end_offset FROM quotations "
        "WHERE doc_id IN (SELECT unnest(?))",
        [doc_ids],
    ).fetchall():
        quotes[doc].append((start, end))
    return _CoverageInputs(sizes, sides, changed, stock, quotes)


def _changed_spans(
    con: duckdb.DuckDBPyConnection, match_ids: list[int]
) -> dict[tuple[int, int], list[Span]]:
    """Per ``(match_id, document)``, the spans of the match's typed edits on that side."""
    changed: dict[tuple[int, int], list[Span]] = defaultdict(list)
    if match_ids:
        for m, a, b, _op, a0, a1, b0, b1 in con.execute(
            "SELECT e.match_id, m.doc_a, m.doc_b, e.op, e.a_start, e.a_end, e.b_start, e.b_end "
            "FROM edits e JOIN matches m USING (match_id) "
            "WHERE e.match_id IN (SELECT unnest(?))",
            [match_ids],
        ).fetchall():
            if a1 > a0:
                changed[(m, a)].append((a0, a1))
            if b1 > b0:
                changed[(m, b)].append((b0, b1))
    return changed


def _coverage(inputs: _CoverageInputs, doc: int) -> DocumentCoverage:
    """The class of every character of ``doc`` (see the module docstring)."""
    n = int(inputs.sizes.get(doc, 0))
    masks = {name: np.zeros(n, dtype=bool) for name in CLASSES}
    _mark(masks["boilerplate"], inputs.stock.get((doc, "boilerplate"), ()))
    _mark(masks["template"], inputs.stock.get((doc, "template"), ()))
    masks["template"] &= ~masks["boilerplate"]
    taken = masks["boilerplate"] | masks["template"]
    inside = np.zeros(n, dtype=bool)
    per_source: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for m, s, e, other in inputs.sides.get(doc, ()):
        span = np.zeros(n, dtype=bool)
        _mark(span, [(s, e)])
        edits = np.zeros(n, dtype=bool)
        _mark(edits, inputs.changed.get((m, doc), ()))
        inside |= span
        src = per_source.setdefault(other, (np.zeros(n, bool), np.zeros(n, bool)))
        src[0][:] |= span
        src[1][:] |= edits & span
    quoted = np.zeros(n, dtype=bool)
    _mark(quoted, inputs.quotes.get(doc, ()))
    masks["quoted"] = inside & quoted & ~taken
    free = inside & ~taken & ~quoted
    # A character equal in one match and edited in another overlapping one
    # is copied: some source has it as it stands.
    equal = _union_equal(per_source, n)
    masks["copied"] = free & equal
    masks["changed"] = free & ~equal
    coverage = DocumentCoverage(n, masks)
    for other, (span, edits) in per_source.items():
        coverage.sources[other] = span & ~edits & ~taken & ~quoted
        coverage.quoted_from[other] = int((span & masks["quoted"]).sum())
    return coverage


def _union_equal(per_source: dict[int, tuple[np.ndarray, np.ndarray]], n: int) -> np.ndarray:
    """Characters that some match holds without an edit on them."""
    out = np.zeros(n, dtype=bool)
    for span, edits in per_source.values():
        out |= span & ~edits
    return out


def document_coverage(con: duckdb.DuckDBPyConnection, doc_id: int) -> DocumentCoverage:
    """The coverage of one live document (see the module docstring)."""
    return _coverages(con, [doc_id])[doc_id]


#: Documents whose shares are computed together (bounds the arrays held at once).
BATCH_DOCUMENTS = 512


#: Per live document, a hash of everything its shares are computed from: its
#: length, the reuse matches on it that no reviewer ignored (spans, the other
#: document, whether and how many typed edits), its template and formulaic-line
#: occurrences, its quotations. Equal signatures, equal shares.
_SIGNATURES = """
WITH ignored AS (
    SELECT match_id FROM reviewed_matches WHERE verdict = 'ignored'
), reuse AS (
    SELECT * FROM live_matches
    WHERE kind = 'reuse' AND match_id NOT IN (SELECT match_id FROM ignored)
), parts AS (
    SELECT doc_a AS doc_id,
           hash('r', match_id, a_start, a_end, doc_b, b_start, b_end, n_edits) AS h
    FROM reuse
    UNION ALL
    SELECT doc_b, hash('r', match_id, b_start, b_end, doc_a, a_start, a_end, n_edits) FROM reuse
    UNION ALL
    SELECT m.doc_id, hash('t', t.kind, m.start_offset, m.end_offset)
    FROM template_members m JOIN templates t USING (template_id)
    UNION ALL
    SELECT doc_id, hash('q', start_offset, end_offset) FROM quotations
    UNION ALL
    SELECT doc_id, hash('n', n_chars) FROM live_documents
)
SELECT doc_id, sum(CAST(h AS HUGEINT)) AS signature
FROM parts
WHERE doc_id IN (SELECT doc_id FROM live_documents)
GROUP BY doc_id
"""


def derive_shares(con: duckdb.DuckDBPyConnection, doc_ids: Iterable[int] | None = None) -> int:
    """Recompute ``document_shares`` and ``document_sources`` of ``doc_ids``;
    returns the number of documents computed. Runs in the caller's
    transaction, if any.

    ``doc_ids`` None: every live document whose inputs changed since its
    shares were computed (a hash of them per document, table
    ``share_inputs``), and deleted documents' rows removed; a nightly scan
    that touched 1% of a corpus computes about that many.
    """
    if doc_ids is None:
        con.execute("CREATE TEMP TABLE new_inputs AS " + _SIGNATURES)
        try:
            for table in ("document_shares", "document_sources", "share_inputs"):
                con.execute(
                    f"DELETE FROM {table} WHERE doc_id NOT IN (SELECT doc_id FROM new_inputs)"
                )
            ids = [
                r[0]
                for r in con.execute(
                    "SELECT n.doc_id FROM new_inputs n LEFT JOIN share_inputs s USING (doc_id) "
                    "WHERE s.signature IS DISTINCT FROM n.signature ORDER BY n.doc_id"
                ).fetchall()
            ]
            con.execute("DELETE FROM share_inputs WHERE doc_id IN (SELECT unnest(?))", [ids])
            con.execute(
                "INSERT INTO share_inputs SELECT doc_id, signature FROM new_inputs "
                "WHERE doc_id IN (SELECT unnest(?))",
                [ids],
            )
        finally:
            con.execute("DROP TABLE new_inputs")
    else:
        ids = sorted(set(int(d) for d in doc_ids))
        # Computed outside the signatures: the next full pass computes them again.
        con.execute("DELETE FROM share_inputs WHERE doc_id IN (SELECT unnest(?))", [ids])
    con.execute("DELETE FROM document_shares WHERE doc_id IN (SELECT unnest(?))", [ids])
    con.execute("DELETE FROM document_sources WHERE doc_id IN (SELECT unnest(?))", [ids])
    ignored = _ignored(con) if ids else set()
    for first in range(0, len(ids), BATCH_DOCUMENTS):
        batch = ids[first : first + BATCH_DOCUMENTS]
        share_rows = []
        source_rows: list[tuple[int, int, int]] = []
        for doc, cov in _coverages(con, batch, ignored).items():
            counts = [cov.count(name) for name in CLASSES]
            ranked = sorted(
                ((int(mask.sum()), other) for other, mask in cov.sources.items()),
                key=lambda x: (-x[0], x[1]),
            )
            ranked = [r for r in ranked if r[0] > 0]
            largest = ranked[0] if ranked else (0, None)
            share_rows.append(
                (doc, cov.n_chars, *counts, cov.share, len(ranked), largest[1], largest[0])
            )
            source_rows.extend((doc, other, chars) for chars, other in ranked)
        if share_rows:
            shares = rows_table(share_rows, DOCUMENT_SHARES.arrow_schema())
            insert_arrow(con, "document_shares", shares)
        if source_rows:
            sources = rows_table(source_rows, DOCUMENT_SOURCES.arrow_schema())
            insert_arrow(con, "document_sources", sources)
    return len(ids)
