"""Tables that are slow to build and never change between runs, kept on disk.

A process that scans, or a worker that types edits, starts by building a few
large lookup tables: the normalisation table of the Basic Multilingual Plane
(65,536 code points through NFKC, casefolding and OpenCC, ~0.25 s) and
jieba's part-of-speech table (its 349,046-line dictionary parsed, ~0.3 s).
:func:`cached` builds such a table once, stores it with :mod:`marshal` (plain
values only: no code is loaded) under a name derived from everything the
table depends on, and later reads it back (~0.02 s).

The files live in ``$REUSE_CACHE_DIR``, or else in ``reuse-<user id>`` in the
temporary directory (jieba keeps its own cache there too). Any failure to read
or write one is silent: the table is then built in memory, as without a
cache. A file is written to a temporary name and renamed, so concurrent
processes never read half a table.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

#: marshal's format version used for the files (part of their names).
_MARSHAL_VERSION = 4


def cache_dir() -> Path:
    """Folder of the cache files (see the module docstring)."""
    configured = os.environ.get("REUSE_CACHE_DIR")
    if configured:
        return Path(configured)
    user = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"reuse-{user}"


def cached(name: str, key: str, build: Callable[[], T], check: Callable[[object], bool]) -> T:
    """``build()``, or the value a previous call with the same ``name`` and ``key`` stored.

    ``key`` names everything the value depends on (versions, file sizes,
    source hashes); ``check`` accepts a value read back (its type and shape)
    before it is trusted. ``build()`` must return plain values that
    :mod:`marshal` can write (numbers, strings, bytes, tuples, lists, dicts).
    """
    digest = hashlib.blake2b(f"{name}\0{key}".encode(), digest_size=10).hexdigest()
    path = cache_dir() / f"{name}-{digest}.marshal"
    try:
        value = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
    else:
        if check(value):
            return value
    value = build()
    _write(path, value)
    return value


def _write(path: Path, value: Any) -> None:
    """Store ``value`` at ``path`` through a temporary file in the same folder."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(marshal.dumps(value, _MARSHAL_VERSION))
        os.replace(tmp, path)
    except (OSError, ValueError):
        try:
            os.unlink(tmp)
        except OSError:
            pass


def file_key(path: str | Path) -> str:
    """Part of a key for a value read from ``path``: its path, size and modification time."""
    st = os.stat(path)
    return f"{os.path.abspath(path)}:{st.st_size}:{st.st_mtime_ns}"


def source_key(module_file: str | Path) -> str:
    """Part of a key for a value built by the code in ``module_file``: its content's hash."""
    return hashlib.blake2b(Path(module_file).read_bytes(), digest_size=16).hexdigest()
