"""Word .docx files: the text of the document body, one paragraph per line.

The paragraphs of the document body in document order, one per line, tables
included (each cell's paragraphs as lines, cells in row order; a cell merged
across rows is read once). Text in content controls and tracked insertions is
included, tracked deletions are not. A run's text is rendered as
python-docx's ``CT_R.text`` does (see :mod:`reuse.ingest.formats.docx_body`).
Headers and footers are left out: they repeat page furniture on every page.
So are footnotes, comments and text boxes. The main part
(word/document.xml) is parsed as a stream (lxml ``iterparse``), so memory
does not grow with its size; only the small parts that lead to it
(relationships, content types) and, for the date, the core properties are
read whole.

This module checks the package (a zip archive, not a legacy .doc, not
encrypted, not a zip bomb) and finds its main part;
:mod:`reuse.ingest.formats.docx_body` reads the text.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from typing import Any

from reuse.errors import DocumentError
from reuse.ingest.chars import is_blank
from reuse.ingest.decode import DEFAULT_MAX_CHARS
from reuse.ingest.failures import extract_error, one_line_reason
from reuse.ingest.formats.common import FileText, check_max_chars, crlf
from reuse.ingest.formats.docx_body import body_text

_PACKAGE_RELS = "_rels/.rels"
_CONTENT_TYPES = "[Content_Types].xml"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
_CORE_PROPERTIES = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
)
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

# An OLE2 compound file: a legacy .doc, or a password-protected Office file.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Archives that declare they unpack to more than this are refused at once (a
# 16 MiB .docx of text unpacks to about 150 MiB; far more is a zip bomb).
# zipfile never inflates a member past its declared size, so the declared
# sizes are a safe bound. The text is bounded anyway (max_chars); this bounds
# the time, as a part that is all markup and no text is parsed to its end
# (about 0.2 s per MB of XML).
_MAX_UNZIPPED_BYTES = 512 * 1024 * 1024
# The package parts read whole (content types, relationships, core
# properties) are a few KiB in real files.
_MAX_SMALL_PART_BYTES = 4 * 1024 * 1024


def _xml_parser() -> Any:
    """An lxml parser that neither loads DTDs nor resolves entities (as python-docx's)."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _small_part(archive: zipfile.ZipFile, name: str, path: str) -> Any:
    """A small package part parsed whole (an lxml element).

    Raises:
        KeyError: if the archive has no member ``name``.
        DocumentError: if the part declares more than ``_MAX_SMALL_PART_BYTES``.
        SyntaxError: (lxml's XMLSyntaxError) if it is not well-formed XML.
    """
    from lxml import etree

    info = archive.getinfo(name)
    if info.file_size > _MAX_SMALL_PART_BYTES:
        raise extract_error(
            path,
            f"corrupt .docx: part {name} would unpack to {info.file_size:,} bytes"
            f" > limit {_MAX_SMALL_PART_BYTES:,}",
        )
    return etree.fromstring(archive.read(info), _xml_parser())


def _package_target(archive: zipfile.ZipFile, relationship_type: str, path: str) -> str | None:
    """The zip member that the package relationship of this type points to, or None."""
    for rel in _small_part(archive, _PACKAGE_RELS, path).iter(_RELS_NS + "Relationship"):
        if rel.get("Type") == relationship_type and rel.get("TargetMode") != "External":
            target = posixpath.normpath(posixpath.join("/", rel.get("Target", "")))
            return target.lstrip("/")
    return None


def _content_type(archive: zipfile.ZipFile, member: str, path: str) -> str | None:
    """The content type [Content_Types].xml gives a member (Override, then Default)."""
    types = _small_part(archive, _CONTENT_TYPES, path)
    part_name = "/" + member.lower()
    for override in types.iter(_TYPES_NS + "Override"):
        if override.get("PartName", "").lower() == part_name:
            return override.get("ContentType")
    extension = posixpath.splitext(member)[1].lstrip(".").lower()
    for default in types.iter(_TYPES_NS + "Default"):
        if default.get("Extension", "").lower() == extension:
            return default.get("ContentType")
    return None


def _open_docx(data: bytes, path: str) -> zipfile.ZipFile:
    """The .docx package as an open zip archive, after the checks that need no XML."""
    if not data:
        raise extract_error(path, "empty file (0 bytes)")
    if data.startswith(_OLE2_MAGIC):
        raise extract_error(
            path,
            "not a .docx: an OLE2 file (a legacy Word .doc, or a password-protected"
            " document); save it as .docx without a password",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise extract_error(
            path, f"corrupt .docx: not a readable zip archive (truncated?): {one_line_reason(exc)}"
        ) from exc
    members = archive.infolist()
    if _CONTENT_TYPES not in {m.filename for m in members}:
        archive.close()
        raise extract_error(
            path, "not a .docx: a zip archive without [Content_Types].xml (not an Office file)"
        )
    if any(m.flag_bits & 0x1 for m in members):
        archive.close()
        raise extract_error(path, "encrypted .docx: the zip archive needs a password")
    unzipped = sum(m.file_size for m in members)
    if unzipped > _MAX_UNZIPPED_BYTES:
        archive.close()
        raise extract_error(
            path,
            f"refused: would unpack to {unzipped:,} bytes > limit {_MAX_UNZIPPED_BYTES:,}"
            " (a zip bomb?)",
        )
    return archive


def extract_docx(data: bytes, path: str = "<bytes>", max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The text of a Word .docx file's body, one paragraph per line.

    Paragraphs in document order, the cells of a table in row order (a cell's
    paragraphs one per line, nested tables in place); headers, footers,
    footnotes, comments and text boxes are left out. Empty paragraphs give
    empty lines. See the module docstring. The main part (word/document.xml)
    is parsed as a stream: memory does not grow with its size, time is linear
    in it (about 0.2 s per MB of XML), and the parse stops as soon as the text
    passes ``max_chars`` characters.

    Raises:
        DocumentError: (stage ``"extract"``) if the bytes are not a readable
            .docx (not a zip, a legacy .doc, encrypted, another Office file,
            a part missing, malformed XML), it would unpack to more than 512
            MiB, its text is longer than ``max_chars`` characters, or the body
            has no text (:func:`~reuse.ingest.chars.is_blank`).
        ValueError: if ``max_chars`` is not positive.
    """
    check_max_chars(max_chars)
    with _open_docx(data, path) as archive:
        try:
            member = _package_target(archive, _OFFICE_DOCUMENT, path)
            if member is None:
                raise KeyError(f"no officeDocument relationship in {_PACKAGE_RELS}")
            info = archive.getinfo(member)
            content_type = _content_type(archive, member, path)
            if content_type != _WORD_MAIN:
                raise extract_error(
                    path, f"not a .docx: its main part is {content_type or 'of no content type'}"
                )
            with archive.open(info) as stream:
                text = body_text(stream, max_chars, path)
        except DocumentError:
            raise
        except SyntaxError as exc:  # lxml's XMLSyntaxError
            raise extract_error(
                path, f"corrupt .docx: malformed XML: {one_line_reason(exc)}"
            ) from exc
        except KeyError as exc:  # a part the package should have
            raise extract_error(
                path, f"corrupt .docx: a part is missing: {one_line_reason(exc)}"
            ) from exc
        except Exception as exc:  # noqa: BLE001 - any failure (bad CRC, zlib) is a bad file
            raise extract_error(path, f"corrupt .docx: {one_line_reason(exc)}") from exc
    text = crlf(text)
    if is_blank(text):
        raise extract_error(
            path,
            "no text: the document body is empty (text only in headers, text boxes or images?)",
        )
    return text


def read_docx(data: bytes, path: str, max_chars: int) -> FileText:
    """The body text of a .docx (:func:`extract_docx`), its encoding ``"docx"``."""
    return FileText(extract_docx(data, path, max_chars), "docx")


def created_date(data: bytes) -> Any:
    """The core properties' ``created`` date of a .docx, or None (python-docx parses it).

    The core properties part is read alone: the document part is not parsed.

    Raises:
        Exception: whatever zipfile or the XML parser raises for a bad file
            (:meth:`reuse.ingest.formats.registry.FileFormat.metadata_date`
            takes it as no date).
    """
    from docx.oxml.parser import parse_xml

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        member = _package_target(archive, _CORE_PROPERTIES, "<bytes>") or "docProps/core.xml"
        info = archive.getinfo(member)
        if info.file_size > _MAX_SMALL_PART_BYTES:
            return None
        return parse_xml(archive.read(info)).created_datetime
