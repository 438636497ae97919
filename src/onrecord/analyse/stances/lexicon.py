"""The stance lexicon: the label inventory (data/stance_labels.tsv), its cue verbs and nouns, and the word lists
(data/words.toml) that grade evaluations ("a dangerous escalation", "barbaric war crimes", "a brave man").

``match_cue`` decides whether a verb is a stance cue and which label it carries; ``polarity_of`` reads the
sign and strength of a phrase's evaluative words. Everything here is data or a lookup: no article context.
"""
from __future__ import annotations

from spacy.tokens import Token

from onrecord import data
from onrecord.data import LabelInfo

NEGATORS = data.words("negators")
HEDGES = data.words("hedges")
HEARSAY_VERBS = data.words("hearsay_verbs")
HOSTILE_ACTS = data.words("hostile_acts")
MODALS = frozenset({"should", "could", "might", "must", "would", "ought", "may"})  # possibility, obligation
HABITUAL = data.words("habitual")
WH = ("WRB", "WP", "WDT")  # "asked how ...", "asked who ...": a question
POSITIONAL = {"support", "oppose", "defend"}  # labels that describe a position rather than a speech act
FRAME_VERBS = data.words("frame_verbs")
LIGHT_VERBS = data.words("light_verbs")
STRONG_NEG = data.words("strong_negative")
NEG = data.words("negative")
POS = data.words("positive")


def labels() -> dict[str, LabelInfo]:
    """The stance label inventory (data/stance_labels.tsv), keyed by label."""
    return data.stance_labels()


@data.cached
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
        if lemma == "ask" and (any(c.dep_ == "ccomp" and (any(m.lower_ in ("if", "whether") or m.tag_ in WH
                                                              and m.i < c.i for m in c.children) or
                                                          any(x.text.endswith("?") for x in c.subtree))
                                   for c in t.children) or not any(c.dep_ in ("xcomp", "ccomp") for c in t.children)):
            return None  # "asked if/how ...", "asked about ...", asked "Could it ...?": a question, not an appeal
        if lemma == "oppose" and t.i > 0 and t.nbor(-1).lower_ == "as" and any(c.lower_ == "to" for c in t.children):
            return None  # "as opposed to": "rather than", no one's position
        if lemma in ("call", "press", "charge", "attack", "back") and not kids & {"dobj"} and lemma != "back":
            return None
        return single[lemma], (lemma,)
    return None


def speech_act(t: Token) -> bool:
    """A verb or noun of saying that carries no stance of its own ("comment", "discuss", "respond", "answer"):
    refusing one ("declined to comment") says nothing about anyone's position."""
    classes = data.cue_classes().get(t.lemma_.lower(), frozenset())
    if not classes & {"speech", "stance"}:
        return False
    return t.lemma_.lower() not in cues()[0] and t.lemma_.lower() not in cues()[2]


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
