"""Text files: every suffix no other format claims (``.txt``, ``.md``, ...).

The bytes are decoded with their encoding guessed, and held to the rules of a
text file (a cut last character dropped with a warning, at most ``max_chars``
characters, some visible text): see :mod:`reuse.ingest.decode`. Failures have
stage ``"ingest"``.
"""

from __future__ import annotations

from reuse.ingest.decode import decode_text
from reuse.ingest.formats.common import FileText


def read_text(data: bytes, path: str, max_chars: int) -> FileText:
    """A text file's text, the codec it was decoded with, and any warnings.

    Raises:
        DocumentError: (stage ``"ingest"``) for empty, binary, undecodable,
            too long or blank input (:func:`~reuse.ingest.decode.decode_text`).
        ValueError: if ``max_chars`` is not positive.
    """
    text, encoding, warnings = decode_text(data, path, max_chars)
    return FileText(text, encoding, warnings)
