"""The align stage's tasks, run in the executors' Python workers.

Each task receives planned document pairs with their texts, either grouped
by block pair (:func:`block_batches`: a block pair's documents, then its
planned pairs) or one row a pair with both texts (:func:`pair_batches`), and
gives the aligned segments as ``matches/`` rows
(:data:`reuse.engine.spark_output.MATCH_SCHEMA`). As in the embedded
engine's tasks (:func:`reuse.engine.alignment._align_task`), the candidate
passage pairs of many document pairs are verified in one call, and the
verified ones with the exact seeds seed
:func:`reuse.engine.core.align_planned_pair`; typed edits come from
:func:`reuse.engine.core.edit_rows`.

A worker keeps the normalised texts it has seen, up to
``scan.text_budget_chars`` characters (oldest dropped first), since pairs
come sorted by document and most lookups hit.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from reuse.config import Config
from reuse.detect.verify import Alphabet, verify_texts
from reuse.engine.core import PairSide, align_planned_pair, edit_rows
from reuse.engine.spark_output import EDIT_TYPE, MATCH_SCHEMA
from reuse.text.normalise import NormalisedText, normalise
from reuse.text.shingle import UnitCounts

# Normalised texts kept by an executor's Python worker between rows and tasks,
# with their keys in the worker's alphabet: document pairs come sorted by
# document, so most lookups hit.
_NORMS: OrderedDict[tuple[int, int], tuple[NormalisedText, str, UnitCounts]] = OrderedDict()
_NORM_CHARS = [0]
# One alphabet per Python worker, made from the first text it normalises (any
# permutation gives the same rows; see reuse.detect.verify.Alphabet).
_ALPHABET: list[Alphabet] = []


def _normalised(doc_id: int, text: str, budget: int) -> tuple[NormalisedText, str, UnitCounts]:
    """The normalised text of a document, the same text in the worker's keys and
    its units counted."""
    key = (doc_id, hash(text))
    held = _NORMS.get(key)
    if held is not None:
        _NORMS.move_to_end(key)
        return held
    norm = normalise(text)
    if not _ALPHABET:
        _ALPHABET.append(Alphabet([norm.text]))
    held = (norm, _ALPHABET[0].keys(norm.text), UnitCounts(norm.text))
    _NORMS[key] = held
    _NORM_CHARS[0] += len(text)
    while _NORM_CHARS[0] > budget and len(_NORMS) > 2:
        _, (old, _, _) = _NORMS.popitem(last=False)
        _NORM_CHARS[0] -= old.n_original
    return held


_EDIT_NAMES = [f.name for f in EDIT_TYPE]
_MATCH_NAMES = [f.name for f in MATCH_SCHEMA if f.name != "edits"]

#: Candidate passage pairs verified in one rapidfuzz call (as the embedded
#: engine's tasks: the per-call overhead, not the comparison, dominates one
#: call per document pair).
VERIFY_BATCH = 256

#: Match rows gathered before a record batch goes out of a task.
MATCH_BATCH_ROWS = 512


@dataclasses.dataclass
class _Planned:
    """One planned document pair in an executor: both documents and the seeds."""

    doc_a: int
    path_a: str
    text_a: str
    doc_b: int
    path_b: str
    text_b: str
    rep_doc: int | None
    candidates: np.ndarray  # (c, 4) candidate passage pairs, normalised offsets
    exact: np.ndarray  # (e, 4) exact k-gram seeds


def _seed_rows(column: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """``(offsets, values)`` of a ``list<int32>`` seed column: row ``i``'s seeds are
    ``values[offsets[i]:offsets[i + 1]].reshape(-1, 4)`` (read only for rows that
    are planned pairs, never NULL)."""
    return column.offsets.to_numpy(), column.values.to_numpy(zero_copy_only=False)


def _seeds(offsets: np.ndarray, values: np.ndarray, i: int) -> np.ndarray:
    """Row ``i``'s seeds of a :func:`_seed_rows` column, ``(n, 4)`` int64."""
    return values[offsets[i] : offsets[i + 1]].astype(np.int64).reshape(-1, 4)


def _match_row(
    item: _Planned, seg: dict, na: NormalisedText, nb: NormalisedText, config: Config
) -> dict:
    """The ``matches/`` row of an aligned segment of ``item``, with its typed
    edits (``edits`` NULL when ``scan.edits`` is off)."""
    match = {name: seg[name] for name in _MATCH_NAMES}
    match["edits"] = None
    if config.scan.edits:
        edits = edit_rows(
            item.text_a,
            na,
            (seg["a_norm_start"], seg["a_norm_end"]),
            item.text_b,
            nb,
            (seg["b_norm_start"], seg["b_norm_end"]),
        )
        match["edits"] = [dict(zip(_EDIT_NAMES, e)) for e in edits]
    return match


def _align_planned(items: list[_Planned], config: Config) -> list[dict]:
    """The match rows (:data:`MATCH_SCHEMA`) of some planned document pairs.

    As :func:`reuse.engine.alignment._align_task`: every candidate passage pair is
    verified on the texts' keys (one call for all), the verified ones and the
    exact seeds seed :func:`reuse.engine.core.align_planned_pair`.
    """
    budget = config.scan.text_budget_chars
    texts = []
    left: list[str] = []
    right: list[str] = []
    for item in items:
        na, key_a, units_a = _normalised(item.doc_a, item.text_a, budget)
        nb, key_b, units_b = _normalised(item.doc_b, item.text_b, budget)
        texts.append((na, key_a, units_a, nb, key_b, units_b))
        for a0, a1, b0, b1 in item.candidates.tolist():
            left.append(key_a[a0:a1])
            right.append(key_b[b0:b1])
    verified = verify_texts(left, right, config.align.verify_similarity)
    del left, right
    out: list[dict] = []
    offset = 0
    for item, (na, key_a, units_a, nb, key_b, units_b) in zip(items, texts):
        n = len(item.candidates)
        segments = align_planned_pair(
            PairSide(item.doc_a, na, item.path_a, key_a, units_a),
            PairSide(item.doc_b, nb, item.path_b, key_b, units_b),
            item.candidates[verified[offset : offset + n]],
            item.exact,
            config,
            item.rep_doc,
        )
        offset += n
        out.extend(_match_row(item, seg, na, nb, config) for seg in segments)
    return out


class _Aligner:
    """Planned pairs gathered into verification batches; match rows out in batches."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.pending: list[_Planned] = []
        self.n_seeds = 0
        self.rows: list[dict] = []

    def add(self, item: _Planned) -> None:
        self.pending.append(item)
        self.n_seeds += len(item.candidates) + len(item.exact)
        if self.n_seeds >= VERIFY_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.rows.extend(_align_planned(self.pending, self.config))
            self.pending, self.n_seeds = [], 0

    def batches(self, final: bool = False) -> Iterator[pa.RecordBatch]:
        if final:
            self.flush()
        if self.rows and (final or len(self.rows) >= MATCH_BATCH_ROWS):
            yield pa.RecordBatch.from_pylist(self.rows, schema=MATCH_SCHEMA)
            self.rows = []


def block_batches(batches: Iterator[pa.RecordBatch], config: Config) -> Iterator[pa.RecordBatch]:
    """Align the planned pairs of each block pair, from rows sorted by (block, kind).

    A block pair's rows are its documents (kind 0: path, text) followed by its
    planned pairs (kind 1: doc_a, doc_b, pass, rep_doc, seeds); only one block
    pair's texts are held at a time.
    """
    block = None
    docs: dict[int, tuple[str, str]] = {}
    aligner = _Aligner(config)
    for batch in batches:
        cols = {
            name: batch.column(name).to_pylist()
            for name in ("block", "kind", "doc_a", "doc_b", "rep_doc", "path", "text")
        }
        cand = _seed_rows(batch.column("candidates"))
        exact = _seed_rows(batch.column("exact"))
        for i in range(batch.num_rows):
            if cols["block"][i] != block:
                aligner.flush()  # before this block's texts go
                block, docs = cols["block"][i], {}
            doc_a = cols["doc_a"][i]
            if cols["kind"][i] == 0:
                docs[doc_a] = (cols["path"][i], cols["text"][i])
                continue
            doc_b = cols["doc_b"][i]
            path_a, text_a = docs[doc_a]
            path_b, text_b = docs[doc_b]
            aligner.add(
                _Planned(
                    doc_a,
                    path_a,
                    text_a,
                    doc_b,
                    path_b,
                    text_b,
                    cols["rep_doc"][i],
                    _seeds(*cand, i),
                    _seeds(*exact, i),
                )
            )
            yield from aligner.batches()
    yield from aligner.batches(final=True)


def pair_batches(batches: Iterator[pa.RecordBatch], config: Config) -> Iterator[pa.RecordBatch]:
    """Align planned pairs from rows that carry both documents (the pair join)."""
    names = ("doc_a", "path_a", "text_a", "doc_b", "path_b", "text_b", "rep_doc")
    aligner = _Aligner(config)
    for batch in batches:
        doc_a, path_a, text_a, doc_b, path_b, text_b, rep_doc = (
            batch.column(name).to_pylist() for name in names
        )
        cand = _seed_rows(batch.column("candidates"))
        exact = _seed_rows(batch.column("exact"))
        for i in range(batch.num_rows):
            planned = _Planned(
                doc_a[i],
                path_a[i],
                text_a[i],
                doc_b[i],
                path_b[i],
                text_b[i],
                rep_doc[i],
                _seeds(*cand, i),
                _seeds(*exact, i),
            )
            aligner.add(planned)
            yield from aligner.batches()
    yield from aligner.batches(final=True)
