"""Files the user names on the command line (``export -o``, ``report -o``).

One rule for every command that writes a file the user names:

- never the database: an output that is the database file or its ``.wal``
  (by path, through a symbolic link, or as a hard link to the same inode) is
  refused, ``--force`` or not;
- never silently over an existing file: an existing output is refused
  unless ``force``;
- never half a file: the output is written to a temporary file in the same
  folder and renamed into place when complete, so a failed or interrupted
  write leaves the previous file (or none), never a truncated one;
- a missing folder is a clear message, not a traceback.

:func:`check_output` checks (call it before expensive work, to fail early);
:func:`open_output` checks again and gives a file to write.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from reuse.errors import OutputError, OutputWriteError

#: Files beside a DuckDB database that belong to it.
DATABASE_COMPANIONS = ("", ".wal")


def _same_file(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are one file: the same resolved path, or (when
    both exist) the same device and inode, which also catches hard links."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def check_output(
    path: str | os.PathLike[str],
    database: str | os.PathLike[str] | None = None,
    force: bool = False,
) -> Path:
    """The file an output named ``path`` will be written to (symbolic links
    resolved); :class:`OutputError` if it must not be written.

    Refused: the database ``database`` or its ``.wal`` (even with ``force``);
    a folder or any other file that is not a regular file; an existing file
    unless ``force``; an output whose folder does not exist.
    """
    shown = os.fspath(path)
    if not shown:
        raise OutputError("no output file named")
    target = os.path.realpath(shown)
    if database is not None:
        db = os.fspath(database)
        for suffix in DATABASE_COMPANIONS:
            if _same_file(shown, db + suffix):
                what = "the database" if not suffix else f"the database's {suffix} file"
                raise OutputError(
                    f"refused: {shown} is {what} {db + suffix}; "
                    "choose another output file (--force does not apply)"
                )
    folder = os.path.dirname(target) or "."
    if not os.path.isdir(folder):
        raise OutputError(f"no folder {folder} for the output {shown}; create it first")
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return Path(target)
    except OSError as exc:
        raise OutputError(f"cannot use {shown} as the output: {exc.strerror or exc}") from exc
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{shown} is a folder; name a file to write")
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(f"{shown} is not a regular file; name a file to write")
    if not force:
        raise OutputError(f"{shown} exists; use --force to overwrite it")
    return Path(target)


@contextmanager
def open_output(
    path: str | os.PathLike[str],
    database: str | os.PathLike[str] | None = None,
    force: bool = False,
    *,
    text: bool = False,
    encoding: str = "utf-8",
) -> Iterator[IO[Any]]:
    """A file to write the output ``path`` into, after :func:`check_output`.

    The file is a temporary file in the output's folder; when the ``with``
    block ends without an exception it is flushed, synced and renamed to the
    output (atomically, so a reader sees the old file or the new one). On an
    exception it is removed and the output is left as it was. Without
    ``force``, an output that appeared meanwhile is not replaced.

    Opened in binary mode unless ``text`` (then with ``encoding`` and
    ``newline=""``, so what is written is what ends up in the file).
    """
    target = check_output(path, database, force)
    shown = os.fspath(path)
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    try:
        # 0o666 and O_EXCL: the new file gets the user's umask, like open(path, "w").
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise OutputWriteError(
            f"cannot write in {target.parent} for {shown}: {exc.strerror or exc}"
        ) from exc
    try:
        if force and target.exists():
            os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))
        if text:
            handle: IO[Any] = os.fdopen(fd, "w", encoding=encoding, newline="")
        else:
            handle = os.fdopen(fd, "wb")
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _publish(temp, target, shown, force)
    except OSError as exc:
        _discard(temp)
        raise OutputWriteError(f"cannot write {shown}: {exc.strerror or exc}") from exc
    except BaseException:
        _discard(temp)
        raise


def _publish(temp: Path, target: Path, shown: str, force: bool) -> None:
    """Rename the finished ``temp`` to ``target``; without ``force`` never over
    a file that appeared since :func:`check_output` (a hard link fails if it does)."""
    if force:
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)
    except FileExistsError:
        _discard(temp)
        raise OutputError(f"{shown} exists; use --force to overwrite it") from None
    except OSError:
        # A file system without hard links: check, then rename.
        if target.exists():
            _discard(temp)
            raise OutputError(f"{shown} exists; use --force to overwrite it") from None
        os.replace(temp, target)
        return
    _discard(temp)


def _discard(temp: Path) -> None:
    try:
        temp.unlink()
    except OSError:
        pass
