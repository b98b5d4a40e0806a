"""Stage: what follows the stored match set, then the scan's record.

Each derived table is built again only when what it depends on changed (a
stale mark in ``meta``), each in its own transaction, so a scan killed here
is completed by the next run:

* templates and the kind of every match (:mod:`reuse.engine.labels`);
* the typed edits of every match that has none yet (:mod:`reuse.engine.edit_stage`,
  unless ``scan.edits`` is off);
* each document's shares of its text (:mod:`reuse.store.shares`);
* the reuse groups (:func:`reuse.derive.groups.reuse_groups`).

Then the scan's counts and status are recorded (:func:`reuse.engine.result.record_scan`).
"""

from __future__ import annotations

import logging

from reuse.config import Config
from reuse.derive.groups import reuse_groups
from reuse.engine.core import Timers
from reuse.engine.edit_stage import derive_edits
from reuse.engine.labels import label_matches
from reuse.engine.result import Progress, ScanResult, record_scan
from reuse.store.database import Store
from reuse.text.normalise import NormalisedText

__all__ = ["finish_scan"]

log = logging.getLogger("reuse")


def finish_scan(
    store: Store,
    config: Config,
    result: ScanResult,
    timers: Timers,
    progress: Progress | None = None,
    norms: dict[int, NormalisedText] | None = None,
) -> None:
    """The derived stages (templates, typed edits, shares, groups), the counts,
    and the scan's record; ``norms``: normalised texts at hand, by document."""
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
            result.n_edited = derive_edits(store, config, progress, norms)
    if norms:
        norms.clear()  # not needed beyond the typed edits
    if store.is_stale("shares_stale"):
        with timers("shares"):
            store.write_shares()
    if store.groups_stale():
        with timers("groups"):
            groups = reuse_groups(store.reuse_sides())
            store.write_groups(groups)
        result.n_groups = len(groups)
    record_scan(store, result, timers)
