"""jieba's words, as ``jieba.posseg.cut(..., HMM=True)`` gives them, computed per
block and cached: the dictionary loaded fast, the most probable route through
a block, and jieba's HMM only on the unknown runs near an edit."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from functools import lru_cache
from types import ModuleType

from reuse.edits.jieba_load import import_jieba, import_posseg, load_prefix_dictionary
from reuse.edits.model import Token
from reuse.edits.pos_hmm import HAN_DETAIL_RE, hmm_tokens, other_words

log = logging.getLogger("reuse")

_BLOCK_CACHE_SIZE = 1 << 15
"""jieba blocks whose words are cached per process (~3 kB each: ~100 MB when full)."""

_HMM_CACHE_SIZE = 1 << 14
"""Unknown runs whose HMM words are cached per process."""
# jieba.posseg's own patterns (0.42): a *block* is a run of characters matched
# by its ``re_han_internal``; words never cross block edges, so a block
# segmented on its own gets the same words as inside the whole text.
_BLOCK_CLASS = r"\u4e00-\u9fd5a-zA-Z0-9+#&._"
BLOCK_RE = re.compile("[" + _BLOCK_CLASS + "]+")
UP_TO_LAST_NON_BLOCK_RE = re.compile(".*[^" + _BLOCK_CLASS + "]", re.S)
BLOCK_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+#&._")


class _Jieba:
    """jieba's POS tokenizer and dictionary, loaded once per process (quietly)."""

    def __init__(self) -> None:
        jieba = import_jieba()
        load_prefix_dictionary(jieba.dt)
        posseg = import_posseg(jieba)
        self.dt = posseg.dt  # the default jieba.posseg.POSTokenizer
        self.dt.makesure_userdict_loaded()
        self.freq: dict[str, int] = self.dt.tokenizer.FREQ
        self.tags: dict[str, str] = self.dt.word_tag_tab
        self.logtotal = math.log(self.dt.tokenizer.total)
        self.compiled_cut: Callable[[str], list[str]] | None = None
        self.compiled_checked = False


_JIEBA: _Jieba | None = None


def jieba_state() -> _Jieba:
    global _JIEBA
    if _JIEBA is None:
        _JIEBA = _Jieba()
    return _JIEBA


def load_jieba(compiled: bool = True) -> None:
    """Load jieba's dictionaries now (~0.4 s), e.g. in a process about to fork
    workers; with ``compiled``, also the compiled router (:func:`_compiled_cut`,
    ~0.1 s more, ~50 us less for each block routed). The words are the same
    either way."""
    jb = jieba_state()
    if compiled and not jb.compiled_checked:
        jb.compiled_cut = _compiled_cut(jb, import_jieba())
        jb.compiled_checked = True


def _compiled_cut(jb: _Jieba, jieba: ModuleType) -> Callable[[str], list[str]] | None:
    """A router built on ``rjieba.cut`` (jieba-rs, compiled) that gives the
    words of :func:`_route` for a block; ``None`` where it may not.

    jieba-rs is jieba's algorithm (the same prefix dictionary, word graph and
    log-probability route) on the same ``dict.txt``, ~5x faster. Its ``cut``
    without the HMM joins each run of one-character words that are ASCII
    letters or digits into one word (as jieba's own ``cut(..., HMM=False)``
    does); jieba's dictionary holds no word of two or more ASCII letters and
    digits only, so such a word is one of those runs and is split back into
    characters. It is used with jieba's default dictionary only, and only
    after it gave the same words as :func:`_route` for every block of a
    built-in sample (and of ``reuse/boilerplate.list``) in this process. On
    cn_laws_regs it gave the same words for all 283,585 distinct Han blocks
    of a third of the corpus and all 27,187 distinct blocks with ASCII
    characters of the whole corpus.
    """
    if jb.dt.tokenizer.dictionary != jieba.DEFAULT_DICT:
        return None
    try:
        import rjieba
    except ImportError:  # pragma: no cover - a dependency; a platform without its wheel
        return None
    cut: Callable[[str, bool], list[str]] = rjieba.cut

    def route(block: str) -> list[str]:
        words = cut(block, False)
        if _HAN_RE.fullmatch(block):
            return words
        out: list[str] = []
        for word in words:
            if len(word) > 1 and _ASCII_RUN_RE.fullmatch(word):
                out.extend(word)
            else:
                out.append(word)
        return out

    for block in _sample_blocks():
        if route(block) != _route_words(block, _route(block, jb)):
            log.debug("rjieba routes %r differently from jieba: not used", block)
            return None
    return route


def _sample_blocks() -> list[str]:
    """Blocks of :data:`_ROUTE_SAMPLE` and of the shipped boilerplate list."""
    from reuse.config.detection import DEFAULT_LIST_PATH

    try:
        with open(DEFAULT_LIST_PATH, encoding="utf-8") as fh:
            listed = fh.read()
    except OSError:  # pragma: no cover - package data
        listed = ""
    return BLOCK_RE.findall(_ROUTE_SAMPLE + "\n" + listed)


#: Text whose blocks check the compiled router (:func:`_compiled_cut`):
#: formulas, clauses, names, dates, numbers and codes, the dictionary's words
#: with ASCII characters, and runs of characters it does not hold as words.
_ROUTE_SAMPLE = (
    "第一条为了规范地方立法活动，根据《中华人民共和国立法法》和有关法律，结合本市实际，制定本条例。"
    "二〇一四年二月二十五日上海市第十四届人民代表大会常务委员会第十一次会议通过。"
    "违反本条例规定的，由市滩涂管理处或者区、县水行政主管部门责令其停止违法行为，限期改正，"
    "处一万元以上三万元以下的罚款；情节严重的，责令停业整顿。"
    "持续防范化解重点领域风险，着力稳就业、稳企业、稳市场、稳预期，推动经济实现质的有效提升和量的合理增长，"
    "保持社会和谐稳定。各位代表：现在，我代表市人民政府，向大会报告工作，请予审议，并请市政协委员提出意见。"
    "郑州市金水区历下区张伟同志李晓明副市长在会上讲话。新华社北京电记者王小丫摄影报道。"
    "氢氘氚锗铟碲铋钋砹氡钫镭锕钍镤铀镎钚镅锔锫锎锿镄钔锘铹"
    "第3条、第12条；1000总吨以上的海上机动船舶；A股市场3D打印；C++语言；AT&T公司；B超检查；"
    "IC卡和IP电话；5G网络；GB/T2260-2007；3.5%；No.12；2024年3月5日；x86_64；K歌之王"
)
#: A run of the Han characters of jieba's blocks (``_BLOCK_CLASS``).
_HAN_RE = re.compile(r"[\u4e00-\u9fd5]+")
#: A word of ASCII letters and digits only.
_ASCII_RUN_RE = re.compile(r"[a-zA-Z0-9]+")


def _route_words(block: str, route: list[int]) -> list[str]:
    """The words of ``block`` along ``route`` (:func:`_route`)."""
    words, x, n = [], 0, len(block)
    while x < n:
        y = route[x] + 1
        words.append(block[x:y])
        x = y
    return words


def route_words(block: str) -> list[str]:
    """The words of ``block`` on jieba's most probable route (no HMM): the
    compiled router's where it is exact (:func:`_compiled_cut`), else
    :func:`_route`'s."""
    jb = jieba_state()
    if jb.compiled_cut is not None:
        return jb.compiled_cut(block)
    return _route_words(block, _route(block, jb))


def _route(block: str, jb: _Jieba) -> list[int]:
    """``route[k]``: end (inclusive) of the word starting at ``k`` on jieba's most
    probable path through ``block``: ``jieba.Tokenizer.get_DAG`` and ``calc`` in
    one pass (same scores, same tie-break: the longer word)."""
    n = len(block)
    freq_get, log, logtotal = jb.freq.get, math.log, jb.logtotal
    best = [0.0] * (n + 1)
    route = [0] * n
    for k in range(n - 1, -1, -1):
        f = freq_get(block[k])
        b, bx = (log(f) - logtotal + best[k + 1] if f else -math.inf), k
        i = k + 1
        while f is not None and i < n:
            i += 1
            f = freq_get(block[k:i])
            if f:
                v = log(f) - logtotal + best[i]
                if v >= b:
                    b, bx = v, i - 1
        if b == -math.inf:  # no word starts here: an unknown character, frequency 1
            b = best[k + 1] - logtotal
        best[k] = b
        route[k] = bx
    return route


@lru_cache(maxsize=_BLOCK_CACHE_SIZE)
def _block(block: str) -> tuple[tuple[Token, ...], list[int], tuple[tuple[int, int], ...]]:
    """jieba's words of one block (``jieba.posseg.cut(block, HMM=True)``) without
    the HMM, and the Han runs that the HMM would re-segment.

    Returns ``(tokens, starts, runs)``: the tokens are ``cut``'s words, except
    that each run of unknown Han characters that ``cut`` hands to its HMM is
    left as single characters with their dictionary tags; ``starts`` are the
    tokens' starts; ``runs`` the ranges of those unknown runs (see
    :func:`_hmm`). Offsets are relative to ``block``.
    """
    jb = jieba_state()
    tags, freq = jb.tags, jb.freq
    out: list[Token] = []
    runs: list[tuple[int, int]] = []

    def singles(s: int, e: int) -> None:
        out.extend((i, i + 1, block[i], tags.get(block[i], "x")) for i in range(s, e))

    def flush(s: int, e: int) -> None:  # a run of one-character words, as jieba's __cut_DAG
        buf = block[s:e]
        if e - s == 1 or freq.get(buf):
            singles(s, e)
            return
        pos = s
        for piece in HAN_DETAIL_RE.split(buf):  # as jieba's __cut_detail
            if not piece:
                continue
            end = pos + len(piece)
            if "\u4e00" <= piece[0] <= "\u9fd5":
                if not runs or runs[-1][0] != s:
                    runs.append((s, e))
                singles(pos, end)
            else:
                for x, tag in other_words(piece):
                    out.append((pos, pos + len(x), x, tag))
                    pos += len(x)
            pos = end

    x, run = 0, -1
    for word in route_words(block):
        y = x + len(word)
        if y - x == 1:
            if run < 0:
                run = x
        else:
            if run >= 0:
                flush(run, x)
                run = -1
            out.append((x, y, word, tags.get(word, "x")))
        x = y
    if run >= 0:
        flush(run, len(block))
    return tuple(out), [t[0] for t in out], tuple(runs)


@lru_cache(maxsize=_HMM_CACHE_SIZE)
def _hmm(run: str) -> tuple[Token, ...]:
    """Words and tags of a run of unknown Han characters: ``jieba.posseg.cut(run, HMM=True)``
    (its HMM, a Viterbi search over ~250 POS states per character; :mod:`reuse.edits.pos_hmm`)."""
    jb = jieba_state()
    return hmm_tokens(run, route_words(run), jb.freq, jb.tags)


@lru_cache(maxsize=_HMM_CACHE_SIZE)
def _block_hmm(block: str, hot: tuple[tuple[int, int], ...]) -> tuple[tuple[Token, ...], list[int]]:
    """``(tokens, starts)`` of ``block`` with the unknown runs ``hot`` (some of
    ``_block(block)``'s runs) re-segmented by the HMM."""
    tokens = _block(block)[0]
    out: list[Token] = []
    k = 0
    for rs, re_ in hot:
        while tokens[k][0] < rs:
            out.append(tokens[k])
            k += 1
        out.extend((s + rs, e + rs, w, t) for s, e, w, t in _hmm(block[rs:re_]))
        while k < len(tokens) and tokens[k][0] < re_:
            k += 1
    out.extend(tokens[k:])
    return tuple(out), [t[0] for t in out]


def block_tokens(block: str, hot_lo: int, hot_hi: int) -> tuple[tuple[Token, ...], list[int]]:
    """``(tokens, starts)`` of ``block``, the HMM on the unknown runs that overlap
    ``[hot_lo, hot_hi)`` (block offsets)."""
    tokens, starts, runs = _block(block)
    if runs:
        hot = tuple(r for r in runs if r[0] < hot_hi and r[1] > hot_lo)
        if hot:
            return _block_hmm(block, hot)
    return tokens, starts


def text_tokens(text: str, lo: int, hi: int, hot_lo: int, hot_hi: int) -> list[Token]:
    """jieba's words of ``text[lo:hi]`` (offsets relative to ``lo``), ``lo`` and ``hi``
    being block edges; the HMM re-segments only the unknown runs that overlap
    ``[hot_lo, hot_hi)`` (offsets into ``text``). Characters between blocks
    are one word each, tagged ``'x'``."""
    out: list[Token] = []
    pos = lo
    for m in BLOCK_RE.finditer(text, lo, hi):
        bs, be = m.span()
        out.extend((i - lo, i - lo + 1, text[i], "x") for i in range(pos, bs))
        pos = be
        off = bs - lo
        tokens = block_tokens(m.group(), hot_lo - bs, hot_hi - bs)[0]
        out.extend([(s + off, e + off, w, t) for s, e, w, t in tokens])
    out.extend((i - lo, i - lo + 1, text[i], "x") for i in range(pos, hi))
    return out


@lru_cache(maxsize=1024)
def tag_text(text: str) -> tuple[Token, ...]:
    """The jieba words of a whole short text, HMM on (the sides of a structural edit)."""
    return tuple(text_tokens(text, 0, len(text), 0, len(text)))


# ------------------------------------------------------------------ character classes
