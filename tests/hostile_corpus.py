"""A folder of good reports and hostile files of every kind, for the scan's own path.

:func:`make_hostile_corpus` writes ``n_good`` real-text reports (sentences of
the sample corpus; every fourth copies a run of the one before, so there is
reuse to find) and the hostile files listed in :data:`HOSTILE`, and returns
the names of the hostile files, which a scan must record in ``errors``.
"""

from __future__ import annotations

import io
import os
import random
import re
import zipfile
from pathlib import Path

import pypdf

DATA = Path(__file__).resolve().parents[1] / "data"
SENTENCES = [
    s
    for f in sorted(DATA.glob("*.txt"))
    for s in re.findall(r"[^。！？\n]+[。！？]", f.read_text(encoding="utf-8"))
    if len(s) > 15
]

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(paragraphs: list[str] | None = None, repeat: int = 1, body: str = "") -> bytes:
    """A minimal .docx: ``paragraphs`` (``repeat`` times over) or a raw ``body``."""
    if paragraphs is not None:
        one = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
        body = one * repeat
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        with z.open("word/document.xml", "w") as part:
            part.write(xml.encode())
            part.write(body.encode())
            part.write(b"</w:body></w:document>")
    return buffer.getvalue()


def _pdf(text: str) -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _encrypted_pdf() -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(_pdf(""))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def report_text(rng: random.Random, n_sentences: int) -> str:
    return "\n".join(rng.choice(SENTENCES) for _ in range(n_sentences)) + "\n"


def make_good(root: Path, n_good: int, n_sentences: int = 120, seed: int = 3) -> list[str]:
    """``n_good`` reports; every fourth copies 12 sentences of the one before."""
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = []
    previous: list[str] = []
    for i in range(n_good):
        lines = [rng.choice(SENTENCES) for _ in range(n_sentences)]
        if i % 4 == 3 and previous:
            lines[20:20] = previous[30:42]
        previous = lines
        name = f"report_{i:03d}.txt"
        (root / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        names.append(name)
    return names


def make_hostile_corpus(root: Path, n_good: int = 20) -> tuple[list[str], list[str]]:
    """Good reports and 30 hostile files in ``root``; returns (good names, hostile names).

    A hostile name is the one ``errors.path`` ends with (names that are not
    UTF-8 are stored escaped, ``\\xNN``).
    """
    root.mkdir(parents=True, exist_ok=True)
    good = make_good(root, n_good)
    rng = random.Random(11)
    real = (DATA / "000_4682256de4861903.txt").read_bytes()
    files: dict[str, bytes] = {
        "binary.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64,
        "nul.txt": b"\x00" * 2000,
        "empty.txt": b"",
        "whitespace.txt": b" \n\t\r\n   \n",
        "zero_width.txt": "\u200b\u200c\u200d\ufeff\u2060\n".encode() * 40,
        "undecodable.txt": bytes(rng.randrange(128, 256) for _ in range(4000)),
        "mixed.txt": real[:300] + "公文".encode("gb18030") + real[300:],
        "broken1.docx": b"PK\x03\x04 not really a docx",
        "broken2.docx": b"PK\x03\x04 not really a docx",
        "broken3.docx": b"PK\x03\x04 not really a docx",
        "broken4.docx": b"PK\x03\x04 not really a docx",
        "broken5.docx": b"PK\x03\x04 not really a docx",
        "random.docx": b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(3000)),
        "empty.docx": b"",
        "legacy.docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000),
        "no_types.docx": _zip_without_content_types(),
        "no_text.docx": docx_bytes([]),
        "bomb.docx": docx_bytes(["国务院政府工作报告" * 40], repeat=12_000),
        "malformed.docx": docx_bytes(body="<w:p><w:r><w:t>未闭合</w:r>"),
        "truncated.pdf": _pdf("")[:200],
        "random.pdf": b"%PDF-1.7\n" + bytes(rng.randrange(256) for _ in range(3000)),
        "encrypted.pdf": _encrypted_pdf(),
        "blank.pdf": _pdf(""),
        "empty.pdf": b"",
        "scripts.html": b"<html><head><script>var a = 1;</script></head><body></body></html>",
        "empty.html": b"",
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
    with open(root / "huge.txt", "wb") as fh:  # sparse: 20 MB over the 16 MiB limit
        fh.truncate(20 * 1024 * 1024)
    os.symlink(root / "missing-target.txt", root / "dangling.txt")
    os.mkfifo(root / "pipe.txt")
    odd = os.path.join(os.fsencode(root), b"caf\xe9-\xff.txt")
    with open(odd, "wb") as fh:
        fh.write(b"\x00\x01\x02 binary")
    hostile = [*files, "huge.txt", "dangling.txt", "pipe.txt", "caf\\xe9-\\xff.txt"]
    assert len(hostile) == 30
    return good, hostile


def _zip_without_content_types() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()
