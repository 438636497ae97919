"""In-article index of people, roles and groups: who "Mr Corbyn", "the Labour leader" and "he" refer to.

``build_name_index(doc)`` is reusable on its own (cross-article entity linking builds on it): it maps
surnames and first names to the full name as the article writes it, role phrases ("foreign secretary",
"labour leader") to the person they appose or title, and records every person/group mention in reading
order so that pronouns and role nouns resolve to the most recent fitting antecedent.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

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
GIVEN_FEMALE = data.words("given_names_female")
GIVEN_MALE = data.words("given_names_male")
# an honorific that says the gender, then the capitalised words it stands before ("Mrs. Hillary Clinton", "Mr Lowell")
_SEXED = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f"}
_HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss)\b\.?\s+((?:[A-Z][\w'’-]+ ){0,2}[A-Z][\w'’-]+)")
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
    namesakes: dict[str, list[str]] = field(default_factory=dict)  # lowercased surname -> its full names (2 or more)
    sexes: dict[str, str] = field(default_factory=dict)  # full name -> "m" / "f" where the article says


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
    _index_namesakes(doc, index, [e for e, headline in zip(persons, in_title) if not headline])
    for ent in persons:
        found = resolve_name_text(index, written_name(ent))
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
        seen = resolve_name_text(index, written_name(ent))
        if seen and ent.start not in index.skip_tokens:
            bonus = TITLE_BONUS if title is not None and title[0] <= ent.start_char < title[1] else 0
            index.salience[seen] = index.salience.get(seen, 0) + 1 + bonus
    _collect_mentions(doc, index)
    return index


def _index_namesakes(doc: Doc, index: NameIndex, persons: list[Span]) -> None:
    """The surnames the article writes for two or more people (full names of one person: "Hillary Rodham Clinton"
    and "Hillary Clinton", "Bill" and "William", "L. Meyer" and "Laurence Meyer", name_variants.tsv rows, count
    once), and the gender of each full name where the article says it (``_sexes``)."""
    by_surname: dict[str, list[list[str]]] = {}
    for name in dict.fromkeys(index.full.values()):
        if not name[:1].isupper():  # "a Donald Trump": a phrase the recogniser ran into a name, no second person
            continue
        people = by_surname.setdefault(name.split()[-1].lower(), [])
        same = next((p for p in people if any(_same_person(name, n) for n in p)), None)
        if same is None:
            people.append([name])
        else:
            same.append(name)
    index.namesakes = {k: [n for p in v for n in p] for k, v in by_surname.items() if len(v) >= 2}
    index.sexes = _sexes(doc, index, persons, {n: p for v in by_surname.values() for p in v for n in p})


def _same_person(a: str, b: str) -> bool:
    """Whether two full names of one surname name one person: the same given name (a nickname for it, or its
    initial), or one row of name_variants.tsv."""
    x, y = (_given(n) for n in (a, b))
    nick = data.nicknames()
    if nick.get(x, x) == nick.get(y, y) or (len(x) == 1 or len(y) == 1) and x[0] == y[0]:
        return True
    if x[0] == y[0] and SequenceMatcher(None, x, y).ratio() >= 0.9:  # a misspelling ("Hilary", "Hillary")
        return True
    return any({a, b} <= {row, *variants} for row, variants in data.name_variants())


def _given(name: str) -> str:
    """A full name's given name, lower-cased; initials ("L.H. Meyer") as their first letter."""
    first = name.split()[0].lower()
    return first[0] if re.fullmatch(r"(?:[a-z]\.)+", first) else first.strip(".")


def _sexes(doc: Doc, index: NameIndex, persons: list[Span], person_of: dict[str, list[str]]) -> dict[str, str]:
    """Full name -> "m" / "f" where the article says it: a given name in the lists; else an honorific written with
    the full name ("Mrs. Hillary Clinton") or with a surname only one person bears ("Mr Lowell"); else, for a
    person who shares a surname, the pronouns of the sentences that name that person alone and nobody else
    ("Ann Cole said her son ..."), when they all agree. Evidence for one of a person's full names holds for all
    of them; a person with evidence both ways at one level gets that level's none."""
    levels: list[dict[str, set[str]]] = [{}, {}, {}]

    def vote(level: int, name: str, sex: str) -> None:
        for n in person_of.get(name, [name]):
            levels[level].setdefault(n, set()).add(sex)

    for name in index.full.values():
        first = name.split()[0].lower().strip(".")
        if first in GIVEN_FEMALE or first in GIVEN_MALE:
            vote(0, name, "f" if first in GIVEN_FEMALE else "m")
    for m in _HONORIFIC.finditer(doc_text(doc)):
        words = m.group(2).removesuffix("'s").removesuffix("’s").split()
        full = next((index.full[k] for n in range(len(words), 1, -1)  # "Mrs. Hillary Clinton Tuesday"
                     if (k := " ".join(words[:n]).lower()) in index.full), None)
        if full is None and words[0].lower() not in index.namesakes:
            full = index.by_part.get(words[0].lower())
        if full is not None:
            vote(1, full, _SEXED[m.group(1).lower()])
    shared = {n for names in index.namesakes.values() for n in names}
    tr = tree(doc)
    by_sent: dict[int, list[Span]] = {}
    for ent in persons:
        by_sent.setdefault(tr.sent_bounds(ent.start)[0], []).append(ent)
    for start, ents in by_sent.items():
        named = {index.full.get(clean_person_name(e).lower()) for e in ents}
        if len(named) != 1 or not named <= shared:  # a surname alone, or two people: the pronouns could be anyone's
            continue
        s, e = tr.sent_bounds(start)
        said = {"f" if t.lower_ in ("she", "her", "hers", "herself") else "m" for t in doc[s:e]
                if t.lower_ in PRONOUNS_PERSON}
        if len(said) == 1:
            vote(2, named.pop(), said.pop())  # type: ignore[arg-type]
    out: dict[str, str] = {}
    for level in levels:
        for n, v in level.items():
            if n not in out and len(v) == 1:
                out[n] = next(iter(v))
    return out


def gender(doc: Doc, name: str, index: NameIndex | None = None) -> str | None:
    """"f" or "m" for a person's name: by the given name (data/words.toml lists), else by the honorific the
    article writes with the full name, or with the surname where no namesake shares it ("Mr Smith", "Ms Jones");
    None when neither says. Without ``index``, a surname's honorific counts for the full name."""
    if index is not None and name in index.full.values():
        return index.sexes.get(name)
    words = name.split()
    first = words[0].lower().strip(".")
    if first in GIVEN_FEMALE:
        return "f"
    if first in GIVEN_MALE:
        return "m"
    forms: dict[str, str] = doc.user_data.get("onrecord.honorifics") or {}
    if "onrecord.honorifics" not in doc.user_data:
        for m in _HONORIFIC.finditer(doc_text(doc)):
            forms.setdefault(m.group(2).split()[-1], _SEXED[m.group(1).lower()])
        doc.user_data["onrecord.honorifics"] = forms
    return forms.get(words[-1])


def written_name(ent: Span) -> str:
    """A PERSON entity's text with the honorific written right before it ("Mrs." of "Mrs. Clinton" when the
    recogniser left it out): the honorific is what tells namesakes apart."""
    hon = _honorific_before(ent[0])
    return f"{hon} {ent.text}" if hon and ent.text.split()[0].lower().strip(".") not in _SEXED else ent.text


def resolve_name_text(index: NameIndex, text: str) -> str | None:
    """A written person name ("Mr Corbyn", "JEREMY CORBYN", "Corbyn's") -> the article's full name. A surname
    two or more full names share, after an honorific ("Mrs. Clinton"), is the one namesake whose gender agrees,
    and nobody (None) when the article does not tell them apart: a guess is no record."""
    name = clean_person_name(text)
    if not name:
        return None
    low = name.lower()
    if low in index.full:
        return index.full[low]
    if len(name.split()) >= 2:
        return name
    sex = _SEXED.get(text.split()[0].lower().strip("."), None) if len(text.split()) >= 2 else None
    if sex is not None and low in index.namesakes:
        return _namesake(index, low, sex)
    return index.by_part.get(low, name if name[:1].isupper() else None)


def _namesake(index: NameIndex, surname: str, sex: str) -> str | None:
    """The one person of a shared surname an honorific names: the one the article says is of its gender, else the
    one whose gender the article does not contradict; None when the text leaves two people (a guess is no record:
    "Mr. Bush" beside Jeb Bush and George W. Bush). Full names of one person count once (``_same_person``)."""
    names = index.namesakes[surname]
    said = [n for n in names if index.sexes.get(n) == sex]
    agree = said or [n for n in names if n not in index.sexes]
    people: list[list[str]] = []
    for n in agree:
        same = next((p for p in people if _same_person(p[0], n)), None)
        if same is None:
            people.append([n])
        else:
            same.append(n)
    if len(people) != 1:
        return None
    first = index.by_part.get(surname)
    return first if first in people[0] else people[0][0]


def _honorific_before(t: Token) -> str | None:
    """The honorific written right before token ``t`` ("Mrs." of "Mrs. Clinton"), if any."""
    if t.i > 0 and t.doc[t.i - 1].lower_.strip(".") in _SEXED:
        return t.doc[t.i - 1].text
    return None


def _person_mention_name(t: Token, index: NameIndex) -> str | None:
    if t.ent_type_ == "PERSON":
        ent = entity_at(t)
        return resolve_name_text(index, written_name(ent) if ent is not None else t.text)
    if t.pos_ == "PROPN" and t.lower_ in index.by_part:
        hon = _honorific_before(t)
        return resolve_name_text(index, f"{hon} {t.text}") if hon else index.by_part[t.lower_]
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
