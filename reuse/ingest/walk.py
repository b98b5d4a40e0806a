"""Find input files and decode them to text: the first pipeline stage.

This is the only module that reads input files. It does two things:

* :func:`iter_source_files` walks the scan roots and lists the files to read,
  in a deterministic order, each file once, following symbolic links only
  where they stay inside their root (unless told to follow every link);
* :func:`read_document` reads one file (refusing files above a size limit) and
  turns its bytes into text, by the file name's suffix (case-insensitive):
  ``.docx``, ``.pdf``, ``.html`` and ``.htm`` files are extracted by
  :mod:`reuse.ingest.formats`; every other suffix (``.txt``, ``.md``, whatever the
  configuration lists) is a text file, which :func:`decode_text` decodes,
  guessing the encoding. Its two halves, :func:`read_bytes` and
  :func:`decode_document`, let a caller hash a file before paying for the
  extraction of its text.

Sizes are in **bytes** (``SourceFile.size``, ``DecodedDocument.n_bytes``,
``max_bytes``); lengths of text are in **characters** (Unicode code points:
``max_chars``). The decoded text is kept exactly as decoded -- no newline
translation, no stripping, only a leading byte-order mark removed -- so that
character offsets reported by later stages can be traced back to the file.

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

A text file (:func:`decode_text`, used by :func:`decode_document`) is then
held to three more rules; :func:`decode_bytes`, the bare decoder, applies none
of them:

* **a cut last character** is dropped, with a warning
  (``DecodedDocument.warnings``): bytes that are valid in the encoding the
  rules above choose, except for an incomplete sequence at the very end (at
  most 3 bytes: a UTF-8 or GB18030 character whose last bytes are missing, a
  file cut short by a copy or a download), decode to everything before that
  sequence. Invalid bytes anywhere else are decoded (or refused) as by the
  rules above. Bytes that are UTF-8 up to such a sequence are UTF-8 (rule 4
  comes before the legacy encodings, as for whole files);
* **at most** ``max_chars`` **characters** of text (default
  :data:`DEFAULT_MAX_CHARS`); the extracted formats have the same limit (see
  :mod:`reuse.ingest.formats`);
* **some visible text**: a text that is only white space (``str.isspace``:
  all of Unicode's White_Space) and invisible format characters (Unicode
  category Cf: U+200B..U+200D zero-width spaces and joiners, U+2060 word
  joiner, U+FEFF, the bidirectional marks, ...) is rejected as "no text";
  the extractors apply the same rule (:func:`is_blank`).

File names need not be valid UTF-8: Python gives the bytes that are not as
lone surrogates (U+DC80..U+DCFF, ``os.fsdecode``), which the walk and the
readers handle as they come. Such a path cannot be encoded as UTF-8 (to be
stored, printed or logged) until :func:`escape_path` writes each such byte as
``\\xNN``; :func:`unescape_path` gives the OS path back. The ``path`` of a
:class:`SourceFile`, :class:`DecodedDocument` or error is the OS path; the
``message`` of an error is always valid UTF-8.

Every failure is a :class:`~reuse.errors.DocumentError` with stage
``"ingest"`` (``"extract"`` when :mod:`reuse.ingest.formats` fails) and a one-line
message meant for the end user.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import logging
import os
import re
import stat
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

import charset_normalizer

from reuse.errors import DocumentError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_CHARS",
    "DEFAULT_SUFFIXES",
    "DecodedDocument",
    "SourceFile",
    "decode_bytes",
    "decode_document",
    "decode_text",
    "escape_path",
    "is_blank",
    "iter_source_files",
    "read_bytes",
    "read_document",
    "sha256_hex",
    "unescape_path",
]

STAGE = "ingest"

DEFAULT_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: Characters of text (code points) a document may have, decoded or extracted.
#: A long report has 20,000 to 200,000; a 1,000-page book about a million. 20
#: million is far above any real report, so the limit only stops what is not
#: one: a zip bomb (a .docx of 2.5 MB that unpacks to half a GB of XML), a
#: database dump saved as .txt. Each character costs 1 to 4 bytes as a Python
#: str and several times that in the later stages (normalised copy, offset
#: maps, shingles), so 20 million characters already mean gigabytes.
DEFAULT_MAX_CHARS = 20_000_000

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceFile:
    """A file found by :func:`iter_source_files`, not yet read.

    Attributes:
        path: absolute path (``os.path.abspath``; symbolic links are *not*
            resolved), as a POSIX string. A name that is not valid UTF-8 keeps
            its bytes as surrogate escapes (``os.fsdecode``): store or print
            ``escape_path(path)``.
        root: the absolute scan root the file was found under (the file itself
            when the root was a file).
        size: size in bytes when the directory was listed.
        mtime_ns: modification time in nanoseconds since the epoch.
    """

    path: str
    root: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class DecodedDocument:
    """One file's text, decoded.

    Attributes:
        path: the path the file was read from.
        sha256: hex SHA-256 of the raw bytes (before decoding or extraction).
        text: the text exactly as decoded: line endings kept (``\\r\\n`` stays
            ``\\r\\n``), nothing stripped, only a leading byte-order mark removed;
            for an extracted format, the text :mod:`reuse.ingest.formats` returned. The
            character offsets of matches refer to this text.
        encoding: for a text file, the canonical codec name actually used, e.g.
            ``"utf-8"``, ``"utf-8-sig"``, ``"gb18030"``, ``"big5"``,
            ``"utf-16-le"``; for an extracted file, the format: ``"docx"``,
            ``"pdf"``, or ``"html:"`` and the page's codec (``"html:gb18030"``).
        n_bytes: size of the raw file in bytes.
        metadata_date: the date the file's metadata declares (.docx, .pdf,
            .html; see :func:`reuse.ingest.formats.metadata_date`), or None.
        warnings: one-line notes about a file that was read with a repair,
            for the user, e.g. ``"the last character is incomplete (file cut
            short?): 2 trailing bytes dropped"``; empty for a clean file.
    """

    path: str
    sha256: str
    text: str
    encoding: str
    n_bytes: int
    metadata_date: object = None
    warnings: tuple[str, ...] = ()


# ---------------------------------------------------------------------------
# Character classes used by the decoder. Every test below is a regular
# expression or a str/bytes method, so it runs at C speed over whole texts.

# Control characters (Unicode category Cc: C0, DEL and C1) except tab, line
# feed, carriage return and form feed, plus U+FFFD (what a lossy decoder
# leaves behind). Later stages drop stray controls; a text made largely of
# them is binary data or a wrong guess of encoding.
_BAD_CHARS_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]+")
_MAX_BAD_FRACTION = 0.10

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# CJK symbols and punctuation, bopomofo, vertical and small forms, full-width
# forms, the general punctuation Chinese text uses (dashes, curly quotes,
# ellipsis) and the middle dot.
_CJK_PUNCT = "\u3000-\u303f\u3100-\u312f\ufe10-\ufe1f\ufe30-\ufe6f\uff00-\uffef\u2010-\u2027\u00b7"
# Runs of ASCII or Chinese characters; removing them leaves the non-ASCII
# characters that are *not* Chinese.
_ASCII_OR_CHINESE_RE = re.compile(f"[\x00-\x7f{_HAN}{_CJK_PUNCT}]+")
_HAN_BASIC_RE = re.compile("[\u4e00-\u9fff]+")

# The ~520 most frequent Han characters of modern written Chinese (after Jun
# Da's frequency list) plus 40 that are frequent in government reports (560
# simplified in all), then the traditional forms of those that differ (203).
# In a real Chinese text about 80 % of the Han characters are in this set; in
# Big5 bytes read as GB18030 (or the reverse) almost none are. It only has to
# rank two decodings.
_COMMON_SIMPLIFIED = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对"
    "生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学"
    "如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想"
    "实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将"
    "两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果"
    "加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及"
    "比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数"
    "安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统"
    "区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权"
    "思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共"
    "确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极"
    "林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流"
    "备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究"
    "线似官火断精满支视消越器容照须九增研写称企八功吗包片史委乎查轻易早"
    "曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考"
    "落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敢"
    "坚续施育善策积稳项继创村效亿财促群护益扩严营础防优族源职环健努域融"
    "障税控央"
)
_COMMON_TRADITIONAL = (
    "這個們來為國說時會對發後裡過經麼學現當沒動見樣開種實從軍無與長機關"
    "點業將兩間問應戰頭體產製話東門聲員論處義認條氣題爾別變總電數報結場"
    "計務資許統區隊決馬書則聽權難設記類據邊張該規萬覺術領確傳師觀讓識帶"
    "導爭運飛風幹聯組濟車親極辦議證轉準遠臺單羅愛擊備連調團價黨華級離況"
    "亞請際約復複線斷滿視須寫稱嗎眾構劃參勢響雖隨選紅維節語僅農裝廣顯標"
    "談圖歷醫專費號盡較輕質達內並強卻兒幾於著"
    "堅續積穩項繼創億財護擴嚴營礎優職環稅"
)
_COMMON_HAN: frozenset[str] = frozenset(_COMMON_SIMPLIFIED + _COMMON_TRADITIONAL)
_COMMON_HAN_RE = re.compile("[" + "".join(sorted(_COMMON_HAN)) + "]+")

# A GB18030/Big5 decoding is taken without asking charset_normalizer only if
# at least this fraction of its Han characters are common ones. Real Chinese
# scores 0.6-0.85; Shift_JIS or Big5 bytes misread as GB18030 score < 0.1.
_MIN_COMMON_FRACTION = 0.25


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data`` (64 lowercase hex digits).

    >>> sha256_hex(b"")[:16]
    'e3b0c44298fc1c14'
    >>> len(sha256_hex("政府工作报告".encode("utf-8")))
    64
    """
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------
# Decoding


def _printable(message: str) -> str:
    """``message`` with any lone surrogate written as ``\\udcNN``: always valid UTF-8."""
    try:
        message.encode("utf-8")
    except UnicodeEncodeError:
        return message.encode("utf-8", "backslashreplace").decode("utf-8")
    return message


def _error(path: str, message: str) -> DocumentError:
    return DocumentError(path, STAGE, _printable(message))


# White space (``\s`` is ``str.isspace``) and the format characters (category
# Cf) texts are known to carry; any other character is looked up.
_MAYBE_VISIBLE_RE = re.compile(
    "[^\\s\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)


def is_blank(text: str) -> bool:
    """True if ``text`` has no visible character: only white space and format characters.

    White space is what ``str.isspace`` says (every Unicode White_Space
    character: ASCII spaces and line breaks, U+00A0, U+3000 the ideographic
    space, ...); format characters are Unicode category Cf (U+200B zero-width
    space, U+200C/U+200D zero-width (non-)joiners, U+2060 word joiner, U+FEFF,
    soft hyphen, bidirectional marks, ...). Time is linear in the length of
    the text, and short for any text with a visible character near its start.

    >>> is_blank(" \\u3000\\n\\u200b\\ufeff\\u2060\\t")
    True
    >>> is_blank("\\u200b报告")
    False
    >>> is_blank("")
    True
    """
    pos = 0
    while (found := _MAYBE_VISIBLE_RE.search(text, pos)) is not None:
        if unicodedata.category(found.group()) != "Cf":
            return False
        pos = found.end()
    return True


def _count(pattern: re.Pattern[str], text: str) -> int:
    """Characters of ``text`` matched by ``pattern`` (a class with ``+``)."""
    if pattern.search(text) is None:  # the common case, no copy made
        return 0
    return len(text) - len(pattern.sub("", text))


def _bad_fraction(text: str) -> float:
    """Fraction of ``text``'s characters that are controls or U+FFFD."""
    return _count(_BAD_CHARS_RE, text) / len(text) if text else 0.0


def _looks_chinese(text: str) -> bool:
    """True if most non-ASCII characters are Han ideographs or CJK punctuation.

    >>> _looks_chinese("各位代表：现在，我代表国务院")
    True
    >>> _looks_chinese("Straße, ½ café")
    False
    """
    n_non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    if n_non_ascii == 0:
        return False
    n_other = len(_ASCII_OR_CHINESE_RE.sub("", text))
    return 2 * n_other < n_non_ascii


def _common_han_fraction(text: str) -> float:
    """Fraction of the Han characters (U+4E00-U+9FFF) that are common ones.

    Common means in ``_COMMON_HAN``, the ~560 most frequent characters in
    simplified and traditional forms. Returns 0.0 for a text without Han
    characters. Used to choose between decodings; not a language detector.

    >>> _common_han_fraction("政府工作报告")
    1.0
    >>> _common_han_fraction("政府工作報告")
    1.0
    >>> round(_common_han_fraction("淉葬馱釬惆豢"), 2)  # Big5 bytes read as GB18030
    0.0
    """
    n_han = _count(_HAN_BASIC_RE, text)
    if n_han == 0:
        return 0.0
    return _count(_COMMON_HAN_RE, text) / n_han


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
            raise _error(
                path,
                f"undecodable bytes: starts with a {label} byte-order mark"
                f" but is not valid {label} (at byte offset {offset})",
            ) from exc
        if not text:
            raise _error(path, "empty file (only a byte-order mark)")
        return text, encoding, cut
    return None


# Readable characters: ASCII, Latin, Greek, Cyrillic, Han, CJK punctuation.
_TEXT_LIKE_RE = re.compile(f"[\t\n\r\f\x20-\x7e\u00a0-\u024f\u0370-\u04ff{_HAN}{_CJK_PUNCT}]+")
# Characters a real report is mostly made of.
_PLAUSIBLE_RE = re.compile("[\t\n\r\f\x20-\x7e" + _CJK_PUNCT + "".join(sorted(_COMMON_HAN)) + "]+")


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
        if "\x00" in text or _bad_fraction(text) > 0.01:
            continue
        if _count(_TEXT_LIKE_RE, text) < 0.95 * len(text):
            continue
        candidate = (_count(_PLAUSIBLE_RE, text), nuls_high, text, encoding)
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
            if _looks_chinese(text):
                found.append((_common_han_fraction(text), -rank, text, encoding, cut))
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
        raise _error(
            path,
            f"refused: {len(text):,} characters of text > limit {max_chars:,}"
            " (ingest.max_chars); not a report?",
        )
    if is_blank(text):
        raise _error(path, "no text: only white space or invisible characters")
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
        raise _error(path, "empty file (0 bytes)")

    decoded = _decode_with_bom(data, path, tolerate_cut)
    if decoded is None and b"\x00" in data:
        sniffed = _sniff_utf16(data)
        if sniffed is None:
            raise _error(
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
    bad = _bad_fraction(text)
    if bad > _MAX_BAD_FRACTION:
        raise _error(
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
        if text and _bad_fraction(text) <= _MAX_BAD_FRACTION:
            return text, _canonical(match.encoding), 0

    if chinese:  # looks Chinese but unusual vocabulary; still the best guess
        _, text, encoding, cut = chinese[0]
        return text, encoding, cut
    raise _error(
        path,
        f"undecodable bytes: not UTF-8 (invalid byte at offset {utf8_error.start}),"
        " not GB18030 or Big5 Chinese, and no other encoding fits",
    )


# ---------------------------------------------------------------------------
# Reading one file


def _describe(exc: OSError) -> str:
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


def read_bytes(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The raw bytes of one file, refusing files above ``max_bytes``.

    The first half of :func:`read_document`: a caller that only needs the
    hash (``sha256_hex``) to see whether a file changed can stop here and
    skip the extraction of an unchanged PDF.

    Raises:
        DocumentError: (stage ``"ingest"``) if the file is too large or cannot
            be read (permission denied, vanished, a directory, I/O error).
        ValueError: if ``max_bytes`` is not positive.
    """
    if max_bytes <= 0:
        raise ValueError(f"max_bytes must be positive, got {max_bytes}")
    name = os.fspath(path)
    try:
        st = os.stat(name)
        if stat.S_ISDIR(st.st_mode):
            raise _error(name, "cannot read: it is a directory, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise _error(name, "cannot read: not a regular file (a device, pipe or socket)")
        if st.st_size > max_bytes:
            raise _error(name, f"file too large: {st.st_size} bytes > limit {max_bytes}")
        with open(name, "rb") as fh:
            # Read what stat promised (a read(max_bytes + 1) allocates the whole
            # limit for every small file), then whatever the file grew by since,
            # up to one byte over the limit.
            data = fh.read(st.st_size + 1)
            if len(data) > st.st_size:
                data += fh.read(max_bytes + 1 - len(data))
    except OSError as exc:
        raise _error(name, f"cannot read: {_describe(exc)}") from exc
    if len(data) > max_bytes:
        raise _error(name, f"file too large: more than {max_bytes} bytes > limit {max_bytes}")
    return data


def decode_document(
    path: str | os.PathLike[str], data: bytes, max_chars: int = DEFAULT_MAX_CHARS
) -> DecodedDocument:
    """The text of a file's bytes, decoded or extracted by the suffix of ``path``.

    The second half of :func:`read_document`. ``.docx``, ``.pdf``, ``.html``
    and ``.htm`` (in any letter case) are extracted by
    :func:`reuse.ingest.formats.extract`; any other suffix is text, decoded by
    :func:`decode_text` (whose warnings become ``DecodedDocument.warnings``).
    ``path`` is only used for the suffix and messages.

    Args:
        path: the file's path, stored as given in the result.
        data: the file's bytes.
        max_chars: a document with more characters of text than this is
            refused (see :data:`DEFAULT_MAX_CHARS`).

    Raises:
        DocumentError: (stage ``"ingest"``) if a text file is empty, binary,
            undecodable, longer than ``max_chars`` characters or blank;
            (stage ``"extract"``) if a .docx, .pdf or .html file is corrupt,
            encrypted, longer than ``max_chars`` characters or has no text
            (see :mod:`reuse.ingest.formats`).
        ValueError: if ``max_chars`` is not positive.
    """
    name = os.fspath(path)
    suffix = os.path.splitext(name)[1].lower()
    # Imported here, not at the top: reuse.ingest.formats imports this module (for
    # decode_bytes), and a scan of text files need not load the libraries.
    from reuse.ingest import formats

    meta_date = None
    warnings: tuple[str, ...] = ()
    if suffix in formats.EXTRACTED_FORMATS:
        text, encoding = formats.extract(data, suffix, name, max_chars=max_chars)
        meta_date = formats.metadata_date(data, suffix)
    else:
        text, encoding, warnings = decode_text(data, name, max_chars)
    return DecodedDocument(
        path=name,
        sha256=sha256_hex(data),
        text=text,
        encoding=encoding,
        n_bytes=len(data),
        metadata_date=meta_date,
        warnings=warnings,
    )


def read_document(
    path: str | os.PathLike[str],
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> DecodedDocument:
    """Read one file and decode it, or extract its text (by the suffix of its name).

    ``.docx``, ``.pdf``, ``.html`` and ``.htm`` files (in any letter case) are
    extracted by :func:`reuse.ingest.formats.extract`; any other file is decoded as
    text by :func:`decode_text`. The same as
    ``decode_document(path, read_bytes(path, max_bytes), max_chars)``.

    Args:
        path: the file to read; stored as given in the result.
        max_bytes: files larger than this many bytes are refused without being
            read (and so is a file that grows past it while being read).
        max_chars: a document with more characters of text than this is
            refused (see :data:`DEFAULT_MAX_CHARS`).

    Raises:
        DocumentError: (stage ``"ingest"``) if the file is too large, cannot
            be read (permission denied, vanished, a directory, I/O error), or
            is empty, binary, undecodable, too long or blank (see
            :func:`decode_text`); (stage ``"extract"``) if a .docx, .pdf or
            .html file is corrupt, encrypted, too long or has no text (see
            :mod:`reuse.ingest.formats`).
        ValueError: if ``max_bytes`` or ``max_chars`` is not positive.
    """
    if max_chars <= 0:
        raise ValueError(f"max_chars must be positive, got {max_chars}")
    return decode_document(path, read_bytes(path, max_bytes), max_chars)


# ---------------------------------------------------------------------------
# Paths that are not valid UTF-8

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


# ---------------------------------------------------------------------------
# Finding files


def _posix(path: str) -> str:
    return path if os.sep == "/" else PureWindowsPath(path).as_posix()


def _log_error(error: DocumentError) -> None:
    logger.warning("%s", error)


def _check_suffixes(suffixes: Sequence[str]) -> tuple[str, ...]:
    if isinstance(suffixes, str):
        raise TypeError(f"suffixes must be a sequence of endings, e.g. ('{suffixes}',)")
    endings = tuple(s.lower() for s in suffixes)
    if not endings:
        raise ValueError("suffixes must name at least one ending, e.g. ('.txt',)")
    for ending in endings:
        if not ending.startswith(".") or len(ending) < 2:
            raise ValueError(f"suffix {ending!r} must start with '.', e.g. '.txt'")
    return endings


def iter_source_files(
    roots: Sequence[str | Path],
    suffixes: Sequence[str] = DEFAULT_SUFFIXES,
    on_error: Callable[[DocumentError], None] | None = None,
    *,
    follow_symlinks: bool = False,
) -> Iterator[SourceFile]:
    """List the files to scan under ``roots``, sorted by path, each file once.

    Each root is a directory, walked recursively, or a single file. A file is
    listed if its name ends with one of ``suffixes`` (compared
    case-insensitively, so ``.TXT`` matches ``.txt``).

    * Hidden entries (names starting with ``.``) are skipped, directories and
      files alike (``.git``, editor lock files, macOS ``._*`` files); a root is
      never skipped, even a hidden one.
    * A root is taken as named, even if it is a symbolic link. Inside a root,
      a symbolic link (to a file or a directory) is followed only if its
      target (``os.path.realpath``) lies inside the real path of the root,
      unless ``follow_symlinks`` is true: then every link is followed. A link
      that leads out of the root is skipped and reported, so a link to
      ``/etc/passwd`` or to another disk does not bring foreign files into a
      scan.
    * Each real directory is listed once, so link loops terminate. Directories
      reachable without a link are walked first, so a file's path avoids links
      when it can.
    * A file reached by several paths (overlapping roots, links) is listed once
      under the smallest path; ``root`` is the root it was found under, the
      outermost one when roots are nested.
    * Names that are not valid UTF-8 come as Python gives them (surrogate
      escapes, see :func:`escape_path`), and are listed like any other.
    * A missing root, an unreadable directory, a broken or looping link, a
      link out of its root, a special file (pipe, device) with a matching
      name, and a root file whose name does not match are reported through
      ``on_error`` as :class:`DocumentError` (stage ``"ingest"``) and
      skipped; nothing is raised. Without ``on_error`` they are logged as
      warnings. A link to a file is reported only if its name matches.

    The roots and suffixes are checked when called; the walk runs when
    iteration starts, and finishes before the first file is yielded (the
    result is sorted).

    Raises:
        TypeError: if ``roots`` is a single path instead of a sequence.
        ValueError: if a suffix does not start with ``.``.
    """
    if isinstance(roots, str | bytes | os.PathLike):
        raise TypeError(f"roots must be a list of paths, e.g. [{os.fspath(roots)!r}]")
    endings = _check_suffixes(suffixes)
    report = on_error if on_error is not None else _log_error
    walk = _Walk(endings, report, follow_symlinks)
    return walk.run([os.path.abspath(os.fspath(r)) for r in roots])


def _inside(path: str, folder: str) -> bool:
    """True if ``path`` is ``folder`` or lies below it (both real, absolute)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class _Walk:
    """The state of one :func:`iter_source_files` call."""

    def __init__(
        self,
        endings: tuple[str, ...],
        report: Callable[[DocumentError], None],
        follow_symlinks: bool,
    ) -> None:
        self.endings = endings
        self.report = report
        self.follow_symlinks = follow_symlinks
        self.visited: set[str] = set()  # real paths of directories listed
        self.found: dict[object, SourceFile] = {}  # file identity -> file
        self.linked: deque[tuple[str, str]] = deque()  # (path, root) of linked dirs, for later
        self.real_roots: dict[str, str] = {}  # root -> its real path

    def run(self, roots: list[str]) -> Iterator[SourceFile]:
        # Sorted so that the outcome does not depend on the order of the
        # arguments: an outer root is walked before a root nested in it.
        for root in sorted(set(roots)):
            self._root(root)
        while self.linked:
            path, root = self.linked.popleft()
            real = os.path.realpath(path)
            if real not in self.visited:
                self._tree(path, real, root)
        yield from sorted(self.found.values(), key=lambda f: f.path)

    def _fail(self, path: str, message: str) -> None:
        self.report(DocumentError(_posix(path), STAGE, _printable(message)))

    def _leaves_root(self, link: str, root: str) -> bool:
        """True (and reported) if ``link`` is not to be followed: its target is outside ``root``."""
        if self.follow_symlinks:
            return False
        real_root = self.real_roots.get(root)
        if real_root is None:
            real_root = self.real_roots[root] = os.path.realpath(root)
        target = os.path.realpath(link)
        if _inside(target, real_root):
            return False
        self._fail(
            link,
            "skipped: symbolic link to a target outside the scanned folder"
            f" ({escape_path(_posix(target))}); set ingest.follow_symlinks = true to follow it",
        )
        return True

    def _root(self, root: str) -> None:
        try:
            st = os.stat(root)
        except OSError as exc:
            self._link_or_missing(root, exc, "root")
            return
        if stat.S_ISDIR(st.st_mode):
            real = os.path.realpath(root)
            if real not in self.visited:
                self._tree(root, real, root)
        elif not stat.S_ISREG(st.st_mode):
            self._fail(root, "root is not a regular file or directory")
        elif root.lower().endswith(self.endings):
            self._add(root, root, st)
        else:
            wanted = ", ".join(self.endings)
            self._fail(root, f"skipped: file name does not end with {wanted}")

    def _link_or_missing(self, path: str, exc: OSError, what: str) -> None:
        if not os.path.islink(path):
            if isinstance(exc, FileNotFoundError):
                self._fail(path, f"{what} does not exist")
            else:
                self._fail(path, f"cannot read {what}: {_describe(exc)}")
            return
        if exc.errno == errno.ELOOP:
            reason = "it leads back to itself (a link loop)"
        elif isinstance(exc, FileNotFoundError):
            try:
                reason = f"its target '{escape_path(os.readlink(path))}' does not exist"
            except OSError:
                reason = "its target does not exist"
        else:
            reason = _describe(exc)
        self._fail(path, f"broken symbolic link: {reason}")

    def _tree(self, top: str, real_top: str, root: str) -> None:
        """Walk ``top`` without following links; queue linked dirs for later."""
        stack = [(top, real_top)]
        while stack:
            path, real = stack.pop()
            if real in self.visited:
                continue
            self.visited.add(real)
            try:
                with os.scandir(path) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                self._fail(path, f"cannot list directory: {_describe(exc)}")
                continue
            subdirs = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                child = os.path.join(path, entry.name)
                try:
                    is_link = entry.is_symlink()
                    if entry.is_dir():
                        if not is_link:
                            subdirs.append((child, os.path.join(real, entry.name)))
                        elif not self._leaves_root(child, root):
                            self.linked.append((child, root))
                        continue
                    matches = entry.name.lower().endswith(self.endings)
                    if entry.is_file():
                        if matches and not (is_link and self._leaves_root(child, root)):
                            self._add(child, root, entry.stat())
                        continue
                    os.stat(child)  # raises for a broken link
                except OSError as exc:
                    self._link_or_missing(child, exc, "file")
                    continue
                if matches and not (is_link and self._leaves_root(child, root)):
                    self._fail(child, "skipped: not a regular file (a device, pipe or socket)")
            stack.extend(reversed(subdirs))

    def _add(self, path: str, root: str, st: os.stat_result) -> None:
        found = SourceFile(
            path=_posix(path), root=_posix(root), size=st.st_size, mtime_ns=st.st_mtime_ns
        )
        # The same file reached twice (nested roots, links) has one identity.
        key: object = (st.st_dev, st.st_ino) if st.st_ino else found.path
        seen = self.found.get(key)
        if seen is None or found.path < seen.path:
            self.found[key] = found
