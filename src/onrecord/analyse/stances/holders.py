"""Whose stance, on whose word, and when: holders, voice and dates, and the ``Stance`` records they go into.

A subject token becomes a holder ("I"/"we" inside a quote is the speaker; "you" is the addressee; pronouns and
role nouns resolve to the article's people; the organisation a speaker leads is the speaker). The voice says
who vouches for the stance: the holder's own words, a quoted speaker (and the principal when that speaker is
their spokesperson), or the outlet when the writer characterises a position (docs/stances.md).
"""
from __future__ import annotations

from spacy.tokens import Token

from onrecord.analyse.attribution.speakers import resolve
from onrecord.analyse.entities.names import GROUP_NOUNS, PERSON_ROLES
from onrecord.analyse.entities.roles import PARTICLES as NAME_PARTICLES
from onrecord.analyse.stances.clauses import is_habitual
from onrecord.analyse.stances.context import Holder, StanceContext, Voice, quote_holder
from onrecord.analyse.stances.lexicon import POSITIONAL, labels
from onrecord.analyse.stances.targets import (
    Target,
    country_of,
    person_name,
    surname_key,
)
from onrecord.analyse.stances.when import cue_date
from onrecord.analyse.textcache import doc_text
from onrecord.data import words
from onrecord.models import OUTLET, Quote, Stance

INSTITUTIONS = words("institution_nouns")
NOT_AGENTS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"}


def holder_of(ctx: StanceContext, subj: Token | None, q: Quote | None) -> Holder:
    """(holder, holder_type, span, on_behalf_of) for a subject token; first person inside a quote = speaker. A
    headline fragment the name index took for a name ("Trump Lashes Out") gives way to the one other full name
    in the article with the subject's word ("Donald Trump"), else to no holder."""
    found = _holder_of(ctx, subj, q)
    if found[0] and subj is not None and not agent_noun(ctx, antecedent(subj), found[0]):
        return None, "unknown", found[2], None
    if not found[0] or not headline_fragment(ctx, found[0]):
        return found
    word = subj.text if subj is not None else ""
    names = {n for n in ctx.index.by_part.values() if word in n.split() and not headline_fragment(ctx, n)}
    if len(names) == 1:
        return names.pop(), found[1], found[2], found[3]
    return None, "unknown", found[2], None


def _holder_of(ctx: StanceContext, subj: Token | None, q: Quote | None) -> Holder:
    if subj is None:
        return None, "unknown", None, None
    subj = antecedent(subj)
    span = (subj.idx, subj.idx + len(subj.text))
    if subj.lower_ in ("they", "them"):  # in a quote, a "they" the speaker leaves open is no one we can name
        return _plural_holder(ctx, subj, span) if q is None else (None, "unknown", span, None)
    if q is not None and (subj.lower_ in ("i", "we", "us", "me") or speaks_for(ctx, q, subj)):
        return quote_holder(q)
    if q is not None and subj.lower_ == "you":
        addr = addressee(ctx, q)
        return (addr, "person", None, None) if addr else (None, "unknown", span, None)
    someone_new = subj.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ in MEMBER_DETS for c in subj.children)
    if subj.lower_ in ("he", "she", "his", "her") or subj.pos_ == "NOUN" and subj.lemma_.lower() in PERSON_ROLES \
            and not someone_new:  # "a U.S. District Court judge" is someone new, no one named before
        name = person_name(subj, ctx.index) if subj.lower_ in ("his", "her") else resolved_person(ctx, subj)
        if name and subj.pos_ == "PRON" and not _pronoun_fits(ctx, subj, name):
            name = None  # "He calls for ..." resolved to "Mrs. Clinton": the pronoun names someone else
        if name and subj.lower_ in ("he", "she") and pronoun_open(ctx, subj, name):
            name = None
        if name or subj.pos_ == "PRON":
            return (name, "person", span, None) if name else (None, "unknown", span, None)
    if subj.lower_ in ctx.index.by_part and subj.text[:1].isupper():  # "CORBYN" tagged as a common noun
        return ctx.index.by_part[subj.lower_], "person", ctx.clip(span), None
    sp = resolve(subj, ctx.index)
    if sp.name is None or sp.type == "unknown" and subj.pos_ not in ("PROPN",):
        return None, "unknown", span, None
    if someone_new and sp.name.lower() not in " ".join(x.text for x in subj.subtree).lower():
        return None, "unknown", span, None  # "a judge" is not the judge the article named before
    name = sp.name
    if sp.type in ("organisation", "group") and country_of(name):
        name = country_of(name) or name
    return name, sp.type, ctx.clip(sp.span), sp.on_behalf_of


def resolved_person(ctx: StanceContext, t: Token) -> str | None:
    """The person a subject pronoun or role noun stands for, resolved as a quote's speaker is (``speakers.resolve``:
    gender agreement, the antecedent's sentence, "the man" after "a man", the person the article names in the
    role): a holder and a speaker written alike resolve alike. None when it names no one (a role as written). A
    possessive ("his support") is not a subject: it takes the nearest name before it in its sentence."""
    sp = resolve(t, ctx.index)
    return sp.name if sp.type == "person" and sp.name and sp.name != sp.mention and sp.confidence > 0.4 else None


def _named_people(ctx: StanceContext, pron: Token) -> list[tuple[Token, str]]:
    """The people its sentence names (names as written, not pronouns or roles), with their tokens."""
    doc = ctx.doc
    return [(doc[m.i], m.name) for m in ctx.index.mentions if m.sent_start == pron.sent.start
            and m.type == "person" and m.i != pron.i and (doc[m.i].ent_type_ == "PERSON" or doc[m.i].pos_ == "PROPN")]


def _in_clause(t: Token, head: Token) -> bool:
    """``t`` sits in ``head``'s clause: ``head`` governs it through no conjoined or loosely attached clause."""
    cur = t
    while cur.i != head.i:
        if cur.dep_ in ("conj", "parataxis") or cur.head.i == cur.i:
            return False
        cur = cur.head
    return True


def _governing_subject(pron: Token) -> Token | None:
    """The subject of the nearest clause the pronoun's clause depends on ("Lazar said he welcomed ...": Lazar;
    "Nunes didn't second-guess ..., but he did call": Nunes; "Corbyn appeared on Putin's channel, where he
    defended ...": Corbyn)."""
    cur = pron.head
    if cur.dep_ not in ("ccomp", "conj", "advcl", "xcomp", "relcl", "acl"):
        return None
    for _ in range(5):
        if cur.head.i == cur.i:
            return None
        cur = cur.head
        subj = next((c for c in cur.children if c.dep_ in ("nsubj", "nsubjpass")), None) \
            if cur.pos_ in ("VERB", "AUX") else None
        if subj is not None:
            return subj
    return None


def pronoun_open(ctx: StanceContext, pron: Token, name: str) -> bool:
    """A subject "he" or "she" whose own sentence leaves its referent open, so resolving it to ``name`` is a
    guess. The subject of the clause it depends on decides when a name ("Lazar said he welcomed ..." is Lazar;
    "Nunes didn't second-guess Comey's recommendation, but he did call" is not Comey); else it is open when two
    people are named before it, or a person named after it is the subject of another clause ("Even as he accused
    ..., Giuliani wouldn't ...": news fronts a subordinate clause with a pronoun for the main clause's subject)."""
    named = _named_people(ctx, pron)
    gov = _governing_subject(pron)
    said = next((n for t, n in named if gov is not None and t.i == gov.i), None)
    if said is not None:
        return said != name
    if len({n for t, n in named if t.i < pron.i}) >= 2:
        return True
    return any(t.i > pron.i and t.dep_ in ("nsubj", "nsubjpass") and not _in_clause(t, pron.head)
               for t, _ in named)


def _pronoun_fits(ctx: StanceContext, pron: Token, name: str) -> bool:
    """A "he" or "she" resolved to a name fits it unless the article's own courtesy titles say otherwise ("Mrs.
    Clinton" is never "he"): news style keeps one title per person, so a mismatch means the resolution is wrong."""
    said = {"his": "he", "her": "she"}.get(pron.lower_, pron.lower_)
    titles = ctx.titled().get(name.split()[-1].lower())
    return not titles or said in titles


def agent_noun(ctx: StanceContext, subj: Token, name: str) -> bool:
    """Whether a holder can take a position: a name (one the article's name index knows, whatever the tagger
    made of "JEREMY CORBYN"), a pronoun or role resolved to one, or a common noun for people (``person_roles``,
    ``group_nouns``); not "the piece", "studies", "traditional revenues", "macOS jobs"."""
    if subj.ent_type_ in NOT_AGENTS:
        return False  # "On Oct. 23 ... called": a date, a number or an amount holds no position
    if subj.pos_ != "NOUN" or subj.ent_type_ or subj.is_upper or subj.lower_ in ctx.index.by_part \
            or subj.lower_ not in name.lower():
        return True
    return people_word(subj.lower_, subj.lemma_.lower())


def people_word(word: str, lemma: str) -> bool:
    """A noun for a person, a group of people or a body (``person_roles``, ``group_nouns``, ``institution_nouns``)."""
    return lemma in PERSON_ROLES or word in GROUP_NOUNS or lemma in INSTITUTIONS


def common_noun_holder(name: str) -> bool:
    """A holder written as a common noun phrase ("the piece", "his aunt") whose head names no person or body, as
    a quote's speaker may be: no one whose position a record can state."""
    if not name[:1].islower():
        return False
    head = name.split()[-1].lower()
    return not people_word(head, head[:-1] if head.endswith("s") else head)


def antecedent(subj: Token) -> Token:
    """A relative pronoun's antecedent, and an apposition's head: in "Gov. John Kasich, a Republican who has
    refused to endorse Trump" the one who refused is Kasich, not "a Republican" (nor the party)."""
    if subj.lower_ not in ("who", "whom", "that") or subj.head.dep_ != "relcl" or subj.head.head.i == subj.head.i:
        return subj
    ante = subj.head.head
    return ante.head if ante.dep_ == "appos" and ante.head.i != ante.i else ante


def _plural_holder(ctx: StanceContext, subj: Token, span: tuple[int, int]) -> Holder:
    """"they" as a holder: the plural subject of the clause that reports it ("superdelegates have said they
    support Clinton"), else no one. A plural pronoun names a set, which no single name or party stands for."""
    v = subj.head
    for _ in range(3):
        if v.dep_ not in ("ccomp", "xcomp", "conj", "advcl") or v.head.i == v.i:
            break
        v = v.head
        subj2 = next((c for c in v.children if c.dep_ == "nsubj"), None)
        if subj2 is not None and subj2.pos_ in ("NOUN", "PROPN") and subj2.tag_ in ("NNS", "NNPS"):
            return _holder_of(ctx, subj2, None)
    return None, "unknown", span, None


def speaks_for(ctx: StanceContext, q: Quote, subj: Token) -> bool:
    """The subject is the organisation the speaker leads or speaks for ("Labour has long condemned ..." in a
    letter by the Labour leader)."""
    if subj.ent_type_ not in ("ORG", "NORP") or person_name(subj, ctx.index):
        return False
    org = subj.text.lower()
    if q.on_behalf_of and q.on_behalf_of.lower().startswith(org):
        return True
    if not q.speaker:
        return False
    return leads(ctx, q.speaker, org)


def leads(ctx: StanceContext, person: str, org: str) -> bool:
    """The article gives ``person`` a role of the organisation ("the <org> leader"): in its name index, else
    anywhere in its text."""
    if any(org in role.split() and who == person for role, who in ctx.index.roles.items()):
        return True
    return any(t.lemma_.lower() in PERSON_ROLES and person_name(t, ctx.index) == person
               and any(c.lower_ == org for c in t.children if c.dep_ in ("compound", "amod")) for t in ctx.doc)


def addressee(ctx: StanceContext, q: Quote) -> str | None:
    """Whom a quote's "you" means: the cue's indirect object, else the addressee of a letter in the article."""
    doc = ctx.doc
    if q.cue_span:
        span = doc.char_span(q.cue_span[0], q.cue_span[1], alignment_mode="expand")
        if span is not None:
            for c in span.root.children:
                objs = [c] if c.dep_ in ("dative", "dobj") else \
                    [p for p in c.children if p.dep_ == "pobj"] if c.dep_ == "prep" and c.lower_ == "to" else []
                for o in objs:
                    name = person_name(o, ctx.index)
                    if name:
                        return name
    for t in doc:
        if t.lemma_.lower() == "letter":
            for c in t.children:
                if c.dep_ == "prep" and c.lower_ == "to":
                    for p in c.children:
                        name = person_name(p, ctx.index) if p.dep_ == "pobj" else None
                        if name:
                            return name
    return None


def addressee_targets(ctx: StanceContext, q: Quote, you: Token) -> list[Target]:
    """The addressee of a quote as the target that its "you" stands for (none when unknown)."""
    addr = addressee(ctx, q)
    return [Target(addr, "person", (you.idx, you.idx + len(you.text)), [surname_key(addr)])] if addr else []


def principal_of(ctx: StanceContext, q: Quote, holder: str | None) -> str | None:
    """The holder, when the quote's speaker is a spokesperson for the holder or for the body the holder leads
    ("A Labour spokesman: 'Jeremy Corbyn has consistently condemned ...'")."""
    if q.speaker_type != "spokesperson" or not holder or not q.on_behalf_of:
        return None
    if q.on_behalf_of == holder:
        return holder
    return holder if leads(ctx, holder, q.on_behalf_of.split()[0].lower()) else None


def voice_of(ctx: StanceContext, v: Token, holder: Holder, label: str, negated: bool) -> tuple[Voice, int | None]:
    """Who vouches for the stance: None (the holder's own words), a quoted speaker, or the outlet."""
    k = ctx.quote_at(v.idx)
    if k is not None:
        q = ctx.quotes[k]
        if holder[0] is not None and holder[0] == q.speaker:
            return (None, None), k
        return (q.speaker or "unknown", q.speaker_type, principal_of(ctx, q, holder[0])), k
    kc = ctx.cue_quote(v)
    if kc is None and (negated or is_habitual(v) or label in POSITIONAL):
        return (OUTLET, "outlet"), None
    return (None, None), kc


def make_stances(ctx: StanceContext, v: Token, label: str, holder: Holder, tgs: list[Target], source: str,
                 negated: bool, reported: Voice, k: int | None, about: str | None = None) -> list[Stance]:
    """One record per target (or one without a target) for the cue ``v``: evidence clipped to the cue's
    paragraph, date, polarity (a negated stance leans mildly the other way) and CAMEO/PLOVER codes."""
    info = labels()[label]
    if holder[0] and (headline_fragment(ctx, str(holder[0])) or common_noun_holder(str(holder[0]))
                      or one_member(ctx, holder)):
        return []
    sent = v.sent
    ev_start, ev_end = ctx.clip((sent.start_char, sent.end_char), v.idx) or (sent.start_char, sent.end_char)
    seg_start = ctx.seg(v.idx)[0]
    before = doc_text(ctx.doc)[seg_start:ev_start].rstrip(" \"”’")
    if seg_start < ev_start and not any(ch in ".!?" for ch in before[-1:]):
        ev_start = seg_start  # the parser started the sentence inside a paragraph's first words
    text = doc_text(ctx.doc)[ev_start:ev_end]
    date_text, date_span, future = cue_date(ctx, v, sent)
    pol = info.polarity * (-0.25 if negated else 1.0)
    cue_text = " ".join(x.text for x in [v, *[c for c in v.children if c.dep_ == "prt"]])
    out = []
    options: list[Target | None] = [tg for tg in tgs if not _when(ctx, tg)] or [None]
    for tg in options:
        if tg is not None and (headline_fragment(ctx, tg.name, first=True) or unnamed_someone(ctx, tg)):
            continue  # "accusing him of endorsing Trump" read as "Endorsed Trump"; "defended the company"
        if tg is not None and tg.type == "other" and not any(ch.isupper() for ch in tg.name[:1]):
            about, tg = about or tg.name, None  # an abstract object ("urged restraint") is what, not whom
        if tg is not None and holder[0] and tg.name.lower() == str(holder[0]).lower():
            continue
        if tg is not None and tg.bare:  # "the regime": the state last named in the article
            tg.keys = list(ctx.recent_gov) or tg.keys
        if tg is not None:
            ctx.recent_gov = [k for k in tg.keys if k.startswith("gov:")] or ctx.recent_gov
        out.append(Stance(
            start=ev_start, end=ev_end, text=text, label=label, polarity=round(pol, 3),
            negated=negated, holder=holder[0], holder_type=holder[1], holder_span=holder[2],
            on_behalf_of=holder[3], target=tg.name if tg else None, target_type=tg.type if tg else None,
            target_span=tg.span if tg else None, target_keys=tg.keys if tg else [],
            about=(tg.about if tg and tg.about else about), cue=cue_text, cue_span=(v.idx, v.idx + len(v.text)),
            reported_by=reported[0], reporter_type=reported[1],
            reporter_for=reported[2] if len(reported) > 2 else None, source=source, quote_index=k,
            date_text=date_text, date_span=date_span, future=future, cameo=info.cameo, plover=info.plover,
            aspect="record" if is_habitual(v) else None))
    return out


MEMBER_DETS = frozenset({"a", "an", "another", "one"})


def _root(ctx: StanceContext, tg: Target) -> Token | None:
    span = ctx.doc.char_span(tg.span[0], tg.span[1], alignment_mode="expand") if tg.span else None
    return span.root if span is not None else None


def _when(ctx: StanceContext, tg: Target) -> bool:
    """A target that is a time or an amount ("objected ..., sometimes for months at a time"): no one's."""
    root = _root(ctx, tg)
    return root is not None and root.ent_type_ in NOT_AGENTS


def unnamed_someone(ctx: StanceContext, tg: Target) -> bool:
    """An object that is a person or body the article does not name here ("defended the company", "support for
    the former first lady"): a stance toward no one would misstate it."""
    if tg.type != "other" or tg.name[:1].isupper():
        return False
    root = _root(ctx, tg)
    return root is not None and people_word(root.lower_, root.lemma_.lower())


def one_member(ctx: StanceContext, holder: Holder) -> bool:
    """A body named as the holder where the text names one of its members ("a New Hampshire Republican", "the only
    well-known Republican to endorse"): an indefinite or "only" member is someone, not the party."""
    if holder[1] not in ("organisation", "group") or holder[2] is None or not holder[0]:
        return False
    if holder[0].lower() in doc_text(ctx.doc)[holder[2][0]:holder[2][1]].lower():
        return False  # "a super PAC": the body as written, not a member's party
    span = ctx.doc.char_span(holder[2][0], holder[2][1], alignment_mode="expand")
    if span is None:
        return False
    head = span.root
    return head.tag_ in ("NN", "NNP") and any(
        c.dep_ == "det" and c.lower_ in MEMBER_DETS or c.dep_ == "amod" and c.lower_ == "only" for c in head.children)


def headline_fragment(ctx: StanceContext, name: str, first: bool = False) -> bool:
    """A "name" that is a headline-cased run of words ("Trump Lashes Out"): in title case every word is
    capitalised, so a word after the first that the parse reads, wherever the article writes it so, as a verb or
    a function word ("Out", "At", "Says"), never as a name, shows it is no one's name ("Theresa May" stays).
    ``first``: the first word too (a target such as "Endorsed Trump" taken from a headline)."""
    words = [w for w in name.split()[0 if first else 1:] if w[:1].isupper() and w.lower() not in NAME_PARTICLES]
    if not words:
        return False
    tags = ctx.word_pos()
    return any(tags.get(w) and not tags[w] & {"PROPN", "NOUN", "ADJ", "NUM"} and tags[w] & FUNCTION_POS
               for w in words)


FUNCTION_POS = {"ADP", "ADV", "PART", "VERB", "AUX", "SCONJ", "CCONJ", "DET", "PRON"}
