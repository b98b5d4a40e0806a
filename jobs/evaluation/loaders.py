"""Reading cases and detections: the ground truth of a corpus and the matches of a scan.

* :func:`load_cases_tsv`: the ``truth.tsv`` of ``jobs/obfuscation_corpus.py``;
* :func:`load_pan_cases`, :func:`load_pan_excluded`: the flattened PAN 2013
  text-alignment copy (``cases.tsv``, ``pairs.tsv``), split by how reliable
  a case's offsets are;
* :func:`load_detections`: the ``matches`` of a scan database, in both
  orientations; :func:`drop_detections_of` leaves out those of excluded cases.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from jobs.evaluation.cases import Case, Detection, Pair, length_band
from reuse.errors import StoreError
from reuse.store.connection import connect

_MATCHES_SQL = """
SELECT da.path, m.a_start, m.a_end, db.path, m.b_start, m.b_end
FROM matches AS m
JOIN documents AS da ON da.doc_id = m.doc_a
JOIN documents AS db ON db.doc_id = m.doc_b
WHERE m.kind = $kind OR $all_kinds
ORDER BY m.match_id
"""


def load_detections(
    db_path: str | os.PathLike[str],
    key_of_path: Callable[[str], str] = os.path.basename,
    kind: str | None = "reuse",
) -> list[Detection]:
    """Detections from the ``matches`` of a scan database, in both orientations.

    Reads the DuckDB file read-only and joins ``matches`` to ``documents``;
    offsets are the stored code-point offsets into ``documents.text`` (the
    decoded file text), so they are comparable with ground truth on the files
    as long as ingest kept the text as written. Document keys are
    ``key_of_path(documents.path)`` (the file name by default). ``kind``
    filters ``matches.kind`` (``None``: all kinds).

    Each match ``(a, b)`` yields ``Detection(a → b)`` and its mirror
    ``Detection(b → a)``, because the tool does not know which side is the
    suspicious one; :func:`score` keeps only the orientation that is scored.
    Matches with an empty range on either side are skipped.

    Raises:
        StoreError: the file does not exist.
        ValueError: two documents map to the same key.
    """
    path = Path(db_path)
    if not path.is_file():
        raise StoreError(f"{path}: no such database file; run a scan first")
    con = connect(str(path), read_only=True)
    try:
        keys: dict[str, str] = {}
        for (doc_path,) in con.execute("SELECT DISTINCT path FROM documents").fetchall():
            k = key_of_path(doc_path)
            if k in keys and keys[k] != doc_path:
                raise ValueError(
                    f"documents {keys[k]!r} and {doc_path!r} both have key {k!r}; "
                    "pass a key_of_path that keeps more of the path"
                )
            keys[k] = doc_path
        rows = con.execute(_MATCHES_SQL, {"kind": kind or "", "all_kinds": kind is None}).fetchall()
    finally:
        con.close()
    out: list[Detection] = []
    for path_a, a_start, a_end, path_b, b_start, b_end in rows:
        if not (0 <= a_start < a_end and 0 <= b_start < b_end):
            continue
        ka, kb = key_of_path(path_a), key_of_path(path_b)
        out.append(Detection(ka, a_start, a_end, kb, b_start, b_end))
        out.append(Detection(kb, b_start, b_end, ka, a_start, a_end))
    return out


def _pan_case(row: dict[str, str]) -> Case:
    """The case of a row of the PAN copy's ``cases.tsv``: ``[this_offset, this_offset +
    this_length)`` of the suspicious document, ``[source_offset, source_offset +
    source_length)`` of the source; level the ``obfuscation`` column, band
    :func:`length_band` of ``source_length``."""
    this_off, this_len = int(row["this_offset"]), int(row["this_length"])
    src_off, src_len = int(row["source_offset"]), int(row["source_length"])
    return Case(
        row["susp"],
        this_off,
        this_off + this_len,
        row["src"],
        src_off,
        src_off + src_len,
        level=row["obfuscation"],
        band=length_band(src_len),
    )


def load_pan_cases(
    corpus_dir: str | os.PathLike[str], min_offset_check_ratio: float = 0.9
) -> tuple[list[Case], set[Pair]]:
    """Cases and scored pairs of the flattened PAN 2013 copy (``cases.tsv``, ``pairs.tsv``).

    Keys are the file names (``suspicious-document00005.txt``); a case is
    ``[this_offset, this_offset + this_length)`` in the suspicious document and
    ``[source_offset, source_offset + source_length)`` in the source. Its
    ``level`` is the ``obfuscation`` column and its ``band`` is
    :func:`length_band` of ``source_length``.

    The source documents of this copy went through OCR, so some source offsets
    are approximate: only cases with ``offset_check_ratio >=
    min_offset_check_ratio`` are kept. A pair of ``pairs.tsv`` whose cases were
    ALL dropped is dropped too, so that (correct) detections there do not
    count against precision; pairs that never had a case are kept.
    """
    root = Path(corpus_dir)
    for name in ("cases.tsv", "pairs.tsv"):
        if not (root / name).is_file():
            raise FileNotFoundError(f"{root / name}: missing; expected the flattened PAN copy")
    cases: list[Case] = []
    had_case: set[Pair] = set()
    with open(root / "cases.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            had_case.add((row["susp"], row["src"]))
            if float(row["offset_check_ratio"] or "nan") >= min_offset_check_ratio:
                cases.append(_pan_case(row))
    kept = {c.pair for c in cases}
    with open(root / "pairs.tsv", encoding="utf-8", newline="") as fh:
        pairs = {
            (row["susp"], row["src"])
            for row in csv.DictReader(fh, delimiter="\t")
            if (row["susp"], row["src"]) in kept or (row["susp"], row["src"]) not in had_case
        }
    return cases, pairs


def load_pan_excluded(
    corpus_dir: str | os.PathLike[str], min_offset_check_ratio: float = 0.9
) -> list[Case]:
    """The PAN cases :func:`load_pan_cases` leaves out (offset check below the ratio)."""
    out = []
    with open(Path(corpus_dir) / "cases.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if not float(row["offset_check_ratio"] or "nan") >= min_offset_check_ratio:
                out.append(_pan_case(row))
    return out


def drop_detections_of(
    detections: Iterable[Detection], excluded: Iterable[Case]
) -> list[Detection]:
    """Detections that do not overlap an excluded case in its suspicious document.

    A case left out of scoring (its annotation is unreliable) is still real
    reuse; a detection of it is neither a hit nor a false positive, so it is
    left out too rather than counted against precision.
    """
    by_pair: dict[Pair, list[Case]] = {}
    for c in excluded:
        by_pair.setdefault(c.pair, []).append(c)
    kept = []
    for d in detections:
        if any(
            c.susp_start < d.susp_end and d.susp_start < c.susp_end for c in by_pair.get(d.pair, ())
        ):
            continue
        kept.append(d)
    return kept


def load_cases_tsv(path: str | os.PathLike[str]) -> list[Case]:
    """Cases from a TSV with columns susp, susp_start, susp_end, src, src_start, src_end.

    Optional columns ``level`` and ``band`` are kept; others (e.g. ``chars``)
    are ignored. This reads the ``truth.tsv`` of ``jobs/obfuscation_corpus.py``.
    """
    with open(path, encoding="utf-8", newline="") as fh:
        return [
            Case(
                row["susp"],
                int(row["susp_start"]),
                int(row["susp_end"]),
                row["src"],
                int(row["src_start"]),
                int(row["src_end"]),
                level=row.get("level") or "",
                band=row.get("band") or "",
            )
            for row in csv.DictReader(fh, delimiter="\t")
        ]
