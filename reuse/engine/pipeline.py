"""The scan: the stages composed, from files to the DuckDB store.

``scan()`` runs, in order::

    ingest -> normalise -> segment -> shingle -> sketch      (per new/changed document)
    candidates -> align -> boilerplate -> store              (per scan)
    edits -> groups                                          (derived, per scan)

Indexing also finds each document's quotations (:mod:`reuse.text.quotes`) and date
(:mod:`reuse.derive.provenance`). After the match set is stored, the typed edits of
every match that has none yet are computed (:mod:`reuse.edits`) and, when the
matches changed, the reuse groups are built again (:mod:`reuse.derive.groups`); both
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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
from rapidfuzz.distance import Levenshtein

from reuse import __version__
from reuse.config import Config
from reuse.derive.boilerplate import load_list
from reuse.derive.groups import reuse_groups
from reuse.derive.templates import label_matches
from reuse.detect.plan import document_ranks
from reuse.edits import load_jieba
from reuse.engine.core import Timers, edit_rows, index_document
from reuse.engine.matching import MatchSet, budget_runs, find_matches, normalise_task
from reuse.engine.workers import STATE, ordered_map, resolve_workers
from reuse.errors import DocumentError, StoreError, storage_error
from reuse.ingest.identity import ScanTarget, document_key, resolve_targets, root_name
from reuse.ingest.walk import (
    DecodedDocument,
    SourceFile,
    decode_document,
    escape_path,
    iter_source_files,
    read_bytes,
    sha256_hex,
    unescape_path,
)
from reuse.store import snapshot
from reuse.store.database import EDIT_SCHEMA, MATCH_SCHEMA, IndexedDocument, KnownDocument, Store
from reuse.text.normalise import NormalisedText, normalise_many

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
    n_templates: int = 0
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
    by_key: dict[int, list[tuple]] = defaultdict(list)
    for unit in units:
        by_key[unit[0]].append(unit)
    texts = store.document_texts(u[1] for u in units)
    stars = []
    for members in by_key.values():
        members.sort(key=lambda u: (ranks[u[1]], u[2]))
        rep = members[0]
        stars.extend((rep, other) for other in members[1:] if other[1] != rep[1])
    # A line normalised alone is the line of the normalised document (it
    # starts and ends at non-space characters): only the lines are normalised.
    lines = normalise_many([texts[u[1]][u[4] : u[5]] for pair in stars for u in pair])
    rows = []
    for k, (rep, other) in enumerate(stars):
        head, tail = (rep, other) if rep[1] < other[1] else (other, rep)
        ta, tb = lines[2 * k].text, lines[2 * k + 1].text
        distance = Levenshtein.distance(ta, tb)
        rows.append(
            {
                "doc_a": head[1],
                "a_start": head[4],
                "a_end": head[5],
                "doc_b": tail[1],
                "b_start": tail[4],
                "b_end": tail[5],
                "similarity": 1.0 - distance / max(len(ta), len(tb)),
                "edit_distance": distance,
                "kind": "boilerplate",
                "a_norm_start": head[2],
                "a_norm_end": head[3],
                "b_norm_start": tail[2],
                "b_norm_end": tail[3],
                "seeds": 0,
                "source": "line",
                "rep_doc": rep[1],
            }
        )
    return pa.Table.from_pylist(rows, schema=MATCH_SCHEMA)


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
            normalise_task,
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
    for run in budget_runs(((r[1], r[4]) for r in todo), lengths, budget):
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
    and publishes it when complete (:mod:`reuse.store.snapshot`): readers see the
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
            refused = storage_error(exc, f"write {paths.work}")
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
        found = find_matches(store, config, dirty, timers, progress)
        result.n_candidates += found.n_candidates
        store_matches(store, config, found, dirty, scan_id, timers)
    finish_scan(store, config, result, timers, progress)


@dataclass
class _Scanned:
    """The scan's targets with their roots, and each file's target."""

    targets: list[ScanTarget]
    by_path: dict[str, ScanTarget]

    def key(self, file: SourceFile) -> str:
        return document_key(self.by_path[file.root].root, file.path)


def _resolve(store: Store, targets: list[str], files: list[SourceFile], scan_id: int) -> _Scanned:
    """The root of every target (:mod:`reuse.ingest.identity`), recorded in ``roots``."""
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


def finish_scan(
    store: Store,
    config: Config,
    result: ScanResult,
    timers: Timers,
    progress: Progress | None = None,
) -> None:
    """The derived stages (typed edits, groups), the counts, and the scan's record."""
    scan_id = result.scan_id
    if store.is_stale("labels_stale"):
        with timers("templates"):
            stats = label_matches(store, config)
        result.n_templates = stats.n_templates
        log.info(
            "templates: %d templates, %d formulaic lines, %d matches relabelled",
            stats.n_templates,
            stats.n_boilerplate,
            stats.n_relabelled,
        )
    if config.scan.edits:
        with timers("edits"):
            result.n_edited = derive_edits(store, config, progress)
    if store.is_stale("shares_stale"):
        with timers("shares"):
            store.write_shares()
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
