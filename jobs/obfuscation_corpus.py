"""Generate a Chinese text-reuse evaluation corpus with character-level ground truth.

    python jobs/obfuscation_corpus.py --out DIR --seed 1 [--cases 100] \\
        [--source-corpus ../shared/corpora]

An evaluation tool, not part of the product: :func:`generate` and its helpers
are importable (``jobs/evaluate.py`` can call them), and the command line only
turns options into a :func:`generate` call and prints :func:`summarise`.

What it writes under ``DIR``:

* ``docs/src_0001.txt ...``: source documents, excerpts of real documents of
  ``../shared/corpora`` (``xwlb_news`` days of consecutive items,
  ``gov_reports``, ``cn_laws_regs``);
* ``docs/susp_0001.txt ...``: suspicious documents: a real host text with 1-3
  passages from 1-2 sources inserted at sentence boundaries, each passage
  obfuscated at one level, or a whole source republished as a news article;
* ``docs/distractor_0001.txt ...``: real texts with no reuse;
* ``truth.tsv``: one row per case: susp, susp_start, susp_end, src,
  src_start, src_end, level, band, chars (offsets are 0-based end-exclusive
  code points into the files' text exactly as written; the suspicious range
  covers the inserted passage including any noise inserted inside it; chars
  is the length of the source range, and band is
  :func:`jobs.evaluation.measures.length_band` of it);
* ``docs.tsv``: file, role, chars, formulaic (0/1), origin (corpus paths).

Levels (per case): ``verbatim``; ``layout`` (line and page breaks inside
words, ``\\f``, page-number lines, full/half-width swaps of punctuation and
digits, a photo caption or byline inserted mid-passage); ``light`` (2-5 of
100 characters replaced by other common characters, a place name added, one
clause dropped); ``heavy`` (10-20 of 100 characters replaced, two adjacent
sentences swapped, 1-2 clauses dropped); ``republication`` (a whole source
document rerun as a news article: headline, lede, byline, captions between
paragraphs, some paragraphs rejoined; the suspicious range runs from the
first to the last copied character, the source range is the whole text).

Formulaic lines ("尊敬的各位领导，同志们：", "谢谢大家！", ...) are added as whole
lines to at least 40% of the documents, cases or not. They are not cases: a
tool that reports them as reuse loses precision.

No unintended reuse. All real text goes through one :class:`TextPool` that
remembers every 12-character substring (NFKC, whitespace removed) it has
handed out; a paragraph sharing one with text already taken (by any document,
or earlier in the same document) is skipped, and a candidate document left
too short is rejected. Captions and bylines are checked the same way. So,
outside case passages and formulaic lines, no two documents share a 12-gram;
:func:`shared_ngrams` verifies it on the written corpus.

Everything is drawn from one ``random.Random(seed)``: the same seed and
source corpus give byte-identical files.
"""

from __future__ import annotations

import csv
import math
import random
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer

if __package__ in (None, ""):
    # Run as `python jobs/obfuscation_corpus.py`: make the repository importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jobs.evaluation.measures import Case, length_band  # noqa: E402

DEFAULT_CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"

NGRAM = 12
"""Two documents may share no substring of this many characters (outside cases)."""

LEVELS = ("verbatim", "layout", "light", "heavy", "republication")
BANDS = ("short", "medium", "long")
BAND_CHARS = {"short": (45, 149), "medium": (150, 600), "long": (601, 2000)}
"""Source passage length range (characters) of each band, matching length_band."""
REPUBLICATION_SHARE = 0.12
MAX_CASE_CHARS_PER_DOC = 4500
"""Upper bound on the sum of band maxima of the passages inserted into one document."""

OPENERS = ("尊敬的各位领导，同志们：", "现将有关情况汇报如下：")
CLOSERS = (
    "汇报完毕，不妥之处，请各位领导批评指正，谢谢大家！",
    "以上报告，请予审议。",
    "谢谢大家！",
)
FORMULAIC = frozenset(OPENERS + CLOSERS)
FORMULAIC_SHARE = 0.4

TERMINATORS = "。！？；"
_UNIT = re.compile(r"[^\n。！？；]*(?:[。！？；]+[”’」』）)】]*|\n|$)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TRADITIONAL = re.compile(r"[們國這個來會發經與爲對進說從當關實時]")
_NEWS_PREFIX = re.compile(r"^(?:央视网消息（新闻联播）：|（新闻联播）：)")

COMMON_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下"
    "过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两"
    "体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线"
    "内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并"
    "提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见"
)
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
CAPTION_PLACES = (
    "滨湖区",
    "梁溪区",
    "新吴区",
    "锡山区",
    "惠山区",
    "江阴市",
    "宜兴市",
    "太湖街道",
    "华庄街道",
    "万欣社区",
    "金城湾社区",
    "东亭街道",
    "鹅湖镇",
    "羊尖镇",
    "洛社镇",
    "玉祁街道",
    "硕放街道",
    "旺庄街道",
    "梅村街道",
    "鸿山街道",
    "蠡园开发区",
    "马山街道",
    "雪浪街道",
    "河埒街道",
)
CAPTION_EVENTS = (
    "举办党建成果展评会",
    "开展志愿服务",
    "举办招聘会",
    "召开推进会",
    "举行签约仪式",
    "开展消防演练",
    "举办丰收节",
    "开展义诊",
    "举办读书会",
    "开展文明实践活动",
    "举行团拜会",
    "召开观摩会",
    "开展防汛演练",
    "开展垃圾分类宣传",
    "举办文艺汇演",
    "开展安全检查",
    "举办技能大赛",
    "开展普法宣传",
    "举行开工仪式",
    "召开座谈会",
    "举办运动会",
    "开展走访慰问",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯晨欣雪琳晓峰"


# --- text utilities ---------------------------------------------------------------------


def ngrams(text: str, n: int = NGRAM) -> set[str]:
    """The ``n``-character substrings of ``text`` after NFKC and removing whitespace.

    >>> sorted(ngrams("谢谢 大家！", 4))
    ['谢大家!', '谢谢大家']
    """
    s = "".join(unicodedata.normalize("NFKC", text).split())
    return {s[i : i + n] for i in range(len(s) - n + 1)}


def sentence_units(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of sentences (ending in 。！？； and closing quotes) and of
    lines without a terminator (headings); leading whitespace excluded.

    >>> t = "一、总体要求\\n坚持稳中求进。数据增长3.5%，好！"
    >>> [t[s:e] for s, e in sentence_units(t)]
    ['一、总体要求', '坚持稳中求进。', '数据增长3.5%，好！']
    """
    spans = []
    for m in _UNIT.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def ends_sentence(unit: str) -> bool:
    """True when ``unit`` ends with a terminator (possibly followed by closing quotes)."""
    return bool(re.search(r"[。！？；][”’」』）)】]*$", unit))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


# --- the pool of real text ----------------------------------------------------------------


@dataclass
class Taken:
    """A text taken from the pool, with the corpus paths it came from."""

    text: str
    origin: str


@dataclass
class TextPool:
    """Real paragraphs from the shared corpora, each 12-gram handed out at most once.

    ``kinds``: ``news`` (one xwlb day, consecutive items), ``report``
    (gov_reports national, provincial and party-congress reports) and ``law``
    (cn_laws_regs). Candidates of each kind are visited in a seeded random
    order; a document is built paragraph by paragraph from a random starting
    paragraph of one candidate.
    """

    corpora_dir: Path
    rng: random.Random
    claimed: set[str] = field(default_factory=set)
    _queues: dict[str, Iterator[tuple[str, list[Path]]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        root = self.corpora_dir
        for sub in ("xwlb_news", "gov_reports", "cn_laws_regs"):
            if not (root / sub / "MANIFEST.tsv").is_file():
                raise FileNotFoundError(
                    f"{root / sub / 'MANIFEST.tsv'} missing; --source-corpus must be the shared "
                    "corpora folder (../shared/corpora)"
                )
        news = self._manifest("xwlb_news")
        days: dict[str, list[Path]] = defaultdict(list)
        for row in news:
            days[row["date"]].append(root / "xwlb_news" / row["file"])
        reports = [
            row
            for row in self._manifest("gov_reports")
            if row["script"] == "simplified" and row["level"] != "national-resolution"
        ]
        laws = [row for row in self._manifest("cn_laws_regs") if int(row["chars"]) >= 1500]
        self._queues = {
            "news": self._shuffled([(f"xwlb_news:{d}", sorted(days[d])) for d in sorted(days)]),
            "report": self._shuffled(
                [(f"gov_reports/{r['file']}", [root / "gov_reports" / r["file"]]) for r in reports]
            ),
            "law": self._shuffled(
                [(f"cn_laws_regs/{r['file']}", [root / "cn_laws_regs" / r["file"]]) for r in laws]
            ),
        }
        # Formulaic lines are added on purpose later: real text must not contain them.
        for line in FORMULAIC:
            self.claimed |= ngrams(line)

    def _manifest(self, sub: str) -> list[dict[str, str]]:
        with open(self.corpora_dir / sub / "MANIFEST.tsv", encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh, delimiter="\t"))

    def _shuffled(self, items: list[tuple[str, list[Path]]]) -> Iterator[tuple[str, list[Path]]]:
        self.rng.shuffle(items)
        return iter(items)

    @staticmethod
    def _paragraphs(kind: str, files: list[Path]) -> list[str]:
        out = []
        for path in files:
            for line in path.read_text(encoding="utf-8").splitlines():
                line = line.strip().lstrip("#").strip()
                if not line or line.startswith("<!--") or _TRADITIONAL.search(line):
                    continue
                if kind == "news":
                    line = _NEWS_PREFIX.sub("", line)
                out.append(line)
        return out

    def _next(self, kinds: list[str]) -> tuple[str, str, list[Path]] | None:
        """The next candidate of a random kind among those not exhausted."""
        while kinds:
            kind = self.rng.choice(kinds)
            item = next(self._queues[kind], None)
            if item is not None:
                return kind, *item
            kinds.remove(kind)
        return None

    def take(
        self, min_chars: int, max_chars: int, kinds: Iterable[str], max_tries: int = 200
    ) -> Taken:
        """A text of ``min_chars``-``max_chars`` characters (paragraphs joined by newlines)
        sharing no 12-gram with anything taken before; its 12-grams are then claimed.

        Paragraphs are read from a random starting paragraph on; one that
        shares a 12-gram (also across the join with the previous kept
        paragraph) with the claimed set or with the text built so far is
        skipped; a candidate that ends up shorter than ``min_chars`` is rejected.
        """
        kinds = list(kinds)
        for _ in range(max_tries):
            candidate = self._next(kinds)
            if candidate is None:
                break
            kind, origin, files = candidate
            paragraphs = self._paragraphs(kind, files)
            if not paragraphs:
                continue
            target = self.rng.randint(min_chars, max_chars)
            # Start anywhere that leaves enough text to reach the target.
            remaining, starts = 0, []
            for i in range(len(paragraphs) - 1, -1, -1):
                remaining += len(paragraphs[i]) + 1
                if remaining >= 1.5 * target:
                    starts.append(i)
            start = self.rng.choice(starts) if starts else 0
            kept: list[str] = []
            grams: set[str] = set()
            size = 0
            tail = ""
            for para in paragraphs[start:]:
                if size >= target:
                    break
                if size + len(para) + 1 > max_chars:
                    continue
                new = ngrams(tail + para)
                if new & self.claimed or new & grams:
                    continue
                kept.append(para)
                grams |= new
                size += len(para) + (1 if len(kept) > 1 else 0)
                # the last 11 characters of the text so far, possibly over short paragraphs
                tail = (tail + "".join(unicodedata.normalize("NFKC", para).split()))[1 - NGRAM :]
            if size >= min_chars:
                self.claimed |= grams
                return Taken("\n".join(kept), origin)
        raise RuntimeError(
            f"no text of {min_chars}-{max_chars} characters found; "
            "the source corpus is too small for this many cases"
        )

    def headline(self, max_tries: int = 200) -> tuple[str, str, str]:
        """``(headline, lede, origin)``: the title and first sentence of an unused news item."""
        for _ in range(max_tries):
            candidate = self._next(["news"])
            if candidate is None:
                break
            _, origin, files = candidate
            for path in files:
                lines = self._paragraphs("news", [path])
                if len(lines) < 2 or not 8 <= len(lines[0]) <= 40 or "联播" in lines[0]:
                    continue
                units = sentence_units(lines[1])
                if not units or not ends_sentence(lines[1][units[0][0] : units[0][1]]):
                    continue
                lede = lines[1][units[0][0] : units[0][1]]
                grams = ngrams(lines[0] + "\n" + lede)
                if not grams & self.claimed and 20 <= len(lede) <= 200:
                    self.claimed |= grams
                    return lines[0], lede, f"{origin} ({path.name})"
        raise RuntimeError("no unused news item left for a headline")

    def claim(self, text: str) -> bool:
        """Claim the 12-grams of invented text (a caption); False if any is taken."""
        grams = ngrams(text)
        if grams & self.claimed:
            return False
        self.claimed |= grams
        return True


@dataclass
class SyntheticPool(TextPool):
    """Made-up text in the shape of the real pool's, for machines without the shared corpora.

    Each "file" is a few paragraphs of sentences of 6-30 characters drawn
    uniformly from :data:`COMMON_CHARS` (250 characters), with commas inside
    and ``。`` at the end; news files open with a headline line. Two random
    sentences share a 12-gram with probability about 0 (250^-12 per place), so
    the no-unintended-reuse guarantee holds as with real text. Made-up text
    is easier than real text (no stock phrases, no natural near-duplicates):
    scores on it are a regression floor for CI, not a quality figure.
    """

    files_per_kind: int = 400

    def __post_init__(self) -> None:
        self._queues = {
            kind: self._shuffled(
                [
                    (f"synthetic:{kind}:{i}", [Path(f"{kind}-{i}")])
                    for i in range(self.files_per_kind)
                ]
            )
            for kind in ("news", "report", "law")
        }
        for line in FORMULAIC:
            self.claimed |= ngrams(line)

    def _paragraphs(self, kind: str, files: list[Path]) -> list[str]:  # type: ignore[override]
        rng = random.Random(f"{kind}/{files[0]}")  # a str seed is hashed deterministically

        def sentence() -> str:
            words = [
                "".join(rng.choices(COMMON_CHARS, k=rng.randint(3, 10)))
                for _ in range(rng.randint(2, 3))
            ]
            return "，".join(words) + "。"

        out = ["".join(rng.choices(COMMON_CHARS, k=rng.randint(10, 20)))] if kind == "news" else []
        for _ in range(rng.randint(40, 60)):
            out.append("".join(sentence() for _ in range(rng.randint(2, 6))))
        return out


# --- obfuscation ------------------------------------------------------------------------


def caption(rng: random.Random, pool: TextPool, tries: int = 100) -> str:
    """A photo caption unique at 12-gram level (claimed in ``pool``), else a byline.

    E.g. "（图为滨湖区举办招聘会现场。记者 王伟 摄）".
    """
    for _ in range(tries):
        place, event = rng.choice(CAPTION_PLACES), rng.choice(CAPTION_EVENTS)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        text = rng.choice(
            (
                f"（图为{place}{event}现场。记者 {_person(rng)} 摄）",
                f"（{month}月{day}日，{place}{event}。记者 {_person(rng)} 摄）",
                f"图为{month}月{day}日，{place}{event}。{_person(rng)} 摄",
                f"（{place}{event}。通讯员 {_person(rng)} 供图）",
            )
        )
        if pool.claim(text):
            return text
    return f"（记者 {_person(rng)}）"  # shorter than a 12-gram: always safe


def byline(rng: random.Random, pool: TextPool) -> str:
    """A reporter's byline, e.g. "（记者 王伟）" (too short to share a 12-gram) or a
    longer one claimed in ``pool``."""
    text = f"本报记者 {_person(rng)} 通讯员 {_person(rng)}"
    if rng.random() < 0.5 or not pool.claim(text):
        text = f"（记者 {_person(rng)}）"
    return text


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
    suffix = f"\n（责任编辑：{_person(rng)}）" if rng.random() < 0.5 else ""
    return prefix + body + suffix, len(prefix), len(prefix) + len(body), origin


# --- planning ---------------------------------------------------------------------------


@dataclass
class _Spec:
    level: str
    band: str
    src_span: tuple[int, int] = (0, 0)
    src_index: int = 0  # which of the group's sources


def plan(n_cases: int, rng: random.Random) -> list[list[_Spec]]:
    """Cases grouped by suspicious document: republication alone, others 1-3 per document."""
    if n_cases < len(LEVELS):
        raise ValueError(f"--cases must be at least {len(LEVELS)} (one per level), got {n_cases}")
    n_rep = max(1, round(n_cases * REPUBLICATION_SHARE))
    others = [_Spec(LEVELS[i % 4], BANDS[(i // 4) % 3]) for i in range(n_cases - n_rep)]
    rng.shuffle(others)
    groups: list[list[_Spec]] = [[_Spec("republication", BANDS[1 + i % 2])] for i in range(n_rep)]
    i = 0
    while i < len(others):
        k = rng.choice((1, 2, 2, 3, 3))
        group = [others[i]]
        i += 1
        while (
            len(group) < k
            and i < len(others)
            and sum(BAND_CHARS[s.band][1] for s in [*group, others[i]]) <= MAX_CASE_CHARS_PER_DOC
        ):
            group.append(others[i])
            i += 1
        if len(group) >= 2 and rng.random() < 0.5:
            for j, spec in enumerate(group):
                spec.src_index = j % 2 if j < 2 else rng.randrange(2)
        groups.append(group)
    rng.shuffle(groups)
    return groups


def pick_passages(
    body: str, bands: list[str], rng: random.Random, tries: int = 300
) -> list[tuple[int, int]] | None:
    """Disjoint runs of whole sentences of ``body``, one per band, ending with a terminator."""
    units = sentence_units(body)
    used: list[tuple[int, int]] = []  # unit index ranges, inclusive, with a one-unit margin
    spans: list[tuple[int, int]] = []
    for band in bands:
        lo, hi = BAND_CHARS[band]
        for _ in range(tries):
            target = rng.randint(lo, hi)
            i = rng.randrange(len(units))
            j = i
            while body_len(units, i, j) < target and j + 1 < len(units):
                j += 1
            while j > i and body_len(units, i, j) > hi:
                j -= 1
            length = body_len(units, i, j)
            if not (lo <= length <= hi) or not ends_sentence(body[units[j][0] : units[j][1]]):
                continue
            if any(i <= b + 1 and a - 1 <= j for a, b in used):
                continue
            used.append((i, j))
            spans.append((units[i][0], units[j][1]))
            break
        else:
            return None
    return spans


def body_len(units: list[tuple[int, int]], i: int, j: int) -> int:
    return units[j][1] - units[i][0]


def _formulaic(rng: random.Random) -> tuple[str, str]:
    """Prefix and suffix lines of formulaic text for a document."""
    mode = rng.choice(("opener", "closer", "both"))
    prefix = suffix = ""
    if mode in ("opener", "both"):
        prefix = rng.choice((OPENERS[0], OPENERS[1], f"{OPENERS[0]}\n{OPENERS[1]}")) + "\n"
    if mode in ("closer", "both"):
        suffix = "\n" + rng.choice(CLOSERS)
    return prefix, suffix


def _insert(host: str, passages: list[str], rng: random.Random) -> list[tuple[str, int | None]]:
    """Pieces ``(text, passage index or None)`` of the host with the passages inserted at
    distinct sentence ends in random order, as a paragraph of their own or run on after
    the sentence (never run on after a heading)."""
    is_sentence = {e: ends_sentence(host[s:e]) for s, e in sentence_units(host)}
    points = sorted(rng.sample(sorted(is_sentence), len(passages)))
    order = list(range(len(passages)))
    rng.shuffle(order)
    pieces: list[tuple[str, int | None]] = []
    last = 0
    for point, k in zip(points, order, strict=True):
        pieces.append((host[last:point], None))
        at_line_end = point == len(host) or host[point] == "\n"
        own_paragraph = rng.random() < (0.6 if at_line_end else 0.4)
        if own_paragraph or not is_sentence[point]:
            pieces += [("\n", None), (passages[k], k)]
            if not at_line_end:
                pieces.append(("\n", None))
        else:
            pieces.append((passages[k], k))
        last = point
    pieces.append((host[last:], None))
    return pieces


# --- generation -------------------------------------------------------------------------


@dataclass
class _Doc:
    name: str
    role: str
    text: str = ""
    origin: str = ""
    formulaic: bool = False


def generate(
    out_dir: str | Path,
    seed: int = 1,
    n_cases: int = 100,
    corpora_dir: str | Path = DEFAULT_CORPORA,
    synthetic: bool = False,
) -> list[Case]:
    """Write the corpus to ``out_dir`` (docs/, truth.tsv, docs.tsv) and return its cases.

    ``out_dir/docs`` must not exist or be empty. Raises FileNotFoundError when
    ``corpora_dir`` lacks a corpus, ValueError for fewer cases than levels,
    RuntimeError when the corpora run out of unshared text. ``synthetic``
    draws made-up text (:class:`SyntheticPool`) instead of ``corpora_dir``.
    """
    out = Path(out_dir)
    if (out / "docs").exists() and any((out / "docs").iterdir()):
        raise FileExistsError(f"{out / 'docs'} is not empty; choose a new --out directory")
    rng = random.Random(seed)
    groups = plan(n_cases, rng)
    pool = SyntheticPool(Path(), rng) if synthetic else TextPool(Path(corpora_dir), rng)
    n_distractors = max(3, n_cases // 20)
    first_src, with_formulaic = _formulaic_plan(groups, n_distractors, rng)

    docs: list[_Doc] = []
    cases: list[Case] = []
    for gi, group in enumerate(groups):
        susp_name = f"susp_{gi + 1:04d}.txt"
        if group[0].level == "republication":
            new_docs, new_cases = _republication(
                susp_name, f"src_{first_src[gi] + 1:04d}.txt", group[0], pool, rng
            )
        else:
            src_names = [
                f"src_{first_src[gi] + si + 1:04d}.txt"
                for si in range(1 + max(s.src_index for s in group))
            ]
            new_docs, new_cases = _reuse_group(
                susp_name, src_names, group, with_formulaic, pool, rng
            )
        docs += new_docs
        cases += new_cases
    for di in range(n_distractors):
        taken = pool.take(1000, 4000, ["news", "report", "law"])
        doc = _Doc(
            f"distractor_{di + 1:04d}.txt",
            "distractor",
            origin=taken.origin,
            formulaic=f"distractor_{di + 1:04d}.txt" in with_formulaic,
        )
        prefix, suffix = _formulaic(rng) if doc.formulaic else ("", "")
        doc.text = prefix + taken.text + suffix + "\n"
        docs.append(doc)

    clash = shared_ngrams({d.name: d.text for d in docs}, cases)
    if clash:  # cannot happen unless the pool logic is broken
        raise RuntimeError(f"documents share text outside cases: {clash[:3]}")
    cases.sort(key=lambda c: (c.susp, c.susp_start))
    _write(out, docs, cases)
    return cases


def _formulaic_plan(
    groups: list[list[_Spec]], n_distractors: int, rng: random.Random
) -> tuple[list[int], set[str]]:
    """The first source number of each group, and the documents that get formulaic lines.

    Decided up front so that the share is exact (FORMULAIC_SHARE of all
    documents). Republications and their sources never get any: there the
    whole source document is the case.
    """
    first_src = [0]
    eligible = []
    for gi, group in enumerate(groups):
        n_src = 1 + max(s.src_index for s in group)
        if group[0].level != "republication":
            eligible.append(f"susp_{gi + 1:04d}.txt")
            eligible += [f"src_{first_src[-1] + si + 1:04d}.txt" for si in range(n_src)]
        first_src.append(first_src[-1] + n_src)
    eligible += [f"distractor_{i + 1:04d}.txt" for i in range(n_distractors)]
    n_docs = len(groups) + first_src[-1] + n_distractors
    chosen = rng.sample(eligible, min(len(eligible), math.ceil(FORMULAIC_SHARE * n_docs)))
    return first_src, set(chosen)


def _republication(
    susp_name: str, src_name: str, spec: _Spec, pool: TextPool, rng: random.Random
) -> tuple[list[_Doc], list[Case]]:
    """A whole real text (news or report excerpt) and its republication as a news article."""
    lo, hi = (400, 600) if spec.band == "medium" else (601, 2400)
    taken = pool.take(lo, hi, ["news", "report"])
    src = _Doc(src_name, "src", taken.text + "\n", taken.origin)
    text, start, end, origin = republish(taken.text, rng, pool)
    susp = _Doc(susp_name, "susp", text + "\n", origin)
    case = Case(
        susp_name,
        start,
        end,
        src_name,
        0,
        len(taken.text),
        "republication",
        length_band(len(taken.text)),
    )
    return [susp, src], [case]


def _reuse_group(
    susp_name: str,
    src_names: list[str],
    group: list[_Spec],
    with_formulaic: set[str],
    pool: TextPool,
    rng: random.Random,
) -> tuple[list[_Doc], list[Case]]:
    """One suspicious document with 1-3 obfuscated passages from its 1-2 sources."""
    passages = [""] * len(group)
    src_docs = []
    for si, src_name in enumerate(src_names):
        specs = [k for k, s in enumerate(group) if s.src_index == si]
        lo = max(1000, sum(BAND_CHARS[group[k].band][1] for k in specs) + 300)
        for _ in range(20):
            taken = pool.take(lo, min(6000, lo + 3000), ["news", "report", "law"])
            spans = pick_passages(taken.text, [group[k].band for k in specs], rng)
            if spans is not None:
                break
        else:
            raise RuntimeError("no source text fits the planned passages")
        src = _Doc(src_name, "src", origin=taken.origin, formulaic=src_name in with_formulaic)
        prefix, suffix = _formulaic(rng) if src.formulaic else ("", "")
        src.text = prefix + taken.text + suffix + "\n"
        for k, (s, e) in zip(specs, spans, strict=True):
            group[k].src_span = (len(prefix) + s, len(prefix) + e)
            passages[k] = obfuscate(taken.text[s:e], group[k].level, rng, pool)
        src_docs.append(src)

    # The suspicious document: a real host text with the passages inserted.
    copied = sum(len(p) for p in passages)
    host_lo = max(600, 1200 - copied)
    host_hi = max(host_lo + 400, min(4000, 6000 - copied))
    host = pool.take(host_lo, host_hi, ["news", "report", "law"])
    while len(sentence_units(host.text)) < len(group):
        host = pool.take(host_lo, host_hi, ["news", "report", "law"])
    susp = _Doc(susp_name, "susp", origin=host.origin, formulaic=susp_name in with_formulaic)
    prefix, suffix = _formulaic(rng) if susp.formulaic else ("", "")
    pieces = [(prefix, None), *_insert(host.text, passages, rng), (suffix + "\n", None)]
    cases = []
    pos = 0
    for text, k in pieces:
        if k is not None:
            s, e = group[k].src_span
            cases.append(
                Case(
                    susp_name,
                    pos,
                    pos + len(text),
                    src_names[group[k].src_index],
                    s,
                    e,
                    group[k].level,
                    length_band(e - s),
                )
            )
        pos += len(text)
    susp.text = "".join(t for t, _ in pieces)
    return [susp, *src_docs], cases


def _write(out: Path, docs: list[_Doc], cases: list[Case]) -> None:
    docs_dir = out / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    for d in sorted(docs, key=lambda d: d.name):
        with open(docs_dir / d.name, "w", encoding="utf-8", newline="") as fh:
            fh.write(d.text)
    with open(out / "truth.tsv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(
            [
                "susp",
                "susp_start",
                "susp_end",
                "src",
                "src_start",
                "src_end",
                "level",
                "band",
                "chars",
            ]
        )
        for c in cases:
            w.writerow(
                [
                    c.susp,
                    c.susp_start,
                    c.susp_end,
                    c.src,
                    c.src_start,
                    c.src_end,
                    c.level,
                    c.band,
                    c.src_end - c.src_start,
                ]
            )
    with open(out / "docs.tsv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["file", "role", "chars", "formulaic", "origin"])
        for d in sorted(docs, key=lambda d: d.name):
            w.writerow([d.name, d.role, len(d.text), int(d.formulaic), d.origin])


# --- checks and summary -----------------------------------------------------------------


def free_segments(text: str, excluded: Iterable[tuple[int, int]]) -> list[str]:
    """``text`` cut at the excluded ranges and at formulaic lines; the pieces in between."""
    cuts = sorted(excluded)
    pos = 0
    for line in text.splitlines(keepends=True):
        if line.strip() in FORMULAIC:
            cuts.append((pos, pos + len(line)))
        pos += len(line)
    segments, last = [], 0
    for s, e in sorted(cuts):
        if s > last:
            segments.append(text[last:s])
        last = max(last, e)
    segments.append(text[last:])
    return segments


def shared_ngrams(
    texts: dict[str, str], cases: Iterable[Case], n: int = NGRAM
) -> list[tuple[str, str, str]]:
    """``(ngram, doc, other doc)`` for 12-grams found in two documents outside formulaic
    lines and outside the suspicious ranges of cases (source ranges are kept)."""
    excluded: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for c in cases:
        excluded[c.susp].append((c.susp_start, c.susp_end))
    owner: dict[str, str] = {}
    clashes = []
    for name in sorted(texts):
        grams: set[str] = set()
        for seg in free_segments(texts[name], excluded[name]):
            grams |= ngrams(seg, n)
        for g in grams:
            if owner.setdefault(g, name) != name:
                clashes.append((g, owner[g], name))
    return clashes


def summarise(out_dir: str | Path, cases: list[Case]) -> str:
    """Documents by role, cases per level and band, characters."""
    with open(Path(out_dir) / "docs.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    roles = Counter(r["role"] for r in rows)
    n_chars = sum(int(r["chars"]) for r in rows)
    n_formulaic = sum(int(r["formulaic"]) for r in rows)
    lines = [
        f"documents: {len(rows)} ({', '.join(f'{k} {v}' for k, v in sorted(roles.items()))}), "
        f"{n_chars:,} characters; formulaic lines in {n_formulaic} "
        f"({n_formulaic / max(1, len(rows)):.0%})",
        f"cases: {len(cases)}, {sum(c.src_end - c.src_start for c in cases):,} source characters "
        f"copied",
        f"{'level':<14}" + "".join(f"{b:>8}" for b in BANDS) + f"{'total':>8}",
    ]
    by = Counter((c.level, c.band) for c in cases)
    for level in LEVELS:
        counts = [by[level, b] for b in BANDS]
        lines.append(f"{level:<14}" + "".join(f"{n:>8}" for n in counts) + f"{sum(counts):>8}")
    totals = [sum(by[lv, b] for lv in LEVELS) for b in BANDS]
    lines.append(f"{'total':<14}" + "".join(f"{n:>8}" for n in totals) + f"{sum(totals):>8}")
    return "\n".join(lines)


def main(
    out: Annotated[Path, typer.Option(help="Output folder; its docs/ must be new or empty.")],
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same corpus.")] = 1,
    cases: Annotated[int, typer.Option(help="Number of reuse cases (at least 5).")] = 100,
    source_corpus: Annotated[
        Path, typer.Option(help="The shared corpora folder (xwlb_news, gov_reports, ...).")
    ] = DEFAULT_CORPORA,
    synthetic: Annotated[
        bool, typer.Option(help="Made-up text instead of the shared corpora (for tests).")
    ] = False,
) -> None:
    """Generate a Chinese text-reuse evaluation corpus with ground truth."""
    started = time.perf_counter()
    try:
        rows = generate(out, seed, cases, source_corpus, synthetic)
    except (FileNotFoundError, FileExistsError, ValueError, RuntimeError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(summarise(out, rows))
    typer.echo(f"written to {out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    typer.run(main)
