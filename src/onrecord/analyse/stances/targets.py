"""What a stance is about: the target entity or event of a stance cue, and keys that match it across articles.

News names the same target many ways: "Assad", "the Assad regime", "the Syrian government", "pro-Syrian
government forces", "Russia", "Russian bombing". The documented rule (docs/stances.md, "Target keys"):
  1. a country, its government, regime, forces, military or bombing, and its demonym used as the agent of an
     act ("Russian attacks"), all get the key ``gov:<country>`` (metonymy: a state acts through them);
  2. a person gets ``person:<surname>``; "the <surname> regime", "<surname>'s forces" get the person's key
     and ``gov:<country>`` when the article calls the person the leader of a country ("Syrian dictator
     Bashar al-Assad", "Russian president Vladimir Putin"); across articles the link propagates
     (contradictions.expand_keys);
  3. an act ("the US's killing of X", "attacks by Russian forces") is a stance about its agent, when the text
     names one; otherwise about the act itself (``event:<head lemma>``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from onrecord import data
from onrecord.analyse.entities.names import (
    PERSON_ROLES,
    NameIndex,
    antecedent,
    clean_person_name,
    resolve_name_text,
    resolve_person_by_role,
)
from onrecord.analyse.textcache import doc_text, entity_at

COUNTRIES: dict[str, str] = data.demonyms()  # demonyms and short forms -> country
STATE_NOUNS = data.words("state_nouns")  # the word lists are data/words.toml
LEADER_NOUNS = data.words("leader_nouns")
ACT_NOUNS = data.words("act_nouns")


@dataclass
class Target:
    """One target: its name, type (person, organisation, country, group, event, other), span and match keys."""

    name: str
    type: str
    span: tuple[int, int]
    keys: list[str] = field(default_factory=list)
    about: str | None = None  # the act, when the target is its agent
    bare: bool = False  # "the regime", "the government": the state is the one last named


def country_of(word: str) -> str | None:
    """'Syrian' -> 'Syria', 'US' -> 'United States'; None when not a known country word."""
    w = word.lower().strip(" .’'").removeprefix("pro-").removeprefix("the ")
    if w in COUNTRIES:
        return COUNTRIES[w]
    titled = {v.lower(): v for v in COUNTRIES.values()}
    return titled.get(w)


def surname_key(name: str) -> str:
    """A person's match key: the last name, lowercased, without Arabic article prefixes ("al-Assad" -> "assad")."""
    last = clean_person_name(name).split()[-1].lower() if clean_person_name(name) else name.lower()
    return "person:" + re.sub(r"^(al|el|ad|as|ul|bin|ibn)-", "", last)


def leaders(doc: Doc, index: NameIndex) -> dict[str, str]:
    """Person full name -> country the article says they lead ("Syrian dictator Bashar al-Assad")."""
    out: dict[str, str] = {}
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        name = resolve_name_text(index, ent.text)
        if not name:
            continue
        words = [t for t in doc[max(0, ent.start - 4):ent.start]]
        for k, t in enumerate(words):
            if t.lower_ in LEADER_NOUNS:
                before = [w for w in words[:k] if country_of(w.text)]
                after = doc[ent.end:ent.end + 3]
                of = [w for w in after if country_of(w.text)] if any(w.lower_ == "of" for w in after) else []
                src = before or of
                if src:
                    out[name] = country_of(src[-1].text) or ""
        for c in ent.root.children:  # "Bashar al-Assad, the Syrian president"
            if c.dep_ == "appos" and c.lemma_.lower() in LEADER_NOUNS:
                adj = [w for w in c.lefts if country_of(w.text)]
                if adj:
                    out[name] = country_of(adj[-1].text) or ""
    return {k: v for k, v in out.items() if v}


def _np_span(t: Token) -> tuple[int, int]:
    """Character span of a noun phrase without relative clauses, trailing punctuation and appositions."""
    toks = [t]
    for c in t.lefts:
        toks.extend(c.subtree)
    for c in t.rights:
        if c.dep_ in ("prep", "compound", "amod", "nummod", "case") and c.i - t.i < 8:
            toks.extend(x for x in c.subtree if x.dep_ != "relcl")
    toks = [x for x in toks if x.i == t.i or not x.is_punct or x.i < t.i]
    return min(x.idx for x in toks), max(x.idx + len(x.text) for x in toks)


def person_name(t: Token, index: NameIndex) -> str | None:
    """The full name a person mention token refers to (names, pronouns, role nouns), or None."""
    if t.ent_type_ == "PERSON":
        ent = entity_at(t)
        return resolve_name_text(index, ent.text if ent is not None else t.text)
    if t.lower_ in ("he", "him", "his", "she", "her", "hers"):
        near = [m for m in index.mentions if m.sent_start == t.sent.start and m.i < t.i and m.type == "person"]
        near = [m for m in near if " " in m.name] or near
        if t.lower_ in ("he", "she"):  # a subject pronoun continues the subject
            near = [m for m in near if m.subject] or near
        return near[-1].name if near else antecedent(index, t.i, "person")
    if t.pos_ == "PROPN" and t.lower_ in index.by_part:
        return index.by_part[t.lower_]
    if t.pos_ == "NOUN" and t.lemma_.lower() in PERSON_ROLES:
        name = resolve_person_by_role(t, index)
        if name is None and any(c.lower_ in ("the", "this", "that") for c in t.lefts):
            name = antecedent(index, t.i, "person")
        return name
    return None


def agents(t: Token) -> list[Token]:
    """The agents of an act noun: possessor, "by X", "those by X", a proper-noun or demonym modifier."""
    out: list[Token] = []
    for c in t.children:
        if c.dep_ == "poss" or c.dep_ in ("compound", "amod", "nmod") and (
                c.ent_type_ in ("GPE", "NORP", "ORG", "PERSON") or country_of(c.text)) and c.i < t.i:
            out.append(c)
        elif c.dep_ == "prep" and c.lower_ == "by":
            out += [p for p in c.children if p.dep_ == "pobj"]
        elif c.dep_ == "prep" and c.lower_ in ("including", "especially", "particularly"):
            for p in c.children:
                if p.dep_ == "pobj":
                    out += agents(p) if p.lower_ in ("those", "that", "one", "ones") else [p]
        elif c.dep_ == "prep" and c.lower_ == "of" and t.lemma_.lower() in ("action", "actions", "role", "behaviour",
                                                                            "conduct", "stance", "crimes"):
            out += [p for p in c.children if p.dep_ == "pobj"]
    conj: list[Token] = []
    for a in out:
        conj += [c for c in a.conjuncts if c not in out]
    return out + conj


def describe(t: Token, index: NameIndex, lead: dict[str, str]) -> Target:
    """Name, type and keys of the entity a noun phrase head (or modifier) token denotes."""
    span, text = _phrase(t)
    person = person_name(t, index)
    head = t.lemma_.lower()
    mods = [c for c in t.children if c.dep_ in ("amod", "compound", "poss", "nmod")]
    if head in LEADER_NOUNS and t.ent_type_ != "PERSON":  # "the Syrian dictator"
        leader = _country_leader(mods, lead, text, span)
        if leader is not None:
            return leader
    if person and t.ent_type_ == "PERSON" or (person and t.pos_ in ("PRON", "NOUN")):
        own = [surname_key(person)] + (["gov:" + lead[person].lower()] if person in lead else [])
        return Target(person, "person", span, own)
    if head in STATE_NOUNS or t.lower_ in STATE_NOUNS:
        keys = _state_keys(t, mods, index, lead)
        if keys:
            return Target(text, "organisation", span, keys)
        if head in ("regime", "government", "administration", "dictatorship", "junta"):
            return Target(text, "organisation", span, ["name:" + text.lower()], bare=True)
    c = country_of(t.text) if t.ent_type_ in ("GPE", "NORP", "ORG", "") or t.pos_ == "PROPN" else None
    if c and (t.ent_type_ in ("GPE", "NORP") or t.pos_ == "PROPN" or t.dep_ in ("amod", "compound")):
        return Target(c, "country", span, ["gov:" + c.lower()])
    if t.ent_type_ in ("ORG", "NORP", "GPE", "FAC"):
        return _named_body(t, span)
    if t.tag_ in ("NNS", "NNPS") or t.lower_ in ("all", "everyone", "both"):
        return Target(text, "group", span, ["name:" + text.lower()])
    return Target(text, "other", span, ["name:" + text.lower()])


def _phrase(t: Token) -> tuple[tuple[int, int], str]:
    """The span a target token stands for (its noun phrase; a modifier alone) and its text without article,
    outer punctuation or possessive."""
    span = _np_span(t) if t.dep_ not in ("amod", "compound", "poss") else (t.idx, t.idx + len(t.text))
    text = re.sub(r"^(the|a|an)\s+", "", doc_text(t.doc)[span[0]:span[1]].strip(" ,.;:'\"“”‘’"), flags=re.IGNORECASE)
    return span, re.sub(r"['’]s$", "", text)


def _country_leader(mods: list[Token], lead: dict[str, str], text: str, span: tuple[int, int]) -> Target | None:
    """"the Syrian dictator": the one person the article names as that country's leader (else the phrase),
    keyed to the country's government too; None without a country modifier."""
    adj = [country_of(m.text) for m in mods if country_of(m.text)]
    if not adj:
        return None
    named = [p for p, c in lead.items() if c == adj[-1]]
    pkeys = [surname_key(named[0])] if len(named) == 1 else []
    return Target(named[0] if len(named) == 1 else text, "person", span, pkeys + ["gov:" + str(adj[-1]).lower()])


def _state_keys(t: Token, mods: list[Token], index: NameIndex, lead: dict[str, str]) -> list[str]:
    """Keys of a state noun ("the Syrian government", "the Assad regime"): each country and person its
    modifiers name (a leader's country too), without repeats."""
    keys: list[str] = []
    for m in mods:
        for w in [m, *[x for x in m.subtree if x.i < t.i]]:
            c = country_of(w.text)
            if c and "gov:" + c.lower() not in keys:
                keys.append("gov:" + c.lower())
            if w.ent_type_ == "PERSON" or (w.pos_ == "PROPN" and w.lower_ in index.by_part):
                p = person_name(w, index)
                if p:
                    keys.append(surname_key(p))
                    if p in lead:
                        keys.append("gov:" + lead[p].lower())
    return list(dict.fromkeys(keys))


def _named_body(t: Token, span: tuple[int, int]) -> Target:
    """An organisation, group or place the recogniser names: its name without article or possessive."""
    ent = entity_at(t)
    name = re.sub(r"^the\s+", "", ent.text if ent is not None else t.text, flags=re.IGNORECASE)
    name = re.sub(r"['’]s$", "", name)
    return Target(name, "organisation", span, ["name:" + name.lower()])


def targets_of(t: Token, index: NameIndex, lead: dict[str, str]) -> list[Target]:
    """The targets an object noun phrase denotes: the agents of an act, else the entity; conjuncts split."""
    heads = [t, *[c for c in t.conjuncts if c.i > t.i]]
    out: list[Target] = []
    for h in heads:
        if h.lemma_.lower() in ACT_NOUNS or h.lower_ in ACT_NOUNS:
            found = agents(h)
            act = _np_span(h)
            about = doc_text(h.doc)[act[0]:act[1]]
            if found:
                for a in found:
                    tg = describe(a, index, lead)
                    tg.about = about
                    out.append(tg)
                continue
            out.append(Target(re.sub(r"^(the|a|an|all)\s+", "", about, flags=re.IGNORECASE), "event", act,
                              ["event:" + h.lemma_.lower()], about))
            continue
        out.append(describe(h, index, lead))
    return out
