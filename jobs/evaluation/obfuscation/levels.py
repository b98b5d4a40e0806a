"""The obfuscation levels: how a source passage appears in the suspicious document.

* ``verbatim``: unchanged;
* ``layout``: line and page breaks inside words, ``\\f``, page-number lines,
  full/half-width swaps of punctuation and digits, a photo caption or byline
  inserted mid-passage;
* ``light``: 2-5 of 100 characters replaced by other common characters, a
  place name added, one clause dropped;
* ``heavy``: 10-20 of 100 characters replaced, two adjacent sentences
  swapped, 1-2 clauses dropped;
* ``republication``: a whole source document rerun as a news article
  (:func:`republish`): headline, lede, byline, captions between paragraphs,
  some paragraphs rejoined.
"""

from __future__ import annotations

import random
import re

from jobs.evaluation.obfuscation.captions import byline, caption, person
from jobs.evaluation.obfuscation.pool import COMMON_CHARS, TextPool
from jobs.evaluation.obfuscation.text import sentence_units

LEVELS = ("verbatim", "layout", "light", "heavy", "republication")
"""The obfuscation levels, from none to a whole republished document."""
_CJK = re.compile(r"[\u4e00-\u9fff]")

PLACES = (
    "江苏",
    "浙江",
    "无锡",
    "苏州",
    "南京",
    "杭州",
    "山东",
    "广东",
    "四川",
    "湖北",
    "河南",
    "福建",
    "安徽",
    "江西",
    "湖南",
    "滨湖区",
    "梁溪区",
    "新吴区",
    "锡山区",
    "惠山区",
    "江阴",
)
"""Place names that the light level adds at the start of a clause."""


def replace_chars(text: str, per_100: tuple[float, float], rng: random.Random) -> str:
    """Replace ``per_100`` (a range) of every 100 characters by other common CJK characters.

    Only CJK ideographs are replaced; the count is taken on the passage length.
    """
    positions = [m.start() for m in _CJK.finditer(text)]
    if not positions:
        return text
    rate = rng.uniform(*per_100)
    n = min(len(positions), max(1, round(len(text) * rate / 100)))
    chars = list(text)
    for i in rng.sample(positions, n):
        new = rng.choice(COMMON_CHARS)
        while new == chars[i]:
            new = rng.choice(COMMON_CHARS)
        chars[i] = new
    return "".join(chars)


def drop_clause(text: str, rng: random.Random, max_share: float = 0.25) -> str:
    """Drop one non-final clause (split on ，) of a sentence that has two or more.

    Only clauses of at most ``max_share`` of the passage are dropped, so that
    a short passage keeps most of its text; if there is none, nothing is dropped.

    >>> drop_clause("甲乙丙，丁戊己，庚辛壬癸子丑。寅卯辰巳午未申酉。", random.Random(0))
    '甲乙丙，庚辛壬癸子丑。寅卯辰巳午未申酉。'
    """
    candidates = []
    for s, e in sentence_units(text):
        clauses = re.findall(r"[^，]*，|[^，]+$", text[s:e])
        pos = s
        for clause in clauses[:-1]:
            if len(clause) <= max_share * len(text):
                candidates.append((pos, pos + len(clause)))
            pos += len(clause)
    if not candidates:
        return text
    s, e = rng.choice(candidates)
    return text[:s] + text[e:]


def add_place(text: str, rng: random.Random) -> str:
    """Insert a place name (e.g. 江苏) at the start of a random clause."""
    starts = [0] + [m.end() for m in re.finditer(r"[，。；：]", text[:-1])]
    starts = [i for i in starts if i < len(text) and _CJK.match(text, i)]
    if not starts:
        return text
    i = rng.choice(starts)
    return text[:i] + rng.choice(PLACES) + text[i:]


def swap_sentences(text: str, rng: random.Random) -> str:
    """Swap two adjacent sentences, keeping the whitespace between them in place."""
    units = sentence_units(text)
    if len(units) < 2:
        return text
    i = rng.randrange(len(units) - 1)
    (s1, e1), (s2, e2) = units[i], units[i + 1]
    return text[:s1] + text[s2:e2] + text[e1:s2] + text[s1:e1] + text[e2:]


_TO_HALF = {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?"}
_TO_HALF.update({chr(0xFF10 + d): str(d) for d in range(10)})
_TO_FULL = {v: k for k, v in _TO_HALF.items()}
_SWAP_DIGIT = {
    **{k: v for k, v in _TO_HALF.items() if v.isdigit()},
    **{k: v for k, v in _TO_FULL.items() if k.isdigit()},
}


def swap_widths(text: str, rng: random.Random, p: float = 0.6) -> str:
    """Swap full- and half-width punctuation and digits (，<->, and ０-９<->0-9).

    Each punctuation mark flips with probability ``p``; digits flip a whole run at a time.
    """
    out = []
    flip_run = False
    for i, ch in enumerate(text):
        if ch.isdigit():
            if i == 0 or not text[i - 1].isdigit():
                flip_run = rng.random() < p
            out.append(_SWAP_DIGIT.get(ch, ch) if flip_run else ch)
        elif ch in _TO_HALF and rng.random() < p:
            out.append(_TO_HALF[ch])
        elif ch in _TO_FULL and not ch.isdigit() and rng.random() < p:
            out.append(_TO_FULL[ch])
        else:
            out.append(ch)
    return "".join(out)


def insert_breaks(text: str, rng: random.Random) -> str:
    """Insert line breaks, blank lines, page-number lines and form feeds inside words."""
    slots = [i for i in range(1, len(text)) if not text[i - 1].isspace() and not text[i].isspace()]
    n = min(len(slots), 1 + len(text) // 300, 6)
    page = rng.randint(2, 60)
    pieces, last = [], 0
    for i in sorted(rng.sample(slots, n)):
        brk = rng.choice(("\n", "\n\n", f"\n- {page} -\n", "\f", f"\n{page}\n\f"))
        page += 1
        pieces += [text[last:i], brk]
        last = i
    return "".join(pieces) + text[last:]


def obfuscate(passage: str, level: str, rng: random.Random, pool: TextPool) -> str:
    """The passage as it appears in the suspicious document at ``level`` (not republication)."""
    if level == "verbatim":
        return passage
    if level == "layout":
        text = insert_breaks(swap_widths(passage, rng), rng)
        if len(passage) >= 150 or rng.random() < 0.5:
            noise = caption(rng, pool) if rng.random() < 0.7 else byline(rng, pool)
            i = rng.randrange(1, len(text))
            text = text[:i] + "\n" + noise + "\n" + text[i:]
        return text
    if level == "light":
        return replace_chars(add_place(drop_clause(passage, rng), rng), (2, 5), rng)
    if level == "heavy":
        text = swap_sentences(passage, rng)
        for _ in range(rng.randint(1, 2)):
            text = drop_clause(text, rng)
        return replace_chars(text, (10, 20), rng)
    raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")


def republish(source: str, rng: random.Random, pool: TextPool) -> tuple[str, int, int, str]:
    """A news article that reruns ``source`` whole.

    Headline and lede come from an unrelated news item of the pool, then a
    byline; the source paragraphs follow, some rejoined, with captions between
    paragraphs; sometimes an editor line closes it. Returns the text, the
    start and end of the copied part (first to last copied character) and
    the origin of the headline.
    """
    headline, lede, origin = pool.headline()
    paragraphs = source.split("\n")
    n_captions = min(len(paragraphs) - 1, rng.randint(1, 3))
    caption_after = set(rng.sample(range(len(paragraphs) - 1), n_captions))
    body = paragraphs[0]
    for i, para in enumerate(paragraphs[1:]):
        if i in caption_after:
            body += "\n" + caption(rng, pool) + "\n" + para
        elif rng.random() < 0.35:
            body += para  # paragraphs rejoined
        else:
            body += "\n" + para
    prefix = f"{headline}\n{lede}{byline(rng, pool)}\n\n"
    suffix = f"\n（责任编辑：{person(rng)}）" if rng.random() < 0.5 else ""
    return prefix + body + suffix, len(prefix), len(prefix) + len(body), origin
