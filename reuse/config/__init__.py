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
otherwise. The sections are defined in :mod:`reuse.config.detection` (those
stored results depend on) and :mod:`reuse.config.scan` (which files are read,
the resources of a scan).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from reuse.config.detection import (
    AlignConfig,
    BoilerplateConfig,
    CandidatesConfig,
    SeedsConfig,
    SegmentConfig,
    ShingleConfig,
    SketchConfig,
    TemplatesConfig,
)
from reuse.config.scan import IngestConfig, ScanConfig
from reuse.errors import ConfigError

__all__ = [
    "AlignConfig",
    "BoilerplateConfig",
    "CandidatesConfig",
    "Config",
    "IngestConfig",
    "ScanConfig",
    "SeedsConfig",
    "SegmentConfig",
    "ShingleConfig",
    "SketchConfig",
    "TemplatesConfig",
]


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
        """The configuration a ``{section: {key: value}}`` mapping (a parsed TOML
        file) sets; :class:`reuse.errors.ConfigError` on an unknown section or
        key, or a value of the wrong type."""
        sections = [f.name for f in dataclasses.fields(cls)]
        kwargs: dict[str, Any] = {}
        for name, values in data.items():
            if name not in sections:
                raise ConfigError(f"unknown config section [{name}]; known: {', '.join(sections)}")
            kwargs[name] = _section(name, _SECTION_CLASSES[name], values)
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


def _section(name: str, section_cls: type, values: object) -> Any:
    """Section ``name`` built from its table ``values``: its keys must be fields
    of ``section_cls``, its numbers of their type (``suffixes`` may be one string)."""
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
    _check_numbers(name, section_cls, values)
    try:
        return section_cls(**values)
    except TypeError as exc:
        raise ConfigError(f"bad value in [{name}]: {exc}") from exc


def _check_numbers(name: str, section_cls: type, values: dict[str, Any]) -> None:
    """An ``int`` field must be given an int (not a bool), a ``float`` field an int
    or a float."""
    for f in dataclasses.fields(section_cls):
        if f.name in values and f.type in ("int", "float"):
            value = values[f.name]
            ok = isinstance(value, int) and not isinstance(value, bool)
            if f.type == "float":
                ok = ok or isinstance(value, float)
            if not ok:
                raise ConfigError(f"[{name}] {f.name} must be a {f.type}, got {value!r}")
