"""Evaluation: the PAN text-alignment measures at character level.

A *case* ``s`` is a passage of a suspicious document copied from a passage of
a source document; a *detection* ``r`` is a passage pair that a tool reports.
Both are sets of character references in two documents: ``[susp_start,
susp_end)`` of the suspicious document and ``[src_start, src_end)`` of the
source document (0-based, end-exclusive code-point offsets). So
``|s| = (susp_end - susp_start) + (src_end - src_start)``.

Following Potthast, Stein, Barrón-Cedeño and Rosso (2010), "An Evaluation
Framework for Plagiarism Detection", as used for PAN 2013 text alignment:

* ``r`` *detects* ``s`` iff they concern the same (suspicious, source)
  document pair and their ranges overlap in BOTH documents. Then
  ``s ⊓ r = s ∩ r``, else ``s ⊓ r = ∅``.
* ``rec(S, R) = 1/|S| · Σ_{s∈S} |⋃_{r∈R} (s ⊓ r)| / |s|``  (macro-averaged)
* ``prec(S, R) = 1/|R| · Σ_{r∈R} |⋃_{s∈S} (s ⊓ r)| / |r|``; a detection that
  detects no case contributes 0.
* ``gran(S, R) = 1/|S_R| · Σ_{s∈S_R} |R_s|``, where ``S_R`` are the cases
  detected by at least one detection and ``R_s`` the detections of ``s``.
* ``plagdet = F1 / log2(1 + gran)`` with ``F1 = 2·prec·rec / (prec + rec)``.

Unions are computed by merging intervals per document, never with
per-character sets, and detections are indexed by document pair, so scoring
1,000 cases against 5,000 detections takes well under a second.

Edge cases (PAN leaves them undefined; these are our choices):

* no cases: recall is ``nan`` (there is nothing to recall), and so is plagdet;
  read precision instead, which is 0 for any detection on such a corpus.
* no detections: precision is 0.0 when there are cases (as in PAN's own
  script, so a silent tool scores plagdet 0) and 1.0 when there are no cases
  either (nothing claimed, nothing missed).
* no detected case: granularity is 1.0 (PAN).
* ``prec + rec == 0``: plagdet is 0.0.

Orientation. The tool does not know which side of a match is the suspicious
one, so :func:`jobs.evaluation.loaders.load_detections` emits every match
twice, once per orientation. :func:`score` only scores detections whose
``(susp, src)`` pair has a case or is listed in ``pairs`` (PAN only scores
the listed pairs), so a mirrored detection in an unlisted orientation drops
out. To score every document pair once, pass ``pairs=all_pairs(keys, cases)``.

The cases and detections themselves are :mod:`jobs.evaluation.cases`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from jobs.evaluation.cases import Case, Detection, Pair, Span


@dataclass(frozen=True)
class Scores:
    """PAN measures of one set of cases and detections (see the module docstring)."""

    precision: float
    recall: float
    granularity: float
    plagdet: float
    n_cases: int
    n_detections: int

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)


def _overlaps(a: Span, b: Span) -> bool:
    """True when ``a`` and ``b`` overlap in both documents (pairs are checked by the caller)."""
    return (
        a.susp_start < b.susp_end
        and b.susp_start < a.susp_end
        and a.src_start < b.src_end
        and b.src_start < a.src_end
    )


def _union_length(intervals: list[tuple[int, int]]) -> int:
    """Characters in the union of half-open intervals.

    >>> _union_length([(0, 5), (3, 8), (10, 12)])
    10
    """
    total = 0
    cur_start = cur_end = -1
    for start, end in sorted(intervals):
        if start > cur_end:
            total += cur_end - cur_start
            cur_start, cur_end = start, end
        elif end > cur_end:
            cur_end = end
    return total + (cur_end - cur_start)


def _covered_fraction(x: Span, others: Iterable[Span]) -> float:
    """``|⋃_o (x ∩ o)| / |x|``, counting characters in both documents.

    Every element of ``others`` must overlap ``x`` in both documents.
    """
    susp: list[tuple[int, int]] = []
    src: list[tuple[int, int]] = []
    for o in others:
        susp.append((max(x.susp_start, o.susp_start), min(x.susp_end, o.susp_end)))
        src.append((max(x.src_start, o.src_start), min(x.src_end, o.src_end)))
    if not susp:
        return 0.0
    return (_union_length(susp) + _union_length(src)) / x.n_chars


def _f1(precision: float, recall: float) -> float:
    if math.isnan(precision) or math.isnan(recall):
        return math.nan
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def _restrict(
    cases: Sequence[Case], detections: Iterable[Detection], pairs: Iterable[Pair] | None
) -> list[Detection]:
    """Detections whose pair has a case or is listed in ``pairs``."""
    scored = {c.pair for c in cases}
    if pairs is not None:
        scored.update(pairs)
    return [d for d in detections if d.pair in scored]


def _align(
    cases: Sequence[Case], detections: Sequence[Detection]
) -> tuple[list[list[int]], list[list[int]]]:
    """For each case the indices of the detections that detect it, and vice versa."""
    by_pair: dict[Pair, list[int]] = defaultdict(list)
    for j, d in enumerate(detections):
        by_pair[d.pair].append(j)
    case_hits: list[list[int]] = [[] for _ in cases]
    det_hits: list[list[int]] = [[] for _ in detections]
    for i, c in enumerate(cases):
        for j in by_pair.get(c.pair, ()):
            if _overlaps(c, detections[j]):
                case_hits[i].append(j)
                det_hits[j].append(i)
    return case_hits, det_hits


def _scores(
    cases: Sequence[Case],
    detections: Sequence[Detection],
    case_hits: list[list[int]],
    det_hits: list[list[int]],
    case_idx: Sequence[int],
    det_idx: Sequence[int],
) -> Scores:
    """Scores of the cases ``case_idx`` and the detections ``det_idx``.

    Recall and granularity of a case use every detection that detects it;
    precision of a detection uses every case that it detects.
    """
    n_cases, n_dets = len(case_idx), len(det_idx)
    if n_cases:
        recall = (
            sum(
                _covered_fraction(cases[i], (detections[j] for j in case_hits[i])) for i in case_idx
            )
            / n_cases
        )
    else:
        recall = math.nan
    if n_dets:
        precision = (
            sum(_covered_fraction(detections[j], (cases[i] for i in det_hits[j])) for j in det_idx)
            / n_dets
        )
    else:
        precision = 0.0 if n_cases else 1.0
    per_case = [len(case_hits[i]) for i in case_idx if case_hits[i]]
    granularity = sum(per_case) / len(per_case) if per_case else 1.0
    f1 = _f1(precision, recall)
    plagdet = f1 if math.isnan(f1) or f1 == 0.0 else f1 / math.log2(1 + granularity)
    return Scores(precision, recall, granularity, plagdet, n_cases, n_dets)


def score(
    cases: Iterable[Case],
    detections: Iterable[Detection],
    pairs: Iterable[Pair] | None = None,
) -> Scores:
    """PAN precision, recall, granularity and plagdet of ``detections`` against ``cases``.

    Only detections whose ``(susp, src)`` pair has a case or is in ``pairs``
    are scored; the others are dropped before anything is counted, so they
    neither detect cases nor lower precision.

    >>> c = Case("a.txt", 0, 100, "b.txt", 0, 100)
    >>> score([c], [Detection("a.txt", 0, 50, "b.txt", 0, 50)]).recall
    0.5
    """
    cases = list(cases)
    dets = _restrict(cases, detections, pairs)
    case_hits, det_hits = _align(cases, dets)
    return _scores(cases, dets, case_hits, det_hits, range(len(cases)), range(len(dets)))


def score_by(
    cases: Iterable[Case],
    detections: Iterable[Detection],
    key: Callable[[Case], str],
    pairs: Iterable[Pair] | None = None,
) -> dict[str, Scores]:
    """:func:`score` per group of cases, ``key(case)`` naming the group; keys sorted.

    A group holds the cases with that key, and the detections that either
    detect one of them, or detect no case at all but lie in a document pair
    that has a case of the group (PAN-style per-level precision: false
    detections are charged to the levels of the pair they lie in). Hence a
    detection can count in several groups, and false detections in pairs
    without any case (possible when ``pairs`` is given) count only in the
    overall :func:`score`.

    Recall and granularity of a case use all detections that detect it. The
    precision of a detection is computed against ALL cases, not only the
    group's, so a detection covering two adjacent cases of different levels
    is fully correct in both groups.
    """
    cases = list(cases)
    dets = _restrict(cases, detections, pairs)
    case_hits, det_hits = _align(cases, dets)
    group_cases: dict[str, list[int]] = defaultdict(list)
    pair_groups: dict[Pair, set[str]] = defaultdict(set)
    for i, c in enumerate(cases):
        k = key(c)
        group_cases[k].append(i)
        pair_groups[c.pair].add(k)
    group_dets: dict[str, list[int]] = defaultdict(list)
    for j, d in enumerate(dets):
        groups = {key(cases[i]) for i in det_hits[j]} if det_hits[j] else pair_groups.get(d.pair)
        for k in groups or ():
            group_dets[k].append(j)
    return {
        k: _scores(cases, dets, case_hits, det_hits, group_cases[k], group_dets[k])
        for k in sorted(group_cases)
    }


def all_pairs(keys: Iterable[str], cases: Iterable[Case] = ()) -> set[Pair]:
    """Every unordered pair of distinct documents once, as ``(susp, src)``.

    A pair that has a case keeps the case's orientation (both, if cases exist
    in both orientations); any other pair is ordered ``(smaller, larger)``.
    Passed as ``pairs`` to :func:`score`, it makes every reported match count
    exactly once, so false detections between documents without a case lower
    precision.

    >>> sorted(all_pairs(["a", "b", "c"], [Case("c", 0, 1, "a", 0, 1)]))
    [('a', 'b'), ('b', 'c'), ('c', 'a')]
    """
    case_pairs = {c.pair for c in cases}
    out: set[Pair] = set()
    for a, b in combinations(sorted(set(keys)), 2):
        oriented = {p for p in ((a, b), (b, a)) if p in case_pairs}
        out.update(oriented or {(a, b)})
    return out


def format_table(scores: dict[str, Scores], title: str = "level") -> str:
    """A plain-text table, one row per group, measures to 3 decimals.

    >>> print(format_table({"verbatim": Scores(1.0, 0.5, 1.0, 2 / 3, 2, 1)}))
    level     cases  detections  precision  recall  granularity  plagdet
    verbatim      2           1      1.000   0.500        1.000    0.667
    """
    width = max([len(title), *(len(k) for k in scores)])
    header = (
        f"{title:<{width}}  {'cases':>5}  {'detections':>10}  {'precision':>9}  "
        f"{'recall':>6}  {'granularity':>11}  {'plagdet':>7}"
    )
    lines = [header]
    for k, s in scores.items():
        lines.append(
            f"{k:<{width}}  {s.n_cases:>5}  {s.n_detections:>10}  {s.precision:>9.3f}  "
            f"{s.recall:>6.3f}  {s.granularity:>11.3f}  {s.plagdet:>7.3f}"
        )
    return "\n".join(lines)
