"""Reported (indirect) speech without quote marks: "X said (that) ...", "X told Y to ...", "according to X".

Only what a source said or wrote is a quote (issue 23): a verb of the speech class, done, with a subject that
can speak, and its clausal complement as content ("that" included, as PolNeAR annotates it). Beliefs,
perceptions and acts done to an object are not (``said`` is the one test, for the rules' and the learned step's
finds alike). Statements that already carry a quotation are left to ``quotes.py``.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from onrecord import data
from onrecord.analyse.attribution import cues as at
from onrecord.analyse.attribution.speakers import Proposal, decide_one
from onrecord.analyse.attribution.tree import children, sent, subtree_max
from onrecord.analyse.entities.names import GROUP_NOUNS, NameIndex, is_role_noun
from onrecord.analyse.intervals import Intervals
from onrecord.models import Quote, Segment

XCOMP_CUES = data.words("infinitive_cues")  # to-infinitive is content: "vowed to repeal"


def _edge_span(t: Token) -> tuple[int, int]:
    s, last = t.left_edge, t.right_edge
    return s.idx, last.idx + len(last)


def _content(v: Token) -> tuple[Token, tuple[int, int]] | None:
    """The clausal complement of cue v and its span: a ccomp (any position), else a to-infinitive for
    promise-like verbs."""
    kids = children(v)
    for c in kids:
        if c.dep_ == "ccomp":
            return c, at.clause_extent(c)
    if v.lemma_.lower() in XCOMP_CUES:
        for c in kids:
            if c.dep_ == "xcomp" and c.i > v.i:
                return c, _edge_span(c)
    return None


_ASIDE = {",", "--", "—", "–"}


def _parenthetical(v: Token) -> list[tuple[int, int]] | None:
    """The content around a cue set off by commas inside the clause it reports ("The toll will rise, Lopez said,
    unless the board finds more money"; "It is no accident, she said, that ..."): the parse hangs the cue on the
    reported clause (parataxis), so the content is that clause on both sides of the aside, not what follows it."""
    head = v.head
    if v.dep_ != "parataxis" or head.i >= v.i or head.pos_ not in ("VERB", "AUX"):
        return None
    subj = at.subject_of(v)
    if subj is None or subj.head.i != v.i or not at.can_speak(subj):
        return None
    kids = children(v)
    if any(c.dep_ in ("dobj", "xcomp", "dative") for c in kids):
        return None  # "..., she said nothing", "..., he told reporters": not an aside
    first = min(subj.left_edge.i, v.i)
    doc = v.doc
    if first == 0 or doc[first - 1].text not in _ASIDE:
        return None
    last = v.i  # the cue and what it alone governs right after it ("said on Tuesday") up to the closing comma
    while last + 1 < len(doc) and doc[last + 1].text not in _ASIDE and doc[last + 1].head.i == v.i and \
            doc[last + 1].dep_ in ("advmod", "npadvmod", "prep", "pobj", "prt") and not doc[last + 1].is_sent_end:
        last = subtree_max(doc[last + 1])
    end = max(subtree_max(head), subtree_max(v))
    own = [c for c in children(v) if c.i > last + 1 and c.dep_ not in ("ccomp", "punct")]
    if own:  # ", Cruz explained, recalling the time ...": the speaker's own act after the aside is no content
        end = min(end, own[0].left_edge.i - 1)
    text = at.doc_text(doc)
    spans = [(doc[head.left_edge.i].idx, doc[first - 1].idx)]
    if last + 1 < len(doc) and doc[last + 1].text in _ASIDE and last + 2 <= end:
        spans.append((doc[last + 2].idx, doc[end].idx + len(doc[end])))
    out = []
    for a, b in spans:
        while b > a and text[b - 1] in " ,.;:—–-\n":
            b -= 1
        if _WORDY.search(text, a, b):
            out.append((a, b))
    return out or None


def _according(t: Token) -> tuple[list[tuple[int, int]], Token | None] | None:
    """'according to X': the rest of the sentence is the content, X the source."""
    doc = t.doc
    if t.i + 1 >= len(doc) or doc[t.i + 1].lower_ != "to":
        return None
    cue = at.according_cue(t)
    where = sent(t)
    phrase_end = subtree_max(doc[t.i + 1])
    if cue is not None and cue.mention is not None:
        phrase_end = max(phrase_end, cue.mention.right_edge.i)
    left = (where.start_char, t.idx)
    right_tok = doc[phrase_end]
    right = (right_tok.idx + len(right_tok), where.end_char)
    text = at.doc_text(doc)
    spans = [(s, e) for s, e in (left, right) if _WORDY.search(text, s, e)]  # not only edge characters
    if not spans or all(_anaphor(doc, s, e) for s, e in spans):
        return None
    return spans, cue.mention if cue else None


def _anaphor(doc: Doc, s: int, e: int) -> bool:
    """Content that only points back at a claim made before ("That's according to a survey"): pronouns,
    auxiliaries and punctuation, no word of its own."""
    span = doc.char_span(s, e, alignment_mode="expand")
    return span is not None and all(t.pos_ in ("PRON", "AUX", "PART", "PUNCT", "SPACE", "DET") for t in span)


def _person_word(t: Token) -> bool:
    """A capitalised word the article uses elsewhere in a person's name ("Ryan:" after "Paul Ryan")."""
    if not t.is_title or t.is_stop:
        return False
    doc = t.doc
    key = (id(doc), len(doc), doc[-1].idx)
    words = _PERSON_WORDS.get(key)
    if words is None:
        _PERSON_WORDS.clear()
        words = _PERSON_WORDS[key] = {x.text for e in doc.ents if e.label_ == "PERSON" for x in e}
    return t.text in words


_WORDY = re.compile("[^ ,.;:—–\\-\n\"“”]")  # a character that ``str.strip(" ,.;:—–-\n\"“”")`` keeps
_PERSON_WORDS: dict[tuple[int, int, int], set[str]] = {}  # for the Doc last asked about


def _place(head: Span) -> bool:
    """A dateline ("NEW DELHI:", "Washington, DC, United States:"): every named word before the colon is a place,
    and a place does not speak."""
    named = [t for t in head if t.ent_type_ or t.pos_ == "PROPN"]
    return bool(named) and all(t.ent_type_ in ("GPE", "LOC") for t in named)


def _bare_name(head: Span) -> bool:
    """Whether the words before a colon are a bare name of at most four words, as a transcript or a headline
    writes a speaker ("Matthews:", "Paul Ryan:"), and not a phrase ("Update:", "Woman Steps Forward With Bombshell
    Claim:") that a headline's capitals make look like one."""
    return 1 <= len(head) <= 4 and not any(t.is_lower for t in head) and all(
        t.pos_ == "PROPN" or t.ent_type_ in ("PERSON", "ORG") or _person_word(t) or t.text in (".", "-")
        for t in head)


def headline_colon(doc: Doc, seg: Segment) -> tuple[Token, tuple[int, int], tuple[int, int]] | None:
    """Headline style "Name: what they said" -> (source head token, colon span, content span)."""
    text = at.doc_text(doc)
    k = text.find(":", seg.start, seg.end)
    if k < 0 or not text[k + 1: seg.end].strip():
        return None
    head = doc.char_span(seg.start, k, alignment_mode="expand")
    if head is None or not _bare_name(head):  # "Local Man Makes A Startling Claim:" is a headline's phrase
        return None
    names = [t for t in head if t.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or t.pos_ == "PROPN"
             or _person_word(t)]
    if not names or any(t.pos_ == "VERB" for t in head) or _place(head):
        return None
    s = k + 1
    while s < seg.end and text[s].isspace():
        s += 1
    return names[-1], (k, k + 1), (s, seg.end)


def speaker_colon(doc: Doc, seg: Segment) -> tuple[Token, tuple[int, int], tuple[int, int]] | None:
    """Transcript and Q&A style "Matthews: what he said" at a body paragraph's start: a bare name of at
    most four words (no other word, so "Update:" or "The upshot:" are not speakers) before a colon."""
    text = at.doc_text(doc)
    k = text.find(":", seg.start, min(seg.end, seg.start + 50))
    if k < 0 or not text[k + 1: seg.end].strip() or text[k + 1: k + 2] not in (" ", "\xa0"):
        return None
    head = doc.char_span(seg.start, k, alignment_mode="expand")
    if head is None or head.end_char != k or not _bare_name(head):
        return None
    if not any(t.ent_type_ in ("PERSON", "ORG") or _person_word(t) for t in head) or _place(head):
        return None
    s = k + 1
    while s < seg.end and text[s].isspace():
        s += 1
    return (head[-1], (k, k + 1), (s, seg.end)) if _finite(doc, s, seg.end) else None


_FINITE = {"VBD", "VBZ", "VBP", "MD"}


def _finite(doc: Doc, s: int, e: int) -> bool:
    """Whether the first sentence of text[s:e] has a finite verb: a transcript line is something said, a list
    after a name ("Name: Possession of ..., held in lieu of bond", a police blotter's charges) is not."""
    span = doc.char_span(s, e, alignment_mode="expand")
    if span is None or not len(span):
        return False
    first = sent(span[0])
    return any(t.tag_ in _FINITE for t in doc[span[0].i:min(first.end, span.end)])


def reported_speech(doc: Doc, segments: list[Segment], quotes: list[Quote], index: NameIndex) -> list[Quote]:
    """Indirect attributions in the body and headline that no quotation already covers."""
    out: list[Quote] = []
    allowed = [(s.start, s.end) for s in segments if s.kind in ("body", "title")]
    if not allowed:
        return out
    tok_ok = {t.i for s, e in allowed for t in (doc.char_span(s, e, alignment_mode="expand") or [])}
    covered = Intervals((q.start, q.end) for q in quotes)  # and, as they are found, the spans of ``out``
    direct = Intervals((q.start, q.end) for q in quotes if q.kind == "direct")
    for seg in segments:
        found = headline_colon(doc, seg) if seg.kind == "title" else speaker_colon(doc, seg) if (
            seg.kind == "body") else None
        if found is not None and not covered.overlaps(*found[2]):
            tok, colon, (s, e) = found
            covered.add(s, e)
            how = "headline_colon" if seg.kind == "title" else "speaker_colon"
            d = decide_one(Proposal(how, 0.5, tok), index)
            out.append(Quote(
                start=s, end=e, text=at.doc_text(doc)[s:e], kind="indirect", spans=[(s, e)],
                **d.quote_fields(speaker_span=(seg.start, colon[0])), cue=":", cue_span=colon,
                furniture="headline" if seg.kind == "title" else None, clause_span=(s, e)))
    for t in doc:
        if t.i not in tok_ok or direct.holds(t.idx):
            continue
        spans: list[tuple[int, int]] | None = None
        speaker_tok: Token | None = None
        cue_range: tuple[int, int]
        if t.lower_ == "according":
            acc = _according(t)
            if acc is None:
                continue
            spans, speaker_tok = acc
            cue_range = (t.idx, doc[t.i + 1].idx + len(doc[t.i + 1]))
            cue_text = "according to"
            conf = 0.75
        elif at.speech_act(t):
            around = _parenthetical(t)
            clause = _content(t) if around is None else None
            if around is not None:
                spans = around
            elif clause is None or not at.said(t, clause[0]):
                continue
            else:
                spans = [clause[1]]
            speaker_tok = at.subject_of(t)
            cue_range = at.cue_span(t)
            cue_text = at.doc_text(doc)[cue_range[0]:cue_range[1]]
            conf = 0.7
        else:
            continue
        if not spans or covered.overlaps(spans[0][0], spans[-1][1]):
            continue
        d = decide_one(Proposal("reported", conf, speaker_tok), index)
        s, e = spans[0][0], spans[-1][1]
        covered.add(s, e)
        out.append(Quote(
            start=s, end=e, text=at.doc_text(doc)[s:e], kind="indirect", spans=spans, **d.quote_fields(),
            cue=cue_text, cue_span=cue_range, clause_span=(s, e),
        ))
    return out


def said(doc: Doc, q: Quote) -> bool:
    """Whether an attribution records something a source said or wrote, the one test every reported quote passes
    (issue 23): quotations in marks, "according to" and "Name: ..." lines do; a verb's or a noun's complement
    only when ``cues.said`` holds for it; an "in a poll" phrase only when it names a statement or publication. Words
    outside quote marks, or a fragment in them, are a source's only through the attribution: one credited to no
    name and to no unnamed source of its own ("a campaign source", "officials") is no one's on record, nor one
    credited to a document alone ("according to a new poll"); a fragment whose cue is a verb of thinking or finding
    only is believed, not said; a question put to the speaker ("Asked whether ...") is the asker's."""
    if q.kind != "direct" and not q.speaker and (_points_back(doc, q.speaker_span) or _no_one(doc, q.speaker_span)):
        return False
    if q.kind == "partial" and q.cue_span is not None and _believed(doc, q.cue_span):
        return False
    if q.kind != "indirect" or q.cue in ("according to", ":") or q.cue_span is None:
        return True
    toks = doc.char_span(*q.cue_span, alignment_mode="expand")
    if toks is None:
        return False
    cue = toks[0]
    if _put_to(cue):
        return False
    if cue.dep_ == "parataxis" and _parenthetical(cue) is not None:
        return True  # "..., X said, ...": the act and its source are tested there
    if cue.lower_ == "in" and cue.dep_ == "prep":
        return any(c.dep_ == "pobj" and c.lemma_.lower() in at.SPEECH_NOUNS for c in children(cue))
    comp = _complement(cue, q.start, q.end)
    if comp is not None and comp.dep_ == "xcomp" and cue.lemma_.lower() in _ASPECT:
        return False  # "continues to be the favourite": a verb of saying by lexicon, here one of going on doing
    return comp is not None and at.said(cue, comp)


def _no_one(doc: Doc, mention: tuple[int, int] | None) -> bool:
    """Whether a source left without a speaker is a document or a figure, not a person or a body ("according to a
    new poll", "public filings", "an analysis", "a campaign TV ad"): such words are the writer's report of a finding,
    and a record of who said what has no one to credit them to. An unnamed person or group ("one witness",
    "officials") is the source itself."""
    span = doc.char_span(*mention, alignment_mode="expand") if mention else None
    if span is None or not len(span):
        return False
    head = span.root
    return not (head.pos_ in ("PROPN", "PRON") or head.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
                or is_role_noun(head) or head.lower_ in GROUP_NOUNS or head.lemma_.lower() in at.PEOPLE_NOUNS
                or head.lemma_.lower() in at.INSTITUTION_NOUNS)


def _believed(doc: Doc, cue_span: tuple[int, int]) -> bool:
    """Whether a fragment's cue is a verb of thinking or finding only ("thought the '...'", "found 'evidence'",
    "fears '...'"): the marks quote someone's words, but the sentence says its subject believes or perceives
    them, not that it said them, unless the belief is itself what a source said ("said he thought ...")."""
    toks = doc.char_span(*cue_span, alignment_mode="expand")
    verbs = [t for t in toks or [] if t.pos_ in ("VERB", "AUX") or t.tag_.startswith("VB")]
    if not verbs or not at.is_cue(verbs[-1], ("belief",)) or at.is_cue(verbs[-1], ("speech", "frame")):
        return False
    v = verbs[-1]  # "X said he wants 'a total shutdown'": a belief told is said, by the teller
    while v.dep_ in ("ccomp", "xcomp", "conj") and v.head.i != v.i:
        v = v.head
        if at.speech_act(v) and at.can_speak(at.subject_of(v)):
            return False
    return True


def _put_to(cue: Token) -> bool:
    """A past participle of saying with no subject or auxiliary of its own ("Asked whether ..., she said", "When
    told of the ruling, he ..."): the question or news was put to the main clause's subject, not said by it."""
    participle = cue.tag_ == "VBN" or (cue.tag_ == "VBD" and cue.dep_ in ("advcl", "acl"))  # "Asked" is tagged both
    return participle and not any(
        c.dep_ in ("nsubj", "nsubjpass", "csubj", "agent", "aux", "auxpass") for c in children(cue))


_DEFINITE = {"the", "this", "that", "these", "those"}
_ASPECT = {"continue", "begin", "start", "keep", "resume"}  # with a to-infinitive or -ing: going on doing, not saying


def _points_back(doc: Doc, mention: tuple[int, int] | None) -> bool:
    """Whether a speaker left without a name is missing or points back at a source the article names elsewhere
    (a pronoun, "the company", "the group"): the article gives the source and the record would not. An indefinite
    phrase ("a campaign source", "officials", "one witness") is the unnamed source itself."""
    if mention is None:
        return True
    span = doc.char_span(*mention, alignment_mode="expand")
    if span is None or not len(span):
        return True
    first = span[0]
    return first.pos_ == "PRON" or first.tag_ == "PRP$" or first.lower_ in _DEFINITE


def _complement(cue: Token, start: int, end: int) -> Token | None:
    """The complement of ``cue`` (a child, or the object of a child preposition) that covers most of
    text[start:end]."""
    best, most = None, 0
    for c in children(cue):
        for t in [c] + [x for x in children(c) if c.dep_ == "prep" and x.dep_ in ("pobj", "pcomp")]:
            lo, hi = _edge_span(t)
            n = min(hi, end) - max(lo, start)
            if n > most:
                best, most = t, n
    return best
