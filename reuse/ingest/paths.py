"""File names that are not valid UTF-8, written as valid UTF-8 text and back.

File names need not be valid UTF-8: Python gives the bytes that are not as
lone surrogates (U+DC80..U+DCFF, ``os.fsdecode``), which the walk and the
readers handle as they come. Such a path cannot be encoded as UTF-8 (to be
stored, printed or logged) until :func:`escape_path` writes each such byte as
``\\xNN``; :func:`unescape_path` gives the OS path back. The ``path`` of a
:class:`~reuse.ingest.walk.SourceFile`,
:class:`~reuse.ingest.read.DecodedDocument` or error is the OS path; the
``message`` of an error is always valid UTF-8.
"""

from __future__ import annotations

import re

# A backslash, or any lone surrogate (os.fsdecode only gives U+DC80..U+DCFF,
# but a str may hold others).
_TO_ESCAPE_RE = re.compile("[\\\\\ud800-\udfff]")
_ESCAPE_RE = re.compile(r"\\(?:(\\)|x([89a-f][0-9a-f])|u(d[89a-f][0-9a-f]{2}))?")


def _escape_char(found: re.Match[str]) -> str:
    code = ord(found.group())
    if code == 0x5C:
        return "\\\\"
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def escape_path(path: str) -> str:
    r"""``path`` as valid UTF-8 text, from which :func:`unescape_path` gives it back.

    Each byte of a file name that is not valid UTF-8 (``os.fsdecode`` gives it
    as a lone surrogate, U+DC80..U+DCFF) becomes the four characters ``\xNN``
    (lowercase hex), each backslash becomes two, and any other lone surrogate
    (U+D800..U+DFFF; no POSIX name decodes to one) becomes ``\udNNN``;
    everything else is kept. So different paths give different strings, the
    result always encodes as UTF-8, and a path that is valid UTF-8 without a
    backslash (any POSIX path of Chinese names) is returned unchanged.

    >>> import os
    >>> escape_path("/srv/报告/2024年政府工作报告.txt")
    '/srv/报告/2024年政府工作报告.txt'
    >>> escape_path(os.fsdecode("/srv/".encode() + "报告".encode("gbk") + b".txt"))
    '/srv/\\xb1\\xa8\\xb8\\xe6.txt'
    >>> print(escape_path("报告\\caf\udce9.txt"))
    报告\\caf\xe9.txt
    """
    if _TO_ESCAPE_RE.search(path) is None:
        return path
    return _TO_ESCAPE_RE.sub(_escape_char, path)


def _unescape_match(found: re.Match[str]) -> str:
    backslash, byte, surrogate = found.groups()
    if backslash:
        return "\\"
    if byte:
        return chr(0xDC00 + int(byte, 16))
    if surrogate and not 0xDC80 <= int(surrogate, 16) <= 0xDCFF:
        return chr(int(surrogate, 16))
    raise ValueError(
        f"not an escaped path: bad escape at character {found.start()}"
        f" of {escape_path(found.string)!r}"
    )


def unescape_path(text: str) -> str:
    r"""The path that :func:`escape_path` turned into ``text`` (its exact inverse).

    ``os.fsencode(unescape_path(escape_path(os.fsdecode(name))))`` is ``name``
    for any file name of bytes.

    >>> import os
    >>> gbk = unescape_path("/srv/\\xb1\\xa8\\xb8\\xe6.txt")
    >>> os.fsencode(gbk).decode("gbk")
    '/srv/报告.txt'
    >>> print(unescape_path("报告\\\\caf\\xe9.txt").encode("utf-8", "surrogateescape"))
    b'\xe6\x8a\xa5\xe5\x91\x8a\\caf\xe9.txt'

    Raises:
        ValueError: if ``text`` is not something :func:`escape_path` returns:
            a backslash not followed by a backslash, by ``x`` and two
            lowercase hex digits 80..ff, or by ``u`` and a lowercase surrogate
            code other than ``dc80``..``dcff``.
    """
    if "\\" not in text:
        return text
    return _ESCAPE_RE.sub(_unescape_match, text)
