"""The engine-free core: what one document, and one document pair, go through.

Both engines call these functions and nothing else for the per-document and
per-document-pair work, so they find the same matches:

* the embedded engine (:mod:`reuse.engine.indexing`, :mod:`reuse.engine.alignment`,
  :mod:`reuse.engine.edit_stage`) in a process pool over DuckDB;
* the Spark engine (:mod:`reuse.engine.spark`) inside ``mapInArrow`` tasks.

:func:`index_document` is ingest's output through normalise -> segment ->
shingle -> sketch (plus boilerplate units, quotations and the document date);
:func:`align_document_pair` is verify -> align for the candidate passage pairs
of one document pair (each side a :class:`PairSide`); :func:`edit_rows` is the
typed edits of one match.
Nothing here touches a database, a file or a process pool.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz.distance import Levenshtein

from reuse.config import Config
from reuse.derive.boilerplate import UnitColumns, find_units
from reuse.detect.align import TextAids, align_pair
from reuse.detect.bands import band_keys
from reuse.detect.seeds import fingerprints
from reuse.detect.segments import Segment
from reuse.detect.sketch import passage_signatures
from reuse.detect.verify import verify_texts
from reuse.edits import MatchSide, typed_edits
from reuse.ingest.read import DecodedDocument
from reuse.store.documents import IndexedDocument
from reuse.store.matches import DocumentSpan, MatchRow
from reuse.text.dates import document_date
from reuse.text.normalise import NormalisedText, normalise
from reuse.text.quotes import quoted_spans
from reuse.text.segment import segment
from reuse.text.shingle import UnitCounts, shingle


class Timers:
    """Accumulated wall-clock seconds per named stage."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - t0

    def add(self, seconds: dict[str, float]) -> None:
        """Add another timer's seconds (a worker's: then the sum is CPU-seconds over workers)."""
        for name, value in seconds.items():
            self.seconds[name] += value


def index_document(
    doc: DecodedDocument,
    config: Config,
    listed: frozenset[int] = frozenset(),
    timers: Timers | None = None,
) -> IndexedDocument:
    """Normalise, segment, shingle and sketch one document; band its passages."""
    timers = timers or Timers()
    with timers("normalise"):
        norm = normalise(doc.text)
    with timers("segment"):
        seg = segment(norm.text, config.segment)
    with timers("shingle"):
        shingles = shingle(norm.text, config.shingle)
    with timers("sketch"):
        sigs, counts = passage_signatures(
            shingles,
            seg.passage_starts,
            seg.passage_ends,
            config.sketch.num_perm,
            config.sketch.seed,
        )
        b, r = config.lsh_bands
        keys = band_keys(sigs, b, r)
    with timers("seeds"):
        fp_positions, fp_hashes = fingerprints(norm.text, config.seeds.kgram, config.seeds.window)
    with timers("boilerplate"):
        units = UnitColumns.of(find_units(doc.text, norm, seg, config.boilerplate, listed))
    with timers("provenance"):
        quotes = quoted_spans(doc.text)
        dated = document_date(doc.path, doc.text, doc.metadata_date)
    return IndexedDocument(
        path=doc.path,
        sha256=doc.sha256,
        text=doc.text,
        encoding=doc.encoding,
        n_bytes=doc.n_bytes,
        n_norm_chars=len(norm.text),
        passage_spans=np.stack((seg.passage_starts, seg.passage_ends), axis=1),
        passage_shingles=counts,
        band_keys=keys,
        units=units,
        fingerprint_positions=fp_positions.astype(np.int32),
        fingerprint_hashes=fp_hashes,
        quotes=quotes,
        doc_date=dated.date if dated else None,
        date_source=dated.source if dated else None,
        date_evidence=dated.evidence if dated else None,
        date_precision=dated.precision if dated else None,
    )


def _swap_sides(seg: Segment) -> Segment:
    return Segment(
        seg.b_start, seg.b_end, seg.a_start, seg.a_end, seg.edit_distance, seg.similarity, seg.seeds
    )


def _segment_row(
    seg: Segment, doc_a: int, doc_b: int, na: NormalisedText, nb: NormalisedText
) -> dict:
    a0, a1 = na.snap(seg.a_start, seg.a_end)
    b0, b1 = nb.snap(seg.b_start, seg.b_end)
    if (a0, a1, b0, b1) != (seg.a_start, seg.a_end, seg.b_start, seg.b_end):
        distance = Levenshtein.distance(na.text[a0:a1], nb.text[b0:b1])
        similarity = 1.0 - distance / max(a1 - a0, b1 - b0)
    else:
        distance, similarity = seg.edit_distance, seg.similarity
    oa0, oa1 = na.to_original(a0, a1)
    ob0, ob1 = nb.to_original(b0, b1)
    return MatchRow(
        DocumentSpan(doc_a, oa0, oa1, a0, a1),
        DocumentSpan(doc_b, ob0, ob1, b0, b1),
        similarity,
        distance,
        kind="reuse",
        seeds=seg.seeds,
        source="align",
    ).columns()


@dataclass(frozen=True)
class PairSide:
    """One document of a pair, as the alignment reads it.

    Attributes:
        doc_id: the document's id.
        norm: its normalised text.
        path: its path (a pair is aligned in the order of the paths).
        key: the normalised text in the keys of a :class:`reuse.detect.verify.Alphabet`
            (faster rapidfuzz calls, same rows), or the normalised text itself.
        units: the normalised text's units counted (:class:`reuse.text.shingle.UnitCounts`).
    """

    doc_id: int
    norm: NormalisedText
    path: str
    key: str
    units: UnitCounts


def align_document_pair(
    a: PairSide,
    b: PairSide,
    seeds: np.ndarray,
    config: Config,
    verified: np.ndarray | None = None,
    representative: int | None = None,
) -> list[dict]:
    """Verify and align the candidate passage pairs of one document pair.

    ``seeds`` is ``(k, 4)``: ``(a_start, a_end, b_start, b_end)`` of each
    candidate passage pair in normalised offsets, sorted by passage. A pair
    is kept when the Indel similarity of the two passages (their keys) is at
    least ``align.verify_similarity`` (``verified`` may carry that mask,
    computed for many document pairs in one call); the kept pairs seed
    :func:`reuse.detect.align.align_pair`. Alignment runs in the order of the
    paths, not of the ids (which depend on when a file was first seen), so an
    incremental scan finds exactly what a fresh one finds. ``representative``
    (``a.doc_id`` or ``b.doc_id``) is a template's representative, whose text
    several occurrences in the other document may align to.

    Returns match rows (:data:`reuse.store.matches.MATCH_SCHEMA` columns) with
    offsets into both the original and the normalised texts.
    """
    if verified is None:
        ta, tb = a.key, b.key
        verified = verify_texts(
            [ta[s:e] for s, e in seeds[:, 0:2].tolist()],
            [tb[s:e] for s, e in seeds[:, 2:4].tolist()],
            config.align.verify_similarity,
        )
    kept = seeds[verified]
    if len(kept) == 0:
        return []
    rep_is_a = None if representative is None else representative == a.doc_id
    if a.path <= b.path:
        shared = None if rep_is_a is None else ("a" if rep_is_a else "b")
        segs = align_pair(a.norm.text, b.norm.text, kept, config.align, _aids(a, b), shared)
    else:
        shared = None if rep_is_a is None else ("b" if rep_is_a else "a")
        swapped = np.concatenate((kept[:, 2:4], kept[:, 0:2]), axis=1)
        segs = [
            _swap_sides(g)
            for g in align_pair(
                b.norm.text, a.norm.text, swapped, config.align, _aids(b, a), shared
            )
        ]
    return [_segment_row(g, a.doc_id, b.doc_id, a.norm, b.norm) for g in segs]


def _aids(a: PairSide, b: PairSide) -> tuple[TextAids, TextAids]:
    """Both sides' :class:`reuse.detect.align.TextAids`."""
    return TextAids(a.key, a.units), TextAids(b.key, b.units)


def align_planned_pair(
    a: PairSide,
    b: PairSide,
    candidates: np.ndarray,
    exact: np.ndarray,
    config: Config,
    representative: int | None = None,
) -> list[dict]:
    """Align one planned document pair (:mod:`reuse.detect.plan`) from its seeds.

    ``candidates`` are the candidate passage pairs ``(a0, a1, b0, b1)`` that
    passed verification, ``exact`` the exact k-gram seeds; both seed the
    alignment together. ``representative`` is set for a pass-2 pair (a
    template's member and its representative, ``a.doc_id`` or ``b.doc_id``):
    a member's occurrence may then be as short as the stock k-gram
    (``seeds.kgram``) and the rows carry it as ``rep_doc``.
    """
    kept = candidates
    if len(exact):
        kept = np.concatenate((kept, exact)) if len(kept) else exact
    if len(kept) == 0:
        return []
    kept = kept[np.lexsort((kept[:, 2], kept[:, 0]))]
    if representative is not None:
        shortest = min(config.align.min_match_chars, config.seeds.kgram)
        config = replace(config, align=replace(config.align, min_match_chars=shortest))
    verified = np.ones(len(kept), dtype=bool)
    rows = align_document_pair(a, b, kept, config, verified, representative)
    for row in rows:
        row["rep_doc"] = representative
    return rows


def edit_rows(
    text_a: str,
    norm_a: NormalisedText,
    a_span: tuple[int, int],
    text_b: str,
    norm_b: NormalisedText,
    b_span: tuple[int, int],
) -> list[tuple]:
    """The typed edits of one match as ``edits`` table rows without the ``match_id``:
    ``(edit_no, op, a_start, a_end, b_start, b_end, old_text, new_text, category, pos)``;
    spans are normalised offsets."""
    side_a = MatchSide(text_a, norm_a, a_span[0], a_span[1])
    side_b = MatchSide(text_b, norm_b, b_span[0], b_span[1])
    edits = typed_edits(side_a, side_b)
    return [
        (k, e.op, e.a_start, e.a_end, e.b_start, e.b_end, e.old_text, e.new_text, e.category, e.pos)
        for k, e in enumerate(edits)
    ]
