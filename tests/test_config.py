"""Tests for reuse.config: validation, TOML loading, overrides, LSH bands, fingerprints."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from datasketch import MinHashLSH

from reuse.config import (
    AlignConfig,
    BoilerplateConfig,
    CandidatesConfig,
    Config,
    IngestConfig,
    ScanConfig,
    SeedsConfig,
    SegmentConfig,
    ShingleConfig,
    SketchConfig,
    TemplatesConfig,
)
from reuse.errors import ConfigError, ReuseError

SECTIONS = [
    "ingest",
    "segment",
    "shingle",
    "sketch",
    "candidates",
    "align",
    "boilerplate",
    "seeds",
    "templates",
    "scan",
]
SECTION_TYPES = [
    IngestConfig,
    SegmentConfig,
    ShingleConfig,
    SketchConfig,
    CandidatesConfig,
    AlignConfig,
    BoilerplateConfig,
    SeedsConfig,
    TemplatesConfig,
    ScanConfig,
]


def _section_name(section_cls: type) -> str:
    return section_cls.__name__.removesuffix("Config").lower()


# ---------------------------------------------------------------------------
# Defaults


def test_defaults_validate() -> None:
    config = Config()
    assert [f.name for f in dataclasses.fields(config)] == SECTIONS
    assert config.segment == SegmentConfig(min_passage_chars=60, max_sentence_chars=200)
    assert config.shingle.kind in ("char", "unit", "word") and config.shingle.n == 3
    assert config.sketch == SketchConfig(num_perm=128, seed=1)
    assert 0 < config.candidates.threshold < 1 and 0 <= config.candidates.recall < 1
    assert config.ingest.suffixes == (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
    assert Path(config.boilerplate.list_path).name == "boilerplate.list"


@pytest.mark.parametrize("section_cls", SECTION_TYPES, ids=_section_name)
def test_each_section_default_constructs(section_cls: type) -> None:
    assert getattr(Config(), _section_name(section_cls)) == section_cls()


def test_config_error_is_a_value_error_and_a_reuse_error() -> None:
    assert issubclass(ConfigError, ValueError) and issubclass(ConfigError, ReuseError)


# ---------------------------------------------------------------------------
# Bad values: each raises ConfigError naming the key and the allowed range

BAD_VALUES = [
    ("ingest.suffixes", [], "ingest.suffixes must name at least one ending"),
    ("ingest.max_bytes", 0, "ingest.max_bytes must be positive"),
    ("segment.min_passage_chars", 7, "segment.min_passage_chars must be >= 8"),
    ("segment.max_sentence_chars", 59, "segment.max_sentence_chars must be >= segment.min_"),
    ("shingle.kind", "token", "shingle.kind must be 'char'"),
    ("shingle.n", 0, "shingle.n must be between 1 and 16"),
    ("shingle.n", 17, "shingle.n must be between 1 and 16"),
    ("sketch.num_perm", 7, "sketch.num_perm must be between 8 and 1024"),
    ("sketch.num_perm", 1025, "sketch.num_perm must be between 8 and 1024"),
    ("sketch.num_perm", "128", "num_perm must be a int"),
    ("candidates.threshold", 0.0, "candidates.threshold must be in (0, 1)"),
    ("candidates.threshold", 1.0, "candidates.threshold must be in (0, 1)"),
    ("candidates.threshold", -0.2, "candidates.threshold must be in (0, 1)"),
    ("candidates.max_bucket", -1, "candidates.max_bucket must be >= 0"),
    ("align.verify_similarity", 0.0, "align.verify_similarity must be in (0, 1]"),
    ("align.verify_similarity", 1.01, "align.verify_similarity must be in (0, 1]"),
    ("align.min_similarity", -0.1, "align.min_similarity must be in [0, 1]"),
    ("align.min_similarity", 1.5, "align.min_similarity must be in [0, 1]"),
    ("align.max_gap", -1, "align.max_gap must be >= 0"),
    ("align.anchor_chars", 0, "align.anchor_chars must be >= 1"),
    ("align.min_match_chars", 0, "align.min_match_chars must be >= 1"),
    ("align.extend_chars", -1, "align.extend_chars must be >= 0"),
    ("boilerplate.min_df", 1, "boilerplate.min_df must be >= 2"),
    ("boilerplate.df_fraction", 1.5, "boilerplate.df_fraction must be in [0, 1]"),
    ("boilerplate.min_chars", 0, "boilerplate.min_chars must be >= 1"),
    ("boilerplate.max_chars", 3, "boilerplate.min_chars must be <= max_chars"),
    ("boilerplate.segment_share", 0.0, "boilerplate.segment_share must be in (0, 1]"),
    ("scan.workers", -1, "scan.workers must be >= 0"),
    ("scan.batch_documents", 0, "scan.batch_documents must be >= 1"),
]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [pytest.param(k, v, m, id=f"{k}={v!r}") for k, v, m in BAD_VALUES],
)
def test_bad_value_raises_config_error(key: str, value: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        Config.load(overrides={key: value})


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        pytest.param(k, v, m, id=f"{k}={v!r}")
        for k, v, m in BAD_VALUES
        if not isinstance(v, str) or k == "shingle.kind"  # a str count is a TypeError here
    ],
)
def test_bad_value_rejected_by_section_constructor(key: str, value: Any, message: str) -> None:
    section, _, field = key.partition(".")
    cls = {_section_name(c): c for c in SECTION_TYPES}[section]
    with pytest.raises(ConfigError, match=re.escape(message)):
        cls(**{field: tuple(value) if field == "suffixes" else value})


def test_string_suffixes_is_not_split_into_characters() -> None:
    try:
        config = Config.load(overrides={"ingest.suffixes": ".txt"})
    except ConfigError:
        return  # rejecting the string is a fine fix too
    assert config.ingest.suffixes == (".txt",)


@pytest.mark.parametrize(
    "weights",
    [
        pytest.param({"candidates.false_positive_weight": -1.0}, id="negative"),
        pytest.param({"candidates.false_positive_weight": 0.9}, id="sum-1.6"),
    ],
)
def test_bad_lsh_weights_raise_config_error(weights: dict[str, float]) -> None:
    with pytest.raises(ConfigError):
        Config.load(overrides=weights)


@pytest.mark.parametrize(
    "override",
    [
        pytest.param({"sketch.num_perm": 128.5}, id="num_perm"),
        pytest.param({"shingle.n": 2.5}, id="shingle-n"),
    ],
)
def test_non_integer_counts_raise_config_error(override: dict[str, float]) -> None:
    with pytest.raises(ConfigError):
        Config.load(overrides=override)


# ---------------------------------------------------------------------------
# Loading TOML files

TOML = """
[sketch]
num_perm = 64

[candidates]
threshold = 0.5
max_bucket = 500

[ingest]
suffixes = [".txt", ".TEXT"]
"""


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_load_toml_file(tmp_path: Path) -> None:
    config = Config.load(_write(tmp_path / "reuse.toml", TOML))
    assert config.sketch == SketchConfig(num_perm=64, seed=1)
    assert config.candidates == CandidatesConfig(threshold=0.5, max_bucket=500)
    assert config.ingest.suffixes == (".txt", ".TEXT")
    # Sections not in the file keep their defaults.
    assert config.segment == SegmentConfig() and config.align == AlignConfig()


def test_load_accepts_str_path(tmp_path: Path) -> None:
    path = _write(tmp_path / "reuse.toml", TOML)
    assert Config.load(str(path)) == Config.load(path)


def test_load_without_file_is_defaults() -> None:
    assert Config.load() == Config()
    assert Config.load(None, {}) == Config()


def test_empty_toml_file_is_defaults(tmp_path: Path) -> None:
    assert Config.load(_write(tmp_path / "empty.toml", "")) == Config()


LOAD_ERRORS = [
    pytest.param("[sketchh]\nnum_perm = 64\n", "unknown config section [sketchh]; known: ingest",
                 id="unknown-section"),
    pytest.param("[candidates]\nthresh = 0.5\n",
                 "unknown key(s) thresh in [candidates]; known: false_negative_weight",
                 id="unknown-key"),
    pytest.param("[candidates]\nthresh = 0.5\nbucket = 1\n", "unknown key(s) bucket, thresh",
                 id="unknown-keys-sorted"),
    pytest.param("sketch = 64\n", "config section [sketch] must be a table", id="not-a-table"),
    pytest.param("[sketch]\nnum_perm = \n", "is not valid TOML", id="invalid-toml"),
    pytest.param("[sketch]\nnum_perm = 4\n", "sketch.num_perm must be between 8 and 1024",
                 id="bad-value-in-file"),
    pytest.param("[sketch]\nnum_perm = 64\nnum_perm = 32\n", "is not valid TOML",
                 id="duplicate-key"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), LOAD_ERRORS)
def test_load_errors(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path / "reuse.toml", text)
    with pytest.raises(ConfigError, match=re.escape(message)):
        Config.load(path)


def test_missing_file_raises_config_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match=re.escape(f"cannot read config file {missing}")):
        Config.load(missing)


# ---------------------------------------------------------------------------
# Overrides


def test_overrides_with_dotted_keys() -> None:
    config = Config.load(
        overrides={"sketch.num_perm": 256, "candidates.threshold": 0.6, "scan.workers": 4}
    )
    assert config.sketch.num_perm == 256
    assert config.candidates.threshold == 0.6
    assert config.scan.workers == 4
    assert config.segment == SegmentConfig()


def test_overrides_win_over_file_and_keep_its_other_keys(tmp_path: Path) -> None:
    path = _write(tmp_path / "reuse.toml", TOML)
    config = Config.load(path, {"candidates.threshold": 0.7, "sketch.seed": 9})
    assert config.candidates.threshold == 0.7
    assert config.candidates.max_bucket == 500  # from the file
    assert config.sketch == SketchConfig(num_perm=64, seed=9)


def test_none_overrides_are_ignored(tmp_path: Path) -> None:
    path = _write(tmp_path / "reuse.toml", TOML)
    overrides = {"sketch.num_perm": None, "candidates.threshold": None, "nosuch.key": None}
    assert Config.load(path, overrides) == Config.load(path)
    assert Config.load(overrides=overrides) == Config()


@pytest.mark.parametrize(
    ("key", "message"),
    [
        pytest.param("threshold", "unknown config section [threshold]", id="no-dot"),
        pytest.param("candidate.threshold", "unknown config section [candidate]", id="section"),
        pytest.param("candidates.thresh", "unknown key(s) thresh in [candidates]", id="key"),
    ],
)
def test_bad_override_keys(key: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        Config.load(overrides={key: 0.5})


def test_json_round_trip() -> None:
    config = Config.load(overrides={"ingest.suffixes": [".txt"], "sketch.num_perm": 64})
    data = json.loads(config.to_json())
    assert sorted(data) == sorted(SECTIONS)
    assert Config.from_dict(data) == config


# ---------------------------------------------------------------------------
# LSH bands


@pytest.mark.parametrize("num_perm", [32, 128, 256])
@pytest.mark.parametrize(
    ("threshold", "weights"),
    [
        pytest.param(0.2, (0.3, 0.7), id="t0.2"),
        pytest.param(0.4, (0.3, 0.7), id="t0.4-default"),
        pytest.param(0.5, (0.3, 0.7), id="t0.5"),
        pytest.param(0.8, (0.3, 0.7), id="t0.8"),
        pytest.param(0.5, (0.5, 0.5), id="t0.5-even-weights"),
    ],
)
def test_lsh_bands_equal_datasketch_when_recall_is_zero(
    num_perm: int, threshold: float, weights: tuple[float, float]
) -> None:
    config = Config.load(
        overrides={
            "sketch.num_perm": num_perm,
            "candidates.threshold": threshold,
            "candidates.recall": 0.0,
            "candidates.false_positive_weight": weights[0],
            "candidates.false_negative_weight": weights[1],
        }
    )
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=weights)
    assert config.lsh_bands == (lsh.b, lsh.r)
    b, r = config.lsh_bands
    assert isinstance(b, int) and isinstance(r, int) and b * r <= num_perm


def test_lsh_bands_default() -> None:
    config = Config()
    assert config.lsh_bands == config.candidates.bands(config.sketch.num_perm)


@pytest.mark.parametrize("num_perm", [32, 64, 128, 256])
@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7])
@pytest.mark.parametrize("recall", [0.9, 0.98])
def test_lsh_bands_meet_the_recall_target(num_perm: int, threshold: float, recall: float) -> None:
    from datasketch.lsh import _false_positive_probability

    c = Config.load(
        overrides={"candidates.threshold": threshold, "candidates.recall": recall}
    ).candidates
    b, r = c.bands(num_perm)
    assert b * r <= num_perm
    p = 1 - (1 - threshold**r) ** b
    feasible = [
        (bb, rr)
        for rr in range(1, num_perm + 1)
        for bb in range(1, num_perm // rr + 1)
        if 1 - (1 - threshold**rr) ** bb >= recall
    ]
    if feasible:
        assert p >= recall
        fp = _false_positive_probability(threshold, b, r)
        assert all(
            fp <= _false_positive_probability(threshold, bb, rr) + 1e-12 for bb, rr in feasible
        )


# ---------------------------------------------------------------------------
# Detection fingerprint

FINGERPRINT_CHANGES = [
    ("segment.min_passage_chars", 80),
    ("segment.max_sentence_chars", 300),
    ("shingle.kind", "word"),
    ("shingle.n", 4),
    ("sketch.num_perm", 64),
    ("sketch.seed", 2),
    ("candidates.threshold", 0.45),
    ("candidates.max_bucket", 100),
    ("align.min_similarity", 0.6),
    ("align.max_gap", 10),
    ("boilerplate.min_df", 5),
]
FINGERPRINT_SAME = [
    ("scan.workers", 8),
    ("scan.batch_documents", 16),
    ("ingest.max_bytes", 1024),
    ("ingest.suffixes", [".txt"]),
]


@pytest.mark.parametrize(
    ("key", "value"), [pytest.param(k, v, id=k) for k, v in FINGERPRINT_CHANGES]
)
def test_fingerprint_changes_with_detection_parameters(key: str, value: Any) -> None:
    assert Config.load(overrides={key: value}).detection_fingerprint() != (
        Config().detection_fingerprint()
    )


@pytest.mark.parametrize(("key", "value"), [pytest.param(k, v, id=k) for k, v in FINGERPRINT_SAME])
def test_fingerprint_ignores_resources(key: str, value: Any) -> None:
    config = Config.load(overrides={key: value})
    assert config != Config()
    assert config.detection_fingerprint() == Config().detection_fingerprint()


def test_fingerprint_is_json_without_scan_and_ingest() -> None:
    data = json.loads(Config().detection_fingerprint())
    assert sorted(data) == sorted(set(SECTIONS) - {"scan", "ingest"})
    assert data["sketch"] == {"num_perm": 128, "seed": 1}


def test_fingerprint_ignores_the_boilerplate_list_location(tmp_path: Path) -> None:
    copy = tmp_path / "boilerplate.list"
    shutil.copy(Config().boilerplate.list_path, copy)
    moved = Config.load(overrides={"boilerplate.list_path": str(copy)})
    assert moved.detection_fingerprint() == Config().detection_fingerprint()
