"""How reading the corpus reports a bad file: a :class:`~reuse.errors.DocumentError`.

Every failure to find, read, decode or extract a file is a ``DocumentError``
with stage :data:`INGEST` (finding, reading and decoding: :mod:`reuse.ingest.walk`,
:mod:`reuse.ingest.read`, :mod:`reuse.ingest.decode`) or :data:`EXTRACT` (the
file formats, :mod:`reuse.ingest.formats`) and a one-line message for the end
user. The message is always valid UTF-8, even when it quotes a file name that
is not (see :func:`printable`); the error's ``path`` is the OS path as given.
"""

from __future__ import annotations

from reuse.errors import DocumentError

#: The stage of a file that cannot be found, read or decoded as text.
INGEST = "ingest"
#: The stage of a .docx, .pdf or .html file whose text cannot be extracted.
EXTRACT = "extract"


def printable(message: str) -> str:
    """``message`` with any lone surrogate written as ``\\udcNN``: always valid UTF-8.

    >>> printable("caf\\udce9.txt")
    'caf\\\\udce9.txt'
    """
    try:
        message.encode("utf-8")
    except UnicodeEncodeError:
        return message.encode("utf-8", "backslashreplace").decode("utf-8")
    return message


def ingest_error(path: str, message: str) -> DocumentError:
    """A file that cannot be found, read or decoded (stage :data:`INGEST`)."""
    return DocumentError(path, INGEST, printable(message))


def extract_error(path: str, message: str) -> DocumentError:
    """A file whose text cannot be extracted (stage :data:`EXTRACT`).

    The message is always valid UTF-8 (a library's message may quote a name).
    """
    return DocumentError(path, EXTRACT, printable(message))


def describe_os_error(exc: OSError) -> str:
    """A short, user-facing reason for an OS error."""
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "no such file (it may have been moved or deleted)"
    if isinstance(exc, IsADirectoryError):
        return "it is a directory, not a file"
    if isinstance(exc, NotADirectoryError):
        return "a parent of the path is not a directory"
    return (exc.strerror or type(exc).__name__).lower()


def one_line_reason(exc: BaseException, limit: int = 160) -> str:
    """An exception as one short line: ``"KeyError: 'x'"``, at most ``limit`` characters.

    >>> one_line_reason(KeyError("x"))
    "KeyError: 'x'"
    """
    text = " ".join(str(exc).split())
    text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."
