"""In-article index of people, roles and groups: who "Mr Corbyn", "the Labour leader" and "he" refer to.

``build_name_index(doc)`` is reusable on its own (cross-article entity linking builds on it): it maps
surnames and first names to the full name as the article writes it, role phrases ("foreign secretary",
"labour leader") to the person they appose or title, and records every person/group mention in reading
order so that pronouns and role nouns resolve to the most recent fitting antecedent.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from onrecord import data
from onrecord.analyse.attribution.tree import tree
from onrecord.analyse.textcache import doc_text, entity_at

TITLES = data.words("titles")  # the word lists are data/words.toml
HEADLINE_WORDS = 16  # a first line this short is a headline; a longer one is a lead paragraph (text without one)
TITLE_BONUS = 5  # the person a headline names is the one "the party leader" most likely refers back to
HONORIFICS = data.words("honorifics")
PERSON_ROLES = data.words("person_roles")  # one person by role ("the Labour leader", "the MP")
CAPITAL_ROLES = data.words("capital_roles")
GROUP_NOUNS = data.words("group_nouns")
PRONOUNS_PERSON = {"he", "she", "him", "her", "his", "hers", "himself", "herself"}
PRONOUNS_PLURAL = {"they", "them", "their", "theirs", "themselves"}
RELATIVE = {"who", "which", "that", "whom", "whose"}


@dataclass
class Mention:
    """A person, group or organisation mention in reading order, with what it resolved to."""

    i: int  # head token index
    name: str
    type: str  # person | group | organisation
    subject: bool
    sent_start: int
    main: bool = False  # subject of the sentence's main clause


@dataclass
class NameIndex:
    """Names, roles and mentions of one article (see module docstring)."""

    full: dict[str, str] = field(default_factory=dict)  # lowercased full name -> full name
    by_part: dict[str, str] = field(default_factory=dict)  # lowercased surname / first name -> full name
    roles: dict[str, str] = field(default_factory=dict)  # role phrase ("foreign secretary") -> full name
    mentions: list[Mention] = field(default_factory=list)
    salience: dict[str, int] = field(default_factory=dict)  # full name -> mentions in the article
    letter_group: str | None = None  # "<org> letter signatories" when the article reports an open letter
    skip_tokens: set[int] = field(default_factory=set)  # tokens in furniture (not antecedents)


def _tidy(text: str) -> str:
    """Title-case an ALL-CAPS name; drop possessive 's and surrounding punctuation."""
    text = re.sub(r"['’]s?$", "", text.strip(" ,.;:-–—\"'“”‘’()"))
    if text.isupper() and len(text) > 3:
        text = text.title()
    return " ".join(text.split())


def clean_person_name(span: Span | str) -> str:
    """A PERSON entity's text without titles ("Mr", "President", "Ayatollah") or possessive."""
    words = _tidy(span if isinstance(span, str) else span.text).split()
    while len(words) > 1 and words[0].lower().strip(".") in TITLES or len(words) > 2 and (
            words[0].lower() in PERSON_ROLES):
        words = words[1:]
    return " ".join(words)


def _role_tokens(head: Token) -> list[Token]:
    """Title words written before a name, e.g. "Foreign Secretary" in "Foreign Secretary Boris Johnson"."""
    out: list[Token] = []
    for c in head.lefts:
        if c.dep_ in ("compound", "amod", "nmod") and c.ent_type_ != "PERSON" and c.is_alpha \
                and c.lower_ not in HONORIFICS:
            out.extend(x for x in c.subtree if x.is_alpha and x.i <= c.i and x.ent_type_ != "PERSON")
    return sorted(set(out), key=lambda x: x.i)


def _add_role(index: NameIndex, words: list[str], name: str) -> None:
    words = [w.lower() for w in words if w.lower() not in ("the", "a", "an", "former", "then")]
    if not words or words[-1] not in PERSON_ROLES:
        return
    for k in range(len(words)):
        key = " ".join(words[k:])
        if key and key not in index.full:
            index.roles.setdefault(key, name)


def _org_name(span: Span) -> str:
    words = _tidy(span.text).split()
    if words and words[0].lower() == "the":
        words = words[1:]
    return " ".join(words)


def _capitalised_run(doc: Doc, i: int) -> str | None:
    """The capitalised name starting at token i (after an optional "the"): "the Shelter Now group" ->
    "Shelter Now"; None when no capitalised word follows."""
    if i < len(doc) and doc[i].lower_ == "the":
        i += 1
    j = i
    while j < len(doc) and doc[j].text[:1].isupper() and doc[j].is_alpha and doc[j].sent == doc[i].sent:
        j += 1
    return _tidy(doc[i:j].text) if j > i else None


def _find_letter_group(doc: Doc) -> str | None:
    """The organisation that published/wrote/organised an open letter the article reports on, if any."""
    for t in tree(doc).tokens:
        if t.lemma_.lower() != "letter":
            continue
        cands: list[Token] = []
        for c in t.children:  # "letter published by X", "letter from X": the capitalised name after by/from
            for g in [c, *c.children]:
                if g.dep_ in ("agent", "prep") and g.lower_ in ("by", "from"):
                    name = _capitalised_run(doc, g.i + 1)
                    if name:
                        return f"{name} letter signatories"
                    cands += [p for p in g.children if p.dep_ == "pobj"]
        cands += [c for c in t.children if c.dep_ == "poss"]  # "X's letter"
        if t.dep_ in ("dobj", "attr") and t.head.pos_ == "VERB":  # "X published a letter"
            cands += [c for c in t.head.children if c.dep_ == "nsubj"]
        for c in cands:
            propns = [x for x in c.subtree if x.i <= c.i and (x.pos_ == "PROPN" or x.text[:1].isupper())
                      and x.dep_ != "det"]
            if propns:  # "the Syria Solidarity UK campaign group" -> "Syria Solidarity UK"
                name = doc_text(doc)[propns[0].idx: propns[-1].idx + len(propns[-1])]
                return f"{_tidy(name)} letter signatories"
            ent = entity_at(c, ("ORG", "NORP", "GPE"))
            if ent is not None:
                return f"{_org_name(ent)} letter signatories"
    return None


def build_name_index(
    doc: Doc, skip: list[tuple[int, int]] | None = None, title: tuple[int, int] | None = None
) -> NameIndex:
    """Index the people, roles and group mentions of ``doc``. Character ranges in ``skip`` (furniture,
    quoted words) hold no antecedents; people named in the ``title`` range count extra as the article's
    protagonists."""
    index = NameIndex()
    skip = skip or []
    for s, e in skip:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None:
            index.skip_tokens.update(range(span.start, span.end))
    persons = [e for e in doc.ents if e.label_ == "PERSON"]
    text = doc_text(doc)
    short = title is not None and len(text[title[0]:title[1]].split()) <= HEADLINE_WORDS
    in_title = [short and title is not None and title[0] <= e.start_char < title[1] for e in persons]
    # full names first, so surnames map to the first full form written; the body's before a headline's, whose
    # capitalised words the recogniser runs into names ("Trump May be Aligning", "Will Sanders")
    for ent, headline in sorted(zip(persons, in_title), key=lambda et: et[1]):
        name = clean_person_name(ent)
        if headline and name.lower() not in index.full and name not in text[title[1]:]:  # type: ignore[index]
            body = [full for full in index.full.values() if full.split()[-1] in name.split()]
            if len(set(body)) == 1:  # the one body name whose surname the headline's run holds
                index.full[name.lower()] = body[0]
            continue  # a run the body never writes is no full name ("Trump Says He Never Mocked")
        if len(name.split()) >= 2 and name.lower() not in index.full:
            index.full[name.lower()] = name
            parts = name.split()
            index.by_part.setdefault(parts[-1].lower(), name)
            index.by_part.setdefault(parts[0].lower(), name)
    for ent in persons:
        found = resolve_name_text(index, ent.text)
        if found is None:
            continue
        roles = _role_tokens(ent.root)
        if roles:
            _add_role(index, [t.text for t in roles], found)
        for c in ent.root.children:  # "Seumas Milne, Mr Corbyn's closest aide"
            if c.dep_ == "appos" and c.ent_type_ != "PERSON":
                _add_role(index, [t.text for t in c.subtree if t.dep_ in ("compound", "amod") or t == c], found)
        if ent.root.dep_ == "appos" and ent.root.head.pos_ == "NOUN":  # "the Labour leader, Jeremy Corbyn"
            h = ent.root.head
            _add_role(index, [t.text for t in h.lefts if t.dep_ in ("compound", "amod")] + [h.text], found)
    index.letter_group = _find_letter_group(doc)
    for ent in persons:
        seen = resolve_name_text(index, ent.text)
        if seen and ent.start not in index.skip_tokens:
            bonus = TITLE_BONUS if title is not None and title[0] <= ent.start_char < title[1] else 0
            index.salience[seen] = index.salience.get(seen, 0) + 1 + bonus
    _collect_mentions(doc, index)
    return index


def resolve_name_text(index: NameIndex, text: str) -> str | None:
    """A written person name ("Mr Corbyn", "JEREMY CORBYN", "Corbyn's") -> the article's full name."""
    name = clean_person_name(text)
    if not name:
        return None
    low = name.lower()
    if low in index.full:
        return index.full[low]
    if len(name.split()) >= 2:
        return name
    return index.by_part.get(low, name if name[:1].isupper() else None)


def _person_mention_name(t: Token, index: NameIndex) -> str | None:
    if t.ent_type_ == "PERSON":
        ent = entity_at(t)
        return resolve_name_text(index, ent.text if ent is not None else t.text)
    if t.pos_ == "PROPN" and t.lower_ in index.by_part:
        return index.by_part[t.lower_]
    return None


def _collect_mentions(doc: Doc, index: NameIndex) -> None:
    """Walk the article in order, resolving each person/group mention with the mentions before it."""
    tr = tree(doc)  # the Doc's tokens made once, and sentence starts without scanning the sentence
    for t in tr.tokens:
        if t.i in index.skip_tokens or t.dep_ in ("compound", "flat") and t.head.ent_type_ == t.ent_type_ != "":
            continue
        subj = t.dep_ in ("nsubj", "nsubjpass")
        main = subj and (t.head.dep_ == "ROOT" or t.head.dep_ == "conj" and t.head.head.dep_ == "ROOT")
        name = _person_mention_name(t, index)
        if name is not None:
            if t.ent_iob_ == "I" and t.head.i != t.i and t.head.ent_type_ == "PERSON":
                continue
            index.mentions.append(Mention(t.i, name, "person", subj, tr.sent_bounds(t.i)[0], main))
            index.salience[name] = index.salience.get(name, 0) + 1
            continue
        low = t.lower_
        if low in PRONOUNS_PERSON or is_role_noun(t):
            if low not in PRONOUNS_PERSON and not any(c.lower_ in ("the", "this", "that") for c in t.lefts):
                continue
            r = resolve_person_by_role(t, index, salient=True) if low not in PRONOUNS_PERSON else None
            r = r or antecedent(index, t.i, "person")
            if r is not None:
                index.mentions.append(Mention(t.i, r, "person", subj, tr.sent_bounds(t.i)[0], main))
        elif t.ent_type_ in ("ORG", "GPE", "NORP") and t.ent_iob_ == "B" or t.lower_ in GROUP_NOUNS:
            index.mentions.append(Mention(t.i, t.text, "group", subj, tr.sent_bounds(t.i)[0]))


def is_role_noun(t: Token) -> bool:
    """A singular noun naming a person by role ("leader", "MP", "secretary")."""
    lemma = t.lemma_.lower()
    if t.pos_ == "PROPN":  # capitalised only as a title ("the Prime Minister", "the Labour MP")
        return t.tag_ == "NNP" and lemma in CAPITAL_ROLES and t.ent_type_ != "PERSON"
    return t.pos_ == "NOUN" and t.tag_ == "NN" and lemma in PERSON_ROLES


def resolve_person_by_role(t: Token, index: NameIndex, salient: bool = False) -> str | None:
    """A role noun ("the Labour leader") -> the person the article gives that role; failing that, with
    ``salient``, a definite role phrase modified by a name or adjective ("the Labour MP", "the party
    leader") -> the article's most mentioned person (who such phrases refer back to in news style)."""
    mods = [c for c in t.lefts if c.dep_ in ("compound", "amod")]
    key = " ".join(w.lower() for w in [c.text for c in mods] + [t.text])
    if key in index.roles:
        return index.roles[key]
    if salient and mods and index.salience:
        ranked = sorted(index.salience.items(), key=lambda kv: -kv[1])
        if len(ranked) == 1 or ranked[0][1] >= 1.5 * ranked[1][1]:
            return ranked[0][0]
    return None


def antecedent(index: NameIndex, i: int, kind: str) -> str | None:
    """The most recent person (kind "person") mentioned before token i, preferring the subject of the
    nearest sentence that mentions one; furniture is skipped."""
    before = [m for m in index.mentions if m.i < i and m.type == kind]
    if not before:
        return None
    last_sent = before[-1].sent_start
    same = [m for m in before if m.sent_start == last_sent]
    main = [m for m in same if m.main]
    subj = [m for m in same if m.subject]
    return (main or subj or same)[0].name
