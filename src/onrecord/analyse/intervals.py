"""A set of character spans answering "does anything overlap [s, e)?" and "does anything hold i?" fast.

Scanning a list of spans for every token or candidate is quadratic in an article with thousands of
quotations; the spans here are filed under the fixed-size buckets of text they touch instead.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

BUCKET = 256  # characters per bucket


class Intervals:
    """Character spans [start, end). Overlap is ``a < end and start < b``, as a scan would test it: an empty
    span overlaps a span that strictly contains its position."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._buckets: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
        for s, e in spans:
            self.add(s, e)

    def add(self, start: int, end: int) -> None:
        """Add the span [start, end)."""
        for b in range(start // BUCKET, max(start, end - 1) // BUCKET + 1):
            self._buckets[b].append((start, end))

    def overlaps(self, start: int, end: int) -> bool:
        """Whether a span overlaps [start, end)."""
        for b in range(start // BUCKET, max(start, end - 1) // BUCKET + 1):
            for s, e in self._buckets.get(b, ()):
                if s < end and start < e:
                    return True
        return False

    def holds(self, i: int) -> bool:
        """Whether a span contains the character at ``i``."""
        return any(s <= i < e for s, e in self._buckets.get(i // BUCKET, ()))
