"""A document's identity: its path inside a named root, not where the root lies.

A scan names folders (or files); each lies in a **root**, a folder with a
name. A document's identity (``documents.path``) is the root's name followed
by the file's path inside the root, with POSIX separators::

    reuse scan /srv/reports          ->  reports/2024/speech.txt
    reuse scan /srv/reports/2024     ->  reports/2024/speech.txt   (inside a known root)
    reuse scan /mnt/nas/reports      ->  reports/2024/speech.txt   (the root moved)

so a folder moved, copied to another disk or mounted elsewhere, and scanned
at its new place, keeps its documents, matches and verdicts. The root's
``location`` (where it was last scanned) and each document's ``location``
(where its file was last read) are stored beside the identity.

How a scanned path finds its root, in order:

1. the outermost known root whose location contains the path (or is the path);
2. otherwise the path itself (a folder; for a file, its folder) is a root,
   named by its last component; if a known root has that name, it is that
   root moved, unless the old location still exists as a folder and the two
   share less than half of their files (same path inside the root and same
   size), in which case it is a different folder of the same name and gets
   the name with ``~2`` (``~3``, ...) appended;
3. otherwise it is a new root.

A new (or moved) root that holds known roots (subfolders scanned alone
before) absorbs them: their documents' identities move under it
(``sub/x.txt`` becomes ``reports/sub/x.txt``), keeping the documents.

Names that are not valid UTF-8 are stored escaped
(:func:`reuse.ingest.paths.escape_path`), so every identity is a valid string and
the file can still be found from it.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reuse.ingest.paths import escape_path

__all__ = ["Root", "ScanTarget", "document_key", "resolve_targets", "root_name"]


@dataclass(frozen=True)
class Root:
    """A named folder that scans read documents from.

    Attributes:
        name: the first component of the identity of every document in it.
        location: absolute path of the folder, as the operating system gives
            it (may hold surrogate-escaped bytes).
    """

    name: str
    location: str


@dataclass(frozen=True)
class ScanTarget:
    """A path named on the command line, with the root it lies in.

    Attributes:
        path: absolute path of the folder or file scanned.
        root: the root it lies in.
        prefix: identity prefix of the documents under ``path``: ``name/sub/``
            for a folder, the document's whole identity for a file.
        is_file: whether ``path`` is a single file.
        moved_from: the root's previous location when this scan moved it.
        absorbs: known roots inside this one (scanned alone before) as
            ``(name, identity prefix their documents take now)``.
    """

    path: str
    root: Root
    prefix: str
    is_file: bool
    moved_from: str | None = None
    absorbs: tuple[tuple[str, str], ...] = ()

    def owns(self, key: str) -> bool:
        """Whether the document identity ``key`` lies under this target."""
        return key == self.prefix if self.is_file else key.startswith(self.prefix)


def root_name(location: str) -> str:
    """The name a folder gets as a root: its last component, escaped.

    >>> root_name("/srv/政府工作报告")
    '政府工作报告'
    >>> root_name("/")
    'root'
    """
    name = os.path.basename(location.rstrip("/"))
    return escape_path(name) if name else "root"


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def document_key(root: Root, path: str) -> str:
    """The identity of the file at absolute ``path`` inside ``root``.

    >>> document_key(Root("reports", "/srv/reports"), "/srv/reports/2024/a.txt")
    'reports/2024/a.txt'
    """
    relative = os.path.relpath(path, root.location).replace(os.sep, "/")
    return posixpath.join(root.name, escape_path(relative))


def resolve_targets(
    paths: Iterable[str],
    known: Mapping[str, str],
    sizes_under: Mapping[str, Mapping[str, int]] | None = None,
    listed: Mapping[str, Mapping[str, int]] | None = None,
) -> list[ScanTarget]:
    """The root of every scanned path (absolute), by the rules of the module docstring.

    ``known`` maps root names to their stored locations. ``sizes_under``
    (root name -> {identity: size in bytes} of its stored documents) and
    ``listed`` (scanned path -> {path inside the scanned folder: size} of the
    files found there) decide whether a folder with a known root's name is
    that root moved or another folder; without them a same-named folder is
    the root moved.
    """
    roots = dict(known)
    claimed: set[str] = set()  # roots this scan placed: another target cannot move them
    targets: list[ScanTarget] = []
    for path in paths:
        is_file = not os.path.isdir(path)
        holding = [Root(n, loc) for n, loc in roots.items() if _inside(path, loc)]
        found = min(holding, key=lambda r: (len(r.location), r.name)) if holding else None
        moved_from = None
        absorbs: list[tuple[str, str]] = []
        if found is None:
            location = os.path.dirname(path) if is_file else path
            name = root_name(location)
            if name in roots and roots[name] != location:
                old = roots[name]
                if (
                    name in claimed
                    or os.path.isdir(old)
                    and not _same_files(
                        (sizes_under or {}).get(name, {}), (listed or {}).get(path, {}), name
                    )
                ):
                    name = _free_name(name, roots)  # another folder of the same name
                else:
                    moved_from = old
            roots[name] = location
            found = Root(name, location)
            for inner, where in sorted(roots.items()):
                if inner != name and inner not in claimed and _inside(where, location):
                    absorbs.append((inner, document_key(found, where)))
                    del roots[inner]
        claimed.add(found.name)
        if is_file:
            prefix = document_key(found, path)
        elif os.path.normpath(path) == os.path.normpath(found.location):
            prefix = found.name + "/"
        else:
            prefix = document_key(found, path) + "/"
        targets.append(ScanTarget(path, found, prefix, is_file, moved_from, tuple(absorbs)))
    return targets


def _same_files(stored: Mapping[str, int], listed: Mapping[str, int], name: str) -> bool:
    """Whether a folder's files (path inside it -> size) are mostly the stored
    documents of the root ``name`` (identity -> size)."""
    if not stored or not listed:
        return True
    same = sum(1 for rel, size in listed.items() if stored.get(f"{name}/{rel}") == size)
    return same * 2 >= min(len(stored), len(listed))


def _free_name(name: str, taken: Mapping[str, str]) -> str:
    k = 2
    while f"{name}~{k}" in taken:
        k += 1
    return f"{name}~{k}"
