"""Stage: templates, and the kind of every stored match.

After the match set is stored, the templates are built again and every live
aligned match gets its kind (``'reuse'``, ``'template'``, ``'boilerplate'``)
from the stored matches (:func:`reuse.derive.templates.label_rows`; the rules
are there). :func:`label_matches` reads what the labelling needs from the
store, orders the templates into their ids and writes the ``templates`` and
``template_members`` tables with the changed kinds, atomically, clearing the
labels' stale mark. It runs whenever the labels are stale, so a scan killed
before it ends is completed by the next.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from reuse.config import Config
from reuse.derive.templates import LabelInputs, Template, label_rows, ordered_templates
from reuse.detect.plan import document_ranks
from reuse.store.database import Store

__all__ = ["TemplateStats", "label_matches", "template_tables"]


@dataclass
class TemplateStats:
    """What :func:`label_matches` made: templates of each kind and relabelled matches."""

    n_templates: int = 0
    n_boilerplate: int = 0
    n_relabelled: int = 0


def label_matches(store: Store, config: Config) -> TemplateStats:
    """Rebuild the templates and set the kind of every live aligned match;
    atomically, and clears the labels' stale mark."""
    rows = store.labelled_matches()
    t = config.templates.threshold(store.count_live_documents())
    ids, dates, paths = store.document_order()
    line_spans = store.formulaic_spans(
        config.boilerplate.min_documents(store.count_live_documents())
    )
    inputs = LabelInputs(t, document_ranks(ids, dates, paths), line_spans)
    labels = label_rows(rows, inputs, config)
    ordered = ordered_templates(labels.templates, store.document_paths())
    store.write_templates(template_tables(ordered), labels.changed)
    return TemplateStats(
        sum(1 for tpl in ordered if tpl.kind == "template"),
        sum(1 for tpl in ordered if tpl.kind == "boilerplate"),
        len(labels.changed),
    )


def template_tables(templates: list[Template]) -> tuple[pa.Table, pa.Table]:
    """The ``templates`` and ``template_members`` rows of ``templates`` (in id
    order): one row per template, one per occurrence, the representative's first."""
    t_rows = []
    m_rows: list[tuple] = []
    for template_id, tpl in enumerate(templates, start=1):
        t_rows.append(
            (template_id, tpl.kind, tpl.rep_doc, tpl.rep_orig[0], tpl.rep_orig[1],
             len(tpl.documents), len(tpl.members) + 1)
        )  # fmt: skip
        m_rows.append(
            (template_id, tpl.rep_doc, tpl.rep_orig[0], tpl.rep_orig[1], tpl.rep_orig[0],
             tpl.rep_orig[1], None, 1.0, 0)
        )  # fmt: skip
        for m in tpl.members:
            m_rows.append(
                (template_id, m.doc, m.start, m.end, m.rep_start, m.rep_end, m.match_id,
                 m.similarity, m.edit_distance)
            )  # fmt: skip
    i32 = pa.int32()
    t_types = {
        "template_id": i32,
        "kind": pa.string(),
        "rep_doc": i32,
        "rep_start": i32,
        "rep_end": i32,
        "n_documents": i32,
        "n_members": i32,
    }
    m_types = {
        "template_id": i32,
        "doc_id": i32,
        "start_offset": i32,
        "end_offset": i32,
        "rep_start": i32,
        "rep_end": i32,
        "match_id": pa.int64(),
        "similarity": pa.float64(),
        "edit_distance": i32,
    }
    return _rows_table(t_rows, t_types), _rows_table(m_rows, m_types)


def _rows_table(rows: list[tuple], types: dict[str, pa.DataType]) -> pa.Table:
    values = list(zip(*rows)) if rows else [() for _ in types]
    return pa.table({n: pa.array(list(v), t) for (n, t), v in zip(types.items(), values)})
