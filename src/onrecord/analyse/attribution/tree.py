"""Tables of one Doc's dependency parse, built once in linear time: children, subtree extents, sentences.

spaCy answers these by walking the parse on every access: ``Token.children`` scans the token's whole subtree
range, ``Token.subtree`` is a recursive generator as deep as the tree, and ``Token.sent`` scans to both ends
of the sentence. Asked once per candidate, each is quadratic on a long or deeply nested sentence ("He said
that he said that ..." repeated, or 10,000 quotations run together). ``tree(doc)`` builds the tables for the
Doc last asked about; the functions here give the same answers as spaCy, in time independent of the sentence.
"""
from __future__ import annotations

import bisect
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import numpy
from spacy.attrs import HEAD, SENT_START
from spacy.tokens import Doc, Span, Token


class Tree:
    """The parse of one Doc as flat tables: heads, children, subtree bounds, sentence bounds; plus memos."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        n = len(doc)
        rel = doc.to_array([HEAD]).reshape(-1).view(numpy.int64) if n else numpy.zeros(0, dtype=numpy.int64)
        heads = (rel + numpy.arange(n, dtype=numpy.int64)).tolist()
        kids: list[list[int]] = [[] for _ in range(n)]
        for i, h in enumerate(heads):
            if h != i:
                kids[h].append(i)  # ascending: spaCy's order (lefts, then rights)
        order = [i for i, h in enumerate(heads) if h == i]
        for i in order:  # breadth first from the roots: every child after its head
            order.extend(kids[i])
        lo, hi, size = list(range(n)), list(range(n)), [1] * n
        for i in reversed(order):
            h = heads[i]
            if h != i:
                lo[h] = min(lo[h], lo[i])
                hi[h] = max(hi[h], hi[i])
                size[h] += size[i]
        # projective: the subtree of every token under it is one unbroken run, so spaCy's subtree order is
        # ascending and the subtree is exactly the tokens lo..hi (a token no root reaches is not projective)
        proj = [False] * n
        for i in order:
            proj[i] = size[i] == hi[i] - lo[i] + 1
        for i in reversed(order):
            if not proj[i] and heads[i] != i:
                proj[heads[i]] = False
        self.heads, self.kids, self.lo, self.hi, self.proj = heads, kids, lo, hi, proj
        self.memo: dict[Any, Any] = {}
        self._sents: tuple[list[int], list[int]] | None = None
        self._tokens: list[Token] | None = None

    @property
    def tokens(self) -> list[Token]:
        """``list(doc)``, made once: every walk of the Doc and every ``doc[i]`` makes new Token objects."""
        if self._tokens is None:
            self._tokens = list(self.doc)
        return self._tokens

    def sent_bounds(self, i: int) -> tuple[int, int]:
        """Token range [start, end) of the sentence holding token i, as ``Token.sent`` finds it."""
        if self._sents is None:
            if not self.doc.has_annotation("SENT_START"):
                return self.doc[i].sent.start, self.doc[i].sent.end  # spaCy raises its own error
            flags = self.doc.to_array([SENT_START]).reshape(-1).tolist()
            n = len(flags)
            starts, ends = [0] * n, [n] * n
            s = 0
            for k in range(n):
                if flags[k] == 1:
                    s = k
                starts[k] = s
            e = n
            for k in range(n - 1, -1, -1):
                ends[k] = e
                if flags[k] == 1:
                    e = k
            self._sents = starts, ends
        return self._sents[0][i], self._sents[1][i]

    def positions(self, name: str, pred: Callable[[Token], bool]) -> list[int]:
        """The ascending indices of the tokens where ``pred`` holds (computed once per ``name``)."""
        key = ("positions", name)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = [t.i for t in self.tokens if pred(t)]
        return found

    def prefix_counts(self, name: str, pred: Callable[[Token], bool]) -> list[int]:
        """counts[k]: how many of the first k tokens ``pred`` holds for (computed once per ``name``)."""
        key = ("counts", name)
        found = self.memo.get(key)
        if found is None:
            found = [0]
            for t in self.tokens:
                found.append(found[-1] + bool(pred(t)))
            self.memo[key] = found
        return found


_LAST: list[Any] = [None, None]  # a weak reference to the Doc last asked about, and its Tree


def tree(doc: Doc) -> Tree:
    """The tables of ``doc`` (built on the first call for a Doc, kept until another Doc is asked about)."""
    ref, found = _LAST
    if ref is None or ref() is not doc:
        found = Tree(doc)
        _LAST[0], _LAST[1] = weakref.ref(doc), found
    return found


def children(t: Token) -> list[Token]:
    """``list(t.children)``, in time proportional to the number of children (the list is shared: read only)."""
    doc = t.doc
    memo = tree(doc).memo
    key = ("children", t.i)
    found = memo.get(key)
    if found is None:
        toks = tree(doc).tokens
        found = memo[key] = [toks[k] for k in tree(doc).kids[t.i]]
    return found


def child_with(t: Token, deps: tuple[str, ...]) -> Token | None:
    """The first child of t whose dependency label is in ``deps`` (found once per token and labels: a verb
    with thousands of children is asked once per candidate)."""
    memo = tree(t.doc).memo
    key = ("child", t.i, deps)
    if key not in memo:
        memo[key] = next((c for c in children(t) if c.dep_ in deps), None)
    return memo[key]


def child_right_after(t: Token) -> Token | None:
    """The token right after t when it is one of t's children (a particle: "goes on", "pointed out")."""
    heads = tree(t.doc).heads
    return t.doc[t.i + 1] if t.i + 1 < len(heads) and heads[t.i + 1] == t.i else None


def subtree_ends(t: Token) -> tuple[Token, Token]:
    """The first and last token of ``list(t.subtree)`` (spaCy's order), without walking the subtree when it
    is projective."""
    tr = tree(t.doc)
    if tr.proj[t.i]:
        return t.doc[tr.lo[t.i]], t.doc[tr.hi[t.i]]
    toks = list(t.subtree)
    return toks[0], toks[-1]


def subtree_max(t: Token) -> int:
    """The largest token index in t's subtree (``max(x.i for x in t.subtree)``)."""
    return tree(t.doc).hi[t.i]


def sent(t: Token) -> Span:
    """``t.sent``, without scanning the sentence."""
    s, e = tree(t.doc).sent_bounds(t.i)
    return t.doc[s:e]


def same_sent(a: Token, b: Token) -> bool:
    """Whether two tokens of one Doc lie in the same sentence (``a.sent == b.sent``)."""
    tr = tree(a.doc)
    return tr.sent_bounds(a.i) == tr.sent_bounds(b.i)


def forwards(t: Token, name: str, pred: Callable[[Token], bool], lo: int, hi: int) -> Iterator[Token]:
    """The tokens with index in [lo, hi) where ``pred`` holds, in order, found lazily (``name`` keys its
    table)."""
    tr = tree(t.doc)
    pos, toks = tr.positions(name, pred), tr.tokens
    k = bisect.bisect_left(pos, lo)
    while k < len(pos) and pos[k] < hi:
        yield toks[pos[k]]
        k += 1


def backwards(t: Token, name: str, pred: Callable[[Token], bool], lo: int, hi: int) -> Iterator[Token]:
    """The tokens with index in [lo, hi) where ``pred`` holds, nearest to ``hi`` first, found lazily
    (``name`` keys its table)."""
    tr = tree(t.doc)
    pos, toks = tr.positions(name, pred), tr.tokens
    k = bisect.bisect_left(pos, hi) - 1
    while k >= 0 and pos[k] >= lo:
        yield toks[pos[k]]
        k -= 1
