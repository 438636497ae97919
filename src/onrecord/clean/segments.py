"""Split an article's original text into paragraph segments and mark page furniture.

The text is never rewritten: each segment is a (start, end) span into it, one per non-blank line.
Furniture (captions, credits, related links, datelines ...) is marked, never removed, so analysis
can skip or flag it. Line-level cues live in ``furniture.py``; here they meet the line's context.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from onrecord.clean import furniture as fu
from onrecord.models import Segment

_LINE = re.compile(r"[^\n]+")
_HEAD_LINES = 8  # the headline sits within the first few lines (after skip links, kickers, datelines)
_CAPTION_MAX_WORDS = 80  # a caption block line longer than this is prose, whatever its neighbours
_ABSORB_MAX_WORDS = 50  # a line without its own caption cue joins a caption block only if this short
_DQUOTES = "\"“”„«»"


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Non-blank lines as (start, end) spans, trimmed of surrounding whitespace."""
    spans = []
    for m in _LINE.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


@dataclass
class _Doc:
    """The lines of one article with the facts the rules look at."""

    lines: list[str]
    gap: list[bool]  # gap[i]: a blank line separates line i from line i-1
    kinds: list[str | None]  # furniture kind per line, None for title/body
    title: int | None = None

    @property
    def blank_separated(self) -> bool:
        """Whether paragraphs are separated by blank lines (so adjacent lines belong together)."""
        pairs = len(self.lines) - 1
        return pairs >= 3 and sum(self.gap[1:]) >= 0.6 * pairs

    def free(self, i: int) -> bool:
        """Line i is not the title and not yet marked as furniture."""
        return 0 <= i < len(self.lines) and i != self.title and self.kinds[i] is None

    def is_kind(self, i: int, *kinds: str) -> bool:
        return 0 <= i < len(self.lines) and self.kinds[i] in kinds


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).casefold()
    s = s.translate(str.maketrans("‘’“”", "''\"\""))
    return " ".join(s.split())


def _same_headline(line: str, title: str) -> bool:
    """One contains the other and they are of comparable length (a headline with or without a site suffix)."""
    short, long_ = sorted((line, title), key=len)
    return len(short) >= 15 and short in long_ and len(short) >= 0.5 * len(long_)


def _find_title(doc: _Doc, title: str | None) -> None:
    """The headline: the first line not marked as furniture, skipping an all-caps kicker above it."""
    head = [i for i in range(min(len(doc.lines), _HEAD_LINES)) if doc.kinds[i] is None]
    if title is not None:
        want = _norm(title)
        found = next((i for i in head[:4] if _norm(doc.lines[i]) == want), None)
        if found is None:  # a page title often carries the site name: "Headline | The Sun"
            found = next((i for i in head[:4] if _same_headline(_norm(doc.lines[i]), want)), None)
        if found is not None:
            doc.title = found
            for i in head:
                if i < found and fu.is_kicker_like(doc.lines[i]):
                    doc.kinds[i] = fu.KICKER
        return
    for k, i in enumerate(head):
        nxt = head[k + 1] if k + 1 < len(head) else None
        if (
            nxt is not None
            and fu.is_kicker_like(doc.lines[i])
            and not fu.is_kicker_like(doc.lines[nxt])
            and not fu.has_final_punct(doc.lines[nxt])
        ):
            doc.kinds[i] = fu.KICKER
            continue
        doc.title = i
        return


def _repeated_captions(doc: _Doc) -> None:
    """A caption printed twice, the second time with a credit glued on, maybe with a gallery number between."""
    lines, n = doc.lines, len(doc.lines)
    for i in range(n):
        a = lines[i]
        if not (doc.free(i) or doc.is_kind(i, fu.CAPTION)) or fu.starts_with_quote(a) or len(a) < 15:
            continue
        j = i + 1
        counter = j < n and fu.is_counter(lines[j]) and not doc.gap[j]
        if counter:
            j += 1
        if j >= n or doc.gap[j] or not lines[j].startswith(a) or not (doc.free(j) or doc.is_kind(j, fu.CAPTION)):
            continue
        rest = lines[j][len(a):].strip()
        if (not rest and not fu.has_final_punct(a)) or fu.is_credit_only(rest):
            doc.kinds[i] = doc.kinds[j] = fu.CAPTION
            if counter:
                doc.kinds[i + 1] = fu.GALLERY_COUNTER


def _absorbable(line: str, max_words: int) -> bool:
    """A line that may be a caption by position alone: no quotation, no list intro, not long."""
    return (
        not fu.starts_with_quote(line)
        and not any(q in line for q in _DQUOTES)
        and not line.rstrip().endswith(":")
        and len(fu.words(line)) <= max_words
    )


def _caption_neighbours(doc: _Doc) -> None:
    """The line right above a lone credit is its caption; so are lines sharing a block with a caption."""
    lines, n = doc.lines, len(doc.lines)
    same_block = doc.blank_separated
    for i in range(1, n):
        above = lines[i - 1]
        picture_credit = doc.kinds[i] == fu.CREDIT and not fu.is_copyright(lines[i])
        if picture_credit and doc.free(i - 1) and _absorbable(above, _CAPTION_MAX_WORDS):
            if not doc.gap[i] or not fu.has_final_punct(above):
                doc.kinds[i - 1] = fu.CAPTION
    if not same_block:
        return
    start = 0
    for i in range(1, n + 1):
        if i < n and not doc.gap[i]:
            continue
        block = range(start, i)
        start = i
        pictures = [k for k in block if doc.is_kind(k, fu.CAPTION, fu.CREDIT) and not fu.is_copyright(lines[k])]
        if len(block) < 2 or not pictures:
            continue
        for k in block:
            line = lines[k]
            one_sentence = not re.search(r"[.!?] +[A-Z]", line)
            if doc.free(k) and one_sentence and _absorbable(line, _ABSORB_MAX_WORDS):
                doc.kinds[k] = fu.CAPTION


def _counters_and_cues(doc: _Doc) -> None:
    """Gallery numbers next to captions; unpunctuated lines with caption words ("pictured", "(L)")."""
    for i, line in enumerate(doc.lines):
        if not doc.free(i):
            continue
        if fu.is_counter(line):
            if doc.is_kind(i - 1, fu.CAPTION, fu.CREDIT) or doc.is_kind(i + 1, fu.CAPTION, fu.CREDIT):
                doc.kinds[i] = fu.GALLERY_COUNTER
        elif fu.has_caption_cue(line) and not fu.has_final_punct(line) and _absorbable(line, _ABSORB_MAX_WORDS):
            doc.kinds[i] = fu.CAPTION


def _related_runs(doc: _Doc) -> None:
    """Other articles' headlines between paragraphs: a run next to a "WATCH:"/"Related" line, or a short
    run of two to six stand-alone headline paragraphs (each its own paragraph, names in it, no prices)."""
    lines, n = doc.lines, len(doc.lines)
    first_body = next(
        (i for i in range(n) if doc.free(i) and fu.has_final_punct(lines[i]) and len(fu.words(lines[i])) >= 4), n
    )
    cand = [i > first_body and doc.free(i) and fu.is_headline_like(lines[i]) for i in range(n)]
    i = 0
    while i < n:
        if not cand[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and cand[j + 1]:
            j += 1
        run = range(i, j + 1)
        i = j + 1
        if run.start > 0 and lines[run.start - 1].rstrip().endswith(":"):
            continue  # the items of a list its previous line introduces
        if doc.is_kind(run.start - 1, fu.RELATED_LINK) or doc.is_kind(run.stop, fu.RELATED_LINK):
            ok = True
        elif doc.blank_separated:  # each headline its own paragraph, as the article's paragraphs are
            own_paragraphs = all(doc.gap[k] for k in range(run.start, run.stop + 1) if k < n)
            ok = 2 <= len(run) <= 6 and own_paragraphs and all(fu.is_other_headline(lines[k], False) for k in run)
        else:  # one paragraph per line: only a short run with prose on both sides
            prose = [k for k in (run.start - 1, run.stop) if 0 <= k < n]
            ok = (
                2 <= len(run) <= 4
                and all(fu.is_other_headline(lines[k]) for k in run)
                and all(doc.free(k) and fu.has_final_punct(lines[k]) for k in prose)
            )
        if ok:
            for k in run:
                doc.kinds[k] = fu.RELATED_LINK


def _topic_lists(doc: _Doc) -> None:
    """Short unpunctuated lines under a "Topics"/"Tags" header are the topic list."""
    for i in range(1, len(doc.lines)):
        line = doc.lines[i]
        if (
            doc.is_kind(i - 1, fu.TOPICS)
            and doc.free(i)
            and len(fu.words(line)) <= 6
            and not fu.has_final_punct(line)
            and not fu.starts_with_quote(line)
        ):
            doc.kinds[i] = fu.TOPICS


def segment(text: str, title: str | None = None) -> list[Segment]:
    """Paragraph segments of ``text`` (one per non-blank line) with the headline and page furniture marked.

    The title is the first line that is not furniture; when ``title`` is given, the head line equal to it.
    """
    spans = paragraphs(text)
    lines = [text[s:e] for s, e in spans]
    gap = [False] + [text.count("\n", spans[k - 1][1], spans[k][0]) >= 2 for k in range(1, len(spans))]
    doc = _Doc(lines, gap, [fu.pattern_kind(line) for line in lines])
    _find_title(doc, title)
    _repeated_captions(doc)
    _caption_neighbours(doc)
    _counters_and_cues(doc)
    _related_runs(doc)
    _topic_lists(doc)
    segs = []
    for k, (s, e) in enumerate(spans):
        if k == doc.title:
            segs.append(Segment(s, e, "title"))
        elif doc.kinds[k] is not None:
            segs.append(Segment(s, e, "furniture", doc.kinds[k]))
        else:
            segs.append(Segment(s, e, "body"))
    return segs
