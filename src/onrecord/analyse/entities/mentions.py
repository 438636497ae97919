"""In-article entities: mentions of people, organisations, countries and groups clustered per article.

``extract_entities(doc, segments)`` works on the parse the quotes step already has (no second spaCy pass):
names and their short forms ("Mr Corbyn", "JEREMY CORBYN", "Corbyn's"), pronouns (via the shared name
index of ``names.py``), metonyms ("Tehran", "Downing Street", from data/metonyms.tsv), role assertions
(``roles.py``) and descriptors (``descriptors.py``). Role-only mentions the article does not tie to a name
("the Prime Minister") are kept as ``RoleMention``s for the linker, which knows the article's date.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from functools import lru_cache
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from onrecord import data
from onrecord.analyse.entities import descriptors as desc
from onrecord.analyse.entities.names import PRONOUNS_PERSON, TITLES, clean_person_name
from onrecord.analyse.entities.roles import (
    NATIONALITIES,
    PARTICLES,
    is_role_phrase,
    kb_role,
    load_countries,
    load_kb,
    load_metonyms,
    metonym_rows,
    name_key,
    normalise_phrase,
    role_name,
)
from onrecord.analyse.textcache import doc_text
from onrecord.models import (
    ArticleEntities,
    ArticleEntity,
    Descriptor,
    EntityMention,
    RoleAssertion,
    RoleMention,
    Segment,
)

GENERIC_ORGS = data.words("generic_orgs")  # the word lists are data/words.toml
NOT_YET = data.words("future_qualifiers")
GENERIC_NOUNS = data.words("generic_person_nouns")
EPITHETS = data.words("name_epithets")
GIVEN = data.words("given_names_male") | data.words("given_names_female")
SURNAME_PLACES = data.words("named_after_surname_heads")
SUFFIX_WORDS = frozenset({"jr", "sr", "ii", "iii", "iv"})  # generational suffixes: part of a name


def _skip_tokens(doc: Doc, segments: list[Segment]) -> set[int]:
    out: set[int] = set()
    for s in segments:
        if s.kind == "furniture":
            span = doc.char_span(s.start, s.end, alignment_mode="expand")
            if span is not None:
                out.update(range(span.start, span.end))
    return out


def person_name(ent: Span) -> str | None:
    """A PERSON entity's name, cleaned (titles, possessive, line breaks, trailing clauses), or None if it does
    not look like a name."""
    return _person_name(ent.text)


@lru_cache(maxsize=8192)
def _person_name(text: str) -> str | None:
    """``person_name`` of an entity's text (the name rules ask it of each entity several times)."""
    text = text.split("\n")[0]
    text = re.split(r"\s[-–—]\s|\s(?:who|which|and)\s", text)[0]
    text = text.split("/")[0]  # a photo credit: "Ahmed Helal/LinkedIn"
    name = clean_person_name(text)
    words = name.split()
    while len(words) > 1 and (words[0].lower() in EPITHETS or
                              words[0].endswith("s") and words[0].lower()[:-1] in TITLES):
        words = words[1:]  # "Crooked Hillary", "Presidents Obama and Bush"
    name = " ".join(words)
    if not words or any(not (w[:1].isupper() or w.lower().split("-")[0] in PARTICLES) for w in words):
        return None
    if len(words) > 4 or any(ch.isdigit() for ch in name):
        return None
    return name


def _org_name(ent: Span) -> str:
    """An ORG/GPE entity's name without "the", a possessive or a leading "<country>'s" ("Iran's Quds Force")."""
    text = " ".join(ent.text.split("\n")[0].split())
    text = re.sub(r"^(?:the|The)\s+", "", text)
    text = re.sub(r"['’]s?$", "", text)
    m = re.match(r"^[A-Z][\w.]+['’]s\s+(.+)$", text)
    return m.group(1) if m else text


class _Builder:
    """Accumulates one article's clusters, keyed by (type, name key)."""

    def __init__(self) -> None:
        self.clusters: dict[tuple[str, str], ArticleEntity] = {}
        self.first_pos: dict[tuple[str, str], int] = {}
        self.role_mentions: list[RoleMention] = []

    def get(self, name: str, typ: str, pos: int) -> ArticleEntity:
        key = (typ, name_key(name))
        if key not in self.clusters:
            self.clusters[key] = ArticleEntity(name, typ)
            self.first_pos[key] = pos
        return self.clusters[key]

    def persons(self) -> list[ArticleEntity]:
        return [e for (t, _), e in self.clusters.items() if t == "person"]


def extract_entities(doc: Doc, segments: list[Segment]) -> ArticleEntities:
    """Cluster the entity mentions of one parsed article (offsets are into ``doc.text``)."""
    skip = _skip_tokens(doc, segments)
    b = _Builder()
    persons = _person_clusters(doc, skip, b, _title_tokens(doc, segments))
    _caption_mentions(doc, segments, b)
    _org_clusters(doc, skip, b)
    _pronouns(doc, skip, b)
    _roles_and_descriptors(doc, skip, b, persons)
    _descriptions(doc, skip, b)
    ents = sorted(b.clusters.items(), key=lambda kv: b.first_pos[kv[0]])
    found = ArticleEntities([e for _, e in ents if e.mentions], b.role_mentions)
    desc.assess(doc, segments, found)  # which descriptors describe, and how sure (descriptors.py)
    return found


def _caption_mentions(doc: Doc, segments: list[Segment], b: _Builder) -> None:
    """Names in picture captions (furniture, otherwise left out) that the article names elsewhere: mentions of those
    people, by full name or by a surname only one of them has; a caption alone makes no one a person of the article
    (its credit and title-case words are no evidence of a name)."""
    full = {name_key(c.name): c for c in b.persons() if " " in c.name}
    for seg in segments:
        span = doc.char_span(seg.start, seg.end, alignment_mode="expand") if seg.furniture == "caption" else None
        for e in span.ents if span is not None else ():
            t = _name_tokens(e, set(), set()) if e.label_ == "PERSON" else None
            name = person_name(t) if t is not None else None
            if t is None or not name:
                continue
            c = full.get(name_key(name)) or (_by_surname(name, b) if " " not in name else None)
            if c is not None:
                c.mentions.append(EntityMention(t.start_char, t.end_char, t.text, "name" if " " in name else "short"))


def _title_tokens(doc: Doc, segments: list[Segment]) -> set[int]:
    """Tokens of title-case lines (a headline, a "Related:" link), where capitals say nothing about names: the
    title segment or any line of three or more long words, at least 80% of them capitalised, and (but for the title,
    whose words the recogniser may run into a name: "Trump Calls On Obama") two of them outside any recognised
    entity (a line that only lists names is not title case)."""
    text = doc_text(doc)
    lines = [(s.start, s.end, True) for s in segments if s.kind == "title"]
    lines += [(m.start(), m.end(), False) for m in re.finditer(r"[^\n]+", text)]
    out: set[int] = set()
    for start, end, title in lines:
        span = doc.char_span(start, end, alignment_mode="expand")
        words = [t for t in span or () if t.is_alpha and len(t) > 3]
        common = [t for t in words if t.text[:1].isupper() and not t.ent_type_]  # "Pins", "Rise": not names
        if span is not None and len(words) >= 3 and (title or len(common) >= 2) and \
                sum(t.text[:1].isupper() for t in words) >= 0.8 * len(words):
            out.update(range(span.start, span.end))
    return out


NAMED_AFTER = data.words("named_after_heads")
CONTRACTIONS = {"'m", "'re", "'ve", "'ll", "'d", "n't"}
_NAME_BREAKS = {":", ";", "|", "(", ")", "[", "]", "“", "”", "\"", "—", "–"}  # never inside a person's name


def _name_tokens(e: Span, mid: set[str], title: set[int]) -> Span | None:
    """A PERSON entity without what news capitalisation or punctuation adds to it: the words from a possessive, a
    pronoun, a spaced dash or a colon on ("Mitt Romney's Medicare", "Jo Bloggs: Saying", "Jo Bloggs - who" -> the
    name), and a sentence's first word that is capitalised only because it opens the sentence: a stop word ("Will
    Cruz" -> "Cruz"), a word the tagger does not read as a proper noun ("Entrusting Donald Trump") or one before a
    full name the article writes mid-sentence ("Certainly Donald Trump" beside "Donald Trump"); the first word stays
    when the article also writes the whole name mid-sentence (``mid``: "Will Smith"). In a title-case line
    (``title``) only the stop word goes: there the tagger reads names as verbs ("Trump Stands Tall"), and
    ``_headline_name`` cuts the name. None when nothing is left, or when the entity opens with a pronoun ("I'm
    Muslim": a clause). A place or body named after someone ("the Obama White House", words.toml
    ``named_after_heads``) is cut to the person's name, whom it mentions."""
    start, end = e.start, e.end
    if e[0].pos_ == "PRON":
        return None  # a clause the recogniser read as a name ("I’m Muslim")
    for t in e[1:]:
        if t.text in _NAME_BREAKS or t.pos_ == "PRON" or t.lower_.replace("’", "'") in CONTRACTIONS or \
                t.text == "-" and e.doc[t.i - 1].whitespace_ or \
                t.i < e.end - 1 and (t.tag_ == "POS" or t.lower_ in ("'s", "’s")):
            end = t.i
            break
    first = e.doc[start]
    if end - start > 1 and _opens_sentence(first) and e.doc[start:end].text not in mid and (
            first.is_stop or end - start > 2 and start not in title and (
                first.pos_ != "PROPN" or e.doc[start + 1:end].text in mid)):
        start += 1
    words = [t.lower_ for t in e.doc[start:end]]
    for size in (2, 1):  # a place or body named after someone mentions them, but is not them: "the Obama White House"
        if end - start > size and " ".join(words[-size:]) in NAMED_AFTER:
            end -= size
            break
    if end <= start:
        return None
    return e if (start, end) == (e.start, e.end) else Span(e.doc, start, end, label=e.label_)


def _opens_sentence(t: Token) -> bool:
    """Whether a token is its sentence's first word (after any opening quote marks, dashes or brackets)."""
    return all(x.is_punct for x in t.sent[:t.i - t.sent.start])


def _headline_name(e: Span, body: set[str], parts: set[str]) -> Span | None:
    """A PERSON entity of a title-case headline cut to the longest run of its words that the body names as a
    person ("Bernie Sanders Pins" -> "Bernie Sanders", "Denounces Clinton" -> "Clinton"); None when no run of it
    is a name the body gives (the headline's capitals alone are no evidence of a name)."""
    words = [t for t in e if t.is_alpha or t.text.endswith(".")]
    for size in range(len(words), 0, -1):
        for i in range(len(words) - size + 1):
            run = words[i:i + size]
            key = name_key(" ".join(t.text for t in run))
            if key in body or size == 1 and key in parts:
                return Span(e.doc, run[0].i, run[-1].i + 1, label=e.label_)
    return None


def _person_spans(doc: Doc, skip: set[int], title: set[int], ents: list[Span]) -> list[Span]:
    """The article's PERSON entities outside furniture, trimmed by ``_name_tokens`` and, in a title-case
    headline, by ``_headline_name`` against the names of the body."""
    ents = [e for e in ents if e.label_ == "PERSON" and e.start not in skip]
    mid = {e.text for e in ents if not _opens_sentence(e.doc[e.start])}
    spans = [t for e in ents if (t := _name_tokens(e, mid, title)) is not None]
    lower = {t.text for t in doc if t.is_alpha and t.is_lower}  # words the article writes in lower case
    spans = _no_common_names(_no_opening_words(_cut_past_names(spans, title, lower), title, lower), title, lower)
    body_names = [n for e in spans if e.start not in title and (n := person_name(e))]
    body = {name_key(n) for n in body_names}
    parts = {w for n in body_names if len(n.split()) >= 2 for w in name_key(n).split()[::len(n.split()) - 1]}
    parts |= {k for k in body if " " not in k}
    cut = [e if e.start not in title else _headline_name(e, body, parts) for e in spans]
    return [e for e in cut if e is not None]


def _cut_past_names(spans: list[Span], title: set[int], lower: set[str]) -> list[Span]:
    """PERSON entities cut after the name they start with when more words follow it: a full name the article
    writes for someone else ("Donald Trump Wins", "Mitt Romney Medicare") or, when the first word is a surname
    (of a full name the article writes, or of the knowledge file) and no given name, after that surname when the
    next word is one the article also writes in lower case or a place word that is a surname too (words.toml
    ``named_after_surname_heads``): "Trump Tower", "Trump Revealed" beside "revealed": a name ends with its surname,
    so a common word after it names a building, book or firm ("Blair Effron" beside "Gwenda Blair" stays whole). A
    generational suffix is part of the name ("Fred Sr.")."""
    full = {key for e in spans if e.start not in title and " " in (key := name_key(person_name(e) or ""))}
    surnames: dict[str, set[str]] = {}
    for key in full:
        surnames.setdefault(key.split()[-1], set()).add(key)
    kb = _kb_surnames()
    out = []
    for e in spans:
        own = name_key(person_name(e) or "")
        for k in range(len(e) - 1, 0, -1):
            rest = e[k]
            if rest.lower_.strip(".") in SUFFIX_WORDS or not rest.is_alpha:
                continue
            head = name_key(clean_person_name(e[:k].text))
            if k == 1 and head not in GIVEN and (surnames.get(head, set()) - {own} or head in kb):
                cut = rest.lower_ in lower or rest.lower_ in SURNAME_PLACES
            else:
                cut = k >= 2 and head in full - {own}
            if cut:
                e = Span(e.doc, e.start, e.start + k, label=e.label_)
                break
        out.append(e)
    return out


def _no_opening_words(spans: list[Span], title: set[int], lower: set[str]) -> list[Span]:
    """Two-word PERSON entities that open a sentence cut to their second word when the first is no given name but a
    word the article writes in lower case and the second is a word of a full name the article writes for someone
    ("Stated Stone:" beside "stated" and "Roger Stone"): the first word is capitalised only because it opens the
    sentence."""
    if not spans:
        return spans
    doc = spans[0].doc
    keys = [name_key(person_name(e) or "") for e in spans]
    parts = {w for k in keys if len(k.split()) >= 2 for w in k.split()[::len(k.split()) - 1]}
    out = []
    for e, key in zip(spans, keys):
        words = key.split()
        if len(e) == 2 and len(words) == 2 and e.start not in title and _opens_sentence(e[0]) and \
                words[0] not in GIVEN and words[1] in parts - set(words[:1]) and keys.count(key) == 1 and \
                any(words[1] in k.split() for k in keys if k != key) and e[0].lower_ in lower:
            e = Span(doc, e.start + 1, e.end, label=e.label_)
        out.append(e)
    return out


def _no_common_names(spans: list[Span], title: set[int], lower: set[str]) -> list[Span]:
    """Without the PERSON entities that are a title or a firm's name: two words, the first no given name, the second
    a word the article writes in lower case ("the story") and never capitalised outside such a name ("Inside Story",
    "Off Message", "Harmon Brothers"). News names a person in full once and by surname after, so a person's
    surname is written alone; a given name keeps the name ("Paul Singer" beside "a singer")."""
    if not spans:
        return spans
    doc = spans[0].doc
    names = [(e, (person_name(e) or "").split()) for e in spans]
    two = [(e, w) for e, w in names if len(w) == 2 and e.start not in title and w[0].lower() not in GIVEN]
    if not two:
        return spans
    last = Counter(w[-1] for _, w in names if len(w) >= 2)
    caps = Counter(t.text for t in doc if t.text[:1].isupper())
    drop = {e.start for e, w in two if w[1].lower() in lower and caps[w[1]] <= last[w[1]]}
    return [e for e in spans if e.start not in drop]


def _subjects(doc: Doc) -> dict[str, list[Token]]:
    """The article's subjects (nsubj, nsubjpass) by their text, in order: one walk of the Doc."""
    out: dict[str, list[Token]] = {}
    for t in doc:
        if t.dep_ in ("nsubj", "nsubjpass"):
            out.setdefault(t.text, []).append(t)
    return out


def _speaks(subjects: dict[str, list[Token]], word: str) -> bool:
    """Whether a word is somewhere the subject of a verb of saying ("Sanders said"); ``subjects``: ``_subjects``."""
    return any(t.head.lemma_.lower() in data.cue_classes() for t in subjects.get(word, ()))


def _acts_as_person(subjects: dict[str, list[Token]], word: str) -> bool:
    """Whether a word the article writes alone acts as a person somewhere: the subject of a verb of saying
    ("Trump told Newsmax") or of a clause that goes on with his/her ("when Trump launched his campaign");
    ``subjects``: the article's ``_subjects``."""
    for t in subjects.get(word, ()):
        if t.head.lemma_.lower() in data.cue_classes():
            return True
        if any(x.lower_ in ("his", "her", "himself", "herself") and x.i > t.i for x in t.head.subtree):
            return True
    return False


def _person_clusters(doc: Doc, skip: set[int], b: _Builder, headline: set[int] | None = None
                     ) -> dict[int, ArticleEntity]:
    """Full names first, then short forms mapped to the full name that shares the word (most recent first).
    Returns {token index of each PERSON entity's root: its cluster}."""
    all_ents = list(doc.ents)  # Doc.ents is rebuilt on every access
    ents = _person_spans(doc, skip, headline or set(), all_ents)
    org_texts = {x.text for x in all_ents if x.label_ in ("ORG", "GPE", "NORP")}
    metonyms = load_metonyms()
    names = [(e, person_name(e)) for e in ents]
    known = {n.lower(): n for _, n in names if n and len(n.split()) >= 2}
    names = [(e, _known_suffix(n, known)) for e, n in names]
    full: list[tuple[Span, str]] = [(e, n) for e, n in names if n is not None and len(n.split()) >= 2]
    out: dict[int, ArticleEntity] = {}
    for e, full_name in full:
        c = b.get(full_name, "person", e.start_char)
        c.mentions.append(EntityMention(e.start_char, e.end_char, e.text, "name"))
        out[e.root.i] = c
    subjects: dict[str, list[Token]] | None = None  # made when first needed
    singles: dict[str, list[tuple[Span, str]]] = {}
    for e, n in names:
        if n and len(n.split()) == 1:
            singles.setdefault(n.lower(), []).append((e, n))
    for low, group in singles.items():
        for e, n in group:
            target = _full_for(low, e.start_char, full)
            if target is None and subjects is None:
                subjects = _subjects(doc)
            acts = target is None and (_acts_as_person(subjects or {}, e.text) or _kb_surname(low))
            if name_key(n) in metonyms or (e.text in org_texts and target is None and not acts):
                continue  # "Labour", "Twitter" tagged PERSON by mistake (a surname tagged NORP elsewhere is not)
            if target is None and _no_lone_name(e, n, _speaks(subjects or {}, e.text) or _kb_surname(low)):
                continue
            title = (doc[e.start - 1] if e.start > 0 else e[0]).lower_.strip(".")
            title = e[0].lower_.strip(".") if title not in TITLES else title
            titled = title in TITLES
            office = _office_holder(low, title) if titled else None
            if office and (target is None or name_key(target) != name_key(office)):
                target = office  # "President Obama" is Barack, not the Michelle Obama named earlier
            if target is None and len(group) < 2 and not titled and not acts:
                continue
            c = b.get(target or n, "person", e.start_char)
            c.mentions.append(EntityMention(e.start_char, e.end_char, e.text, "short"))
            out[e.root.i] = c
    _bare_surnames(doc, skip, b, full, out, headline or set())
    return out


def _no_lone_name(e: Span, name: str, speaks: bool) -> bool:
    """Whether a one-word PERSON entity is no name by how it is written: a common noun to the tagger that never
    says anything (``speaks``: "Cheers erupted", "Remarks that"; the tagger reads "Sanders said" as a plural noun
    too), a hashtag ("#Cologne"), the first part of a hyphenated word ("Oscar-winning", "Mar-a-Lago") or a news
    outlet's name ("Politico reported": outlets.tsv)."""
    doc = e.doc
    if e.root.pos_ == "NOUN" and not speaks:
        return True
    if e.start > 0 and doc[e.start - 1].text == "#" and not doc[e.start - 1].whitespace_:
        return True
    if e.end < len(doc) and doc[e.end].text == "-" and not e[-1].whitespace_:
        return True
    return data.outlet_key(name) in data.outlets().names


def _bare_surnames(doc: Doc, skip: set[int], b: _Builder, full: list[tuple[Span, str]],
                   out: dict[int, ArticleEntity], title: set[int]) -> None:
    """The surname of a person the article names in full, standing alone as a proper noun (any word in a title-case
    line, whose words the tagger misreads) the entity recogniser left untagged ("Assad's forces", "if he believes
    Assad is responsible"): news refers to a person by surname once named, so it is a short mention of them (as
    ``_org_clusters`` takes the surname tagged ORG or GPE), unless
    two people of the article share that surname, the word is a metonym, or it is part of another proper name
    ("Glass-Steagall", "Prison Break", "Trump Tower": a capitalised neighbour that is neither a title nor a word
    of the person's name, outside a title-case line such as the headline, ``title``, where every word is
    capitalised: "Sanders Wins Backing")."""
    by_surname: dict[str, set[str]] = {}
    for _, name in full:
        last = name.split()[-1]
        for word in {last, last.split("-")[-1]}:
            if word[:1].isupper() and len(word) > 2:
                by_surname.setdefault(word, set()).add(name_key(name))
    if not by_surname:
        return
    tagged = {i for e in doc.ents for i in range(e.start, e.end)}
    metonyms = load_metonyms()
    named = {name_key(n): n for _, n in full}
    for t in doc:
        keys = by_surname.get(t.text)
        if (keys is None or len(keys) != 1 or t.pos_ != "PROPN" and t.i not in title or t.i in skip or t.i in tagged
                or name_key(t.text) in metonyms):
            continue
        name = named[next(iter(keys))]
        if _in_other_name(t, name, t.i in title):
            continue
        c = b.get(name, "person", t.idx)
        c.mentions.append(EntityMention(t.idx, t.idx + len(t.text), t.text, "short"))
        out[t.i] = c


def _in_other_name(t: Token, name: str, title_case: bool = False) -> bool:
    """Whether the token is joined to a neighbour into another proper name: a hyphen, or (but in a title-case
    line) a capitalised proper noun next to it that is neither a title nor a word of ``name``."""
    own = {w.lower() for w in re.split(r"[\s-]+", name)}
    for i in (t.i - 1, t.i + 1):
        if not 0 <= i < len(t.doc):
            continue
        n = t.doc[i]
        if n.text == "-" and not (n.whitespace_ if i < t.i else t.whitespace_):  # attached: "Glass-Steagall"
            return True
        if not title_case and n.pos_ == "PROPN" and n.text[:1].isupper() and n.lower_ not in own and \
                n.lower_.strip(".") not in TITLES:
            return True
    return False


def _kb_surname(word: str) -> bool:
    """Whether exactly one person of the knowledge file has this surname (the recogniser, tagging the word a
    person here and an organisation there, is settled by the knowledge file)."""
    return _kb_surnames().get(word) == 1


@data.cached
def _kb_surnames() -> dict[str, int]:
    """Surname -> how many people of the knowledge file have it."""
    return dict(Counter(k.split()[-1] for k in {name_key(r.holder) for r in load_kb().rows} if k))


@data.cached
def _kb_names() -> frozenset[str]:
    """The name keys of the knowledge file's people."""
    return frozenset(name_key(r.holder) for r in load_kb().rows)


def _office_holder(surname: str, title: str) -> str | None:
    """The one person in the knowledge file with this surname who held an office named by the title
    ("President Obama" -> Barack Obama), if the title names an office and exactly one fits."""
    if title not in ("president", "chancellor", "minister", "secretary", "leader", "premier"):
        return None
    names = {r.holder for r in load_kb().rows if name_key(r.holder).split()[-1] == surname and title in r.role.lower()}
    return names.pop() if len(names) == 1 else None


def _known_suffix(name: str | None, known: dict[str, str]) -> str | None:
    """A name with a stray word before another name of the article ("Rip Donald Trump" in a headline,
    "Crooked Hillary Clinton") is that name; a two-word surname the article also writes after a given name
    ("Wasserman Schultz" beside "Debbie Wasserman Schultz") is that full name (``known``: lower case -> as written)."""
    if not name:
        return name
    words = name.split()
    for k in range(1, len(words) - 1):
        tail = " ".join(words[k:])
        if tail.lower() in known or words[0].lower() not in GIVEN and name_key(tail) in _kb_names():
            return tail  # "fellow Kentuckian Rand Paul": the knowledge file's person
    if len(words) < 2:
        return name
    longer = {n for low, n in known.items() if low.endswith(" " + name.lower()) and len(low.split()) == len(words) + 1}
    return longer.pop() if len(longer) == 1 else name


def _full_for(word: str, pos: int, full: list[tuple[Span, str]]) -> str | None:
    """The full name a single word stands for: of the full names with that surname (or first name), the one the
    article writes in full most often (news names its protagonist in full more than a relative or namesake it
    mentions: "Clinton" is Hillary in a story that names Bill once), on a tie the nearest preceding one, else the
    first following one."""
    def parts(n: str) -> list[str]:
        ws = [w.lower() for w in n.split()]
        last = ws[-1]
        return [last, last.split("-")[-1], ws[0]]

    fits = [(e, n) for e, n in full if word in parts(n)]
    counts = Counter(name_key(n) for _, n in fits)
    most = max(counts.values(), default=0)
    fits = [(e, n) for e, n in fits if counts[name_key(n)] == most]
    before = [n for e, n in fits if e.start_char < pos]
    if before:
        return before[-1]
    return fits[0][1] if fits else None


def _org_clusters(doc: Doc, skip: set[int], b: _Builder) -> None:
    """Organisations, countries (states and their governments) and groups, metonyms mapped via metonyms.tsv."""
    metonyms, countries = load_metonyms(), load_countries()
    named = sorted((c for c in b.persons() if " " in c.name and name_key(c.name)),
                   key=lambda c: sum(m.kind in ("name", "short") for m in c.mentions))
    surnames = {name_key(c.name).split()[-1]: c for c in named}  # a shared surname: the most mentioned person
    firsts: dict[str, list[ArticleEntity]] = {}
    for c in named:
        firsts.setdefault(name_key(c.name).split()[0], []).append(c)
    for c in b.persons():  # one type per entity: a word the article writes as a person is that person throughout
        surnames.setdefault(name_key(c.name), c)
    for e in [*doc.ents, *_metonym_spans(doc)]:
        if e.start in skip or e.label_ not in ("ORG", "GPE", "NORP", "FAC", "LOC", "METONYM"):
            continue
        name = _org_name(e)
        if not name or not name[:1].isalnum() or name.lower() in GENERIC_ORGS:
            continue
        key = name_key(name)
        if " " not in key and key in surnames:  # "Soleimani" tagged GPE, "Trump's" ORG: that person
            surnames[key].mentions.append(EntityMention(e.start_char, e.end_char, e.text, "short"))
            continue
        if e.label_ == "ORG" and " " not in key and len(firsts.get(key, ())) == 1 and key not in metonyms:
            firsts[key][0].mentions.append(EntityMention(e.start_char, e.end_char, e.text, "short"))
            continue  # "Bernie" tagged ORG where the article names Bernie Sanders
        if key in metonyms:
            target, typ = metonyms[key]
            kind = "name" if name_key(target) == key else "metonym"
        elif e.label_ == "GPE" and key in countries:
            target, typ, kind = name, "country", "name"
        elif e.label_ == "ORG":
            target, typ, kind = name, "organisation", "name"
        elif e.label_ == "NORP" and e.root.tag_ in ("NNPS", "NNS"):
            target, typ, kind = name, "group", "name"
        else:
            continue  # nationality adjectives ("Syrian") are not mentions; FAC and LOC only as metonyms
        b.get(target, typ, e.start_char).mentions.append(EntityMention(e.start_char, e.end_char, e.text, kind))


_MATCHERS: dict[int, Any] = {}


def _metonym_spans(doc: Doc) -> list[Span]:
    """Metonyms the entity recogniser missed ("Downing Street said"), matched as written (capitalised
    entries of metonyms.tsv) outside any recognised entity; labelled METONYM."""
    vocab = doc.vocab
    matcher = _MATCHERS.get(id(vocab))
    if matcher is None:
        matcher = PhraseMatcher(vocab, attr="ORTH")
        terms = sorted({m for m, _, _ in metonym_rows() if m[:1].isupper() and " " in m or m in ("Whitehall",
                                                                                             "Westminster", "Kremlin")})
        matcher.add("METONYM", [Doc(vocab, words=t.split()) for t in terms])
        _MATCHERS[id(vocab)] = matcher
    taken = {i for e in doc.ents for i in range(e.start, e.end)}
    return [Span(doc, s, e, label="METONYM") for _, s, e in matcher(doc) if not taken & set(range(s, e))]


def _pronouns(doc: Doc, skip: set[int], b: _Builder) -> None:
    """He/she/his...: the person named most recently before, preferring the subject of the nearest earlier
    sentence that names one (news style: the pronoun continues the last sentence's subject)."""
    named = sorted((m.start, c) for c in b.persons() for m in c.mentions)
    if not named:
        return
    starts = [s for s, _ in named]
    for t in doc:
        if t.lower_ not in PRONOUNS_PERSON or t.i in skip or t.pos_ != "PRON":
            continue
        k = bisect_left(starts, t.idx)
        if k == 0:
            continue
        sent_start = doc[t.i].sent.start_char if t.sent.start_char <= starts[k - 1] else None
        prev = named[k - 1]
        if sent_start is None:  # no one named earlier in this sentence: the last sentence that names someone
            last = doc.char_span(prev[0], prev[0] + 1, alignment_mode="expand")
            sent = last.sent if last is not None else None
            if sent is not None:
                firsts = [(s, c) for s, c in named[:k] if s >= sent.start_char]
                subj = [c for s, c in firsts if _is_subject(doc, s)]
                prev = (prev[0], subj[0] if subj else firsts[0][1])
        prev[1].mentions.append(EntityMention(t.idx, t.idx + len(t), t.text, "pronoun"))


def _is_subject(doc: Doc, start: int) -> bool:
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    return span is not None and (span.root.dep_ in ("nsubj", "nsubjpass") or span.root.head.dep_ in
                                 ("nsubj", "nsubjpass") and span.root.dep_ in ("compound", "flat"))


def _by_surname(name: str, b: _Builder) -> ArticleEntity | None:
    last = name_key(name).split()[-1:] or [""]
    hits = [c for c in b.persons() if name_key(c.name).split()[-1:] == last]
    return hits[0] if len(hits) == 1 else None


def _roles_and_descriptors(doc: Doc, skip: set[int], b: _Builder, persons: dict[int, ArticleEntity]) -> None:
    """Premodifiers and appositives of each named person; noun-of-rule phrases ("the Assad regime")."""
    for e in doc.ents:
        if e.label_ != "PERSON" or e.root.i not in persons or e.start in skip:
            continue
        c = persons[e.root.i]
        modifies_noun = e.root.dep_ in ("compound", "amod", "nmod") and e.root.head.i >= e.end
        pre = desc.premodifier(e) if not modifies_noun else []
        if pre:
            _describe(c, pre, "premodifier", end=e.end_char)
        for np in desc.appositives(e):
            _describe(c, np, "appositive")
        rule = desc.rule_phrase(e.root)
        if rule:
            s, t_end, text = desc.description_text(rule)
            c.descriptors.append(Descriptor(text, desc.descriptor_key(text), s, t_end, "rule", desc.is_loaded(text)))


def _describe(c: ArticleEntity, toks: list[Token], kind: str, end: int | None = None) -> None:
    """Record a premodifier/appositive as a role (if it names an office) and/or a descriptor (if not a bare title)."""
    s, e, text = desc.description_text(toks)
    phrase, former = normalise_phrase([t.text for t in toks])
    if not phrase or not any(t.is_alpha and len(t.text) >= 2 for t in toks):
        return
    role = is_role_phrase(phrase)
    if not role and any(t.tag_ == "POS" for t in toks) and kind == "premodifier":
        return  # "Editor's note: Donald Trump ...": not a description of the name
    if role:  # a bare title keeps its word ("President"): which office it is depends on the person
        name = role_name(phrase) if " " in phrase else phrase.title()
        c.roles.append(RoleAssertion(name, text, s, end or e, former))
    bare_title = kb_role(phrase) is not None or (len(toks) == 1 and toks[0].lower_.strip(".") in TITLES)
    generic = len(phrase.split()) == 1 and phrase in GENERIC_NOUNS  # "a man", "the woman"
    if not bare_title and not generic:
        c.descriptors.append(Descriptor(text, desc.descriptor_key(text), s, e, kind, desc.is_loaded(text)))


def _profile(c: ArticleEntity) -> set[str]:
    """Words that tie a person to descriptions: their roles and descriptors here and their roles in the KB."""
    words: set[str] = set()
    texts = [r.text for r in c.roles] + [r.role for r in c.roles] + [d.text for d in c.descriptors]
    texts += [r.role for r in load_kb().roles_of(c.name)]
    for t in texts:
        for w in re.findall(r"[\w.]+", t.lower().replace("’", "'")):
            words.add(w)
            words.add(NATIONALITIES.get(w, w).lower())
            for country_word in NATIONALITIES.get(w, "").lower().split():
                words.add(country_word)
    return words


def _descriptions(doc: Doc, skip: set[int], b: _Builder) -> None:
    """Definite descriptions ("the Labour leader", "the Syrian tyrant"): text evidence in the article first,
    then the knowledge file (left to the linker), then the most salient person the description fits."""
    persons = b.persons()
    profiles = [_profile(c) for c in persons]
    for t in doc:
        if t.i in skip:
            continue
        toks = desc.definite_description(t)
        if not toks:
            continue
        s, e, text = desc.description_text(toks)
        words = [x.text for x in toks]
        phrase, former = normalise_phrase(words)
        if NOT_YET & set(phrase.split()):
            continue  # "the next president" is nobody yet
        role = kb_role(phrase)
        holders = _asserted_holders(phrase, role, persons) if is_role_phrase(phrase) else set()
        if len(holders) == 1 and not former:
            persons[next(iter(holders))].mentions.append(EntityMention(s, e, text, "description"))
            continue
        if role is not None:
            b.role_mentions.append(RoleMention(role, text, s, e, former))
            continue
        fit = _fit(toks, t, persons, profiles)
        if fit is None:
            continue
        c = fit
        c.mentions.append(EntityMention(s, e, text, "description"))
        c.descriptors.append(Descriptor(text, desc.descriptor_key(text), s, e, "description", desc.is_loaded(text)))
        if is_role_phrase(phrase):
            c.roles.append(RoleAssertion(role_name(phrase), text, s, e, former))


def _asserted_holders(phrase: str, role: str | None, persons: list[ArticleEntity]) -> set[int]:
    """People the article itself gives this role: the same office, or for a bare title ("the president",
    "the prime minister") any office with that title ("Russian president", "Israeli Prime Minister")."""
    out = set()
    for i, c in enumerate(persons):
        for r in c.roles:
            if r.former:
                continue
            held, written = r.role.lower(), normalise_phrase(r.text.split())[0]
            if (role and held == role.lower()) or held == role_name(phrase).lower() or \
                    written.endswith(" " + phrase) or held.startswith(phrase + " of ") or \
                    (role and role.lower().startswith(held + " of ")):
                out.add(i)
    return out


def _fit(toks: list[Token], head: Token, persons: list[ArticleEntity], profiles: list[set[str]]
         ) -> ArticleEntity | None:
    """The most mentioned person whose profile has every proper modifier of the description (nationality,
    party, country), or, for a description without one, the only person whose profile has its head noun."""
    keys = [x.lower_ for x in toks if x.i != head.i and x.pos_ in ("PROPN", "ADJ", "NOUN")
            and (x.text[:1].isupper() or x.ent_type_ in ("NORP", "ORG", "GPE")) and x.lower_ not in ("former",)]
    lemma = head.lemma_.lower()
    phrase, _ = normalise_phrase([x.text for x in toks])
    if is_role_phrase(phrase):  # an office must fit word for word: "vice presidential nominee" is not "nominee"
        words = [w for w in re.findall(r"[\w.]+", phrase) if w not in ("of", "the") and not desc.is_loaded(w)]
        fits = [i for i, p in enumerate(profiles) if all(w in p or NATIONALITIES.get(w, w).lower() in p
                                                         for w in words)]
    elif keys:
        fits = [i for i, p in enumerate(profiles) if all(k in p or NATIONALITIES.get(k, k).lower() in p for k in keys)]
    else:
        fits = [i for i, p in enumerate(profiles) if lemma in p]
        if len(fits) != 1:
            return None
    if len(fits) > 1 and not keys and is_role_phrase(phrase):
        return None
    if not fits:
        return None
    return max((persons[i] for i in fits), key=lambda c: sum(m.kind in ("name", "short") for m in c.mentions))


def merge_windows(parts: list[tuple[ArticleEntities, int]]) -> ArticleEntities:
    """Combine the entities of an article's windows (window i starts at offset i): spans shifted, clusters
    of the same name and type joined."""
    if len(parts) == 1 and parts[0][1] == 0:
        return parts[0][0]
    out = ArticleEntities()
    seen: dict[tuple[str, str], ArticleEntity] = {}
    for found, off in parts:
        for e in found.entities:
            key = (e.type, name_key(e.name))
            tgt = seen.get(key)
            if tgt is None:
                tgt = seen[key] = ArticleEntity(e.name, e.type)
                out.entities.append(tgt)
            tgt.mentions += [EntityMention(m.start + off, m.end + off, m.text, m.kind) for m in e.mentions]
            tgt.roles += [RoleAssertion(r.role, r.text, r.start + off, r.end + off, r.former) for r in e.roles]
            tgt.descriptors += [Descriptor(d.text, d.key, d.start + off, d.end + off, d.kind, d.loaded, d.confidence)
                                for d in e.descriptors]
        out.role_mentions += [RoleMention(r.role, r.text, r.start + off, r.end + off, r.former)
                              for r in found.role_mentions]
    return out
