"""The stance lexicon: the label inventory (data/stance_labels.tsv), its cue verbs and nouns, and the word lists
that grade evaluations ("a dangerous escalation", "barbaric war crimes", "a brave man").

``match_cue`` decides whether a verb is a stance cue and which label it carries; ``polarity_of`` reads the
sign and strength of a phrase's evaluative words. Everything here is data or a lookup: no article context.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.tokens import Token

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
def cues() -> tuple[dict[str, str], dict[tuple[str, ...], str], dict[str, str]]:
    """(single-word cue verb -> label, multiword cue verb -> label, cue noun -> label); the first label wins."""
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


def match_cue(t: Token) -> tuple[str, tuple[str, ...]] | None:
    """(label, cue words) when the verb is a stance cue ("condemned", "sided with", "called on"), else None."""
    single, multi, _ = cues()
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


def polarity_of(tokens: list[Token]) -> tuple[int, bool]:
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


def evaluation_label(sign: int, strong: bool) -> str:
    """The label an evaluation carries: praise when positive, condemn when strongly negative, else criticise."""
    return "praise" if sign > 0 else ("condemn" if strong else "criticise")
