"""Stances: who takes which position toward whom, from quotes and reporting sentences.

``extract_stances(doc, segments, quotes)`` finds stance cues (verbs such as "condemn", "urge", "side with";
nouns such as "criticism of"; frames such as "branded X a 'dangerous escalation'"; evaluative quoted content
such as "X posed a threat") and returns one ``Stance`` per holder and target, labelled from the inventory in
``data/stance_labels.tsv`` (CAMEO and PLOVER codes). A stance in the writer's own voice that characterises
rather than reports a speech act ("refused to blame", "has a long history of standing up for") is a claim by
the outlet (``reported_by = OUTLET``); a stance inside someone's quote about a third party is that speaker's
claim. Dates are the expressions that modify the cue, anchored later on the article's date (analyse.dates).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc, Span, Token

from onrecord.analyse.attribution import headline_passive
from onrecord.analyse.dates import find_dates
from onrecord.analyse.names import (
    GROUP_NOUNS,
    PERSON_ROLES,
    NameIndex,
    build_name_index,
)
from onrecord.analyse.speakers import resolve
from onrecord.analyse.stance_targets import (
    Target,
    agents,
    country_of,
    describe,
    leaders,
    person_name,
    surname_key,
    targets_of,
)
from onrecord.models import Quote, Record, Segment

OUTLET = "<outlet>"  # reported_by placeholder: the store writes the article's outlet
Voice = tuple  # (reported_by, reporter_type[, reporter_for])
Holder = tuple[str | None, str, tuple[int, int] | None, str | None]  # (name, type, span, on_behalf_of)
NEGATORS = {"refuse", "fail", "decline", "reluctant", "unwilling", "neglect", "omit"}
HABITUAL = {"consistently", "repeatedly", "always", "never", "long", "again", "continually", "constantly",
            "persistently", "routinely", "previously"}
POSITIONAL = {"support", "oppose", "defend"}  # labels that describe a position rather than a speech act
FRAME_VERBS = {"brand", "call", "describe", "label", "dub", "term", "denounce"}
LIGHT_VERBS = {"issue", "express", "voice", "make", "launch", "level", "offer", "give", "lodge", "deliver"}
STRONG_NEG = {"barbaric", "atrocity", "atrocities", "abhorrent", "horrific", "brutal", "inexcusable", "murderous",
              "slaughter", "evil", "genocide", "criminal", "crime", "crimes", "disgraceful", "outrageous",
              "shameful", "appalling", "heinous", "monstrous", "despicable", "war crime", "unforgivable", "horror",
              "horrors"}
NEG = {"threat", "dangerous", "escalation", "destabilising", "destabilizing", "disruptive", "belligerent",
       "aggressive", "reckless", "irresponsible", "illegal", "unacceptable", "wrong", "nonsense", "lie", "lies",
       "terror", "terrorist", "sick", "failure", "disaster", "disastrous", "corrupt", "racist", "hypocrisy",
       "hypocritical", "enemy", "enemies", "shadowy", "futile", "puppet", "tyrant", "dictator", "mistake",
       "responsible", "blame", "deadly", "violent", "bad", "weak", "incompetent", "dishonest", "ridiculous"}
POS = {"great", "brave", "courageous", "excellent", "admirable", "heroic", "hero", "tremendous", "fantastic",
       "wonderful", "success", "successful", "honest", "strong", "principled", "martyr", "resilience", "icon",
       "friend", "friends", "welcome", "right", "good", "decent", "inspiring", "brilliant", "outstanding"}


@dataclass
class LabelInfo:
    """One row of the label inventory."""

    label: str
    cameo: str
    cameo_name: str
    plover: str
    polarity: float
    verbs: list[str]
    nouns: list[str]
    example: str


@lru_cache(maxsize=1)
def labels() -> dict[str, LabelInfo]:
    """The stance label inventory (data/stance_labels.tsv), keyed by label."""
    text = resources.files("onrecord").joinpath("data/stance_labels.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader((ln for ln in text.splitlines() if ln and not ln.startswith("#")), delimiter="\t")
    return {r["label"]: LabelInfo(r["label"], r["cameo"], r["cameo_name"], r["plover"], float(r["polarity"]),
                                  [v.strip() for v in r["verbs"].split(",") if v.strip()],
                                  [n.strip() for n in r["nouns"].split(",") if n.strip()], r["example"])
            for r in rows}


@lru_cache(maxsize=1)
def _cues() -> tuple[dict[str, str], dict[tuple[str, ...], str], dict[str, str]]:
    single: dict[str, str] = {}
    multi: dict[tuple[str, ...], str] = {}
    nouns: dict[str, str] = {}
    for info in labels().values():
        for v in info.verbs:
            parts = tuple(v.split())
            if len(parts) == 1:
                single.setdefault(parts[0], info.label)
            else:
                multi.setdefault(parts, info.label)
        for n in info.nouns:
            nouns.setdefault(n, info.label)
    return single, multi, nouns


@dataclass
class Stance(Record):
    """A holder's position toward a target, with its label, polarity and character evidence."""

    start: int  # evidence: the clause or sentence
    end: int
    text: str
    label: str
    polarity: float
    negated: bool = False
    holder: str | None = None
    holder_type: str = "unknown"
    holder_span: tuple[int, int] | None = None
    on_behalf_of: str | None = None
    target: str | None = None
    target_type: str | None = None
    target_span: tuple[int, int] | None = None
    target_keys: list[str] = field(default_factory=list)
    about: str | None = None
    cue: str | None = None
    cue_span: tuple[int, int] | None = None
    reported_by: str | None = None  # None: the holder's own words; OUTLET: the writer; else a speaker
    reporter_type: str | None = None
    reporter_for: str | None = None  # a spokesperson reporting their principal's stance: the principal
    source: str = "cue"  # cue | nominal | frame | content
    quote_index: int | None = None
    date_text: str | None = None
    date_span: tuple[int, int] | None = None
    future: bool = False
    cameo: str = ""
    plover: str = ""


def shift_stance(s: Stance, offset: int, quote_base: int = 0) -> Stance:
    """The stance with its offsets moved by ``offset`` (a window's start) and its quote index by ``quote_base``."""
    import dataclasses

    def sh(span: tuple[int, int] | None) -> tuple[int, int] | None:
        return (span[0] + offset, span[1] + offset) if span else span

    return dataclasses.replace(
        s, start=s.start + offset, end=s.end + offset, holder_span=sh(s.holder_span), target_span=sh(s.target_span),
        cue_span=sh(s.cue_span), date_span=sh(s.date_span),
        quote_index=None if s.quote_index is None else s.quote_index + quote_base)


@dataclass
class _Ctx:
    doc: Doc
    index: NameIndex
    lead: dict[str, str]
    quotes: list[Quote]
    body: list[tuple[int, int]]
    recent_gov: list[str] = field(default_factory=list)


def _seg(ctx: _Ctx, char: int) -> tuple[int, int]:
    return next(((s, e) for s, e in ctx.body if s <= char < e), (0, len(ctx.doc.text)))


def _clip(ctx: _Ctx, span: tuple[int, int] | None, at: int | None = None) -> tuple[int, int] | None:
    """A span cut to the paragraph of ``at`` (default: its start): spaCy sentences may run across paragraphs."""
    if span is None:
        return None
    s, e = _seg(ctx, span[0] if at is None else at)
    lo, hi = max(span[0], s), min(span[1], e)
    return (lo, hi) if lo < hi else span


def _quote_at(ctx: _Ctx, char: int, content_only: bool = False) -> int | None:
    """Index of the quote whose content holds this character (direct/partial/mixed marks or indirect clause)."""
    best = None
    for k, q in enumerate(ctx.quotes):
        spans = q.spans or [(q.start, q.end)]
        if q.clause_span and not content_only:
            spans = [*spans, q.clause_span]
        if any(s <= char < e for s, e in spans) and (
                best is None or (q.end - q.start) < (ctx.quotes[best].end - ctx.quotes[best].start)):
            best = k
    return best


def _cue_quote(ctx: _Ctx, t: Token) -> int | None:
    for k, q in enumerate(ctx.quotes):
        if q.cue_span and q.cue_span[0] <= t.idx < q.cue_span[1]:
            return k
    return None


SEG_KEY = "onrecord_stance_segments"


def _para(t: Token) -> int:
    """The paragraph (segment) number of a token: spaCy's sentences may run across paragraphs, relations may not."""
    bounds = t.doc.user_data.get(SEG_KEY)
    if not bounds:
        return 0
    return next((k for k, (s, e) in enumerate(bounds) if s <= t.idx < e), -1)


def _near(a: Token, b: Token) -> bool:
    return _para(a) == _para(b)


def _subject(v: Token) -> tuple[Token | None, bool]:
    """The subject of a verb (following xcomp/conj/advcl-less control up the tree) and whether it is passive."""
    cur: Token | None = v
    for _ in range(4):
        if cur is None or not _near(cur, v):
            break
        for c in cur.children:
            if c.dep_ in ("nsubj", "csubj") and _near(c, v):
                return c, False
            if c.dep_ == "nsubjpass" and _near(c, v):
                return c, True
        if cur.dep_ in ("xcomp", "conj") and cur.head is not cur:
            cur = cur.head
            continue
        if cur.dep_ == "pcomp" and cur.head.dep_ == "prep" and cur.head.head.pos_ in ("NOUN", "VERB"):
            return None, False  # "accused of siding with": the subject is the accusation's object
        break
    return None, False


def _agent(v: Token) -> Token | None:
    for c in v.children:
        if c.dep_ == "agent":
            return next((p for p in c.children if p.dep_ == "pobj"), None)
    return None


def _negated(v: Token) -> bool:
    if any(c.dep_ == "neg" or c.lower_ in ("never", "not", "n't") for c in v.children):
        return True
    h = v
    while h.dep_ in ("xcomp", "pcomp", "pobj", "prep") and h.head is not h:
        h = h.head
        if h.lemma_.lower() in NEGATORS:
            return not any(c.dep_ == "neg" for c in h.children)
    return False


def _habitual(v: Token) -> bool:
    toks = [v, *([v.head] if v.dep_ in ("xcomp", "pcomp", "pobj") else [])]
    if any(c.lower_ in HABITUAL for t in toks for c in t.children if c.dep_ in ("advmod", "npadvmod")):
        return True
    anc = [a.lower_ for a in v.ancestors][:4]
    return "history" in anc or "record" in anc


def _date(ctx: _Ctx, v: Token, sent: Span) -> tuple[str | None, tuple[int, int] | None, bool]:
    """The time expression that modifies the cue verb (not one inside a nested clause), and future tense."""
    future = any(c.lower_ in ("will", "'ll", "shall") or c.tag_ == "MD" and c.lower_ == "would"
                 for c in v.children if c.dep_ == "aux")
    seg = _seg(ctx, v.idx)
    for d in find_dates(sent.text):
        s = sent.start_char + d.start
        if not seg[0] <= s < seg[1]:
            continue
        span = ctx.doc.char_span(s, s + len(d.text), alignment_mode="expand")
        if span is None:
            continue
        t = span.root
        while t.head is not t and t.pos_ not in ("VERB", "AUX"):
            t = t.head
        verbs = {v, *[x for x in v.children if x.dep_ in ("xcomp",)]}
        if t in verbs or (v.dep_ == "xcomp" and t == v.head):
            return d.text, (s, s + len(d.text)), future
    return None, None, future


def _holder(ctx: _Ctx, subj: Token | None, q: Quote | None) -> tuple[str | None, str, tuple[int, int] | None,
                                                                   str | None]:
    """(holder, holder_type, span, on_behalf_of) for a subject token; first person inside a quote = speaker."""
    if subj is None:
        return None, "unknown", None, None
    span = (subj.idx, subj.idx + len(subj.text))
    if q is not None and (subj.lower_ in ("i", "we", "us", "me") or _speaks_for(ctx, q, subj)):
        return q.speaker, q.speaker_type, q.speaker_span, q.on_behalf_of
    if q is not None and subj.lower_ == "you":
        addr = _addressee(ctx, q)
        return (addr, "person", None, None) if addr else (None, "unknown", span, None)
    if subj.lower_ in ("he", "she", "his", "her") or subj.pos_ == "NOUN" and subj.lemma_.lower() in PERSON_ROLES:
        name = person_name(subj, ctx.index)
        if name or subj.pos_ == "PRON":
            return (name, "person", span, None) if name else (None, "unknown", span, None)
    if subj.lower_ in ctx.index.by_part and subj.text[:1].isupper():  # "CORBYN" tagged as a common noun
        return ctx.index.by_part[subj.lower_], "person", _clip(ctx, span), None
    sp = resolve(subj, ctx.index)
    if sp.name is None or sp.type == "unknown" and subj.pos_ not in ("PROPN",):
        return None, "unknown", span, None
    name = sp.name
    if sp.type in ("organisation", "group") and country_of(name):
        name = country_of(name) or name
    return name, sp.type, _clip(ctx, sp.span), sp.on_behalf_of


def _speaks_for(ctx: _Ctx, q: Quote, subj: Token) -> bool:
    """The subject is the organisation the speaker leads or speaks for ("Labour has long condemned ..." in a
    letter by the Labour leader)."""
    if subj.ent_type_ not in ("ORG", "NORP") or person_name(subj, ctx.index):
        return False
    org = subj.text.lower()
    if q.on_behalf_of and q.on_behalf_of.lower().startswith(org):
        return True
    if not q.speaker:
        return False
    if any(org in role.split() and who == q.speaker for role, who in ctx.index.roles.items()):
        return True
    return _leads(ctx, q.speaker, org)


def _addressee(ctx: _Ctx, q: Quote) -> str | None:
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


def _objects(v: Token, parts: tuple[str, ...]) -> list[Token]:
    """The object heads of a cue: the preposition's object for "side with X", else the direct object."""
    if len(parts) > 1:
        prep = parts[-1]
        for c in v.children:
            if c.dep_ in ("prep", "prt", "dative") and c.lower_ == prep:
                objs = [p for p in c.children if p.dep_ in ("pobj", "pcomp")]
                if objs:
                    return objs
            if c.dep_ == "dobj":
                for g in c.children:
                    if g.dep_ == "prep" and g.lower_ == prep:
                        return [p for p in g.children if p.dep_ == "pobj"]
        return [c for c in v.children if c.dep_ == "dobj"]
    objs = [c for c in v.children if c.dep_ in ("dobj", "dative")]
    if not objs and v.lemma_.lower() in ("appeal", "plead", "object"):
        objs = [p for c in v.children if c.dep_ == "prep" and c.lower_ in ("to", "for")
                for p in c.children if p.dep_ == "pobj"]
    return objs


def _match_cue(t: Token) -> tuple[str, tuple[str, ...]] | None:
    single, multi, _ = _cues()
    lemma = t.lemma_.lower()
    if t.pos_ != "VERB":
        return None
    if lemma in ("challenge", "press", "dare") and any(c.dep_ == "xcomp" for c in t.children):
        return "urge", (lemma,)
    kids = {c.lower_ for c in t.children if c.dep_ in ("prep", "prt", "dobj", "dative")}
    grand = {g.lower_ for c in t.children if c.dep_ == "dobj" for g in c.children if g.dep_ == "prep"}
    for parts, label in sorted(multi.items(), key=lambda kv: -len(kv[0])):
        if parts[0] == lemma and all(p in kids or p in grand for p in parts[1:]):
            return label, parts
    if lemma in single:
        if lemma == "ask" and (any(c.dep_ == "ccomp" and any(m.lower_ in ("if", "whether") for m in c.children)
                                   for c in t.children) or not any(c.dep_ in ("xcomp", "ccomp") for c in t.children)):
            return None  # "asked if ...", "asked about ...": a question, not an appeal
        if lemma in ("call", "press", "charge", "attack", "back") and not kids & {"dobj"} and lemma != "back":
            return None
        return single[lemma], (lemma,)
    return None


def _polarity_of(tokens: list[Token]) -> tuple[int, bool]:
    """(sign, strong) of evaluative words in a phrase: -1 negative, +1 positive, 0 none."""
    words = {t.lemma_.lower() for t in tokens} | {t.lower_ for t in tokens}
    joined = " ".join(t.lower_ for t in tokens)
    strong = bool(words & STRONG_NEG) or "war crime" in joined or "no excuse" in joined
    neg = strong or bool(words & NEG)
    pos = bool(words & POS)
    negated = any(t.dep_ == "neg" for t in tokens)
    if neg and not pos:
        return (1 if negated else -1), strong
    if pos and not neg:
        return (-1 if negated else 1), False
    return 0, False


# -- the passes --------------------------------------------------------------------------------------------
def _in_body(ctx: _Ctx, char: int) -> bool:
    return any(s <= char < e for s, e in ctx.body)


def _about(v: Token, label: str) -> str | None:
    """What the stance is over: "to de-escalate", "of siding with ...", "for the chemical attack"."""
    for c in v.children:
        if c.dep_ in ("xcomp", "ccomp") and label in ("urge", "demand", "warn", "threaten", "refuse", "deny"):
            return " ".join(x.text for x in c.subtree).strip()
        if c.dep_ == "prep" and c.lower_ in ("of", "for", "over", "about") and label not in ("support", "defend"):
            return " ".join(x.text for x in c.subtree).strip()
    return None


def _make(ctx: _Ctx, v: Token, label: str, holder: tuple[str | None, str, tuple[int, int] | None, str | None],
          tgs: list[Target], source: str, negated: bool, reported: Voice,
          k: int | None, about: str | None = None) -> list[Stance]:
    info = labels()[label]
    sent = v.sent
    ev_start, ev_end = _clip(ctx, (sent.start_char, sent.end_char), v.idx) or (sent.start_char, sent.end_char)
    seg_start = _seg(ctx, v.idx)[0]
    if seg_start < ev_start and not any(ch in ".!?" for ch in ctx.doc.text[seg_start:ev_start].rstrip(" \"”’")[-1:]):
        ev_start = seg_start  # the parser started the sentence inside a paragraph's first words
    text = ctx.doc.text[ev_start:ev_end]
    date_text, date_span, future = _date(ctx, v, sent)
    pol = info.polarity * (-0.25 if negated else 1.0)
    cue_text = " ".join(x.text for x in [v, *[c for c in v.children if c.dep_ == "prt"]])
    out = []
    options: list[Target | None] = list(tgs) or [None]
    for tg in options:
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
            date_text=date_text, date_span=date_span, future=future, cameo=info.cameo, plover=info.plover))
    return out


def _principal_of(ctx: _Ctx, q: Quote, holder: str | None) -> str | None:
    """The holder, when the quote's speaker is a spokesperson for the holder or for the body the holder leads
    ("A Labour spokesman: 'Jeremy Corbyn has consistently condemned ...'")."""
    if q.speaker_type != "spokesperson" or not holder or not q.on_behalf_of:
        return None
    if q.on_behalf_of == holder:
        return holder
    org = q.on_behalf_of.split()[0].lower()
    if any(org in role.split() and who == holder for role, who in ctx.index.roles.items()):
        return holder
    return holder if _leads(ctx, holder, org) else None


def _leads(ctx: _Ctx, person: str, org: str) -> bool:
    """The article calls ``person`` "the <org> leader" (or another role of the organisation) somewhere."""
    return any(t.lemma_.lower() in PERSON_ROLES and person_name(t, ctx.index) == person
               and any(c.lower_ == org for c in t.children if c.dep_ in ("compound", "amod")) for t in ctx.doc)



def _voice(ctx: _Ctx, v: Token, holder: tuple[str | None, str, tuple[int, int] | None, str | None],
           label: str, negated: bool) -> tuple[Voice, int | None]:
    """Who vouches for the stance: None (the holder's own words), a quoted speaker, or the outlet."""
    k = _quote_at(ctx, v.idx)
    if k is not None:
        q = ctx.quotes[k]
        if holder[0] is not None and holder[0] == q.speaker:
            return (None, None), k
        return (q.speaker or "unknown", q.speaker_type, _principal_of(ctx, q, holder[0])), k
    kc = _cue_quote(ctx, v)
    if kc is None and (negated or _habitual(v) or label in POSITIONAL):
        return (OUTLET, "outlet"), None
    return (None, None), kc


def _embedded_holder(ctx: _Ctx, v: Token) -> tuple[Token | None, Token | None]:
    """For "X was accused of siding with Y" / "a history of standing up for Y": (the holder X, the accusing verb)."""
    if v.dep_ != "pcomp" or v.head.lower_ != "of":
        return None, None
    gov = v.head.head
    if gov.pos_ == "VERB":
        subj, passive = _subject(gov)
        if passive:
            return subj, gov
        return next((c for c in gov.children if c.dep_ == "dobj"), None), gov
    if gov.pos_ == "NOUN":  # "has a history of standing up for"
        owner = gov.head if gov.dep_ in ("dobj", "attr") else None
        if owner is not None:
            subj, _ = _subject(owner)
            return subj, None
    return None, None


def _cue_pass(ctx: _Ctx, t: Token) -> list[Stance]:
    m = _match_cue(t)
    if m is None:
        return []
    label, parts = m
    kq = _cue_quote(ctx, t)
    sp = ctx.quotes[kq].speaker_span if kq is not None else None
    if sp and t.sent.start_char <= sp[0] < t.sent.end_char and _seg(ctx, sp[0]) != _seg(ctx, t.idx):
        kq = None  # a speaker from another paragraph: the parse ran across a paragraph break
    q_ctx = _quote_at(ctx, t.idx)
    quote = ctx.quotes[q_ctx] if q_ctx is not None else None
    if _hypothetical(t) or _requested(t):
        return []
    if t.lemma_.lower() in NEGATORS and any(c.dep_ == "xcomp" and _match_cue(c) for c in t.children):
        return []  # "refused to blame X": the negated blame carries it
    subj, passive = _subject(t)
    if subj is None:
        top = t
        while top.dep_ == "xcomp" and top.head is not top:
            top = top.head
        if top.dep_ in ("ROOT", "advcl", "conj") and not any(c.dep_ in ("nsubj", "nsubjpass") and _near(c, top)
                                                             for c in top.children):
            subj = _para_subject(top)
    passive = passive or (subj is not None and (headline_passive(t) or (t.tag_ == "VBN" and _agent(t) is not None)))
    reported: Voice | None = None
    if passive:
        agent = _agent(t)
        objs = [subj] if subj is not None else []
        kq = kq if kq is not None else _same_cue(ctx, t)
        if agent is not None:
            holder = _holder(ctx, agent, quote)
        elif kq is not None and ctx.quotes[kq].speaker:
            q = ctx.quotes[kq]
            holder = (q.speaker, q.speaker_type, q.speaker_span, q.on_behalf_of)
        else:
            return []
    else:
        objs = _objects(t, parts)
        if subj is None:
            emb, gov = _embedded_holder(ctx, t)
            if emb is None:
                if kq is None:
                    return []
                q = ctx.quotes[kq]
                holder = (q.speaker, q.speaker_type, q.speaker_span, q.on_behalf_of)
            else:
                holder = _holder(ctx, emb, quote)
                accuser = _cue_pass(ctx, gov) if gov is not None else []
                reported = ((accuser[0].holder, accuser[0].holder_type) if accuser and accuser[0].holder
                            else (OUTLET, "outlet"))
        elif kq is not None and ctx.quotes[kq].speaker and quote is None:
            q = ctx.quotes[kq]
            holder = (q.speaker, q.speaker_type, q.speaker_span, q.on_behalf_of)
        else:
            holder = _holder(ctx, subj, quote)
    if holder[0] is None:
        return []
    if label in ("urge", "demand"):  # "we ask that you condemn X": the ccomp's subject
        for c in t.children:
            if c.dep_ == "ccomp":
                s, _ = _subject(c)
                if s is not None:
                    objs = [s]
    tgs: list[Target] = []
    for o in objs:
        if o.lower_ in ("it", "this", "that", "them", "which", "what"):
            continue
        if o.lower_ == "you" and quote is not None:
            addr = _addressee(ctx, quote)
            if addr:
                tgs.append(Target(addr, "person", (o.idx, o.idx + len(o.text)), [surname_key(addr)]))
            continue
        tgs += targets_of(o, ctx.index, ctx.lead)
    negated = _negated(t)
    voice, k = _voice(ctx, t, holder, label, negated)
    if reported is not None:
        voice = reported
    return _make(ctx, t, label, holder, tgs, "cue", negated, voice, k, _about(t, label))


def _para_subject(v: Token) -> Token | None:
    """When the parse took a subject from another paragraph: the last proper name (or pronoun) before the verb
    in its own paragraph and clause, e.g. "JEREMY CORBYN today refused ..."."""
    cands = [t for t in v.doc[v.sent.start:v.i] if _near(t, v) and (t.ent_type_ == "PERSON" or t.pos_ == "PROPN"
                                                                     or t.lower_ in ("he", "she", "they"))]
    if not cands or any(t.pos_ in ("VERB", "AUX") for t in v.doc[cands[-1].i:v.i]):
        return None
    return cands[-1]


def _hypothetical(v: Token) -> bool:
    """A stance under a modal of possibility or obligation ("should urge", "could condemn") is not taken."""
    return any(c.dep_ == "aux" and c.lower_ in ("should", "could", "might", "must", "would", "ought", "may")
               for c in v.children)


def _requested(v: Token) -> bool:
    """The stance asked for in an appeal ("urged X to condemn Y", "we ask that you condemn Y") is not taken."""
    h = v
    for _ in range(2):
        if h.dep_ not in ("xcomp", "ccomp", "advcl") or h.head is h or not _near(h.head, v):
            return False
        h = h.head
        m = _match_cue(h)
        if m is not None and m[0] in ("urge", "demand"):
            return True
    return False


def _same_cue(ctx: _Ctx, v: Token) -> int | None:
    """An agentless passive ("X has been accused of ...") restates an attributed accusation made elsewhere in
    the article with the same verb: the index of that quote, whose speaker is the holder."""
    for k, q in enumerate(ctx.quotes):
        if q.speaker and q.cue and q.cue_span and ctx.doc.char_span(*q.cue_span, alignment_mode="expand") is not None:
            span = ctx.doc.char_span(*q.cue_span, alignment_mode="expand")
            subj, _ = _subject(v)
            names = {subj.lower_} if subj is not None else set()
            if span is not None and span.root.lemma_.lower() == v.lemma_.lower() and q.speaker_type != "unknown" \
                    and q.furniture in (None, "headline", "title") and _in_body(ctx, q.start) and names & {x.lower_ for x in span.root.sent}:
                return k
    return None


GROUP_HEADS = {"countries", "parties", "sides", "nations", "states", "leaders", "governments", "powers", "allies"}


def _entity_target(tg: Target) -> bool:
    """Targets worth a stance record: people, organisations, countries, the agents of acts, named groups."""
    if tg.type in ("person", "organisation", "country"):
        return True
    return tg.type == "group" and tg.name.split()[-1].lower() in GROUP_HEADS | GROUP_NOUNS


def _irrealis(v: Token) -> bool:
    """Conditions, questions and negated frames ("if X does the right thing", "nor does it mean that X ...")."""
    h: Token | None = v
    for _ in range(4):
        if h is None:
            return False
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in h.children):
            return True
        if h is not v and any(c.dep_ == "neg" or c.lower_ in ("nor", "not", "never") for c in h.children):
            return True
        if h.head is h or not _near(h.head, v):
            return h.sent.text.rstrip().endswith("?")
        h = h.head if h.dep_ in ("ccomp", "conj", "xcomp", "advcl") else None
    return False


def _modal_urge(ctx: _Ctx, q: Quote, k: int) -> list[Stance]:
    """In a speaker's words, "X should/must V" is the speaker urging X to V."""
    span = ctx.doc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None or not q.speaker:
        return []
    out: list[Stance] = []
    for t in span:
        if t.pos_ not in ("VERB", "AUX") or not any(c.dep_ == "aux" and c.lower_ in ("should", "must", "ought")
                                                    for c in t.children):
            continue
        subj, _ = _subject(t)
        if subj is None or subj.lower_ in ("i", "it", "this", "that", "there", "which", "who"):
            continue
        holder = (q.speaker, q.speaker_type, q.speaker_span, q.on_behalf_of)
        tgs = [tg for tg in targets_of(subj, ctx.index, ctx.lead) if _entity_target(tg)] \
            if subj.lower_ not in ("we", "you") else []
        if subj.lower_ == "you":
            addr = _addressee(ctx, q)
            tgs = [Target(addr, "person", (subj.idx, subj.idx + len(subj.text)), [surname_key(addr)])] if addr else []
        if not tgs:
            continue
        about = " ".join(x.text for x in t.subtree if x.i >= t.i or x.dep_ == "neg")
        out += _make(ctx, t, "urge", holder, tgs, "content", False, (None, None), k, about)
    return out


def _frame_pass(ctx: _Ctx, t: Token) -> list[Stance]:
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
    sign, strong = _polarity_of(comp)
    if sign == 0:
        return []
    label = "praise" if sign > 0 else ("condemn" if strong else "criticise")
    kq = _cue_quote(ctx, t)
    subj, _ = _subject(t)
    k_at = _quote_at(ctx, t.idx)
    quote = ctx.quotes[k_at] if k_at is not None else None
    holder: Holder
    if kq is not None and ctx.quotes[kq].speaker:
        q = ctx.quotes[kq]
        holder = (q.speaker, q.speaker_type, q.speaker_span, q.on_behalf_of)
    elif subj is not None:
        holder = _holder(ctx, subj, quote)
    else:
        return []
    if holder[0] is None:
        return []
    voice, k = _voice(ctx, t, holder, label, False)
    about = " ".join(x.text for x in comp).strip(" '\"“”‘’")
    return _make(ctx, t, label, holder, targets_of(obj, ctx.index, ctx.lead), "frame", False, voice, k, about)


def _nominal_pass(ctx: _Ctx, t: Token) -> list[Stance]:
    """"his criticism of Russia's actions", "written in support of Assad's regime"."""
    _, _, nouns = _cues()
    if t.pos_ != "NOUN" or t.lemma_.lower() not in nouns:
        return []
    label = nouns[t.lemma_.lower()]
    objs = [p for c in t.children if c.dep_ == "prep" and c.lower_ in ("of", "for", "on", "against", "to")
            for p in c.children if p.dep_ == "pobj"]
    if not objs:
        return []
    quote_k = _quote_at(ctx, t.idx)
    quote = ctx.quotes[quote_k] if quote_k is not None else None
    poss = next((c for c in t.children if c.dep_ == "poss"), None)
    owner = None
    if poss is None and t.dep_ in ("dobj", "pobj"):
        gov = t.head if t.dep_ == "dobj" else t.head.head
        if t.dep_ == "dobj" and gov.lemma_.lower() not in LIGHT_VERBS:
            return []
        owner, _ = _subject(gov)
    who = poss or owner
    if who is None:
        return []
    holder = _holder(ctx, who, quote)
    if holder[0] is None:
        return []
    tgs = [tg for o in objs for tg in targets_of(o, ctx.index, ctx.lead)]
    voice, k = _voice(ctx, t, holder, label, False)
    return _make(ctx, t, label, holder, tgs, "nominal", False, voice, k)


def _content_pass(ctx: _Ctx, q: Quote, k: int) -> list[Stance]:
    """Evaluations in a speaker's quoted words: "X posed a threat", "the actions of X are barbaric war crimes"."""
    span = ctx.doc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None or not q.speaker:
        return []
    out: list[Stance] = []
    for t in span:
        if t.dep_ not in ("nsubj", "nsubjpass") or t.lower_ in ("i", "we", "you", "it", "this", "that", "there",
                                                                 "they", "which", "who", "what"):
            continue
        pred = t.head
        if _match_cue(pred) is not None or pred.lemma_.lower() in FRAME_VERBS or _irrealis(pred):
            continue
        toks = [pred] + [x for c in pred.children if c.dep_ in ("attr", "acomp", "dobj", "oprd", "neg", "conj")
                         for x in c.subtree if x.dep_ not in ("relcl", "advcl", "ccomp", "xcomp", "pcomp")]
        sign, strong = _polarity_of([x for x in toks if q.start <= x.idx < q.end])
        if sign == 0:
            continue
        tgs = targets_of(t, ctx.index, ctx.lead)
        tgs = [tg for tg in tgs if _entity_target(tg)]
        if not tgs:
            continue
        label = "praise" if sign > 0 else ("condemn" if strong else "criticise")
        holder = (q.speaker, q.speaker_type, q.speaker_span, q.on_behalf_of)
        out += _make(ctx, pred, label, holder, tgs, "content", False, (None, None), k)
    return out


def _act_pass(ctx: _Ctx, q: Quote, k: int) -> list[Stance]:
    """A speaker naming an atrocity and its agent condemns the agent: "the slaughter of civilians by Russian
    and Assad-regime forces", "his crimes"."""
    span = ctx.doc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None or not q.speaker:
        return []
    out: list[Stance] = []
    for t in span:
        if t.pos_ != "NOUN" or t.lemma_.lower() not in STRONG_NEG and t.lower_ not in STRONG_NEG:
            continue
        doers = [a for a in agents(t) if a.lower_ not in ("our", "my", "their", "its", "your")]
        tgs = [tg for a in doers for tg in [describe(a, ctx.index, ctx.lead)] if _entity_target(tg)]
        if tgs and not _irrealis(t.head if t.head is not t else t):
            holder = (q.speaker, q.speaker_type, q.speaker_span, q.on_behalf_of)
            for tg in tgs:
                tg.about = ctx.doc.text[t.idx:t.idx + len(t.text)]
            out += _make(ctx, t, "condemn", holder, tgs, "content", False, (None, None), k)
    return out


def extract_stances(doc: Doc, segments: list[Segment], quotes: list[Quote],
                    index: NameIndex | None = None) -> list[Stance]:
    """Every stance in an article's body and headline (furniture is skipped), in reading order."""
    skip = [(s.start, s.end) for s in segments if s.kind == "furniture"]
    index = index or build_name_index(doc, skip)
    body = [(s.start, s.end) for s in segments if s.kind != "furniture"] or [(0, len(doc.text))]
    doc.user_data[SEG_KEY] = body
    ctx = _Ctx(doc, index, leaders(doc, index), quotes, body)
    found: list[Stance] = []
    for t in doc:
        if not _in_body(ctx, t.idx):
            continue
        found += _cue_pass(ctx, t) or _frame_pass(ctx, t) or _nominal_pass(ctx, t)
    for k, q in enumerate(quotes):
        if q.kind != "indirect" and _in_body(ctx, q.start):
            found += _content_pass(ctx, q, k) + _modal_urge(ctx, q, k) + _act_pass(ctx, q, k)
    seen: set[tuple[object, ...]] = set()
    out = []
    for s in sorted(found, key=lambda s: (s.start, s.cue_span or (0, 0))):
        key = (s.holder, s.label, s.target, s.cue_span, s.reported_by)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out
