"""Read one file: its bytes, then its text, decoded or extracted by its suffix.

This is the only module that reads input files (:mod:`reuse.ingest.walk` only
lists them). :func:`read_document` reads one file (refusing files above a size
limit) and turns its bytes into text by the file name's suffix
(case-insensitive), with the reader :mod:`reuse.ingest.formats.registry`
chooses: ``.docx``, ``.pdf``, ``.html`` and ``.htm`` files are extracted;
every other suffix (``.txt``, ``.md``, whatever the configuration lists) is a
text file, decoded with its encoding guessed (:mod:`reuse.ingest.decode`).
Its two halves, :func:`read_bytes` and :func:`decode_document`, let a caller
hash a file before paying for the extraction of its text.

Sizes are in **bytes** (``DecodedDocument.n_bytes``, ``max_bytes``); lengths
of text are in **characters** (Unicode code points: ``max_chars``).

Every failure is a :class:`~reuse.errors.DocumentError` with stage
``"ingest"`` (``"extract"`` when an extracted format fails) and a one-line
message meant for the end user.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass

from reuse.ingest.decode import DEFAULT_MAX_CHARS
from reuse.ingest.failures import describe_os_error, ingest_error
from reuse.ingest.formats.registry import format_for

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DecodedDocument",
    "decode_document",
    "read_bytes",
    "read_document",
    "sha256_hex",
]

#: Files larger than this many bytes are refused without being read.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class DecodedDocument:
    """One file's text, decoded.

    Attributes:
        path: the path the file was read from.
        sha256: hex SHA-256 of the raw bytes (before decoding or extraction).
        text: the text exactly as decoded: line endings kept (``\\r\\n`` stays
            ``\\r\\n``), nothing stripped, only a leading byte-order mark removed;
            for an extracted format, the text :mod:`reuse.ingest.formats`
            returned. The character offsets of matches refer to this text.
        encoding: for a text file, the canonical codec name actually used, e.g.
            ``"utf-8"``, ``"utf-8-sig"``, ``"gb18030"``, ``"big5"``,
            ``"utf-16-le"``; for an extracted file, the format: ``"docx"``,
            ``"pdf"``, or ``"html:"`` and the page's codec (``"html:gb18030"``).
        n_bytes: size of the raw file in bytes.
        metadata_date: the date the file's metadata declares (.docx, .pdf,
            .html; see :func:`reuse.ingest.formats.registry.metadata_date`), or None.
        warnings: one-line notes about a file that was read with a repair,
            for the user, e.g. ``"the last character is incomplete (file cut
            short?): 2 trailing bytes dropped"``; empty for a clean file.
    """

    path: str
    sha256: str
    text: str
    encoding: str
    n_bytes: int
    metadata_date: object = None
    warnings: tuple[str, ...] = ()


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data`` (64 lowercase hex digits).

    >>> sha256_hex(b"")[:16]
    'e3b0c44298fc1c14'
    >>> len(sha256_hex("政府工作报告".encode("utf-8")))
    64
    """
    return hashlib.sha256(data).hexdigest()


def read_bytes(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The raw bytes of one file, refusing files above ``max_bytes``.

    The first half of :func:`read_document`: a caller that only needs the
    hash (``sha256_hex``) to see whether a file changed can stop here and
    skip the extraction of an unchanged PDF.

    Raises:
        DocumentError: (stage ``"ingest"``) if the file is too large or cannot
            be read (permission denied, vanished, a directory, I/O error).
        ValueError: if ``max_bytes`` is not positive.
    """
    if max_bytes <= 0:
        raise ValueError(f"max_bytes must be positive, got {max_bytes}")
    name = os.fspath(path)
    try:
        st = os.stat(name)
        if stat.S_ISDIR(st.st_mode):
            raise ingest_error(name, "cannot read: it is a directory, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise ingest_error(name, "cannot read: not a regular file (a device, pipe or socket)")
        if st.st_size > max_bytes:
            raise ingest_error(name, f"file too large: {st.st_size} bytes > limit {max_bytes}")
        with open(name, "rb") as fh:
            # Read what stat promised (a read(max_bytes + 1) allocates the whole
            # limit for every small file), then whatever the file grew by since,
            # up to one byte over the limit.
            data = fh.read(st.st_size + 1)
            if len(data) > st.st_size:
                data += fh.read(max_bytes + 1 - len(data))
    except OSError as exc:
        raise ingest_error(name, f"cannot read: {describe_os_error(exc)}") from exc
    if len(data) > max_bytes:
        raise ingest_error(name, f"file too large: more than {max_bytes} bytes > limit {max_bytes}")
    return data


def decode_document(
    path: str | os.PathLike[str], data: bytes, max_chars: int = DEFAULT_MAX_CHARS
) -> DecodedDocument:
    """The text of a file's bytes, decoded or extracted by the suffix of ``path``.

    The second half of :func:`read_document`. The suffix (in any letter case)
    chooses the reader (:func:`reuse.ingest.formats.registry.format_for`):
    ``.docx``, ``.pdf``, ``.html`` and ``.htm`` are extracted, and their
    metadata date read; any other suffix is text, decoded by
    :func:`reuse.ingest.decode.decode_text` (whose warnings become
    ``DecodedDocument.warnings``). ``path`` is only used for the suffix and
    messages.

    Args:
        path: the file's path, stored as given in the result.
        data: the file's bytes.
        max_chars: a document with more characters of text than this is
            refused (see :data:`reuse.ingest.decode.DEFAULT_MAX_CHARS`).

    Raises:
        DocumentError: (stage ``"ingest"``) if a text file is empty, binary,
            undecodable, longer than ``max_chars`` characters or blank;
            (stage ``"extract"``) if a .docx, .pdf or .html file is corrupt,
            encrypted, longer than ``max_chars`` characters or has no text
            (see :mod:`reuse.ingest.formats`).
        ValueError: if ``max_chars`` is not positive.
    """
    name = os.fspath(path)
    file_format = format_for(os.path.splitext(name)[1])
    found = file_format.read(data, name, max_chars)
    return DecodedDocument(
        path=name,
        sha256=sha256_hex(data),
        text=found.text,
        encoding=found.encoding,
        n_bytes=len(data),
        metadata_date=file_format.metadata_date(data),
        warnings=found.warnings,
    )


def read_document(
    path: str | os.PathLike[str],
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> DecodedDocument:
    """Read one file and decode it, or extract its text (by the suffix of its name).

    ``.docx``, ``.pdf``, ``.html`` and ``.htm`` files (in any letter case) are
    extracted (:mod:`reuse.ingest.formats`); any other file is decoded as
    text by :func:`reuse.ingest.decode.decode_text`. The same as
    ``decode_document(path, read_bytes(path, max_bytes), max_chars)``.

    Args:
        path: the file to read; stored as given in the result.
        max_bytes: files larger than this many bytes are refused without being
            read (and so is a file that grows past it while being read).
        max_chars: a document with more characters of text than this is
            refused (see :data:`reuse.ingest.decode.DEFAULT_MAX_CHARS`).

    Raises:
        DocumentError: (stage ``"ingest"``) if the file is too large, cannot
            be read (permission denied, vanished, a directory, I/O error), or
            is empty, binary, undecodable, too long or blank (see
            :func:`reuse.ingest.decode.decode_text`); (stage ``"extract"``) if a .docx, .pdf or
            .html file is corrupt, encrypted, too long or has no text (see
            :mod:`reuse.ingest.formats`).
        ValueError: if ``max_bytes`` or ``max_chars`` is not positive.
    """
    if max_chars <= 0:
        raise ValueError(f"max_chars must be positive, got {max_chars}")
    return decode_document(path, read_bytes(path, max_bytes), max_chars)
