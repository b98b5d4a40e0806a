"""jieba and its dictionaries, loaded fast: the module imported without
``pkg_resources``, the part-of-speech table and the prefix dictionary read from
cache files in one piece (the same tables jieba builds)."""

from __future__ import annotations

import importlib
import io
import logging
import marshal
import os
import sys
import tempfile
from itertools import islice
from types import ModuleType

from reuse.text.cache_file import cached, file_key

__all__ = ["import_jieba", "import_posseg", "load_prefix_dictionary"]


def import_jieba() -> ModuleType:
    """``import jieba``, without the ``pkg_resources`` it imports only to open its
    own data files (~0.15 s of a process's start; jieba then opens them by path)."""
    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # import fails at once
    try:
        import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.WARNING)
    return jieba


def import_posseg(jieba: ModuleType) -> ModuleType:
    """``import jieba.posseg``, its part-of-speech table read from a cache file.

    Importing ``jieba.posseg`` builds ``word_tag_tab`` (word -> tag, 349,046
    entries) by parsing jieba's dictionary line by line, ~0.3 s. For the
    default dictionary the import here hands it an empty file instead and
    sets the table from :func:`reuse.text.cache_file.cached`, keyed on the
    dictionary file's path, size and time; the table is the same.
    """
    if "jieba.posseg" in sys.modules:
        return sys.modules["jieba.posseg"]
    dt = jieba.dt
    dict_path = os.path.join(os.path.dirname(str(jieba.__file__)), jieba.DEFAULT_DICT_NAME)
    if dt.dictionary != jieba.DEFAULT_DICT or not os.path.isfile(dict_path):
        return importlib.import_module("jieba.posseg")
    key = f"{file_key(dict_path)}:{jieba.__version__}"
    dt.get_dict_file = lambda: io.BytesIO()  # an instance attribute, for the import only
    try:
        posseg = importlib.import_module("jieba.posseg")
    finally:
        del dt.get_dict_file

    def read_tags() -> dict[str, str]:
        posseg.dt.load_word_tag(dt.get_dict_file())  # jieba's own parser
        return dict(posseg.dt.word_tag_tab)

    posseg.dt.word_tag_tab = cached("jieba-tags", key, read_tags, _tags_ok)
    return posseg


def _tags_ok(value: object) -> bool:
    """A cached tag table: a non-empty dict of strings."""
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in islice(value.items(), 100))
    )


def load_prefix_dictionary(tokenizer: object) -> None:
    """``tokenizer.initialize()`` (a ``jieba.Tokenizer``), its cache read in one piece.

    jieba keeps its prefix dictionary (~500,000 words and prefixes with their
    counts) in a marshal file, ``jieba.cache`` in the temporary directory,
    and reads it with ``marshal.load(file)``, which asks the file object for
    a few bytes per value: ~1.2 s here, against ~0.2 s for ``marshal.loads``
    of the file's bytes. For the default dictionary and cache file (jieba
    does not check that cache's age either) this reads those bytes itself and
    sets the same ``FREQ`` and ``total``; otherwise (no cache yet, another
    dictionary or cache file, an unreadable cache) jieba initialises as usual.
    """
    t = tokenizer
    if not t.initialized and t.dictionary is None and not t.cache_file:  # type: ignore[attr-defined]
        path = os.path.join(t.tmp_dir or tempfile.gettempdir(), "jieba.cache")  # type: ignore[attr-defined]
        try:
            with open(path, "rb") as fh:
                freq, total = marshal.loads(fh.read())
        except (OSError, EOFError, ValueError, TypeError):
            pass
        else:
            if isinstance(freq, dict) and freq and isinstance(total, int):
                with t.lock:  # type: ignore[attr-defined]
                    t.FREQ, t.total, t.initialized = freq, total, True  # type: ignore[attr-defined]
    t.initialize()  # type: ignore[attr-defined]
