"""Stance finders over reporting sentences: cue verbs, frames and nominal cues.

Cue verbs ("condemned X", "sided with X", "X was accused of ..."), frames ("branded X a 'dangerous
escalation'") and nominal cues ("his criticism of X", "issued a condemnation of X"): each finder takes one
token and returns the stances it heads (docs/stances.md, "Where stances come from", 1-3).
"""
from __future__ import annotations

from spacy.tokens import Token

from onrecord.analyse.attribution.cues import headline_passive
from onrecord.analyse.stances.clauses import (
    about_of,
    agent_of,
    cue_objects,
    cue_subject,
    double_negative,
    embedded_holder,
    is_conditional,
    is_generic,
    is_guessed,
    is_hedged,
    is_hypothetical,
    is_negated,
    is_question,
    is_requested,
    is_unrealised,
    negated_governor,
    para_subject,
    under_denial,
)
from onrecord.analyse.stances.context import Holder, StanceContext, Voice, quote_holder
from onrecord.analyse.stances.holders import (
    addressee_targets,
    antecedent,
    holder_of,
    make_stances,
    resolved_person,
    voice_of,
)
from onrecord.analyse.stances.lexicon import (
    FRAME_VERBS,
    HOSTILE_ACTS,
    LIGHT_VERBS,
    NEGATORS,
    cues,
    evaluation_label,
    labels,
    match_cue,
    polarity_of,
    speech_act,
)
from onrecord.analyse.stances.targets import Target, targets_of
from onrecord.analyse.textcache import doc_text
from onrecord.models import OUTLET, Quote, Stance


def cue_stances(ctx: StanceContext, t: Token) -> list[Stance]:
    """A cue verb's stances: holder from the subject (the passive's agent, the accuser of an embedded stance,
    the quote it reports), targets from the objects; none when hypothetical or requested."""
    m = match_cue(t)
    if m is None:
        return []
    label, parts = m
    kq = _reported_quote(ctx, t)
    quote = ctx.quote_around(t.idx)
    if _not_asserted(ctx, t, label) or (label == "threaten" and not _threat(t)):
        return []
    if t.lemma_.lower() == "ask" and kq is not None and ctx.quotes[kq].text.rstrip(" \"'”’").endswith("?"):
        return []  # asked, "Could it ...?": the quote is a question, not an appeal
    if label == "refuse" and any(c.dep_ in ("xcomp", "dobj") and (speech_act(c) or _withholds(c) or _interview(c))
                                 for c in t.children):
        return []  # "declined to comment", "refused to discuss the matter": no position stated
    if _legal_plea(t) or _retreat(t) or _called_contest(t) or _electoral_challenge(t) or scare_quoted(t) \
            or double_negative(t):
        return []
    subj, passive = _cue_subject(ctx, t)
    if subj is not None and not passive and is_generic(antecedent(subj), t):
        return []
    passive = passive or (subj is not None and (headline_passive(t) or (t.tag_ == "VBN" and agent_of(t) is not None)))
    reported: Voice | None = None
    if passive:
        objs = [subj] if subj is not None else []
        holder = _passive_holder(ctx, t, quote, kq if kq is not None else _same_cue(ctx, t))
    else:
        objs = cue_objects(t, parts)
        holder, reported = _active_holder(ctx, t, subj, quote, kq)
    if holder is None or holder[0] is None:
        return []
    if label in ("urge", "demand"):  # "we ask that you condemn X": the ccomp's subject
        objs = _urged(ctx, t) or objs
    tgs = _object_targets(ctx, objs, quote)
    if not tgs and any(o.lower_ in PERSON_OBJECTS for o in objs):
        return []  # "are backing them up": toward someone the sentence does not name
    negated = is_negated(t)
    voice, k = voice_of(ctx, t, holder, label, negated)
    if reported is not None:
        voice = reported
    return make_stances(ctx, t, label, holder, tgs, "cue", negated, voice, k, about_of(t, label))


INFO_VERBS = frozenset({"provide", "give", "release", "reveal", "disclose", "share", "identify", "name", "specify",
                        "elaborate", "confirm", "detail"})  # what "declined to ..." withholds: information
INFO_NOUNS = frozenset({"detail", "details", "specifics", "documentation", "information", "comment", "comments",
                        "name", "names", "identity", "figure", "figures", "explanation", "price", "amount", "cost",
                        "number", "numbers", "sum", "total", "estimate"})
SEVERAL = frozenset({"both", "all", "each", "many", "most", "some"})  # a subject standing for several people
PERSON_OBJECTS = frozenset({"him", "her", "them", "us"})
PRESS_ASKS = frozenset({"interview", "comment"})  # "declined an interview request", "declined requests for comment"
CONTESTS = frozenset({"race", "election", "contest", "primary", "caucus", "state"})  # what a network "calls"
QUOTE_MARKS = frozenset("\"'“”‘’")
PLEAS = frozenset({"guilty", "innocent", "contest"})  # "pleaded guilty", "pleads not guilty", "no contest"
RETREATS = frozenset({"off", "down", "away"})  # "backed off", "backed down": a retreat ("lashed out at" is a cue)


def _withholds(c: Token) -> bool:
    """A refused act that withholds information ("declined to release any figures or details", "refused
    to name the donors", "declined to elaborate"): the refusal of a comment, no position on anyone."""
    if c.dep_ != "xcomp" or c.lemma_.lower() not in INFO_VERBS:
        return False
    objs = [o for o in c.children if o.dep_ in ("dobj", "dative")]
    return not objs or any(o.lemma_.lower() in INFO_NOUNS or o.lower_ in INFO_NOUNS or any(
        m.dep_ == "compound" and m.lower_ in INFO_NOUNS for m in o.children) for o in objs) or \
        c.lemma_.lower() in ("elaborate", "specify", "disclose", "identify", "name")


def _interview(c: Token) -> bool:
    """A refused interview ("declined an interview request", "declined requests for comment"): a refusal to
    speak to the press, which states no position on anyone."""
    if c.dep_ != "dobj":
        return False
    nouns = [c, *[m for m in c.children if m.dep_ == "compound"],
             *[p for m in c.children if m.dep_ == "prep" and m.lower_ == "for" for p in m.children if p.dep_ == "pobj"]]
    return any(n.lemma_.lower() in PRESS_ASKS for n in nouns)


def _called_contest(t: Token) -> bool:
    """News "calls" a race for the one who won it ("networks calling the race for the senator"): a projection,
    no appeal."""
    return t.lemma_.lower() == "call" and any(c.dep_ == "dobj" and c.lemma_.lower() in CONTESTS for c in t.children)


MATTER_PREPS = frozenset({"over", "on", "about", "to"})  # "challenged him over his comments", "... to a debate"


def _electoral_challenge(t: Token) -> bool:
    """"Challenge" with a person as its object and no matter it challenges them on ("is challenging Rep. Jane
    Miller in the primary", "challenging Reed for the Senate seat"): news writes a run against an office holder
    so; questioning someone names what is questioned ("challenged him over", "challenged her claim", "challenged
    him to debate")."""
    if t.lemma_.lower() != "challenge" or t.pos_ != "VERB":
        return False
    if any(c.dep_ in ("xcomp", "ccomp") or (c.dep_ == "prep" and c.lower_ in MATTER_PREPS) for c in t.children):
        return False
    return any(c.dep_ == "dobj" and (c.ent_type_ == "PERSON" or any(
        m.ent_type_ == "PERSON" for m in c.subtree)) and c.pos_ == "PROPN" for c in t.children)


def scare_quoted(t: Token) -> bool:
    """The cue word stands alone in quotation marks (his "endorsement" of me): news puts a single word in quotes to
    keep its distance from it, or to give it as someone else's word, so it is no stance the text asserts."""
    text, a, b = doc_text(t.doc), t.idx, t.idx + len(t.text)
    return 0 < a and b < len(text) and text[a - 1] in QUOTE_MARKS and text[b] in QUOTE_MARKS


def _legal_plea(t: Token) -> bool:
    """A plea in court ("pleaded guilty to illegal lobbying", "I'll plead guilty", "pleaded no contest") is no
    appeal to anyone: "plead" whose complement is guilty, innocent or no contest."""
    return t.lemma_.lower() == "plead" and any(c.lemma_.lower() in PLEAS or c.lower_ in PLEAS
                                               for c in t.children if c.dep_ != "nsubj")


def _retreat(t: Token) -> bool:
    """A cue verb with a particle of withdrawal ("Berlin backed off", "backed down", "backed away from") names a
    retreat, not the verb's stance, unless the cue is that phrasal verb itself."""
    m = match_cue(t)
    adjacent = ("prep", "advmod")  # "backed off the plan": the parse may read the particle as a preposition
    return (m is None or len(m[1]) == 1) and any(
        c.lower_ in RETREATS and (c.dep_ == "prt" or (c.i == t.i + 1 and c.dep_ in adjacent)) for c in t.children)


def _reported_quote(ctx: StanceContext, t: Token) -> int | None:
    """The index of the quote this verb is the reporting cue of, unless its speaker is in another paragraph
    (the parse ran across a paragraph break)."""
    kq = ctx.cue_quote(t)
    sp = ctx.quotes[kq].speaker_span if kq is not None else None
    if sp and t.sent.start_char <= sp[0] < t.sent.end_char and ctx.seg(sp[0]) != ctx.seg(t.idx):
        return None
    return kq


def _not_asserted(ctx: StanceContext, t: Token, label: str) -> bool:
    """Whether the cue states no stance: hypothetical ("would consider supporting"), requested, conditional ("if
    true, X condemned"), asked ("Did X condemn ...?"), hedged by the writer ("reportedly backed"), reported under
    a denied speech act ("did not say he backs"), or a negator of another cue ("refused to blame X": the negated
    blame carries it)."""
    if is_hypothetical(t) or is_requested(ctx, t) or is_question(ctx, t) or is_hedged(t) or under_denial(t) \
            or is_unrealised(t) or is_guessed(t):
        return True
    if is_conditional(t, threat=label in ("threaten", "warn")):
        return True
    return t.lemma_.lower() in NEGATORS and any(c.dep_ == "xcomp" and match_cue(c) for c in t.children)


def _threat(t: Token) -> bool:
    """A vow or promise is a threat only when what it commits to harms ("vowed to bomb 52 sites", "vowed
    revenge"); "vowed to seek full equality" is a pledge. "threaten" itself always is."""
    if t.lemma_.lower() == "threaten":
        return True
    for c in t.children:
        m = match_cue(c) if c.dep_ in ("xcomp", "ccomp") else None
        if c.dep_ in ("xcomp", "ccomp") and (c.lemma_.lower() in HOSTILE_ACTS or
                                             (m is not None and labels()[m[0]].polarity < 0)):
            return True
        if c.dep_ in ("dobj", "xcomp", "ccomp") and polarity_of(list(c.subtree))[0] < 0:
            return True
    return False


def _cue_subject(ctx: StanceContext, t: Token) -> tuple[Token | None, bool]:
    """The cue's subject and whether it is passive; a subjectless main verb (or its xcomp) takes the
    paragraph's subject. A subjectless participle clause takes its main clause's subject, as English grammar
    reads it ("he repeated his plans ..., warning voters": he warned; not the last name before it, "the United States"),
    and a past participle one is passive ("when asked to condemn": the one asked is not the one asking)."""
    subj, passive = cue_subject(ctx, t)
    if subj is None:
        top = t
        while top.dep_ == "xcomp" and top.head.i != top.i:
            top = top.head
        if top.dep_ == "advcl" and top.head.i != top.i and top.tag_ in ("VBG", "VBN") \
                and not any(c.dep_ in ("nsubj", "nsubjpass") for c in top.children):
            if top.tag_ == "VBN":
                return None, True
            if _set_off(top):  # no comma: a noun's own participle the parse attached to the verb ("Reed endorsing")
                return cue_subject(ctx, top.head)[0], False
        if top.dep_ in ("ROOT", "advcl", "conj") and not any(c.dep_ in ("nsubj", "nsubjpass") and ctx.same_para(c, top)
                                                             for c in top.children):
            subj = para_subject(ctx, top)
    return subj, passive


def _set_off(v: Token) -> bool:
    """A participle clause set off from its main clause: it opens the sentence or follows a comma. (A dash is left
    out: its one judged case, in the sample, is right, but the sample's seed gold has no row for it.)"""
    left = v.left_edge
    return left.i == left.sent.start or v.doc[left.i - 1].text == ","


def _passive_holder(ctx: StanceContext, t: Token, quote: Quote | None, kq: int | None) -> Holder | None:
    """The holder of a passive cue: its "by" agent, else the speaker of the quote it reports (None: no one)."""
    agent = agent_of(t)
    if agent is not None:
        return holder_of(ctx, agent, quote)
    if kq is not None and ctx.quotes[kq].speaker:
        return quote_holder(ctx.quotes[kq])
    return None


def _active_holder(ctx: StanceContext, t: Token, subj: Token | None, quote: Quote | None,
                   kq: int | None) -> tuple[Holder | None, Voice | None]:
    """The holder of an active cue (its subject, the speaker of the quote it reports, or the holder of an
    embedded stance) and, for an embedded stance, who reports it (the accuser, else the outlet)."""
    if subj is None:
        emb, gov = embedded_holder(ctx, t)
        if emb is None:
            return (quote_holder(ctx.quotes[kq]) if kq is not None else None), None
        holder = holder_of(ctx, emb, quote)
        accuser = cue_stances(ctx, gov) if gov is not None else []
        reported = (accuser[0].holder, accuser[0].holder_type) if accuser and accuser[0].holder else (OUTLET, "outlet")
        return holder, reported
    if kq is not None and ctx.quotes[kq].speaker and quote is None:
        return quote_holder(ctx.quotes[kq]), None
    return holder_of(ctx, subj, quote), None


def _urged(ctx: StanceContext, t: Token) -> list[Token]:
    """For "urge"/"demand" ("we ask that you condemn X"): the subject of its last clausal complement that has
    one, as the object."""
    objs: list[Token] = []
    for c in t.children:
        if c.dep_ == "ccomp":
            s, _ = cue_subject(ctx, c)
            if s is not None:
                objs = [s]
    return objs


def _object_targets(ctx: StanceContext, objs: list[Token], quote: Quote | None) -> list[Target]:
    """The targets the cue's objects denote: "you" in a quote is its addressee; bare pronouns are skipped."""
    tgs: list[Target] = []
    for o in objs:
        # "Gulen, the preacher whom Erdogan accuses"; "who" for "whom" as the object ("Trump, who he blasted")
        o = antecedent(o) if o.lower_ == "whom" or o.lower_ == "who" and o.dep_ == "dobj" else o
        if o.lower_ in ("it", "this", "that", "them", "which", "what"):
            continue
        if o.lower_ == "you" and quote is not None:
            tgs += addressee_targets(ctx, quote, o)
            continue
        tgs += targets_of(o, ctx.index, ctx.lead)
    return tgs


def _same_cue(ctx: StanceContext, v: Token) -> int | None:
    """An agentless passive ("X has been accused of ...") restates an attributed accusation made elsewhere in
    the article with the same verb: the index of that quote, whose speaker is the holder."""
    subj, _ = cue_subject(ctx, v)
    names = {subj.lower_} if subj is not None else set()
    if subj is not None and subj.pos_ == "PRON":  # "He was accused": the person the pronoun stands for
        person = resolved_person(ctx, subj)
        names = {person.split()[-1].lower()} if person else set()
    for k, q in enumerate(ctx.quotes):
        if not (q.speaker and q.cue and q.cue_span):
            continue
        span = ctx.doc.char_span(*q.cue_span, alignment_mode="expand")
        if span is not None and span.root.lemma_.lower() == v.lemma_.lower() and q.speaker_type != "unknown" \
                and q.furniture in (None, "headline", "title") and ctx.in_body(q.start) \
                and names & {x.lower_ for x in span.root.sent}:
            return k
    return None


def frame_stances(ctx: StanceContext, t: Token) -> list[Stance]:
    """"branded X (as) a 'dangerous escalation'", "calling X 'a threat'": the complement's polarity."""
    if t.lemma_.lower() not in FRAME_VERBS or t.pos_ != "VERB":
        return []
    obj = next((c for c in t.children if c.dep_ == "dobj"), None)
    comp: list[Token] = []
    for c in t.children:
        if c.dep_ in ("oprd", "xcomp", "ccomp") or (c.dep_ == "prep" and c.lower_ == "as"):
            comp += list(c.subtree)
    if obj is not None:
        for g in obj.children:
            if g.dep_ in ("appos", "acl") or (g.dep_ == "prep" and g.lower_ == "as"):
                comp += list(g.subtree)
    if obj is None or not comp:
        return []
    sign, strong = polarity_of(comp)
    if sign == 0:
        return []
    label = evaluation_label(sign, strong)
    kq = ctx.cue_quote(t)
    subj, _ = cue_subject(ctx, t)
    quote = ctx.quote_around(t.idx)
    holder: Holder
    if kq is not None and ctx.quotes[kq].speaker:
        holder = quote_holder(ctx.quotes[kq])
    elif subj is not None:
        holder = holder_of(ctx, subj, quote)
    else:
        return []
    if holder[0] is None:
        return []
    voice, k = voice_of(ctx, t, holder, label, False)
    about = " ".join(x.text for x in comp).strip(" '\"“”‘’")
    return make_stances(ctx, t, label, holder, targets_of(obj, ctx.index, ctx.lead), "frame", False, voice, k, about)


OWN_PREPS = frozenset({"in"})  # "wrote in support of X": the stance is the subject's manner of acting


def nominal_stances(ctx: StanceContext, t: Token) -> list[Stance]:
    """"his criticism of Russia's actions", "written in support of Assad's regime"."""
    _, _, nouns = cues()
    if t.pos_ != "NOUN" or t.lemma_.lower() not in nouns:
        return []
    label = nouns[t.lemma_.lower()]
    objs = [p for c in t.children if c.dep_ == "prep" and c.lower_ in ("of", "for", "on", "against", "to")
            for p in c.children if p.dep_ == "pobj"]
    if not objs or all(speech_act(o) for o in objs) or scare_quoted(t):  # "requests for comment": none asked for
        return []
    quote = ctx.quote_around(t.idx)
    poss = next((c for c in t.children if c.dep_ == "poss"), None)
    owner = None
    if poss is None and t.dep_ in ("dobj", "pobj"):
        gov = t.head if t.dep_ == "dobj" else t.head.head
        if t.dep_ == "dobj" and gov.lemma_.lower() not in LIGHT_VERBS:
            return []
        if t.dep_ == "pobj" and t.head.lower_ not in OWN_PREPS:
            return []  # "responded to criticism of", "picked up on the criticism of": someone else's
        owner, _ = cue_subject(ctx, gov)
    if poss is not None and poss.pos_ == "PRON" and t.dep_ == "dobj" and t.head.lemma_.lower() in LIGHT_VERBS:
        owner, _ = cue_subject(ctx, t.head)  # "the attendees expressed their support": the subject's own
        poss = None if owner is not None and (owner.pos_ != "PRON" or owner.lower_ in SEVERAL) else poss
    who = poss or owner
    if who is None:
        return []
    holder = holder_of(ctx, who, quote)
    if holder[0] is None:
        return []
    gov = t.head.head if t.dep_ == "pobj" else t.head if t.dep_ == "dobj" else t
    if is_hypothetical(gov) or is_conditional(gov) or is_question(ctx, t) or is_hedged(gov):
        return []
    negated = negated_governor(t)  # "declined to affirm his support for X": support not affirmed
    tgs = [tg for o in objs for tg in targets_of(o, ctx.index, ctx.lead)]
    voice, k = voice_of(ctx, t, holder, label, negated)
    return make_stances(ctx, t, label, holder, tgs, "nominal", negated, voice, k)
