"""The clause around a stance cue: who and what it relates, and whether the stance is actually taken.

Participants: the cue's subject (through control verbs, never across a paragraph break), its passive agent,
its objects, what it is over, and the holder of an embedded stance ("accused of siding with"). Mood: negation
("did not condemn", "refused to blame"), habit ("has consistently condemned"), modality ("should urge"),
appeals ("urged X to condemn Y") and irrealis (conditions, questions, negated frames). Pure functions of the
parse and the article's paragraphs: those that must not relate words across a paragraph break (spaCy's
sentences may run across one) take the ``StanceContext`` that knows them.
"""
from __future__ import annotations

from spacy.tokens import Span, Token

from onrecord.analyse.stances.context import StanceContext
from onrecord.analyse.stances.lexicon import HABITUAL, HEARSAY_VERBS, HEDGES, MODALS, NEGATORS, match_cue

MANNER_PREPS = frozenset({"by", "after", "before", "while", "without", "since", "upon"})


def cue_subject(ctx: StanceContext, v: Token) -> tuple[Token | None, bool]:
    """The subject of a verb (following xcomp/conj/advcl-less control up the tree) and whether it is passive. A
    passive complement ("deserves to be supported", "expects to be criticised") makes the controlling subject the
    one acted on, not the actor."""
    cur: Token | None = v
    for _ in range(4):
        if cur is None or not ctx.same_para(cur, v):
            break
        for c in cur.children:
            if c.dep_ in ("nsubj", "csubj") and ctx.same_para(c, v):
                return c, cur is not v and _passive_complement(v, cur)
            if c.dep_ == "nsubjpass" and ctx.same_para(c, v):
                return c, True
        if cur.dep_ in ("xcomp", "conj") and cur.head.i != cur.i:
            cur = cur.head
            continue
        if cur.dep_ == "pcomp" and cur.head.lower_ in MANNER_PREPS and cur.head.head.pos_ in ("VERB", "AUX"):
            cur = cur.head.head  # "X began by crediting Y and urging him": X urges, as the verb's subject does
            continue
        if cur.dep_ == "pcomp" and cur.head.dep_ == "prep" and cur.head.head.pos_ in ("NOUN", "VERB"):
            return None, False  # "accused of siding with": the subject is the accusation's object
        break
    return None, False


def _passive_complement(v: Token, top: Token) -> bool:
    """``v`` is a passive open complement on the way up to ``top`` ("deserves to be supported")."""
    t = v
    while t is not top and t.dep_ in ("xcomp", "conj") and t.head.i != t.i:
        if t.dep_ == "xcomp" and any(c.dep_ == "auxpass" for c in t.children):
            return True
        t = t.head
    return False


def agent_of(v: Token) -> Token | None:
    """The passive's agent ("condemned by X": X), or None."""
    for c in v.children:
        if c.dep_ == "agent":
            return next((p for p in c.children if p.dep_ == "pobj"), None)
    return None


def para_subject(ctx: StanceContext, v: Token) -> Token | None:
    """When the parse took a subject from another paragraph: the last proper name (or pronoun) before the verb
    in its own paragraph and clause, e.g. "JEREMY CORBYN today refused ..."."""
    cands = [t for t in v.doc[v.sent.start:v.i] if ctx.same_para(t, v) and (t.ent_type_ == "PERSON" or t.pos_ == "PROPN"
                                                                     or t.lower_ in ("he", "she", "they"))]
    if not cands or any(t.pos_ in ("VERB", "AUX") for t in v.doc[cands[-1].i:v.i]) or _an_object(cands[-1], v):
        return None
    return cands[-1]


OBJECT_DEPS = frozenset({"dobj", "dative", "pobj", "oprd", "attr"})


def _an_object(t: Token, v: Token) -> bool:
    """The name is the object of a verb or preposition ("began by crediting Lopez ... and urging him": Lopez is
    credited, not the one who urges), so it is not the subject of a later verb ``v``; unless ``v`` follows the name
    at once, its own participle ("pointed to Reed endorsing Miller")."""
    if v.i == t.i + 1:
        return False
    while t.dep_ in ("compound", "flat") and t.head.i != t.i:
        t = t.head
    return t.dep_ in OBJECT_DEPS


def cue_objects(v: Token, parts: tuple[str, ...]) -> list[Token]:
    """The object heads of a cue: the preposition's object for "side with X" (the cue's own preposition follows
    it: "On Saturday, Sanders called on Snyder" calls on Snyder, not Saturday), else the direct object."""
    if len(parts) > 1:
        prep = parts[-1]
        for c in v.children:
            if c.dep_ in ("prep", "prt", "dative") and c.lower_ == prep and c.i > v.i:
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


def about_of(v: Token, label: str) -> str | None:
    """What the stance is over: "to de-escalate", "of siding with ...", "for the chemical attack"."""
    for c in v.children:
        if c.dep_ in ("xcomp", "ccomp") and label in ("urge", "demand", "warn", "threaten", "refuse", "deny"):
            return " ".join(x.text for x in c.subtree).strip()
        if c.dep_ == "prep" and c.lower_ in ("of", "for", "over", "about") and label not in ("support", "defend"):
            return " ".join(x.text for x in c.subtree).strip()
    return None


def embedded_holder(ctx: StanceContext, v: Token) -> tuple[Token | None, Token | None]:
    """For "X was accused of siding with Y" / "a history of standing up for Y": (the holder X, the accusing verb)."""
    if v.dep_ != "pcomp" or v.head.lower_ != "of":
        return None, None
    gov = v.head.head
    if gov.pos_ == "VERB":
        subj, passive = cue_subject(ctx, gov)
        if passive:
            return subj, gov
        return next((c for c in gov.children if c.dep_ == "dobj"), None), gov
    if gov.pos_ == "NOUN":  # "has a history of standing up for"
        owner = gov.head if gov.dep_ in ("dobj", "attr") else None
        if owner is not None:
            subj, _ = cue_subject(ctx, owner)
            return subj, None
    return None, None


# -- mood: is the stance taken? -------------------------------------------------------------------------------
def is_negated(v: Token) -> bool:
    """The cue is negated ("did not condemn") or under a negator ("refused to blame", "failed to condemn")."""
    if any(c.dep_ == "neg" or c.lower_ in ("never", "not", "n't") for c in v.children):
        return True
    h = v
    while h.dep_ in ("xcomp", "pcomp", "pobj", "prep") and h.head.i != h.i:
        h = h.head
        if h.lemma_.lower() in NEGATORS:
            return not any(c.dep_ == "neg" for c in h.children)
    return False


NEGATIVE_NOUNS = frozenset({"nothing", "none", "nobody", "no one", "nowhere"})


def double_negative(v: Token) -> bool:
    """A negated cue in a relative clause whose noun is itself negated ("there is not one line in her plan that I do not
    support", "nothing I don't like about him"): two negations that cancel, which a record cannot read as either."""
    if v.dep_ != "relcl" or not is_negated(v):
        return False
    h = v.head
    if h.lower_ in NEGATIVE_NOUNS or any(c.dep_ == "det" and c.lower_ == "no" for c in h.children):
        return True
    for _ in range(4):
        if h.head.i == h.i:
            return False
        h = h.head
        if any(c.dep_ == "neg" or c.lower_ in ("never", "not", "n't") for c in h.children):
            return True
    return False


def is_habitual(v: Token) -> bool:
    """The cue describes a habit or history ("has consistently condemned", "a history of standing up for")."""
    toks = [v, *([v.head] if v.dep_ in ("xcomp", "pcomp", "pobj") else [])]
    if any(c.lower_ in HABITUAL for t in toks for c in t.children if c.dep_ in ("advmod", "npadvmod")):
        return True
    anc = [a.lower_ for a in v.ancestors][:4]
    return "history" in anc or "record" in anc


def _modal(v: Token) -> bool:
    return any(c.dep_ == "aux" and c.tag_ == "MD" and c.lemma_.lower() in MODALS for c in v.children)


def is_hypothetical(v: Token) -> bool:
    """A stance under a modal of possibility or obligation ("should urge", "could condemn"), on the cue or on a
    verb it complements ("would consider supporting"), is not taken."""
    h = v
    for _ in range(3):
        if _modal(h):
            return True
        if h.dep_ != "xcomp" or h.head.i == h.i:
            return False
        h = h.head
    return False


def is_unrealised(v: Token) -> bool:
    """An infinitive that states no act taken: one modifying a clause or a noun ("no clear favorite to challenge
    Trump", "the only Republican to endorse Trump", "the hope is for Washington to oppose"), or after a copula ("is
    partly to blame"). Verbs that take a to-infinitive as their object ("vowed to oppose") are read elsewhere."""
    if not any(c.dep_ == "aux" and c.tag_ == "TO" for c in v.children):
        return False
    if v.dep_ in ("advcl", "acl", "relcl", "csubj"):
        return True
    return v.dep_ == "xcomp" and v.head.pos_ == "AUX" and v.head.lemma_.lower() == "be"


def is_generic(subj: Token, v: Token) -> bool:
    """A bare plural noun as subject, with the verb in the simple present or the future ("economists who favor
    consumption taxes", "Voters consistently reject ...", "People will ask you ..."): English states a kind's
    habit so, and a kind holds no position a record can give; "Workers objected", "students have alleged" stay."""
    if subj.pos_ != "NOUN" or subj.tag_ != "NNS" or any(
            c.dep_ in ("det", "poss", "nummod", "compound", "amod") for c in subj.children):
        return False
    if any(c.dep_ == "aux" and c.lower_ in ("will", "'ll") for c in v.children):
        return True
    return v.tag_ in ("VBP", "VBZ") and not any(c.dep_ in ("aux", "auxpass") for c in v.children)


def clause_heads(v: Token) -> list[Token]:
    """The cue and the clauses it sits in (through complements, conjuncts and adverbial clauses), nearest
    first."""
    out = [v]
    h = v
    for _ in range(4):
        if h.dep_ not in ("xcomp", "ccomp", "conj", "advcl") or h.head.i == h.i:
            break
        h = h.head
        out.append(h)
    return out


def is_conditional(v: Token, threat: bool = False) -> bool:
    """The cue is the condition ("if he condemns") or the consequence ("if true, X committed a crime": an advcl
    marked "if"/"unless") of a conditional, so it states no stance. A threat or a warning is conditional by
    nature ("vowed to bomb ... if"): its own condition does not count (``threat``)."""
    for k, h in enumerate(clause_heads(v)):
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in h.children):
            return True
        if threat and k == 0:
            continue
        if any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children)
               for c in h.children):
            return True
    return False


def is_question(ctx: StanceContext, v: Token) -> bool:
    """The cue is in a question ("Did Smith condemn the attack?"): its sentence, within its paragraph, ends
    with a question mark."""
    last = None
    for t in v.sent:
        if t.i >= v.i and ctx.same_para(t, v) and not t.is_space:
            last = t
    return last is not None and last.text.endswith("?")


EPISTEMIC = frozenset({"perhaps", "maybe", "possibly", "probably", "likely", "conceivably"})  # a guess, not a fact


def is_guessed(v: Token) -> bool:
    """The writer guesses at the act ("Perhaps Russia will oppose any move"): an epistemic adverb on the cue."""
    return any(c.dep_ == "advmod" and c.lower_ in EPISTEMIC for c in v.children)


def is_hedged(v: Token) -> bool:
    """The writer hedges the stance: "reportedly backed", "is said to have backed", "is believed to support"."""
    heads = clause_heads(v)
    if any(c.dep_ == "advmod" and c.lower_ in HEDGES for h in heads[:2] for c in h.children):
        return True
    h = v
    for _ in range(2):
        if h.dep_ != "xcomp" or h.head.i == h.i:
            return False
        h = h.head
        if h.lemma_.lower() in HEARSAY_VERBS and any(c.dep_ in ("nsubjpass", "auxpass") for c in h.children):
            return True
    return False


def under_denial(v: Token) -> bool:
    """The cue is reported under a negated or refused speech act ("did not say he backs X", "declined to say
    whether she supports X"): the stance is neither stated nor denied."""
    heads = clause_heads(v)
    for k, h in enumerate(heads[1:], 1):
        if heads[k - 1].dep_ != "ccomp":
            continue
        if any(c.dep_ == "neg" for c in h.children) or is_negated(h):
            return True
    return False


def negated_governor(t: Token) -> bool:
    """A nominal cue governed by a negated or refused verb ("declined to affirm his support for X", "did not
    voice his support")."""
    h = t
    for _ in range(3):
        if h.dep_ not in ("dobj", "pobj", "prep") or h.head.i == h.i:
            return False
        h = h.head
        if h.pos_ in ("VERB", "AUX"):
            return is_negated(h)
    return False


def is_requested(ctx: StanceContext, v: Token) -> bool:
    """The stance asked for in an appeal ("urged X to condemn Y", "we ask that you condemn Y") is not taken."""
    h = v
    for _ in range(2):
        if h.dep_ not in ("xcomp", "ccomp", "advcl") or h.head.i == h.i or not ctx.same_para(h.head, v):
            return False
        h = h.head
        m = match_cue(h)
        if m is not None and m[0] in ("urge", "demand"):
            return True
    return False


def is_irrealis(ctx: StanceContext, v: Token) -> bool:
    """Conditions, questions and negated frames ("if X does the right thing", "nor does it mean that X ...")."""
    if is_conditional(v) or is_hedged(v):
        return True
    h: Token | None = v
    for _ in range(4):
        if h is None:
            return False
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in h.children):
            return True
        if h is not v and any(c.dep_ == "neg" or c.lower_ in ("nor", "not", "never") for c in h.children):
            return True
        if h.head.i == h.i or not ctx.same_para(h.head, v):
            return h.sent.text.rstrip().endswith("?")
        h = h.head if h.dep_ in ("ccomp", "conj", "xcomp", "advcl") else None
    return False


def title_case(sent: Span) -> bool:
    """A sentence in headline Title Case ("Marco Rubio Responds To Question About Minimum Wage", a "Related:"
    link, a page's own headline): compressed, its subject often not the holder ("Trump Lashes Out"); its stances
    are left to the body, which states them in full. At least four words of four or more letters after the first,
    every one capitalised."""
    words = [w for w in sent[1:] if w.is_alpha and len(w) >= 4]
    return len(words) >= 4 and all(w.text[0].isupper() for w in words)
