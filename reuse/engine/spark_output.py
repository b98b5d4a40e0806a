"""The Spark engine's output folder: its layout, the parquet schemas, the manifest.

The Spark engine (:mod:`reuse.engine.spark`) writes one folder::

    OUTPUT/manifest.json      configuration, versions, roots, counts, seconds per stage
    OUTPUT/documents/         parquet: one row per file (indexed, or rejected with its error)
    OUTPUT/plan/              parquet: one row per planned document pair and pass, its seeds
    OUTPUT/matches/           parquet: one row per aligned segment, its typed edits nested

Everything in it is plain parquet, so it can be read by any tool; this module
needs only pyarrow (no Spark). :func:`read_manifest` reads and checks the
manifest; ``reuse import`` (:mod:`reuse.engine.spark_import`) loads the
folder into a new DuckDB database.

Document ids in the folder are the 1-based rank of the path among all input
files; the database assigns its own ids (in the same order) and the import maps them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from reuse.errors import StoreError
from reuse.store.derived import EDIT_SCHEMA

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
        ("date_precision", pa.string()),  # 'day', 'month', 'year' (reuse.text.dates)
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

#: ``plan/``: the alignment plan (:func:`reuse.engine.planning.plan_passes`), one row per
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

#: ``matches/``: the aligned segments (``reuse.store.matches.MATCH_SCHEMA`` columns, ``kind``
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


def _kind(value: object) -> str:
    """The JSON kind of a value, for a message: ``null``, ``int``, ``str``, ..."""
    return "null" if value is None else type(value).__name__


#: The manifest's keys an import reads: their types, and whether required.
_MANIFEST_KEYS: dict[str, tuple[tuple[type, ...], bool]] = {
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


class _ManifestCheck:
    """The checks of one manifest.json, each failing with a message naming the file."""

    def __init__(self, folder: str | Path, path: Path) -> None:
        self.folder = folder
        self.path = path

    def bad(self, what: str) -> StoreError:
        return StoreError(f"{self.path} is not a valid Spark output manifest: {what}")

    def layout(self, manifest: object) -> dict:
        """The manifest as a dict, if it is an object of this reuse's layout."""
        if not isinstance(manifest, dict):
            raise self.bad(f"a JSON object was expected, found {_kind(manifest)}")
        if "layout" not in manifest:
            raise self.bad("the key 'layout' is missing")
        if isinstance(manifest["layout"], bool) or manifest["layout"] != LAYOUT_VERSION:
            raise StoreError(
                f"{self.folder} has output layout {manifest['layout']!r}; "
                f"this reuse reads layout {LAYOUT_VERSION}"
            )
        return manifest

    def keys(self, manifest: dict) -> None:
        """Every key of :data:`_MANIFEST_KEYS` present if required, and of its type."""
        for key, (types, required) in _MANIFEST_KEYS.items():
            if key not in manifest:
                if required:
                    raise self.bad(f"the key {key!r} is missing")
                continue
            value = manifest[key]
            # bool is an int in Python, not in a manifest.
            if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
                names = " or ".join("integer" if t is int else t.__name__ for t in types)
                raise self.bad(f"{key!r} must be {names}, found {_kind(value)} {value!r:.60}")

    def entries(self, manifest: dict) -> None:
        """The ``config`` a JSON object, and every root, listing error and
        stage's seconds of the right type."""
        try:
            config = json.loads(manifest["config"])
        except ValueError as exc:
            raise self.bad(f"'config' is not JSON text: {exc}") from exc
        if not isinstance(config, dict):
            raise self.bad(f"'config' must be the JSON of an object, found {_kind(config)}")
        for i, root in enumerate(manifest.get("roots", [])):
            if not isinstance(root, str):
                raise self.bad(f"roots[{i}] must be str, found {_kind(root)}")
        for i, entry in enumerate(manifest.get("listing_errors", [])):
            if not isinstance(entry, dict):
                raise self.bad(f"listing_errors[{i}] must be an object, found {_kind(entry)}")
            for key in ("path", "stage", "message"):
                if not isinstance(entry.get(key), str):
                    raise self.bad(f"listing_errors[{i}] needs a string {key!r}")
        for stage, seconds in manifest.get("seconds", {}).items():
            if not isinstance(seconds, int | float) or isinstance(seconds, bool):
                raise self.bad(f"seconds[{stage!r}] must be a number, found {_kind(seconds)}")


def _manifest_json(folder: str | Path, path: Path) -> object:
    """The parsed JSON of ``path``; :class:`StoreError` if it cannot be read or parsed."""
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
        return json.loads(text)
    except ValueError as exc:
        raise StoreError(f"{path} is not valid JSON: {exc}") from exc


def read_manifest(folder: str | Path) -> dict:
    """The manifest of an output folder; :class:`StoreError` if it is not one.

    Every key the import reads is checked here, so a malformed manifest.json
    (not JSON, not an object, a key missing or of the wrong type, a
    ``config`` that is not a JSON object) is one message naming the file and
    what is wrong, never a traceback halfway through an import.
    """
    path = Path(folder) / "manifest.json"
    check = _ManifestCheck(folder, path)
    manifest = check.layout(_manifest_json(folder, path))
    check.keys(manifest)
    check.entries(manifest)
    return manifest
