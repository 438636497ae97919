"""Reported (indirect) speech without quote marks: "X said (that) ...", "X believes ...", "according to X".

The content is the cue's clausal complement, as PolNeAR annotates it ("that" included). Statements that
already carry a quotation (direct, or a partial quote inside the clause) are left to ``quotes.py``.
"""
from __future__ import annotations

from spacy.tokens import Doc, Token

from onrecord.analyse import attribution as at
from onrecord.analyse.names import NameIndex
from onrecord.analyse.speakers import resolve
from onrecord.models import Quote, Segment

# Verbs whose to-infinitive complement is reported content ("vowed to repeal", "urged voters to ...").
XCOMP_CUES = {"promise", "pledge", "vow", "urge", "threaten", "ask", "call", "want", "hope", "plan", "refuse",
              "decline", "demand", "propose", "offer", "agree", "warn", "tell", "encourage", "order"}


def _edge_span(t: Token) -> tuple[int, int]:
    s, last = t.left_edge, t.right_edge
    return s.idx, last.idx + len(last)


def _overlaps(span: tuple[int, int], quotes: list[Quote]) -> bool:
    s, e = span
    return any(q.start < e and s < q.end for q in quotes)


def _inside(i: int, quotes: list[Quote]) -> bool:
    return any(q.start <= i < q.end for q in quotes if q.kind == "direct")


def _content(v: Token) -> tuple[int, int] | None:
    """The clausal complement of cue v: a ccomp (any position), else a to-infinitive for promise-like verbs."""
    for c in v.children:
        if c.dep_ == "ccomp":
            return _edge_span(c)
    if v.lemma_.lower() in XCOMP_CUES:
        for c in v.children:
            if c.dep_ == "xcomp" and c.i > v.i:
                return _edge_span(c)
    return None


def _according(t: Token) -> tuple[list[tuple[int, int]], Token | None] | None:
    """'according to X': the rest of the sentence is the content, X the source."""
    doc = t.doc
    if t.i + 1 >= len(doc) or doc[t.i + 1].lower_ != "to":
        return None
    cue = at.according_cue(t)
    sent = t.sent
    phrase_end = max((x.i for x in doc[t.i + 1].subtree), default=t.i + 1)
    if cue is not None and cue.speaker is not None:
        phrase_end = max(phrase_end, cue.speaker.right_edge.i)
    left = (sent.start_char, t.idx)
    right_tok = doc[phrase_end]
    right = (right_tok.idx + len(right_tok), sent.end_char)
    spans = [(s, e) for s, e in (left, right) if doc.text[s:e].strip(" ,.;:—–-\n\"“”")]
    if not spans:
        return None
    return spans, cue.speaker if cue else None


def reported_speech(doc: Doc, segments: list[Segment], quotes: list[Quote], index: NameIndex) -> list[Quote]:
    """Indirect attributions in the body and headline that no quotation already covers."""
    out: list[Quote] = []
    allowed = [(s.start, s.end) for s in segments if s.kind in ("body", "title")]
    if not allowed:
        return out
    tok_ok = {t.i for s, e in allowed for t in (doc.char_span(s, e, alignment_mode="expand") or [])}
    for t in doc:
        if t.i not in tok_ok or _inside(t.idx, quotes):
            continue
        spans: list[tuple[int, int]] | None = None
        speaker_tok: Token | None = None
        cue_range: tuple[int, int]
        if t.lower_ == "according":
            found = _according(t)
            if found is None:
                continue
            spans, speaker_tok = found
            cue_range = (t.idx, doc[t.i + 1].idx + len(doc[t.i + 1]))
            cue_text = "according to"
            conf = 0.75
        elif at.is_cue(t, ("speech", "belief")):
            content = _content(t)
            if content is None:
                continue
            spans = [content]
            speaker_tok = at.subject_of(t)
            if speaker_tok is None:
                continue
            cue_range = at.cue_span(t)
            cue_text = doc.text[cue_range[0]:cue_range[1]]
            conf = 0.7 if "speech" in at.cue_lexicon()[t.lemma_.lower()] else 0.5
        else:
            continue
        if not spans or _overlaps((spans[0][0], spans[-1][1]), quotes + out):
            continue
        sp = resolve(speaker_tok, index) if speaker_tok is not None else None
        s, e = spans[0][0], spans[-1][1]
        out.append(Quote(
            start=s, end=e, text=doc.text[s:e], kind="indirect", spans=spans,
            speaker=sp.name if sp else None,
            speaker_type=(sp.type if sp and sp.name else "unknown"),  # type: ignore[arg-type]
            on_behalf_of=sp.on_behalf_of if sp else None,
            speaker_mention=sp.mention if sp else None, speaker_span=sp.span if sp else None,
            cue=cue_text, cue_span=cue_range, confidence=round(conf * (0.6 + 0.4 * sp.confidence) if sp else 0.2, 3),
            clause_span=(s, e),
        ))
    return out
