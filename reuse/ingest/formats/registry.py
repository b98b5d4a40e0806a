"""Which reader a file's suffix chooses: the one place the formats are declared.

:data:`EXTRACTED_FORMATS` maps each suffix (lower case) whose files are
extracted to its :class:`FileFormat`; every other suffix is a text file,
:data:`TEXT` (:func:`format_for`). To add a format, write its module (a
reader, and optionally a reader of the date its metadata declares) and add
its entry here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reuse.ingest.decode import DEFAULT_MAX_CHARS
from reuse.ingest.formats import docx, html, pdf, text
from reuse.ingest.formats.common import FileText, check_max_chars

__all__ = ["EXTRACTED_FORMATS", "TEXT", "FileFormat", "extract", "format_for", "metadata_date"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileFormat:
    """How the files of one format become text.

    Attributes:
        name: the format's name: ``"text"``, ``"docx"``, ``"pdf"``, ``"html"``.
        read: ``(bytes, path, max_chars) -> FileText``; raises
            :class:`~reuse.errors.DocumentError` for a bad file and
            ValueError if ``max_chars`` is not positive.
        read_date: ``bytes -> date`` the file's metadata declares (a
            ``datetime`` or a string, as the file holds it) or None; it may
            raise for a bad file. None for a format without metadata.
    """

    name: str
    read: Callable[[bytes, str, int], FileText]
    read_date: Callable[[bytes], Any] | None = None

    def metadata_date(self, data: bytes) -> Any:
        """The date the file's metadata declares, or None; never raises.

        What the file holds (a ``datetime`` or a string), for
        :func:`reuse.text.dates.parse_metadata_date`: a file whose
        metadata cannot be read has no metadata date.
        """
        if self.read_date is None:
            return None
        try:
            return self.read_date(data)
        except Exception:  # noqa: BLE001 - metadata is optional evidence
            logger.debug("no metadata date", exc_info=True)
        return None


#: Text files: any suffix not in :data:`EXTRACTED_FORMATS`.
TEXT = FileFormat("text", text.read_text)
_DOCX = FileFormat("docx", docx.read_docx, docx.created_date)
_PDF = FileFormat("pdf", pdf.read_pdf, pdf.creation_date)
_HTML = FileFormat("html", html.read_html, html.published_date)

#: Suffixes (lower case) whose files are extracted, and their format.
EXTRACTED_FORMATS: dict[str, FileFormat] = {
    ".docx": _DOCX,
    ".pdf": _PDF,
    ".html": _HTML,
    ".htm": _HTML,
}


def format_for(suffix: str) -> FileFormat:
    """The format of a file whose name ends with ``suffix`` (any letter case): text if unknown.

    >>> format_for(".DOCX").name, format_for(".htm").name, format_for(".md").name
    ('docx', 'html', 'text')
    """
    return EXTRACTED_FORMATS.get(suffix.lower(), TEXT)


def extract(
    data: bytes, suffix: str, path: str = "<bytes>", max_chars: int = DEFAULT_MAX_CHARS
) -> tuple[str, str]:
    """Extract the text of a file of a format in :data:`EXTRACTED_FORMATS`.

    Returns ``(text, encoding)`` where ``encoding`` names what was read, as
    stored in ``documents.encoding``: ``"docx"``, ``"pdf"``, or ``"html:"``
    followed by the codec the page was decoded with (``"html:gb18030"``).
    ``max_chars`` bounds the text, in characters (see :mod:`reuse.ingest.formats`).

    Raises:
        DocumentError: (stage ``"extract"``) see :mod:`reuse.ingest.formats`.
        ValueError: if ``suffix`` is not one of :data:`EXTRACTED_FORMATS`, or
            ``max_chars`` is not positive.
    """
    file_format = EXTRACTED_FORMATS.get(suffix.lower())
    if file_format is None:
        known = ", ".join(EXTRACTED_FORMATS)
        raise ValueError(f"no extractor for suffix {suffix!r}; known: {known}")
    check_max_chars(max_chars)
    found = file_format.read(data, path, max_chars)
    return found.text, found.encoding


def metadata_date(data: bytes, suffix: str) -> Any:
    """The creation or publication date a file's metadata declares, or None.

    * .docx: the core properties' ``created`` (docProps/core.xml, read
      alone: the document part is not parsed), as python-docx reads it;
    * .pdf: the document information's ``/CreationDate``;
    * .html: the first ``<meta>`` publication date (``article:published_time``,
      ``pubdate``, ``date``, ``DC.date``, ...).

    Returns what the file holds (a ``datetime`` or a string) for
    :func:`reuse.text.dates.parse_metadata_date`; never raises: a file whose
    metadata cannot be read has no metadata date.
    """
    file_format = EXTRACTED_FORMATS.get(suffix.lower())
    return None if file_format is None else file_format.metadata_date(data)
