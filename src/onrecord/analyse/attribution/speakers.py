"""Who said it: the one place that decides an attribution's speaker and how sure that is.

The finders only propose: the quote-mark step and the cue finders (``cues.py``), reported speech
(``reported.py``), the learned step (``learned.py``) and the continuation rules of ``quotes.py`` each hand
``decide`` a ``Proposal`` (the speaker mention's head token or a speaker decided before, how it was found,
the finder's evidence score). ``decide`` takes the most reliable proposal, resolves its mention and sets the
confidence with ``confidence``, the one formula. A quotation whose own sentence names nobody goes through
``decide_ranked``: the learned ranker of ``ranker.py`` may name another person than the continuation rule.

Resolving a mention (``resolve``): people go through the in-article name index (``names.py``); spokespeople
get ``on_behalf_of`` their principal; countries and capitals used as metonyms become the country; parties get
their full name; an open letter and the plural pronouns around it become the letter's signatories.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Token

from onrecord import data
from onrecord.analyse.attribution import ranker as rk
from onrecord.analyse.attribution.tree import children, forwards, same_sent, subtree_ends, tree
from onrecord.analyse.entities.names import (
    CAPITAL_ROLES,
    GROUP_NOUNS,
    HEADLINE_WORDS,
    PERSON_ROLES,
    PRONOUNS_PERSON,
    PRONOUNS_PLURAL,
    RELATIVE,
    TITLES,
    NameIndex,
    antecedent,
    clean_person_name,
    gender,
    is_role_noun,
    resolve_name_text,
    resolve_person_by_role,
    written_name,
)
from onrecord.analyse.textcache import doc_text, entity_at
from onrecord.models import Segment

SPOKES = data.words("spokesperson_nouns")  # the word lists are data/words.toml
UTTERANCE_NOUNS = data.words("utterance_nouns")
INSTITUTIONS = data.words("institution_nouns")
PERSONAL_BODIES = {"administration", "campaign", "government"}  # bodies news names after a person
INDEFINITE = {"a", "an", "another", "one", "some"}


@data.cached
def metonyms() -> dict[str, str]:
    """data/metonyms.tsv, every row, as {mention lower-cased: what it stands for}: capitals and seats of
    government ("Tehran warned", "Downing Street said"), short forms of countries and parties ("the US", "Tories")."""
    return {" ".join(m.mention.lower().replace("’", "'").split()): m.target for m in data.metonyms()}


@dataclass
class Speaker:
    """A resolved speaker: the name, its type, the principal of a spokesperson, the mention as written."""

    name: str | None
    type: str
    on_behalf_of: str | None
    mention: str
    span: tuple[int, int]
    confidence: float  # how sure the resolution is (1.0 for a full name written out)


@dataclass
class Proposal:
    """A finder's proposed attribution: how it was found and its evidence score, the speaker mention (its head
    token) or a speaker decided for another quotation (``inherited``), and the cue when one was found
    (character span, text, verb)."""

    how: str  # "outro", "intro", "prev_colon", "tree", "linear", "according", "colon", "reported", "learned", ...
    score: float
    mention: Token | None = None
    start: int = 0  # the cue's character span and text (empty when no cue was found)
    end: int = 0
    text: str = ""
    verb: Token | None = None
    inherited: Speaker | None = None


@dataclass
class Decision:
    """The decided speaker of one attribution (None when nobody is named), how it was found, and how sure."""

    speaker: Speaker | None
    how: str
    confidence: float
    proposal: Proposal

    def quote_fields(self, speaker_span: tuple[int, int] | None = None) -> dict[str, Any]:
        """The speaker fields of a ``Quote`` (``speaker_span`` overrides the mention's span)."""
        return speaker_fields(self.speaker, self.confidence, speaker_span)


def speaker_fields(sp: Speaker | None, confidence: float, speaker_span: tuple[int, int] | None = None
                   ) -> dict[str, Any]:
    """The speaker fields of a ``Quote`` for a decided speaker. The one place that decides a speaker is unknown:
    no name means speaker_type "unknown" (no name in memory or the store; every record written out says
    speaker "unknown", ``models.quotes.written_speaker``)."""
    return {"speaker": sp.name if sp else None,
            "speaker_type": sp.type if sp and sp.name else "unknown",
            "on_behalf_of": sp.on_behalf_of if sp else None,
            "speaker_mention": sp.mention if sp else None,
            "speaker_span": speaker_span or (sp.span if sp else None),
            "confidence": confidence}


UNNAMED = 0.2  # the most an attribution in quote marks scores when its speaker has no name
# Speakers found without a cue of their own keep the finder's score: inherited from the quotation before
# (continuation), the person the paragraph is about, the accuser of a headline, the name before a colon.
UNDISCOUNTED = frozenset({"continuation", "about", "accuser", "headline_colon", "speaker_colon"})


def calibration() -> dict[str, list[list[float]]]:
    """Per decision method, steps [raw score up to, share right] fitted on set T, the speaker training gold
    (``data.speaker_confidence_model``)."""
    return dict(data.speaker_confidence_model()["methods"])


def calibrated(how: str, raw: float) -> float:
    """The share of set T's quotations in marks that a decision of method ``how`` with this raw score gave to
    the right speaker (the raw score itself for a method set T has too few of)."""
    steps = calibration().get(how)
    if not steps:
        return raw
    return next((share for upto, share in steps if raw <= upto), steps[-1][1])


def confidence(how: str, score: float, speaker: Speaker | None, marked: bool = False) -> float:
    """How sure an attribution is: the finder's evidence ``score`` times how sure the speaker's resolution is
    (a full name: 1.0, down to 0.6 for a mention nothing resolves), for a named speaker in quote marks mapped
    to how often that method and raw score was right on set T (``calibrated``); no speaker at all scores at
    most UNNAMED, and so does a quotation in marks (``marked``) whose speaker has no name."""
    if how in UNDISCOUNTED:
        value = score
    elif speaker is None:
        value = min(score, UNNAMED)
    else:
        value = score * (0.6 + 0.4 * speaker.confidence)
    if marked and (speaker is None or not speaker.name):
        value = min(value, UNNAMED)
    elif marked:
        value = calibrated(how, round(max(0.0, min(1.0, value)), 3))
    return round(max(0.0, min(1.0, value)), 3)


def decide(proposals: Iterable[Proposal | None], index: NameIndex, marked: bool = False,
           quoted: tuple[int, int] | None = None) -> Decision | None:
    """The speaker of one attribution: the first proposal (finders propose the most reliable first; they are
    asked lazily, so later finders run only when earlier ones found nothing), its mention resolved (or the
    speaker it inherits), with its confidence; None when no finder proposed anything. A mention inside the
    ``quoted`` words themselves (the quotation's character span) is never their speaker: the quote marks hold
    what was said, the attribution stands outside them."""
    p = next((x for x in proposals if x is not None and not _within(x.mention, quoted) and not _addressed(x.mention)),
             None)
    return decide_one(p, index, marked) if p is not None else None


def _within(t: Token | None, span: tuple[int, int] | None) -> bool:
    return t is not None and span is not None and span[0] <= t.idx < span[1]


ADDRESSEE_VERBS = frozenset({"ask", "tell", "urge", "warn", "assure", "remind", "inform", "advise", "question"})


def _addressed(t: Token | None) -> bool:
    """Whether mention ``t`` is who a verb of asking or telling addressed ("a reporter can be heard asking Trump",
    "she told Smith"): the object of such a verb is spoken to, never the speaker. Only where the verb has a subject
    of its own or is a participle: an inverted outro ("asked Trump.") may parse its subject as the object."""
    if t is None or t.dep_ not in ("dobj", "dative") or t.head.lemma_.lower() not in ADDRESSEE_VERBS:
        return False
    verb = t.head
    return verb.tag_ == "VBG" or any(c.dep_ in ("nsubj", "nsubjpass") for c in children(verb))


def decide_one(p: Proposal, index: NameIndex, marked: bool = False) -> Decision:
    """The decision for a single proposal: its mention resolved (or the speaker it inherits), its confidence.
    The person a paragraph is about (``about``) speaks the bare quote paragraph after it only when that paragraph
    reports them speaking ("Mr Johnson joined in lamenting the vote. [¶] "Ever since..."); otherwise the text does
    not say who speaks, and nobody is named."""
    if p.how == "about" and p.mention is not None and not _reports_speech(p.mention):
        return Decision(None, p.how, 0.0, p)
    sp = resolve(p.mention, index) if p.mention is not None else p.inherited
    return Decision(sp, p.how, confidence(p.how, p.score, sp, marked), p)


def decide_ranked(doc: Doc, index: NameIndex, segments: list[Segment], ctx: rk.Context, quoted: list[tuple[int, int]],
                  ranker: rk.Ranker, route: str, rule: Decision | None) -> Decision | None:
    """The speaker of a quotation whose own sentence names nobody (``route`` says which continuation rule saw
    it; ``rule`` is that rule's decision). Where the ranker's model covers the route, the rule named someone and
    the ranker's best candidate scores at least the route's threshold, that candidate speaks, resolved as any
    mention is, with the calibrated confidence of method "ranked"; elsewhere the rule's decision stands."""
    model = rk.route_model(ranker, route)
    if ranker.log is None and (model is None or rule is None or rule.speaker is None):
        return rule
    cands = rk.candidates(doc, index, segments, ctx, quoted)
    speakers = {}
    for c in cands:
        sp = resolve(c.token, index)
        speakers[c.token.i] = sp
        c.name, c.span = (sp.name if sp.type != "unknown" else None), sp.span
    rk.featurise(doc, index, segments, ctx, cands, route, rule.speaker.name if rule and rule.speaker else None)
    if ranker.log is not None:
        ranker.log.append({"start": ctx.start, "end": ctx.end, "route": route,
                           "rule": _logged(rule),
                           "cands": [{"span": list(c.span), "name": c.name, "features": c.features} for c in cands]})
    if model is None or rule is None or rule.speaker is None:
        return rule  # where no rule names anyone the text does not say who speaks: the ranker invents no one
    rk.score(cands, model)
    best = max(cands, key=lambda c: c.score, default=None)
    if best is None or best.score < rk.threshold(ranker, route) or best.name is None:
        return rule
    sp = speakers[best.token.i]
    if sp.name == rule.speaker.name:
        return rule  # the same person: the rule's mention and confidence stand (the ranker decides who, not where)
    p = Proposal("ranked", round(best.score, 3), mention=best.token)
    return Decision(sp, "ranked", confidence("ranked", p.score, sp, marked=True), p)


def _logged(d: Decision | None) -> dict[str, Any] | None:
    """A decision as the ranker's log keeps it (its speaker's name and span, how)."""
    if d is None or d.speaker is None:
        return None
    return {"name": d.speaker.name, "span": list(d.speaker.span), "how": d.how}


def _reports_speech(subj: Token) -> bool:
    """Whether the sentence of ``subj`` holds a verb of saying or of a verbal act ("criticised", "accused":
    data/cues.txt classes speech and frame)."""
    s, e = tree(subj.doc).sent_bounds(subj.i)
    return any(x.pos_ == "VERB" and {"speech", "frame"} & set(data.cue_classes().get(x.lemma_.lower(), ()))
               for x in subj.doc[s:e])


def mention_span(t: Token) -> tuple[int, int]:
    """The speaker's noun phrase as written (its whole subtree, PolNeAR's source convention)."""
    first, last = (t, t) if t.dep_ == "relcl" or (t.lower_ in RELATIVE) else subtree_ends(t)
    s, e = first.idx, last.idx + len(last)
    text = doc_text(t.doc)
    while e > s and text[e - 1] in " ,;:-–—\n":
        e -= 1
    return s, e


def _core(t: Token) -> list[Token]:
    """The name part of a noun phrase: determiners, titles, compounds and the head, no clauses or PPs."""
    keep = [c for c in t.lefts if c.dep_ in ("compound", "amod", "det", "poss", "nmod", "nummod", "case")]
    toks: list[Token] = []
    for c in keep:
        toks.extend(x for x in c.subtree if x.i < t.i)
    toks.append(t)
    toks = sorted(set(toks), key=lambda x: x.i)
    # keep only the contiguous run ending at the head
    run = [t]
    for x in reversed(toks[:-1]):
        if x.i == run[0].i - 1:
            run.insert(0, x)
        else:
            break
    return run


def _text(toks: list[Token]) -> str:
    """The text the tokens cover, as written (one line: a name never spans paragraphs)."""
    toks = [x for x in toks if same_sent(x, toks[-1])]
    text = doc_text(toks[-1].doc)[toks[0].idx: toks[-1].idx + len(toks[-1])]
    return text.split("\n")[-1].strip()


def _person_in_title(t: Token) -> Token:
    """The person a subject's title phrase ends with ("Wikileaks editor-in-chief Kristinn Hrafnsson said"), when
    the parse made the body or the office the subject: the words before the name are the person's affiliation,
    and the person speaks. Only across the title's own words (nouns, names, hyphens, "of"/"in"), never a comma."""
    verb = t.head
    if t.dep_ != "nsubj" or t.ent_type_ == "PERSON" or verb.i <= t.i + 1:
        return t
    last = t.doc[verb.i - 1]  # the word right before the verb: the end of the subject as written
    between = t.doc[t.i + 1:verb.i]
    title_words = all(x.pos_ in ("NOUN", "PROPN", "ADJ") or x.lower_ in ("-", "of", "in", "'s", "’s") for x in between)
    if last.ent_type_ == "PERSON" and title_words:
        return last
    return t


def _org(t: Token) -> str | None:
    """An organisation/country name for t (party names expanded, metonyms to the country); a metonym the
    entity recogniser missed ("Downing Street said") is looked up by the words of its noun phrase."""
    ent = entity_at(t)
    text = ent.text if ent is not None else t.text
    found = metonyms().get(_metonym_key(text))
    if found is None and ent is None and t.pos_ == "PROPN":
        found = metonyms().get(_metonym_key(_text(_core(t))))
    if found is not None:
        return found
    if ent is not None and t.ent_type_ in ("ORG", "GPE", "NORP", "FAC", "LOC"):
        words = text.split()
        if words and words[0].lower() == "the":
            words = words[1:]
        return " ".join(words).removesuffix("'s").removesuffix("’s")
    return None


def _metonym_key(text: str) -> str:
    low = " ".join(text.lower().replace("’", "'").split())
    return low.removeprefix("the ").removesuffix("'s")


def _principal(t: Token, index: NameIndex) -> tuple[str | None, str | None]:
    """For a spokesperson noun: (principal name, short label) from "for X", "X's" or "Labour spokesman"."""
    for c in children(t):
        if c.dep_ == "prep" and c.lower_ in ("for", "of"):
            for p in children(c):
                if p.dep_ == "pobj":
                    r = resolve(p, index)
                    if r.name:
                        return r.name, r.name
        if c.dep_ == "poss":
            r = resolve(c, index)
            if r.name:
                return r.name, r.name
    for c in t.lefts:
        if c.dep_ in ("compound", "amod", "nmod"):
            org = _org(c) or metonyms().get(c.lower_)
            if org:
                return org, c.text
            name = resolve_name_text(index, c.text) if c.pos_ == "PROPN" else None
            if name:
                return name, name
    return None, None


def resolve(t: Token, index: NameIndex) -> Speaker:
    """Resolve the speaker mention headed by token ``t`` (the cue's subject or agent)."""
    if t.lower_ in RELATIVE and t.head.dep_ == "relcl":
        t = t.head.head  # "Mr Trump, who told ..." -> Mr Trump
    t = _person_in_title(t)
    span = mention_span(t)
    mention = _text(_core(t))
    named = _apposed_person(t)
    if named is not None:  # "another customer, Priya Raman, said": the name apposed to the description speaks
        who = resolve(named, index)
        if who.name and who.type in ("person", "group"):  # a group: "nuclear experts X and Y" speak together
            return Speaker(who.name, who.type, None, mention, span, who.confidence)
    # each kind of mention in order of precedence; the first that applies decides
    for kind in (_as_named_person, _as_spokesperson, _as_pronoun, _as_utterance, _as_organisation, _as_body,
                 _as_role_holder):
        found = kind(t, index, mention, span)
        if found is not None:
            return _in_full(t, found)
    return _in_full(t, _as_common_noun(t, index, mention, span))


def _apposed_person(t: Token) -> Token | None:
    """The person's name apposed to a describing common noun ("his oldest friend, Tomas Weller,", "a neighbour,
    Ruth Abara,"): news introduces a speaker by what they are, then names them between commas. Not a spokesperson
    noun, who speaks for a principal."""
    if t.pos_ != "NOUN" or t.ent_type_ == "PERSON" or t.lemma_.lower() in SPOKES or t.lower_ in SPOKES:
        return None
    return next((c for c in children(t) if c.dep_ == "appos" and c.ent_type_ == "PERSON"), None)


NOT_GIVEN_NAMES = STOP_WORDS | TITLES | PERSON_ROLES | CAPITAL_ROLES
# "Colorado's Kendal Unruh", "the Washington Post's Ishaan Tharoor", "Cleveland's daily Plain Dealer"
_POSSESSOR = re.compile(r"^.+?['’]s\s+(?:[a-z][\w-]*\s+)*(?=[A-Z])")


def _in_full(t: Token, sp: Speaker) -> Speaker:
    """A speaker named by surname alone gets the full name the article wrote it with; a name after a possessor
    loses the possessor. News style names a person in full at the first mention ("Kurt Volker") and by surname
    after ("Volker said"), and affiliations stand before names as possessives ("Colorado's Kendal Unruh"); the
    recogniser often misses the one or tags the other an organisation."""
    name = sp.name
    if not name or sp.type == "spokesperson":
        return sp
    words = name.split()
    if len(words) >= 2 and all(w in SURNAME_PARTICLES for w in words[:-1]):
        full = full_form(t.doc, name)  # "de Blasio tweeted" after "Mayor Bill de Blasio" (often tagged a body)
        return sp if full is None else Speaker(full, "person", sp.on_behalf_of, sp.mention, sp.span,
                                               max(sp.confidence, 0.9))
    rest = _POSSESSOR.sub("", name)
    named = rest != name and all(w[:1].isupper() for w in rest.split())
    if named and sp.type == "organisation" and len(rest.split()) > 2:  # "Sanders's hometown Burlington Free Press"
        return Speaker(rest, "organisation", sp.on_behalf_of, sp.mention, sp.span, sp.confidence)
    if named and len(rest.split()) >= 2:
        return Speaker(rest, "person", sp.on_behalf_of, sp.mention, sp.span, max(sp.confidence, 0.9))
    if " " in name or name.lower() != t.lower_ or not _proper(t) or t.ent_type_ in ("GPE", "NORP", "LOC", "FAC"):
        return sp
    full = full_form(t.doc, t.text)
    if full is None:
        return sp
    return Speaker(full, "person", sp.on_behalf_of, sp.mention, sp.span, max(sp.confidence, 0.9))


_GIVEN = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
# the lower-case particles of surnames ("de Blasio", "van Hollen", "bin Salman"), written after the given name
SURNAME_PARTICLES = frozenset("al bin da de del della den der di du la le ten ter van von".split())


def full_form(doc: Doc, surname: str) -> str | None:
    """The first "Given [M.] Surname" the article writes for ``surname``: the capitalised given name (hyphenated,
    with a middle initial) right before it, not a place, a body, a title, a role or a common word; None when the
    article never writes one. Only one given name: a capitalised word before it is more often a place or a
    title ("Ukraine Kurt Volker", "Public Prosecution Eva-Marie Persson") than a second given name."""
    cache: dict[str, str | None] = doc.user_data.setdefault("onrecord.full_forms", {})  # once per article, surname
    if surname not in cache:
        cache[surname] = _full_form(doc, surname)
    return cache[surname]


def _full_form(doc: Doc, surname: str) -> str | None:
    text = doc_text(doc)
    pattern = re.compile(rf"(?<![\w'’.-])((?:{_GIVEN}\s+)(?:[A-Z]\.\s+|{_GIVEN}\s+)?){re.escape(surname)}\b")
    for m in pattern.finditer(text):
        words: list[str] = []
        pos = m.start(1)
        end = m.end()
        for w in m.group(1).split():
            at = text.index(w, pos)
            pos = at + len(w)
            span = doc.char_span(at, pos, alignment_mode="expand")
            ent = entity_at(span[0]) if span is not None and len(span) else None
            # a place or body before the name ("Ukraine Kurt Volker"), not a name the recogniser mislabelled whole
            foreign = ent is not None and ent[0].ent_type_ in ("GPE", "NORP", "ORG", "LOC", "FAC", "DATE") and \
                ent.end_char < end
            if w.lower().strip(".") in NOT_GIVEN_NAMES or foreign:
                words = []  # a word that is no given name: only the names after it count
                continue
            words.append(w)
        if words and not words[-1].endswith("."):  # "Ukraine Kurt Volker": the given name is the one before
            words = words[-1:]
        if words:
            return " ".join(words + [surname])
    return None


def _as_named_person(t: Token, index: NameIndex, mention: str, span: tuple[int, int]) -> Speaker | None:
    """A person's name (recognised, or a part of a name the article has used, or a name coordinated with a person's:
    "X and Gabriel Smith wrote" with X tagged a body): the full name."""
    paired = t.pos_ == "PROPN" and any(c.dep_ == "conj" and c.ent_type_ == "PERSON" for c in children(t))
    if t.ent_type_ == "PERSON" or (t.pos_ == "PROPN" and t.lower_ in index.by_part) or paired:
        ent = entity_at(t, ("PERSON",))
        name = resolve_name_text(index, written_name(ent) if ent is not None else mention)
        if ent is not None and name == clean_person_name(ent) and _on_first_line(t):
            name = _headline_name(t.doc, name)
        others = _conjoined_people(t, index)
        if name and others:  # "Edward Dovere and Gabriel Debenedetti wrote": the two speak together
            return Speaker(" and ".join([name, *others]), "group", None, mention, span, 0.8)
        return Speaker(name, "person", None, mention, span, 1.0 if name and " " in name else 0.7)
    return None


def _on_first_line(t: Token) -> bool:
    """Whether t is in the article's first line and that line is short enough to be a headline."""
    first = doc_text(t.doc).split("\n", 1)[0]
    return t.idx < len(first) and len(first.split()) <= HEADLINE_WORDS


def _headline_name(doc: Doc, name: str) -> str | None:
    """A name the recogniser found in the headline that the article does not index: title case runs words into
    it ("Trump Says He Never Mocked"), so it stands for the full name the body writes for one of its words
    ("Donald Trump"), or for nobody when the body writes none."""
    if name in doc_text(doc).split("\n", 1)[-1]:
        return name
    found = [f for w in name.split() if w[:1].isupper() and (f := full_form(doc, w)) is not None]
    return found[0] if found else None


def _conjoined_people(t: Token, index: NameIndex) -> list[str]:
    """The other people coordinated with a named subject ("X and Y said"), each resolved; [] when none."""
    if t.dep_ not in ("nsubj", "nsubjpass", "appos"):
        return []
    out = []
    for c in children(t):
        if c.dep_ == "conj" and c.ent_type_ == "PERSON":
            ent = entity_at(c, ("PERSON",))
            name = resolve_name_text(index, written_name(ent) if ent is not None else c.text)
            if name:
                out.append(name)
    return out


def _as_spokesperson(t: Token, index: NameIndex, mention: str, span: tuple[int, int]) -> Speaker | None:
    """A spokesperson noun: speaks on behalf of the principal it names, else the person last talked about."""
    if t.lemma_.lower() not in SPOKES and t.lower_ not in SPOKES:
        return None
    who, label = _principal(t, index)
    if who is None:  # "the spokesman" alone: the principal last talked about
        who = antecedent(index, t.i, "person")
        label = who
    name = f"{label}'s spokesperson" if who and label == who and " " in who else (
        f"{label} spokesperson" if label else "spokesperson")
    return Speaker(name, "spokesperson", who, mention, span, 0.8 if who else 0.4)


def _as_pronoun(t: Token, index: NameIndex, mention: str, span: tuple[int, int]) -> Speaker | None:
    """A personal pronoun: the person before it whose gender agrees; a plural one: an open letter's signatories
    or the group before it."""
    low = t.lower_
    if low in PRONOUNS_PERSON:
        if _unnamed_since(t, index):  # "A 29-year-old woman was fined after she wrote": not the name before
            return Speaker(None, "unknown", None, mention, span, 0.2)
        name = agreeing_antecedent(t, index)
        return Speaker(name, "person" if name else "unknown", None, mention, span, 0.75 if name else 0.2)
    if low in PRONOUNS_PLURAL or low == "we":
        if index.letter_group and _near_letter(t, index):
            return Speaker(index.letter_group, "group", None, mention, span, 0.6)
        prev = [m for m in index.mentions if m.i < t.i and m.type == "group"]
        if prev:
            return Speaker(_group_name(t.doc[prev[-1].i], index), "group", None, mention, span, 0.5)
        return Speaker(None, "unknown", None, mention, span, 0.2)
    return None


FEMININE = {"she", "her", "hers", "herself"}


def agreeing_antecedent(t: Token, index: NameIndex) -> str | None:
    """The person a he/she pronoun refers back to: as ``antecedent`` (the nearest sentence naming a person, its
    main subject first), among the people whose gender does not contradict the pronoun's. A writer uses "she"
    only for a woman: the nearest man is not her antecedent, however close."""
    want = "f" if t.lower_ in FEMININE else "m"
    before = [m for m in index.mentions if m.i < t.i and m.type == "person"
              and gender(t.doc, m.name, index) in (None, want)]
    if not before:
        return None
    same = [m for m in before if m.sent_start == before[-1].sent_start]
    if not any(m.subject for m in same):  # the nearest sentence names someone only as an object: its subject before
        starts = sorted({m.sent_start for m in before})
        if len(starts) > 1:
            prev = [m for m in before if m.sent_start == starts[-2] and m.subject]
            if prev and _sentences_back(t, 2) <= starts[-2]:
                return ([m for m in prev if m.main] or prev)[0].name
    return ([m for m in same if m.main] or [m for m in same if m.subject] or same)[0].name


def _sentences_back(t: Token, n: int) -> int:
    """The first token of the n-th sentence before t's (blank lines between paragraphs are no sentence)."""
    tr = tree(t.doc)
    first = tr.sent_bounds(t.i)[0]
    while n > 0 and first > 0:
        s, e = tr.sent_bounds(first - 1)
        n -= any(not x.is_space for x in t.doc[s:e])
        first = s
    return first


PEOPLE_NOUNS = {"man", "woman", "boy", "girl", "person", "resident", "user", "citizen", "voter", "witness",
                "mother", "father", "driver", "neighbour", "neighbor", "student", "teacher", "worker", "victim"}


def _unnamed_since(t: Token, index: NameIndex) -> bool:
    """Whether an unnamed person was introduced as a subject ("a 26-year-old man") after the last person the
    article named before pronoun ``t`` and in the three sentences before it: news introduces someone it will not
    name with an indefinite noun, and the pronouns after it are that person's."""
    named = [m.i for m in index.mentions if m.i < t.i and m.type == "person" and t.doc[m.i].pos_ == "PROPN"]
    tr = tree(t.doc)
    first = tr.sent_bounds(t.i)[0]
    for _ in range(3):  # the pronoun's sentence and the three before it (a quotation may be a sentence of its own)
        first = tr.sent_bounds(max(0, first - 1))[0]
    lo = max(named[-1] + 1 if named else 0, first)
    for x in t.doc[lo:t.i]:
        if x.i in index.skip_tokens or x.dep_ not in ("nsubj", "nsubjpass") or x.tag_ != "NN":
            continue
        if (x.lemma_.lower() in PEOPLE_NOUNS or is_role_noun(x)) and any(c.lower_ in ("a", "an") for c in x.lefts):
            return True
    return False


def _as_utterance(t: Token, index: NameIndex, mention: str, span: tuple[int, int]) -> Speaker | None:
    """An utterance that speaks ("his letter", "Trump's tweet"): its author, or an open letter's signatories."""
    lemma = t.lemma_.lower()
    if lemma not in UTTERANCE_NOUNS:
        return None
    if lemma == "letter" and index.letter_group:
        return Speaker(index.letter_group, "group", None, mention, span, 0.6)
    for c in children(t):  # "his letter", "Trump's tweet"
        if c.dep_ == "poss":
            return resolve(c, index)
    if any(c.lower_ in ("the", "this", "that") for c in t.lefts):  # "the statement said": the one named before
        for prev in reversed(t.doc[:t.i]):
            if prev.lemma_.lower() == lemma and prev.i not in index.skip_tokens:
                author = _author(prev)
                if author is not None and author.i != t.i:
                    found = resolve(author, index)
                    return Speaker(found.name, found.type, found.on_behalf_of, mention, span,
                                   min(found.confidence, 0.8)) if found.name else None
                break
    return Speaker(None, "unknown", None, mention, span, 0.2)


def _author(u: Token) -> Token | None:
    """Who made an utterance the text names: "X's statement", "a statement from X", "X said in a statement",
    "X issued a statement"."""
    for c in children(u):
        if c.dep_ == "poss":
            return c
        if c.dep_ in ("prep", "agent") and c.lower_ in ("from", "by"):
            return next((p for p in children(c) if p.dep_ == "pobj"), None)
    head = u.head
    if u.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ in ("in", "via", "through"):
        head = head.head
    elif u.dep_ != "dobj":
        return None
    return next((c for c in children(head) if c.dep_ in ("nsubj", "nsubjpass")), None) if head.pos_ == "VERB" else None


def _as_organisation(t: Token, index: NameIndex, mention: str, span: tuple[int, int]) -> Speaker | None:
    """An organisation, country or metonym ("Downing Street"): the body it names."""
    org = _org(t)
    if org is None:
        return None
    if t.ent_type_ == "NORP" and t.tag_ == "NNP" and any(c.lower_ in INDEFINITE for c in t.lefts):
        return Speaker(None, "unknown", None, mention, span, 0.2)  # "one Democrat familiar with it said": no one named
    typ = "group" if t.ent_type_ == "NORP" and t.tag_ == "NNPS" else "organisation"
    return Speaker(org, typ, None, mention, span, 0.8)


def _as_body(t: Token, index: NameIndex, mention: str, span: tuple[int, int]) -> Speaker | None:
    """A body named by its owner ("the US military", "the Clinton campaign", "his campaign"): the organisation
    the phrase names, its possessive resolved ("his" -> "Bernie Sanders campaign"). A bare "the government" names
    no one and is left to the other kinds."""
    if t.lemma_.lower() not in INSTITUTIONS or t.tag_ != "NN":
        return None
    for c in t.lefts:
        if c.dep_ == "poss":  # a person owns a campaign or heads a government; a country or body owns any body
            owner = resolve(c, index)
            if not owner.name or owner.type == "person" and t.lemma_.lower() not in PERSONAL_BODIES:
                return None
            return Speaker(f"{owner.name} {t.lower_}", "organisation", None, mention, span, 0.7)
    owners = [c for c in t.lefts if c.dep_ in ("compound", "nmod", "amod") and c.pos_ in ("PROPN", "ADJ")
              and c.ent_type_ in ("GPE", "NORP", "ORG", "PERSON")]
    if not owners:
        return None
    return Speaker(_strip_det(_text(_core(t))), "organisation", None, mention, span, 0.7)


def _as_role_holder(t: Token, index: NameIndex, mention: str, span: tuple[int, int]) -> Speaker | None:
    """A role noun ("the minister"): the person the article names in that role, else the role as written."""
    if not is_role_noun(t):
        return None
    definite = any(c.lower_ in ("the", "this", "that") for c in t.lefts)
    if definite and _named_by_role(t, index) is None and _introduced_unnamed(t, index):
        return Speaker(None, "unknown", None, mention, span, 0.2)  # "a 26-year-old man [...] the man wrote"
    name = resolve_person_by_role(t, index, salient=False)
    conf = 0.8
    if name is None and definite:
        name, conf = antecedent(index, t.i, "person"), 0.55
    if name:
        return Speaker(name, "person", None, mention, span, conf)
    bare = not any(c.dep_ in ("compound", "amod", "nmod", "poss") for c in t.lefts)
    if bare and any(c.lower_ in INDEFINITE for c in t.lefts):  # "an officer said": the text does not say who
        return Speaker(None, "unknown", None, mention, span, 0.2)  # ("a Labour MP" keeps its description)
    return Speaker(_strip_det(mention), "person", None, mention, span, 0.4)


def _named_by_role(t: Token, index: NameIndex) -> str | None:
    """The person the article names in the role noun ``t`` ("the judge" after "Judge Ann Cole"), if any."""
    return resolve_person_by_role(t, index, salient=False)


def _introduced_unnamed(t: Token, index: NameIndex) -> bool:
    """Whether the article introduced an unnamed person with the noun of definite ``t`` before it ("a 26-year-old
    man [...] the man had posted"): news introduces someone it will not name with an indefinite noun and refers
    back to them with the same noun after "the"; a name given beside the noun ("a man, John Doe,") names them."""
    if any(c.dep_ == "appos" and c.ent_type_ == "PERSON" for c in t.children):  # "the man, John Doe, said"
        return False
    lemma = t.lemma_.lower()
    for x in t.doc[:t.i]:
        if x.lemma_.lower() != lemma or x.pos_ != "NOUN" or x.i in index.skip_tokens \
                or not any(c.lower_ in ("a", "an") for c in x.lefts):
            continue
        named = [c for c in x.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"]
        if not named and not (x.dep_ == "appos" and x.head.ent_type_ == "PERSON"):
            return True
    return False


def _as_common_noun(t: Token, index: NameIndex, mention: str, span: tuple[int, int]) -> Speaker:
    """Any other mention: a surname the article writes in full, a group (plural or group noun), a named body
    the recogniser missed, or unknown."""
    alone = not any(c.dep_ in ("compound", "amod", "nmod", "poss", "det") for c in t.lefts)
    if alone and t.text[:1].isupper() and t.is_alpha and t.lower_ not in NOT_GIVEN_NAMES:
        full = full_form(t.doc, t.text)  # "Waters tweeted" after "David Waters": the tagger took a plural
        if full is not None:
            return Speaker(full, "person", None, mention, span, 0.9)
    if t.tag_ in ("NNS", "NNPS") or t.lower_ in GROUP_NOUNS:
        if index.letter_group and _near_letter(t, index):
            return Speaker(index.letter_group, "group", None, mention, span, 0.6)
        return Speaker(_group_name(t, index), "group", None, mention, span, 0.5)
    if t.pos_ == "PROPN":  # "the Morning Star", "Fox News": a named body the NER missed
        return Speaker(_strip_det(mention), "organisation", None, mention, span, 0.5)
    if _proper(t):  # a capitalised word the tagger took for a common noun ("Trump asked")
        return Speaker(_strip_det(mention), "unknown", None, mention, span, 0.3)
    # any other common noun ("the caption", "the past") names nobody: unknown rather than a false name
    return Speaker(None, "unknown", None, mention, span, 0.3 if t.pos_ == "NOUN" else 0.1)


def _proper(t: Token) -> bool:
    """A proper noun, or a capitalised noun inside a sentence (a name the tagger took for a common noun)."""
    return t.pos_ == "PROPN" or t.pos_ == "NOUN" and t.text[:1].isupper() and t.i > tree(t.doc).sent_bounds(t.i)[0]


def _strip_det(text: str) -> str:
    words = text.split()
    while words and words[0].lower() in ("the", "a", "an", "this", "that", "some"):
        words = words[1:]
    return " ".join(words)


def _group_name(t: Token, index: NameIndex) -> str:
    org = _org(t)
    return org if org else _strip_det(_text(_core(t)))


def _near_letter(t: Token, index: NameIndex) -> bool:
    """The mention sits in a sentence about the letter, or after it was introduced (its signatories)."""
    s, e = tree(t.doc).sent_bounds(t.i)
    if next(forwards(t, "letter", _is_letter, s, e), None) is not None:
        return True
    first = next(forwards(t, "letter", _is_letter, 0, len(t.doc)), None)
    return first is not None and first.i < t.i and t.lower_ in PRONOUNS_PLURAL | GROUP_NOUNS | {"we"}


def _is_letter(t: Token) -> bool:
    return t.lemma_.lower() == "letter"
