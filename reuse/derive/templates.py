"""Derived stage: templates, and the kind of every stored match.

Stock text is aligned to a representative (pass 2 of :mod:`reuse.detect.plan`):
each such match pairs a member's occurrence with a part of the
representative document (``matches.rep_doc``). Here they become templates:

* **Templates.** In each representative document, overlapping
  representative sides (normalised offsets) are merged into one region; a
  region with its members is a template when it spans at least ``T``
  documents (:meth:`reuse.config.detection.TemplatesConfig.threshold`), the
  representative's own document included. Its matches are ``kind =
  'template'``; those of a region in fewer documents are ordinary reuse
  (``'reuse'``) between the two documents, unless the pair was also aligned
  pairwise and a pairwise match already holds more than half of one, or
  the member or the region is shorter than ``align.min_match_chars``
  normalised characters (star alignments keep segments down to
  ``seeds.kgram``, for short members of real templates): ``'template'``,
  stock text in no template. Regions are taken in the
  order of their representatives (:func:`reuse.detect.plan.document_ranks`); one
  whose representative and members lie, each more than half, in templates
  taken before is the same stock text starred from one of its members (an
  LSH bucket without the first representative's passage): no template of
  its own, its matches ``'template'``.
* **Boilerplate templates.** Formulaic lines (:mod:`reuse.derive.boilerplate`) are
  stored as a star of line matches around their representative occurrence;
  each line is a template of kind ``'boilerplate'``.
* **Fuzzy stock text** that only pairwise alignment found: a region of a
  document matched pairwise with at least ``T - 1`` others is text in ``T``
  documents, a template whose members are those matches
  (:mod:`reuse.derive.fuzzy_templates`).
* **Pairwise matches** (pass 1) that templates explain are ``'boilerplate'``
  (the formulaic lines hold as much of them as all templates do) or
  ``'template'``; the others are ``'reuse'``. A match is explained when
  templates and formulaic lines hold at least ``boilerplate.segment_share``
  of its characters in both documents, or leave fewer than
  ``align.min_match_chars`` equal characters outside them in one (its
  length, less the part held, less its edit distance): two reports that share
  a formula and a few words around it do not share text of their own.

Template ids order templates by documents (most first), then by the
representative's path and offset (:func:`ordered_templates`); ``template_key``
(md5 of the representative's path and text) names a template across
rebuilds. Nothing here aligns or touches the database: :func:`label_rows`
works on the stored matches' rows, which the scan's templates stage
(:mod:`reuse.engine.labels`) reads after every scan that changed them, and
writes back with the templates (a scan killed before it ends is completed
by the next).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from reuse.config import Config
from reuse.derive.fuzzy_templates import fuzzy_templates
from reuse.derive.template_model import Side, Template, member_of, sides_of
from reuse.text.spans import SpanUnion

__all__ = ["LabelInputs", "Labels", "Template", "label_rows", "ordered_templates"]


#: The columns of a row of :func:`label_rows` (``Store.labelled_matches``).
_COLUMNS = (
    "match_id doc_a doc_b a_start a_end b_start b_end a_norm_start a_norm_end "
    "b_norm_start b_norm_end similarity edit_distance kind source rep_doc"
).split()


def _sides(row: dict) -> tuple[Side, Side]:
    """``(rep side, member side)`` of a star's match."""
    a, b = sides_of(row)
    return (a, b) if row["rep_doc"] == row["doc_a"] else (b, a)


def _regions(rows: list[dict], kind: str) -> list[Template]:
    """Templates of stars around representatives: overlapping representative
    sides merged (``kind`` 'template'), or equal ones grouped (line stars)."""
    by_rep: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_rep[row["rep_doc"]].append(row)
    out: list[Template] = []
    for rep_doc in sorted(by_rep):
        sided = [(_sides(row), row) for row in by_rep[rep_doc]]
        sided.sort(key=lambda x: (x[0][0].norm_start, x[0][0].norm_end))
        current: Template | None = None
        for (rep, member), row in sided:
            joins = current is not None and (
                rep.norm_start < current.rep_norm[1]
                if kind == "template"
                else (rep.norm_start, rep.norm_end) == tuple(current.rep_norm)
            )
            if not joins:
                current = Template(
                    kind, rep_doc, [rep.norm_start, rep.norm_end], [rep.start, rep.end]
                )
                out.append(current)
            assert current is not None
            current.rep_norm[1] = max(current.rep_norm[1], rep.norm_end)
            current.rep_orig[0] = min(current.rep_orig[0], rep.start)
            current.rep_orig[1] = max(current.rep_orig[1], rep.end)
            current.members.append(member_of(member, rep, row))
    return out


@dataclass
class LabelInputs:
    """What labelling reads besides the matches.

    Attributes:
        threshold: the template threshold ``T`` (documents).
        ranks: each document's rank (:func:`reuse.detect.plan.document_ranks`), by id.
        line_spans: per document, the normalised spans of its formulaic lines.
    """

    threshold: int
    ranks: np.ndarray
    line_spans: dict[int, list[tuple[int, int]]]


@dataclass
class Labels:
    """What :func:`label_rows` found: the templates (not yet in id order, see
    :func:`ordered_templates`) and ``(match_id, kind)`` of every match whose
    kind changes."""

    templates: list[Template]
    changed: list[tuple[int, str]]


def label_rows(rows: list[tuple], inputs: LabelInputs, config: Config) -> Labels:
    """The templates and the kind of every live aligned match (see the module
    docstring), from the matches' rows (columns :data:`_COLUMNS`)."""
    matches = [dict(zip(_COLUMNS, r)) for r in rows]
    stars = [r for r in matches if r["rep_doc"] is not None and r["source"] == "align"]
    lines = [r for r in matches if r["source"] == "line"]
    pairwise = [r for r in matches if r["rep_doc"] is None and r["source"] == "align"]
    kinds: dict[int, str] = {}
    valid = _label_stars(stars, pairwise, inputs, config, kinds)
    boilerplate = _regions(lines, "boilerplate")
    valid.extend(_label_pairwise(pairwise, valid, inputs, config, kinds))
    for row in lines:
        kinds[row["match_id"]] = "boilerplate"
    changed = [
        (r["match_id"], kinds[r["match_id"]]) for r in matches if kinds[r["match_id"]] != r["kind"]
    ]
    return Labels(valid + boilerplate, changed)


def _label_stars(
    stars: list[dict],
    pairwise: list[dict],
    inputs: LabelInputs,
    config: Config,
    kinds: dict[int, str],
) -> list[Template]:
    """Label the star matches (``kinds``); returns the templates they make, in
    the order of their representatives."""
    t, ranks = inputs.threshold, inputs.ranks
    shortest = config.align.min_match_chars
    valid: list[Template] = []
    repeats = _repeats(stars, pairwise)
    held_by_valid = _Held()
    for tpl in sorted(_regions(stars, "template"), key=lambda x: (ranks[x.rep_doc], x.rep_norm)):
        nested = held_by_valid.holds(tpl)
        ok = len(tpl.documents) >= t
        for member in tpl.members:
            match_id = member.match_id
            short = (
                min(member.norm_end - member.norm_start, member.rep_end - member.rep_start)
                < shortest
            )
            stock = nested or ok or match_id in repeats or short
            kinds[match_id] = "template" if stock else "reuse"
        if ok and not nested:
            valid.append(tpl)
            held_by_valid.add(tpl)
    return valid


def _label_pairwise(
    pairwise: list[dict],
    valid: list[Template],
    inputs: LabelInputs,
    config: Config,
    kinds: dict[int, str],
) -> list[Template]:
    """Label the pairwise matches (``kinds``) by what the templates ``valid`` and
    the formulaic lines hold of them; returns the templates of fuzzy stock text
    (:func:`reuse.derive.fuzzy_templates.fuzzy_templates`) found among what is still reuse."""
    line_spans = inputs.line_spans
    lines_held = {doc: SpanUnion(spans) for doc, spans in line_spans.items()}
    share = config.boilerplate.segment_share
    shortest = config.align.min_match_chars
    held = _held(valid, line_spans)
    for row in pairwise:
        kinds[row["match_id"]] = _pairwise_kind(row, held, lines_held, share, shortest)
    # Fuzzy stock text among what is still pairwise reuse.
    reuse = [r for r in pairwise if kinds[r["match_id"]] == "reuse"]
    hubs = fuzzy_templates(reuse, inputs.threshold, inputs.ranks)
    held = _held(valid + hubs, line_spans)
    edges = {member.match_id for tpl in hubs for member in tpl.members}
    for row in pairwise:
        if row["match_id"] in edges:
            kinds[row["match_id"]] = "template"
        elif kinds[row["match_id"]] == "reuse":
            kinds[row["match_id"]] = _pairwise_kind(row, held, lines_held, share, shortest)
    return hubs


class _Held:
    """Where the templates kept so far lie: per document, normalised spans."""

    def __init__(self) -> None:
        self.spans: dict[int, list[tuple[int, int]]] = defaultdict(list)

    def add(self, tpl: Template) -> None:
        self.spans[tpl.rep_doc].append((tpl.rep_norm[0], tpl.rep_norm[1]))
        for m in tpl.members:
            self.spans[m.doc].append((m.norm_start, m.norm_end))

    def _in(self, doc: int, start: int, end: int) -> bool:
        return any(
            2 * (min(end, e) - max(start, s)) > end - start for s, e in self.spans.get(doc, ())
        )

    def holds(self, tpl: Template) -> bool:
        """True when more than half of the template's text, in its representative
        and in every member, lies in templates kept before: the same stock
        text, starred from one of its members (a passage of the better
        representative fell into other LSH buckets)."""
        return self._in(tpl.rep_doc, *tpl.rep_norm) and all(
            self._in(m.doc, m.norm_start, m.norm_end) for m in tpl.members
        )


def _repeats(stars: list[dict], pairwise: list[dict]) -> set[int]:
    """Star matches that repeat a pairwise match of the same document pair (more
    than half of either side in it): the pair was aligned in both passes."""
    by_pair: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for row in pairwise:
        by_pair[(row["doc_a"], row["doc_b"])].append(row)
    out = set()
    for row in stars:
        for other in by_pair.get((row["doc_a"], row["doc_b"]), ()):
            oa = min(row["a_end"], other["a_end"]) - max(row["a_start"], other["a_start"])
            ob = min(row["b_end"], other["b_end"]) - max(row["b_start"], other["b_start"])
            if 2 * oa > row["a_end"] - row["a_start"] or 2 * ob > row["b_end"] - row["b_start"]:
                out.add(row["match_id"])
                break
    return out


def _held(
    templates: list[Template], lines_held: dict[int, list[tuple[int, int]]]
) -> dict[int, SpanUnion]:
    """Per document, the union of the normalised spans of template occurrences
    and formulaic lines."""
    held: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for tpl in templates:
        held[tpl.rep_doc].append((tpl.rep_norm[0], tpl.rep_norm[1]))
        for m in tpl.members:
            held[m.doc].append((m.norm_start, m.norm_end))
    for doc, spans in lines_held.items():
        held[doc].extend(spans)
    return {doc: SpanUnion(spans) for doc, spans in held.items()}


def _pairwise_kind(
    row: dict,
    held: dict[int, SpanUnion],
    lines_held: dict[int, SpanUnion],
    share: float,
    min_chars: int,
) -> str:
    """'reuse' unless templates and formulaic lines explain the match: they hold
    at least ``share`` of both sides, or what they leave of a side holds fewer
    than ``min_chars`` equal characters (its length, less the held part, less
    the edit distance); then 'boilerplate' when the lines alone do, else
    'template'."""
    a = (row["doc_a"], row["a_norm_start"], row["a_norm_end"])
    b = (row["doc_b"], row["b_norm_start"], row["b_norm_end"])
    if a[0] not in held or b[0] not in held:
        return "reuse"
    held_a = held[a[0]].share(a[1], a[2])
    held_b = held[b[0]].share(b[1], b[2])
    left = min(
        (a[2] - a[1]) * (1 - held_a) - row["edit_distance"],
        (b[2] - b[1]) * (1 - held_b) - row["edit_distance"],
    )
    if min(held_a, held_b) < share and left >= min_chars:
        return "reuse"
    by_lines = min(
        lines_held[a[0]].share(a[1], a[2]) if a[0] in lines_held else 0.0,
        lines_held[b[0]].share(b[1], b[2]) if b[0] in lines_held else 0.0,
    )
    return "boilerplate" if by_lines >= min(held_a, held_b) else "template"


def ordered_templates(templates: list[Template], paths: dict[int, str]) -> list[Template]:
    """``templates`` in the order of their ids: most documents first, then by the
    representative's path (``paths``, by document) and offset."""
    return sorted(
        templates,
        key=lambda tpl: (-len(tpl.documents), paths.get(tpl.rep_doc, ""), tpl.rep_orig[0]),
    )
