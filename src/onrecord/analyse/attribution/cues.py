"""Cues and speaker mentions from the dependency parse: who said a quotation, and reported speech without marks.

Each finder (``outro_cue``, ``intro_cue``, ``tree_cue``, ``according_cue``) proposes a cue with the speaker
mention it points at, how it found it and its evidence score (a ``speakers.Proposal``); ``speakers.decide``
picks among the proposals and resolves the speaker.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from onrecord import data
from onrecord.analyse.attribution.speakers import UTTERANCE_NOUNS, Proposal
from onrecord.analyse.attribution.tree import Tree, backwards, child_right_after, children, forwards, tree
from onrecord.analyse.entities.names import GROUP_NOUNS, PERSON_ROLES, TITLES, is_role_noun
from onrecord.analyse.textcache import doc_text
from onrecord.data import cue_classes as cue_lexicon  # lemma -> classes (data/cues.txt)

SPEECH_NOUNS = data.words("speech_nouns")  # what a source says or publishes in ("statement", "poll", "interview")
INSTITUTION_NOUNS = data.words("institution_nouns")
# Nouns for people who can be a source, as lemmas: "a source" and "the lawyers" as much as "sources" and "the lawyer"
PEOPLE_NOUNS = set(data.words("speaking_nouns")) | set(PERSON_ROLES) | {g.removesuffix("s") for g in GROUP_NOUNS}
WRITER = {"i", "we", "you", "me", "us"}  # outside quote marks: the writer and the reader, never a source
SAID_DEPS = ("ccomp", "xcomp")  # a speech verb's clause ("said (that) ..."), or its to-infinitive ("urged X to ...")
NEED_PARTICLE = {"go": "on", "point": "out"}  # "the letter goes on:", "pointed out that"
SENT_END = {".", "!", "?"}
DASHES = {"-", "--", "–", "—"}
OUTRO_TOKENS = 30  # '"...," Dr. Jo A. Bloggs Jr., the head of the county's parks and recreation department, said'


Cue = Proposal  # what a cue finder proposes


def is_cue(t: Token, classes: tuple[str, ...] = ("speech",)) -> bool:
    """Whether token t is a verb of the lexicon in one of ``classes`` (with its particle when needed)."""
    if t.pos_ not in ("VERB", "AUX") and not t.tag_.startswith("VB"):
        return False
    lemma = t.lemma_.lower()
    if t.i >= 2 and t.doc[t.i - 2].lower_ == "so" and t.doc[t.i - 1].text == "-":
        return False  # "so-called": the writer's distance, not someone's words
    cls = cue_lexicon().get(lemma)
    if lemma in particle_verbs():  # "fired back", "lashed out": with its particle, a verb that alone is none
        c = _particle(t)
        cls = (cue_lexicon().get(f"{lemma}_{c.lower_}") if c is not None else None) or cls
    if not cls or not cls.intersection(classes):
        return False
    need = NEED_PARTICLE.get(lemma)
    c = child_right_after(t) if need is not None else None
    return need is None or c is not None and c.dep_ in ("prt", "prep", "advmod") and c.lower_ == need


@data.cached
def particle_verbs() -> frozenset[str]:
    """The verbs that are cues only with a particle: data/cues.txt writes them "fire_back", "lash_out"."""
    return frozenset(k.split("_")[0] for k in cue_lexicon() if "_" in k)


def _particle(t: Token) -> Token | None:
    """The particle right after verb t ("fired back", "weighed in"), when the parse makes it t's child."""
    c = child_right_after(t)
    return c if c is not None and c.dep_ in ("prt", "prep", "advmod") else None


def speech_act(v: Token) -> bool:
    """Whether verb v reports an act of saying or writing that took place: a verb of the speech class, not negated
    ("did not say", "didn't respond to a request for comment"), not under a modal ("would tell", "may announce")
    and not the infinitive of another verb ("declined to comment", "wants to say", "is set to announce") unless
    that verb is one of saying too ("went on to say")."""
    if not is_cue(v):
        return False
    if any(c.dep_ == "neg" or c.tag_ == "MD" for c in children(v)):
        return False
    return v.dep_ != "xcomp" or v.head.i == v.i or is_cue(v.head)


def can_speak(s: Token | None) -> bool:
    """Whether a subject can be the source of a statement: a named person, organisation or place, a pronoun other
    than the writer's and reader's ("I think", "we recommended"), a role, group or institution, or what a source
    says in ("the report says"); not a thing that shows ("video footage shows", "images indicate"), and not
    missing (a passive "he was asked" reports what was put to him)."""
    if s is None:
        return False
    if s.pos_ == "PRON":
        return s.lower_ not in WRITER
    if s.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or s.pos_ == "PROPN":
        return True
    lemma = s.lemma_.lower()
    return is_role_noun(s) or s.lower_ in GROUP_NOUNS or lemma in PEOPLE_NOUNS or lemma in INSTITUTION_NOUNS \
        or lemma in SPEECH_NOUNS or lemma in UTTERANCE_NOUNS


def said(cue: Token, comp: Token) -> bool:
    """Whether ``comp``, a complement of ``cue``, is something a source said or wrote: the clause of a speech act
    (or its to-infinitive: "urged voters to ...") with a subject that can speak, or the clause of a statement
    named by a noun ("his announcement that ..."). A belief, a perception, a wish or an act done to an object
    ("voted it through", "issued his strongest criticism") is not."""
    if cue.pos_ == "NOUN":
        return comp.dep_ in ("acl", "ccomp") and cue.lemma_.lower() in SPEECH_NOUNS
    return comp.dep_ in SAID_DEPS and speech_act(cue) and can_speak(subject_of(cue))


def cue_span(t: Token) -> tuple[int, int]:
    """The cue verb, with an adjacent particle ("goes on", "pointed out")."""
    s, e = t.idx, t.idx + len(t)
    c = _particle(t)  # the only child that can be the particle
    lemma = t.lemma_.lower()
    if c is not None and (c.lower_ == NEED_PARTICLE.get(lemma) or lemma in particle_verbs()):
        e = c.idx + len(c)
    return s, e


def headline_passive(v: Token) -> bool:
    """Headline ellipsis "Corbyn accused of ..." (was accused): the subject is the target, not the speaker."""
    if v.lemma_.lower() not in ("accuse", "criticise", "criticize", "charge", "blame", "slam", "blast", "brand"):
        return False
    kids = children(v)
    return not any(c.dep_ in ("dobj", "aux", "auxpass") for c in kids) and any(
        c.dep_ == "prep" and c.lower_ in ("of", "for", "over") for c in kids)


def _left_nominal(v: Token) -> Token | None:
    """The noun right before a participle that lacks a subject in the parse ("his spokesman claiming")."""
    if v.i == 0:
        return None
    x = v.doc[v.i - 1]
    if x.pos_ in ("NOUN", "PROPN", "PRON") and tree(v.doc).sent_bounds(x.i) == tree(v.doc).sent_bounds(v.i):
        return x
    return None


def _left_cue_speaker(v: Token) -> Token | None:
    """For ", saying ..." that hangs from a non-cue verb: the speaker of the nearest cue before it."""
    start = tree(v.doc).sent_bounds(v.i)[0]
    for x in backwards(v, "cue:speech+frame+belief", _is_sfb_cue, start, v.i):
        return subject_of(x, 3) or _left_nominal(x)
    return None


def _is_sfb_cue(t: Token) -> bool:
    """A cue of speech, framing or belief (the cues a participle's speaker is looked up from)."""
    return is_cue(t, ("speech", "frame", "belief"))


def _is_sf_cue(t: Token) -> bool:
    """A cue of speech or framing (the cues a misparsed sentence is scanned for)."""
    return is_cue(t, ("speech", "frame"))


def _is_according(t: Token) -> bool:
    """The "according" of "according to"."""
    return t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to"


def subject_of(v: Token, depth: int = 0) -> Token | None:
    """The speaker of cue verb v: its subject, a passive's "by" agent, or the subject of the verb it
    hangs from ("..., saying", "who told"); an utterance it names is traced to its author
    ("which ran a headline describing ...", "issued a statement saying ..."). Found once per verb and depth:
    each of a verb's complements asks."""
    memo = tree(v.doc).memo
    key = ("subject", v.i, depth)
    if key not in memo:
        memo[key] = _traced_subject(v, depth)
    return memo[key]


def _traced_subject(v: Token, depth: int) -> Token | None:
    found = _subject_of(v, depth)
    if found is not None and found.lemma_.lower() in UTTERANCE_NOUNS and found.dep_ in ("dobj", "pobj") \
            and not any(c.dep_ == "poss" for c in children(found)):
        head = found.head.head if found.dep_ == "pobj" else found.head
        if head.i != v.i and head.pos_ in ("VERB", "AUX") and depth < 5:
            return _subject_of(head, depth + 1) or found
    return found


def _subject_of(v: Token, depth: int = 0) -> Token | None:
    """The speaker of cue verb v as the parse links it, before an utterance is traced to its author."""
    if depth > 5:
        return None
    if depth == 0:
        if headline_passive(v):
            return None
        found = _participle_speaker(v)
        if found is not None:
            return found
    if v.tag_ == "VBN":  # a passive with a "by" agent: the agent speaks, whatever the parse calls the subject
        agent = next((p for c in children(v) if c.dep_ == "agent" for p in children(c) if p.dep_ == "pobj"), None)
        if agent is not None:
            return agent
    found, passive = _own_subject(v)
    if found is not None:
        return found
    if passive and depth == 0:
        return None
    return _governor_speaker(v, depth)


def _participle_speaker(v: Token) -> Token | None:
    """For a subjectless participle (", saying ...", "his spokesman claiming"): the noun before it (but the
    speaker who addressed it when it is the object of a verb of saying), else the speaker of the nearest cue
    before it."""
    if v.tag_ == "VBG" and v.dep_ in ("acl", "advcl") and not any(
            c.dep_ in ("nsubj", "nsubjpass") for c in children(v)):
        left = _left_nominal(v)
        said = _addressed_by(left) if left is not None else None
        if said is not None:  # "warned voters saying", "wrote to residents saying": they were addressed
            return _own_subject(said)[0] or left
        if left is not None:
            return left
        return _left_cue_speaker(v)
    return None


def _addressed_by(n: Token) -> Token | None:
    """The verb of saying a noun is the addressee of: its object ("told reporters") or "to" object ("wrote to
    residents")."""
    if n.pos_ == "PRON":
        return None
    if n.dep_ in ("dobj", "dative") and is_cue(n.head):
        return n.head
    if n.dep_ == "pobj" and n.head.lower_ == "to" and n.head.head.i != n.head.i and is_cue(n.head.head):
        return n.head.head
    return None


def _own_subject(v: Token) -> tuple[Token | None, bool]:
    """The verb's own subject or agent among its children (a relative pronoun stands for the noun it
    modifies), and whether it has a passive subject."""
    passive = False
    for c in children(v):
        if c.dep_ in ("nsubj", "csubj"):
            if c.lower_ in ("who", "which", "that") and v.dep_ == "relcl":
                return v.head, passive
            return _past_dateline(c, v), passive
        if c.dep_ == "nsubjpass":
            passive = True
        if c.dep_ == "agent":
            for p in children(c):
                if p.dep_ == "pobj":
                    return p, passive
    return None, passive


def _past_dateline(c: Token, v: Token) -> Token:
    """A dateline opening a story ("LISBON (Reuters) - Jo Bloggs said") is no speaker: when the parse makes the
    place verb v's subject, the speaker is the subject or noun after the dateline's dash."""
    if c.left_edge.idx and doc_text(c.doc)[c.left_edge.idx - 1] != "\n" or not (
            c.ent_type_ in ("GPE", "LOC") or c.text.isupper()):
        return c
    dash = next((x for x in c.doc[c.i + 1: v.i] if x.text in DASHES and x.whitespace_ and x.doc[x.i - 1].whitespace_
                 and (x.head.i == c.i or x.i == c.right_edge.i + 1)), None)
    if dash is None:
        return c
    after = [x for x in children(v) if x.dep_ == "nsubj" and x.i > dash.i] + [
        x for x in children(c) if x.i > dash.i and x.dep_ in ("appos", "conj", "npadvmod")]
    return after[0] if after else c


def _governor_speaker(v: Token, depth: int) -> Token | None:
    """For a verb without a subject of its own: the noun it modifies (an utterance's author), or the speaker
    of the verb it hangs from."""
    if v.dep_ == "acl" and v.head.pos_ in ("NOUN", "PROPN", "PRON"):
        noun = v.head
        if noun.lemma_.lower() in UTTERANCE_NOUNS and noun.head.i != noun.i:
            return subject_of(noun.head, depth + 1) if noun.head.pos_ in ("VERB", "AUX") else noun
        return noun
    if v.dep_ in ("xcomp", "advcl", "conj", "pcomp", "ccomp", "relcl", "prep") and v.head.i != v.i:
        if v.dep_ == "relcl":
            return v.head
        found = subject_of(v.head, depth + 1)
        outer = v.head.head
        if v.dep_ == "conj" and v.head.dep_ == "ccomp" and outer.i != v.head.i and is_cue(v) and is_cue(outer) \
                and not can_speak(found):
            # "She told X the meeting was calm, and predicted ...", the second verb of saying parsed as joined to
            # the reported clause, whose subject cannot speak: it is the reporting verb's speaker's
            return subject_of(outer) or found
        return found
    return None


def _cue(v: Token, mention: Token | None, how: str, score: float) -> Cue:
    """A cue verb's proposal: the verb (with its particle), the speaker mention, how it was found."""
    s, e = cue_span(v)
    return Cue(how, score, mention, s, e, doc_text(v.doc)[s:e], v)


def _span_tokens(doc: Doc, start: int, end: int) -> list[Token]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return list(span) if span is not None else []


def outro_cue(doc: Doc, close_at: int, limit: int) -> Cue | None:
    """A cue after the closing mark in the same sentence: '..., he said.', '..., said Mr Johnson.'"""
    end = close_at + 1
    text = doc_text(doc)
    while end < limit and (text[end] not in ".!?\n“\"‘" or _abbreviation(text, end)) and end - close_at < 160:
        end += 1
    toks = _span_tokens(doc, close_at + 1, end)
    for k, t in enumerate(toks[:OUTRO_TOKENS]):  # "the presumptive Republican nominee, Donald Trump, tweeted"
        if is_cue(t) and not _subordinate(toks[:k]):
            named = _named_before(toks, t)
            if k >= 12 and named is None:  # past a short apposition only when the words read "NAME, ..., said"
                return None
            subj = subject_of(t)
            if subj is None or not close_at < subj.idx < t.idx:  # not between the mark and the verb
                subj = named or subj
            return _cue(t, subj or _adjacent_name(t), "outro", 0.9)
    return None


def _subordinate(before: list[Token]) -> bool:
    """Whether the words since the last comma or dash open a clause of their own, so that the verb after them is
    not the quotation's cue: "Trump, who was asked about it, said", "- at which point the crowd chanted"."""
    for x in reversed(before):
        if x.text in (",", "-", "--", "—", "–", "(", ")"):
            return False
        if x.tag_ in ("WDT", "WP", "WRB") or x.pos_ == "SCONJ":
            return True
    return False


def _named_before(toks: list[Token], v: Token) -> Token | None:
    """The speaker an outro writes between the closing mark and its verb, read from the words' order rather than
    the parse (which may hang the name on the quoted clause): '"...," Gene Sperling, a top adviser, said'. The
    words before the first comma are a noun phrase with no verb (a name, "the 43-year-old"); what follows
    between commas is its apposition. None when the words are anything else ("and the crowd cheered as X said")."""
    words = [x for x in toks if x.i < v.i and not x.is_space]
    while words and (words[0].is_punct or words[0].is_quote):
        words.pop(0)
    head = []
    for x in words:
        if x.text in (",", "(", "--", "—", "–"):
            break
        head.append(x)
    if not head or len(head) > 8 or head[0].pos_ not in ("DET", "PROPN", "NOUN", "PRON", "ADJ", "NUM"):
        return None
    if len(head) < len(words) and words[-1].text != ",":  # an apposition must close with its comma
        return None
    if any(x.pos_ in ("VERB", "AUX", "ADP", "SCONJ", "CCONJ") or x.is_quote for x in head):
        return None
    last = head[-1]
    if last.pos_ not in ("PROPN", "NOUN", "PRON", "ADJ", "NUM") or last.lower_ in WRITER:
        return None
    return last


_WORD_BEFORE = re.compile(r"([A-Za-z]+)$")


def _abbreviation(text: str, i: int) -> bool:
    """Whether the full stop at text[i] shortens a word rather than ending the sentence: a title ("Rep.",
    "Sen.", "Gov."), an initial or a US state ("Donald J.", "R-Pa."), or a stop a comma follows."""
    if text[i] != ".":
        return False
    m = _WORD_BEFORE.search(text, max(0, i - 12), i)
    word = m.group(1) if m else ""
    return word.lower() in TITLES or (0 < len(word) <= 2 and word[0].isupper()) or text[i + 1:i + 2] == ","


def _adjacent_name(t: Token) -> Token | None:
    """Inverted cue with a parse that missed the subject: 'said Mr Johnson' -> the proper noun after (the noun a
    possessive name belongs to: 'opined Cleveland's Plain Dealer' -> the Plain Dealer)."""
    for x in t.doc[t.i + 1: t.i + 5]:
        if x.pos_ in ("PROPN", "PRON") or x.ent_type_ == "PERSON":
            while x.head.i != x.i and x.dep_ in ("compound", "flat", "poss") and x.head.i < t.i + 6:
                x = x.head
            return x
    return None


def intro_cue(doc: Doc, start: int, open_at: int) -> Cue | None:
    """A cue before the opening mark in the same sentence: 'Mr Corbyn said:', 'A Labour spokesman told X:'."""
    toks = _span_tokens(doc, start, open_at)
    cut = 0
    for k, t in enumerate(toks):
        if t.text in SENT_END:
            cut = k + 1
    toks = toks[cut:]
    for t in reversed(toks):
        if is_cue(t):
            return _cue(t, subject_of(t), "intro", 0.9)
        if t.lower_ == "according" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to":
            return according_cue(t)
    colon = [t for t in toks if t.text == ":"]
    if colon and doc_text(doc)[colon[-1].idx + 1: open_at].strip() == "":
        head_np = [t for t in toks if t.i < colon[-1].i]
        sp = _colon_speaker(colon[-1], head_np)
        if sp is not None:
            return Cue("colon", 0.7, sp, colon[-1].idx, colon[-1].idx + 1, ":")
    return None


def _colon_speaker(colon: Token, before: list[Token]) -> Token | None:
    """Who a colon introduces: the subject of the clause the colon ends ("X listed his favourite show:", "He set out
    his terms:"), else a name of a short lead that no preposition governs ("X on Y:", "Here's X in 1992:")."""
    v = _lead_verb(colon, before)
    sp = subject_of(v) if v is not None else None
    if can_speak(sp) and sp is not None and sp.tag_ not in ("WDT", "WP") and not _in_pp(sp, v):  # not "what happened"
        return sp
    names = [t for t in before if t.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or t.pos_ == "PROPN"]
    if not names or len(before) > 14:
        return None
    free = [t for t in names if not _in_pp(t, None)]
    return (free or names)[-1]


def _lead_verb(colon: Token, before: list[Token]) -> Token | None:
    """The finite verb heading the words before a colon, the topmost one met climbing from the last of them; not
    "be" or "have" ("X has proof:", "Here is X:"), which introduce what X holds or is, not what X says."""
    if not before:
        return None
    lo, x, top = before[0].i, before[-1], None
    while True:
        finite = x.tag_ in ("VBD", "VBZ", "VBP") or (  # or perfect: "has since apologized"
            x.tag_ == "VBN" and any(c.dep_ == "aux" for c in children(x)))
        if x.pos_ in ("VERB", "AUX") and x.lemma_.lower() not in ("be", "have") and finite:
            top = x
        if x.head.i == x.i or not lo <= x.head.i < colon.i:
            return top
        x = x.head


def _in_pp(t: Token, stop: Token | None) -> bool:
    """Whether a preposition governs t (below ``stop``, or anywhere in its sentence when None)."""
    x = t
    while x.head.i != x.i and x.i != (stop.i if stop is not None else -1):
        if x.dep_ == "pobj" or x.head.pos_ == "ADP":
            return True
        x = x.head
    return False


def according_cue(t: Token) -> Cue | None:
    """'according to X': X is the source."""
    to = t.doc[t.i + 1]
    pobj = next((c for c in children(to) if c.dep_ == "pobj"), None)
    if pobj is None:
        pobj = next((c for c in children(t) if c.dep_ == "pobj"), None)
    return Cue("according", 0.8, pobj, t.idx, to.idx + len(to), "according to")


def tree_cue(doc: Doc, start: int, end: int, para: tuple[int, int] | None = None,
             quoted: list[tuple[int, int]] | None = None) -> Cue | None:
    """For a quoted fragment: the nearest governing cue verb above it ("branded it a '...'"), within its
    paragraph and outside any quotation."""
    toks = _span_tokens(doc, start, end)
    if not toks:
        return None
    inside = {t.i for t in toks}
    lo, hi = para if para is not None else (0, len(doc_text(doc)))
    for s, e in quoted or []:
        inside.update(t.i for t in _span_tokens(doc, s, e))
    roots = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
    if not roots:
        return None
    v = roots[0]
    for _ in range(8):
        if not lo <= v.idx < hi:
            break
        if v.i not in inside and is_cue(v, ("speech", "frame", "belief", "stance")):
            return _cue(v, subject_of(v), "tree", 0.85)
        if v.lower_ == "according" and v.i + 1 < len(doc) and doc[v.i + 1].lower_ == "to":
            return according_cue(v)
        if v.head.i == v.i:
            break
        v = v.head
    s0, s1 = tree(doc).sent_bounds(toks[0].i)
    for t in forwards(toks[0], "according", _is_according, s0, s1):  # "according to X" anywhere in the sentence
        if t.idx >= hi:
            break
        if lo <= t.idx:
            return according_cue(t)
    for t in backwards(toks[0], "cue:speech+frame", _is_sf_cue, s0, toks[0].i):  # a misparsed cue before the
        if t.idx < lo:  # quote ("claimed strike"); the ones before the paragraph come after it here
            break
        if t.i not in inside and t.idx < hi:
            return _cue(t, subject_of(t) or _left_nominal(t), "linear", 0.6)
    return None


def clause_extent(c: Token) -> tuple[int, int]:
    """The span of a reported clause headed by c, without the speaker's own actions tacked on by the parse
    (", and urged ...", ", while emphasizing ..." with no subject of their own). Computed once per token
    (reported speech, the learned step and partial quotes all ask), without walking a projective subtree."""
    tr = tree(c.doc)
    key = ("clause", c.i)
    found = tr.memo.get(key)
    if found is None:
        found = tr.memo[key] = _clause_extent(c)
    return found


def _clause_extent(c: Token) -> tuple[int, int]:
    doc = c.doc
    tr = tree(doc)
    cut = None
    for k in tr.kids[c.i]:
        if k <= c.i:
            continue
        ch = doc[k]
        own_subj = any(doc[x].dep_ in ("nsubj", "nsubjpass", "expl") for x in tr.kids[k])
        comma = ch.left_edge.i > 0 and doc[ch.left_edge.i - 1].text in (",", ";", "--", "—")
        if (ch.dep_ == "conj" and ch.pos_ in ("VERB", "AUX") and not own_subj and comma) or (
                ch.dep_ == "advcl" and ch.tag_ == "VBG" and not own_subj and comma):
            cut = ch.left_edge.i if cut is None else min(cut, ch.left_edge.i)
    first, last = tr.lo[c.i], tr.hi[c.i] if cut is None else min(tr.hi[c.i], cut - 1)
    if tr.proj[c.i] and first <= last:  # the subtree is the tokens first..last in order: drop the trailing ones
        kept = _kept_before(tr, last)
        last = kept if kept > first else first
        return doc[first].idx, doc[last].idx + len(doc[last])
    toks = [t for t in c.subtree if cut is None or t.i < cut]
    while len(toks) > 1 and _trailing(toks[-1]):
        toks.pop()
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def _trailing(t: Token) -> bool:
    """Punctuation (not a quote mark) or a conjunction, dropped from the end of a clause."""
    return t.is_punct and t.text not in "”’\"'" or t.dep_ == "cc"


def _kept_before(tr: Tree, i: int) -> int:
    """The last token at or before i that a clause may end on (-1 when none), from a table built once."""
    kept = tr.memo.get("kept")
    if kept is None:
        kept, last = [], -1
        for t in tr.doc:
            if not _trailing(t):
                last = t.i
            kept.append(last)
        tr.memo["kept"] = kept
    return kept[i]


def clause_span(cue: Cue, start: int, end: int) -> tuple[int, int] | None:
    """The reported clause around a quoted fragment: the cue's complement that contains the quote."""
    v = cue.verb
    if v is None:
        return None
    if end <= v.idx:  # "Her reaction “could be less about ethanol,” said X": the writer's lead-in counts
        sent_start = v.doc[tree(v.doc).sent_bounds(v.i)[0]].idx
        return max(sent_start, start - 400), end
    kids = children(v)
    for c in kids:
        if c.dep_ == "ccomp":
            s, e = clause_extent(c)
            if s <= start and e >= end:
                return s, e
    right = [c for c in kids if c.i > v.i and c.dep_ not in ("punct", "cc", "conj", "prt", "advmod", "npadvmod")
             and c.dep_ != "advcl" or (c.dep_ == "advcl" and c.idx <= start)]
    right = [c for c in right if c.i > v.i]
    if not right:
        return None
    s = min(c.left_edge.idx for c in right)
    last = max((c.right_edge for c in right), key=lambda x: x.i)
    e = last.idx + len(last)
    if s <= start and e >= end:
        return s, e
    return min(s, start), max(e, end)
