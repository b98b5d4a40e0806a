"""Find the files to scan: walk the scan roots, the first pipeline stage.

:func:`iter_source_files` walks the scan roots and lists the files to read,
in a deterministic order (sorted by path), each file once, following symbolic
links only where they stay inside their root (unless told to follow every
link). It reads no file: :mod:`reuse.ingest.read` does. Sizes are in
**bytes** (``SourceFile.size``).

Names that are not valid UTF-8 come as Python gives them (surrogate escapes,
see :mod:`reuse.ingest.paths`). Every file or folder that cannot be listed is
reported as a :class:`~reuse.errors.DocumentError` with stage ``"ingest"``
and a one-line message meant for the end user.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

from reuse.errors import DocumentError
from reuse.ingest.failures import describe_os_error, ingest_error
from reuse.ingest.paths import escape_path

__all__ = ["DEFAULT_SUFFIXES", "SourceFile", "iter_source_files"]

#: File name endings listed by default (as the default ``ingest.suffixes``).
DEFAULT_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceFile:
    """A file found by :func:`iter_source_files`, not yet read.

    Attributes:
        path: absolute path (``os.path.abspath``; symbolic links are *not*
            resolved), as a POSIX string. A name that is not valid UTF-8 keeps
            its bytes as surrogate escapes (``os.fsdecode``): store or print
            ``escape_path(path)``.
        root: the absolute scan root the file was found under (the file itself
            when the root was a file).
        size: size in bytes when the directory was listed.
        mtime_ns: modification time in nanoseconds since the epoch.
    """

    path: str
    root: str
    size: int
    mtime_ns: int


def _posix(path: str) -> str:
    return path if os.sep == "/" else PureWindowsPath(path).as_posix()


def _log_error(error: DocumentError) -> None:
    logger.warning("%s", error)


def _check_suffixes(suffixes: Sequence[str]) -> tuple[str, ...]:
    if isinstance(suffixes, str):
        raise TypeError(f"suffixes must be a sequence of endings, e.g. ('{suffixes}',)")
    endings = tuple(s.lower() for s in suffixes)
    if not endings:
        raise ValueError("suffixes must name at least one ending, e.g. ('.txt',)")
    for ending in endings:
        if not ending.startswith(".") or len(ending) < 2:
            raise ValueError(f"suffix {ending!r} must start with '.', e.g. '.txt'")
    return endings


def iter_source_files(
    roots: Sequence[str | Path],
    suffixes: Sequence[str] = DEFAULT_SUFFIXES,
    on_error: Callable[[DocumentError], None] | None = None,
    *,
    follow_symlinks: bool = False,
) -> Iterator[SourceFile]:
    """List the files to scan under ``roots``, sorted by path, each file once.

    Each root is a directory, walked recursively, or a single file. A file is
    listed if its name ends with one of ``suffixes`` (compared
    case-insensitively, so ``.TXT`` matches ``.txt``).

    * Hidden entries (names starting with ``.``) are skipped, directories and
      files alike (``.git``, editor lock files, macOS ``._*`` files); a root is
      never skipped, even a hidden one.
    * A root is taken as named, even if it is a symbolic link. Inside a root,
      a symbolic link (to a file or a directory) is followed only if its
      target (``os.path.realpath``) lies inside the real path of the root,
      unless ``follow_symlinks`` is true: then every link is followed. A link
      that leads out of the root is skipped and reported, so a link to
      ``/etc/passwd`` or to another disk does not bring foreign files into a
      scan.
    * Each real directory is listed once, so link loops terminate. Directories
      reachable without a link are walked first, so a file's path avoids links
      when it can.
    * A file reached by several paths (overlapping roots, links) is listed once
      under the smallest path; ``root`` is the root it was found under, the
      outermost one when roots are nested.
    * Names that are not valid UTF-8 come as Python gives them (surrogate
      escapes, see :func:`~reuse.ingest.paths.escape_path`), and are listed like any other.
    * A missing root, an unreadable directory, a broken or looping link, a
      link out of its root, a special file (pipe, device) with a matching
      name, and a root file whose name does not match are reported through
      ``on_error`` as :class:`DocumentError` (stage ``"ingest"``) and
      skipped; nothing is raised. Without ``on_error`` they are logged as
      warnings. A link to a file is reported only if its name matches.

    The roots and suffixes are checked when called; the walk runs when
    iteration starts, and finishes before the first file is yielded (the
    result is sorted).

    Raises:
        TypeError: if ``roots`` is a single path instead of a sequence.
        ValueError: if a suffix does not start with ``.``.
    """
    if isinstance(roots, str | bytes | os.PathLike):
        raise TypeError(f"roots must be a list of paths, e.g. [{os.fspath(roots)!r}]")
    endings = _check_suffixes(suffixes)
    report = on_error if on_error is not None else _log_error
    walk = _Walk(endings, report, follow_symlinks)
    return walk.run([os.path.abspath(os.fspath(r)) for r in roots])


def _inside(path: str, folder: str) -> bool:
    """True if ``path`` is ``folder`` or lies below it (both real, absolute)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class _Walk:
    """The state of one :func:`iter_source_files` call."""

    def __init__(
        self,
        endings: tuple[str, ...],
        report: Callable[[DocumentError], None],
        follow_symlinks: bool,
    ) -> None:
        self.endings = endings
        self.report = report
        self.follow_symlinks = follow_symlinks
        self.visited: set[str] = set()  # real paths of directories listed
        self.found: dict[object, SourceFile] = {}  # file identity -> file
        self.linked: deque[tuple[str, str]] = deque()  # (path, root) of linked dirs, for later
        self.real_roots: dict[str, str] = {}  # root -> its real path

    def run(self, roots: list[str]) -> Iterator[SourceFile]:
        # Sorted so that the outcome does not depend on the order of the
        # arguments: an outer root is walked before a root nested in it.
        for root in sorted(set(roots)):
            self._root(root)
        while self.linked:
            path, root = self.linked.popleft()
            real = os.path.realpath(path)
            if real not in self.visited:
                self._tree(path, real, root)
        yield from sorted(self.found.values(), key=lambda f: f.path)

    def _fail(self, path: str, message: str) -> None:
        self.report(ingest_error(_posix(path), message))

    def _leaves_root(self, link: str, root: str) -> bool:
        """True (and reported) if ``link`` is not to be followed: its target is outside ``root``."""
        if self.follow_symlinks:
            return False
        real_root = self.real_roots.get(root)
        if real_root is None:
            real_root = self.real_roots[root] = os.path.realpath(root)
        target = os.path.realpath(link)
        if _inside(target, real_root):
            return False
        self._fail(
            link,
            "skipped: symbolic link to a target outside the scanned folder"
            f" ({escape_path(_posix(target))}); set ingest.follow_symlinks = true to follow it",
        )
        return True

    def _root(self, root: str) -> None:
        try:
            st = os.stat(root)
        except OSError as exc:
            self._link_or_missing(root, exc, "root")
            return
        if stat.S_ISDIR(st.st_mode):
            real = os.path.realpath(root)
            if real not in self.visited:
                self._tree(root, real, root)
        elif not stat.S_ISREG(st.st_mode):
            self._fail(root, "root is not a regular file or directory")
        elif root.lower().endswith(self.endings):
            self._add(root, root, st)
        else:
            wanted = ", ".join(self.endings)
            self._fail(root, f"skipped: file name does not end with {wanted}")

    def _link_or_missing(self, path: str, exc: OSError, what: str) -> None:
        if not os.path.islink(path):
            if isinstance(exc, FileNotFoundError):
                self._fail(path, f"{what} does not exist")
            else:
                self._fail(path, f"cannot read {what}: {describe_os_error(exc)}")
            return
        if exc.errno == errno.ELOOP:
            reason = "it leads back to itself (a link loop)"
        elif isinstance(exc, FileNotFoundError):
            try:
                reason = f"its target '{escape_path(os.readlink(path))}' does not exist"
            except OSError:
                reason = "its target does not exist"
        else:
            reason = describe_os_error(exc)
        self._fail(path, f"broken symbolic link: {reason}")

    def _tree(self, top: str, real_top: str, root: str) -> None:
        """Walk ``top`` without following links; queue linked dirs for later."""
        stack = [(top, real_top)]
        while stack:
            path, real = stack.pop()
            if real in self.visited:
                continue
            self.visited.add(real)
            try:
                with os.scandir(path) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                self._fail(path, f"cannot list directory: {describe_os_error(exc)}")
                continue
            subdirs = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                child = os.path.join(path, entry.name)
                try:
                    is_link = entry.is_symlink()
                    if entry.is_dir():
                        if not is_link:
                            subdirs.append((child, os.path.join(real, entry.name)))
                        elif not self._leaves_root(child, root):
                            self.linked.append((child, root))
                        continue
                    matches = entry.name.lower().endswith(self.endings)
                    if entry.is_file():
                        if matches and not (is_link and self._leaves_root(child, root)):
                            self._add(child, root, entry.stat())
                        continue
                    os.stat(child)  # raises for a broken link
                except OSError as exc:
                    self._link_or_missing(child, exc, "file")
                    continue
                if matches and not (is_link and self._leaves_root(child, root)):
                    self._fail(child, "skipped: not a regular file (a device, pipe or socket)")
            stack.extend(reversed(subdirs))

    def _add(self, path: str, root: str, st: os.stat_result) -> None:
        found = SourceFile(
            path=_posix(path), root=_posix(root), size=st.st_size, mtime_ns=st.st_mtime_ns
        )
        # The same file reached twice (nested roots, links) has one identity.
        key: object = (st.st_dev, st.st_ino) if st.st_ino else found.path
        seen = self.found.get(key)
        if seen is None or found.path < seen.path:
            self.found[key] = found
