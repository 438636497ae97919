"""HTML fragments built from offsets: an article with its quotes highlighted, word diffs between reports, search
terms marked.

Every piece of article text goes through ``esc`` (``html.escape``, and bidirectional controls shown instead of
applied); spans are cut into flat, non-nested pieces at every boundary, so overlapping or crossing quotes can never
break the markup.
"""
from __future__ import annotations

import difflib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from typing import Any

from markupsafe import Markup

import onrecord

PALETTE = 10  # colour classes c0..c9 in the stylesheet; unknown speakers get "cu"
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): a U+202E in a quote would show its words
# reversed. Marks (LRM, RLM, ALM) cannot reorder a run and are left alone.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def visible_controls(text: str) -> str:
    """The text with every bidirectional control replaced by a visible ``[U+202E]``, so none can reorder what a
    page shows (for plain text: template values, attributes, chart labels)."""
    return BIDI_CONTROLS.sub(lambda m: f"[U+{ord(m[0]):04X}]", text)


def esc(text: str) -> str:
    """HTML-escaped text whose bidirectional controls are shown, marked, instead of applied."""
    return BIDI_CONTROLS.sub(lambda m: f'<span class="ctl" title="a bidirectional control character in the text, '
                                       f'shown instead of applied">U+{ord(m[0]):04X}</span>', escape(text))


def speaker_label(q: Any) -> str | None:
    """The name a quote is credited to: the principal of a spokesperson, else the speaker, else the mention."""
    if getattr(q, "speaker_type", None) == "spokesperson" and getattr(q, "on_behalf_of", None):
        return str(q.on_behalf_of)
    return getattr(q, "speaker", None) or getattr(q, "speaker_mention", None)


def credited(q: Any) -> tuple[str | None, str | None]:
    """(name, entity id) of whom a quote is credited to: a spokesperson's principal, else the speaker (the
    mention as written when the speaker is not resolved; no id then)."""
    if getattr(q, "speaker_type", None) == "spokesperson" and getattr(q, "on_behalf_of", None):
        return str(q.on_behalf_of), getattr(q, "on_behalf_of_id", None)
    return speaker_label(q), getattr(q, "speaker_id", None) if getattr(q, "speaker", None) else None


def colour_key(q: Any) -> str:
    """What a quote is coloured by: the entity it is credited to when the linker resolved it, so "Jeremy Corbyn",
    "CORBYN" and "Labour boss" are one colour; else the name as written ("" for no speaker)."""
    name, entity_id = credited(q)
    return entity_id or name or ""


def speaker_colours(quotes: Iterable[Any]) -> dict[str, str]:
    """Colour class per speaker (``colour_key``), in order of first appearance in the article."""
    out: dict[str, str] = {}
    for q in sorted(quotes, key=lambda q: q.start):
        key = colour_key(q)
        if key and key not in out:
            out[key] = f"c{len(out) % PALETTE}"
    return out


def colour_legend(quotes: Iterable[Any]) -> list[tuple[str, str]]:
    """(name, colour class) per speaker coloured, as ``speaker_colours`` colours them; an entity under the name its
    first quote credits it by."""
    colours, names = speaker_colours(quotes), dict[str, str]()
    for q in sorted(quotes, key=lambda q: q.start):
        names.setdefault(colour_key(q), credited(q)[0] or "")
    return [(names[k], cls) for k, cls in colours.items()]


def quote_spans(q: Any) -> list[tuple[int, int]]:
    spans = getattr(q, "spans", None)
    return [(int(a), int(b)) for a, b in spans] if spans else [(int(q.start), int(q.end))]


@dataclass
class _Block:
    start: int
    end: int
    cls: str
    label: str | None


def _blocks(text: str, segments: Sequence[Any]) -> list[_Block]:
    """Segments in order, with any non-blank text between them kept as body blocks."""
    out: list[_Block] = []
    pos = 0
    for s in sorted(segments, key=lambda s: s.start):
        start, end = max(s.start, pos), min(s.end, len(text))
        if start >= end:
            continue
        if text[pos:start].strip():
            out.append(_Block(pos, start, "body", None))
        label = s.furniture if s.kind == "furniture" else None
        out.append(_Block(start, end, s.kind, label))
        pos = end
    if text[pos:].strip():
        out.append(_Block(pos, len(text), "body", None))
    return out


def span_anchor(start: int, end: int) -> str:
    """The element id of a highlighted character span (``/articles/ID?span=S-E#s-S-E``)."""
    return f"s-{int(start)}-{int(end)}"


def span_link(article_id: str, start: int, end: int) -> str:
    """A link to characters ``start:end`` of an article, highlighted and scrolled to."""
    return f"/articles/{article_id}?span={int(start)}-{int(end)}#{span_anchor(start, end)}"


Mark = tuple[str, str, Any]  # ("open" or "close", kind: q, cue, spk or focus, key: the quote id, 0 for focus)


def highlight_article(text: str, segments: Sequence[Any], quotes: Sequence[Any],
                      focus: tuple[int, int] | None = None, min_confidence: float = 0.0,
                      tones: Sequence[Any] = ()) -> Markup:
    """The article as paragraphs, each quote's words in a ``<mark>`` coloured by speaker (marked ``low`` when
    its confidence is under ``min_confidence``), furniture greyed; ``focus`` (a stance's or role's evidence span)
    is outlined and anchored as ``s-START-END``; each of ``tones`` (``ToneRecord``) marks its mention with its
    sentence's tone toward it (a ``tm-LABEL`` class and a title)."""
    colours = speaker_colours(quotes)
    low = {q.id for q in quotes if hasattr(q, "confidence") and not onrecord.shown_at(q, min_confidence)}
    by_id = {q.id: q for q in quotes}
    tone_marks = {t.id: (TONE_MARKS.get(t.label, "tm-neutral"), escape(visible_controls(tone_title(t))),
                         t.mention_end - t.mention_start) for t in tones}
    marks = _marks(len(text), quotes, focus, tones)
    anchor_at = _anchors(len(text), quotes, focus)
    cover = _Coverage(marks)
    out: list[str] = []
    for block in _blocks(text, segments):
        inner = cover.positions[bisect_right(cover.positions, block.start):bisect_left(cover.positions, block.end)]
        cuts = [block.start, *inner, block.end]
        attrs = f' data-furniture="{escape(visible_controls(block.label))}"' if block.label else ""
        out.append(f'<p class="seg {escape(block.cls)}"{attrs}>')
        if block.label:
            out.append(f'<span class="flabel">{esc(block.label.replace("_", " "))}</span>')
        for a, b in pairwise(cuts):
            cover.advance(a)
            while anchor_at and anchor_at[0][0] < b:  # a quote starting in a gap is anchored at the next piece
                out.append(f'<span class="anchor" id="{anchor_at.pop(0)[1]}"></span>')
            out.append(_piece(esc(text[a:b]), cover.active, by_id, colours, low, tone_marks))
        out.append("</p>")
    return Markup("".join(out))


TONE_MARKS = {"negative": "tm-negative", "neutral": "tm-neutral", "positive": "tm-positive"}


def tone_title(t: Any) -> str:
    """A tone mark's title in words: whose sentence, which tone toward whom, the score, and that a model read it."""
    whose = f"{t.holder}’s words" if t.holder else f"{t.outlet or 'the outlet'}’s own sentence"
    return (f"{t.label} tone toward {t.target} ({t.score:+.2f}, -1 to +1) in {whose}: the tone model’s reading, "
            f"not a fact")


def _marks(n: int, quotes: Sequence[Any], focus: tuple[int, int] | None, tones: Sequence[Any] = ()
           ) -> dict[int, list[Mark]]:
    """Where each quote's spans, cue and speaker, each tone's mention and the focus span open and close, clipped
    to the text."""
    marks: dict[int, list[Mark]] = {}

    def add(a: int, b: int, kind: str, key: Any) -> None:
        a, b = max(0, min(a, n)), max(0, min(b, n))
        if a < b:
            marks.setdefault(a, []).append(("open", kind, key))
            marks.setdefault(b, []).append(("close", kind, key))

    for q in quotes:
        for a, b in quote_spans(q):
            add(a, b, "q", q.id)
        if getattr(q, "cue_span", None):
            add(q.cue_span[0], q.cue_span[1], "cue", q.id)
        if getattr(q, "speaker_span", None):
            add(q.speaker_span[0], q.speaker_span[1], "spk", q.id)
    for t in tones:
        add(t.mention_start, t.mention_end, "tone", t.id)
    if focus is not None:
        add(focus[0], focus[1], "focus", 0)
    return marks


def _anchors(n: int, quotes: Sequence[Any], focus: tuple[int, int] | None) -> list[tuple[int, str]]:
    """(position, element id) of each quote's first character and of the focus span, in text order."""
    anchor_at = sorted((min(a for a, _ in quote_spans(q)), f"q-{int(q.id)}") for q in quotes)
    if focus is not None:
        anchor_at = sorted([*anchor_at, (max(0, min(focus[0], n)), span_anchor(*focus))])
    return anchor_at


class _Coverage:
    """Which quotes, cues, speakers and focus cover the text, as the marks are passed in order."""

    def __init__(self, marks: dict[int, list[Mark]]) -> None:
        self.marks = marks
        self.positions = sorted(marks)
        self.done = 0  # marks at positions[:done] are applied
        self.active: dict[str, dict[Any, int]] = {"q": {}, "cue": {}, "spk": {}, "focus": {}, "tone": {}}

    def advance(self, to: int) -> None:
        """Apply every mark at or before position ``to`` not yet applied."""
        while self.done < len(self.positions) and self.positions[self.done] <= to:
            for action, kind, key in self.marks[self.positions[self.done]]:
                bucket = self.active[kind]
                bucket[key] = bucket.get(key, 0) + (1 if action == "open" else -1)
                if bucket[key] <= 0:
                    del bucket[key]
            self.done += 1


def _piece(piece: str, active: dict[str, dict[Any, int]], by_id: dict[Any, Any], colours: dict[str, str],
           low: set[Any], tone_marks: dict[Any, tuple[str, str, int]] | None = None) -> str:
    """One flat run of escaped text with the classes of every span covering it; tone marks innermost, a mention
    inside a longer one ("Labour" in "the leftie Labour boss") inside its mark."""
    tm = tone_marks or {}
    for tid in sorted(active["tone"], key=lambda i: (tm[i][2], i)):
        cls, title, _ = tm[tid]
        piece = f'<span class="tm {cls}" title="{title}">{piece}</span>'
    qids = sorted(active["q"], key=lambda i: (i in low, by_id[i].end - by_id[i].start, i))
    extra = [c for c in ("cue", "spk", "focus") if active[c]]
    if qids:
        main = by_id[qids[0]]
        colour = colours.get(colour_key(main), "cu")
        cls = " ".join(["q", colour, *extra, *(["multi"] if len(qids) > 1 else []),
                        *(["low"] if main.id in low else [])])
        ids = " ".join(str(int(i)) for i in qids)
        return f'<mark class="{cls}" data-q="{int(main.id)}" data-qs="{ids}" tabindex="0">{piece}</mark>'
    if "focus" in extra:
        return f'<mark class="{" ".join(extra)}">{piece}</mark>'
    if extra:
        owner = next(iter(active[extra[0]]))
        return f'<span class="{" ".join(extra)}" data-q="{int(owner)}">{piece}</span>'
    return piece


_WORD = re.compile(r"\S+\s*")
_NORM = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2014": "-", "\u2013": "-"})


def _norm(token: str) -> str:
    """A word as compared: quotes and dashes unified, case and surrounding punctuation ignored."""
    word = token.strip().translate(_NORM).lower()
    return word.strip(".,;:!?'\"") or word


def word_diff(reference: str, other: str) -> Markup:
    """``other`` with the words it lacks from ``reference`` in ``<del>`` and the words it adds in ``<ins>``."""
    a, b = _WORD.findall(reference), _WORD.findall(other)
    sm = difflib.SequenceMatcher(None, [_norm(t) for t in a], [_norm(t) for t in b], autojunk=False)
    out: list[str] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            out.append(esc("".join(b[j1:j2])))
            continue
        if i2 > i1:
            out.append(f"<del>{esc(''.join(a[i1:i2]).rstrip())}</del> ")
        if j2 > j1:
            out.append(f"<ins>{esc(''.join(b[j1:j2]).rstrip())}</ins> ")
    return Markup("".join(out).rstrip())


def similarity(reference: str, other: str) -> float:
    """How much two wordings share, counting what either adds: the smaller of the share of ``reference``'s
    words found in ``other`` and the share of ``other``'s words found in ``reference`` (words compared as in
    ``word_diff``). A report that repeats a statement and adds 40 words of its own scores well under 1."""
    a = {_norm(t) for t in _WORD.findall(reference)}
    b = {_norm(t) for t in _WORD.findall(other)}
    if not a or not b:
        return 1.0 if a == b else 0.0
    shared = len(a & b)
    return round(min(shared / len(a), shared / len(b)), 2)


def highlight_terms(text: str, terms: str | None) -> Markup:
    """``text`` escaped, with each word of the search ``terms`` (whole words, any case) in ``<mark class=hit>``."""
    words = sorted({w for w in re.findall(r"\w+", terms or "") if w}, key=len, reverse=True)
    if not words:
        return Markup(esc(text))
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out += [esc(text[pos:m.start()]), f'<mark class="hit">{esc(m[0])}</mark>']
        pos = m.end()
    out.append(esc(text[pos:]))
    return Markup("".join(out))


def safe_url(url: str | None) -> str | None:
    """The URL when it is plain http(s), else None: article metadata never becomes a javascript: link."""
    if url and re.match(r"https?://[^\s\"'<>]+$", url.strip(), re.IGNORECASE):
        return url.strip()
    return None
