"""Decode a file's bytes to text, guessing the encoding.

:func:`decode_bytes` is the bare decoder (for a file, a page, a table cell);
:func:`decode_text` adds the rules of a text file. The decoded text is kept
exactly as decoded -- no newline translation, no stripping, only a leading
byte-order mark removed -- so that character offsets reported by later stages
can be traced back to the file. Lengths of text are in **characters**
(Unicode code points: ``max_chars``).

Encoding detection, in order (the first rule that applies wins):

1. empty input is an error;
2. a byte-order mark decides: UTF-32, UTF-8 (``"utf-8-sig"``) or UTF-16;
3. NUL bytes mean binary data, unless the bytes are UTF-16 without a BOM
   (they decode strictly, little- or big-endian, into readable text with no
   U+0000; ASCII puts its NULs in the high byte of each code unit);
4. strict UTF-8 (pure ASCII is reported as ``"utf-8"``) -- the fast path;
5. strict GB18030 and strict Big5 (or CP950 when Big5 fails), kept only if
   the result looks like Chinese (most non-ASCII characters are Han
   ideographs or CJK punctuation); when both decode, the one whose Han
   characters are more often among the ~560 most common characters wins. A
   plain "which decodes" test cannot tell them apart: almost any Big5 file is
   also valid GB18030. A winner with fewer than 25 % common characters
   (Shift_JIS read as GB18030 looks like Chinese too) is used only if
   ``charset_normalizer`` finds nothing better;
6. ``charset_normalizer`` for everything else (Japanese, Latin-1, ...);
7. otherwise, or when more than 10 % of the decoded characters are control
   characters (Unicode category Cc, except tab, LF, CR and FF) or U+FFFD, the
   input is rejected as binary or undecodable.

A text file (:func:`decode_text`, which
:func:`reuse.ingest.read.decode_document` uses) is then held to three more
rules; :func:`decode_bytes`, the bare decoder, applies none of them:

* **a cut last character** is dropped, with a warning (the document's
  ``warnings``, :class:`reuse.ingest.read.DecodedDocument`): bytes that are
  valid in the encoding the rules above choose, except for an incomplete
  sequence at the very end (at most 3 bytes: a UTF-8 or GB18030 character
  whose last bytes are missing, a file cut short by a copy or a download),
  decode to everything before that sequence. Invalid bytes anywhere else
  are decoded (or refused) as by the rules above. Bytes that are UTF-8 up to
  such a sequence are UTF-8 (rule 4 comes before the legacy encodings, as
  for whole files);
* **at most** ``max_chars`` **characters** of text (default
  :data:`DEFAULT_MAX_CHARS`); the extracted formats have the same limit (see
  :mod:`reuse.ingest.formats`);
* **some visible text**: a text that is only white space (``str.isspace``:
  all of Unicode's White_Space) and invisible format characters (Unicode
  category Cf: U+200B..U+200D zero-width spaces and joiners, U+2060 word
  joiner, U+FEFF, the bidirectional marks, ...) is rejected as "no text";
  the extractors apply the same rule (:func:`reuse.ingest.chars.is_blank`).

Every failure is a :class:`~reuse.errors.DocumentError` with stage
``"ingest"`` (:mod:`reuse.ingest.failures`) and a one-line message.
"""

from __future__ import annotations

import codecs

import charset_normalizer

from reuse.ingest.chars import (
    PLAUSIBLE_RE,
    TEXT_LIKE_RE,
    bad_fraction,
    common_han_fraction,
    count_chars,
    is_blank,
    looks_chinese,
)
from reuse.ingest.failures import ingest_error

#: Characters of text (code points) a document may have, decoded or extracted.
#: A long report has 20,000 to 200,000; a 1,000-page book about a million. 20
#: million is far above any real report, so the limit only stops what is not
#: one: a zip bomb (a .docx of 2.5 MB that unpacks to half a GB of XML), a
#: database dump saved as .txt. Each character costs 1 to 4 bytes as a Python
#: str and several times that in the later stages (normalised copy, offset
#: maps, shingles), so 20 million characters already mean gigabytes.
DEFAULT_MAX_CHARS = 20_000_000


# A decoding with more than this fraction of control characters or U+FFFD
# (chars.bad_fraction) is binary data or a wrong guess of encoding.
_MAX_BAD_FRACTION = 0.10

# A GB18030/Big5 decoding is taken without asking charset_normalizer only if
# at least this fraction of its Han characters are common ones. Real Chinese
# scores 0.6-0.85; Shift_JIS or Big5 bytes misread as GB18030 score < 0.1.
_MIN_COMMON_FRACTION = 0.25


def _canonical(encoding: str) -> str:
    """Python's canonical codec name: ``"utf_8"`` -> ``"utf-8"``."""
    return codecs.lookup(encoding).name


_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _decode_codec(data: bytes, encoding: str, tolerate_cut: bool) -> tuple[str, int]:
    """``data`` decoded strictly with ``encoding``: ``(text, 0)``.

    With ``tolerate_cut``, bytes that are valid except for an incomplete
    sequence at the very end (the last character cut short) decode to the text
    before that sequence: ``(text, number of bytes left out)``, at most 3.

    Raises:
        UnicodeDecodeError: if the bytes are invalid (other than a cut end).
    """
    try:
        return data.decode(encoding), 0
    except UnicodeDecodeError:
        if not tolerate_cut:
            raise
        decoder = codecs.getincrementaldecoder(encoding)()
        text = decoder.decode(data, final=False)  # raises for invalid bytes
        pending = len(decoder.getstate()[0])
        if pending == 0:
            raise
        return text, pending


def _decode_with_bom(data: bytes, path: str, tolerate_cut: bool) -> tuple[str, str, int] | None:
    """Decode ``data`` by its byte-order mark: ``(text, encoding, bytes cut)``, or None."""
    for bom, encoding in _BOMS:
        if not data.startswith(bom):
            continue
        body = data if encoding == "utf-8-sig" else data[len(bom) :]
        try:
            text, cut = _decode_codec(body, encoding, tolerate_cut)
        except UnicodeDecodeError as exc:
            if encoding.startswith("utf-32"):
                continue  # FF FE 00 00 may be a UTF-16-LE BOM and a U+0000
            offset = exc.start + (0 if encoding == "utf-8-sig" else len(bom))
            label = "UTF-8" if encoding == "utf-8-sig" else encoding.upper()
            raise ingest_error(
                path,
                f"undecodable bytes: starts with a {label} byte-order mark"
                f" but is not valid {label} (at byte offset {offset})",
            ) from exc
        if not text:
            raise ingest_error(path, "empty file (only a byte-order mark)")
        return text, encoding, cut
    return None


# Readable characters: ASCII, Latin, Greek, Cyrillic, Han, CJK punctuation.


def _sniff_utf16(data: bytes) -> tuple[str, str] | None:
    """Recognise UTF-16 without a BOM in data that contains NUL bytes.

    ASCII characters (digits, newlines) put a NUL in the high byte of their
    code unit: odd offsets for little-endian, even for big-endian. Chinese
    text can also put NULs in the other column (U+3000, the ideographic
    space, is ``00 30`` in little-endian), so both byte orders are tried and
    the decoded text is judged: it must decode strictly (random binary data
    seldom does: unpaired surrogates), contain no U+0000 and be at least 95 %
    readable characters. If both orders pass, the one with more ASCII, CJK
    punctuation and common Han characters wins (a byte-swapped text is mostly
    rare ideographs), then the one the NUL columns point to.
    """
    if len(data) % 2:
        return None
    nul_even = data[0::2].count(0)
    nul_odd = data[1::2].count(0)
    best: tuple[int, int, str, str] | None = None
    for encoding, nuls_high in (("utf-16-le", nul_odd), ("utf-16-be", nul_even)):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or bad_fraction(text) > 0.01:
            continue
        if count_chars(TEXT_LIKE_RE, text) < 0.95 * len(text):
            continue
        candidate = (count_chars(PLAUSIBLE_RE, text), nuls_high, text, encoding)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return None if best is None else (best[2], best[3])


def _decode_chinese(data: bytes, tolerate_cut: bool) -> list[tuple[float, str, str, int]]:
    """Strict GB18030 and Big5/CP950 decodings that look like Chinese text.

    Returns ``(common-character fraction, text, encoding, bytes cut)`` for
    each, best first; GB18030 wins ties (our reports are mostly mainland ones).
    """
    found: list[tuple[float, int, str, str, int]] = []
    for rank, encodings in enumerate((("gb18030",), ("big5", "cp950"))):
        for encoding in encodings:
            try:
                text, cut = _decode_codec(data, encoding, tolerate_cut)
            except UnicodeDecodeError:
                continue
            if looks_chinese(text):
                found.append((common_han_fraction(text), -rank, text, encoding, cut))
            break  # cp950 is only tried when big5 fails
    found.sort(key=lambda f: f[:2], reverse=True)
    return [(score, text, encoding, cut) for score, _, text, encoding, cut in found]


def decode_bytes(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode a report's raw bytes; return ``(text, encoding)``.

    ``text`` is exactly what the codec produced (line endings untouched), with
    only a leading byte-order mark removed. ``encoding`` is Python's canonical
    codec name. See the module docstring for the order of the rules. This is
    the bare decoder, also for bytes that are not a file (a page, a table
    cell): the rules of a text file do not apply (a cut last character is an
    error, any length and blank text pass); :func:`decode_text` adds them.

    Raises:
        DocumentError: (stage ``"ingest"``, ``path`` as given) for empty,
            binary or undecodable input.

    >>> decode_bytes("政府工作报告".encode("utf-8"))
    ('政府工作报告', 'utf-8')
    >>> decode_bytes("政府工作报告".encode("gb18030"))
    ('政府工作报告', 'gb18030')
    >>> decode_bytes("政府工作報告".encode("big5"))
    ('政府工作報告', 'big5')
    >>> decode_bytes(codecs.BOM_UTF8 + "各位代表\\r\\n".encode("utf-8"))
    ('各位代表\\r\\n', 'utf-8-sig')
    >>> decode_bytes(b"")
    Traceback (most recent call last):
    ...
    reuse.errors.DocumentError: <bytes>: ingest: empty file (0 bytes)
    """
    text, encoding, _ = _decode(data, path, tolerate_cut=False)
    return text, encoding


def decode_text(
    data: bytes, path: str = "<bytes>", max_chars: int = DEFAULT_MAX_CHARS
) -> tuple[str, str, tuple[str, ...]]:
    """Decode a text file's bytes; return ``(text, encoding, warnings)``.

    :func:`decode_bytes` and the rules of a text file (see the module
    docstring): an incomplete last character is dropped and named in
    ``warnings`` (one-line notes, empty for a clean file); a text longer than
    ``max_chars`` characters, or without a visible character, is refused.

    Raises:
        DocumentError: (stage ``"ingest"``, ``path`` as given) for empty,
            binary, undecodable, too long or blank input.
        ValueError: if ``max_chars`` is not positive.

    >>> text, encoding, warnings = decode_text("政府工作报告。".encode("utf-8")[:-2])
    >>> text, encoding
    ('政府工作报告', 'utf-8')
    >>> warnings
    ('the last character is incomplete (file cut short?): 1 trailing byte dropped',)
    >>> decode_text("\\u3000\\u200b\\n".encode("utf-8"))
    Traceback (most recent call last):
    ...
    reuse.errors.DocumentError: <bytes>: ingest: no text: only white space or invisible characters
    """
    if max_chars <= 0:
        raise ValueError(f"max_chars must be positive, got {max_chars}")
    text, encoding, cut = _decode(data, path, tolerate_cut=True)
    if len(text) > max_chars:
        raise ingest_error(
            path,
            f"refused: {len(text):,} characters of text > limit {max_chars:,}"
            " (ingest.max_chars); not a report?",
        )
    if is_blank(text):
        raise ingest_error(path, "no text: only white space or invisible characters")
    warnings: tuple[str, ...] = ()
    if cut:
        plural = "s" if cut > 1 else ""
        warnings = (
            f"the last character is incomplete (file cut short?): {cut} trailing byte{plural}"
            " dropped",
        )
    return text, encoding, warnings


def _decode(data: bytes, path: str, tolerate_cut: bool) -> tuple[str, str, int]:
    """The decoding rules: ``(text, encoding, bytes of a cut last character left out)``."""
    if not data:
        raise ingest_error(path, "empty file (0 bytes)")

    decoded = _decode_with_bom(data, path, tolerate_cut)
    if decoded is None and b"\x00" in data:
        sniffed = _sniff_utf16(data)
        if sniffed is None:
            raise ingest_error(
                path,
                f"binary file (NUL bytes, the first at byte offset {data.index(0)}),"
                " not a text report",
            )
        decoded = (*sniffed, 0)
    if decoded is None:
        try:
            decoded = data.decode("utf-8"), "utf-8", 0
        except UnicodeDecodeError as exc:
            decoded = _decode_not_utf8(data, path, exc, tolerate_cut)

    text, encoding, cut = decoded
    bad = bad_fraction(text)
    if bad > _MAX_BAD_FRACTION:
        raise ingest_error(
            path,
            f"binary or undecodable: {bad:.0%} of the {len(text):,} characters decoded as"
            f" {encoding} are control characters or U+FFFD",
        )
    return text, encoding, cut


def _decode_not_utf8(
    data: bytes, path: str, utf8_error: UnicodeDecodeError, tolerate_cut: bool
) -> tuple[str, str, int]:
    """Decode bytes that are not strict UTF-8: UTF-8 cut short, else the legacy rules.

    Bytes that are valid UTF-8 up to an incomplete sequence at the very end
    are taken as UTF-8 cut short even when all before it is ASCII (the end
    could be one GB18030 character, but the legacy rules seldom read so
    little non-ASCII text right; dropping it with a warning is the safer
    error).
    """
    if tolerate_cut:
        try:
            text, cut = _decode_codec(data, "utf-8", tolerate_cut=True)
        except UnicodeDecodeError:
            pass
        else:
            return text, "utf-8", cut
    return _decode_legacy(data, path, utf8_error, tolerate_cut)


def _decode_legacy(
    data: bytes, path: str, utf8_error: UnicodeDecodeError, tolerate_cut: bool
) -> tuple[str, str, int]:
    """Decode bytes that are not UTF-8: Chinese legacy encodings, then others."""
    chinese = _decode_chinese(data, tolerate_cut)
    if chinese and chinese[0][0] >= _MIN_COMMON_FRACTION:
        _, text, encoding, cut = chinese[0]
        return text, encoding, cut

    match = charset_normalizer.from_bytes(data).best()
    if match is not None and match.encoding is not None:
        text = str(match)
        if text and bad_fraction(text) <= _MAX_BAD_FRACTION:
            return text, _canonical(match.encoding), 0

    if chinese:  # looks Chinese but unusual vocabulary; still the best guess
        _, text, encoding, cut = chinese[0]
        return text, encoding, cut
    raise ingest_error(
        path,
        f"undecodable bytes: not UTF-8 (invalid byte at offset {utf8_error.start}),"
        " not GB18030 or Big5 Chinese, and no other encoding fits",
    )
