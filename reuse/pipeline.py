"""The scan: the stages composed, from files to the DuckDB store.

``scan()`` runs, in order::

    ingest -> normalise -> segment -> shingle -> sketch      (per new/changed document)
    candidates -> align -> boilerplate -> store              (per scan)
    edits -> groups                                          (derived, per scan)

Indexing also finds each document's quotations (:mod:`reuse.quotes`) and date
(:mod:`reuse.provenance`). After the match set is stored, the typed edits of
every match that has none yet are computed (:mod:`reuse.edits`) and, when the
matches changed, the reuse groups are built again (:mod:`reuse.groups`); both
are committed in their own transactions and are resumed by the next scan if
this one is killed.

Per-document results are committed in batches, so a killed scan resumes where
it stopped; the match set is committed in one transaction together with the
documents' ``matched`` status. Unchanged files (same SHA-256) are not indexed
again, and only document pairs with at least one new or changed document are
aligned again. When the detection parameters differ from those the database
was built with, every document is indexed again from its stored text.

Each stage runs in a named timer; ``ScanResult.timings`` holds seconds per stage.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
from rapidfuzz.distance import Levenshtein

from reuse import __version__, snapshot
from reuse.align import Alphabet, verify_texts
from reuse.boilerplate import covered_share, load_list
from reuse.candidates import candidate_pair_blocks
from reuse.config import Config
from reuse.core import Timers, align_document_pair, edit_rows, index_document
from reuse.edits import load_jieba
from reuse.errors import DocumentError, StoreError
from reuse.groups import reuse_groups
from reuse.identity import ScanTarget, document_key, resolve_targets, root_name
from reuse.ingest import (
    DecodedDocument,
    SourceFile,
    decode_document,
    escape_path,
    iter_source_files,
    read_bytes,
    sha256_hex,
    unescape_path,
)
from reuse.normalise import NormalisedText, normalise_many
from reuse.store import EDIT_SCHEMA, MATCH_SCHEMA, IndexedDocument, KnownDocument, Store
from reuse.workers import STATE, ordered_map, resolve_workers

log = logging.getLogger("reuse")

Progress = Callable[[str, int, int], None]


@dataclass
class ScanResult:
    """What a scan did: counts, rejected files and seconds per stage."""

    scan_id: int = 0
    status: str = "running"
    n_files: int = 0
    n_new: int = 0
    n_changed: int = 0
    n_unchanged: int = 0
    n_deleted: int = 0
    n_errors: int = 0
    n_sketched: int = 0
    n_candidates: int = 0
    n_matches: int = 0
    n_reuse: int = 0
    n_boilerplate: int = 0
    n_new_matches: int = 0
    n_ignored: int = 0
    n_edited: int = 0
    n_groups: int = 0
    n_renamed: int = 0
    rebuilt: bool = False
    errors: list[DocumentError] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int | bool]:
        return {
            "n_files": self.n_files,
            "n_new": self.n_new,
            "n_changed": self.n_changed,
            "n_unchanged": self.n_unchanged,
            "n_deleted": self.n_deleted,
            "n_errors": self.n_errors,
            "n_sketched": self.n_sketched,
            "n_candidates": self.n_candidates,
            "n_matches": self.n_matches,
            "n_new_matches": self.n_new_matches,
            "n_ignored": self.n_ignored,
            "n_renamed": self.n_renamed,
            "rebuilt": self.rebuilt,
        }


def _index_task(
    task: tuple[str, str, str], rename: bool = True
) -> tuple[str, object, dict[str, float]]:
    """Worker task: read one file and, unless unchanged, index it.

    ``task`` is ``(path to open, identity, location)``. Returns
    ``("unchanged", sha256, seconds)``, ``("renamed", identity it had,
    seconds)`` for the bytes of a document that vanished from its path,
    ``("indexed", IndexedDocument, seconds)``, ``("warning", (IndexedDocument,
    messages), seconds)`` or ``("error", DocumentError, seconds)``. Reads
    ``config``, ``listed``, ``known`` (identity -> (sha256, status, deleted))
    and ``vanished`` (sha256 -> identity) from STATE.
    """
    path, key, location = task
    config: Config = STATE["config"]
    timers = Timers()
    try:
        # Hash the bytes first: an unchanged file (the nightly common case)
        # is never decoded or extracted again.
        with timers("ingest"):
            data = read_bytes(path, config.ingest.max_bytes)
            sha256 = sha256_hex(data)
            old = STATE["known"].get(key)
            if old is not None and old[0] == sha256 and not old[2] and old[1] != "stale":
                return "unchanged", sha256, dict(timers.seconds)
            if old is None and rename and sha256 in STATE["vanished"]:
                return "renamed", STATE["vanished"][sha256], dict(timers.seconds)
            doc = decode_document(path, data, max_chars=config.ingest.max_chars)
    except DocumentError as err:
        return "error", err, dict(timers.seconds)
    try:
        indexed = index_document(
            dataclasses.replace(doc, path=key), config, STATE["listed"], timers
        )
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the scan
        return "error", DocumentError(path, "index", f"{type(exc).__name__}: {exc}"), {}
    indexed.location = location
    if doc.warnings:
        return "warning", (indexed, doc.warnings), dict(timers.seconds)
    return "indexed", indexed, dict(timers.seconds)


def _warm_caches(config: Config) -> None:
    """Build the lazily built lookup tables (normalisation, units, permutations)
    in this process, so forked workers inherit them instead of each building them."""
    index_document(DecodedDocument("", "", "预热 warm-up。", "utf-8", 0), config)


def _normalise_task(items: list[tuple[int, str]]) -> list[tuple[int, NormalisedText]]:
    norms = normalise_many([text for _, text in items])
    return [(doc_id, norm) for (doc_id, _), norm in zip(items, norms)]


def find_matches(
    store: Store,
    config: Config,
    dirty_docs: set[int],
    timers: Timers,
    progress: Progress | None = None,
) -> tuple[pa.Table, int]:
    """Aligned reuse segments of every document pair with a dirty document.

    Returns ``(rows, n_candidate_passage_pairs)``; the rows are a
    :data:`reuse.store.MATCH_SCHEMA` table (a dict per row took ~1 KB; a
    row of the table ~70 bytes). Candidate pairs come in blocks of at most
    about ``scan.candidate_budget_pairs`` (:func:`reuse.candidates.candidate_pair_blocks`:
    runs of whole documents on the lower side, in order), each aligned before
    the next is made, so their number, which grows with the square of the
    corpus where stock clauses abound, does not bound the corpus a scan can
    take; the rows do not depend on the blocks.
    """
    b, _ = config.lsh_bands
    workers = resolve_workers(config.scan.workers)
    with timers("candidates"):
        doc_ids, spans, band_keys = store.load_passages(b)
        dirty = np.isin(doc_ids, np.fromiter(dirty_docs, dtype=np.int64, count=len(dirty_docs)))
        blocks = candidate_pair_blocks(
            band_keys,
            doc_ids,
            dirty,
            config.candidates.max_bucket,
            workers,
            config.scan.candidate_budget_pairs,
        )
    aligned = _ColumnBuffer(MATCH_SCHEMA)
    lengths = store.normalised_lengths()
    paths = store.document_paths()
    norms: dict[int, NormalisedText] = {}
    text_keys: dict[int, str] = {}
    alphabet: list[Alphabet] = []  # made from the first window's texts, kept for the scan
    n_pairs = n_blocks = n_doc_pairs = 0
    while True:
        with timers("candidates"):
            pairs = next(blocks, None)
            if pairs is None:
                break
            n_blocks += 1
            if len(pairs) == 0:
                continue
            n_pairs += len(pairs)
            # Progress in passages: the block covers first passages pairs[0, 0] ... pairs[-1, 0].
            span = (int(pairs[0, 0]), int(pairs[-1, 0]) + 1, len(doc_ids))
            pairs, da, db = _by_document_pair(pairs, doc_ids)  # the unsorted block is freed
        n_doc_pairs += _align_block(
            store, pairs, da, db, doc_ids, spans, norms, text_keys, alphabet, lengths, paths,
            config, workers, timers, aligned, progress, span,
        )  # fmt: skip
        del pairs, da, db
    log.info(
        "candidates: %d passages, %d candidate pairs in %d blocks",
        len(doc_ids),
        n_pairs,
        n_blocks,
    )
    rows = aligned.table()
    log.info("align: %d document pairs, %d segments", n_doc_pairs, rows.num_rows)
    return rows, n_pairs


def _by_document_pair(
    pairs: np.ndarray, doc_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(pairs, doc_a, doc_b)`` in (doc_a, doc_b, i, j) order. ``pairs`` is sorted
    by (i, j), so a stable sort by document pair gives the order a lexsort of
    four keys would."""
    da = doc_ids[pairs[:, 0]]
    db = doc_ids[pairs[:, 1]]
    order = np.argsort(da * (int(db.max()) + 1) + db, kind="stable")
    return pairs[order], da[order], db[order]


def _align_block(
    store: Store,
    pairs: np.ndarray,
    da: np.ndarray,
    db: np.ndarray,
    doc_ids: np.ndarray,
    spans: np.ndarray,
    norms: dict[int, NormalisedText],
    text_keys: dict[int, str],
    alphabet: list[Alphabet],
    lengths: dict[int, int],
    paths: dict[int, str],
    config: Config,
    workers: int,
    timers: Timers,
    aligned: _ColumnBuffer,
    progress: Progress | None,
    span: tuple[int, int, int],
) -> int:
    """Verify and align one block of candidate pairs (in (doc_a, doc_b, i, j)
    order, with their documents ``da``/``db``) into ``aligned``; ``norms``
    keeps the normalised texts from block to block (those the next window
    needs) and ``text_keys`` the same texts in the keys of ``alphabet[0]``, made
    from the first window's texts (any permutation gives the same rows; one
    for the scan keys each text once). Returns the number of document pairs."""
    cut = np.flatnonzero((da[1:] != da[:-1]) | (db[1:] != db[:-1])) + 1
    starts_array = np.concatenate(([0], cut)).astype(np.int64)
    ends_array = np.concatenate((cut, [len(pairs)])).astype(np.int64)
    first, last, total = span
    done = 0
    for window in _windows(starts_array, da, db, lengths, config.scan.text_budget_chars):
        # The normalised texts this window needs, kept from the last window or loaded.
        firsts = starts_array[window]
        needed = set(np.union1d(da[firsts], db[firsts]).tolist())
        for d in [d for d in norms if d not in needed]:
            del norms[d], text_keys[d]
        with timers("normalise"):
            missing = sorted(needed - norms.keys())
            texts = store.document_texts(missing)
            batches = [
                [(d, texts[d]) for d in missing[i : i + 128]] for i in range(0, len(missing), 128)
            ]
            for batch in ordered_map(
                _normalise_task,
                batches,
                workers,
                {},
                min_items=4,
                timeout=config.scan.task_timeout_seconds,
            ):
                norms.update(batch)
            del texts
            # The texts in the keys of one alphabet: rapidfuzz's kernels look
            # up the characters it moves below 256 in a table, not a hash map.
            if not alphabet:
                alphabet.append(Alphabet([norms[d].text for d in sorted(norms)]))
            text_keys.update((d, alphabet[0].keys(norms[d].text)) for d in missing)
        # Tasks: runs of consecutive document pairs, ~256 candidate pairs each.
        # (Any partition gives the same rows: tasks come back in order.)
        ks = np.asarray(window, dtype=np.int64)
        sizes = ends_array[ks] - starts_array[ks]
        task_of = (np.cumsum(sizes) - sizes) // 256
        cuts = np.flatnonzero(task_of[1:] != task_of[:-1]) + 1
        tasks = [part.tolist() for part in np.split(ks, cuts)]
        state = {
            "norms": norms,
            "text_keys": text_keys,
            "pairs": pairs,
            "spans": spans,
            "passage_texts": _passage_texts(doc_ids, spans, text_keys),
            "starts": starts_array,
            "ends": ends_array,
            "da": da,
            "db": db,
            "paths": paths,
            "config": config,
        }
        with timers("align"):
            results = ordered_map(
                _align_task,
                tasks,
                workers,
                state,
                min_items=8,
                timeout=config.scan.task_timeout_seconds,
            )
            for task, task_rows in zip(tasks, results):
                aligned.extend(task_rows)
                done += len(task)
                if progress:
                    progress("align", first + (last - first) * done // len(starts_array), total)
    return len(starts_array)


def _passage_texts(doc_ids: np.ndarray, spans: np.ndarray, texts: dict[int, str]) -> list[str]:
    """Text of every passage of the documents in ``texts`` ("" for others), cut
    once per window instead of once per candidate pair; ``texts`` are the
    normalised texts (or their :class:`reuse.align.Alphabet` keys)."""
    out = [""] * len(doc_ids)
    if len(doc_ids) == 0:
        return out
    cuts = np.flatnonzero(doc_ids[1:] != doc_ids[:-1]) + 1
    for s, e in zip(
        np.concatenate(([0], cuts)).tolist(), np.concatenate((cuts, [len(doc_ids)])).tolist()
    ):
        text = texts.get(int(doc_ids[s]))
        if text is not None:
            out[s:e] = [text[x:y] for x, y in spans[s:e].tolist()]
    return out


def _windows(
    starts: np.ndarray, da: np.ndarray, db: np.ndarray, lengths: dict[int, int], budget: int
) -> Iterator[list[int]]:
    """Runs of document-pair groups whose documents' normalised texts fit ``budget``
    characters together (a single pair over budget gets a window of its own)."""
    involved = np.union1d(da[starts], db[starts]).tolist()
    if sum(lengths.get(d, 0) for d in involved) <= budget:
        yield list(range(len(starts)))  # the common case: everything fits
        return
    yield from _budget_runs(zip(da[starts].tolist(), db[starts].tolist()), lengths, budget)


def _budget_runs(
    doc_pairs: Iterable[tuple[int, int]], lengths: dict[int, int], budget: int
) -> Iterator[list[int]]:
    """Runs of consecutive positions in ``doc_pairs`` whose documents' texts
    (``lengths`` characters each) fit ``budget`` together; a single pair over
    budget gets a run of its own."""
    window: list[int] = []
    members: set[int] = set()
    chars = 0
    for k, (doc_a, doc_b) in enumerate(doc_pairs):
        new = {doc_a, doc_b} - members
        extra = sum(lengths.get(d, 0) for d in new)
        if window and chars + extra > budget:
            yield window
            window, members, chars = [], set(), 0
            new = {doc_a, doc_b}
            extra = sum(lengths.get(d, 0) for d in new)
        window.append(k)
        members |= new
        chars += extra
    if window:
        yield window


class _ColumnBuffer:
    """Rows arriving as columns (a list per field of ``schema``), kept as Arrow
    record batches of about ``batch_rows`` rows: ~70 bytes a match row, where
    a dict per row took ~1 KB and an Arrow batch per worker task a few KB."""

    def __init__(self, schema: pa.Schema, batch_rows: int = 65_536) -> None:
        self.schema = schema
        self.batch_rows = batch_rows
        self.batches: list[pa.RecordBatch] = []
        self.pending: list[list] = [[] for _ in schema]

    def extend(self, columns: list[list]) -> None:
        for mine, theirs in zip(self.pending, columns):
            mine.extend(theirs)
        if len(self.pending[0]) >= self.batch_rows:
            self._flush()

    def _flush(self) -> None:
        if self.pending[0]:
            arrays = [pa.array(col, f.type) for col, f in zip(self.pending, self.schema)]
            self.batches.append(pa.record_batch(arrays, schema=self.schema))
            self.pending = [[] for _ in self.schema]

    def table(self) -> pa.Table:
        self._flush()
        return pa.Table.from_batches(self.batches, self.schema)


def _align_task(groups: list[int]) -> list[list]:
    """Worker task: verify and align the candidate pairs of some document pairs;
    the match rows as columns (one list per :data:`reuse.store.MATCH_SCHEMA` field).

    All candidate pairs of the task are verified in one rapidfuzz call (the
    per-call overhead, not the comparison, dominated one call per document pair).
    """
    st = STATE
    config: Config = st["config"]
    pairs, spans, da, db = st["pairs"], st["spans"], st["da"], st["db"]
    norms, text_keys, paths = st["norms"], st["text_keys"], st["paths"]
    # A task is a run of consecutive document pairs: its candidate pairs are
    # one slice of `pairs`. (Lists for fast scalar indexing, made here: a list
    # of Python ints shared with the parent would be copied page by page into
    # every worker as their reference counts change.)
    starts = dict(zip(groups, st["starts"][groups].tolist()))
    ends = dict(zip(groups, st["ends"][groups].tolist()))
    first, last = starts[groups[0]], ends[groups[-1]]
    passage = st["passage_texts"].__getitem__
    left = list(map(passage, pairs[first:last, 0].tolist()))
    right = list(map(passage, pairs[first:last, 1].tolist()))
    verified = verify_texts(left, right, config.align.verify_similarity)
    del left, right
    # (a_start, a_end, b_start, b_end) of every candidate pair of the task, once.
    task_pairs = pairs[first:last]
    task_seeds = np.concatenate((spans[task_pairs[:, 0]], spans[task_pairs[:, 1]]), axis=1)
    rows: list[dict] = []
    offsets = np.array([starts[k] - first for k in groups], dtype=np.int64)
    any_verified = np.logical_or.reduceat(verified, offsets) if len(verified) else []
    for k, keep in zip(groups, any_verified):
        if not keep:
            continue
        s, e = starts[k], ends[k]
        ok = verified[s - first : e - first]
        doc_a, doc_b = int(da[s]), int(db[s])
        seeds = task_seeds[s - first : e - first]
        rows.extend(
            align_document_pair(
                doc_a,
                doc_b,
                norms[doc_a],
                norms[doc_b],
                paths[doc_a],
                paths[doc_b],
                seeds,
                config,
                verified=ok,
                keys=(text_keys[doc_a], text_keys[doc_b]),
            )
        )
    return [[row[name] for row in rows] for name in MATCH_SCHEMA.names]


def boilerplate_rows(
    store: Store, config: Config, aligned: pa.Table, scope: set[int]
) -> tuple[pa.Table, list[dict], list[dict]]:
    """Relabel aligned matches and derive the formulaic-line matches.

    ``aligned`` (a :data:`MATCH_SCHEMA` table of the new rows of the documents
    in ``scope``) comes back with its ``kind`` column relabelled. Stored
    aligned matches outside the scope are relabelled too, since the formulaic
    lines depend on the whole corpus (a line in >= 1% of the documents); only
    those that can be formulaic are read (both documents carry formulaic
    lines, or the row is boilerplate now).

    Returns ``(aligned relabelled, relabelled stored rows whose kind changed,
    line-derived rows)``.
    """
    bp = config.boilerplate
    min_docs = bp.min_documents(store.count_live_documents())
    spans = store.formulaic_spans(min_docs)
    existing = _existing_aligned(store, scope, sorted(spans))
    kinds_before = [row["kind"] for row in existing]
    aligned = _relabel(aligned, spans, bp.segment_share)
    for row in existing:
        row["kind"] = _kind(
            spans,
            (row["doc_a"], row["a_norm_start"], row["a_norm_end"]),
            (row["doc_b"], row["b_norm_start"], row["b_norm_end"]),
            bp.segment_share,
        )
    units = store.formulaic_units(min_docs)
    by_key: dict[int, list[tuple]] = defaultdict(list)
    for unit in units:
        by_key[unit[0]].append(unit)
    paths = store.document_paths()
    texts = store.document_texts(u[1] for u in units)
    stars = []
    for members in by_key.values():
        # The star's centre is the first path (not the first id: ids depend
        # on the order files arrived in, paths do not).
        members.sort(key=lambda u: paths[u[1]])
        for first, second in ((members[0], other) for other in members[1:]):
            head, other = (first, second) if first[1] < second[1] else (second, first)
            stars.append((head, other))
    covered = _covered_spans(aligned, existing, {(h[1], o[1]) for h, o in stars})
    edges = [
        (head, other)
        for head, other in stars
        if not any(
            a0 < head[3] and head[2] < a1 and b0 < other[3] and other[2] < b1
            for a0, a1, b0, b1 in covered.get((head[1], other[1]), [])
        )
    ]
    # A line normalised alone is the line of the normalised document (it
    # starts and ends at non-space characters): only the lines are normalised.
    lines = normalise_many(
        [texts[u[1]][u[4] : u[5]] for head, other in edges for u in (head, other)]
    )
    rows = []
    for k, (head, other) in enumerate(edges):
        ta, tb = lines[2 * k].text, lines[2 * k + 1].text
        distance = Levenshtein.distance(ta, tb)
        rows.append(
            {
                "doc_a": head[1],
                "a_start": head[4],
                "a_end": head[5],
                "doc_b": other[1],
                "b_start": other[4],
                "b_end": other[5],
                "similarity": 1.0 - distance / max(len(ta), len(tb)),
                "edit_distance": distance,
                "kind": "boilerplate",
                "a_norm_start": head[2],
                "a_norm_end": head[3],
                "b_norm_start": other[2],
                "b_norm_end": other[3],
                "seeds": 0,
                "source": "line",
            }
        )
    changed = [row for row, kind in zip(existing, kinds_before) if row["kind"] != kind]
    return aligned, changed, rows


_NORM_SPAN_COLUMNS = ("a_norm_start", "a_norm_end", "b_norm_start", "b_norm_end")


def _kind(
    spans: dict[int, list[tuple[int, int]]],
    side_a: tuple[int, int, int],
    side_b: tuple[int, int, int],
    share: float,
) -> str:
    """``'boilerplate'`` when formulaic lines cover at least ``share`` of both
    sides ``(doc_id, norm_start, norm_end)``, else ``'reuse'``."""
    spans_a, spans_b = spans.get(side_a[0]), spans.get(side_b[0])
    if not spans_a or not spans_b:  # no formulaic line on one side: reuse
        return "reuse"
    low = min(covered_share(*side_a[1:], spans_a), covered_share(*side_b[1:], spans_b))
    return "boilerplate" if low >= share else "reuse"


def _relabel(aligned: pa.Table, spans: dict[int, list[tuple[int, int]]], share: float) -> pa.Table:
    """``aligned`` with its ``kind`` column set by :func:`_kind`; only rows whose
    documents both carry formulaic lines are looked at one by one."""
    kinds = np.full(aligned.num_rows, "reuse", dtype=object)
    if aligned.num_rows and spans:
        formulaic = np.fromiter(spans, dtype=np.int64, count=len(spans))
        doc_a = aligned["doc_a"].to_numpy()
        doc_b = aligned["doc_b"].to_numpy()
        both = np.flatnonzero(np.isin(doc_a, formulaic) & np.isin(doc_b, formulaic))
        a0, a1, b0, b1 = (aligned[c].to_numpy()[both].tolist() for c in _NORM_SPAN_COLUMNS)
        rows = zip(both.tolist(), doc_a[both].tolist(), a0, a1, doc_b[both].tolist(), b0, b1)
        for i, da, sa, ea, db, sb, eb in rows:
            kinds[i] = _kind(spans, (da, sa, ea), (db, sb, eb), share)
    column = aligned.schema.get_field_index("kind")
    return aligned.set_column(column, "kind", pa.array(kinds, pa.string()))


def _covered_spans(
    aligned: pa.Table, existing: list[dict], doc_pairs: set[tuple[int, int]]
) -> dict[tuple[int, int], list[tuple[int, int, int, int]]]:
    """Normalised spans ``(a0, a1, b0, b1)`` of the aligned matches (new and stored)
    of each document pair in ``doc_pairs``."""
    covered: dict[tuple[int, int], list[tuple[int, int, int, int]]] = defaultdict(list)
    if not doc_pairs:
        return covered
    if aligned.num_rows:
        wanted = np.array(sorted((a << 32) | b for a, b in doc_pairs), dtype=np.int64)
        doc_a = aligned["doc_a"].to_numpy().astype(np.int64)
        doc_b = aligned["doc_b"].to_numpy().astype(np.int64)
        rows = np.flatnonzero(np.isin((doc_a << 32) | doc_b, wanted))
        columns = [aligned[c].to_numpy()[rows].tolist() for c in _NORM_SPAN_COLUMNS]
        for da, db, *span in zip(doc_a[rows].tolist(), doc_b[rows].tolist(), *columns):
            covered[(da, db)].append(tuple(span))
    for row in existing:
        key = (row["doc_a"], row["doc_b"])
        if key in doc_pairs:
            covered[key].append(tuple(row[c] for c in _NORM_SPAN_COLUMNS))
    return covered


def _existing_aligned(store: Store, scope: set[int], formulaic_docs: list[int]) -> list[dict]:
    names = (
        "doc_a a_start a_end doc_b b_start b_end source kind a_norm_start a_norm_end "
        "b_norm_start b_norm_end similarity edit_distance seeds"
    ).split()
    rows = []
    for values in store.live_aligned_matches(formulaic_docs):
        row = dict(zip(names, values))
        if row["doc_a"] in scope or row["doc_b"] in scope:
            continue
        rows.append(row)
    return rows


#: Matches whose edits are committed together (a killed scan resumes after the last batch).
EDIT_BATCH_MATCHES = 20_000
#: Matches per worker task of the edits stage (at most; see :func:`derive_edits`).
EDIT_TASK_MATCHES = 512


def derive_edits(store: Store, config: Config, progress: Progress | None = None) -> int:
    """Compute and store the typed edits of every live aligned match that has none yet.

    Matches are taken in (doc_a, doc_b) order. They are cut into windows whose
    documents' texts fit ``scan.text_budget_chars`` (one window, usually); each
    window's texts are loaded and normalised once and one worker pool computes
    its edits in tasks of :data:`EDIT_TASK_MATCHES` matches, so jieba's
    dictionary and the word caches of :mod:`reuse.edits` warm up once per
    worker instead of once per batch. The results come back in order and are
    committed, with the matches' ``n_edits``, every :data:`EDIT_BATCH_MATCHES`
    matches (a killed scan resumes after the last batch). Returns the number
    of matches processed.
    """
    todo = store.matches_without_edits()
    if not todo:
        return 0
    log.info("edits: %d matches to type", len(todo))
    workers = resolve_workers(config.scan.workers)
    load_jieba()  # loaded here once, inherited by the forked workers
    lengths = store.normalised_lengths()
    done = 0
    for window in _edit_windows(todo, lengths, config.scan.text_budget_chars):
        needed = sorted({r[1] for r in window} | {r[4] for r in window})
        texts = store.document_texts(needed)
        chunks = [[(d, texts[d]) for d in needed[i : i + 128]] for i in range(0, len(needed), 128)]
        norms: dict[int, NormalisedText] = {}
        for part in ordered_map(
            _normalise_task,
            chunks,
            workers,
            {},
            min_items=4,
            timeout=config.scan.task_timeout_seconds,
        ):
            norms.update(part)
        # Tasks of EDIT_TASK_MATCHES matches, or fewer when the window is small,
        # so that it still makes 4 tasks a worker (a map of fewer than 4 tasks
        # runs in this process: 1,088 matches were 3 tasks and one core).
        size = max(32, min(EDIT_TASK_MATCHES, -(-len(window) // (4 * max(1, workers)))))
        tasks = [window[i : i + size] for i in range(0, len(window), size)]
        state = {"norms": norms, "texts": texts}
        pending_ids: list[int] = []
        pending: list[pa.RecordBatch] = []
        for task, part in zip(
            tasks,
            ordered_map(
                _edits_task,
                tasks,
                workers,
                state,
                min_items=4,
                chunksize=1,
                timeout=config.scan.task_timeout_seconds,
            ),
        ):
            pending_ids.extend(r[0] for r in task)
            pending.append(part)
            if len(pending_ids) >= EDIT_BATCH_MATCHES or task is tasks[-1]:
                store.write_edits(pending_ids, pa.Table.from_batches(pending, EDIT_SCHEMA))
                done += len(pending_ids)
                pending_ids, pending = [], []
                if progress:
                    progress("edits", done, len(todo))
    return done


def _edit_windows(todo: list[tuple], lengths: dict[int, int], budget: int) -> Iterator[list[tuple]]:
    """Runs of ``todo`` rows whose documents' texts fit ``budget`` characters together
    (a single match over budget gets a window of its own)."""
    for run in _budget_runs(((r[1], r[4]) for r in todo), lengths, budget):
        yield todo[run[0] : run[-1] + 1]


def _edits_task(rows: list[tuple]) -> pa.RecordBatch:
    """Worker task: the edit rows of some matches (``matches_without_edits`` rows),
    as one Arrow batch (columns cross the pipe, not a tuple per edit)."""
    norms, texts = STATE["norms"], STATE["texts"]
    columns: list[list] = [[] for _ in EDIT_SCHEMA.names]
    for match_id, doc_a, a0, a1, doc_b, b0, b1 in rows:
        for row in edit_rows(
            texts[doc_a], norms[doc_a], (a0, a1), texts[doc_b], norms[doc_b], (b0, b1)
        ):
            columns[0].append(match_id)
            for col, value in zip(columns[1:], row):
                col.append(value)
    return pa.record_batch(
        [pa.array(col, field.type) for col, field in zip(columns, EDIT_SCHEMA)], schema=EDIT_SCHEMA
    )


def scan(
    roots: Sequence[str | Path],
    db_path: str | Path = "reuse.duckdb",
    config: Config | None = None,
    progress: Progress | None = None,
) -> ScanResult:
    """Scan ``roots`` (folders or files) into the DuckDB file ``db_path``.

    Bad files never stop a scan: each is recorded in the ``errors`` table and
    in ``ScanResult.errors``. The scan works on its own copy of the database
    and publishes it when complete (:mod:`reuse.snapshot`): readers see the
    last complete scan until then, and a reader holding the file open does
    not stop the scan. A lock file ``<db_path>.lock`` keeps a second scan of
    the same database out (:class:`ScanLockedError`); the lock is the
    operating system's, so a killed scan leaves no stale lock behind, and the
    next run resumes the killed scan where it stopped.

    Raises:
        ScanLockedError: another scan holds the lock.
        WorkerError: a worker process died or hung (the next run resumes).
        StorageError: a write was refused (permission, full disk).
        DatabaseBusyError: another process holds the database open for writing.
    """
    config = config or Config()
    targets = [os.path.abspath(os.fspath(r)) for r in roots]
    with snapshot.scan_lock(db_path) as paths:
        try:
            result = _scan_work_copy(targets, paths, config, progress)
            t0 = time.perf_counter()
            snapshot.publish(paths)
            result.timings["snapshot"] += time.perf_counter() - t0
        except duckdb.Error as exc:
            refused = snapshot.storage_error(exc, f"write {paths.work}")
            if refused is None:
                raise
            raise refused from exc
    return result


def _scan_work_copy(
    targets: list[str],
    paths: snapshot.SnapshotPaths,
    config: Config,
    progress: Progress | None,
) -> ScanResult:
    """Run the scan on the work copy: resumed if it holds this scan unfinished."""
    request = _scan_request(targets, config)
    t0 = time.perf_counter()
    resume = _prepare_work(paths, request)
    copied = time.perf_counter() - t0
    with Store(paths.work) as store:
        if resume is not None:
            result = ScanResult(scan_id=resume)
            committed = store.resume_scan(resume)
            result.rebuilt = bool(committed.pop("rebuilt"))
            for name, value in committed.items():
                setattr(result, name, value)
            log.info("scan %d resumed (its last run ended before it was complete)", resume)
        else:
            result = ScanResult()
            result.scan_id = store.begin_scan(request[0], request[1], __version__)
        try:
            _scan_locked(store, targets, config, result, progress)
            result.timings["snapshot"] = copied
        except BaseException as exc:
            with contextlib.suppress(duckdb.Error):
                store.fail_attempt(result.scan_id, f"{type(exc).__name__}: {exc}")
            raise
    return result


def _scan_request(targets: list[str], config: Config) -> tuple[list[str], str]:
    """What identifies a scan for resuming: its targets (escaped) and the
    configuration (``scans.roots``, ``scans.parameters``)."""
    return [escape_path(t) for t in targets], config.to_json()


def _prepare_work(paths: snapshot.SnapshotPaths, request: tuple[list[str], str]) -> int | None:
    """Make the work copy; returns the id of the scan to resume, if any.

    A work copy left by a dead scan is resumed when it belongs to the
    published database and its unfinished scan is this one (same targets,
    same configuration but for ``[scan]`` resources); a complete scan that
    died while publishing is published first. Anything else is dropped.
    """
    if paths.work.exists():
        try:
            with Store(paths.work) as work:
                unfinished = work.unfinished_scan()
                same_base = _same_database(work, paths)
        except (duckdb.Error, StoreError) as exc:
            log.warning("dropping an unreadable scan copy %s: %s", paths.work, exc)
            unfinished, same_base = None, False
        if same_base and unfinished is None:
            log.info("publishing a complete scan left unpublished by its process")
            snapshot.publish(paths)
        elif same_base and unfinished is not None:
            scan_id, roots, parameters = unfinished
            if roots == request[0] and _resources_aside(parameters) == _resources_aside(request[1]):
                return scan_id
            log.info("dropping unfinished scan %d: it scanned other roots or parameters", scan_id)
    snapshot.new_work_copy(paths)
    return None


def _same_database(work: Store, paths: snapshot.SnapshotPaths) -> bool:
    """Whether a work copy was made from the database now published (or, with
    none published, was never published)."""
    if not paths.published.exists():
        return work.get_meta("generation") in (None, "0")
    return work.get_meta("database_id") == snapshot.read_meta(paths.published, "database_id")


def _resources_aside(parameters: str) -> str:
    data = json.loads(parameters)
    data.pop("scan", None)
    return json.dumps(data, sort_keys=True)


def _scan_locked(
    store: Store,
    targets: list[str],
    config: Config,
    result: ScanResult,
    progress: Progress | None,
) -> None:
    timers = Timers()
    scan_id = result.scan_id
    listed = load_list(config.boilerplate.list_path)
    log.info("scan %d of %s", scan_id, ", ".join(escape_path(t) for t in targets))
    fingerprint = config.detection_fingerprint()
    stored = store.get_meta("detection_parameters")
    if stored != fingerprint:
        if stored is not None:
            log.warning("detection parameters changed: every document is indexed again")
            result.rebuilt = True
            store.invalidate_all(scan_id)
        store.set_meta("detection_parameters", fingerprint)

    def reject(err: DocumentError) -> None:
        log.warning("rejected %s", err)
        result.errors.append(err)
        store.record_error(scan_id, escape_path(err.path), err.stage, _printable(err.message))

    with timers("ingest"):
        files = list(
            iter_source_files(
                targets,
                config.ingest.suffixes,
                on_error=reject,
                follow_symlinks=config.ingest.follow_symlinks,
            )
        )
    result.n_files = len(files)
    log.info("ingest: %d files", len(files))
    scanned = _resolve(store, targets, files, scan_id)
    keys = [scanned.key(f) for f in files]
    known = store.known_documents()
    seen = set(keys)
    vanished = _vanished(known, seen, scanned.targets)
    workers = resolve_workers(config.scan.workers)
    batch: list[IndexedDocument] = []
    counts: dict[str, int] = defaultdict(int)
    unchanged_ids: list[int] = []
    moved: list[tuple[int, str]] = []

    def flush() -> None:
        with timers("store"):
            store.write_indexed(batch, scan_id, dict(counts))
        batch.clear()
        counts.clear()

    state = {
        "config": config,
        "listed": listed,
        "known": {p: (k.sha256, k.status, k.deleted) for p, k in known.items()},
        "vanished": {
            k.sha256: k.path for k in sorted(vanished, key=lambda k: k.path, reverse=True)
        },
    }
    tasks = [(f.path, key, escape_path(f.path)) for f, key in zip(files, keys)]
    size = config.scan.batch_documents
    renamed: set[str] = set()
    _warm_caches(config)  # built once here, inherited by every worker
    # One pool for every file: results arrive in path order and are stored
    # in batches of `size` documents as they come. (strict: zip then asks
    # the map once more, so it leaves its pool and the idle workers exit
    # now, not when the scan ends.)
    # Chunks of up to 16 files, at least 4 per worker: a few dozen files
    # (a night's changes, a small folder) still spread over every worker.
    chunksize = max(1, min(16, len(tasks) // (4 * workers)))
    outcomes = ordered_map(
        _index_task,
        tasks,
        workers,
        state,
        min_items=16,
        chunksize=chunksize,
        timeout=config.scan.task_timeout_seconds,
    )
    for i, (task, (outcome, payload, seconds)) in enumerate(zip(tasks, outcomes, strict=True)):
        _, key, location = task
        timers.add(seconds)
        if progress:
            progress("index", i + 1, len(tasks))
        if outcome == "error":
            reject(payload)  # type: ignore[arg-type]
            continue
        if outcome == "warning":
            payload, warnings = payload  # type: ignore[misc]
            for message in warnings:
                log.warning("%s: %s", location, message)
                store.record_error(scan_id, location, "ingest", message, severity="warning")
            outcome = "indexed"
        old = known.get(key)
        if outcome == "renamed" and payload not in renamed:
            renamed.add(payload)  # type: ignore[arg-type]
            store.rename(known[payload].doc_id, key, location, scan_id)  # type: ignore[index]
            result.n_renamed += 1
            log.info("renamed: %s -> %s", payload, key)
            continue
        if outcome == "renamed":  # its bytes were claimed by an earlier file
            outcome, payload, _ = _index_task(task, rename=False)
            if outcome == "error":
                reject(payload)  # type: ignore[arg-type]
                continue
        if outcome == "unchanged":
            assert old is not None
            if old.indexed_scan != scan_id:  # (a resumed scan indexed it already)
                result.n_unchanged += 1
            unchanged_ids.append(old.doc_id)
            if old.location != location:
                moved.append((old.doc_id, location))
            continue
        doc: IndexedDocument = payload  # type: ignore[assignment]
        name = "n_new" if old is None else "n_changed"
        counts[name] += 1
        counts["n_sketched"] += 1
        setattr(result, name, getattr(result, name) + 1)
        result.n_sketched += 1
        batch.append(doc)
        if len(batch) >= size:
            flush()
    flush()
    # Stale documents outside the scanned roots are indexed from their stored text.
    stale = store.stale_documents()
    for first in range(0, len(stale), size):
        chunk = stale[first : first + size]
        texts = store.document_texts(doc_id for doc_id, _ in chunk)  # one query per batch
        meta_dates = store.metadata_dates(doc_id for doc_id, _ in chunk)
        for doc_id, path in chunk:
            text = texts[doc_id]
            old = known[path]
            stored_doc = DecodedDocument(
                path, old.sha256, text, "stored", len(text.encode()), meta_dates.get(doc_id)
            )
            indexed = index_document(stored_doc, config, listed, timers)
            indexed.location = old.location
            batch.append(indexed)
            counts["n_sketched"] += 1
            result.n_sketched += 1
        flush()
    store.touch(unchanged_ids, scan_id, moved)

    gone = [k.doc_id for k in vanished if k.path not in renamed]
    if gone:
        store.soft_delete(gone, scan_id)
        result.n_deleted += len(gone)
        log.info("deleted: %d documents no longer on disk", len(gone))

    dirty = set(store.unmatched_documents())
    log.info("sketched %d documents; %d to compare", result.n_sketched, len(dirty))
    if dirty or gone or renamed:
        aligned, n_candidates = find_matches(store, config, dirty, timers, progress)
        result.n_candidates += n_candidates
        store_matches(store, config, aligned, dirty, scan_id, timers, n_candidates)
    finish_scan(store, config, result, timers, progress)


@dataclass
class _Scanned:
    """The scan's targets with their roots, and each file's target."""

    targets: list[ScanTarget]
    by_path: dict[str, ScanTarget]

    def key(self, file: SourceFile) -> str:
        return document_key(self.by_path[file.root].root, file.path)


def _resolve(store: Store, targets: list[str], files: list[SourceFile], scan_id: int) -> _Scanned:
    """The root of every target (:mod:`reuse.identity`), recorded in ``roots``."""
    known = store.roots()
    listed: dict[str, dict[str, int]] = defaultdict(dict)
    for f in files:
        listed[f.root][os.path.relpath(f.path, f.root).replace(os.sep, "/")] = f.size
    names = {root_name(t) for t in targets} | {root_name(os.path.dirname(t)) for t in targets}
    sizes = {name: store.root_sizes(name) for name in names if name in known}
    resolved = resolve_targets(sorted(set(targets)), known, sizes, listed)
    for target in resolved:
        if target.moved_from:
            log.info("root %s moved: %s -> %s", target.root.name, target.moved_from, target.path)
        for name, prefix in target.absorbs:
            log.info("root %s lies in %s: its documents are now %s/...", name, target.path, prefix)
            store.absorb_root(name, prefix)
    store.save_roots(sorted({(t.root.name, t.root.location) for t in resolved}), scan_id)
    by_path = {t.path: t for t in resolved}
    return _Scanned(resolved, by_path)


def _vanished(
    known: dict[str, KnownDocument], seen: set[str], targets: list[ScanTarget]
) -> list[KnownDocument]:
    """Live documents under the scanned targets that the walk did not find and
    whose file is gone from its root's (current) location: deleted, or renamed."""
    out = []
    for doc in known.values():
        if doc.deleted or doc.path in seen:
            continue
        target = next((t for t in targets if t.owns(doc.path)), None)
        if target is None:
            continue
        inside = doc.path[len(target.root.name) + 1 :]
        if not os.path.lexists(os.path.join(target.root.location, unescape_path(inside))):
            out.append(doc)
    return out


def _printable(text: str) -> str:
    """``text`` with anything that is not valid UTF-8 (surrogate escapes) escaped."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def store_matches(
    store: Store,
    config: Config,
    aligned: pa.Table,
    dirty: set[int],
    scan_id: int,
    timers: Timers,
    n_candidates: int = 0,
) -> None:
    """Label the aligned rows (a :data:`MATCH_SCHEMA` table) of the ``dirty``
    documents' pairs (reuse or boilerplate), add the formulaic-line matches,
    and replace the stored match set in one transaction."""
    with timers("boilerplate"):
        aligned, relabelled, lines = boilerplate_rows(store, config, aligned, dirty)
    log.info(
        "boilerplate: %d formulaic-line matches, %d stored matches relabelled",
        len(lines),
        len(relabelled),
    )
    # Stored matches outside the scope that are not in `rows` stay as they are.
    with timers("store"):
        table = pa.concat_tables(
            [aligned, pa.Table.from_pylist(relabelled + lines, schema=MATCH_SCHEMA)]
        )
        diff = store.replace_matches(table, sorted(dirty), scan_id, sorted(dirty), n_candidates)
    log.info("store: %d matches added, %d removed", diff["added"], diff["removed"])


def finish_scan(
    store: Store,
    config: Config,
    result: ScanResult,
    timers: Timers,
    progress: Progress | None = None,
) -> None:
    """The derived stages (typed edits, groups), the counts, and the scan's record."""
    scan_id = result.scan_id
    if config.scan.edits:
        with timers("edits"):
            result.n_edited = derive_edits(store, config, progress)
    if store.groups_stale():
        with timers("groups"):
            groups = reuse_groups(store.reuse_sides())
            store.write_groups(groups)
        result.n_groups = len(groups)
    result.n_new_matches, result.n_ignored = store.new_match_counts(scan_id)
    result.n_new_matches -= result.n_ignored
    counts = store.con.execute(
        "SELECT count(*) FILTER (kind = 'reuse'), count(*) FILTER (kind = 'boilerplate') "
        "FROM live_matches"
    ).fetchone()
    result.n_reuse, result.n_boilerplate = (int(counts[0]), int(counts[1])) if counts else (0, 0)
    result.n_matches = result.n_reuse + result.n_boilerplate
    result.n_errors = len(result.errors)
    result.status = "ok_with_errors" if result.errors else "ok"
    result.timings = dict(timers.seconds)
    store.finish_scan(scan_id, result.status, result.counts)
    log.info(
        "scan %d %s: %d files, %d new, %d changed, %d deleted, %d errors, %d matches",
        scan_id,
        result.status,
        result.n_files,
        result.n_new,
        result.n_changed,
        result.n_deleted,
        result.n_errors,
        result.n_matches,
    )
