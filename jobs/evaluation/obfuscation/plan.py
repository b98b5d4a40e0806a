"""The plan of the generated corpus, drawn before any text: the cases by level and
length band, grouped by suspicious document; the passages cut from a source;
the documents that get formulaic lines.

Cases cycle through the levels other than republication and the three bands; about
:data:`REPUBLICATION_SHARE` of them are republications, each alone in its
document. The others go 1-3 to a suspicious document (their passages at most
:data:`MAX_CASE_CHARS_PER_DOC` characters together), from one source or two.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from jobs.evaluation.obfuscation.levels import LEVELS
from jobs.evaluation.obfuscation.text import ends_sentence, sentence_units

BANDS = ("short", "medium", "long")
BAND_CHARS = {"short": (45, 149), "medium": (150, 600), "long": (601, 2000)}
"""Source passage length range (characters) of each band, matching length_band."""
REPUBLICATION_SHARE = 0.12
"""Share of the cases that are republications (at least one)."""
MAX_CASE_CHARS_PER_DOC = 4500
"""Upper bound on the sum of band maxima of the passages inserted into one document."""
FORMULAIC_SHARE = 0.4
"""Share of all documents that get formulaic lines."""


@dataclass
class CaseSpec:
    """One planned case: its level and band; its source range once cut, and which of its
    group's sources it comes from."""

    level: str
    band: str
    src_span: tuple[int, int] = (0, 0)
    src_index: int = 0  # which of the group's sources


def plan(n_cases: int, rng: random.Random) -> list[list[CaseSpec]]:
    """Cases grouped by suspicious document: republication alone, others 1-3 per document."""
    if n_cases < len(LEVELS):
        raise ValueError(f"--cases must be at least {len(LEVELS)} (one per level), got {n_cases}")
    n_rep = max(1, round(n_cases * REPUBLICATION_SHARE))
    others = [CaseSpec(LEVELS[i % 4], BANDS[(i // 4) % 3]) for i in range(n_cases - n_rep)]
    rng.shuffle(others)
    groups: list[list[CaseSpec]] = [
        [CaseSpec("republication", BANDS[1 + i % 2])] for i in range(n_rep)
    ]
    i = 0
    while i < len(others):
        k = rng.choice((1, 2, 2, 3, 3))
        group = [others[i]]
        i += 1
        while (
            len(group) < k
            and i < len(others)
            and sum(BAND_CHARS[s.band][1] for s in [*group, others[i]]) <= MAX_CASE_CHARS_PER_DOC
        ):
            group.append(others[i])
            i += 1
        if len(group) >= 2 and rng.random() < 0.5:
            for j, spec in enumerate(group):
                spec.src_index = j % 2 if j < 2 else rng.randrange(2)
        groups.append(group)
    rng.shuffle(groups)
    return groups


def pick_passages(
    body: str, bands: list[str], rng: random.Random, tries: int = 300
) -> list[tuple[int, int]] | None:
    """Disjoint runs of whole sentences of ``body``, one per band, ending with a terminator."""
    units = sentence_units(body)
    used: list[tuple[int, int]] = []  # unit index ranges, inclusive, with a one-unit margin
    spans: list[tuple[int, int]] = []
    for band in bands:
        lo, hi = BAND_CHARS[band]
        for _ in range(tries):
            target = rng.randint(lo, hi)
            i = rng.randrange(len(units))
            j = i
            while body_len(units, i, j) < target and j + 1 < len(units):
                j += 1
            while j > i and body_len(units, i, j) > hi:
                j -= 1
            length = body_len(units, i, j)
            if not (lo <= length <= hi) or not ends_sentence(body[units[j][0] : units[j][1]]):
                continue
            if any(i <= b + 1 and a - 1 <= j for a, b in used):
                continue
            used.append((i, j))
            spans.append((units[i][0], units[j][1]))
            break
        else:
            return None
    return spans


def body_len(units: list[tuple[int, int]], i: int, j: int) -> int:
    """Characters from the start of unit ``i`` to the end of unit ``j``."""
    return units[j][1] - units[i][0]


def formulaic_plan(
    groups: list[list[CaseSpec]], n_distractors: int, rng: random.Random
) -> tuple[list[int], set[str]]:
    """The first source number of each group, and the documents that get formulaic lines.

    Decided up front so that the share is exact (FORMULAIC_SHARE of all
    documents). Republications and their sources never get any: there the
    whole source document is the case.
    """
    first_src = [0]
    eligible = []
    for gi, group in enumerate(groups):
        n_src = 1 + max(s.src_index for s in group)
        if group[0].level != "republication":
            eligible.append(f"susp_{gi + 1:04d}.txt")
            eligible += [f"src_{first_src[-1] + si + 1:04d}.txt" for si in range(n_src)]
        first_src.append(first_src[-1] + n_src)
    eligible += [f"distractor_{i + 1:04d}.txt" for i in range(n_distractors)]
    n_docs = len(groups) + first_src[-1] + n_distractors
    chosen = rng.sample(eligible, min(len(eligible), math.ceil(FORMULAIC_SHARE * n_docs)))
    return first_src, set(chosen)
