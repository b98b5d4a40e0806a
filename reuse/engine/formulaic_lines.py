"""Stage: the formulaic-line matches, and the match set stored.

Formulaic lines (:mod:`reuse.derive.boilerplate`: a line found in at least
``boilerplate.min_documents`` documents, or on the boilerplate list) are not
aligned: each document holding one is paired with the line's representative
occurrence, in the document ranked first (earliest dated, then by path), a
star of ``k - 1`` matches for ``k`` documents, ``kind = 'boilerplate'``,
``source = 'line'``. Their similarity is ``1 - d / max(len_a, len_b)`` with
``d`` the Levenshtein distance of the two normalised lines.
:func:`store_matches` adds them to the aligned rows and replaces the stored
match set in scope, with the plan, in one transaction.
"""

from __future__ import annotations

import logging
from collections import defaultdict

import pyarrow as pa
from rapidfuzz.distance import Levenshtein

from reuse.config import Config
from reuse.detect.plan import document_ranks
from reuse.engine.core import Timers
from reuse.engine.matching import MatchSet
from reuse.store.database import Store
from reuse.store.document_reads import FormulaicUnit
from reuse.store.matches import MATCH_SCHEMA, DocumentSpan, MatchRow
from reuse.text.normalise import normalise_many

__all__ = ["line_matches", "store_matches"]

log = logging.getLogger("reuse")


def line_matches(store: Store, config: Config) -> pa.Table:
    """The formulaic-line matches (:mod:`reuse.derive.boilerplate`): each document holding
    a formulaic line paired with the line's representative occurrence, in the
    document ranked first (:func:`reuse.detect.plan.document_ranks`: earliest dated,
    then by path): ``k - 1`` rows for ``k`` documents, ``rep_doc`` the
    representative's document. A :data:`MATCH_SCHEMA` table."""
    bp = config.boilerplate
    units = store.formulaic_units(bp.min_documents(store.count_live_documents()))
    ids, dates, paths = store.document_order()
    ranks = document_ranks(ids, dates, paths)
    by_key: dict[int, list[FormulaicUnit]] = defaultdict(list)
    for unit in units:
        by_key[unit.line_key].append(unit)
    texts = store.document_texts(u.doc_id for u in units)
    stars: list[tuple[FormulaicUnit, FormulaicUnit]] = []
    for members in by_key.values():
        members.sort(key=lambda u: (ranks[u.doc_id], u.norm_start))
        rep = members[0]
        stars.extend((rep, other) for other in members[1:] if other.doc_id != rep.doc_id)
    # A line normalised alone is the line of the normalised document (it
    # starts and ends at non-space characters): only the lines are normalised.
    lines = normalise_many([texts[u.doc_id][u.start : u.end] for pair in stars for u in pair])
    rows = []
    for k, (rep, other) in enumerate(stars):
        head, tail = (rep, other) if rep.doc_id < other.doc_id else (other, rep)
        ta, tb = lines[2 * k].text, lines[2 * k + 1].text
        distance = Levenshtein.distance(ta, tb)
        rows.append(
            MatchRow(
                _span(head),
                _span(tail),
                similarity=1.0 - distance / max(len(ta), len(tb)),
                edit_distance=distance,
                kind="boilerplate",
                seeds=0,
                source="line",
                rep_doc=rep.doc_id,
            ).columns()
        )
    return pa.Table.from_pylist(rows, schema=MATCH_SCHEMA)


def _span(unit: FormulaicUnit) -> DocumentSpan:
    return DocumentSpan(unit.doc_id, unit.start, unit.end, unit.norm_start, unit.norm_end)


def store_matches(
    store: Store,
    config: Config,
    found: MatchSet,
    dirty: set[int],
    scan_id: int,
    timers: Timers,
) -> None:
    """Add the formulaic-line matches to the aligned rows and replace the
    stored match set in scope, with the plan, in one transaction."""
    with timers("boilerplate"):
        lines = line_matches(store, config)
    log.info("boilerplate: %d formulaic-line matches", lines.num_rows)
    # Stored matches outside the scope stay as they are.
    with timers("store"):
        table = pa.concat_tables([found.rows, lines])
        diff = store.replace_matches(
            table, found.scope, scan_id, sorted(dirty), found.n_candidates, found.plans
        )
    log.info("store: %d matches added, %d removed", diff["added"], diff["removed"])
