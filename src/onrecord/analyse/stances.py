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

from onrecord.analyse.dates import find_dates
from onrecord.analyse.names import NameIndex, build_name_index
from onrecord.analyse.stance_targets import Target, describe, leaders, person_name, targets_of
from onrecord.models import Quote, Record, Segment

OUTLET = "<outlet>"  # reported_by placeholder: the store writes the article's outlet
NEGATORS = {"refuse", "fail", "decline", "reluctant", "unwilling", "neglect", "omit"}
HABITUAL = {"consistently", "repeatedly", "always", "never", "long", "again", "continually", "constantly",
            "persistently", "routinely", "previously"}
POSITIONAL = {"support", "oppose", "defend"}  # labels that describe a position rather than a speech act
FRAME_VERBS = {"brand", "call", "describe", "label", "dub", "term", "denounce"}
LIGHT_VERBS = {"issue", "express", "voice", "make", "launch", "level", "offer", "give", "lodge", "deliver"}
STRONG_NEG = {"barbaric", "atrocity", "atrocities", "abhorrent", "horrific", "brutal", "inexcusable", "murderous",
              "slaughter", "evil", "genocide", "criminal", "crime", "crimes", "disgraceful", "outrageous",
              "shameful", "appalling", "heinous", "monstrous", "despicable", "war crime", "unforgivable"}
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
    source: str = "cue"  # cue | nominal | frame | content
    quote_index: int | None = None
    date_text: str | None = None
    date_span: tuple[int, int] | None = None
    future: bool = False
    cameo: str = ""
    plover: str = ""


@dataclass
class _Ctx:
    doc: Doc
    index: NameIndex
    lead: dict[str, str]
    quotes: list[Quote]
    body: list[tuple[int, int]]


def _quote_at(ctx: _Ctx, char: int, content_only: bool = True) -> int | None:
    """Index of the quote whose content holds this character (direct/partial/mixed marks or indirect clause)."""
    best = None
    for k, q in enumerate(ctx.quotes):
        spans = q.spans or [(q.start, q.end)]
        if q.clause_span and not content_only:
            spans = [*spans, q.clause_span]
        if any(s <= char < e for s, e in spans):
            if best is None or (q.end - q.start) < (ctx.quotes[best].end - ctx.quotes[best].start):
                best = k
    return best


def _cue_quote(ctx: _Ctx, t: Token) -> int | None:
    for k, q in enumerate(ctx.quotes):
        if q.cue_span and q.cue_span[0] <= t.idx < q.cue_span[1]:
            return k
    return None


def _subject(v: Token) -> tuple[Token | None, bool]:
    """The subject of a verb (following xcomp/conj/advcl-less control up the tree) and whether it is passive."""
    cur: Token | None = v
    for _ in range(4):
        if cur is None:
            break
        for c in cur.children:
            if c.dep_ in ("nsubj", "csubj"):
                return c, False
            if c.dep_ == "nsubjpass":
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
    for d in find_dates(sent.text):
        s = sent.start_char + d.start
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
    if q is not None and subj.lower_ in ("i", "we", "us", "me"):
        return q.speaker, q.speaker_type, q.speaker_span, q.on_behalf_of
    if q is not None and subj.lower_ == "you":
        addr = _addressee(ctx, q)
        return (addr, "person", None, None) if addr else (None, "unknown", span, None)
    tg = describe(subj, ctx.index, ctx.lead)
    if tg.type in ("other",) and subj.pos_ == "PRON":
        return None, "unknown", span, None
    kind = {"country": "organisation", "event": "unknown", "other": "unknown"}.get(tg.type, tg.type)
    return tg.name, kind, tg.span, None


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
    if t.pos_ not in ("VERB",) and not (t.pos_ == "NOUN" and t.dep_ == "ROOT"):
        return None
    kids = {c.lower_ for c in t.children if c.dep_ in ("prep", "prt", "dobj", "dative")}
    grand = {g.lower_ for c in t.children if c.dep_ == "dobj" for g in c.children if g.dep_ == "prep"}
    for parts, label in sorted(multi.items(), key=lambda kv: -len(kv[0])):
        if parts[0] == lemma and all(p in kids or p in grand for p in parts[1:]):
            return label, parts
    if lemma in single:
        if lemma == "ask" and any(c.dep_ in ("ccomp",) and any(m.lower_ in ("if", "whether") for m in c.children)
                                  for c in t.children):
            return None
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
