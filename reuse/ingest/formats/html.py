"""HTML pages (.html, .htm; trafilatura): the main text of the page.

Menus, headers, footers, sidebars, scripts and comments are left out; the
text is extracted with ``favor_precision`` (a reuse detector is better served
by missing a stray paragraph than by indexing a site's menu in every page).
The bytes are decoded first (see :func:`decode_html`). A page whose decoded
markup is longer than ``max_chars`` characters is refused before its text is
extracted.
"""

from __future__ import annotations

import codecs
import re

from reuse.errors import DocumentError
from reuse.ingest.chars import is_blank
from reuse.ingest.decode import DEFAULT_MAX_CHARS, decode_bytes
from reuse.ingest.failures import extract_error, one_line_reason
from reuse.ingest.formats.common import FileText, check_max_chars, crlf, too_long

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
    :func:`~reuse.ingest.decode.decode_bytes` guesses as for a text file. A declared
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
        raise extract_error(path, exc.message) from exc


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
        raise extract_error(path, f"unreadable HTML: {one_line_reason(exc)}") from exc
    if not text or is_blank(text):
        raise extract_error(
            path, "no main text: the page has only menus, scripts or boilerplate (or is not HTML)"
        )
    return crlf(text)


def read_html(data: bytes, path: str, max_chars: int) -> FileText:
    """The main text of a page, its encoding ``"html:"`` + its codec, within ``max_chars``.

    A page whose decoded markup is longer than ``max_chars`` characters is
    refused before its text is extracted.

    Raises:
        DocumentError: (stage ``"extract"``) see :func:`decode_html` and
            :func:`html_main_text`, and for a page over ``max_chars``.
        ValueError: if ``max_chars`` is not positive.
    """
    check_max_chars(max_chars)
    markup, encoding = decode_html(data, path)
    if len(markup) > max_chars:
        raise too_long(path, max_chars)
    text = html_main_text(markup, path)
    if len(text) > max_chars:
        raise too_long(path, max_chars)
    return FileText(text, f"html:{encoding}")


def extract_html(data: bytes, path: str = "<bytes>", max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The main text of an HTML page: :func:`decode_html`, then :func:`html_main_text`.

    A page whose decoded markup is longer than ``max_chars`` characters is
    refused before its text is extracted.

    Raises:
        DocumentError: (stage ``"extract"``) see :func:`decode_html` and
            :func:`html_main_text`, and for a page over ``max_chars``.
        ValueError: if ``max_chars`` is not positive.
    """
    return read_html(data, path, max_chars).text


# <meta> tags that declare when a page was published, and their content.
_HTML_DATE_META = re.compile(
    r"""<meta\s[^>]*?(?:name|property|itemprop)\s*=\s*["']?"""
    r"""(?:article:published_time|og:published_time|pubdate|publishdate|publish_date|"""
    r"""date|dc\.date|dc\.date\.issued|datePublished|PubDate)["']?[^>]*?>""",
    re.IGNORECASE,
)
_CONTENT = re.compile(r"""content\s*=\s*["']([^"']{4,40})["']""", re.IGNORECASE)


def published_date(data: bytes) -> str | None:
    """The first ``<meta>`` publication date of a page, as written, or None.

    The tags looked for, in the first 64 KiB read as UTF-8:
    ``article:published_time``, ``og:published_time``, ``pubdate``,
    ``date``, ``DC.date``, ``datePublished``, ...
    """
    head = data[:65536].decode("utf-8", errors="replace")
    for tag in _HTML_DATE_META.finditer(head):
        found = _CONTENT.search(tag.group())
        if found:
            return found.group(1)
    return None
