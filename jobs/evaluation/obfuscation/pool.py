"""The real text of the generated corpus: paragraphs of the shared corpora, each
12-gram handed out at most once (:class:`TextPool`), or made-up text in the
same shape (:class:`SyntheticPool`).

Every document, caption and byline of the corpus takes its text through one
pool, which remembers every 12-gram (:func:`~jobs.evaluation.obfuscation.text.ngrams`)
it has handed out: a paragraph sharing one with text already taken (by any
document, or earlier in the same document) is skipped, and a candidate
document left too short is rejected.
"""

from __future__ import annotations

import csv
import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from jobs.evaluation.obfuscation.text import (
    FORMULAIC,
    NGRAM,
    ends_sentence,
    ngrams,
    sentence_units,
)

# Lines with traditional characters, and the news programme's item prefix, are left out.
_TRADITIONAL = re.compile(r"[們國這個來會發經與爲對進說從當關實時]")
_NEWS_PREFIX = re.compile(r"^(?:央视网消息（新闻联播）：|（新闻联播）：)")

COMMON_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下"
    "过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两"
    "体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线"
    "内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并"
    "提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见"
)
"""250 common characters: made-up text and replaced characters are drawn from them."""


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
