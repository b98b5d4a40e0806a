"""Classes of characters that decoded text is judged by: controls, Chinese, blank.

The decoder (:mod:`reuse.ingest.decode`) asks of a candidate decoding: how
much of it is control characters or U+FFFD (:func:`bad_fraction`: binary data
or a wrong guess), whether it looks like Chinese (:func:`looks_chinese`: most
non-ASCII characters are Han ideographs or CJK punctuation), how many of its
Han characters are among the ~560 most common ones
(:func:`common_han_fraction`: real Chinese scores 0.6-0.85, bytes of one
Chinese encoding read as another almost 0), and whether UTF-16 without a byte
order mark reads as text (:data:`TEXT_LIKE_RE`, :data:`PLAUSIBLE_RE`). Every
reader asks :func:`is_blank`: a text with no visible character is no text.
Every test is a regular expression or a str/bytes method, so it runs at C
speed over whole texts. Fractions are of characters (code points).
"""

from __future__ import annotations

import re
import unicodedata

# Control characters (Unicode category Cc: C0, DEL and C1) except tab, line
# feed, carriage return and form feed, plus U+FFFD (what a lossy decoder
# leaves behind). Later stages drop stray controls; a text made largely of
# them is binary data or a wrong guess of encoding.
_BAD_CHARS_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]+")

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

# For recognising UTF-16 without a byte-order mark (decode). Readable
# characters: ASCII, Latin, Greek, Cyrillic, Han, CJK punctuation.
TEXT_LIKE_RE = re.compile(f"[\t\n\r\f\x20-\x7e\u00a0-\u024f\u0370-\u04ff{_HAN}{_CJK_PUNCT}]+")
# Characters a real report is mostly made of.
PLAUSIBLE_RE = re.compile("[\t\n\r\f\x20-\x7e" + _CJK_PUNCT + "".join(sorted(_COMMON_HAN)) + "]+")

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


def count_chars(pattern: re.Pattern[str], text: str) -> int:
    """Characters of ``text`` matched by ``pattern`` (a class with ``+``)."""
    if pattern.search(text) is None:  # the common case, no copy made
        return 0
    return len(text) - len(pattern.sub("", text))


def bad_fraction(text: str) -> float:
    """Fraction of ``text``'s characters that are controls or U+FFFD."""
    return count_chars(_BAD_CHARS_RE, text) / len(text) if text else 0.0


def looks_chinese(text: str) -> bool:
    """True if most non-ASCII characters are Han ideographs or CJK punctuation.

    >>> looks_chinese("各位代表：现在，我代表国务院")
    True
    >>> looks_chinese("Straße, ½ café")
    False
    """
    n_non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    if n_non_ascii == 0:
        return False
    n_other = len(_ASCII_OR_CHINESE_RE.sub("", text))
    return 2 * n_other < n_non_ascii


def common_han_fraction(text: str) -> float:
    """Fraction of the Han characters (U+4E00-U+9FFF) that are common ones.

    Common means in ``_COMMON_HAN``, the ~560 most frequent characters in
    simplified and traditional forms. Returns 0.0 for a text without Han
    characters. Used to choose between decodings; not a language detector.

    >>> common_han_fraction("政府工作报告")
    1.0
    >>> common_han_fraction("政府工作報告")
    1.0
    >>> round(common_han_fraction("淉葬馱釬惆豢"), 2)  # Big5 bytes read as GB18030
    0.0
    """
    n_han = count_chars(_HAN_BASIC_RE, text)
    if n_han == 0:
        return 0.0
    return count_chars(_COMMON_HAN_RE, text) / n_han
