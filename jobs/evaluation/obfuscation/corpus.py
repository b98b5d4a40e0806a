"""The generated corpus: documents with obfuscated passages inserted, written with
their character-level ground truth (:func:`generate`), and its summary.

What :func:`generate` writes under ``out_dir``:

* ``docs/src_0001.txt ...``: source documents, excerpts of real documents of
  ``../shared/corpora`` (``xwlb_news`` days of consecutive items,
  ``gov_reports``, ``cn_laws_regs``);
* ``docs/susp_0001.txt ...``: suspicious documents: a real host text with 1-3
  passages from 1-2 sources inserted at sentence boundaries, each passage
  obfuscated at one level, or a whole source republished as a news article;
* ``docs/distractor_0001.txt ...``: real texts with no reuse;
* ``truth.tsv``: one row per case: susp, susp_start, susp_end, src,
  src_start, src_end, level, band, chars (offsets are 0-based end-exclusive
  code points into the files' text exactly as written; the suspicious range
  covers the inserted passage including any noise inserted inside it; for a
  republication it runs from the first to the last copied character and the
  source range is the whole text; chars is the length of the source range,
  and band is :func:`jobs.evaluation.cases.length_band` of it);
* ``docs.tsv``: file, role, chars, formulaic (0/1), origin (corpus paths).

Levels: :mod:`jobs.evaluation.obfuscation.levels`. Formulaic lines
("尊敬的各位领导，同志们：", "谢谢大家！", ...) are added as whole lines to at
least 40% of the documents, cases or not. They are not cases: a tool that
reports them as reuse loses precision.

No unintended reuse: all real text, captions and bylines come from one
:class:`~jobs.evaluation.obfuscation.pool.TextPool`, so outside case passages
and formulaic lines no two documents share a 12-gram;
:func:`~jobs.evaluation.obfuscation.text.shared_ngrams` verifies it on the
written corpus.

Everything is drawn from one ``random.Random(seed)``: the same seed and
source corpus give byte-identical files.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from jobs.evaluation import DEFAULT_CORPORA
from jobs.evaluation.cases import Case, length_band
from jobs.evaluation.obfuscation.levels import LEVELS, obfuscate, republish
from jobs.evaluation.obfuscation.plan import (
    BAND_CHARS,
    BANDS,
    CaseSpec,
    formulaic_plan,
    pick_passages,
    plan,
)
from jobs.evaluation.obfuscation.pool import SyntheticPool, TextPool
from jobs.evaluation.obfuscation.text import (
    CLOSERS,
    OPENERS,
    ends_sentence,
    sentence_units,
    shared_ngrams,
)


def _formulaic(rng: random.Random) -> tuple[str, str]:
    """Prefix and suffix lines of formulaic text for a document."""
    mode = rng.choice(("opener", "closer", "both"))
    prefix = suffix = ""
    if mode in ("opener", "both"):
        prefix = rng.choice((OPENERS[0], OPENERS[1], f"{OPENERS[0]}\n{OPENERS[1]}")) + "\n"
    if mode in ("closer", "both"):
        suffix = "\n" + rng.choice(CLOSERS)
    return prefix, suffix


def _insert(host: str, passages: list[str], rng: random.Random) -> list[tuple[str, int | None]]:
    """Pieces ``(text, passage index or None)`` of the host with the passages inserted at
    distinct sentence ends in random order, as a paragraph of their own or run on after
    the sentence (never run on after a heading)."""
    is_sentence = {e: ends_sentence(host[s:e]) for s, e in sentence_units(host)}
    points = sorted(rng.sample(sorted(is_sentence), len(passages)))
    order = list(range(len(passages)))
    rng.shuffle(order)
    pieces: list[tuple[str, int | None]] = []
    last = 0
    for point, k in zip(points, order, strict=True):
        pieces.append((host[last:point], None))
        at_line_end = point == len(host) or host[point] == "\n"
        own_paragraph = rng.random() < (0.6 if at_line_end else 0.4)
        if own_paragraph or not is_sentence[point]:
            pieces += [("\n", None), (passages[k], k)]
            if not at_line_end:
                pieces.append(("\n", None))
        else:
            pieces.append((passages[k], k))
        last = point
    pieces.append((host[last:], None))
    return pieces


@dataclass
class _Doc:
    """A document of the corpus: its file name, role (src, susp, distractor), text,
    the corpus paths its text came from, and whether it has formulaic lines."""

    name: str
    role: str
    text: str = ""
    origin: str = ""
    formulaic: bool = False


def generate(
    out_dir: str | Path,
    seed: int = 1,
    n_cases: int = 100,
    corpora_dir: str | Path = DEFAULT_CORPORA,
    synthetic: bool = False,
) -> list[Case]:
    """Write the corpus to ``out_dir`` (docs/, truth.tsv, docs.tsv) and return its cases.

    ``out_dir/docs`` must not exist or be empty. Raises FileNotFoundError when
    ``corpora_dir`` lacks a corpus, ValueError for fewer cases than levels,
    RuntimeError when the corpora run out of unshared text. ``synthetic``
    draws made-up text (:class:`SyntheticPool`) instead of ``corpora_dir``.
    """
    out = Path(out_dir)
    if (out / "docs").exists() and any((out / "docs").iterdir()):
        raise FileExistsError(f"{out / 'docs'} is not empty; choose a new --out directory")
    rng = random.Random(seed)
    groups = plan(n_cases, rng)
    pool = SyntheticPool(Path(), rng) if synthetic else TextPool(Path(corpora_dir), rng)
    n_distractors = max(3, n_cases // 20)
    first_src, with_formulaic = formulaic_plan(groups, n_distractors, rng)

    docs: list[_Doc] = []
    cases: list[Case] = []
    for gi, group in enumerate(groups):
        susp_name = f"susp_{gi + 1:04d}.txt"
        if group[0].level == "republication":
            new_docs, new_cases = _republication(
                susp_name, f"src_{first_src[gi] + 1:04d}.txt", group[0], pool, rng
            )
        else:
            src_names = [
                f"src_{first_src[gi] + si + 1:04d}.txt"
                for si in range(1 + max(s.src_index for s in group))
            ]
            new_docs, new_cases = _reuse_group(
                susp_name, src_names, group, with_formulaic, pool, rng
            )
        docs += new_docs
        cases += new_cases
    docs += _distractors(n_distractors, with_formulaic, pool, rng)

    clash = shared_ngrams({d.name: d.text for d in docs}, cases)
    if clash:  # cannot happen unless the pool logic is broken
        raise RuntimeError(f"documents share text outside cases: {clash[:3]}")
    cases.sort(key=lambda c: (c.susp, c.susp_start))
    _write(out, docs, cases)
    return cases


def _distractors(
    n_distractors: int, with_formulaic: set[str], pool: TextPool, rng: random.Random
) -> list[_Doc]:
    """Real texts with no reuse (formulaic lines added to those in ``with_formulaic``)."""
    docs = []
    for di in range(n_distractors):
        taken = pool.take(1000, 4000, ["news", "report", "law"])
        doc = _Doc(
            f"distractor_{di + 1:04d}.txt",
            "distractor",
            origin=taken.origin,
            formulaic=f"distractor_{di + 1:04d}.txt" in with_formulaic,
        )
        prefix, suffix = _formulaic(rng) if doc.formulaic else ("", "")
        doc.text = prefix + taken.text + suffix + "\n"
        docs.append(doc)
    return docs


def _republication(
    susp_name: str, src_name: str, spec: CaseSpec, pool: TextPool, rng: random.Random
) -> tuple[list[_Doc], list[Case]]:
    """A whole real text (news or report excerpt) and its republication as a news article."""
    lo, hi = (400, 600) if spec.band == "medium" else (601, 2400)
    taken = pool.take(lo, hi, ["news", "report"])
    src = _Doc(src_name, "src", taken.text + "\n", taken.origin)
    text, start, end, origin = republish(taken.text, rng, pool)
    susp = _Doc(susp_name, "susp", text + "\n", origin)
    case = Case(
        susp_name,
        start,
        end,
        src_name,
        0,
        len(taken.text),
        "republication",
        length_band(len(taken.text)),
    )
    return [susp, src], [case]


def _reuse_group(
    susp_name: str,
    src_names: list[str],
    group: list[CaseSpec],
    with_formulaic: set[str],
    pool: TextPool,
    rng: random.Random,
) -> tuple[list[_Doc], list[Case]]:
    """One suspicious document with 1-3 obfuscated passages from its 1-2 sources."""
    src_docs, passages = _sources(src_names, group, with_formulaic, pool, rng)

    # The suspicious document: a real host text with the passages inserted.
    copied = sum(len(p) for p in passages)
    host_lo = max(600, 1200 - copied)
    host_hi = max(host_lo + 400, min(4000, 6000 - copied))
    host = pool.take(host_lo, host_hi, ["news", "report", "law"])
    while len(sentence_units(host.text)) < len(group):
        host = pool.take(host_lo, host_hi, ["news", "report", "law"])
    susp = _Doc(susp_name, "susp", origin=host.origin, formulaic=susp_name in with_formulaic)
    prefix, suffix = _formulaic(rng) if susp.formulaic else ("", "")
    pieces = [(prefix, None), *_insert(host.text, passages, rng), (suffix + "\n", None)]
    susp.text = "".join(t for t, _ in pieces)
    return [susp, *src_docs], _inserted_cases(susp_name, src_names, group, pieces)


def _sources(
    src_names: list[str],
    group: list[CaseSpec],
    with_formulaic: set[str],
    pool: TextPool,
    rng: random.Random,
) -> tuple[list[_Doc], list[str]]:
    """The source documents of a group, and its passages obfuscated, in the group's order.

    Each source is a real text long enough for its passages, cut by
    :func:`~jobs.evaluation.obfuscation.plan.pick_passages`; the source range of
    each case is set in its spec (``src_span``, offsets in the written file).
    """
    passages = [""] * len(group)
    src_docs = []
    for si, src_name in enumerate(src_names):
        specs = [k for k, s in enumerate(group) if s.src_index == si]
        lo = max(1000, sum(BAND_CHARS[group[k].band][1] for k in specs) + 300)
        for _ in range(20):
            taken = pool.take(lo, min(6000, lo + 3000), ["news", "report", "law"])
            spans = pick_passages(taken.text, [group[k].band for k in specs], rng)
            if spans is not None:
                break
        else:
            raise RuntimeError("no source text fits the planned passages")
        src = _Doc(src_name, "src", origin=taken.origin, formulaic=src_name in with_formulaic)
        prefix, suffix = _formulaic(rng) if src.formulaic else ("", "")
        src.text = prefix + taken.text + suffix + "\n"
        for k, (s, e) in zip(specs, spans, strict=True):
            group[k].src_span = (len(prefix) + s, len(prefix) + e)
            passages[k] = obfuscate(taken.text[s:e], group[k].level, rng, pool)
        src_docs.append(src)
    return src_docs, passages


def _inserted_cases(
    susp_name: str,
    src_names: list[str],
    group: list[CaseSpec],
    pieces: list[tuple[str, int | None]],
) -> list[Case]:
    """The cases of a suspicious document made of ``pieces`` (text, passage index or
    None): each passage's range in the document against its spec's source range."""
    cases = []
    pos = 0
    for text, k in pieces:
        if k is not None:
            s, e = group[k].src_span
            cases.append(
                Case(
                    susp_name,
                    pos,
                    pos + len(text),
                    src_names[group[k].src_index],
                    s,
                    e,
                    group[k].level,
                    length_band(e - s),
                )
            )
        pos += len(text)
    return cases


def _write(out: Path, docs: list[_Doc], cases: list[Case]) -> None:
    """Write the documents under ``out/docs`` and the tables ``truth.tsv`` (``cases`` in
    their order) and ``docs.tsv`` (documents by name)."""
    docs_dir = out / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    for d in sorted(docs, key=lambda d: d.name):
        with open(docs_dir / d.name, "w", encoding="utf-8", newline="") as fh:
            fh.write(d.text)
    with open(out / "truth.tsv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(
            [
                "susp",
                "susp_start",
                "susp_end",
                "src",
                "src_start",
                "src_end",
                "level",
                "band",
                "chars",
            ]
        )
        for c in cases:
            w.writerow(
                [
                    c.susp,
                    c.susp_start,
                    c.susp_end,
                    c.src,
                    c.src_start,
                    c.src_end,
                    c.level,
                    c.band,
                    c.src_end - c.src_start,
                ]
            )
    with open(out / "docs.tsv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["file", "role", "chars", "formulaic", "origin"])
        for d in sorted(docs, key=lambda d: d.name):
            w.writerow([d.name, d.role, len(d.text), int(d.formulaic), d.origin])


def summarise(out_dir: str | Path, cases: list[Case]) -> str:
    """Documents by role, cases per level and band, characters."""
    with open(Path(out_dir) / "docs.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    roles = Counter(r["role"] for r in rows)
    n_chars = sum(int(r["chars"]) for r in rows)
    n_formulaic = sum(int(r["formulaic"]) for r in rows)
    lines = [
        f"documents: {len(rows)} ({', '.join(f'{k} {v}' for k, v in sorted(roles.items()))}), "
        f"{n_chars:,} characters; formulaic lines in {n_formulaic} "
        f"({n_formulaic / max(1, len(rows)):.0%})",
        f"cases: {len(cases)}, {sum(c.src_end - c.src_start for c in cases):,} source characters "
        f"copied",
        f"{'level':<14}" + "".join(f"{b:>8}" for b in BANDS) + f"{'total':>8}",
    ]
    by = Counter((c.level, c.band) for c in cases)
    for level in LEVELS:
        counts = [by[level, b] for b in BANDS]
        lines.append(f"{level:<14}" + "".join(f"{n:>8}" for n in counts) + f"{sum(counts):>8}")
    totals = [sum(by[lv, b] for lv in LEVELS) for b in BANDS]
    lines.append(f"{'total':<14}" + "".join(f"{n:>8}" for n in totals) + f"{sum(totals):>8}")
    return "\n".join(lines)
