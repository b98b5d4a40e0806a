"""PDF files (pypdf): the text layer of every page, pages in order.

Pages are joined with ``"\\n"``. A PDF protected by an owner password only
(printing or copying restricted) opens with the empty user password, as in
any viewer; one that needs a password to open is refused.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from reuse.errors import DocumentError
from reuse.ingest.chars import is_blank
from reuse.ingest.decode import DEFAULT_MAX_CHARS
from reuse.ingest.failures import extract_error, one_line_reason
from reuse.ingest.formats.common import FileText, check_max_chars, crlf, too_long

logger = logging.getLogger(__name__)


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
    check_max_chars(max_chars)
    if not data:
        raise extract_error(path, "empty file (0 bytes)")

    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise extract_error(path, "encrypted PDF: a password is needed to open it")
        pages = list(reader.pages)
    except DocumentError:
        raise
    except DependencyError as exc:
        # AES needs a crypto library; RC4 (the older scheme) does not.
        raise extract_error(
            path,
            "encrypted PDF (AES): decrypting it needs the 'cryptography' package"
            " (pip install 'pypdf[crypto]')",
        ) from exc
    except Exception as exc:  # noqa: BLE001 - any library failure is a bad file
        raise extract_error(
            path, f"corrupt PDF (damaged or truncated): {one_line_reason(exc)}"
        ) from exc
    if not pages:
        raise extract_error(path, "empty PDF: it has no pages")

    texts: list[str] = []
    failures: list[tuple[int, Exception]] = []
    n_chars = -1  # len("\n".join(texts))
    for number, page in enumerate(pages, start=1):
        try:
            texts.append(page.extract_text())
        except Exception as exc:  # noqa: BLE001 - one bad page must not lose the others
            logger.warning(
                "%s: page %d: text extraction failed: %s", path, number, one_line_reason(exc)
            )
            failures.append((number, exc))
            texts.append("")
        n_chars += len(texts[-1]) + 1
        if n_chars > max_chars:
            raise too_long(path, max_chars)
    if len(failures) == len(pages):
        first_page, first_error = failures[0]
        raise extract_error(
            path,
            "corrupt PDF: text extraction failed on every page"
            f" (page {first_page}: {one_line_reason(first_error)})",
        ) from first_error
    text = crlf("\n".join(texts))
    if is_blank(text):
        raise extract_error(path, "no text layer: scanned image PDF? OCR it first")
    return text


def read_pdf(data: bytes, path: str, max_chars: int) -> FileText:
    """The text layer of a PDF (:func:`extract_pdf`), its encoding ``"pdf"``."""
    return FileText(extract_pdf(data, path, max_chars), "pdf")


def creation_date(data: bytes) -> Any:
    """The ``/CreationDate`` of a PDF's document information, or None.

    Raises:
        Exception: whatever pypdf raises for a bad file
            (:meth:`reuse.ingest.formats.registry.FileFormat.metadata_date`
            takes it as no date).
    """
    import pypdf

    info = pypdf.PdfReader(io.BytesIO(data)).metadata
    return None if info is None else info.get("/CreationDate")
