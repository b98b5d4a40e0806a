"""Stage 7: formulaic lines ("尊敬的各位领导，同志们：") are boilerplate, not reuse.

Speeches open and close with the same lines; news items end with the same
sign-off. They are shared by many documents and say nothing about who copied
whom, so they are stored with ``kind = 'boilerplate'`` and left out of reuse
reports.

Units are the lines of the original text and the sentences of the normalised
text, of at least ``min_chars`` normalised characters (and at most
``max_chars``, unless it is 0). A unit's *key* is its normalised text with
everything but letters and digits removed, so
``谢谢大家！`` and ``谢谢大家。`` are one unit. A unit is formulaic when

- its key is in the list file (``data/boilerplate.list`` by default), or
- its key occurs in at least ``max(min_df, ceil(df_fraction * N))`` of the
  ``N`` live documents (document frequency).

Formulaic units shared by two or more documents become boilerplate templates
(:mod:`reuse.derive.templates`): each document containing a unit is paired with the
unit's representative occurrence, in the document ranked first (earliest
dated, then by path), a star of ``k - 1`` rows for ``k`` documents, not
``k^2/2``.
An aligned reuse segment is relabelled boilerplate when at least
``segment_share`` of its characters in *both* documents lie in formulaic units.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from reuse.config.detection import BoilerplateConfig
from reuse.text.normalise import NormalisedText, normalise
from reuse.text.segment import Segmentation


@dataclass(frozen=True)
class Unit:
    """A line or sentence that may be formulaic.

    Attributes:
        norm_start, norm_end: span in the normalised text.
        start, end: span in the original text.
        key: 64-bit hash of the unit's letters and digits.
        listed: the key is in the boilerplate list.
    """

    norm_start: int
    norm_end: int
    start: int
    end: int
    key: int
    listed: bool


class UnitColumns(NamedTuple):
    """The units of one document as columns, one array per :class:`Unit` field,
    in the order :func:`find_units` gives them: what an indexing worker sends
    back (a few arrays pickle faster than thousands of objects) and what the
    store writes to ``lines``."""

    norm_start: np.ndarray  # int32
    norm_end: np.ndarray  # int32
    start: np.ndarray  # int32
    end: np.ndarray  # int32
    key: np.ndarray  # uint64
    listed: np.ndarray  # bool

    @classmethod
    def of(cls, units: Sequence[Unit]) -> UnitColumns:
        """The columns of ``units``."""
        spans = np.array(
            [(u.norm_start, u.norm_end, u.start, u.end) for u in units], dtype=np.int32
        ).reshape(-1, 4)
        return cls(
            spans[:, 0].copy(),
            spans[:, 1].copy(),
            spans[:, 2].copy(),
            spans[:, 3].copy(),
            np.array([u.key for u in units], dtype=np.uint64),
            np.array([u.listed for u in units], dtype=bool),
        )

    @property
    def n_units(self) -> int:
        """The number of units."""
        return len(self.key)

    def units(self) -> list[Unit]:
        """The units again, as :class:`Unit` objects."""
        columns = [c.tolist() for c in self]
        return [Unit(*row) for row in zip(*columns)]


def unit_key(text: str) -> str:
    """Letters and digits of ``text`` (normalised), the identity of a formulaic line.

    >>> unit_key("汇报完毕,不妥之处,请各位领导批评指正,谢谢大家!")
    '汇报完毕不妥之处请各位领导批评指正谢谢大家'
    """
    # [\W_] is exactly "not str.isalnum()": \w is isalnum() plus "_".
    return _NOT_ALNUM.sub("", text)


_NOT_ALNUM = re.compile(r"[\W_]+")


def key_hash(key: str) -> int:
    """Unsigned 64-bit hash of a unit key (blake2b, stable across runs and machines)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def load_list(path: str | Path | None) -> frozenset[int]:
    """Key hashes of the formulaic lines in a list file (one per line, ``#`` comments)."""
    if not path:
        return frozenset()
    keys = set()
    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            key = unit_key(normalise(line).text)
            if key:
                keys.add(key_hash(key))
    return frozenset(keys)


def find_units(
    text: str,
    norm: NormalisedText,
    seg: Segmentation,
    config: BoilerplateConfig,
    listed: frozenset[int] = frozenset(),
) -> list[Unit]:
    """Candidate formulaic units of one document: its lines and its sentences."""
    spans: set[tuple[int, int]] = set()
    # Lines of the original text, mapped to normalised spans.
    ends = np.cumsum([len(line) for line in text.splitlines(keepends=True)], dtype=np.int64)
    starts = np.concatenate(([0], ends[:-1])) if len(ends) else ends
    line_ns = np.searchsorted(norm.origin, starts, side="left")
    line_ne = np.searchsorted(norm.origin, ends, side="left")
    keep = line_ne > line_ns
    spans.update(zip(line_ns[keep].tolist(), line_ne[keep].tolist()))
    spans.update(zip(seg.sentence_starts.tolist(), seg.sentence_ends.tolist()))
    units = []
    for ns, ne in sorted(spans):
        body = norm.text[ns:ne].strip(" ")
        if not body:
            continue
        lead = len(norm.text[ns:ne]) - len(norm.text[ns:ne].lstrip(" "))
        ns += lead
        ne = ns + len(body)
        if len(body) < config.min_chars or (config.max_chars and len(body) > config.max_chars):
            continue
        key = unit_key(body)
        if len(key) < config.min_chars:
            continue
        h = key_hash(key)
        start, end = norm.to_original(ns, ne)
        units.append(Unit(ns, ne, start, end, h, h in listed))
    return units
