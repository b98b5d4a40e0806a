"""Exact-run coverage: how much of the text two documents share verbatim is reported.

The measure behind the promise "every run of at least 40 identical
normalised characters that two documents share is found":

* **Truth.** For every pair of documents ``(A, B)``, the characters of ``A``
  covered by a ``run``-gram (``run`` consecutive normalised characters,
  default 40) that also occurs in ``B`` are the characters of ``A`` that
  ``A`` shares with ``B`` in exact runs of at least ``run`` characters; the
  same for ``B``. Computed from 64-bit hashes of every ``run``-gram.
* **Reported.** A shared character of ``A`` (with ``B``) is covered when a
  stored span between ``A`` and ``B`` (a row of the ``shared_spans`` view:
  reuse, template, boilerplate, quotation) holds it.
* **Coverage** = covered shared characters / shared characters, summed over
  both sides of every pair. Per kind of span, and what no span covers.

Character counts are of normalised text (:mod:`reuse.text.normalise`); spans are
mapped from original to normalised offsets through the offset map.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from reuse.detect.seeds import kgram_hashes
from reuse.text.normalise import normalise

__all__ = ["Coverage", "exact_run_coverage", "gov_reports_56"]

#: The years of the national reports in :func:`gov_reports_56`.
_YEARS = ("2021", "2022", "2023", "2024", "2025")


def gov_reports_56(corpora: Path) -> list[Path]:
    """The 56 reports of ``gov_reports`` the exact-run measure is quoted on:
    the national reports of 2021-2025, the 31 provincial reports of 2026 and
    the 20 NPC resolutions (``corpora`` is ``../shared/corpora``)."""
    root = corpora / "gov_reports"
    files = [p for p in sorted((root / "national").glob("*.txt")) if p.name[:4] in _YEARS]
    files += sorted((root / "provincial_2026").glob("*.txt"))
    files += sorted((root / "npc_resolutions").glob("*.txt"))
    return files


@dataclass
class Coverage:
    """Shared and covered characters (normalised), summed over document pairs.

    Attributes:
        shared: characters in exact shared runs (both sides of every pair).
        covered: of those, the characters a stored span between the pair holds.
        by_kind: covered characters per kind of span (a character held by
            spans of several kinds counts for each).
        pairs: document pairs that share a run.
        uncovered_examples: ``(path_a, path_b, text)`` of the longest uncovered runs.
    """

    shared: int = 0
    covered: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    pairs: int = 0
    uncovered_examples: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.covered / self.shared if self.shared else 1.0


def _shared_positions(texts: dict[int, str], run: int) -> dict[tuple[int, int], list[np.ndarray]]:
    """Per ordered pair ``(A, B)``, start positions in ``A`` of run-grams found in ``B``."""
    hashes = {d: kgram_hashes(t, run) for d, t in texts.items()}
    owners: dict[int, set[int]] = defaultdict(set)
    for d, h in hashes.items():
        for value in np.unique(h).tolist():
            owners[value].add(d)
    shared_values = {v: docs for v, docs in owners.items() if len(docs) > 1}
    out: dict[tuple[int, int], list[np.ndarray]] = defaultdict(list)
    for d, h in hashes.items():
        if not len(h):
            continue
        values = h.tolist()
        partners: dict[int, list[int]] = defaultdict(list)
        for pos, value in enumerate(values):
            for other in shared_values.get(value, ()):
                if other != d:
                    partners[other].append(pos)
        for other, positions in partners.items():
            out[(d, other)].append(np.array(positions, dtype=np.int64))
    return out


#: Kinds in the order a shared character is counted under (the first that holds it).
_KIND_ORDER = ("reuse", "quotation", "template", "boilerplate")


def exact_run_coverage(con, run: int = 40, examples: int = 10) -> Coverage:
    """Coverage of the exact shared runs of the live documents by ``shared_spans``.

    ``con`` is a connection to a scanned database (read-only is enough).
    """
    docs = con.execute("SELECT doc_id, path, text FROM live_documents ORDER BY doc_id").fetchall()
    paths = {d: p for d, p, _ in docs}
    norms = {d: normalise(t) for d, _, t in docs}
    texts = {d: n.text for d, n in norms.items()}
    spans: dict[tuple[int, int], list[tuple[str, int, int]]] = defaultdict(list)
    for doc_a, a0, a1, doc_b, b0, b1, kind in con.execute(
        "SELECT doc_a, a_start, a_end, doc_b, b_start, b_end, kind FROM shared_spans"
    ).fetchall():
        spans[(doc_a, doc_b)].append((kind, a0, a1))
        spans[(doc_b, doc_a)].append((kind, b0, b1))
    result = Coverage()
    uncovered: list[tuple[int, str, str, str]] = []
    for (a, b), starts in sorted(_shared_positions(texts, run).items()):
        if a < b:
            result.pairs += 1
        origin = norms[a].origin
        shared = np.zeros(len(texts[a]), dtype=bool)
        for s in starts:
            marks = np.zeros(len(shared) + 1, dtype=np.int64)
            np.add.at(marks, s, 1)
            np.add.at(marks, np.minimum(s + run, len(shared)), -1)
            shared |= np.cumsum(marks[:-1]) > 0
        covered = np.zeros(len(shared), dtype=bool)
        by_kind: dict[str, np.ndarray] = {}
        for kind, start, end in spans.get((a, b), ()):
            inside = (origin[: len(shared)] >= start) & (origin[: len(shared)] < end)
            mask = by_kind.setdefault(kind, np.zeros(len(shared), dtype=bool))
            mask |= inside
            covered |= inside
        # Each shared character counted once, under the first kind that holds it.
        counted = np.zeros(len(shared), dtype=bool)
        for kind in sorted(by_kind, key=_KIND_ORDER.index):
            held = by_kind[kind] & shared & ~counted
            result.by_kind[kind] += int(held.sum())
            counted |= held
        result.shared += int(shared.sum())
        result.covered += int((shared & covered).sum())
        missing = shared & ~covered
        if missing.any():
            edges = np.flatnonzero(np.diff(np.concatenate(([0], missing.astype(np.int8), [0]))))
            for s, e in zip(edges[0::2].tolist(), edges[1::2].tolist()):
                uncovered.append((e - s, paths[a], paths[b], texts[a][s:e]))
    uncovered.sort(key=lambda u: (-u[0], u[1], u[2]))
    result.uncovered_examples = [(pa, pb, text) for _, pa, pb, text in uncovered[:examples]]
    return result


def report(coverage: Coverage, title: str) -> str:
    """The coverage as text lines, for jobs and logs."""
    lines = [
        f"## {title}",
        f"document pairs sharing a run: {coverage.pairs:,}",
        f"characters in exact shared runs (both sides): {coverage.shared:,}",
        f"covered by shared_spans rows: {coverage.covered:,} ({coverage.share:.1%})",
    ]
    for kind, n in sorted(coverage.by_kind.items(), key=lambda kv: _KIND_ORDER.index(kv[0])):
        lines.append(f"  of which in {kind} rows: {n:,}")
    if coverage.uncovered_examples:
        lines.append("longest uncovered runs:")
        for path_a, path_b, text in coverage.uncovered_examples:
            shown = text if len(text) <= 80 else text[:77] + "..."
            lines.append(f"  {Path(path_a).name} ~ {Path(path_b).name}: {shown}")
    return "\n".join(lines)
