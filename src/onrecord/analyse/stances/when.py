"""When a stance speaks about: the time expression of the cue's own clause, else of the clause it shares its event
with.

A cue's own time expression dates it ("condemned the strike on Monday"). Without one, news grammar often states
the time once for two clauses that tell one event, and the cue takes that clause's time, read from the parse:
a relative clause of place or time on a noun of the dated clause ("appeared on a channel in 2013, where he
defended"), a verb conjoined without its own subject ("appeared in 2013 and praised"), a participle sharing
the subject, either way ("Speaking in 2014, she praised"; "appeared in 2014, praising"), a "when" clause of the
cue ("When the strike came in May, he condemned it"), "at the time" on a clause that depends on a dated one, and
the act of saying that reports the cue's clause ("said in 2011 that she opposed": her words of 2011).
Never across a sentence, and never from a clause that does not govern, or hang on, the cue's own.
"""
from __future__ import annotations

from spacy.tokens import Span, Token

from onrecord.analyse.attribution.cues import speech_act
from onrecord.analyse.dates import find_dates
from onrecord.analyse.stances.context import StanceContext

DateFound = tuple[str | None, tuple[int, int] | None]
SUBJECTS = ("nsubj", "nsubjpass", "csubj", "expl")
PARTICIPLES = ("VBG",)  # "speaking in 2014": one event; "elected in 2010" is a background, not the act
BOUNDS = frozenset({"since", "until", "till", "before"})  # a time that bounds a span is not the event's time
CLAUSE_LINKS = ("advcl", "relcl", "conj", "ccomp", "xcomp")


def cue_date(ctx: StanceContext, v: Token, sent: Span) -> tuple[str | None, tuple[int, int] | None, bool]:
    """The time expression the cue speaks about (its own clause's, else the clause it shares its event with: see
    the module), and whether the cue is in the future tense."""
    future = any(c.lower_ in ("will", "'ll", "shall") or c.tag_ == "MD" and c.lower_ == "would"
                 for c in v.children if c.dep_ == "aux")
    dated = _dates_by_verb(ctx, v, sent)
    found, seen = _own(v, dated), {v}
    if found[0] is None and v.dep_ == "xcomp":  # "refused to point the finger": the clause is the head's
        v = v.head
        seen.add(v)
    while found[0] is None and len(seen) < 5:
        deps, gov = _shared_event(v)
        found = next((dated[x] for x in deps if x in dated), (None, None))
        if found[0] is not None or gov is None or gov in seen:
            break
        seen.add(gov)
        v = gov
        found = _own(v, dated)
    return found[0], found[1], future


def _dates_by_verb(ctx: StanceContext, v: Token, sent: Span) -> dict[Token, DateFound]:
    """Each verb of the sentence (within the cue's paragraph) -> the first time expression that modifies it; not
    one that bounds a span ("since May, he has criticised": a claim about now, not about May)."""
    seg = ctx.seg(v.idx)
    out: dict[Token, DateFound] = {}
    for d in find_dates(sent.text):
        s = sent.start_char + d.start
        if not seg[0] <= s < seg[1]:
            continue
        span = ctx.doc.char_span(s, s + len(d.text), alignment_mode="expand")
        if span is None:
            continue
        t = span.root
        bounds = {x.lower_ for x in span} & BOUNDS
        while t.head.i != t.i and t.pos_ not in ("VERB", "AUX"):
            t = t.head
            bounds |= {t.lower_} & BOUNDS
        if not bounds:
            out.setdefault(t, (d.text, (s, s + len(d.text))))
    return out


def _own(v: Token, dated: dict[Token, DateFound]) -> DateFound:
    """The time expression of the cue's own clause: on the verb, on an open complement of it ("vowed to fight
    in May"), or, for such a complement, on the verb it completes."""
    for t in (v, *[x for x in v.children if x.dep_ == "xcomp"], *([v.head] if v.dep_ == "xcomp" else [])):
        if t in dated:
            return dated[t]
    return None, None


def _has_subject(v: Token) -> bool:
    return any(c.dep_ in SUBJECTS for c in v.children)


def _at_the_time(v: Token) -> bool:
    """The clause says "at the time": the time of the clause it depends on."""
    return any(c.dep_ == "prep" and c.lower_ == "at" and any(
        p.dep_ == "pobj" and p.lower_ == "time" and any(d.lower_ == "the" for d in p.children) for p in c.children)
        for c in v.children)


def _clause_verb(t: Token) -> Token | None:
    """The verb of the clause a noun sits in (the noun's heads up to the first verb)."""
    while t.head.i != t.i and t.pos_ not in ("VERB", "AUX"):
        t = t.head
    return t if t.pos_ in ("VERB", "AUX") else None


def _shared_event(v: Token) -> tuple[list[Token], Token | None]:
    """The clauses that tell the cue's event with it: its dependents (a subjectless participle, a "when" clause)
    and its governor where the link makes it the same event (relative clause of place or time, subjectless
    conjunct or participle, "at the time", the speech act that reports it)."""
    deps = [c for c in v.children if c.dep_ == "advcl" and (
        c.tag_ in PARTICIPLES and not _has_subject(c)
        or any(a.dep_ == "advmod" and a.lower_ == "when" for a in c.children))]
    gov: Token | None = None
    if v.dep_ == "relcl" and any(a.dep_ == "advmod" and a.lower_ in ("where", "when") for a in v.children):
        gov = _clause_verb(v.head)
    elif v.dep_ == "conj" and v.head.pos_ in ("VERB", "AUX") and not _has_subject(v):
        gov = v.head
    elif v.dep_ == "advcl" and v.tag_ in PARTICIPLES and not _has_subject(v):
        gov = _clause_verb(v.head)
    elif v.dep_ in CLAUSE_LINKS and _at_the_time(v):
        gov = _clause_verb(v.head)
    elif v.dep_ == "ccomp" and speech_act(v.head):  # "said in 2011 that she opposed": when she said it
        gov = v.head
    return deps, gov
