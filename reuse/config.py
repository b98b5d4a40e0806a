"""One typed configuration tree for a scan.

Every stage receives only its own section. The whole tree is validated once,
when it is built, and stored (as JSON) with each scan so a result can always be
traced to the parameters that produced it. A TOML file may set any field::

    [sketch]
    num_perm = 128

    [candidates]
    threshold = 0.4

and command-line flags override the file. Units are stated per field:
"characters" always means code points of the *normalised* text unless said
otherwise.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.resources
import json
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from reuse.errors import ConfigError

#: The boilerplate list shipped with the package (data/boilerplate.list in the
#: repository; package data in a wheel).
DEFAULT_LIST_PATH = str(importlib.resources.files("reuse").joinpath("boilerplate.list"))


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ConfigError(message)


@dataclass(frozen=True)
class IngestConfig:
    """Which files a scan reads.

    Attributes:
        suffixes: file name endings read (case-insensitive); .docx, .pdf,
            .html and .htm are extracted (:mod:`reuse.ingest.formats`), others decoded as text.
        max_bytes: larger files are rejected with an error row, in bytes
            (16 MiB: a report is rarely over 1 MiB; a larger file is a dump).
        max_chars: a document with more characters (code points) of text,
            decoded or extracted, is rejected with an error row; extraction
            stops as soon as it is passed. 20 million: a long report has
            20,000 to 200,000 characters, a 1,000-page book about a million,
            so only what is not a report is stopped: a .docx zip bomb (2.5 MB
            that unpacks to half a GB of XML, 167 million characters), a dump
            saved as .txt. The later stages need several bytes per character.
        follow_symlinks: follow symbolic links whose target is outside the
            scanned folder they were found in; by default such a link is
            skipped with an error row (links inside the folder, and a folder
            named on the command line that is itself a link, are followed).
    """

    suffixes: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
    max_bytes: int = 16 * 1024 * 1024
    max_chars: int = 20_000_000
    follow_symlinks: bool = False

    def __post_init__(self) -> None:
        _check(
            len(self.suffixes) > 0, "ingest.suffixes must name at least one ending, e.g. ['.txt']"
        )
        _check(self.max_bytes > 0, "ingest.max_bytes must be positive")
        _check(self.max_chars > 0, "ingest.max_chars must be positive")
        _check(
            isinstance(self.follow_symlinks, bool), "ingest.follow_symlinks must be true or false"
        )


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
        _check(self.min_passage_chars >= 8, "segment.min_passage_chars must be >= 8")
        _check(
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
        _check(
            self.kind in ("char", "unit", "word"), "shingle.kind must be 'char', 'unit' or 'word'"
        )
        _check(1 <= self.n <= 16, "shingle.n must be between 1 and 16")


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
        _check(8 <= self.num_perm <= 1024, "sketch.num_perm must be between 8 and 1024")


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
        _check(0.0 < self.threshold < 1.0, "candidates.threshold must be in (0, 1)")
        _check(0.0 <= self.recall < 1.0, "candidates.recall must be in [0, 1)")
        weights = (self.false_positive_weight, self.false_negative_weight)
        _check(
            all(0.0 <= w <= 1.0 for w in weights) and abs(sum(weights) - 1.0) < 1e-9,
            "candidates.false_positive_weight and false_negative_weight must be in [0, 1] "
            "and add up to 1",
        )
        _check(self.max_bucket >= 0, "candidates.max_bucket must be >= 0")

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
        _check(0.0 < self.verify_similarity <= 1.0, "align.verify_similarity must be in (0, 1]")
        _check(0.0 <= self.min_similarity <= 1.0, "align.min_similarity must be in [0, 1]")
        _check(self.max_gap >= 0, "align.max_gap must be >= 0")
        _check(self.anchor_chars >= 1, "align.anchor_chars must be >= 1")
        _check(self.min_match_chars >= 1, "align.min_match_chars must be >= 1")
        _check(self.extend_chars >= 0, "align.extend_chars must be >= 0")


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
        _check(4 <= self.kgram <= 64, "seeds.kgram must be between 4 and 64")
        _check(1 <= self.window <= 200, "seeds.window must be between 1 and 200")

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
        _check(self.min_documents >= 3, "templates.min_documents must be >= 3")
        _check(
            0.0 <= self.document_fraction <= 1.0, "templates.document_fraction must be in [0, 1]"
        )

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
        _check(self.min_df >= 2, "boilerplate.min_df must be >= 2")
        _check(0.0 <= self.df_fraction <= 1.0, "boilerplate.df_fraction must be in [0, 1]")
        _check(self.min_chars >= 1, "boilerplate.min_chars must be >= 1")
        _check(
            self.max_chars == 0 or self.min_chars <= self.max_chars,
            "boilerplate.min_chars must be <= max_chars (or max_chars 0: no limit)",
        )
        _check(0.0 < self.segment_share <= 1.0, "boilerplate.segment_share must be in (0, 1]")

    def min_documents(self, n_documents: int) -> int:
        """Document frequency at which a line is formulaic in a corpus of this size."""
        import math

        return max(self.min_df, math.ceil(self.df_fraction * n_documents))


@dataclass(frozen=True)
class ScanConfig:
    """Resources of a scan.

    None of these changes what a scan finds (the matches), only how fast, in
    how much memory, and whether the derived ``edits`` table is filled.

    Attributes:
        workers: processes for the per-document and per-document-pair stages
            (0 = every available CPU, 1 = in process).
        batch_documents: documents per store transaction.
        text_budget_chars: normalised texts held in memory at once while
            aligning, in characters (~10 bytes each with the offset map);
            document pairs are aligned in windows whose documents fit it.
        candidate_budget_pairs: candidate passage pairs made and held at once
            (an upper estimate; ~60 bytes each while they are sorted and
            aligned); the corpus's pairs are made and aligned in blocks of
            whole documents that fit it (0: one block).
        edits: compute the typed edits of new matches (table ``edits``;
            about 0.1 ms per edit, jieba tagging near each edit). Off, a scan
            leaves them for a later scan with it on (``matches.n_edits`` NULL).
        task_timeout_seconds: a worker task (a chunk of files, of document
            pairs or of matches) that takes longer than this ends the scan
            with an error instead of a wait for ever (a hung worker); real
            tasks take well under a second.
    """

    workers: int = 0
    batch_documents: int = 256
    text_budget_chars: int = 50_000_000
    candidate_budget_pairs: int = 20_000_000
    edits: bool = True
    task_timeout_seconds: float = 600.0

    def __post_init__(self) -> None:
        _check(self.workers >= 0, "scan.workers must be >= 0 (0: every CPU)")
        _check(self.task_timeout_seconds > 0, "scan.task_timeout_seconds must be > 0")
        _check(self.batch_documents >= 1, "scan.batch_documents must be >= 1")
        _check(self.text_budget_chars >= 1, "scan.text_budget_chars must be >= 1")
        _check(self.candidate_budget_pairs >= 0, "scan.candidate_budget_pairs must be >= 0")


@dataclass(frozen=True)
class Config:
    """The whole configuration; see each section's class for its fields."""

    ingest: IngestConfig = field(default_factory=IngestConfig)
    segment: SegmentConfig = field(default_factory=SegmentConfig)
    shingle: ShingleConfig = field(default_factory=ShingleConfig)
    sketch: SketchConfig = field(default_factory=SketchConfig)
    candidates: CandidatesConfig = field(default_factory=CandidatesConfig)
    align: AlignConfig = field(default_factory=AlignConfig)
    boilerplate: BoilerplateConfig = field(default_factory=BoilerplateConfig)
    seeds: SeedsConfig = field(default_factory=SeedsConfig)
    templates: TemplatesConfig = field(default_factory=TemplatesConfig)
    scan: ScanConfig = field(default_factory=ScanConfig)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    def detection_fingerprint(self) -> str:
        """JSON of the parameters stored results depend on (not resources or paths)."""
        d = self.to_dict()
        d.pop("scan")
        d.pop("ingest")
        # The list file counts by content, not by where it lies.
        path = d["boilerplate"].pop("list_path")
        digest = ""
        if path:
            try:
                digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            except OSError:
                digest = "unreadable"
        d["boilerplate"]["list_sha256"] = digest
        return json.dumps(d, ensure_ascii=False, sort_keys=True)

    @cached_property
    def lsh_bands(self) -> tuple[int, int]:
        """(bands, rows) of the LSH stage, derived once from threshold and num_perm."""
        return self.candidates.bands(self.sketch.num_perm)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        sections = {f.name: f.type for f in dataclasses.fields(cls)}
        kwargs: dict[str, Any] = {}
        for name, values in data.items():
            if name not in sections:
                raise ConfigError(f"unknown config section [{name}]; known: {', '.join(sections)}")
            section_cls = _SECTION_CLASSES[name]
            known = {f.name for f in dataclasses.fields(section_cls)}
            if not isinstance(values, dict):
                raise ConfigError(f"config section [{name}] must be a table")
            unknown = set(values) - known
            if unknown:
                raise ConfigError(
                    f"unknown key(s) {', '.join(sorted(unknown))} in [{name}]; "
                    f"known: {', '.join(sorted(known))}"
                )
            values = dict(values)
            if "suffixes" in values:
                suffixes = values["suffixes"]
                values["suffixes"] = (suffixes,) if isinstance(suffixes, str) else tuple(suffixes)
            for f in dataclasses.fields(section_cls):
                if f.name in values and f.type in ("int", "float"):
                    value = values[f.name]
                    ok = isinstance(value, int) and not isinstance(value, bool)
                    if f.type == "float":
                        ok = ok or isinstance(value, float)
                    if not ok:
                        raise ConfigError(f"[{name}] {f.name} must be a {f.type}, got {value!r}")
            try:
                kwargs[name] = section_cls(**values)
            except TypeError as exc:
                raise ConfigError(f"bad value in [{name}]: {exc}") from exc
        return cls(**kwargs)

    @classmethod
    def load(
        cls, path: str | Path | None = None, overrides: dict[str, Any] | None = None
    ) -> Config:
        """Read a TOML file (optional) and apply ``{"section.key": value}`` overrides."""
        data: dict[str, Any] = {}
        if path is not None:
            try:
                with open(path, "rb") as fh:
                    data = tomllib.load(fh)
            except OSError as exc:
                raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
        for dotted, value in (overrides or {}).items():
            if value is None:
                continue
            section, _, key = dotted.partition(".")
            data.setdefault(section, {})[key] = value
        return cls.from_dict(data)


_SECTION_CLASSES: dict[str, type] = {
    "ingest": IngestConfig,
    "segment": SegmentConfig,
    "shingle": ShingleConfig,
    "sketch": SketchConfig,
    "candidates": CandidatesConfig,
    "align": AlignConfig,
    "boilerplate": BoilerplateConfig,
    "seeds": SeedsConfig,
    "templates": TemplatesConfig,
    "scan": ScanConfig,
}
