"""The union of spans of a text, and what share of a span it covers.

A :class:`SpanUnion` merges overlapping or touching spans ``[s, e)`` once and
keeps the characters covered before each merged span, so the share of any
span ``[start, end)`` inside the union is two binary searches away:
``covered / (end - start)``, 0 for an empty span.
"""

from __future__ import annotations

import bisect

__all__ = ["SpanUnion"]


class SpanUnion:
    """The union of some spans ``[s, e)``, merged once, for many coverage queries."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
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
