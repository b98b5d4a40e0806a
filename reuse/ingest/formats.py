"""Extract the text of .docx, .pdf and .html files (part of the ingest stage).

One extractor per format, each a pure function of the file's bytes (the path
is only used in error messages). :func:`reuse.ingest.walk.read_document` reads the
file and, through :func:`reuse.ingest.walk.decode_document`, calls :func:`extract`
for the suffixes in :data:`EXTRACTED_FORMATS`.

* **.docx**: the paragraphs of the document body in document order, one per
  line, tables included (each cell's paragraphs as lines, cells in row order;
  a cell merged across rows is read once). Text in content controls and
  tracked insertions is included, tracked deletions are not. A run's text is
  rendered as python-docx's ``CT_R.text`` does (``w:tab`` and ``w:ptab`` a
  tab, a line break ``w:br`` or ``w:cr`` a newline, a page or column break
  nothing, ``w:noBreakHyphen`` ``-``). Headers and footers are left out: they
  repeat page furniture on every page. So are footnotes, comments and text
  boxes. The main part (word/document.xml) is parsed as a stream (lxml
  ``iterparse``), so memory does not grow with its size; only the small parts
  that lead to it (relationships, content types) and, for the date, the core
  properties are read whole.
* **.pdf** (pypdf): the text layer of every page, pages in order, joined with
  ``"\\n"``. A PDF protected by an owner password only (printing or copying
  restricted) opens with the empty user password, as in any viewer; one that
  needs a password to open is refused.
* **.html** / **.htm** (trafilatura): the main text of the page, without
  menus, headers, footers, sidebars, scripts or comments, extracted with
  ``favor_precision`` (a reuse detector is better served by missing a stray
  paragraph than by indexing a site's menu in every page). The bytes are
  decoded first (see :func:`decode_html`).

The text is returned as the library gives it, except that ``"\\r\\n"`` becomes
``"\\n"``; later stages normalise it, and the offsets of matches refer to this
text, which is what the store keeps.

Limits, in **characters** of text (code points; ``max_chars``, default
:data:`reuse.ingest.walk.DEFAULT_MAX_CHARS`, from ``ingest.max_chars``): a .docx
stops being parsed, and a .pdf stops being read page by page, as soon as its
text passes the limit; an HTML page whose decoded markup passes it is refused
before its text is extracted. Each is then refused whole. A text that is only
white space and invisible format characters counts as no text
(:func:`reuse.ingest.walk.is_blank`).

Every failure is a :class:`~reuse.errors.DocumentError` with stage
``"extract"`` and a one-line message for the end user: corrupt files, files
that are not of their suffix's format, encrypted files, zip bombs, texts over
the limit, PDFs without a text layer, documents with no text at all. Whatever
a library raises on malformed input is turned into such an error, so a bad
file never stops a scan.

The libraries are imported when first needed: a scan of text files does not
load them.
"""

from __future__ import annotations

import codecs
import io
import logging
import posixpath
import re
import zipfile
from collections.abc import Callable
from typing import Any

from reuse.errors import DocumentError
from reuse.ingest.walk import DEFAULT_MAX_CHARS, decode_bytes, is_blank

__all__ = [
    "EXTRACTED_FORMATS",
    "declared_charset",
    "decode_html",
    "extract",
    "extract_docx",
    "extract_html",
    "extract_pdf",
    "html_main_text",
]

STAGE = "extract"

#: Suffixes (lower case) whose files are extracted here, and their format name.
EXTRACTED_FORMATS: dict[str, str] = {
    ".docx": "docx",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
}

logger = logging.getLogger(__name__)


def _error(path: str, message: str) -> DocumentError:
    # The message is always valid UTF-8 (a library's message may quote a name).
    try:
        message.encode("utf-8")
    except UnicodeEncodeError:
        message = message.encode("utf-8", "backslashreplace").decode("utf-8")
    return DocumentError(path, STAGE, message)


def _reason(exc: BaseException, limit: int = 160) -> str:
    """An exception as one short line: ``"KeyError: 'x'"``."""
    text = " ".join(str(exc).split())
    text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n") if "\r" in text else text


def _check_max_chars(max_chars: int) -> None:
    if max_chars <= 0:
        raise ValueError(f"max_chars must be positive, got {max_chars}")


def _too_long(path: str, max_chars: int, hint: str = "not a report?") -> DocumentError:
    return _error(
        path, f"refused: more than {max_chars:,} characters of text (ingest.max_chars); {hint}"
    )


def extract(
    data: bytes, suffix: str, path: str = "<bytes>", max_chars: int = DEFAULT_MAX_CHARS
) -> tuple[str, str]:
    """Extract the text of a file of a format in :data:`EXTRACTED_FORMATS`.

    Returns ``(text, encoding)`` where ``encoding`` names what was read, as
    stored in ``documents.encoding``: ``"docx"``, ``"pdf"``, or ``"html:"``
    followed by the codec the page was decoded with (``"html:gb18030"``).
    ``max_chars`` bounds the text, in characters (see the module docstring).

    Raises:
        DocumentError: (stage ``"extract"``) see the module docstring.
        ValueError: if ``suffix`` is not one of :data:`EXTRACTED_FORMATS`, or
            ``max_chars`` is not positive.
    """
    kind = EXTRACTED_FORMATS.get(suffix.lower())
    if kind is None:
        known = ", ".join(EXTRACTED_FORMATS)
        raise ValueError(f"no extractor for suffix {suffix!r}; known: {known}")
    _check_max_chars(max_chars)
    if kind == "html":
        return _html(data, path, max_chars)
    return _EXTRACTORS[kind](data, path, max_chars), kind


# ---------------------------------------------------------------------------
# .docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCUMENT, _BODY, _P, _TBL, _TR, _TC, _TCPR, _VMERGE, _R = (
    _W + t for t in ("document", "body", "p", "tbl", "tr", "tc", "tcPr", "vMerge", "r")
)
_T, _TAB, _PTAB, _BR, _CR, _NO_BREAK_HYPHEN = (
    _W + t for t in ("t", "tab", "ptab", "br", "cr", "noBreakHyphen")
)
# Elements that only wrap content: content controls and custom XML.
_BLOCK_WRAPPERS = frozenset(_W + t for t in ("sdt", "sdtContent", "customXml"))
# Inside a paragraph also: hyperlinks, tracked insertions and moves (the text
# as it now reads; w:del and w:moveFrom are left out), smart tags, simple
# fields (their displayed result) and bidirectional runs.
_INLINE_WRAPPERS = _BLOCK_WRAPPERS | frozenset(
    _W + t for t in ("hyperlink", "ins", "moveTo", "smartTag", "fldSimple", "dir", "bdo")
)
# The children of a run that are text, as python-docx's CT_R.text renders
# them; w:br is "\n" only for a line break (its default type), "" for a page
# or column break.
_RUN_CONTENT = frozenset((_T, _TAB, _PTAB, _BR, _CR, _NO_BREAK_HYPHEN))
_RUN_CHARS = {_TAB: "\t", _PTAB: "\t", _CR: "\n", _NO_BREAK_HYPHEN: "-"}

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

# What the streaming parse is inside of (one context per open element).
_SKIP, _ROOT, _BLOCK, _CELL, _TCPR_CTX, _TABLE, _ROW, _PARA, _RUN, _RUN_ITEM = range(10)


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
        raise _error(
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
        raise _error(path, "empty file (0 bytes)")
    if data.startswith(_OLE2_MAGIC):
        raise _error(
            path,
            "not a .docx: an OLE2 file (a legacy Word .doc, or a password-protected"
            " document); save it as .docx without a password",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _error(
            path, f"corrupt .docx: not a readable zip archive (truncated?): {_reason(exc)}"
        ) from exc
    members = archive.infolist()
    if _CONTENT_TYPES not in {m.filename for m in members}:
        archive.close()
        raise _error(
            path, "not a .docx: a zip archive without [Content_Types].xml (not an Office file)"
        )
    if any(m.flag_bits & 0x1 for m in members):
        archive.close()
        raise _error(path, "encrypted .docx: the zip archive needs a password")
    unzipped = sum(m.file_size for m in members)
    if unzipped > _MAX_UNZIPPED_BYTES:
        archive.close()
        raise _error(
            path,
            f"refused: would unpack to {unzipped:,} bytes > limit {_MAX_UNZIPPED_BYTES:,}"
            " (a zip bomb?)",
        )
    return archive


class _BodyText:
    """The lines of a document body, collected from a stream of start and end events.

    The rules are those of the module docstring: paragraphs of the body (and
    of table cells) one per line, the text of their runs as python-docx's
    ``CT_R.text`` renders it, wrappers looked through, anything else (text
    boxes, w:del, w:moveFrom, properties) skipped. ``n_chars`` is the length
    of the text so far, counting the paragraph being read as if it ended now.
    """

    def __init__(self, max_chars: int, path: str) -> None:
        self.max_chars = max_chars
        self.path = path
        self.lines: list[str] = []
        self.lines_chars = 0  # len("\n".join(self.lines))
        self.parts: list[str] = []  # text of the paragraph being read
        self.para_base = 0  # n_chars of the text once the paragraph is a line, minus its text
        self.para_chars = 0
        self.cells: list[list[Any]] = []  # open cells: [first line index, merged, vMerge seen]
        self.muted = 0  # open cells known to be the lower part of a vertical merge
        self.body_seen = False

    def _check(self, n_chars: int) -> None:
        if n_chars > self.max_chars:
            raise _error(
                self.path,
                f"refused: more than {self.max_chars:,} characters of text (ingest.max_chars);"
                " a zip bomb or not a report?",
            )

    def start(self, context: int, elem: Any) -> int:
        """The context of ``elem``, a child of an element of context ``context``."""
        tag = elem.tag
        if context in (_BLOCK, _CELL):
            if tag in _BLOCK_WRAPPERS:
                return _BLOCK
            if tag == _P:
                self.parts = []
                self.para_chars = 0
                self.para_base = self.lines_chars + (1 if self.lines else 0)
                return _PARA
            if tag == _TBL:
                return _TABLE
            if tag == _TCPR and context == _CELL:
                return _TCPR_CTX
            return _SKIP
        if context == _PARA:
            if tag in _INLINE_WRAPPERS:
                return _PARA
            return _RUN if tag == _R else _SKIP
        if context == _RUN:
            return _RUN_ITEM if tag in _RUN_CONTENT else _SKIP
        if context == _TABLE:
            if tag in _BLOCK_WRAPPERS:
                return _TABLE
            return _ROW if tag == _TR else _SKIP
        if context == _ROW:
            if tag in _BLOCK_WRAPPERS:
                return _ROW
            if tag == _TC:
                self.cells.append([len(self.lines), False, False])
                return _CELL
            return _SKIP
        if context == _TCPR_CTX:
            cell = self.cells[-1]
            if tag == _VMERGE and not cell[2]:
                cell[2] = True
                if elem.get(_W + "val", "continue") == "continue":
                    # The lower part of a cell merged across rows: read once, above.
                    cell[1] = True
                    self.muted += 1
            return _SKIP
        if context == _ROOT:
            if tag == _BODY and not self.body_seen:
                self.body_seen = True
                return _BLOCK
            return _SKIP
        return _SKIP

    def end(self, context: int, elem: Any) -> None:
        """``elem``, of context ``context``, is complete."""
        if context == _RUN_ITEM:
            if self.muted:
                return
            tag = elem.tag
            if tag == _T:
                piece = elem.text or ""
            elif tag == _BR:
                piece = "\n" if elem.get(_W + "type", "textWrapping") == "textWrapping" else ""
            else:
                piece = _RUN_CHARS[tag]
            if piece:
                self.parts.append(piece)
                self.para_chars += len(piece)
                self._check(self.para_base + self.para_chars)
        elif context == _PARA and elem.tag == _P:
            if self.muted:
                return
            self.lines.append("".join(self.parts))
            self.parts = []
            self.lines_chars = self.para_base + self.para_chars
            self._check(self.lines_chars)
        elif context == _CELL:
            first, merged, _ = self.cells.pop()
            if merged:
                self.muted -= 1
            if merged and first < len(self.lines):
                # Text read before the cell's w:tcPr said it is merged: drop it.
                dropped = self.lines[first:]
                del self.lines[first:]
                self.lines_chars = (
                    self.lines_chars - sum(map(len, dropped)) - len(dropped) if self.lines else 0
                )

    def text(self) -> str:
        return "\n".join(self.lines)


def _body_text(stream: Any, max_chars: int, path: str) -> str:
    """The text of a document part read from ``stream``, parsed as a stream.

    Memory stays bounded: each element is cleared once read and earlier
    siblings are deleted, so the tree never holds more than the open elements;
    libxml2 refuses a single text node over 10 MB (a malformed-XML error). The
    parse stops as soon as the text passes ``max_chars`` characters.
    """
    from lxml import etree

    collector = _BodyText(max_chars, path)
    contexts: list[int] = []
    events = etree.iterparse(
        stream, events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False
    )
    for event, elem in events:
        if event == "start":
            if contexts:
                parent = contexts[-1]
                leaf = parent in (_SKIP, _RUN_ITEM)
                contexts.append(_SKIP if leaf else collector.start(parent, elem))
            elif elem.tag == _DOCUMENT:
                contexts.append(_ROOT)
            else:
                raise _error(
                    path, f"corrupt .docx: the main part is not a Word document ({elem.tag})"
                )
            continue
        context = contexts.pop()
        if context != _SKIP:
            collector.end(context, elem)
        # Done with this element: free it and the siblings before it.
        elem.clear(keep_tail=False)
        parent_elem = elem.getparent()
        if parent_elem is not None:
            while elem.getprevious() is not None:
                del parent_elem[0]
    return collector.text()


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
            has no text (:func:`~reuse.ingest.walk.is_blank`).
        ValueError: if ``max_chars`` is not positive.
    """
    _check_max_chars(max_chars)
    with _open_docx(data, path) as archive:
        try:
            member = _package_target(archive, _OFFICE_DOCUMENT, path)
            if member is None:
                raise KeyError(f"no officeDocument relationship in {_PACKAGE_RELS}")
            info = archive.getinfo(member)
            content_type = _content_type(archive, member, path)
            if content_type != _WORD_MAIN:
                raise _error(
                    path, f"not a .docx: its main part is {content_type or 'of no content type'}"
                )
            with archive.open(info) as stream:
                text = _body_text(stream, max_chars, path)
        except DocumentError:
            raise
        except SyntaxError as exc:  # lxml's XMLSyntaxError
            raise _error(path, f"corrupt .docx: malformed XML: {_reason(exc)}") from exc
        except KeyError as exc:  # a part the package should have
            raise _error(path, f"corrupt .docx: a part is missing: {_reason(exc)}") from exc
        except Exception as exc:  # noqa: BLE001 - any failure (bad CRC, zlib) is a bad file
            raise _error(path, f"corrupt .docx: {_reason(exc)}") from exc
    text = _crlf(text)
    if is_blank(text):
        raise _error(
            path,
            "no text: the document body is empty (text only in headers, text boxes or images?)",
        )
    return text


def _docx_created(data: bytes) -> Any:
    """The core properties' ``created`` date of a .docx, or None (python-docx parses it)."""
    from docx.oxml.parser import parse_xml

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        member = _package_target(archive, _CORE_PROPERTIES, "<bytes>") or "docProps/core.xml"
        info = archive.getinfo(member)
        if info.file_size > _MAX_SMALL_PART_BYTES:
            return None
        return parse_xml(archive.read(info)).created_datetime


# ---------------------------------------------------------------------------
# .pdf


def extract_pdf(data: bytes, path: str = "<bytes>", max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The text layer of a PDF, page by page (pypdf ``extract_text``), joined with ``"\\n"``.

    A page whose extraction fails is logged and read as empty; the document
    fails only if every page does. Time is linear in the number of pages
    (about 6 ms for a page of Chinese text). Pages are read in order until the
    text passes ``max_chars`` characters: then the document is refused and
    the remaining pages are not read.

    Raises:
        DocumentError: (stage ``"extract"``) if the bytes are not a readable
            PDF, it needs a password, it has no pages, its text is longer than
            ``max_chars`` characters, or no page has any text
            (``"no text layer: scanned image PDF? OCR it first"``).
        ValueError: if ``max_chars`` is not positive.
    """
    _check_max_chars(max_chars)
    if not data:
        raise _error(path, "empty file (0 bytes)")

    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise _error(path, "encrypted PDF: a password is needed to open it")
        pages = list(reader.pages)
    except DocumentError:
        raise
    except DependencyError as exc:
        # AES needs a crypto library; RC4 (the older scheme) does not.
        raise _error(
            path,
            "encrypted PDF (AES): decrypting it needs the 'cryptography' package"
            " (pip install 'pypdf[crypto]')",
        ) from exc
    except Exception as exc:  # noqa: BLE001 - any library failure is a bad file
        raise _error(path, f"corrupt PDF (damaged or truncated): {_reason(exc)}") from exc
    if not pages:
        raise _error(path, "empty PDF: it has no pages")

    texts: list[str] = []
    failures: list[tuple[int, Exception]] = []
    n_chars = -1  # len("\n".join(texts))
    for number, page in enumerate(pages, start=1):
        try:
            texts.append(page.extract_text())
        except Exception as exc:  # noqa: BLE001 - one bad page must not lose the others
            logger.warning("%s: page %d: text extraction failed: %s", path, number, _reason(exc))
            failures.append((number, exc))
            texts.append("")
        n_chars += len(texts[-1]) + 1
        if n_chars > max_chars:
            raise _too_long(path, max_chars)
    if len(failures) == len(pages):
        number, exc = failures[0]
        raise _error(
            path,
            f"corrupt PDF: text extraction failed on every page (page {number}: {_reason(exc)})",
        ) from exc
    text = _crlf("\n".join(texts))
    if is_blank(text):
        raise _error(path, "no text layer: scanned image PDF? OCR it first")
    return text


# ---------------------------------------------------------------------------
# .html

# <meta charset="gbk"> and <meta http-equiv="Content-Type" content="text/html; charset=gbk">
_META_CHARSET_RE = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.I)
_XML_DECLARATION_RE = re.compile(
    rb"\A\s*<\?xml\b[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9_.:\-]+)", re.I
)
# Browsers look for the declaration in the first 1024 bytes; pages with long
# <title>s or scripts before the <meta> exist, so look further.
_PRESCAN_BYTES = 8192
# Labels in use on the web that Python's codec registry does not know.
_LABEL_ALIASES = {"x-gbk": "gbk", "x-x-big5": "big5", "x-euc-tw": "euc-tw", "x-sjis": "shift_jis"}
# Single-byte Western charsets are often declared by templates for pages that
# are in fact GBK or Big5; for those the content decides (decode_bytes).
_WESTERN = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252"})


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares (meta tag or XML declaration), lower-cased.

    >>> declared_charset(b'<html><head><meta charset="GB2312"><title>t</title>')
    'gb2312'
    >>> declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=big5">')
    'big5'
    >>> declared_charset(b"<html><body>no declaration</body></html>") is None
    True
    """
    head = data[:_PRESCAN_BYTES]
    match = _XML_DECLARATION_RE.search(head) or _META_CHARSET_RE.search(head)
    return match.group(1).decode("ascii").lower() if match else None


def _codecs_for(label: str) -> tuple[str, ...]:
    """Codecs to try, in order, for a declared charset label; () if unusable."""
    try:
        name = codecs.lookup(_LABEL_ALIASES.get(label, label)).name
    except LookupError:
        return ()
    if name in ("gb2312", "gbk", "gb18030"):
        return ("gb18030",)  # a superset of both, as browsers decode them
    if name in ("big5", "cp950", "big5hkscs"):
        return ("big5", "cp950", "big5hkscs")  # the order decode_bytes uses, then HKSCS
    if name in _WESTERN or name.startswith(("utf-16", "utf-32")):
        # UTF-16 declared inside an ASCII-compatible page is wrong by definition.
        return ()
    return (name,)


# A page in its declared charset but for a few broken characters is still read
# with it; more than this fraction of U+FFFD means the declaration is wrong.
_MAX_BROKEN_FRACTION = 0.001
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # UTF-32's start so too


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_html(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode an HTML page's bytes; return ``(markup, codec name)``.

    In order: a byte-order mark decides; bytes that are valid UTF-8 are UTF-8
    (whatever a stale template declares); otherwise the charset the page
    declares in its first 8 KiB (``gb2312`` and ``gbk`` read as GB18030,
    ``big5`` as Big5, CP950 or Big5-HKSCS), if the bytes decode with it
    strictly, or with at most one broken character in 1,000 (each becomes
    U+FFFD, as in a browser: a CMS that cut a character in half); otherwise
    :func:`~reuse.ingest.walk.decode_bytes` guesses as for a text file. A declared
    single-byte Western charset (Latin-1, Windows-1252) is not trusted: the
    content decides.

    >>> page = '<meta charset="gb2312"><p>政府工作报告</p>'
    >>> decode_html(page.encode("gb18030"))
    ('<meta charset="gb2312"><p>政府工作报告</p>', 'gb18030')

    Raises:
        DocumentError: (stage ``"extract"``) for empty, binary or undecodable bytes.
    """
    try:
        if data and not data.startswith(_BOMS) and not _is_utf8(data):
            label = declared_charset(data)
            candidates = _codecs_for(label) if label else ()
            for codec in candidates:
                try:
                    return data.decode(codec), codec
                except UnicodeDecodeError:
                    continue
            if candidates:
                text = data.decode(candidates[0], errors="replace")
                if text.count("\ufffd") <= _MAX_BROKEN_FRACTION * len(text):
                    return text, candidates[0]
        return decode_bytes(data, path)
    except DocumentError as exc:
        raise _error(path, exc.message) from exc


def html_main_text(markup: str, path: str = "<html>") -> str:
    """The main text of an HTML page (trafilatura, ``favor_precision``), as plain text.

    Navigation, headers, footers, sidebars, scripts, styles and comment
    sections are left out; tables are kept. Paragraphs come one per line.

    Raises:
        DocumentError: (stage ``"extract"``) if trafilatura finds no main text.
    """
    import trafilatura

    try:
        text = trafilatura.extract(
            markup,
            output_format="txt",
            favor_precision=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            with_metadata=False,
            deduplicate=False,
        )
    except Exception as exc:  # noqa: BLE001 - any library failure is a bad file
        raise _error(path, f"unreadable HTML: {_reason(exc)}") from exc
    if not text or is_blank(text):
        raise _error(
            path, "no main text: the page has only menus, scripts or boilerplate (or is not HTML)"
        )
    return _crlf(text)


def _html(data: bytes, path: str, max_chars: int) -> tuple[str, str]:
    """The main text of a page and ``"html:"`` + its codec, within ``max_chars``."""
    markup, encoding = decode_html(data, path)
    if len(markup) > max_chars:
        raise _too_long(path, max_chars)
    text = html_main_text(markup, path)
    if len(text) > max_chars:
        raise _too_long(path, max_chars)
    return text, f"html:{encoding}"


def extract_html(data: bytes, path: str = "<bytes>", max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The main text of an HTML page: :func:`decode_html`, then :func:`html_main_text`.

    A page whose decoded markup is longer than ``max_chars`` characters is
    refused before its text is extracted.

    Raises:
        DocumentError: (stage ``"extract"``) see :func:`decode_html` and
            :func:`html_main_text`, and for a page over ``max_chars``.
        ValueError: if ``max_chars`` is not positive.
    """
    _check_max_chars(max_chars)
    return _html(data, path, max_chars)[0]


_EXTRACTORS: dict[str, Callable[[bytes, str, int], str]] = {
    "docx": extract_docx,
    "pdf": extract_pdf,
    "html": extract_html,
}


# ---------------------------------------------------------------------------
# Metadata dates (for provenance)

_HTML_DATE_META = re.compile(
    r"""<meta\s[^>]*?(?:name|property|itemprop)\s*=\s*["']?"""
    r"""(?:article:published_time|og:published_time|pubdate|publishdate|publish_date|"""
    r"""date|dc\.date|dc\.date\.issued|datePublished|PubDate)["']?[^>]*?>""",
    re.IGNORECASE,
)
_CONTENT = re.compile(r"""content\s*=\s*["']([^"']{4,40})["']""", re.IGNORECASE)


def metadata_date(data: bytes, suffix: str) -> Any:
    """The creation or publication date a file's metadata declares, or None.

    * .docx: the core properties' ``created`` (docProps/core.xml, read
      alone: the document part is not parsed), as python-docx reads it;
    * .pdf: the document information's ``/CreationDate``;
    * .html: the first ``<meta>`` publication date (``article:published_time``,
      ``pubdate``, ``date``, ``DC.date``, ...).

    Returns what the file holds (a ``datetime`` or a string) for
    :func:`reuse.derive.provenance.parse_metadata_date`; never raises: a file whose
    metadata cannot be read has no metadata date.
    """
    kind = EXTRACTED_FORMATS.get(suffix.lower())
    try:
        if kind == "docx":
            return _docx_created(data)
        if kind == "pdf":
            import pypdf

            info = pypdf.PdfReader(io.BytesIO(data)).metadata
            return None if info is None else info.get("/CreationDate")
        if kind == "html":
            head = data[:65536].decode("utf-8", errors="replace")
            for tag in _HTML_DATE_META.finditer(head):
                found = _CONTENT.search(tag.group())
                if found:
                    return found.group(1)
    except Exception:  # noqa: BLE001 - metadata is optional evidence
        logger.debug("no metadata date", exc_info=True)
    return None
