"""Cases and detections: passage pairs given as character ranges of two documents.

A *case* is a true reuse (ground truth: ``susp[susp_start:susp_end]`` was
taken from ``src[src_start:src_end]``); a *detection* is a reuse that a tool
reports, with the same fields. Offsets are 0-based, end-exclusive code points
into the documents' text, and ``susp`` and ``src`` are document keys (file
names by default). A passage pair's size counts characters in both
documents: ``(susp_end - susp_start) + (src_end - src_start)``.

Length bands, of a passage of ``n`` characters: ``short`` for ``n < 150``,
``medium`` for ``150 <= n <= 600``, ``long`` above.
"""

from __future__ import annotations

from dataclasses import dataclass

Pair = tuple[str, str]
"""A ``(suspicious key, source key)`` document pair."""

SHORT_MAX = 150
"""Passages of fewer characters than this are in the ``short`` band."""
MEDIUM_MAX = 600
"""Passages of at most this many characters (and not short) are ``medium``."""


def length_band(n_chars: int) -> str:
    """The length band of a passage of ``n_chars`` characters.

    >>> [length_band(n) for n in (60, 150, 600, 601)]
    ['short', 'medium', 'medium', 'long']
    """
    if n_chars < SHORT_MAX:
        return "short"
    if n_chars <= MEDIUM_MAX:
        return "medium"
    return "long"


def _check_span(what: str, start: int, end: int) -> None:
    if not (0 <= start < end):
        raise ValueError(
            f"{what} range [{start}, {end}) is empty or negative; "
            "offsets are 0-based and end-exclusive, so start < end is required"
        )


@dataclass(frozen=True)
class PassagePair:
    """``susp[susp_start:susp_end]`` and ``src[src_start:src_end]``: ``susp`` and
    ``src`` are document keys (file names by default); offsets are 0-based,
    end-exclusive characters."""

    susp: str
    susp_start: int
    susp_end: int
    src: str
    src_start: int
    src_end: int

    def __post_init__(self) -> None:
        _check_span("suspicious", self.susp_start, self.susp_end)
        _check_span("source", self.src_start, self.src_end)

    @property
    def pair(self) -> Pair:
        return (self.susp, self.src)

    @property
    def n_chars(self) -> int:
        """``|s|`` or ``|r|``: characters in both documents."""
        return (self.susp_end - self.susp_start) + (self.src_end - self.src_start)


@dataclass(frozen=True)
class Case(PassagePair):
    """A true reuse case: ``susp[susp_start:susp_end]`` was taken from
    ``src[src_start:src_end]``. ``level`` (obfuscation) and ``band`` (length)
    are labels for :func:`score_by`."""

    level: str = ""
    band: str = ""


@dataclass(frozen=True)
class Detection(PassagePair):
    """A reported reuse: ``susp[susp_start:susp_end]`` aligned to ``src[src_start:src_end]``."""


Span = Case | Detection
"""Either kind of passage pair: the measures treat both as character ranges."""
