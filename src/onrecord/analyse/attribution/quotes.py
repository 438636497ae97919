"""Quotations of an article: quote marks, multi-paragraph statements, kinds, cues and speakers.

``extract_quotes(doc, segments)`` is the public entry point (a pure function of a parsed Doc and the
paragraph segments of ``onrecord.clean.segment``). It assembles: the quote marks give the candidates, the
cue finders, the continuation rules, reported speech and the learned step propose speakers, and
``speakers.decide`` decides each one. It never raises: a failure in one quotation drops that quotation's
attribution only (``strict=True`` raises instead), and every span it returns lies inside ``doc.text``.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from onrecord import data
from onrecord.analyse.attribution import cues as at
from onrecord.analyse.attribution.learned import (
    learned_attributions,
    refine_clauses,
    split_rule_output,
)
from onrecord.analyse.attribution.marks import (
    MarkSpan,
    scan_paragraph,
    starts_with_quote,
)
from onrecord.analyse.attribution.ranker import Context, Ranker, Spoken, shipped
from onrecord.analyse.attribution.reported import reported_speech, said
from onrecord.analyse.attribution.reported_confidence import title_like, with_confidence
from onrecord.analyse.attribution.speakers import (
    Decision,
    Proposal,
    Speaker,
    decide,
    decide_one,
    decide_ranked,
    speaker_fields,
)
from onrecord.analyse.attribution.tagged import tagged_cues
from onrecord.analyse.attribution.tree import children, sent
from onrecord.analyse.entities.names import NameIndex, build_name_index
from onrecord.models import Quote, Segment

log = logging.getLogger(__name__)
# How often the person the paragraph before is about speaks a bare quote paragraph that follows: in 34 of 91 such
# quotations of PolNeAR train the gold source names that person. A guess: below the web pages' 0.4 cut.
ABOUT = 0.37
NAMING_WORDS = data.words("naming_words")  # the word lists are data/words.toml
WORK_NOUNS = data.words("work_nouns")
SMALL_WORDS = frozenset("a an and at by for from in of on or the to with".split())  # lower case inside a title
SCARE_WORDS = 2  # a fragment this short that the text credits to nobody is a scare quote or a word mentioned
NAME_WORDS = 8  # the longest quotation read as a name, a title or a slogan


@dataclass
class _Cand:
    """A quotation candidate with its paragraph and what the attribution step found."""

    mark: MarkSpan
    seg: int
    kind: str
    furniture: str | None
    para_start: int
    para_end: int
    cue: at.Cue | None = None
    speaker: Speaker | None = None
    group: int | None = None
    confidence: float = 0.0
    clause: tuple[int, int] | None = None
    how: str = "none"

    def take(self, d: Decision) -> None:
        """Attribute the candidate as ``speakers.decide`` decided."""
        self.speaker, self.how, self.confidence = d.speaker, d.how, d.confidence


_SENTENCE_BREAK = re.compile(r"[.?!] +[A-Z]")  # a sentence ends and another begins inside the quote marks


def _kind(text: str, m: MarkSpan, para_start: int) -> str:
    """'direct' for a quoted sentence or paragraph, 'partial' for a fragment inside the writer's sentence."""
    content = text[m.start:min(m.end, m.start + 2000)].strip()
    letters = [c for c in content[:200] if c.isalpha()]
    if not letters:
        return "partial"
    upper = letters[0].isupper()
    before = text[max(para_start, m.open_at - 200):m.open_at].rstrip()  # bounded: paragraphs may be huge
    words = len(content.split())
    if not before and m.open_at - para_start <= 200:
        return "direct" if upper or words >= 6 else "partial"
    if before.endswith(":"):
        return "direct"
    if upper and before.endswith(",") and words >= 3:
        return "direct"
    ends = text[m.start:m.end].rstrip("”’\"' ")[-1:] in (".", "?", "!", ",")
    if upper and before[-1:] in (".", "?", "!") and (text[m.start:m.end].rstrip("”’\"' ")[-1:] in (".", "?", "!")
                                                      or _SENTENCE_BREAK.search(content) is not None):
        return "direct"  # a sentence quoted whole after the writer's sentence ("..." he asked. "I'm not changing.")
    if upper and ends and words >= 4 and (m.close_at is None
                                          or text[m.close_at + 1: m.close_at + 3].strip(" ") in ("", ",")
                                          or text[m.close_at - 1] in ",.?!"):
        return "direct"
    return "partial"


def _candidates(text: str, segments: list[Segment]) -> list[_Cand]:
    out = []
    for k, seg in enumerate(segments):
        s, e = max(0, seg.start), min(len(text), seg.end)
        if e <= s:
            continue
        fur = "headline" if seg.kind == "title" else (seg.furniture or "furniture") if seg.kind == "furniture" else None
        for m in scan_paragraph(text, s, e):
            if m.end > m.start and text[m.start:m.end].strip():
                out.append(_Cand(m, k, _kind(text, m, s), fur, s, e))
    return out


def _cue_proposals(doc: Doc, c: _Cand, prev_close: int, prev_seg: Segment | None,
                   quoted: list[tuple[int, int]]) -> Iterator[Proposal | None]:
    """The cue finders' proposals for one candidate, from its own sentence, most reliable first: for a
    direct quote the outro, the intro, a colon ending the paragraph before, the governing verb; for a
    partial one the governing verb, then a "Name:" intro."""
    m = c.mark
    para = (c.para_start, c.para_end)
    if c.kind == "direct":
        if m.close_at is not None:
            yield at.outro_cue(doc, m.close_at, c.para_end)
        yield at.intro_cue(doc, max(c.para_start, prev_close), m.open_at)
        if m.open_at == c.para_start and prev_seg is not None:
            prev_text = at.doc_text(doc)[prev_seg.start:prev_seg.end].rstrip()
            if prev_text.endswith(":"):
                cue = at.intro_cue(doc, prev_seg.start, prev_seg.end)
                if cue is not None:
                    cue.how = "prev_colon"
                yield cue
        yield at.tree_cue(doc, m.start, m.end, para, quoted)
    else:
        yield at.tree_cue(doc, m.start, m.end, para, quoted)
        cue = at.intro_cue(doc, max(c.para_start, prev_close), m.open_at)
        yield cue if cue is not None and cue.how == "colon" else None


def _attribute(doc: Doc, c: _Cand, index: NameIndex, prev_close: int, prev_seg: Segment | None,
               quoted: list[tuple[int, int]]) -> None:
    """Attribute one candidate from its own sentence: its cue and speaker, and a partial quote's clause."""
    d = decide(_cue_proposals(doc, c, prev_close, prev_seg, quoted), index, marked=True,
               quoted=(c.mark.start, c.mark.end))
    if d is None:
        return
    cue = c.cue = d.proposal
    c.take(d)
    m = c.mark
    if c.kind == "partial" and cue.verb is not None:
        c.clause = at.clause_span(cue, m.start, m.end)
    elif c.kind == "partial" and cue.how == "colon":  # "Name: Trump's view is 'dangerously wrong'"
        s = cue.end
        while s < m.open_at and at.doc_text(doc)[s].isspace():
            s += 1
        c.clause = (s, c.para_end)


def _prev_body(segments: list[Segment], k: int) -> int | None:
    j = k - 1
    while j >= 0 and segments[j].kind != "body":
        j -= 1
    return j if j >= 0 else None


def _about_subject(doc: Doc, seg: Segment, index: NameIndex) -> Decision | None:
    """The person a paragraph is about: the subject of its first sentence's main verb, when it has a name."""
    span = doc.char_span(seg.start, seg.end, alignment_mode="expand")
    if span is None:
        return None
    root = sent(span[0]).root
    subj = next((c for c in children(root) if c.dep_ == "nsubj"), None)
    if subj is None:
        return None
    d = decide_one(Proposal("about", ABOUT, subj), index, marked=True)
    sp = d.speaker
    ok = sp is not None and sp.name and sp.type in ("person", "spokesperson", "organisation", "group")
    return d if ok else None


def _link(doc: Doc, cands: list[_Cand], segments: list[Segment], index: NameIndex, ranker: Ranker) -> None:
    """Continuations: paragraphs that reopen a quote left open, bare quote paragraphs after a quote
    (same speaker, same group), and bare quote paragraphs after a paragraph about someone; where the speaker
    ranker covers the case (``speakers.decide_ranked``), it decides instead of the rule."""
    text = at.doc_text(doc)
    spoken: list[Spoken] = []
    quoted = [(o.mark.start, o.mark.end) for o in cands]
    group = 0
    last: _Cand | None = None  # the last attributed quotation of the body
    prev_cand: _Cand | None = None
    for c in cands:
        seg = segments[c.seg]
        pb = _prev_body(segments, c.seg) if seg.kind == "body" else None
        at_start = c.mark.open_at - c.para_start < 200 and not text[c.para_start:c.mark.open_at].strip()
        prev_in_seg = [prev_cand] if prev_cand is not None and prev_cand.seg == c.seg else []
        prev_cand = c
        prev = prev_in_seg[0] if prev_in_seg else None
        if prev is not None and prev.cue is not None and prev.cue.how == "outro" and prev.mark.close_at is not None \
                and prev.cue.end <= c.mark.open_at and c.mark.open_at - prev.mark.close_at < 100 \
                and text[prev.mark.close_at + 1:c.mark.open_at].rstrip().endswith(","):
            # “First half,” he said, “second half.” - one statement interrupted by its cue
            c.kind, c.cue, c.group, c.clause = prev.kind, prev.cue, prev.group, None
            c.take(_inherit(prev, prev.confidence, index))
        elif c.cue is None and seg.kind == "body" and c.kind == "direct":
            src, rule, route = None, None, "bare" if at_start else "inside"
            if prev_in_seg and prev_in_seg[-1].speaker is not None:
                src, conf, route = prev_in_seg[-1], 0.8, "same_para"
            elif at_start and pb is not None and last is not None and last.seg == pb and last.speaker is not None:
                src, conf, route = last, 0.75 if last.mark.close_at is None else 0.6, "prev_para"
            if src is not None:
                rule = _inherit(src, min(src.confidence, conf), index)
            elif at_start and pb is not None and starts_with_quote(text, c.para_start, c.para_end):
                rule, route = _about_subject(doc, segments[pb], index), "about"
            ctx = Context(c.seg, c.mark.start, c.mark.end, at_start, spoken)
            d = decide_ranked(doc, index, segments, ctx, quoted, ranker, route, rule)
            if d is not None and d is rule and src is not None:
                c.cue, c.group = src.cue, src.group
            elif d is not None and d.speaker is not None and last is not None and last.speaker is not None \
                    and d.speaker.name == last.speaker.name:
                c.cue, c.group = last.cue, last.group  # the last speaker goes on: one statement
            if d is not None:
                c.take(d)
        if c.speaker is not None and c.group is None:
            group += 1
            c.group = group
        if seg.kind == "body" and c.speaker is not None:
            last = c
            if c.speaker.name:
                spoken.append(Spoken(c.mark.start, c.seg, c.speaker.name, _head(doc, c.speaker.span),
                                     c.mark.close_at is None))


def _head(doc: Doc, span: tuple[int, int]) -> int | None:
    """The head token of the mention at character ``span``."""
    found = doc.char_span(span[0], span[1], alignment_mode="expand") if span[1] > span[0] else None
    return found.root.i if found is not None and len(found) else None


def _inherit(src: _Cand, score: float, index: NameIndex) -> Decision:
    """A continuation's decision: the speaker of the quotation it continues, at most that one's confidence."""
    return decide_one(Proposal("continuation", score, inherited=src.speaker), index, marked=True)


def _accuser(cands: list[_Cand], index: NameIndex) -> None:
    """A headline/caption/lead "X accused of '...'" without an agent: the accuser is, by news convention,
    the first other person the body quotes on it (low confidence)."""
    for c in cands:
        if c.speaker is not None or c.cue is None or c.cue.verb is None or c.kind != "partial":
            continue
        v = c.cue.verb
        target = next((x for x in children(v) if x.dep_ in ("nsubjpass", "nsubj")), None)
        if target is None or v.lemma_.lower() not in ("accuse", "criticise", "criticize", "brand", "attack", "slam",
                                                      "blast"):
            continue
        tname = target.text.lower()
        for o in cands:
            if o.furniture is None and o.speaker is not None and o.speaker.name and o.speaker.type == "person" \
                    and tname not in o.speaker.name.lower():
                c.take(decide_one(Proposal("accuser", 0.3, inherited=o.speaker), index, marked=True))
                break


def _names_something(doc: Doc, c: _Cand) -> bool:
    """Whether the quote marks hold a name, a title or a term rather than anyone's words: news puts marks around
    those too. They follow a word of naming ("so-called", "dubbed", "known as", "a group called", "the word"),
    or come right before a noun they name an instance of (the "..." campaign, show, book), or are a title-case
    run after a possessive (NBC's "Today", his "Art of the Deal"), or are a word or two the text credits to
    nobody (scare quotes: a writer who quotes someone's word says whose it is)."""
    text = at.doc_text(doc)
    m = c.mark
    words = text[m.start:m.end].split()
    if c.kind == "partial" and len(words) <= SCARE_WORDS and (c.speaker is None or not c.speaker.name):
        return True
    if c.kind == "partial" and title_like(text[m.start:m.end], text[max(c.para_start, m.open_at - 80):m.open_at]):
        return True  # a title-case run ("Twin Peaks"): its sentence's own clause may still be reported speech
    if len(words) > NAME_WORDS:
        return False
    before = _word_before(doc, m.open_at, c.para_start)
    if before is not None and before.lower_ in ("the", "a", "an"):
        before = _word_before(doc, before.idx, c.para_start)
    if before is not None and _naming(before):
        return True
    if m.close_at is not None and _before_work_noun(doc, text, m.close_at + 1, c.para_end):
        return True
    possessive = before is not None and (before.tag_ == "POS" or before.lower_ in ("'s", "’s"))
    return possessive and _title_case(words)


def _word_before(doc: Doc, at_char: int, lo: int) -> Token | None:
    """The last token that ends at or before ``at_char`` (and after ``lo``), spaces and quote marks skipped;
    only the 80 characters before are looked at, so a paragraph of many quotations costs no more per quotation."""
    lo = max(lo, at_char - 80)
    span = doc.char_span(lo, at_char, alignment_mode="contract") if at_char > lo else None
    toks = [t for t in span if not t.is_space and not t.is_quote] if span is not None else []
    return toks[-1] if toks else None


def _naming(t: Token) -> bool:
    """A word of naming before quote marks: a listed one ("dubbed", "so-called", "the word"), "known as", or
    "called"/"named" as a participle ("a group called", "was named"), not a speaker's verb ("he called it")."""
    low = t.lower_
    if low in NAMING_WORDS or (low == "called" and t.i > 0 and t.doc[t.i - 1].lower_ in ("so", "so-")):
        return True
    if low == "as" and t.i > 0 and t.doc[t.i - 1].lower_ == "known":
        return True
    if low in ("called", "named"):  # with a subject of its own it is someone's verb ("that Limbaugh called")
        deps = {x.dep_ for x in t.children}
        return "auxpass" in deps or (t.dep_ in ("acl", "amod") and not deps & {"nsubj", "nsubjpass"})
    return False


def _before_work_noun(doc: Doc, text: str, after: int, para_end: int) -> bool:
    """Whether a noun of ``WORK_NOUNS`` follows the closing mark directly (one modifying noun may come between:
    the "..." ad campaign), in the same sentence."""
    rest = text[after:min(para_end, after + 40)]
    found = re.match(r"[ \u00a0]+([a-z][\w-]*)(?:[ \u00a0]+([a-z][\w-]*))?", rest)
    if found is None:
        return False
    first, second = found.group(1), found.group(2)
    tok = doc.char_span(after + found.start(1), after + found.end(1), alignment_mode="expand")
    if tok is None or tok[0].pos_ not in ("NOUN", "PROPN"):
        return False
    if tok[0].lemma_.lower() in WORK_NOUNS or first in WORK_NOUNS:
        return True
    return second is not None and second in WORK_NOUNS


def _title_case(words: list[str]) -> bool:
    """Every word capitalised but the small ones inside (a title: "Good Morning America", "The Art of the Deal")."""
    letters = [w.strip("“”‘’\"'.,:;!?()") for w in words]
    letters = [w for w in letters if any(ch.isalpha() for ch in w)]
    return bool(letters) and all(w[0].isupper() or (k > 0 and w.lower() in SMALL_WORDS) for k, w in enumerate(letters))


def _to_quote(doc: Doc, c: _Cand) -> Quote:
    m, cue = c.mark, c.cue
    return Quote(
        start=m.start,
        end=m.end,
        text=at.doc_text(doc)[m.start:m.end],
        kind=c.kind,  # type: ignore[arg-type]
        spans=[(m.start, m.end)],
        **speaker_fields(c.speaker, c.confidence),  # decided with the speaker (0.0 when nobody is)
        cue=cue.text if cue else None,
        cue_span=(cue.start, cue.end) if cue else None,
        furniture=c.furniture,
        clause_span=c.clause,
        group=c.group,
    )


def extract_quotes(doc: Doc, segments: list[Segment], learned: bool = True, strict: bool = False,
                   model: dict | None = None, speech_only: bool = True, ranker: Ranker | None = None) -> list[Quote]:
    """Quotations in ``doc`` (direct, partial, indirect) with cue and resolved speaker.
    ``learned`` (default on) adds PolNeAR-style attributions of ``learned.py`` (stances, perceptions, plans:
    "X opposes Y", "X declined to comment") and lets its span model re-pick partial quotes' clauses.
    A failure is logged and loses one quotation's attribution (or, outside them, the document's quotations),
    never the article; with ``strict`` it raises instead (tests use it, so that a bug cannot hide).
    ``model`` replaces the shipped learned models (``learned.load_model()``): cross-validation passes each fold's.
    ``speech_only`` (default on) keeps only what a source said or wrote (``reported.said``); off, the beliefs,
    perceptions and stances PolNeAR also annotates are kept too, for measuring what the record leaves out.
    ``ranker`` replaces the shipped speaker ranker (``ranker.shipped()``): cross-validation passes each fold's, and
    ``Ranker(None)`` leaves the continuation rules deciding."""
    try:
        return _extract(doc, segments, learned=learned, strict=strict, model=model, speech_only=speech_only,
                        ranker=ranker)
    except Exception:
        if strict:
            raise
        log.exception("extract_quotes failed; returning no quotations for this document")
        return []


def _extract(doc: Doc, segments: list[Segment], indirect: bool = True, learned: bool = False,
             strict: bool = False, model: dict | None = None, speech_only: bool = True,
             ranker: Ranker | None = None) -> list[Quote]:
    text = at.doc_text(doc)
    segments = [s for s in segments if 0 <= s.start < s.end <= len(text)]
    cands = _candidates(text, segments)
    if not doc.has_annotation("DEP"):  # tokenised only (e.g. a text past the parser's limit): marks alone
        return [_to_quote(doc, c) for c in cands if c.kind == "direct"]
    # furniture and quoted words are never antecedents of a speaker pronoun
    skip = [(s.start, s.end) for s in segments if s.kind == "furniture"] + [(c.mark.start, c.mark.end) for c in cands]
    title = next(((s.start, s.end) for s in segments if s.kind == "title"), None)
    index = build_name_index(doc, skip, title)
    prev_close: dict[int, int] = {}
    for k, c in enumerate(cands):
        try:
            seg_prev = segments[c.seg - 1] if c.seg > 0 else None
            # the neighbouring quotations of the same paragraph hold no cue for this one
            others = [(o.mark.start, o.mark.end) for o in cands[max(0, k - 1): k + 2] if o is not c and o.seg == c.seg]
            _attribute(doc, c, index, prev_close.get(c.seg, c.para_start), seg_prev, others)
        except Exception:
            if strict:
                raise
            log.exception("attribution failed for a quotation at %d", c.mark.start)
        prev_close[c.seg] = (c.mark.close_at + 1) if c.mark.close_at is not None else c.mark.end
    _link(doc, cands, segments, index, ranker if ranker is not None else shipped())
    _accuser(cands, index)
    # A fragment in quote marks that nobody is credited with is a scare quote, a title or a name.
    keep = [c for c in cands if (c.kind == "direct" or c.cue is not None) and not _names_something(doc, c)]
    quotes = [_to_quote(doc, c) for c in keep]
    if indirect:
        reported = reported_speech(doc, segments, quotes, index)
        if learned:
            refine_clauses(doc, quotes, model)
            fixed, by_verb = split_rule_output(reported)
            quotes += fixed
            quotes += learned_attributions(doc, segments, quotes, by_verb, index, model)
        else:
            quotes += reported
    if speech_only:  # only what a source said or wrote is a quote (issue 23)
        quotes = [q for q in quotes if said(doc, q)]
    quotes = tagged_cues(doc, quotes)  # the attribution tagger's cue, where it ran (nlp.load_nlp runs it)
    quotes = with_confidence(doc, quotes)  # a reported quote's confidence: the measured precision of its kind
    quotes.sort(key=lambda q: (q.start, q.end))
    return quotes
