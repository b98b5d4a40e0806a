"""Tests for reuse.ingest: finding files (walk), reading them (read) and guessing
encodings (decode, chars), and paths that are not UTF-8 (paths)."""

from __future__ import annotations

import codecs
import doctest
import hashlib
import logging
import os
import random
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

import pytest

from reuse import Config
from reuse.config.scan import IngestConfig
from reuse.errors import ConfigError, DocumentError
from reuse.ingest import chars, decode, failures, paths, read, walk
from reuse.ingest.chars import is_blank
from reuse.ingest.decode import DEFAULT_MAX_CHARS, decode_bytes, decode_text
from reuse.ingest.paths import escape_path, unescape_path
from reuse.ingest.read import (
    DecodedDocument,
    decode_document,
    read_bytes,
    read_document,
    sha256_hex,
)
from reuse.ingest.walk import DEFAULT_SUFFIXES, SourceFile, iter_source_files

SIMPLIFIED = "政府工作报告\n各位代表：\n现在，我代表国务院向大会报告政府工作，请予审议。\n"
TRADITIONAL = "政府工作報告　各位代表：現在，我代表國務院向大會報告政府工作"
# With ASCII digits and newlines, so UTF-16 has NULs in the high-byte column.
MIXED = "2024年政府工作报告\n一、2023年工作回顾\n国内生产总值超过126万亿元，增长5.2%。\n"
ENGLISH = "Report on the Work of the Government\nFellow Deputies,\n"


def _listing(tmp_path: Path, files: list[SourceFile]) -> list[str]:
    """Paths relative to tmp_path, POSIX style, in the order given."""
    base = tmp_path.as_posix() + "/"
    return [f.path.removeprefix(base) for f in files]


def _write(path: Path, data: bytes | str = "报告\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _walk(roots: list[str | Path], **kwargs: Any) -> tuple[list[SourceFile], list[DocumentError]]:
    errors: list[DocumentError] = []
    files = list(iter_source_files(roots, on_error=errors.append, **kwargs))
    return files, errors


# ---------------------------------------------------------------------------
# decode_bytes / read_document: encodings that must be recognised

DECODE_CASES = [
    pytest.param(SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8", id="utf8-chinese"),
    pytest.param(
        codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8-sig", id="utf8-bom"
    ),
    pytest.param(ENGLISH.encode("ascii"), ENGLISH, "utf-8", id="ascii-english"),
    pytest.param(SIMPLIFIED.encode("gb18030"), SIMPLIFIED, "gb18030", id="gb18030"),
    pytest.param(SIMPLIFIED.encode("gbk"), SIMPLIFIED, "gb18030", id="gbk-as-gb18030"),
    pytest.param(MIXED.encode("gb2312"), MIXED, "gb18030", id="gb2312-with-digits"),
    pytest.param(TRADITIONAL.encode("big5"), TRADITIONAL, "big5", id="big5-traditional"),
    pytest.param(
        "價格€100元，政府工作報告".encode("cp950"),
        "價格€100元，政府工作報告",
        "cp950",
        id="cp950-euro-not-in-big5",
    ),
    pytest.param(
        TRADITIONAL.encode("gb18030"), TRADITIONAL, "gb18030", id="traditional-in-gb18030"
    ),
    pytest.param(
        codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le"),
        SIMPLIFIED,
        "utf-16-le",
        id="utf16le-bom",
    ),
    pytest.param(
        codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"),
        SIMPLIFIED,
        "utf-16-be",
        id="utf16be-bom",
    ),
    pytest.param(MIXED.encode("utf-16-le"), MIXED, "utf-16-le", id="utf16le-no-bom"),
    pytest.param(MIXED.encode("utf-16-be"), MIXED, "utf-16-be", id="utf16be-no-bom"),
    pytest.param(
        TRADITIONAL.encode("utf-16-le"), TRADITIONAL, "utf-16-le", id="utf16le-no-bom-cjk-only"
    ),
    pytest.param(ENGLISH.encode("utf-16-le"), ENGLISH, "utf-16-le", id="utf16le-no-bom-english"),
    pytest.param(
        codecs.BOM_UTF32_LE + SIMPLIFIED.encode("utf-32-le"),
        SIMPLIFIED,
        "utf-32-le",
        id="utf32le-bom",
    ),
    pytest.param(
        codecs.BOM_UTF32_BE + SIMPLIFIED.encode("utf-32-be"),
        SIMPLIFIED,
        "utf-32-be",
        id="utf32be-bom",
    ),
    pytest.param(
        "第一条\r\n第二条\r\n\f\t附件\r".encode(),
        "第一条\r\n第二条\r\n\f\t附件\r",
        "utf-8",
        id="crlf-ff-tab-kept",
    ),
    pytest.param(
        "第一条\r\n第二条\r\n".encode("gb18030"),
        "第一条\r\n第二条\r\n",
        "gb18030",
        id="gb-crlf-kept",
    ),
    pytest.param(
        "  前后空白 \n\n".encode(), "  前后空白 \n\n", "utf-8", id="whitespace-not-stripped"
    ),
    pytest.param(
        "a\x01b\x02c 正文正文正文正文正文正文正文正文".encode(),
        "a\x01b\x02c 正文正文正文正文正文正文正文正文",
        "utf-8",
        id="few-controls-kept",
    ),
]


@pytest.mark.parametrize(("data", "text", "encoding"), DECODE_CASES)
def test_decode_bytes(data: bytes, text: str, encoding: str) -> None:
    assert decode_bytes(data) == (text, encoding)


@pytest.mark.parametrize(("data", "text", "encoding"), DECODE_CASES)
def test_read_document(tmp_path: Path, data: bytes, text: str, encoding: str) -> None:
    path = _write(tmp_path / "doc.txt", data)
    doc = read_document(str(path))
    assert doc == DecodedDocument(
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
        encoding=encoding,
        n_bytes=len(data),
    )


@pytest.mark.parametrize(
    ("data", "not_encodings"),
    [
        pytest.param(
            "日本語のテキストです。これはテストです。\n".encode("shift_jis") * 5,
            {"gb18030", "big5", "cp950"},
            id="shift-jis-not-chinese",
        ),
        pytest.param(
            "Café au lait, résumé, naïve.\n".encode("latin-1") * 3,
            {"gb18030", "big5", "cp950"},
            id="latin1-not-chinese",
        ),
        pytest.param(
            ("政府工作报告　" * 20).encode("gb18030"), {"big5", "cp950"}, id="gb-not-big5"
        ),
        pytest.param((TRADITIONAL * 5).encode("big5"), {"gb18030"}, id="big5-not-garbled-gb18030"),
    ],
)
def test_decode_bytes_does_not_misread(data: bytes, not_encodings: set[str]) -> None:
    text, encoding = decode_bytes(data)
    assert encoding not in not_encodings
    assert text.encode(encoding) == data  # the decoding used is exact


def test_big5_and_gb18030_differ_only_by_ranking() -> None:
    # Why the ranking exists: the Big5 bytes are also valid GB18030 (garbled).
    data = TRADITIONAL.encode("big5")
    garbled = data.decode("gb18030")
    assert garbled != TRADITIONAL
    assert decode_bytes(data) == (TRADITIONAL, "big5")


# ---------------------------------------------------------------------------
# decode_bytes: inputs that must be refused

_RNG = random.Random(20240305)
RANDOM_BYTES = _RNG.randbytes(4096)
RANDOM_HIGH_BYTES = bytes(_RNG.randrange(0x80, 0x100) for _ in range(4096))


@pytest.mark.parametrize(
    ("data", "message_start"),
    [
        pytest.param(b"", "empty file", id="empty"),
        pytest.param(codecs.BOM_UTF8, "empty file (only a byte-order mark)", id="bom-only"),
        pytest.param(
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"IHDR" + b"\x00" * 64,
            "binary file (NUL bytes, the first at byte offset 8)",
            id="png-header",
        ),
        pytest.param(RANDOM_BYTES, "binary file (NUL bytes", id="random-bytes"),
        pytest.param(RANDOM_HIGH_BYTES, "undecodable bytes:", id="random-bytes-no-nul"),
        pytest.param(
            "报告".encode() + b"\x00" + "正文".encode(), "binary file", id="utf8-with-nul"
        ),
        pytest.param(
            bytes(range(1, 9)) * 20 + b"text", "binary or undecodable: ", id="mostly-controls"
        ),
        pytest.param(
            codecs.BOM_UTF8 + "报告".encode("gb18030"),
            "undecodable bytes: starts with a UTF-8 byte-order mark but is not valid UTF-8",
            id="utf8-bom-then-gbk",
        ),
        pytest.param(
            codecs.BOM_UTF16_LE + "报告".encode("utf-16-le") + b"\x41",
            "undecodable bytes: starts with a UTF-16-LE byte-order mark",
            id="utf16-bom-odd-length",
        ),
    ],
)
def test_decode_bytes_refuses(data: bytes, message_start: str) -> None:
    with pytest.raises(DocumentError) as info:
        decode_bytes(data, "some/file.txt")
    error = info.value
    assert error.stage == "ingest"
    assert error.path == "some/file.txt"
    assert error.message.startswith(message_start)
    assert "\n" not in error.message


def test_control_fraction_message_names_share_and_encoding() -> None:
    with pytest.raises(DocumentError, match=r"100% of the 160 characters decoded as utf-8"):
        decode_bytes(bytes(range(1, 9)) * 20)


def test_ten_percent_controls_is_the_limit() -> None:
    assert decode_bytes(b"\x01" + b"a" * 9) == ("\x01" + "a" * 9, "utf-8")
    with pytest.raises(DocumentError, match="binary or undecodable"):
        decode_bytes(b"\x01\x02" + b"a" * 9)


# ---------------------------------------------------------------------------
# read_document: sizes and OS errors


def test_read_document_too_large(tmp_path: Path) -> None:
    path = _write(tmp_path / "big.txt", "政" * 100)  # 300 bytes in UTF-8
    with pytest.raises(DocumentError) as info:
        read_document(path, max_bytes=299)
    assert info.value.message == "file too large: 300 bytes > limit 299"
    assert info.value.stage == "ingest"
    assert read_document(path, max_bytes=300).n_bytes == 300


def test_read_document_refuses_bad_limit(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="max_bytes must be positive"):
        read_document(_write(tmp_path / "a.txt"), max_bytes=0)


def test_read_document_missing(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="cannot read: no such file") as info:
        read_document(str(tmp_path / "gone.txt"))
    assert info.value.path == str(tmp_path / "gone.txt")


def test_read_document_directory(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="it is a directory, not a file"):
        read_document(str(tmp_path))


def test_read_document_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "secret.txt")

    def deny(*args: object, **kwargs: object) -> NoReturn:
        raise PermissionError(13, "Permission denied")

    # chmod does not stop root, so make open() fail instead.
    monkeypatch.setattr(read, "open", deny, raising=False)
    with pytest.raises(DocumentError) as info:
        read_document(str(path))
    assert info.value.message == "cannot read: permission denied"


def test_read_document_io_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "disk.txt")

    def broken(*args: object, **kwargs: object) -> NoReturn:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(read, "open", broken, raising=False)
    with pytest.raises(DocumentError, match="cannot read: input/output error"):
        read_document(str(path))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_read_document_fifo_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(DocumentError, match="not a regular file"):
        read_document(str(fifo))  # must not block


def test_read_document_empty(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="empty file"):
        read_document(_write(tmp_path / "empty.txt", b""))


def test_sha256_matches_hashlib_and_is_of_raw_bytes(tmp_path: Path) -> None:
    data = codecs.BOM_UTF8 + "第一章\r\n".encode()
    doc = read_document(_write(tmp_path / "bom.txt", data))
    assert doc.sha256 == hashlib.sha256(data).hexdigest() == sha256_hex(data)
    assert doc.text == "第一章\r\n"  # BOM removed from the text, not from the hash


# ---------------------------------------------------------------------------
# iter_source_files


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A small corpus: nested folders, hidden entries, other suffixes."""
    root = tmp_path / "corpus"
    for name in [
        "a.txt",
        "b.md",
        "C.TXT",
        "notes.Md",
        "image.png",
        "data.csv",
        "txt",
        "2019/report.txt",
        "2019/annex/table.txt",
        "2019/annex/deep/deeper/last.md",
        "2020/report.txt",
        ".git/config.txt",
        ".hidden/secret.txt",
        "2020/.cache/cached.txt",
        ".dotfile.txt",
        "2020/._report.txt",
    ]:
        _write(root / name)
    (root / "empty_dir").mkdir()
    return root


TREE_FILES = [
    "corpus/2019/annex/deep/deeper/last.md",
    "corpus/2019/annex/table.txt",
    "corpus/2019/report.txt",
    "corpus/2020/report.txt",
    "corpus/C.TXT",
    "corpus/a.txt",
    "corpus/b.md",
    "corpus/notes.Md",
]


def test_walk_tree(tmp_path: Path, tree: Path) -> None:
    files, errors = _walk([tree])
    assert _listing(tmp_path, files) == TREE_FILES
    assert errors == []


def test_walk_fields(tmp_path: Path, tree: Path) -> None:
    files, _ = _walk([str(tree)])
    for found in files:
        st = os.stat(found.path)
        assert os.path.isabs(found.path)
        assert found.root == tree.as_posix()
        assert (found.size, found.mtime_ns) == (st.st_size, st.st_mtime_ns)


@pytest.mark.parametrize(
    ("suffixes", "expected"),
    [
        pytest.param((".md",), ["2019/annex/deep/deeper/last.md", "b.md", "notes.Md"], id="md"),
        pytest.param(
            (".TXT",),
            ["2019/annex/table.txt", "2019/report.txt", "2020/report.txt", "C.TXT", "a.txt"],
            id="upper-suffix",
        ),
        pytest.param([".png", ".csv"], ["data.csv", "image.png"], id="list-of-others"),
    ],
)
def test_walk_suffixes(tree: Path, suffixes: Sequence[str], expected: list[str]) -> None:
    files, _ = _walk([tree], suffixes=suffixes)
    assert _listing(tree, files) == expected


@pytest.mark.parametrize(
    ("suffixes", "exception"),
    [
        pytest.param(("txt",), ValueError, id="no-dot"),
        pytest.param((".",), ValueError, id="dot-only"),
        pytest.param((), ValueError, id="empty"),
        pytest.param(".txt", TypeError, id="bare-string"),
    ],
)
def test_walk_rejects_bad_suffixes(
    tree: Path, suffixes: Sequence[str], exception: type[Exception]
) -> None:
    with pytest.raises(exception, match="suffix"):
        iter_source_files([tree], suffixes=suffixes)


def test_walk_rejects_single_path(tree: Path) -> None:
    with pytest.raises(TypeError, match="roots must be a list of paths"):
        iter_source_files(str(tree))  # type: ignore[arg-type]


def test_walk_order_is_deterministic(tmp_path: Path, tree: Path) -> None:
    sub = tree / "2019"
    first, _ = _walk([tree, sub])
    second, _ = _walk([sub, tree])
    assert first == second  # same files, same roots, same order
    assert [f.path for f in first] == sorted(f.path for f in first)
    assert _listing(tmp_path, first) == TREE_FILES


@pytest.mark.parametrize(
    "roots",
    [
        pytest.param(["corpus", "corpus/2019"], id="nested"),
        pytest.param(["corpus/2019", "corpus"], id="nested-reversed"),
        pytest.param(["corpus", "corpus"], id="duplicate"),
        pytest.param(["corpus", "corpus/a.txt", "corpus/2019/../2019"], id="file-and-dotdot"),
    ],
)
def test_walk_overlapping_roots(tmp_path: Path, tree: Path, roots: list[str]) -> None:
    files, errors = _walk([tmp_path / r for r in roots])
    assert _listing(tmp_path, files) == TREE_FILES
    assert {f.root for f in files} == {tree.as_posix()}  # the outer root
    assert errors == []


def test_walk_relative_root(tmp_path: Path, tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    files, _ = _walk(["corpus/2019"])
    assert [f.path for f in files] == [
        (tree / "2019/annex/deep/deeper/last.md").as_posix(),
        (tree / "2019/annex/table.txt").as_posix(),
        (tree / "2019/report.txt").as_posix(),
    ]
    assert files[0].root == (tree / "2019").as_posix()


def test_walk_single_file_root(tmp_path: Path, tree: Path) -> None:
    files, errors = _walk([tree / "2020" / "report.txt", tree / "image.png"])
    assert _listing(tmp_path, files) == ["corpus/2020/report.txt"]
    assert files[0].root == files[0].path
    assert [(e.path, e.message) for e in errors] == [
        (
            (tree / "image.png").as_posix(),
            "skipped: file name does not end with .txt, .md, .docx, .pdf, .html, .htm",
        )
    ]


def test_walk_missing_root_is_reported(tmp_path: Path, tree: Path) -> None:
    missing = tmp_path / "nowhere"
    files, errors = _walk([missing, tree])
    assert _listing(tmp_path, files) == TREE_FILES  # the other root is still walked
    assert len(errors) == 1
    assert errors[0].path == missing.as_posix()
    assert errors[0].stage == "ingest"
    assert errors[0].message == "root does not exist"


def test_walk_without_on_error_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="reuse.ingest.walk"):
        assert list(iter_source_files([tmp_path / "nowhere"])) == []
    assert "root does not exist" in caplog.text


def test_walk_unreadable_directory_is_reported(
    tmp_path: Path, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = (tree / "2019").as_posix()
    real_scandir = os.scandir

    def scandir(path: str) -> Iterator[os.DirEntry[str]]:
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    # chmod does not stop root, so make listing that directory fail instead.
    monkeypatch.setattr(walk.os, "scandir", scandir)
    files, errors = _walk([tree])
    assert [(e.path, e.message) for e in errors] == [
        (locked, "cannot list directory: permission denied")
    ]
    assert _listing(tmp_path, files) == [p for p in TREE_FILES if "/2019/" not in p]


def test_walk_unreadable_root_and_failing_listing_are_reported(
    tmp_path: Path, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other"
    _write(other / "x.txt")
    annex = (tree / "2019" / "annex").as_posix()
    real_scandir = os.scandir

    class Failing:
        """A listing that breaks after its first entry (an I/O error mid-way)."""

        def __init__(self, path: str) -> None:
            self.inner = real_scandir(path)

        def __enter__(self) -> Failing:
            return self

        def __exit__(self, *exc: object) -> None:
            self.inner.close()

        def __iter__(self) -> Iterator[os.DirEntry[str]]:
            yield next(iter(self.inner))
            raise OSError(5, "Input/output error")

    def scandir(path: str) -> Any:
        if os.fspath(path) == other.as_posix():
            raise PermissionError(13, "Permission denied", path)
        if os.fspath(path) == annex:
            return Failing(path)
        return real_scandir(path)

    monkeypatch.setattr(walk.os, "scandir", scandir)
    files, errors = _walk([tree, other])
    assert sorted((e.path, e.message) for e in errors) == [
        (annex, "cannot list directory: input/output error"),
        (other.as_posix(), "cannot list directory: permission denied"),
    ]
    assert _listing(tmp_path, files) == [p for p in TREE_FILES if "/annex/" not in p]


symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="POSIX links")


@symlinks
def test_walk_symlink_loop_terminates(tmp_path: Path, tree: Path) -> None:
    (tree / "2019" / "annex" / "up").symlink_to("..", target_is_directory=True)
    (tree / "2019" / "annex" / "top").symlink_to(tree, target_is_directory=True)
    (tree / "self").symlink_to(tree, target_is_directory=True)
    files, errors = _walk([tree])
    assert _listing(tmp_path, files) == TREE_FILES  # each file once, by its real path
    assert errors == []


def _outside_message(target: Path) -> str:
    return (
        f"skipped: symbolic link to a target outside the scanned folder ({target.as_posix()});"
        " set ingest.follow_symlinks = true to follow it"
    )


@symlinks
def test_walk_skips_links_out_of_the_root(tmp_path: Path, tree: Path) -> None:
    outside = tmp_path / "elsewhere"
    _write(outside / "extra.txt")
    secret = _write(tmp_path / "passwd", "root:x:0:0\n")
    (tree / "linked").symlink_to(outside, target_is_directory=True)
    (tree / "passwd.txt").symlink_to(secret)
    (tree / "relative.txt").symlink_to("../passwd")
    (tree / "passwd").symlink_to(secret)  # not a matching name: silently ignored
    files, errors = _walk([tree])
    assert _listing(tmp_path, files) == TREE_FILES
    assert [(e.path, e.stage, e.message) for e in errors] == [
        ((tree / "linked").as_posix(), "ingest", _outside_message(outside)),
        ((tree / "passwd.txt").as_posix(), "ingest", _outside_message(secret)),
        ((tree / "relative.txt").as_posix(), "ingest", _outside_message(secret)),
    ]


@symlinks
def test_walk_follow_symlinks_follows_links_out_of_the_root(tmp_path: Path, tree: Path) -> None:
    outside = tmp_path / "elsewhere"
    _write(outside / "extra.txt")
    secret = _write(tmp_path / "passwd", "root:x:0:0\n")
    (tree / "linked").symlink_to(outside, target_is_directory=True)
    (tree / "passwd.txt").symlink_to(secret)
    files, errors = _walk([tree], follow_symlinks=True)
    # The path keeps the link's name: it is not resolved.
    assert _listing(tmp_path, files) == sorted(
        [*TREE_FILES, "corpus/linked/extra.txt", "corpus/passwd.txt"]
    )
    assert errors == []


@symlinks
def test_walk_link_out_of_the_root_through_a_chain(tmp_path: Path, tree: Path) -> None:
    """A link to an inside link to the outside leads outside; inside a linked folder too."""
    outside = tmp_path / "elsewhere"
    _write(outside / "extra.txt")
    (tree / "hop").symlink_to(outside, target_is_directory=True)  # reported itself
    (tree / "2019" / "via_hop").symlink_to(tree / "hop", target_is_directory=True)
    (tree / "2020" / "alias2019").symlink_to(tree / "2019", target_is_directory=True)
    files, errors = _walk([tree])
    assert _listing(tmp_path, files) == TREE_FILES
    assert sorted(e.path for e in errors) == [
        (tree / "2019" / "via_hop").as_posix(),
        (tree / "hop").as_posix(),
    ]
    assert {e.message for e in errors} == {_outside_message(outside)}


@symlinks
def test_walk_links_inside_a_linked_root_are_inside(tmp_path: Path, tree: Path) -> None:
    """A root that is a link is followed; links into its target stay inside it."""
    alias = tmp_path / "alias"
    alias.symlink_to(tree, target_is_directory=True)
    (tree / "2020" / "to2019").symlink_to(tree / "2019", target_is_directory=True)
    (tree / "z_a.txt").symlink_to(alias / "a.txt")  # through the root's own link
    files, errors = _walk([alias])
    assert errors == []
    assert [f.path for f in files] == [
        (tmp_path / p.replace("corpus", "alias", 1)).as_posix() for p in TREE_FILES
    ]


@symlinks
def test_walk_root_file_link_out_of_everything_is_read(tmp_path: Path) -> None:
    """A root is taken as named, even a link to a file elsewhere."""
    target = _write(tmp_path / "elsewhere" / "report.txt")
    link = tmp_path / "scan" / "named.txt"
    link.parent.mkdir()
    link.symlink_to(target)
    files, errors = _walk([link])
    assert [f.path for f in files] == [link.as_posix()]
    assert errors == []


@symlinks
def test_walk_root_through_symlink_is_not_resolved(tmp_path: Path, tree: Path) -> None:
    alias = tmp_path / "alias"
    alias.symlink_to(tree, target_is_directory=True)
    files, _ = _walk([alias])
    assert [f.path for f in files] == [
        (tmp_path / p.replace("corpus", "alias", 1)).as_posix() for p in TREE_FILES
    ]


@symlinks
def test_walk_file_reached_twice_is_listed_once(tmp_path: Path, tree: Path) -> None:
    (tree / "z_link.txt").symlink_to(tree / "a.txt")
    files, _ = _walk([tree])
    assert _listing(tmp_path, files) == TREE_FILES  # a.txt < z_link.txt is kept


@symlinks
def test_walk_broken_symlinks_are_reported(tmp_path: Path, tree: Path) -> None:
    (tree / "dangling.txt").symlink_to(tmp_path / "deleted.txt")
    (tree / "loop.txt").symlink_to(tree / "loop.txt")
    files, errors = _walk([tree])
    assert _listing(tmp_path, files) == TREE_FILES
    messages = {Path(e.path).name: e.message for e in errors}
    assert messages["dangling.txt"].startswith("broken symbolic link: its target")
    assert "does not exist" in messages["dangling.txt"]
    assert messages["loop.txt"] == "broken symbolic link: it leads back to itself (a link loop)"
    assert all(e.stage == "ingest" for e in errors)


@symlinks
def test_walk_broken_symlink_root(tmp_path: Path) -> None:
    link = tmp_path / "root_link"
    link.symlink_to(tmp_path / "missing_dir", target_is_directory=True)
    files, errors = _walk([link])
    assert files == []
    assert errors[0].message.startswith("broken symbolic link:")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_walk_reports_special_file_with_matching_name(tmp_path: Path, tree: Path) -> None:
    os.mkfifo(tree / "pipe.txt")
    os.mkfifo(tree / "pipe.bin")  # not a matching name: silently ignored
    files, errors = _walk([tree])
    assert _listing(tmp_path, files) == TREE_FILES
    assert [(Path(e.path).name, e.message) for e in errors] == [
        ("pipe.txt", "skipped: not a regular file (a device, pipe or socket)")
    ]


def test_walk_then_read_round_trip(tree: Path) -> None:
    _write(tree / "gb.txt", SIMPLIFIED.encode("gb18030"))
    files, _ = _walk([tree], suffixes=DEFAULT_SUFFIXES)
    docs = {Path(f.path).name: read_document(f.path) for f in files}
    assert docs["gb.txt"].text == SIMPLIFIED
    assert docs["gb.txt"].encoding == "gb18030"
    assert docs["a.txt"].text == "报告\n"


# ---------------------------------------------------------------------------
# decode_text: a cut last character, blank text, the length limit

SENTENCE = "各位代表：现在，我代表国务院向大会报告政府工作，请予审议。"


def _cut_warning(n: int) -> str:
    plural = "s" if n > 1 else ""
    return f"the last character is incomplete (file cut short?): {n} trailing byte{plural} dropped"


@pytest.mark.parametrize(
    ("text", "encoding", "expected_encoding"),
    [
        pytest.param(SENTENCE, "utf-8", "utf-8", id="utf8-3-byte-char"),
        pytest.param(SENTENCE + "\U00020000", "utf-8", "utf-8", id="utf8-4-byte-char"),
        pytest.param(SENTENCE, "gb18030", "gb18030", id="gb18030-2-byte-char"),
        pytest.param(SENTENCE + "\U00020000", "gb18030", "gb18030", id="gb18030-4-byte-char"),
        pytest.param(TRADITIONAL, "big5", "big5", id="big5"),
        pytest.param("报告 report", "utf-8", "utf-8", id="ascii-end-not-cut"),
    ],
)
def test_decode_text_drops_a_cut_last_character(
    text: str, encoding: str, expected_encoding: str
) -> None:
    data = text.encode(encoding)
    last = len(text[-1].encode(encoding))
    assert decode_text(data) == (text, expected_encoding, ())
    for cut in range(1, last):
        kept = last - cut  # bytes of the last character left in the file
        assert decode_text(data[:-cut], "x.txt") == (
            text[:-1],
            expected_encoding,
            (_cut_warning(kept),),
        )


def test_decode_text_cut_utf16_and_utf8_bom() -> None:
    utf16 = codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le")
    assert decode_text(utf16[:-1]) == (SIMPLIFIED[:-1], "utf-16-le", (_cut_warning(1),))
    with pytest.raises(DocumentError, match="UTF-16-LE byte-order mark"):
        decode_bytes(utf16[:-1])  # the bare decoder stays strict
    utf8 = codecs.BOM_UTF8 + SENTENCE.encode()
    assert decode_text(utf8[:-1]) == (SENTENCE[:-1], "utf-8-sig", (_cut_warning(2),))


def test_decode_text_ascii_then_a_cut_utf8_character() -> None:
    assert decode_text(b"report 2024 " + "报".encode()[:2]) == (
        "report 2024 ",
        "utf-8",
        (_cut_warning(2),),
    )


@pytest.mark.parametrize("cut", [0, 1])
def test_decode_text_invalid_bytes_elsewhere_are_not_tolerated(cut: int) -> None:
    """A bad byte in the middle is handled as before, a cut end or not."""
    data = (SENTENCE * 4).encode()
    data = data[:10] + b"\xff" + data[10 : len(data) - cut]
    try:
        expected: object = (*decode_bytes(data), ())
    except DocumentError as err:
        expected = err.message
    try:
        got: object = decode_text(data)
    except DocumentError as err:
        got = err.message
    assert got == expected
    assert "incomplete" not in str(got)


def test_read_document_records_the_warning(tmp_path: Path) -> None:
    data = SENTENCE.encode()[:-1]
    path = _write(tmp_path / "cut.txt", data)
    doc = read_document(path)
    assert (doc.text, doc.warnings) == (SENTENCE[:-1], (_cut_warning(2),))
    assert (doc.sha256, doc.n_bytes) == (sha256_hex(data), len(data))  # of the bytes as read
    assert read_document(_write(tmp_path / "ok.txt", SENTENCE)).warnings == ()


BLANK_TEXTS = [
    pytest.param(" \t\r\n\f", id="ascii-space"),
    pytest.param("\u3000\u00a0\u2002\u2003\u202f\u205f\u1680\n", id="unicode-space"),
    pytest.param("\u2028\u2029 ", id="separators"),
    pytest.param("\u200b\u200c\u200d\u2060\ufeff", id="zero-width"),
    pytest.param("\n\u200b \u3000\u00ad\u200e\u200f\u202a\u202c\u2066\u2069\n", id="mixed-format"),
    pytest.param("\U000e0001\U000e0020\u180e\u061c", id="rare-format"),
]


@pytest.mark.parametrize("text", BLANK_TEXTS)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_decode_text_refuses_blank_text(text: str, encoding: str) -> None:
    _assert_blank(text.encode(encoding))


def _assert_blank(data: bytes) -> None:
    assert decode_bytes(data)[0]  # decodes; only decode_text applies the rule
    with pytest.raises(DocumentError) as info:
        decode_text(data, "blank.txt")
    assert (info.value.path, info.value.stage) == ("blank.txt", "ingest")
    assert info.value.message == "no text: only white space or invisible characters"


@pytest.mark.parametrize("text", ["\u200b报", "\u3000\u3000。", "a", "\u200b\u00b7", "-\u00ad"])
def test_decode_text_keeps_text_with_one_visible_character(text: str) -> None:
    assert decode_text(text.encode())[0] == text


def test_is_blank_is_white_space_and_category_cf() -> None:
    planes = [*range(0x0, 0x30000), *range(0xE0000, 0xE1000)]
    for code in planes:
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        expected = char.isspace() or unicodedata.category(char) == "Cf"
        assert is_blank(char) == expected, hex(code)
        assert is_blank(f" {char}\u200b") == expected, hex(code)
    assert is_blank("") and is_blank("\u200b" * 1000 + " " * 1000)
    assert not is_blank("\u200b" * 1000 + "字")


def test_decode_text_max_chars() -> None:
    data = SENTENCE.encode("gb18030")
    n = len(SENTENCE)
    assert decode_text(data, "a.txt", max_chars=n)[0] == SENTENCE
    with pytest.raises(DocumentError) as info:
        decode_text(data, "a.txt", max_chars=n - 1)
    assert (info.value.stage, info.value.message) == (
        "ingest",
        f"refused: {n} characters of text > limit {n - 1} (ingest.max_chars); not a report?",
    )
    with pytest.raises(ValueError, match="max_chars must be positive"):
        decode_text(data, max_chars=0)


def test_read_document_max_chars(tmp_path: Path) -> None:
    path = _write(tmp_path / "long.txt", "政" * 1000 + "\n")
    assert len(read_document(path, max_chars=1001).text) == 1001
    with pytest.raises(DocumentError, match=r"refused: 1,001 characters of text > limit 1,000"):
        read_document(path, max_chars=1000)
    with pytest.raises(DocumentError, match="refused: 1,001 characters"):
        decode_document(path, read_bytes(path), max_chars=1000)
    with pytest.raises(ValueError, match="max_chars must be positive"):
        read_document(path, max_chars=0)


def test_ingest_config_limits() -> None:
    config = IngestConfig()
    assert (config.max_chars, config.follow_symlinks) == (DEFAULT_MAX_CHARS, False)
    assert DEFAULT_MAX_CHARS == 20_000_000
    loaded = Config.load(overrides={"ingest.max_chars": 5000, "ingest.follow_symlinks": True})
    assert (loaded.ingest.max_chars, loaded.ingest.follow_symlinks) == (5000, True)
    for overrides, message in [
        ({"ingest.max_chars": 0}, "ingest.max_chars must be positive"),
        ({"ingest.max_chars": "many"}, "max_chars must be a int"),
        ({"ingest.max_chars": True}, "max_chars must be a int"),
        ({"ingest.follow_symlinks": "yes"}, "ingest.follow_symlinks must be true or false"),
    ]:
        with pytest.raises(ConfigError, match=message):
            Config.load(overrides=overrides)


# ---------------------------------------------------------------------------
# Names that are not valid UTF-8


def test_escape_path_examples() -> None:
    assert escape_path("/srv/报告/政府工作报告.txt") == "/srv/报告/政府工作报告.txt"
    assert escape_path(os.fsdecode(b"caf\xe9.txt")) == "caf\\xe9.txt"
    gbk = os.fsdecode("报告.txt".encode("gbk"))
    assert escape_path(gbk) == "\\xb1\\xa8\\xb8\\xe6.txt"
    assert escape_path("a\\xe9") == "a\\\\xe9"  # a literal backslash-x is not a byte
    assert escape_path("\ud800\udfff") == "\\ud800\\udfff"  # other lone surrogates
    assert unescape_path("caf\\xe9.txt") == "caf\udce9.txt"
    assert unescape_path("a\\\\xe9") == "a\\xe9"


@pytest.mark.parametrize(
    "text", ["\\", "a\\", "\\q", "\\x41", "\\xE9", "\\xe", "\\udce9", "\\ud8", "\\u0041"]
)
def test_unescape_path_refuses_what_escape_path_never_makes(text: str) -> None:
    with pytest.raises(ValueError, match="not an escaped path"):
        unescape_path(text)


def test_escape_path_round_trips_random_byte_names() -> None:
    rng = random.Random(20240305)
    names = {b"\xe9", b"\\", b"\\xe9", b"\\\\", "报告".encode("gbk"), "报告".encode()}
    while len(names) < 3000:
        alphabet = rng.choice([range(256), range(0x5B, 0x80), range(0x80, 0x100), b"\\x9e"])
        names.add(bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 24))))
    escaped = set()
    for name in names:
        text = escape_path(os.fsdecode(name))
        text.encode("utf-8")  # always valid UTF-8
        escaped.add(text)
        assert os.fsencode(unescape_path(text)) == name
    assert len(escaped) == len(names)  # injective


def test_escape_path_round_trips_random_strings() -> None:
    rng = random.Random(7)
    pool = ["\\", "x", "u", "e", "9", "d", "c", "报", "\udce9", "\udc80", "\ud800", "\udfff", "a"]
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        escaped = escape_path(text)
        escaped.encode("utf-8")
        assert unescape_path(escaped) == text


def test_walk_and_read_names_that_are_not_utf8(tmp_path: Path) -> None:
    base = os.fsencode(str(tmp_path))
    folder = os.path.join(base, "报告".encode("gbk"))
    os.mkdir(folder)
    with open(os.path.join(folder, b"caf\xe9.txt"), "wb") as fh:
        fh.write(SENTENCE.encode("gb18030"))
    with open(os.path.join(base, "政府.txt".encode()), "wb") as fh:
        fh.write(SENTENCE.encode())
    files, errors = _walk([tmp_path])
    assert errors == []
    assert [os.fsencode(f.path) for f in files] == [
        os.path.join(base, "政府.txt".encode()),
        os.path.join(folder, b"caf\xe9.txt"),
    ]
    cafe = files[1].path
    assert escape_path(cafe) == f"{tmp_path.as_posix()}/\\xb1\\xa8\\xb8\\xe6/caf\\xe9.txt"
    doc = read_document(cafe)
    assert (doc.path, doc.text, doc.encoding) == (cafe, SENTENCE, "gb18030")
    assert decode_document(cafe, read_bytes(cafe)) == doc


@symlinks
def test_errors_about_names_that_are_not_utf8_are_printable(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    base = os.fsencode(str(root))
    outside = os.path.join(os.fsencode(str(tmp_path)), b"out\xff")
    os.mkdir(outside)
    os.symlink(outside, os.path.join(base, b"link\xfe"))
    os.symlink(b"/nowhere/\xfd.txt", os.path.join(base, b"gone\xfc.txt"))
    with open(os.path.join(base, b"empty\xfb.txt"), "wb"):
        pass
    files, errors = _walk([root])
    by_name = {os.path.basename(os.fsencode(e.path)): e for e in errors}
    assert sorted(by_name) == [b"gone\xfc.txt", b"link\xfe"]
    for error in errors:
        error.message.encode("utf-8")  # storable and printable
    assert f"{tmp_path.as_posix()}/out\\xff)" in by_name[b"link\xfe"].message
    assert by_name[b"gone\xfc.txt"].message == (
        "broken symbolic link: its target '/nowhere/\\xfd.txt' does not exist"
    )
    with pytest.raises(DocumentError) as info:
        read_document(files[0].path)
    assert info.value.path == files[0].path  # the OS path, for the caller to escape
    info.value.message.encode("utf-8")


@pytest.mark.parametrize("module", [chars, decode, failures, paths, read], ids=lambda m: m.__name__)
def test_doctests(module: object) -> None:
    result = doctest.testmod(module)
    assert result.attempted >= 2
    assert result.failed == 0
