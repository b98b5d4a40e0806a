"""Tests for reuse.ingest: finding files, reading them and guessing encodings."""

from __future__ import annotations

import codecs
import doctest
import hashlib
import logging
import os
import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

import pytest

from reuse import ingest
from reuse.errors import DocumentError
from reuse.ingest import (
    DEFAULT_SUFFIXES,
    DecodedDocument,
    SourceFile,
    decode_bytes,
    iter_source_files,
    read_document,
    sha256_hex,
)

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
    monkeypatch.setattr(ingest, "open", deny, raising=False)
    with pytest.raises(DocumentError) as info:
        read_document(str(path))
    assert info.value.message == "cannot read: permission denied"


def test_read_document_io_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "disk.txt")

    def broken(*args: object, **kwargs: object) -> NoReturn:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(ingest, "open", broken, raising=False)
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
    with caplog.at_level(logging.WARNING, logger="reuse.ingest"):
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
    monkeypatch.setattr(ingest.os, "scandir", scandir)
    files, errors = _walk([tree])
    assert [(e.path, e.message) for e in errors] == [
        (locked, "cannot list directory: permission denied")
    ]
    assert _listing(tmp_path, files) == [p for p in TREE_FILES if "/2019/" not in p]


symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="POSIX links")


@symlinks
def test_walk_symlink_loop_terminates(tmp_path: Path, tree: Path) -> None:
    (tree / "2019" / "annex" / "up").symlink_to("..", target_is_directory=True)
    (tree / "2019" / "annex" / "top").symlink_to(tree, target_is_directory=True)
    (tree / "self").symlink_to(tree, target_is_directory=True)
    files, errors = _walk([tree])
    assert _listing(tmp_path, files) == TREE_FILES  # each file once, by its real path
    assert errors == []


@symlinks
def test_walk_follows_directory_symlink(tmp_path: Path, tree: Path) -> None:
    outside = tmp_path / "elsewhere"
    _write(outside / "extra.txt")
    (tree / "linked").symlink_to(outside, target_is_directory=True)
    files, _ = _walk([tree])
    # The path keeps the link's name: it is not resolved.
    assert "corpus/linked/extra.txt" in _listing(tmp_path, files)
    assert len(files) == len(TREE_FILES) + 1


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


def test_doctests() -> None:
    result = doctest.testmod(ingest)
    assert result.attempted > 5
    assert result.failed == 0
