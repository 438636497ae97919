"""A set of character spans answering "does anything overlap [s, e)?" and "does anything hold i?" fast.

Scanning a list of spans for every token or candidate is quadratic in an article with thousands of
quotations, and so is filing each span under every stretch of text it covers when the spans or the
questions are long (a clause that runs to the end of a 100,000-character sentence). Both questions are one
question: the furthest end among the spans that start before a point. The spans' ends are kept as a prefix
maximum over buckets of starting positions (a Fenwick tree), so adding and asking cost O(log n) each,
however long the spans or the questions are.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

BUCKET = 256  # characters of starting positions per bucket


class Intervals:
    """Character spans [start, end). Overlap is ``a < end and start < b``, as a scan would test it: an empty
    span overlaps a span that strictly contains its position."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._ends: defaultdict[int, dict[int, int]] = defaultdict(dict)  # bucket -> {start: furthest end}
        self._tree: list[float] = [float("-inf")] * 65  # Fenwick tree (1-based) of each bucket's furthest end
        for s, e in spans:
            self.add(s, e)

    def add(self, start: int, end: int) -> None:
        """Add the span [start, end)."""
        b = max(0, start // BUCKET)
        starts = self._ends[b]
        if starts.get(start, float("-inf")) >= end:
            return
        starts[start] = end
        if b + 1 >= len(self._tree):  # grow: rebuild from the buckets' own maxima
            self._tree = [float("-inf")] * (2 * (b + 1) + 1)
            for k, ends in self._ends.items():
                self._raise(k, max(ends.values()))
        else:
            self._raise(b, end)

    def _raise(self, b: int, end: int) -> None:
        i = b + 1
        while i < len(self._tree):
            if self._tree[i] < end:
                self._tree[i] = end
            i += i & -i

    def _furthest_end(self, x: int) -> float:
        """The furthest end among the spans starting before ``x``."""
        b = max(0, x // BUCKET)
        best = max((e for s, e in self._ends.get(b, {}).items() if s < x), default=float("-inf"))
        i = min(b, len(self._tree) - 1)  # the buckets before b, all of them whole
        while i > 0:
            if self._tree[i] > best:
                best = self._tree[i]
            i -= i & -i
        return best

    def overlaps(self, start: int, end: int) -> bool:
        """Whether a span overlaps [start, end)."""
        return self._furthest_end(end) > start

    def holds(self, i: int) -> bool:
        """Whether a span contains the character at ``i``."""
        return self._furthest_end(i + 1) > i
