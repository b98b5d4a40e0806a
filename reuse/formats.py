"""Extract the text of .docx, .pdf and .html files (part of the ingest stage).

One extractor per format, each a pure function of the file's bytes (the path
is only used in error messages). :func:`reuse.ingest.read_document` reads the
file and, through :func:`reuse.ingest.decode_document`, calls :func:`extract`
for the suffixes in :data:`EXTRACTED_FORMATS`.

* **.docx** (python-docx): the paragraphs of the document body in document
  order, one per line, tables included (each cell's paragraphs as lines, cells
  in row order; a cell merged across rows is read once). Text in content
  controls and tracked insertions is included, tracked deletions are not.
  Headers and footers are left out: they repeat page furniture on every page.
  So are footnotes, comments and text boxes.
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

Every failure is a :class:`~reuse.errors.DocumentError` with stage
``"extract"`` and a one-line message for the end user: corrupt files, files
that are not of their suffix's format, encrypted files, PDFs without a text
layer, documents with no text at all. Whatever a library raises on malformed
input is turned into such an error, so a bad file never stops a scan.

The libraries are imported when first needed: a scan of text files does not
load them.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

from reuse.errors import DocumentError
from reuse.ingest import decode_bytes

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
    return DocumentError(path, STAGE, message)


def _reason(exc: BaseException, limit: int = 160) -> str:
    """An exception as one short line: ``"KeyError: 'x'"``."""
    text = " ".join(str(exc).split())
    text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n") if "\r" in text else text


def extract(data: bytes, suffix: str, path: str = "<bytes>") -> tuple[str, str]:
    """Extract the text of a file of a format in :data:`EXTRACTED_FORMATS`.

    Returns ``(text, encoding)`` where ``encoding`` names what was read, as
    stored in ``documents.encoding``: ``"docx"``, ``"pdf"``, or ``"html:"``
    followed by the codec the page was decoded with (``"html:gb18030"``).

    Raises:
        DocumentError: (stage ``"extract"``) see the module docstring.
        ValueError: if ``suffix`` is not one of :data:`EXTRACTED_FORMATS`.
    """
    kind = EXTRACTED_FORMATS.get(suffix.lower())
    if kind is None:
        known = ", ".join(EXTRACTED_FORMATS)
        raise ValueError(f"no extractor for suffix {suffix!r}; known: {known}")
    if kind == "html":
        markup, encoding = decode_html(data, path)
        return html_main_text(markup, path), f"html:{encoding}"
    return _EXTRACTORS[kind](data, path), kind


# ---------------------------------------------------------------------------
# .docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _R = (_W + t for t in ("p", "tbl", "tr", "tc", "r"))
_VMERGE = f"{_W}tcPr/{_W}vMerge"
# Elements that only wrap content: content controls and custom XML.
_BLOCK_WRAPPERS = frozenset(_W + t for t in ("sdt", "sdtContent", "customXml"))
# Inside a paragraph also: hyperlinks, tracked insertions and moves (the text
# as it now reads; w:del and w:moveFrom are left out), smart tags, simple
# fields (their displayed result) and bidirectional runs.
_INLINE_WRAPPERS = _BLOCK_WRAPPERS | frozenset(
    _W + t for t in ("hyperlink", "ins", "moveTo", "smartTag", "fldSimple", "dir", "bdo")
)

# An OLE2 compound file: a legacy .doc, or a password-protected Office file.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# python-docx loads every part of the package into memory; refuse archives
# that would unpack to more than this (a 16 MiB .docx of text unpacks to
# about 150 MiB; far more is a zip bomb). zipfile never inflates a member
# past its declared size, so the declared sizes are a safe bound.
_MAX_UNZIPPED_BYTES = 512 * 1024 * 1024


def _children(parent: Any, wrappers: frozenset[str]) -> Iterator[Any]:
    """Child elements of ``parent``, looking through wrapper elements."""
    for child in parent.iterchildren():
        if child.tag in wrappers:
            yield from _children(child, wrappers)
        else:
            yield child


def _paragraph_text(p: Any) -> str:
    # CT_R.text renders w:t, tabs, breaks and no-break hyphens (python-docx).
    return "".join(r.text for r in _children(p, _INLINE_WRAPPERS) if r.tag == _R)


def _block_lines(parent: Any, lines: list[str]) -> None:
    """Append the lines of the paragraphs and tables directly in ``parent``."""
    for child in _children(parent, _BLOCK_WRAPPERS):
        if child.tag == _P:
            lines.append(_paragraph_text(child))
        elif child.tag == _TBL:
            for tr in _children(child, _BLOCK_WRAPPERS):
                if tr.tag != _TR:
                    continue
                for tc in _children(tr, _BLOCK_WRAPPERS):
                    if tc.tag != _TC:
                        continue
                    merged = tc.find(_VMERGE)
                    if merged is not None and merged.get(_W + "val", "continue") == "continue":
                        continue  # the lower part of a cell merged across rows
                    _block_lines(tc, lines)


def extract_docx(data: bytes, path: str = "<bytes>") -> str:
    """The text of a Word .docx file's body, one paragraph per line.

    Paragraphs in document order, the cells of a table in row order (a cell's
    paragraphs one per line, nested tables in place); headers, footers,
    footnotes, comments and text boxes are left out. Empty paragraphs give
    empty lines. See the module docstring.

    Raises:
        DocumentError: (stage ``"extract"``) if the bytes are not a readable
            .docx (not a zip, a legacy .doc, encrypted, another Office file,
            malformed XML) or the body has no text.
    """
    if not data:
        raise _error(path, "empty file (0 bytes)")
    if data.startswith(_OLE2_MAGIC):
        raise _error(
            path,
            "not a .docx: an OLE2 file (a legacy Word .doc, or a password-protected"
            " document); save it as .docx without a password",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _error(
            path, f"corrupt .docx: not a readable zip archive (truncated?): {_reason(exc)}"
        ) from exc
    if "[Content_Types].xml" not in {m.filename for m in members}:
        raise _error(
            path, "not a .docx: a zip archive without [Content_Types].xml (not an Office file)"
        )
    unzipped = sum(m.file_size for m in members)
    if unzipped > _MAX_UNZIPPED_BYTES:
        raise _error(
            path,
            f"refused: would unpack to {unzipped:,} bytes > limit {_MAX_UNZIPPED_BYTES:,}"
            " (a zip bomb?)",
        )

    import docx  # python-docx

    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        _block_lines(document.element.body, lines)
    except SyntaxError as exc:  # lxml's XMLSyntaxError, without importing lxml here
        raise _error(path, f"corrupt .docx: malformed XML: {_reason(exc)}") from exc
    except KeyError as exc:  # a part or relationship the package should have
        raise _error(path, f"corrupt .docx: a part is missing: {_reason(exc)}") from exc
    except ValueError as exc:
        # python-docx: "file '...' is not a Word file, content type is '...'"
        if "not a Word file" in str(exc):
            content_type = str(exc).rpartition("content type is ")[2].strip("'\" ")
            raise _error(
                path, f"not a .docx: its main part is {content_type or 'not a Word document'}"
            ) from exc
        raise _error(path, f"corrupt .docx: {_reason(exc)}") from exc
    except Exception as exc:  # noqa: BLE001 - any library failure is a bad file
        raise _error(path, f"corrupt .docx: {_reason(exc)}") from exc
    text = _crlf("\n".join(lines))
    if not text.strip():
        raise _error(
            path,
            "no text: the document body is empty (text only in headers, text boxes or images?)",
        )
    return text


# ---------------------------------------------------------------------------
# .pdf


def extract_pdf(data: bytes, path: str = "<bytes>") -> str:
    """The text layer of a PDF, page by page (pypdf ``extract_text``), joined with ``"\\n"``.

    A page whose extraction fails is logged and read as empty; the document
    fails only if every page does. Time is linear in the number of pages
    (about 6 ms for a page of Chinese text).

    Raises:
        DocumentError: (stage ``"extract"``) if the bytes are not a readable
            PDF, it needs a password, it has no pages, or no page has any
            text (``"no text layer: scanned image PDF? OCR it first"``).
    """
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
    for number, page in enumerate(pages, start=1):
        try:
            texts.append(page.extract_text())
        except Exception as exc:  # noqa: BLE001 - one bad page must not lose the others
            logger.warning("%s: page %d: text extraction failed: %s", path, number, _reason(exc))
            failures.append((number, exc))
            texts.append("")
    if len(failures) == len(pages):
        number, exc = failures[0]
        raise _error(
            path,
            f"corrupt PDF: text extraction failed on every page (page {number}: {_reason(exc)})",
        ) from exc
    text = _crlf("\n".join(texts))
    if not text.strip():
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
    :func:`~reuse.ingest.decode_bytes` guesses as for a text file. A declared
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
    if not text or not text.strip():
        raise _error(
            path, "no main text: the page has only menus, scripts or boilerplate (or is not HTML)"
        )
    return _crlf(text)


def extract_html(data: bytes, path: str = "<bytes>") -> str:
    """The main text of an HTML page: :func:`decode_html`, then :func:`html_main_text`."""
    markup, _ = decode_html(data, path)
    return html_main_text(markup, path)


_EXTRACTORS: dict[str, Callable[[bytes, str], str]] = {
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

    * .docx: the core properties' ``created`` (docProps/core.xml);
    * .pdf: the document information's ``/CreationDate``;
    * .html: the first ``<meta>`` publication date (``article:published_time``,
      ``pubdate``, ``date``, ``DC.date``, ...).

    Returns what the file holds (a ``datetime`` or a string) for
    :func:`reuse.provenance.parse_metadata_date`; never raises: a file whose
    metadata cannot be read has no metadata date.
    """
    kind = EXTRACTED_FORMATS.get(suffix.lower())
    try:
        if kind == "docx":
            import docx

            return docx.Document(io.BytesIO(data)).core_properties.created
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
