"""The rules that class an edit: punctuation, page furniture (page numbers,
captions, bylines alone on a line), date and number expressions, and the word
classes of jieba's tags (places re-tagged by their suffixes)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from reuse.edits.jieba_words import jieba_state
from reuse.edits.model import MAX_STRUCTURAL_CHARS, Token


@lru_cache(maxsize=4096)
def _is_punct_char(char: str) -> bool:
    return char.isspace() or unicodedata.category(char)[0] in "PSZ"


@lru_cache(maxsize=1 << 15)
def is_punct(text: str) -> bool:
    """True if ``text`` has only punctuation, symbol and space characters."""
    return all(_is_punct_char(c) for c in text)


LINE_BREAKS = frozenset("\n\r\f\v\x1c\x1d\x1e\x85\u2028\u2029")
_BLANKS = frozenset(" \t\u3000\u00a0\u200b\ufeff")


def _alone_on_line(original: str, start: int, end: int) -> bool:
    """True if only blanks separate ``original[start:end]`` from a line break (or
    the text edge) on each side."""
    i = start - 1
    while i >= 0 and original[i] in _BLANKS:
        i -= 1
    if i >= 0 and original[i] not in LINE_BREAKS:
        return False
    j = end
    while j < len(original) and original[j] in _BLANKS:
        j += 1
    return j >= len(original) or original[j] in LINE_BREAKS


# ------------------------------------------------------------------ structural edits
# Patterns apply to NORMALISED text: full-width forms folded (（ -> (, ： -> :,
# — -> -, 【 -> [), letters casefolded, white space next to Han characters gone.

_CN_NUMERALS = "〇零一二三四五六七八九十百千两"
_PAGE_RE = re.compile(
    r"-\s*\d{1,4}\s*-"
    r"|第\s*[\d" + _CN_NUMERALS + r"]{1,5}\s*页(?:\s*[,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,/]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?"
)
_BARE_NUMBER_RE = re.compile(r"\d{1,4}")

_CAPTION_RE = re.compile(
    r"(?<![试企意地构绘蓝版制力])图为"
    r"|摄影(?:[:/]|记者|$)"
    r"|\(摄\)"
    r"|记者[^,。;!?]{1,20}?摄(?![像影制录取入食])"
    r"|新华社发(?![布表出行展生现])"
    r"|供图|图片来源|(?<![地构绘蓝版示插附])图\s*:"
)
_CAPTION_END_RE = re.compile(r"(?:摄|供图)[)\]]?\s*$")
_BYLINE_RE = re.compile(
    r"本报讯|通讯员"
    r"|\(\s*(?:本报)?记者[^)]{1,30}\)"
    r"|记者\s*[\u4e00-\u9fff]{2,4}(?=$|[\s,;)\]/|])"
    r"|来源\s*:"
    r"|(?:责任)?编辑\s*:"
    r"|新华社.{0,14}?电"
    r"|讯\s*\("
)


SENTENCE_BREAKS = frozenset("。!?;:")


@dataclass(frozen=True)
class OneSided:
    """Text that only one side of a match holds, as the structural rules read it.

    ``text`` is its normalised text, stripped; ``original[start:end]`` the
    original; ``mid_sentence``: the other document continues a sentence across
    the point where this text stands (no sentence break on either side of it).
    """

    text: str
    original: str
    start: int
    end: int
    mid_sentence: bool

    def alone_on_line(self) -> bool:
        return _alone_on_line(self.original, self.start, self.end)


def _page_number(s: OneSided) -> bool:
    return bool(_PAGE_RE.fullmatch(s.text)) or (
        bool(_BARE_NUMBER_RE.fullmatch(s.text)) and s.alone_on_line()
    )


def _captioned(s: OneSided) -> bool:
    return bool(_CAPTION_RE.search(s.text))


def _credited_photo(s: OneSided) -> bool:
    """Ends as a photo credit (摄, 供图), bracketed or on a line of its own."""
    return bool(_CAPTION_END_RE.search(s.text)) and (
        (s.text[0] in "([" and s.text[-1] in ")]") or s.alone_on_line()
    )


def _byline(s: OneSided) -> bool:
    return bool(_BYLINE_RE.search(s.text))


def _line_in_sentence(s: OneSided) -> bool:
    """A line of its own dropped into a sentence: a caption or a heading."""
    return s.mid_sentence and s.alone_on_line()


#: The structural rules in the order they apply: the first that holds names
#: the category. Adding one is a predicate and a row here.
STRUCTURAL_RULES: tuple[tuple[str, Callable[[OneSided], bool]], ...] = (
    ("page_number", _page_number),
    ("caption", _captioned),
    ("caption", _credited_photo),
    ("byline", _byline),
    ("caption", _line_in_sentence),
)


def structural(
    norm: str, original: str, start: int, end: int, mid_sentence: bool = False
) -> str | None:
    """'page_number', 'caption', 'byline' or None for one-sided text: the first of
    :data:`STRUCTURAL_RULES` that holds for it (none for text longer than
    ``MAX_STRUCTURAL_CHARS``).

    ``norm`` is the normalised text, ``original[start:end]`` its original;
    ``mid_sentence``: the other document continues a sentence across the
    point where this text stands (no sentence break on either side of it).
    """
    text = norm.strip()
    if not text or len(text) > MAX_STRUCTURAL_CHARS:
        return None
    one_sided = OneSided(text, original, start, end, mid_sentence)
    for category, holds in STRUCTURAL_RULES:
        if holds(one_sided):
            return category
    return None


# ------------------------------------------------------------------------ word classes

_CN_DIGITS = "〇零一二三四五六七八九"
_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*月"
_DAY = (
    r"(?:3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?"
    r"|[一二三四五六七八九])\s*[日号]"
)
_YEAR = r"(?:\d{4}|[" + _CN_DIGITS + r"]{4})\s*年"
_CLOCK_CN = r"(?:二十[一二三四]?|十[一二三四五六七八九]?|[零一二三四五六七八九两])"
_DAYPART = r"(?:上午|下午|凌晨|早上|早晨|晚上|中午|傍晚|夜间|深夜)"
_DATE_FIRST = r"(?=[\d" + _CN_DIGITS + r"十两上下凌早晚中傍夜深星礼])"
"""The characters a date expression can start with: lets the search skip others fast."""
DATE_RE = re.compile(
    _DATE_FIRST + r"(?:" + _YEAR + r"(?:\s*" + _MONTH + r"(?:\s*" + _DAY + r")?)?"
    r"|" + _MONTH + r"(?:\s*" + _DAY + r")?"
    r"|\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}"
    r"|\d{1,2}\s*:\s*\d{2}(?:\s*:\s*\d{2})?"
    r"|" + _DAYPART + r"(?:\s*(?:\d{1,2}|" + _CLOCK_CN + r")\s*[时点](?:\s*(?:\d{1,2}|"
    r"[一二三四五]?十[一二三四五六七八九]?|[一二三四五六七八九])\s*分|[半整许])?)?"
    r"|(?:\d{1,2}|" + _CLOCK_CN + r")\s*[时点]\s*(?:\d{1,2}|[一二三四五]?十[一二三四五六七八九]?"
    r"|[一二三四五六七八九])\s*分"
    r"|\d{1,2}\s*时(?![期间代候刻效限])"
    r"|星期[一二三四五六日天]|礼拜[一二三四五六日天])"
)
DURATION_RE = re.compile(
    r"[\d" + _CN_NUMERALS + r"万半几多余]+\s*(?:个)?\s*"
    r"(?:年|年度|个月|月|周|星期|日|天|小时|时|分钟|分|秒)"
)
_NUMERIC_RE = re.compile(r"[\d.,%‰" + _CN_NUMERALS + r"万亿壹贰叁肆伍陆柒捌玖拾佰仟半几]+")
_CLASS_OF_TAG = (("ns", "place"), ("nr", "person"), ("nt", "organisation"))
_NUMBER_TAGS = frozenset(("m", "q", "mq"))

_PLACE_SUFFIXES = ("街道", "区", "县", "市", "省", "镇", "乡", "村")
_PLACE_SUFFIX_WORDS = frozenset(_PLACE_SUFFIXES + ("新区", "自治州", "自治县", "自治区"))
_NAME_TAGS = frozenset(("ns", "nr", "nrt", "nrfg", "nz"))
_RETAG_WORD_TAGS = frozenset(("n", "nr", "nrt", "nrfg", "nt", "nz", "j"))
_GENERIC_AREA = (
    "开发区", "保护区", "特区", "园区", "辖区", "军区", "地区", "城区", "社区", "小区", "景区",
    "灾区", "山区", "郊区", "林区", "牧区", "矿区", "产区", "灌区", "行政区", "城镇", "乡镇",
    "农村", "乡村", "城乡", "城市", "都市", "超市", "股市", "他乡", "还乡", "离乡", "之乡",
    "卫戍区", "警备区",
)  # fmt: skip


def retag(tokens: Sequence[Token], k: int) -> str:
    """Tag of ``tokens[k]``, re-tagged ``ns`` for place names jieba tags otherwise."""
    _, _, word, tag = tokens[k]
    if tag.startswith("ns") or len(word) < 2:
        return tag
    if tag in _RETAG_WORD_TAGS:
        for suffix in _PLACE_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 2:
                if word.endswith(_GENERIC_AREA):
                    break
                stem_tag = jieba_state().tags.get(word[: -len(suffix)])
                if stem_tag is None or stem_tag in _NAME_TAGS:
                    return "ns"
                break
    if (
        k + 1 < len(tokens)
        and tokens[k + 1][2] in _PLACE_SUFFIX_WORDS
        and (tag[0] == "n" or tag == "j")
        and not word.endswith(_GENERIC_AREA)
        and all("\u4e00" <= c <= "\u9fff" for c in word)
    ):
        return "ns"
    return tag


def word_class(word: str, tag: str) -> str | None:
    for prefix, name in _CLASS_OF_TAG:
        if tag.startswith(prefix):
            return name
    if tag in _NUMBER_TAGS or _NUMERIC_RE.fullmatch(word) or DURATION_RE.fullmatch(word):
        return "number"
    return None


def place_like(word: str) -> bool:
    """A name ending in a place suffix (``金水区``), not a generic area word."""
    for suffix in _PLACE_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return not word.endswith(_GENERIC_AREA)
    return False


# -------------------------------------------------------------------------- windows
