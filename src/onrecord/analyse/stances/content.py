"""Stance finders over a speaker's quoted words: evaluations, appeals and named atrocities.

In a quote, "X posed a threat" / "X's actions are barbaric war crimes" is the speaker's criticise / condemn
(or praise) toward X; "X should V" is the speaker urging X; "the slaughter of civilians by X" condemns X
(docs/stances.md, "Where stances come from", 4). Conditions, questions and negated frames are skipped.
"""
from __future__ import annotations

from spacy.tokens import Span, Token

from onrecord import data
from onrecord.analyse.entities.names import GROUP_NOUNS
from onrecord.analyse.stances.clauses import cue_subject, is_conditional, is_hypothetical, is_irrealis
from onrecord.analyse.stances.context import StanceContext, quote_holder
from onrecord.analyse.stances.holders import addressee_targets, make_stances
from onrecord.analyse.stances.lexicon import (
    FRAME_VERBS,
    STRONG_NEG,
    evaluation_label,
    match_cue,
    polarity_of,
)
from onrecord.analyse.stances.targets import Target, agents, describe, targets_of
from onrecord.models import Quote, Stance

GROUP_HEADS = data.words("group_heads")


def _entity_target(tg: Target) -> bool:
    """Targets worth a stance record: people, organisations, countries, the agents of acts, named groups."""
    if tg.type in ("person", "organisation", "country"):
        return True
    return tg.type == "group" and tg.name.split()[-1].lower() in GROUP_HEADS | GROUP_NOUNS


def _quoted(ctx: StanceContext, q: Quote) -> Span | None:
    """The tokens of a quote with a known speaker (None when it has none or the span does not align)."""
    span = ctx.doc.char_span(q.start, q.end, alignment_mode="expand")
    return None if span is None or not q.speaker else span


def content_stances(ctx: StanceContext, q: Quote, k: int) -> list[Stance]:
    """Evaluations in a speaker's quoted words: "X posed a threat", "the actions of X are barbaric war crimes"."""
    span = _quoted(ctx, q)
    if span is None:
        return []
    out: list[Stance] = []
    for t in span:
        if t.dep_ not in ("nsubj", "nsubjpass") or t.lower_ in ("i", "we", "you", "it", "this", "that", "there",
                                                                 "they", "which", "who", "what"):
            continue
        pred = t.head
        if match_cue(pred) is not None or pred.lemma_.lower() in FRAME_VERBS or is_irrealis(ctx, pred) \
                or is_hypothetical(pred) or none_of(t) or pred.dep_ == "relcl" and none_of(pred.head):
            continue
        toks = [pred] + [x for c in pred.children if c.dep_ in ("attr", "acomp", "dobj", "oprd", "neg", "conj")
                         for x in c.subtree if x.dep_ not in ("relcl", "advcl", "ccomp", "xcomp", "pcomp")]
        sign, strong = polarity_of([x for x in toks if q.start <= x.idx < q.end])
        if sign == 0:
            continue
        tgs = targets_of(t, ctx.index, ctx.lead)
        tgs = [tg for tg in tgs if _entity_target(tg)]
        if not tgs:
            continue
        out += make_stances(ctx, pred, evaluation_label(sign, strong), quote_holder(q), tgs, "content", False,
                            (None, None), k)
    return out


def modal_urges(ctx: StanceContext, q: Quote, k: int) -> list[Stance]:
    """In a speaker's words, "X should/must V" is the speaker urging X to V."""
    span = _quoted(ctx, q)
    if span is None:
        return []
    out: list[Stance] = []
    for t in span:
        if t.pos_ not in ("VERB", "AUX") or not any(c.dep_ == "aux" and c.lower_ in ("should", "must", "ought")
                                                    for c in t.children):
            continue
        subj, _ = cue_subject(ctx, t)
        if subj is None or subj.lower_ in ("i", "it", "this", "that", "there", "which", "who"):
            continue
        if is_conditional(t) or is_irrealis(ctx, t) or _state(t):
            continue  # "if ..., Bernie should win": a forecast; "should be ashamed": a judgement, not an appeal
        tgs = [tg for tg in targets_of(subj, ctx.index, ctx.lead) if _entity_target(tg)] \
            if subj.lower_ not in ("we", "you") else []
        if subj.lower_ == "you":
            tgs = addressee_targets(ctx, q, subj)
        if not tgs:
            continue
        about = " ".join(x.text for x in t.subtree if x.i >= t.i or x.dep_ == "neg")
        out += make_stances(ctx, t, "urge", quote_holder(q), tgs, "content", False, (None, None), k, about)
    return out


NONE_WORDS = frozenset({"nothing", "nobody", "none", "neither", "nor"})


def none_of(subj: Token) -> bool:
    """A subject that denies ("nothing President Trump has done amounts to bribery", "no one was more
    hostile"): its evaluation is not said of anyone."""
    return subj.lower_ in NONE_WORDS or subj.left_edge.lower_ in NONE_WORDS | {"no"}


def _state(t: Token) -> bool:
    """"X should be ashamed/proud": a copula with an adjective judges X rather than asks them to act."""
    return t.lemma_.lower() == "be" and any(c.dep_ == "acomp" for c in t.children)


def act_stances(ctx: StanceContext, q: Quote, k: int) -> list[Stance]:
    """A speaker naming an atrocity and its agent condemns the agent: "the slaughter of civilians by Russian
    and Assad-regime forces", "his crimes"."""
    span = _quoted(ctx, q)
    if span is None:
        return []
    out: list[Stance] = []
    for t in span:
        if t.pos_ != "NOUN" or t.lemma_.lower() not in STRONG_NEG and t.lower_ not in STRONG_NEG:
            continue
        doers = [a for a in agents(t) if a.lower_ not in ("our", "my", "their", "its", "your")]
        tgs = [tg for a in doers for tg in [describe(a, ctx.index, ctx.lead)] if _entity_target(tg)]
        if tgs and not is_irrealis(ctx, t.head if t.head.i != t.i else t):
            for tg in tgs:
                tg.about = t.text
            out += make_stances(ctx, t, "condemn", quote_holder(q), tgs, "content", False, (None, None), k)
    return out
