"""The configuration sections of detection: what stored results depend on.

Passages (``segment``), shingles (``shingle``), MinHash (``sketch``), LSH
(``candidates``), exact seeds (``seeds``), alignment (``align``), stock text
(``templates``) and formulaic lines (``boilerplate``): changing any of them
changes the matches a scan finds, so they make up
:meth:`reuse.config.Config.detection_fingerprint`. Units are stated per field:
"characters" always means code points of the *normalised* text unless said
otherwise.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass

from reuse.config.checks import check

__all__ = [
    "DEFAULT_LIST_PATH",
    "AlignConfig",
    "BoilerplateConfig",
    "CandidatesConfig",
    "SeedsConfig",
    "SegmentConfig",
    "ShingleConfig",
    "SketchConfig",
    "TemplatesConfig",
]

#: The boilerplate list shipped with the package (data/boilerplate.list in the
#: repository; package data in a wheel).
DEFAULT_LIST_PATH = str(importlib.resources.files("reuse").joinpath("boilerplate.list"))


@dataclass(frozen=True)
class SegmentConfig:
    """How normalised text is cut into sentences and passages.

    Attributes:
        min_passage_chars: a passage is a run of whole sentences that starts at
            each sentence and grows until it has at least this many characters.
        max_sentence_chars: sentences longer than this (laws without a full
            stop, tables) are cut at the last comma before the limit, or hard.
    """

    min_passage_chars: int = 60
    max_sentence_chars: int = 200

    def __post_init__(self) -> None:
        check(self.min_passage_chars >= 8, "segment.min_passage_chars must be >= 8")
        check(
            self.max_sentence_chars >= self.min_passage_chars,
            "segment.max_sentence_chars must be >= segment.min_passage_chars",
        )


@dataclass(frozen=True)
class ShingleConfig:
    """What a shingle is.

    Attributes:
        kind: ``"unit"`` (default) for n-grams of script-aware units: single
            characters of unspaced scripts (Chinese), whole words of spaced
            scripts (English), no dictionary; ``"char"`` for plain character
            n-grams; ``"word"`` for n-grams of jieba tokens (slow).
        n: units (characters, words) per shingle.
    """

    kind: str = "unit"
    n: int = 3

    def __post_init__(self) -> None:
        check(
            self.kind in ("char", "unit", "word"), "shingle.kind must be 'char', 'unit' or 'word'"
        )
        check(1 <= self.n <= 16, "shingle.n must be between 1 and 16")


@dataclass(frozen=True)
class SketchConfig:
    """MinHash parameters (datasketch's ``affine32`` scheme).

    Attributes:
        num_perm: permutations per signature; the standard error of a Jaccard
            estimate is about sqrt(J(1-J)/num_perm).
        seed: seed of the permutations, fixed so results are reproducible.
    """

    num_perm: int = 128
    seed: int = 1

    def __post_init__(self) -> None:
        check(8 <= self.num_perm <= 1024, "sketch.num_perm must be between 8 and 1024")


@dataclass(frozen=True)
class CandidatesConfig:
    """Locality-sensitive hashing of passage signatures.

    With ``b`` bands of ``r`` rows a pair of passages of Jaccard similarity
    ``s`` becomes a candidate with probability ``P(s) = 1 - (1 - s**r)**b``
    (the S-curve). ``b`` and ``r`` (``b * r <= num_perm``) are chosen once:

    - with ``recall > 0`` (default): among the ``(b, r)`` with
      ``P(threshold) >= recall``, the one with the least false-positive
      probability ``integral_0^threshold P(s) ds``; so every pair at or above
      the threshold is a candidate with probability at least ``recall``;
    - with ``recall = 0``: datasketch's own choice, minimising
      ``fp_weight * FP + fn_weight * FN`` (``MinHashLSH(threshold, weights)``).

    Attributes:
        threshold: Jaccard similarity that must be found.
        recall: least probability of a pair at the threshold becoming a candidate.
        false_positive_weight / false_negative_weight: datasketch's weights,
            used when ``recall = 0``.
        max_bucket: buckets holding more than this many passages are skipped
            (formulaic text shared corpus-wide); 0 means no limit.
    """

    threshold: float = 0.5
    recall: float = 0.98
    false_positive_weight: float = 0.5
    false_negative_weight: float = 0.5
    max_bucket: int = 0

    def __post_init__(self) -> None:
        check(0.0 < self.threshold < 1.0, "candidates.threshold must be in (0, 1)")
        check(0.0 <= self.recall < 1.0, "candidates.recall must be in [0, 1)")
        weights = (self.false_positive_weight, self.false_negative_weight)
        check(
            all(0.0 <= w <= 1.0 for w in weights) and abs(sum(weights) - 1.0) < 1e-9,
            "candidates.false_positive_weight and false_negative_weight must be in [0, 1] "
            "and add up to 1",
        )
        check(self.max_bucket >= 0, "candidates.max_bucket must be >= 0")

    def bands(self, num_perm: int) -> tuple[int, int]:
        """``(b, r)`` for ``num_perm`` permutations, chosen as the class docstring says.

        >>> CandidatesConfig(threshold=0.5, recall=0.98).bands(128)
        (30, 3)
        """
        from datasketch.lsh import _false_positive_probability, _optimal_param

        if self.recall == 0.0:
            b, r = _optimal_param(
                self.threshold, num_perm, self.false_positive_weight, self.false_negative_weight
            )
            return int(b), int(r)
        best: tuple[float, float, int, int] | None = None
        for r in range(1, num_perm + 1):
            for b in range(1, num_perm // r + 1):
                p = 1.0 - (1.0 - self.threshold**r) ** b
                fp = _false_positive_probability(self.threshold, b, r)
                # Feasible choices first (least FP); else the highest P(threshold).
                key = (0.0, fp) if p >= self.recall else (1.0, -p)
                if best is None or key < best[:2]:
                    best = (key[0], key[1], b, r)
        assert best is not None
        return best[2], best[3]


@dataclass(frozen=True)
class AlignConfig:
    """Verification, merging and exact alignment of candidate passages.

    Attributes:
        verify_similarity: a candidate passage pair is kept when its
            normalised Indel similarity (rapidfuzz ``ratio``/100) is at least this.
        max_gap: neighbouring verified passages are merged into one segment
            when the text between them is at most this many characters on
            either side; a stretch of at most this many unmatched characters
            (a caption, a byline, a page number) inside a segment is tolerated.
        anchor_chars: an identical run of at least this many characters
            anchors a segment's boundary; shorter runs at the edges are trimmed.
        min_match_chars: segments shorter than this in either document are
            dropped, counted in units (:func:`reuse.text.shingle.units`): a Chinese
            character, or a whole word of a spaced script such as English.
        min_similarity: segments whose Levenshtein similarity
            ``1 - d / max(len_a, len_b)`` is below this are dropped.
        extend_chars: characters added on each side of a chain of verified
            passages before alignment, so reuse that starts or ends inside a
            sentence is found to its real boundary.
    """

    verify_similarity: float = 0.5
    max_gap: int = 200
    anchor_chars: int = 6
    min_match_chars: int = 40
    min_similarity: float = 0.5
    extend_chars: int = 90

    def __post_init__(self) -> None:
        check(0.0 < self.verify_similarity <= 1.0, "align.verify_similarity must be in (0, 1]")
        check(0.0 <= self.min_similarity <= 1.0, "align.min_similarity must be in [0, 1]")
        check(self.max_gap >= 0, "align.max_gap must be >= 0")
        check(self.anchor_chars >= 1, "align.anchor_chars must be >= 1")
        check(self.min_match_chars >= 1, "align.min_match_chars must be >= 1")
        check(self.extend_chars >= 0, "align.extend_chars must be >= 0")


@dataclass(frozen=True)
class SeedsConfig:
    """Exact seeds: winnowed k-gram fingerprints (:mod:`reuse.detect.seeds`).

    Every run of at least ``kgram + window - 1`` identical normalised
    characters (40 with the defaults) that two documents share holds a
    fingerprint both select; runs shorter than ``kgram`` never do.

    Attributes:
        kgram: characters per hashed k-gram (the noise threshold).
        window: k-grams per winnowing window (about ``2 / (window + 1)`` of
            the positions become fingerprints).
    """

    kgram: int = 16
    window: int = 25

    def __post_init__(self) -> None:
        check(4 <= self.kgram <= 64, "seeds.kgram must be between 4 and 64")
        check(1 <= self.window <= 200, "seeds.window must be between 1 and 200")

    @property
    def guaranteed_run(self) -> int:
        """Shared runs of at least this many characters are always seeded."""
        return self.kgram + self.window - 1


@dataclass(frozen=True)
class TemplatesConfig:
    """Stock text (formulas, clauses, footers): text found in at least ``T`` documents.

    ``T = max(min_documents, ceil(document_fraction * N))`` for a corpus of
    ``N`` live documents: 10 up to 5,000 documents, then 0.2% of them (39
    for 19,061 news items). Such text is a template: its occurrences are
    aligned to one representative (``k`` alignments for ``k`` documents, not
    ``k (k - 1) / 2``) instead of pairwise (:mod:`reuse.derive.templates`).

    Attributes:
        min_documents: the least ``T``.
        document_fraction: ``T`` as a share of the corpus, for large corpora.
    """

    min_documents: int = 10
    document_fraction: float = 0.002

    def __post_init__(self) -> None:
        check(self.min_documents >= 3, "templates.min_documents must be >= 3")
        check(0.0 <= self.document_fraction <= 1.0, "templates.document_fraction must be in [0, 1]")

    def threshold(self, n_documents: int) -> int:
        """``T`` for a corpus of ``n_documents`` live documents.

        >>> [TemplatesConfig().threshold(n) for n in (56, 2978, 19061)]
        [10, 10, 39]
        """
        import math

        return max(self.min_documents, math.ceil(self.document_fraction * n_documents))


@dataclass(frozen=True)
class BoilerplateConfig:
    """Formulaic lines ("尊敬的各位领导，同志们：") that are not reuse.

    A line (or sentence) of at least ``min_chars`` normalised characters (and
    at most ``max_chars``, 0 for any length) is formulaic when its normalised
    text is in the list file, or when it occurs in at least
    ``max(min_df, ceil(df_fraction * n_documents))`` documents: by default the
    threshold of templates (:class:`TemplatesConfig`), 10 documents up to
    5,000, so a sentence three reports share is reuse, not a formula. Each
    formulaic line is a template of kind 'boilerplate'. A pairwise segment
    whose characters are at least ``segment_share`` formulaic is stored with
    kind 'boilerplate'.

    Attributes:
        list_path: a UTF-8 file, one formulaic line per line ('#' comments);
            empty string for none.
        min_df / df_fraction: the document-frequency rule above.
        min_chars / max_chars: lengths of lines considered, in characters
            (``max_chars`` 0: no upper limit).
        segment_share: share of a segment that makes it boilerplate.
    """

    list_path: str = DEFAULT_LIST_PATH
    min_df: int = 10
    df_fraction: float = 0.002
    min_chars: int = 4
    max_chars: int = 0
    segment_share: float = 0.8

    def __post_init__(self) -> None:
        check(self.min_df >= 2, "boilerplate.min_df must be >= 2")
        check(0.0 <= self.df_fraction <= 1.0, "boilerplate.df_fraction must be in [0, 1]")
        check(self.min_chars >= 1, "boilerplate.min_chars must be >= 1")
        check(
            self.max_chars == 0 or self.min_chars <= self.max_chars,
            "boilerplate.min_chars must be <= max_chars (or max_chars 0: no limit)",
        )
        check(0.0 < self.segment_share <= 1.0, "boilerplate.segment_share must be in (0, 1]")

    def min_documents(self, n_documents: int) -> int:
        """Document frequency at which a line is formulaic in a corpus of this size."""
        import math

        return max(self.min_df, math.ceil(self.df_fraction * n_documents))
