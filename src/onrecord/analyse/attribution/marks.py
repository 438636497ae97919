"""Quotation marks in paragraphs: which marks open and close a quotation, which are apostrophes.

Pure string code (no spaCy): straight and curly, double and single marks, nested quotes, non-breaking
spaces, and quotes left open at a paragraph's end (continued by the next paragraph that reopens).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

DOUBLE_OPEN = "“„«"
DOUBLE_CLOSE = "”»"
SINGLE_OPEN = "‘‚"
SINGLE_CLOSE = "’"
STRAIGHT = "\"'"
ALL_MARKS = DOUBLE_OPEN + DOUBLE_CLOSE + SINGLE_OPEN + SINGLE_CLOSE + STRAIGHT
_OPENERS_BEFORE = "([{—–-/:;"  # after these (or space, or another mark) a mark opens
# Markup left in the text (an embedded tweet's <tweet author="..." ...>): its marks delimit attribute values
_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s+[\w-]+=(?:\"[^\"<>\n]*\"|'[^'<>\n]*'))*\s*/?>")


@dataclass
class MarkSpan:
    """A top-level quotation inside one paragraph: content [start, end) without its marks."""

    start: int
    end: int
    open_at: int  # index of the opening mark
    close_at: int | None  # index of the closing mark, None when left open at the paragraph's end
    double: bool  # double marks (single marks: 'headline style' or UK style)


def _is_double(ch: str) -> bool:
    return ch in DOUBLE_OPEN or ch in DOUBLE_CLOSE or ch == '"'


def _space_like(ch: str | None) -> bool:
    return ch is None or ch.isspace()


def _opens(prev: str | None, nxt: str | None) -> bool:
    """Opening position: at the start, after a space/bracket/dash/other mark; followed by a non-space."""
    before_ok = prev is None or prev.isspace() or prev in _OPENERS_BEFORE or prev in ALL_MARKS
    return before_ok and not _space_like(nxt)


def _closes(prev: str | None, nxt: str | None) -> bool:
    """Closing position: after a non-space, followed by the end, a space, punctuation or another mark."""
    after_ok = nxt is None or nxt.isspace() or not nxt.isalnum()
    return not _space_like(prev) and after_ok


def _role(text: str, i: int, start: int, end: int, open_kinds: list[str]) -> str | None:
    """'open', 'close' or None (an apostrophe, a prime, a stray mark) for the mark at text[i]."""
    ch = text[i]
    prev = text[i - 1] if i > start else None
    nxt = text[i + 1] if i + 1 < end else None
    kind = "d" if _is_double(ch) else "s"
    if ch == "“" and "d" in open_kinds and prev is not None and _closes(prev, nxt) and prev not in ALL_MARKS:
        return "close"  # a left mark typed for a right one, at a closing position: “abhorrent“ in a tweet
    if ch in DOUBLE_OPEN or ch in SINGLE_OPEN:
        return "open"
    if ch in DOUBLE_CLOSE:
        return "close" if "d" in open_kinds else None
    if ch == "’" or ch == "'":
        if prev is not None and nxt is not None and prev.isalnum() and nxt.isalnum():
            return None  # Britain's, don't, it’s
        if kind in open_kinds and _closes(prev, nxt):
            # closes a pending single quote unless it is an elision inside a word run ("’90s")
            return "close"
        if ch == "'" and _opens(prev, nxt) and (nxt is None or not nxt.isdigit()):
            return "open"
        if ch == "’" and _opens(prev, nxt) and nxt is not None and nxt.isupper():
            return "open"  # a curly right mark used as opener before a capital ("’Food not bombs’")
        return None
    # straight double
    if "d" in open_kinds and _closes(prev, nxt):
        return "close"
    if _opens(prev, nxt):
        return "open"
    if "d" in open_kinds:
        return "close"
    return "open" if nxt is not None and not nxt.isspace() else None


def scan_paragraph(text: str, start: int, end: int) -> list[MarkSpan]:
    """Top-level quotations in text[start:end]; nested quotes stay inside their outer quotation.

    A quotation still open at the paragraph's end runs to the end (trailing spaces trimmed) when it was
    opened by double marks, or by any mark at the paragraph's start or after a colon. A double mark that
    opens a new sentence while a double quotation is still open ends it there: paragraphs run together
    (a multi-paragraph quotation whose breaks were lost) when it is the same mark as the one that opened it.
    Linear in the paragraph's length, however many marks it holds.
    """
    out: list[MarkSpan] = []
    stack = _Stack()
    i = start
    while i < end:
        ch = text[i]
        if ch == "<":
            tag = _TAG.match(text, i, end)
            if tag is not None:
                i = tag.end()
                continue
        if ch not in ALL_MARKS:
            i += 1
            continue
        width = 2 if ch == "'" and i + 1 < end and text[i + 1] == "'" else 1  # ''NYT style'' doubles
        if width == 2:
            role = _role_double_pair(text, i, start, end, stack.kinds())
            kind = "d"
        else:
            role = _role(text, i, start, end, stack.kinds())
            kind = "d" if _is_double(ch) else "s"
        if role == "open" and kind == "d" and stack.reopened_by(text, i, start):
            _, j, w = stack.items[0]
            stack.close("d")
            out.append(MarkSpan(j + w, _trimmed(text, j + w, i), j, None, True))
        if role == "open":
            stack.push(kind, i, width)
        elif role == "close":
            # close the innermost open quote of the same kind (marks of the other kind inside are dropped)
            closed = stack.close(kind)
            if closed is not None and closed[0] == 0 and i > closed[1] + closed[2]:
                out.append(MarkSpan(closed[1] + closed[2], i, closed[1], i, kind == "d"))
        i += width
    if stack.items:
        kind, j, w = stack.items[0]
        head = text[start:j].rstrip()
        e = _trimmed(text, j + w, end)
        if (kind == "d" or not head or head.endswith(":")) and e > j + w:
            out.append(MarkSpan(j + w, e, j, None, kind == "d"))
    return out


class _Stack:
    """The quotation marks open so far, innermost last, with the positions of each kind (closing is O(1))."""

    def __init__(self) -> None:
        self.items: list[tuple[str, int, int]] = []  # (kind 'd'/'s', index of opening mark, its width)
        self.depths: dict[str, list[int]] = {"d": [], "s": []}

    def kinds(self) -> list[str]:
        return [k for k in "ds" if self.depths[k]]

    def push(self, kind: str, i: int, width: int) -> None:
        self.depths[kind].append(len(self.items))
        self.items.append((kind, i, width))

    def close(self, kind: str) -> tuple[int, int, int] | None:
        """Close the innermost open quotation of ``kind`` and any opened inside it: (depth, index, width)."""
        if not self.depths[kind]:
            return None
        depth = self.depths[kind][-1]
        _, j, w = self.items[depth]
        del self.items[depth:]
        for k in "ds":
            while self.depths[k] and self.depths[k][-1] >= depth:
                self.depths[k].pop()
        return depth, j, w

    def reopened_by(self, text: str, i: int, start: int) -> bool:
        """Whether the mark at text[i] starts a new quotation after a sentence of the one open (the same mark)."""
        return len(self.items) == 1 and text[self.items[0][1]] == text[i] and _new_sentence(text, i, start)


def _trimmed(text: str, lo: int, e: int) -> int:
    """``e`` moved back over whitespace, not before ``lo``."""
    while e > lo and text[e - 1].isspace():
        e -= 1
    return e


def _new_sentence(text: str, i: int, start: int) -> bool:
    """Whether the mark at text[i] starts a sentence: after a space that follows a full stop, ? or !."""
    k = i
    while k > start and text[k - 1].isspace():
        k -= 1
    return start < k < i and text[k - 1] in ".?!"


def _role_double_pair(text: str, i: int, start: int, end: int, open_kinds: list[str]) -> str | None:
    """Two straight single marks used as one double mark (''...'', New York Times house style)."""
    prev = text[i - 1] if i > start else None
    nxt = text[i + 2] if i + 2 < end else None
    if "d" in open_kinds and _closes(prev, nxt):
        return "close"
    if _opens(prev, nxt):
        return "open"
    return "close" if "d" in open_kinds else None


def starts_with_quote(text: str, start: int, end: int) -> bool:
    """Whether the paragraph text[start:end] opens with a quotation mark."""
    i = start
    while i < end and text[i].isspace():
        i += 1
    return i < end and text[i] in DOUBLE_OPEN + SINGLE_OPEN + STRAIGHT
