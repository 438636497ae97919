"""The attribution tagger's spans linked into attributions, and the cue it gives a reported quote.

The tagger (the spaCy component ``onrecord_attribution_v1``, ``nlp/attribution.py``) puts SOURCE, CUE and CONTENT
token spans on ``doc.spans``. Linking follows how news attributes: a content's cue is a tagged cue in the content's
own sentences (else in the sentence just before: "He said:" then the quote), the nearest one; its source is the
tagged source that holds the cue's grammatical subject, else the nearest tagged source in the cue's sentence.
Pieces of content linked to one cue form one (discontinuous) attribution, as in '"A," he said, "B."'.

What the record takes from it is the cue's extent (``tagged_cues``): on PolNeAR the tagger finds a reported
attribution's cue words more often than the rules, while the rules keep the content, the quotations in quote marks
and the speaker (``speakers.py`` decides it).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from spacy.tokens import Doc

from onrecord.models import Quote

ROLES = ("source", "cue", "content")
SPAN_GROUPS = {r: f"onrecord_{r}" for r in ROLES}  # the doc.spans group the tagger fills for each role
MIN_IOU = 0.5  # a quote and a tagged attribution are the same statement when their contents overlap this much


@dataclass
class Attribution:
    """A linked attribution of the tagger: content pieces, cue and source (character spans)."""

    content: list[tuple[int, int]]
    cue: tuple[int, int] | None = None
    source: tuple[int, int] | None = None
    tokens: list[tuple[int, int]] = field(default_factory=list)  # the content pieces as token spans


def tagged(doc: Doc) -> bool:
    """Whether the tagger ran on ``doc`` (its span groups are there)."""
    return all(g in doc.spans for g in SPAN_GROUPS.values())


def _token_spans(doc: Doc, role: str) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in doc.spans[SPAN_GROUPS[role]]] if SPAN_GROUPS[role] in doc.spans else []


def _chars(doc: Doc, a: int, b: int) -> tuple[int, int]:
    return doc[a].idx, doc[b - 1].idx + len(doc[b - 1])


def _subject(doc: Doc, cue: tuple[int, int]) -> int | None:
    for t in doc[cue[0]:cue[1]]:
        for c in t.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                return c.i
        if t.dep_ == "pobj" and t.head.lower_ == "to" and t.head.head.lower_ == "according":
            return None  # "according to X": X is the source, not a subject
    return None


def link(doc: Doc, spans: dict[str, list[tuple[int, int]]] | None = None) -> list[Attribution]:
    """The tagger's attributions in ``doc`` (see the module docstring); ``spans``: token spans per role to link
    instead of the doc's span groups."""
    spans = spans if spans is not None else {r: _token_spans(doc, r) for r in ROLES}
    if not spans["content"]:
        return []
    sent_of = {}
    for k, s in enumerate(doc.sents):
        for i in range(s.start, s.end):
            sent_of[i] = k
    cues, sources = spans["cue"], sorted(spans["source"])
    cues_in: dict[int, list[tuple[int, int]]] = {}
    sources_in: dict[int, list[tuple[int, int]]] = {}
    for c in cues:
        cues_in.setdefault(sent_of[c[0]], []).append(c)
    for x in sources:
        sources_in.setdefault(sent_of[x[0]], []).append(x)
    source_starts = [x[0] for x in sources]
    by_cue: dict[tuple[int, int], Attribution] = {}
    out: list[Attribution] = []
    for a, b in spans["content"]:
        if all(doc[i].is_space or doc[i].is_punct for i in range(a, b)):
            continue
        first, last = sent_of[a], sent_of[b - 1]
        near = [c for k in range(first, last + 1) for c in cues_in.get(k, [])]
        if not near:
            near = cues_in.get(first - 1, [])
        cue = min(near, key=lambda c: min(abs(c[0] - a), abs(c[0] - b))) if near else None
        if cue is not None and cue in by_cue:
            att = by_cue[cue]
        else:
            att = Attribution(content=[])
            if cue is not None:
                src = None
                subj = _subject(doc, cue)
                same = sources_in.get(sent_of[cue[0]], [])
                if subj is not None:  # one BIO layer: sources are sorted and never overlap
                    k = bisect_right(source_starts, subj) - 1
                    src = sources[k] if k >= 0 and subj < sources[k][1] else None
                if src is None:
                    src = min(same, key=lambda s: abs(s[0] - cue[0])) if same else None
                att.cue = _chars(doc, *cue)
                att.source = _chars(doc, *src) if src is not None else None
                by_cue[cue] = att
            out.append(att)
        att.tokens.append((a, b))
    marked = {i for a, b in cues + sources for i in range(a, b)}
    for att in out:
        att.tokens = _joined(doc, sorted(att.tokens), marked)
        att.content = [_chars(doc, a, b) for a, b in att.tokens]
    return out


def _joined(doc: Doc, pieces: list[tuple[int, int]], marked: set[int]) -> list[tuple[int, int]]:
    """Pieces of one content joined across a gap that holds no cue or source word and no line break: a
    statement is interrupted only by its attribution ('"A," he said, "B."'), so another gap is a tagging slip."""
    out: list[tuple[int, int]] = []
    for a, b in pieces:
        if out and not any(i in marked or "\n" in doc[i].text for i in range(out[-1][1], a)):
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def _overlap(x: list[tuple[int, int]], y: list[tuple[int, int]]) -> int:
    return sum(max(0, min(b, d) - max(a, c)) for a, b in x for c, d in y)


def _size(x: list[tuple[int, int]]) -> int:
    return sum(b - a for a, b in x)


def content_of(q: Quote) -> list[tuple[int, int]]:
    """A quote's content as PolNeAR scores it: a partial quote's whole reported clause, else its spans."""
    if q.kind == "partial" and q.clause_span:
        return [q.clause_span]
    return list(q.spans) if q.spans else [(q.start, q.end)]


class _Index:
    """The tagged attributions by where their content starts, to find those a quote overlaps without a scan."""

    def __init__(self, atts: list[Attribution]) -> None:
        self.atts = sorted((a for a in atts if a.content), key=lambda a: a.content[0][0])
        self.starts = [a.content[0][0] for a in self.atts]  # pieces are sorted: the first starts the extent
        self.longest = max((a.content[-1][1] - a.content[0][0] for a in self.atts), default=0)

    def near(self, start: int, end: int) -> list[Attribution]:
        """The attributions whose content's extent overlaps text[start:end]."""
        lo, hi = bisect_left(self.starts, start - self.longest), bisect_left(self.starts, end)
        return [a for a in self.atts[lo:hi] if a.content[-1][1] > start]


def best_match(q: Quote, index: _Index) -> Attribution | None:
    """The tagged attribution whose content overlaps the quote's most (intersection over union at least
    ``MIN_IOU``), or None."""
    mine = content_of(q)
    best, best_iou = None, 0.0
    for att in index.near(min(a for a, _ in mine), max(b for _, b in mine)):
        inter = _overlap(mine, att.content)
        if inter:
            iou = inter / (_size(mine) + _size(att.content) - inter)
            if iou > best_iou:
                best, best_iou = att, iou
    return best if best_iou >= MIN_IOU else None


def tagged_cues(doc: Doc, quotes: list[Quote]) -> list[Quote]:
    """The quotes with each reported or mixed one (not a quotation in marks) given the extent of the cue the
    tagger links to the same statement ("has said", "talking about"), where that cue overlaps the rules' own: the
    cue stays the words the speaker was found from (``speakers.py`` decided it, and it stays). Quotations in marks
    keep the rules' cue."""
    if not tagged(doc) or all(q.kind == "direct" for q in quotes):
        return quotes
    index = _Index(link(doc))
    text = doc.text
    for q in quotes:
        if q.kind == "direct" or q.cue_span is None:
            continue
        att = best_match(q, index)
        if att is None or att.cue is None:
            continue
        s, e = att.cue
        while s < e and not text[s].isalnum():  # a quote mark or comma tagged at the cue's edge
            s += 1
        while e > s and not text[e - 1].isalnum():
            e -= 1
        if s < q.cue_span[1] and q.cue_span[0] < e:
            q.cue_span, q.cue = (s, e), text[s:e]
    return quotes
