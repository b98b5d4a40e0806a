"""What the readers of file formats share: the text they return and its limit."""

from __future__ import annotations

from dataclasses import dataclass

from reuse.errors import DocumentError
from reuse.ingest.failures import extract_error


@dataclass(frozen=True)
class FileText:
    """The text a reader got from one file's bytes.

    Attributes:
        text: the text (see :mod:`reuse.ingest.formats`); the character
            offsets of matches refer to it.
        encoding: what was read, as stored in ``documents.encoding``: for a
            text file the codec (``"utf-8"``, ``"gb18030"``, ...), for an
            extracted file the format: ``"docx"``, ``"pdf"``, or ``"html:"``
            and the page's codec (``"html:gb18030"``).
        warnings: one-line notes about a file read with a repair (a text
            file's cut last character); empty for a clean file.
    """

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def crlf(text: str) -> str:
    """``text`` with each ``"\\r\\n"`` made ``"\\n"``."""
    return text.replace("\r\n", "\n") if "\r" in text else text


def check_max_chars(max_chars: int) -> None:
    """Raise ValueError if the limit of characters is not positive."""
    if max_chars <= 0:
        raise ValueError(f"max_chars must be positive, got {max_chars}")


def too_long(path: str, max_chars: int, hint: str = "not a report?") -> DocumentError:
    """The error of a file with more than ``max_chars`` characters of text."""
    return extract_error(
        path, f"refused: more than {max_chars:,} characters of text (ingest.max_chars); {hint}"
    )
