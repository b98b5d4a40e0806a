"""The Spark engine's output folder, and ``reuse import`` of it into DuckDB.

The Spark engine (:mod:`reuse.engine.spark`) writes one folder::

    OUTPUT/manifest.json      configuration, versions, roots, counts, seconds per stage
    OUTPUT/documents/         parquet: one row per file (indexed, or rejected with its error)
    OUTPUT/plan/              parquet: one row per planned document pair and pass, its seeds
    OUTPUT/matches/           parquet: one row per aligned segment, its typed edits nested

Everything in it is plain parquet, so it can be read by any tool; this module
needs only pyarrow (no Spark), so the folder can be imported on a machine
without Java. :func:`import_output` loads it into a new DuckDB database
through the same store functions as the embedded scan (documents with their
passages, fingerprints, lines and quotations; the aligned matches with the
plan; then formulaic-line matches, templates and labels, typed edits, shares
and reuse groups), so every report, query and later incremental ``reuse
scan`` works on the result unchanged.

Document ids in the folder are the 1-based rank of the path among all input
files; the database assigns its own ids (in the same order) and the import maps them.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from reuse import __version__
from reuse.config import Config
from reuse.derive.boilerplate import Unit
from reuse.engine.core import Timers
from reuse.errors import DocumentError, StoreError
from reuse.ingest.walk import unescape_path
from reuse.store.database import EDIT_SCHEMA, IndexedDocument, Store, registered, transaction
from reuse.store.database import MATCH_SCHEMA as STORE_MATCH_SCHEMA
from reuse.store.snapshot import scan_lock

if TYPE_CHECKING:
    from reuse.engine.pipeline import ScanResult

log = logging.getLogger("reuse")

#: Layout version of the folder; an import refuses another one.
LAYOUT_VERSION = 2

UNIT_TYPE = pa.struct(
    [
        ("norm_start", pa.int32()),
        ("norm_end", pa.int32()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("key", pa.int64()),  # the unit's uint64 hash, bit for bit (parquet has no uint64 in Spark)
        ("listed", pa.bool_()),
    ]
)
QUOTE_TYPE = pa.struct([("start", pa.int32()), ("end", pa.int32())])

#: ``documents/``: a rejected file has ``error_stage`` set and no text.
DOCUMENT_SCHEMA = pa.schema(
    [
        ("doc_id", pa.int64()),
        ("path", pa.string()),  # the identity (reuse.ingest.identity)
        ("location", pa.string()),  # where the file was read (escaped)
        ("sha256", pa.string()),
        ("text", pa.string()),
        ("encoding", pa.string()),
        ("n_bytes", pa.int64()),
        ("n_norm_chars", pa.int32()),
        ("doc_date", pa.date32()),
        ("date_source", pa.string()),
        ("date_evidence", pa.string()),
        ("date_precision", pa.string()),  # 'day', 'month', 'year' (reuse.derive.provenance)
        ("passage_starts", pa.list_(pa.int32())),
        ("passage_ends", pa.list_(pa.int32())),
        ("passage_shingles", pa.list_(pa.int32())),
        ("band_keys", pa.binary()),  # passages x bands little-endian uint64, as in DuckDB
        ("units", pa.list_(UNIT_TYPE)),
        ("quotes", pa.list_(QUOTE_TYPE)),
        (
            "fp_positions",
            pa.list_(pa.int32()),
        ),  # winnowed k-grams (reuse.detect.seeds), by position
        ("fp_hashes", pa.binary()),  # their hashes, little-endian uint64, as in DuckDB
        ("error_stage", pa.string()),
        ("error_message", pa.string()),
    ]
)

#: One typed edit, nested in its match (the ``edits`` table's columns but ``match_id``).
EDIT_TYPE = pa.struct([f for f in EDIT_SCHEMA if f.name != "match_id"])

#: ``plan/``: the alignment plan (:func:`reuse.engine.matching.plan_passes`), one row per
#: planned document pair and pass; ``rep_doc`` the representative of a pass-2
#: pair; ``candidates`` the candidate passage pairs and ``exact`` the exact k-gram
#: seeds, each seed four values ``(a0, a1, b0, b1)`` (normalised offsets) in a row.
PLAN_SCHEMA = pa.schema(
    [
        ("doc_a", pa.int64()),
        ("doc_b", pa.int64()),
        ("pass", pa.int32()),
        ("rep_doc", pa.int64()),
        ("candidates", pa.list_(pa.int32())),
        ("exact", pa.list_(pa.int32())),
    ]
)

#: ``matches/``: the aligned segments (``reuse.store.database.MATCH_SCHEMA`` columns, ``kind``
#: still 'reuse': labels are given at import), with ``edits`` NULL when the engine
#: ran with ``scan.edits = false``. Edits are computed for every segment; the
#: import keeps those of the matches the embedded engine types.
MATCH_SCHEMA = pa.schema(
    [
        ("doc_a", pa.int64()),
        ("a_start", pa.int32()),
        ("a_end", pa.int32()),
        ("doc_b", pa.int64()),
        ("b_start", pa.int32()),
        ("b_end", pa.int32()),
        ("similarity", pa.float64()),
        ("edit_distance", pa.int32()),
        ("a_norm_start", pa.int32()),
        ("a_norm_end", pa.int32()),
        ("b_norm_start", pa.int32()),
        ("b_norm_end", pa.int32()),
        ("seeds", pa.int32()),
        ("rep_doc", pa.int64()),
        ("edits", pa.list_(EDIT_TYPE)),
    ]
)


def read_manifest(folder: str | Path) -> dict:
    """The manifest of an output folder; :class:`StoreError` if it is not one.

    Every key the import reads is checked here, so a malformed manifest.json
    (not JSON, not an object, a key missing or of the wrong type, a
    ``config`` that is not a JSON object) is one message naming the file and
    what is wrong, never a traceback halfway through an import.
    """
    path = Path(folder) / "manifest.json"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StoreError(
            f"{folder} is not a Spark engine output folder (no manifest.json)"
        ) from None
    except UnicodeDecodeError as exc:
        raise StoreError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        raise StoreError(f"{path} is not valid JSON: {exc}") from exc

    def bad(what: str) -> StoreError:
        return StoreError(f"{path} is not a valid Spark output manifest: {what}")

    def kind(value: object) -> str:
        return "null" if value is None else type(value).__name__

    if not isinstance(manifest, dict):
        raise bad(f"a JSON object was expected, found {kind(manifest)}")
    if "layout" not in manifest:
        raise bad("the key 'layout' is missing")
    if isinstance(manifest["layout"], bool) or manifest["layout"] != LAYOUT_VERSION:
        raise StoreError(
            f"{folder} has output layout {manifest['layout']!r}; "
            f"this reuse reads layout {LAYOUT_VERSION}"
        )
    number = (int, float)
    # key: (types, required)
    expected: dict[str, tuple[tuple[type, ...], bool]] = {
        "config": ((str,), True),
        "fingerprint": ((str,), True),
        "roots": ((list,), False),
        "listing_errors": ((list,), False),
        "n_files": ((int,), False),
        "n_candidates": ((int,), False),
        "n_document_pairs": ((int,), False),
        "edits": ((bool,), False),
        "seconds": ((dict,), False),
        "spark_version": ((str,), False),
    }
    for key, (types, required) in expected.items():
        if key not in manifest:
            if required:
                raise bad(f"the key {key!r} is missing")
            continue
        value = manifest[key]
        # bool is an int in Python, not in a manifest.
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            names = " or ".join("integer" if t is int else t.__name__ for t in types)
            raise bad(f"{key!r} must be {names}, found {kind(value)} {value!r:.60}")
    try:
        config = json.loads(manifest["config"])
    except ValueError as exc:
        raise bad(f"'config' is not JSON text: {exc}") from exc
    if not isinstance(config, dict):
        raise bad(f"'config' must be the JSON of an object, found {kind(config)}")
    for i, root in enumerate(manifest.get("roots", [])):
        if not isinstance(root, str):
            raise bad(f"roots[{i}] must be str, found {kind(root)}")
    for i, entry in enumerate(manifest.get("listing_errors", [])):
        if not isinstance(entry, dict):
            raise bad(f"listing_errors[{i}] must be an object, found {kind(entry)}")
        for key in ("path", "stage", "message"):
            if not isinstance(entry.get(key), str):
                raise bad(f"listing_errors[{i}] needs a string {key!r}")
    for stage, seconds in manifest.get("seconds", {}).items():
        if not isinstance(seconds, number) or isinstance(seconds, bool):
            raise bad(f"seconds[{stage!r}] must be a number, found {kind(seconds)}")
    return manifest


def _indexed(row: dict) -> IndexedDocument:
    starts = np.asarray(row["passage_starts"], dtype=np.int64)
    ends = np.asarray(row["passage_ends"], dtype=np.int64)
    n = len(starts)
    keys = np.frombuffer(row["band_keys"] or b"", dtype="<u8")
    units = [
        Unit(
            u["norm_start"],
            u["norm_end"],
            u["start"],
            u["end"],
            int(np.int64(u["key"]).view(np.uint64)),
            u["listed"],
        )
        for u in row["units"] or []
    ]
    positions = np.asarray(row["fp_positions"] or [], dtype=np.int32)
    hashes = np.frombuffer(row["fp_hashes"] or b"", dtype="<u8").astype(np.uint64)
    return IndexedDocument(
        path=row["path"],
        sha256=row["sha256"],
        text=row["text"],
        encoding=row["encoding"],
        n_bytes=row["n_bytes"],
        n_norm_chars=row["n_norm_chars"],
        passage_spans=np.stack((starts, ends), axis=1) if n else np.zeros((0, 2), np.int64),
        passage_shingles=np.asarray(row["passage_shingles"], dtype=np.int64),
        band_keys=keys.reshape(n, -1) if n else np.zeros((0, 0), np.uint64),
        units=units,
        fingerprint_positions=positions,
        fingerprint_hashes=hashes,
        quotes=[(q["start"], q["end"]) for q in row["quotes"] or []],
        doc_date=row["doc_date"],
        date_source=row["date_source"],
        date_evidence=row["date_evidence"],
        date_precision=row.get("date_precision"),
        location=row.get("location"),
    )


def check_new_database(db_path: str | Path) -> None:
    """:class:`StoreError` unless ``db_path`` is missing or holds no documents."""
    if Path(db_path).exists():
        with Store(db_path, read_only=True) as existing:
            if existing.known_documents():
                raise StoreError(
                    f"{db_path} already holds documents; a Spark scan is imported into a new "
                    "database (rescan this one with the embedded engine, or pick another --db)"
                )


def import_output(
    folder: str | Path,
    db_path: str | Path,
    progress: Callable[[str, int, int], None] | None = None,
) -> ScanResult:
    """Load a Spark engine output folder into the new DuckDB file ``db_path``.

    Returns the :class:`reuse.engine.pipeline.ScanResult` of the import, recorded in
    the ``scans`` table like a scan's. ``db_path`` must not exist or must hold
    no documents (the Spark engine does full scans; later incremental scans
    of the imported database run with the embedded engine).

    The import is written to ``<db_path>.importing`` and renamed to
    ``db_path`` when complete, so a killed import leaves no half database:
    run again, it starts over and ends with the database an uninterrupted
    import writes.
    """
    folder = Path(folder)
    db_path = Path(db_path)
    manifest = read_manifest(folder)
    config = Config.from_dict(json.loads(manifest["config"]))
    with scan_lock(db_path) as paths:
        check_new_database(paths.published)
        partial = paths.published.with_name(paths.published.name + ".importing")
        for leftover in (partial, partial.with_name(partial.name + ".wal")):
            leftover.unlink(missing_ok=True)  # a killed import's: start over
        with Store(partial) as store:
            result = _import(store, folder, manifest, config, progress)
        paths.published.with_name(paths.published.name + ".wal").unlink(missing_ok=True)
        os.replace(partial, paths.published)
        return result


def _import(
    store: Store,
    folder: Path,
    manifest: dict,
    config: Config,
    progress: Callable[[str, int, int], None] | None,
) -> ScanResult:
    # The pipeline imports the store; imported here so this module stays light.
    from reuse.derive.templates import label_matches
    from reuse.engine.matching import MatchSet, find_matches
    from reuse.engine.pipeline import ScanResult, finish_scan, store_matches

    _check_columns(folder)
    timers = Timers()
    result = ScanResult()
    roots = list(manifest.get("roots", []))
    result.scan_id = scan_id = store.begin_scan(roots, config.to_json(), __version__)
    store.set_meta("detection_parameters", manifest["fingerprint"])
    store.set_meta("engine", f"spark {manifest.get('spark_version', '')}".strip())
    for err in manifest.get("listing_errors", []):
        error = DocumentError(err["path"], err["stage"], err["message"])
        result.errors.append(error)
        store.record_error(scan_id, error.path, error.stage, error.message)
    result.n_files = int(manifest.get("n_files", 0))
    named = manifest.get("named_roots", [])
    store.save_roots([(name, unescape_path(loc)) for name, loc in named], scan_id)

    with timers("store"):
        documents = ds.dataset(folder / "documents", format="parquet").to_table()
        documents = documents.sort_by("doc_id")
    ok = documents.filter(pc.is_null(documents["error_stage"]))
    bad = documents.filter(pc.is_valid(documents["error_stage"]))
    for row in bad.select(["location", "error_stage", "error_message"]).to_pylist():
        error = DocumentError(row["location"], row["error_stage"], row["error_message"])
        log.warning("rejected %s", error)
        result.errors.append(error)
        store.record_error(scan_id, error.path, error.stage, error.message)
    del bad
    id_map: dict[int, int] = {}
    size = config.scan.batch_documents
    total = ok.num_rows
    for first in range(0, total, size):
        rows = ok.slice(first, size).to_pylist()
        with timers("store"):
            ids = store.write_indexed([_indexed(r) for r in rows], scan_id)
        id_map.update(zip((r["doc_id"] for r in rows), ids))
        if progress:
            progress("import documents", min(first + size, total), total)
    result.n_new = result.n_sketched = total
    del documents, ok

    typed = 0
    dirty = set(store.unmatched_documents())
    if dirty:  # as the embedded scan: with no live document, no match set at all
        # The plan again, from the stored documents: the pairs Spark aligned, under
        # the database's ids, with the signatures a later incremental scan compares.
        planned = find_matches(store, config, set(), timers, align=False)
        _check_plan(manifest, planned.plans.num_rows, planned.n_candidates)
        aligned = _aligned_table(folder / "matches", id_map)
        result.n_candidates += planned.n_candidates
        found = MatchSet(
            aligned,
            planned.plans.select(["doc_a", "doc_b", "pass"]),  # a full scan aligns every pair
            planned.plans,
            planned.n_candidates,
            planned.plans.num_rows,
        )
        store_matches(store, config, found, dirty, scan_id, timers)
        if manifest.get("edits") and config.scan.edits and aligned.num_rows:
            # The labels decide which matches get typed edits (reuse, and the
            # members of templates); finish_scan then finds them labelled.
            with timers("templates"):
                stats = label_matches(store, config)
            result.n_templates = stats.n_templates
            with timers("edits"):
                typed = _insert_edits(store, folder / "matches", id_map)
    result_timings = manifest.get("seconds", {})
    finish_scan(store, config, result, timers, progress)
    result.n_edited += typed
    # The stages that ran in Spark, beside the import's own.
    result.timings = {**{f"spark {k}": v for k, v in result_timings.items()}, **result.timings}
    return result


#: Columns an output folder of this reuse has (a folder from before the
#: two-pass plan has neither fingerprints nor representatives).
_REQUIRED_COLUMNS = {
    "documents": ("fp_positions", "fp_hashes"),
    "matches": ("rep_doc",),
}


def _check_columns(folder: Path) -> None:
    """:class:`StoreError` unless the folder's parquet has the columns this import reads."""
    for name, columns in _REQUIRED_COLUMNS.items():
        try:
            dataset = ds.dataset(folder / name, format="parquet")
        except (OSError, ValueError, pa.ArrowException) as exc:
            raise StoreError(f"cannot read {folder / name}: {exc}") from exc
        if not dataset.files:
            continue  # nothing written (no match at all)
        schema = dataset.schema
        missing = [c for c in columns if c not in schema.names]
        if missing:
            raise StoreError(
                f"{folder / name} has no column {', '.join(missing)}: the folder was written "
                f"by an older reuse (before version {__version__}); run the Spark scan again"
            )


def _check_plan(manifest: dict, n_pairs: int, n_candidates: int) -> None:
    """:class:`StoreError` unless the import plans the pairs the Spark job aligned."""
    spark_pairs = manifest.get("n_document_pairs")
    spark_candidates = manifest.get("n_candidates")
    if (spark_pairs is not None and spark_pairs != n_pairs) or (
        spark_candidates is not None and spark_candidates != n_candidates
    ):
        raise StoreError(
            f"the Spark job planned {spark_pairs} document pairs ({spark_candidates} candidate "
            f"passage pairs), the import plans {n_pairs} ({n_candidates}): the folder does "
            "not hold what its documents give; run the Spark scan again"
        )


def _map_ids(column: pa.ChunkedArray, spark_ids: pa.Array, db_ids: pa.Array, what: str) -> pa.Array:
    """Spark document ids -> the database's (NULL stays NULL)."""
    at = pc.index_in(column.cast(pa.int64()), value_set=spark_ids)
    if at.null_count != column.null_count:
        raise StoreError(f"a match names a document the import does not hold ({what})")
    return db_ids.take(at)


def _aligned_table(matches: Path, id_map: dict[int, int]) -> pa.Table:
    """The Spark job's matches as a :data:`reuse.store.database.MATCH_SCHEMA` table (kind
    ``'reuse'``, source ``'align'``) under the document ids the database gave."""
    dataset = ds.dataset(matches, format="parquet")
    if not dataset.files:
        return STORE_MATCH_SCHEMA.empty_table()
    table = dataset.to_table(
        columns=[f.name for f in STORE_MATCH_SCHEMA if f.name not in ("kind", "source")]
    )
    # Both engines orient a pair and order its rows by document id: the ids the
    # database gave must be in the order of the Spark job's (the path order).
    order = sorted(id_map)
    if any(id_map[x] >= id_map[y] for x, y in zip(order, order[1:])):
        raise StoreError("document ids out of path order in the import; use a new database")
    spark_ids = pa.array(list(id_map), pa.int64())
    db_ids = pa.array(list(id_map.values()), pa.int64())
    n = table.num_rows
    columns: dict[str, pa.Array] = {
        "kind": pa.array(["reuse"] * n, pa.string()),
        "source": pa.array(["align"] * n, pa.string()),
    }
    for side in ("doc_a", "doc_b", "rep_doc"):
        columns[side] = _map_ids(table[side], spark_ids, db_ids, side)
    return pa.table(
        [
            (columns[f.name] if f.name in columns else table[f.name]).cast(f.type)
            for f in STORE_MATCH_SCHEMA
        ],
        schema=STORE_MATCH_SCHEMA,
    )


def _insert_edits(store: Store, matches: Path, id_map: dict[int, int]) -> int:
    """Store the edits computed in Spark of the matches the embedded engine types
    (:meth:`reuse.store.database.Store.matches_without_edits`: reuse, and the members of
    templates, once labelled), under the match ids the database gave; returns
    the number of matches typed.

    DuckDB reads them from the parquet files itself (unnested, joined to the
    stored matches on their offsets and representative), so they never
    become Python objects.
    """
    con = store.con
    ids = pa.table(
        {
            "spark_id": pa.array(list(id_map), pa.int64()),
            "doc_id": pa.array(list(id_map.values()), pa.int64()),
        }
    )
    typed = pa.table(
        {"match_id": pa.array([r[0] for r in store.matches_without_edits()], pa.int64())}
    )
    if not typed.num_rows:
        return 0
    files = sorted(str(p) for p in matches.glob("*.parquet"))
    with transaction(con), registered(con, id_map=ids, typed_matches=typed):
        # One parquet row per stored match (two equal rows would be two matches
        # with the same edits: the join would give each both rows' edits).
        con.execute(
            """
            INSERT INTO edits (match_id, edit_no, op, a_start, a_end, b_start, b_end,
                               old_text, new_text, category, pos)
            SELECT m.match_id, e.edit_no, e.op, e.a_start, e.a_end, e.b_start, e.b_end,
                   e.old_text, e.new_text, e.category, e.pos
            FROM (SELECT doc_a, a_start, a_end, doc_b, b_start, b_end, rep_doc,
                         unnest(edits) AS e
                  FROM (SELECT * FROM read_parquet(?)
                        QUALIFY row_number() OVER (PARTITION BY doc_a, a_start, a_end, doc_b,
                                                   b_start, b_end, rep_doc) = 1)) p
            JOIN id_map ia ON ia.spark_id = p.doc_a
            JOIN id_map ib ON ib.spark_id = p.doc_b
            LEFT JOIN id_map ir ON ir.spark_id = p.rep_doc
            JOIN matches m ON m.deleted_at IS NULL AND m.source = 'align'
                AND m.doc_a = ia.doc_id AND m.a_start = p.a_start AND m.a_end = p.a_end
                AND m.doc_b = ib.doc_id AND m.b_start = p.b_start AND m.b_end = p.b_end
                AND m.rep_doc IS NOT DISTINCT FROM ir.doc_id
            WHERE m.match_id IN (SELECT match_id FROM typed_matches)
            """,
            [files],
        )
        con.execute(
            "UPDATE matches m SET n_edits = coalesce(c.n, 0) FROM typed_matches t "
            "LEFT JOIN (SELECT match_id, count(*) AS n FROM edits GROUP BY match_id) c "
            "USING (match_id) WHERE m.match_id = t.match_id"
        )
        con.execute(
            "INSERT INTO meta VALUES ('shares_stale', '1') "
            "ON CONFLICT (key) DO UPDATE SET value = '1'"
        )
    return typed.num_rows
