"""The union of spans ``[start, end)`` of a text: how many characters it
covers, and what share of a span lies inside it. The one interval union of
the package.

A :class:`SpanUnion` merges overlapping or touching spans once (sorted, a
span that starts at or before the end of the run so far extends it; empty
spans add nothing) and keeps the characters covered before each merged run,
so the share of any span ``[start, end)`` inside the union is two binary
searches away: ``covered / (end - start)``, 0 for an empty span.

>>> u = SpanUnion([(0, 10), (5, 15), (20, 25)])
>>> u.length, u.share(10, 20)
(20, 0.5)
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

__all__ = ["SpanUnion"]


class SpanUnion:
    """The union of some spans ``[s, e)``, merged once, for many coverage queries."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for s, e in sorted(spans):
            if e <= s:
                continue
            if self.ends and s <= self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], e)
            else:
                self.starts.append(s)
                self.ends.append(e)
        self.before = [0]
        for s, e in zip(self.starts, self.ends):
            self.before.append(self.before[-1] + e - s)

    @property
    def length(self) -> int:
        """Characters covered by the union."""
        return self.before[-1]

    def share(self, start: int, end: int) -> float:
        """Share of ``[start, end)`` inside the union."""
        if end <= start or not self.starts:
            return 0.0
        lo = bisect.bisect_right(self.ends, start)
        hi = bisect.bisect_left(self.starts, end)
        if hi <= lo:
            return 0.0
        covered = self.before[hi] - self.before[lo]
        covered -= max(0, start - self.starts[lo])
        covered -= max(0, self.ends[hi - 1] - end)
        return covered / (end - start)
