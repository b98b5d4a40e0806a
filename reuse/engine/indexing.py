"""Stage: index the listed files (read, hash, decode, index) and store them in batches.

Each file is a worker task (:func:`_index_task`). Its bytes are read and
hashed first, so an unchanged file (the SHA-256 stored for its identity) is
never decoded again, the nightly common case; a file with no stored
document whose bytes are those of a document gone from its path is that
document, renamed; any other file is decoded and indexed
(:func:`reuse.engine.core.index_document`: normalise -> segment -> shingle ->
sketch, fingerprints, formulaic lines, quotations, date). The outcomes
come back in path order and are stored in batches of
``scan.batch_documents`` documents, each batch in one transaction, so a
killed scan resumes after the last batch. Documents marked stale (the
detection parameters changed) that no listed file indexed are then indexed
again from their stored text.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from dataclasses import dataclass

from reuse.config import Config
from reuse.engine.core import Timers, index_document
from reuse.engine.listing import Listing
from reuse.engine.run import ScanRun
from reuse.engine.workers import MapOptions, ordered_map, resolve_workers, task_state
from reuse.errors import DocumentError
from reuse.ingest.paths import escape_path
from reuse.ingest.read import DecodedDocument, decode_document, read_bytes, sha256_hex
from reuse.store.documents import IndexedDocument, KnownDocument

__all__ = ["index_documents"]

log = logging.getLogger("reuse")


@dataclass
class IndexState:
    """What an index task reads (:func:`reuse.engine.workers.task_state`).

    Attributes:
        config: the scan's configuration.
        listed: the formulaic lines of the boilerplate list (key hashes).
        known: per stored identity, ``(sha256, status, deleted)``.
        vanished: per SHA-256, the identity of a document gone from its path.
    """

    config: Config
    listed: frozenset[int]
    known: dict[str, tuple[str, str, bool]]
    vanished: dict[str, str]


@dataclass(frozen=True)
class FileTask:
    """One listed file: the path to open, its identity and its location (escaped)."""

    path: str
    key: str
    location: str


@dataclass(frozen=True)
class Unchanged:
    """The file's bytes are those stored for its identity."""

    sha256: str


@dataclass(frozen=True)
class Renamed:
    """The file's bytes are those of a document gone from its path, ``identity``."""

    identity: str


@dataclass(frozen=True)
class Indexed:
    """The file, decoded and indexed, with what the decoding warned about."""

    document: IndexedDocument
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Rejected:
    """The file cannot be read, decoded or indexed."""

    error: DocumentError


Outcome = Unchanged | Renamed | Indexed | Rejected


def _index_task(task: FileTask, rename: bool = True) -> tuple[Outcome, dict[str, float]]:
    """Worker task: read one file and, unless unchanged (or renamed, when
    ``rename``), index it; with the seconds per stage it took."""
    state = task_state(IndexState)
    config = state.config
    timers = Timers()
    try:
        # Hash the bytes first: an unchanged file (the nightly common case)
        # is never decoded or extracted again.
        with timers("ingest"):
            data = read_bytes(task.path, config.ingest.max_bytes)
            sha256 = sha256_hex(data)
            old = state.known.get(task.key)
            if old is not None and old[0] == sha256 and not old[2] and old[1] != "stale":
                return Unchanged(sha256), dict(timers.seconds)
            if old is None and rename and sha256 in state.vanished:
                return Renamed(state.vanished[sha256]), dict(timers.seconds)
            doc = decode_document(task.path, data, max_chars=config.ingest.max_chars)
    except DocumentError as err:
        return Rejected(err), dict(timers.seconds)
    try:
        keyed = dataclasses.replace(doc, path=task.key)
        indexed = index_document(keyed, config, state.listed, timers)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the scan
        return Rejected(DocumentError(task.path, "index", f"{type(exc).__name__}: {exc}")), {}
    indexed.location = task.location
    return Indexed(indexed, doc.warnings), dict(timers.seconds)


def _warm_caches(config: Config) -> None:
    """Build the lazily built lookup tables (normalisation, units, permutations)
    in this process, so forked workers inherit them instead of each building them."""
    index_document(DecodedDocument("", "", "预热 warm-up。", "utf-8", 0), config)


def index_documents(
    run: ScanRun,
    listing: Listing,
    known: dict[str, KnownDocument],
    vanished: list[KnownDocument],
    listed: frozenset[int],
) -> set[str]:
    """Index and store the listed files, then the stale documents no file
    indexed; record the unchanged and moved ones. ``known``: the stored
    documents by identity; ``vanished``: those gone from their paths;
    ``listed``: the boilerplate list. Returns the identities renamed."""
    config = run.config
    workers = resolve_workers(config.scan.workers)
    batches = _Batches(run, known, listed)
    state = IndexState(
        config,
        listed,
        {p: (k.sha256, k.status, k.deleted) for p, k in known.items()},
        {k.sha256: k.path for k in sorted(vanished, key=lambda k: k.path, reverse=True)},
    )
    files = zip(listing.files, listing.keys)
    tasks = [FileTask(f.path, key, escape_path(f.path)) for f, key in files]
    _warm_caches(config)  # built once here, inherited by every worker
    # One pool for every file: results arrive in path order and are stored
    # in batches as they come. (strict: zip then asks the map once more, so
    # it leaves its pool and the idle workers exit now, not when the scan ends.)
    # Chunks of up to 16 files, at least 4 per worker: a few dozen files
    # (a night's changes, a small folder) still spread over every worker.
    chunksize = max(1, min(16, len(tasks) // (4 * workers)))
    timeout = config.scan.task_timeout_seconds
    options = MapOptions(workers, min_items=16, chunksize=chunksize, timeout=timeout)
    outcomes = ordered_map(_index_task, tasks, options, state)
    for i, (task, (outcome, seconds)) in enumerate(zip(tasks, outcomes, strict=True)):
        run.timers.add(seconds)
        if run.progress:
            run.progress("index", i + 1, len(tasks))
        batches.take(task, outcome)
    batches.flush()
    batches.index_stale()
    run.store.touch(batches.unchanged_ids, run.result.scan_id, batches.moved)
    return batches.renamed


class _Batches:
    """The index stage's documents on their way to the store, in batches of
    ``scan.batch_documents``, and what it records of the others."""

    def __init__(
        self, run: ScanRun, known: dict[str, KnownDocument], listed: frozenset[int]
    ) -> None:
        self.run = run
        self.known = known
        self.listed = listed
        self.size = run.config.scan.batch_documents
        self.batch: list[IndexedDocument] = []
        # The batch's scan counters, added in its transaction (Store.write_indexed).
        self.counts: dict[str, int] = defaultdict(int)
        self.unchanged_ids: list[int] = []
        self.moved: list[tuple[int, str]] = []
        self.renamed: set[str] = set()

    def flush(self) -> None:
        """Store the batch, with its counters, in one transaction."""
        with self.run.timers("store"):
            self.run.store.write_indexed(self.batch, self.run.result.scan_id, dict(self.counts))
        self.batch.clear()
        self.counts.clear()

    def take(self, task: FileTask, outcome: Outcome) -> None:
        """What the index task found for one file: stored, recorded or rejected."""
        if isinstance(outcome, Renamed):
            if outcome.identity not in self.renamed:
                self._rename(task, outcome.identity)
                return
            # Its bytes were claimed by an earlier file: a new document.
            outcome, _ = _index_task(task, rename=False)
        if isinstance(outcome, Rejected):
            self.run.reject(outcome.error)
        elif isinstance(outcome, Unchanged):
            self._unchanged(task)
        elif isinstance(outcome, Indexed):
            self._indexed(task, outcome)

    def _rename(self, task: FileTask, identity: str) -> None:
        run = self.run
        self.renamed.add(identity)
        run.store.rename(self.known[identity].doc_id, task.key, task.location, run.result.scan_id)
        run.result.n_renamed += 1
        log.info("renamed: %s -> %s", identity, task.key)

    def _unchanged(self, task: FileTask) -> None:
        old = self.known.get(task.key)
        assert old is not None
        if old.indexed_scan != self.run.result.scan_id:  # (a resumed scan indexed it already)
            self.run.result.n_unchanged += 1
        self.unchanged_ids.append(old.doc_id)
        if old.location != task.location:
            self.moved.append((old.doc_id, task.location))

    def _indexed(self, task: FileTask, outcome: Indexed) -> None:
        run, result = self.run, self.run.result
        for message in outcome.warnings:
            log.warning("%s: %s", task.location, message)
            run.store.record_error(
                result.scan_id, task.location, "ingest", message, severity="warning"
            )
        if self.known.get(task.key) is None:
            self.counts["n_new"] += 1
            self.counts["n_sketched"] += 1
            result.n_new += 1
        else:
            self.counts["n_changed"] += 1
            self.counts["n_sketched"] += 1
            result.n_changed += 1
        result.n_sketched += 1
        self.batch.append(outcome.document)
        if len(self.batch) >= self.size:
            self.flush()

    def index_stale(self) -> None:
        """Index the stale documents no file indexed (outside the scanned roots)
        from their stored text, a batch at a time."""
        run = self.run
        store = run.store
        stale = store.stale_documents()
        for first in range(0, len(stale), self.size):
            chunk = stale[first : first + self.size]
            texts = store.document_texts(doc_id for doc_id, _ in chunk)  # one query per batch
            meta_dates = store.metadata_dates(doc_id for doc_id, _ in chunk)
            for doc_id, path in chunk:
                text = texts[doc_id]
                old = self.known[path]
                stored_doc = DecodedDocument(
                    path, old.sha256, text, "stored", len(text.encode()), meta_dates.get(doc_id)
                )
                indexed = index_document(stored_doc, run.config, self.listed, run.timers)
                indexed.location = old.location
                self.batch.append(indexed)
                self.counts["n_sketched"] += 1
                run.result.n_sketched += 1
            self.flush()
