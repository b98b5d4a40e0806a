"""Stage: ingest's listing: the files under the scan's targets, their roots and identities.

The walk (:func:`reuse.ingest.walk.iter_source_files`) lists the files with a
scanned suffix under each target (a folder or a file); a file that cannot be
listed is rejected. Each target's root is resolved (:mod:`reuse.ingest.identity`:
a root moved or lying inside another is recognised by its files) and recorded in
``roots``; a file's identity is its root's name and its path inside the root,
so a moved folder adds nothing. :func:`vanished_documents` are the stored
documents under the targets whose file is gone: deleted, or renamed.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from dataclasses import dataclass

from reuse.engine.run import ScanRun
from reuse.ingest.identity import ScanTarget, document_key, resolve_targets, root_name
from reuse.ingest.paths import unescape_path
from reuse.ingest.walk import SourceFile, iter_source_files
from reuse.store.database import Store
from reuse.store.documents import KnownDocument

__all__ = ["Listing", "list_files", "vanished_documents"]

log = logging.getLogger("reuse")


@dataclass
class Listing:
    """The files a scan found, each with its identity, and its resolved targets."""

    files: list[SourceFile]
    keys: list[str]
    targets: list[ScanTarget]


def list_files(run: ScanRun, targets: list[str]) -> Listing:
    """List the files under ``targets`` (absolute paths) and resolve their roots."""
    config = run.config
    with run.timers("ingest"):
        files = list(
            iter_source_files(
                targets,
                config.ingest.suffixes,
                on_error=run.reject,
                follow_symlinks=config.ingest.follow_symlinks,
            )
        )
    run.result.n_files = len(files)
    log.info("ingest: %d files", len(files))
    scanned = _resolve(run.store, targets, files, run.result.scan_id)
    return Listing(files, [scanned.key(f) for f in files], scanned.targets)


@dataclass
class _Scanned:
    """The scan's targets with their roots, and each file's target."""

    targets: list[ScanTarget]
    by_path: dict[str, ScanTarget]

    def key(self, file: SourceFile) -> str:
        return document_key(self.by_path[file.root].root, file.path)


def _resolve(store: Store, targets: list[str], files: list[SourceFile], scan_id: int) -> _Scanned:
    """The root of every target (:mod:`reuse.ingest.identity`), recorded in ``roots``."""
    known = store.roots()
    listed: dict[str, dict[str, int]] = defaultdict(dict)
    for f in files:
        listed[f.root][os.path.relpath(f.path, f.root).replace(os.sep, "/")] = f.size
    names = {root_name(t) for t in targets} | {root_name(os.path.dirname(t)) for t in targets}
    sizes = {name: store.root_sizes(name) for name in names if name in known}
    resolved = resolve_targets(sorted(set(targets)), known, sizes, listed)
    for target in resolved:
        if target.moved_from:
            log.info("root %s moved: %s -> %s", target.root.name, target.moved_from, target.path)
        for name, prefix in target.absorbs:
            log.info("root %s lies in %s: its documents are now %s/...", name, target.path, prefix)
            store.absorb_root(name, prefix)
    store.save_roots(sorted({(t.root.name, t.root.location) for t in resolved}), scan_id)
    by_path = {t.path: t for t in resolved}
    return _Scanned(resolved, by_path)


def vanished_documents(
    known: dict[str, KnownDocument], seen: set[str], targets: list[ScanTarget]
) -> list[KnownDocument]:
    """Live documents under the scanned targets that the walk did not find and
    whose file is gone from its root's (current) location: deleted, or renamed."""
    out = []
    for doc in known.values():
        if doc.deleted or doc.path in seen:
            continue
        target = next((t for t in targets if t.owns(doc.path)), None)
        if target is None:
            continue
        inside = doc.path[len(target.root.name) + 1 :]
        if not os.path.lexists(os.path.join(target.root.location, unescape_path(inside))):
            out.append(doc)
    return out
