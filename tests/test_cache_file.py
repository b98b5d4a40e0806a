"""reuse.text.cache_file: slow tables built once, read back the same, rebuilt when bad."""

from __future__ import annotations

import marshal
import subprocess
import sys

import numpy as np
import pytest

from reuse.text import cache_file
from reuse.text.cache_file import cached


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("REUSE_CACHE_DIR", str(folder))
    return folder


def _counting_build(calls: list[int]):
    def build() -> dict[str, int]:
        calls.append(1)
        return {"a": 1, "b": 2}

    return build


def _is_dict(value: object) -> bool:
    return isinstance(value, dict)


def test_built_once_then_read_back(cache_dir):
    calls: list[int] = []
    first = cached("table", "k1", _counting_build(calls), _is_dict)
    second = cached("table", "k1", _counting_build(calls), _is_dict)
    assert first == second == {"a": 1, "b": 2}
    assert len(calls) == 1
    assert len(list(cache_dir.glob("table-*.marshal"))) == 1
    assert not list(cache_dir.glob("*.tmp"))


def test_another_key_is_another_file(cache_dir):
    calls: list[int] = []
    cached("table", "k1", _counting_build(calls), _is_dict)
    cached("table", "k2", _counting_build(calls), _is_dict)
    assert len(calls) == 2
    assert len(list(cache_dir.glob("table-*.marshal"))) == 2


@pytest.mark.parametrize("content", [b"", b"\x00garbage", marshal.dumps([1, 2, 3])])
def test_a_corrupt_or_foreign_file_is_rebuilt(cache_dir, content):
    calls: list[int] = []
    cached("table", "k1", _counting_build(calls), _is_dict)
    (path,) = cache_dir.glob("table-*.marshal")
    path.write_bytes(content)
    assert cached("table", "k1", _counting_build(calls), _is_dict) == {"a": 1, "b": 2}
    assert len(calls) == 2
    assert marshal.loads(path.read_bytes()) == {"a": 1, "b": 2}  # written again


def test_an_unwritable_folder_still_gives_the_value(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("REUSE_CACHE_DIR", str(blocker / "cache"))
    calls: list[int] = []
    assert cached("table", "k1", _counting_build(calls), _is_dict) == {"a": 1, "b": 2}
    assert cached("table", "k1", _counting_build(calls), _is_dict) == {"a": 1, "b": 2}
    assert len(calls) == 2


def test_default_folder_is_per_user(monkeypatch):
    monkeypatch.delenv("REUSE_CACHE_DIR", raising=False)
    assert cache_file.cache_dir().name.startswith("reuse-")


def test_normalisation_tables_from_the_cache_equal_fresh_ones(cache_dir):
    from reuse.text import normalise as n

    fresh = n._build_tables()
    n._tables.cache_clear()
    try:
        built = n._tables()  # builds and stores
        n._tables.cache_clear()
        read = n._tables()  # reads back
    finally:
        n._tables.cache_clear()
    for table in (built, read):
        assert np.array_equal(table[0], np.frombuffer(fresh[0], dtype=np.uint32))
        assert table[1] == fresh[1]
        assert np.array_equal(table[2], np.frombuffer(fresh[2], dtype=bool))
        assert np.array_equal(table[3], np.frombuffer(fresh[3], dtype=bool))
    assert len(list(cache_dir.glob("normalise-tables-*.marshal"))) == 1


_JIEBA_TAGS = """
import sys
from reuse.edits.jieba_words import jieba_state
tags = jieba_state().tags
assert "pkg_resources" not in sys.modules
import jieba.posseg
fresh = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
fresh.load_word_tag(jieba.dt.get_dict_file())
assert tags == fresh.word_tag_tab, "tag tables differ"
print(len(tags))
"""


def test_jieba_tags_from_the_cache_equal_jiebas_own(cache_dir, monkeypatch):
    """In fresh processes (jieba is imported once per process): the first builds
    the cache file, the second reads it; both equal jieba's own parse."""
    for _ in range(2):
        out = subprocess.run(
            [sys.executable, "-c", _JIEBA_TAGS], capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, out.stderr
        assert int(out.stdout) > 300_000
    assert len(list(cache_dir.glob("jieba-tags-*.marshal"))) == 1
