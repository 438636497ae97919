"""Descriptors: how an article describes a person or group, read off the parse without a second pass.

Three shapes, as news writes them everywhere: premodifiers before a name ("Syrian dictator Bashar al-Assad",
"Foreign Secretary Boris Johnson"), appositives ("Ian Austin, a vocal Corbyn critic and former Labour MP,"
/ "the Labour leader, Jeremy Corbyn") and definite descriptions standing for a name already introduced
("the Syrian tyrant", "the leftie Labour boss"). ``loaded`` flags words listed in data/loaded_terms.txt.

``assess`` then keeps only noun phrases that can refer to the one person they are attached to and gives each a
calibrated ``confidence`` (see ``CONFIDENCE``).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from onrecord import data
from onrecord.models import Descriptor

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from onrecord.models import ArticleEntities, Segment

DESCRIPTION_HEADS = data.words("description_heads")  # the word lists are data/words.toml
OF_ROLES = data.words("office_of_words")
RULE_NOUNS = data.words("rule_nouns")
MAX_TOKENS = 10


def loaded_terms() -> frozenset[str]:
    """The loaded-language lexicon (data/loaded_terms.txt), lower-case, comments dropped."""
    return data.loaded_terms()


def is_loaded(text: str) -> bool:
    """True when a listed term occurs in ``text`` as a word or phrase (hyphenated parts count as words)."""
    low = " " + " ".join(text.lower().replace("’", "'").split()) + " "
    words = set(low.split()) | {p for w in low.split() for p in w.split("-")}
    return any((" " + t + " " in low) if " " in t else (t in words) for t in loaded_terms())


def descriptor_key(text: str) -> str:
    """What descriptors are counted by: lower-case, leading determiner dropped, whitespace folded."""
    words = text.lower().replace("’", "'").split()
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words)


def _span_text(toks: list[Token]) -> tuple[int, int, str]:
    doc = toks[0].doc
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1])
    return start, end, doc[toks[0].i:toks[-1].i + 1].text  # Doc.text rebuilds the whole text: avoid it


def premodifier(ent: Span) -> list[Token]:
    """Words written right before a name that modify it: "Syrian dictator", "Iran's Supreme Leader"."""
    doc = ent.doc
    run: list[Token] = []
    i = ent.start - 1
    while i >= 0 and len(run) < MAX_TOKENS:
        t = doc[i]
        if "\n" in t.text_with_ws or t.is_space:
            break
        hyphen = t.text in ("-", "–") and not t.whitespace_ and i > 0 and not doc[i - 1].whitespace_
        head_inside = ent.start <= t.head.i < ent.end or any(t.head.i == r.i for r in run)
        ok = hyphen or t.tag_ == "POS" or (
            head_inside and t.dep_ in ("compound", "amod", "nmod", "poss", "npadvmod", "nummod", "advmod")
            and t.pos_ in ("NOUN", "PROPN", "ADJ", "VERB", "NUM", "ADV") and t.ent_type_ != "PERSON")
        if not ok or t.pos_ == "DET":
            break
        run.insert(0, t)
        i -= 1
    while run and (run[0].text in ("-", "–") or run[0].tag_ == "POS"):
        run = run[1:]
    return run


def appositives(ent: Span) -> list[list[Token]]:
    """Appositive noun phrases of a name: both "X, a critic and former MP," (two) and "the leader, X"."""
    root = ent.root
    out: list[list[Token]] = []
    heads = [c for c in root.children if c.dep_ == "appos" and not c.ent_type_ and c.pos_ in ("NOUN", "PROPN")]
    for h in heads:
        out.append(_np(h))
        out.extend(_np(c) for c in h.children if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN")
                   and c.ent_type_ not in ("PERSON", "GPE", "ORG"))
    if root.dep_ == "appos" and root.head.pos_ == "NOUN" and root.head.ent_type_ != "PERSON":
        out.append(_np(root.head, with_pp=False))
    return [np for np in out if 0 < len(np) <= MAX_TOKENS and any(len(t.text) >= 3 and t.is_alpha for t in np)]


def _np(head: Token, with_pp: bool = True) -> list[Token]:
    """A noun phrase's own words: left modifiers, the head and a short "of" phrase; no clauses or conjuncts."""
    toks: list[Token] = []
    for c in head.lefts:
        if c.dep_ not in ("punct", "cc", "conj", "appos"):
            toks.extend(c.subtree)
    toks.append(head)
    if with_pp:
        for c in head.rights:
            if c.dep_ == "prep" and c.lower_ == "of" and len(list(c.subtree)) <= 5:
                toks.extend(c.subtree)
    toks = sorted({t.i: t for t in toks}.values(), key=lambda t: t.i)
    run = [toks[-1]] if toks else []  # keep the contiguous run around the head
    for t in reversed(toks[:-1]):
        if t.i == run[0].i - 1 and "\n" not in t.text_with_ws:
            run.insert(0, t)
    while run and run[-1].is_punct:
        run.pop()
    while run and run[0].is_punct:
        run = run[1:]
    return run


def rule_phrase(tok: Token) -> list[Token] | None:
    """"the Russian-backed Assad regime": a name used as a modifier of a noun of rule, as a descriptor."""
    h = tok.head
    if tok.dep_ in ("compound", "nmod", "amod", "poss") and h.i > tok.i and h.lemma_.lower() in RULE_NOUNS:
        np = _np(h, with_pp=False)
        return np if any(t.i == tok.i for t in np) else None
    return None


def definite_description(t: Token) -> list[Token] | None:
    """``the <modifiers> <noun>`` standing for a person ("the Syrian tyrant", "the former secretary of
    state"), when ``t`` heads it; None for other noun phrases. The modifiers are read off the surface (the
    parser often attaches "the" to a wrong word in headline-like sentences)."""
    if t.pos_ not in ("NOUN", "PROPN") or t.tag_ not in ("NN", "NNP") or t.lower_ not in DESCRIPTION_HEADS:
        return None
    if t.dep_ == "appos" and t.head.ent_type_ == "PERSON" or any(c.dep_ == "appos" for c in t.children):
        return None  # an appositive, read as such
    doc = t.doc
    nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
    if nxt is not None and (nxt.pos_ in ("NOUN", "PROPN") or nxt.ent_type_ == "PERSON"):
        return None  # not the head: "the Labour leader Jeremy Corbyn", "the president elect"
    run = [t]
    i = t.i - 1
    while i >= 0 and len(run) < MAX_TOKENS:
        x = doc[i]
        if "\n" in x.text_with_ws:
            return None
        if x.lower_ in ("the", "this", "that"):
            break
        hyphen = x.text in ("-", "–") and not x.whitespace_
        if not (hyphen or x.pos_ in ("ADJ", "NOUN", "PROPN", "NUM") or x.tag_ in ("VBN", "HYPH")):
            return None
        run.insert(0, x)
        i -= 1
    else:
        return None
    if any(x.ent_type_ == "PERSON" or x.tag_ == "POS" for x in run):
        return None
    if nxt is not None and nxt.lower_ == "of" and t.i + 2 < len(doc) and doc[t.i + 2].lower_ in OF_ROLES:
        run += [nxt, doc[t.i + 2]]
    return [doc[i], *run]


def description_text(toks: list[Token]) -> tuple[int, int, str]:
    """Character span and text of a descriptor's tokens."""
    return _span_text(toks)


# -- which descriptors describe, and how sure -----------------------------------------------------------------
PERSON_NOUNS = data.words("person_roles") | DESCRIPTION_HEADS | data.words("office_heads") | \
    data.words("relation_nouns") | data.words("generic_person_nouns")
HONORIFICS = data.words("honorifics")
TITLE_HEADS = PERSON_NOUNS | data.words("titles")  # words a name's entity span may end in that are not the name
NAME_TYPES = ("PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE")
NUMBER_TYPES = ("TIME", "DATE", "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL")
CLOCK = re.compile(r"\d{1,2}[:.]\d{2}|\b(?:[ECMP][SD]T|GMT|UTC|BST|CET)\b|\b[ap]\.?m\.?(?:\s|$)", re.I)
# A person's noun ends like one: "-er" (leader), "-or", "-ist", "-ian", "-ant"/"-ent", "-man"/"-woman", "-ee",
# "-eer", "-ary", "-ate" (candidate), "-ess", "-ive" (representative): a feature of the confidence, never a filter.
AGENT_SUFFIX = re.compile(r"(?:er|or|ist|ian|ant|ent|man|woman|ee|eer|ary|ate|ess|ive|ic|at|ot|ard)$")
# Precision measured per (kind, head names a person) on set A of tests/fixtures/descriptor_precision (the judged
# output of this assessment, right/judged, smoothed as (right + 1) / (judged + 2)): appositive 58/59 and 4/7,
# premodifier 69/70 and 3/5, description 1/2 (none without a person noun), rule 0/2, predicate none and 0/2 (an
# unmeasured bucket takes 0.5).
CONFIDENCE: dict[tuple[str, bool], float] = {
    ("premodifier", True): 0.97, ("premodifier", False): 0.57,
    ("appositive", True): 0.97, ("appositive", False): 0.56,
    ("description", True): 0.5, ("description", False): 0.5,
    ("rule", True): 0.25, ("rule", False): 0.25,
    ("predicate", True): 0.5, ("predicate", False): 0.25,
}
IN_TITLE = 0.3  # 0/1 on set A; a headline in Title Case misleads the tagger ("Trump Endorses House Speaker Paul Ryan")


def assess(doc: Doc, segments: list[Segment], found: ArticleEntities) -> None:
    """Keep the descriptors that are noun phrases able to refer to their one person, trimmed to the phrase, each
    with a calibrated confidence; drop time stamps, bylines, captions, page furniture, plurals, clause fragments
    and other entities' names (a false description is worse than a missing one)."""
    kinds: list[tuple[int, int, str]] = [(s.start, s.end, s.kind) for s in segments]
    text = doc.text
    for e in found.entities:
        anchors = [(m.start, m.end) for m in e.mentions if m.kind in ("name", "short")]
        if e.type == "person":
            seen = {(d.start, d.end) for d in e.descriptors}
            e.descriptors += [d for d in predicates(doc, anchors) if (d.start, d.end) not in seen]
        kept: list[Descriptor] = []
        # premodifiers first: they stand beside the name, so an appositive may stand beside one of them
        for d in sorted(e.descriptors, key=lambda d: (d.kind == "appositive", d.start)):
            judged, _flaw = judge(doc, kinds, d)
            if judged is not None and judged.kind == "appositive" and not _adjacent(text, judged, anchors):
                judged = None  # not set beside the name (or beside another of its appositives): a misparse
            if judged is not None:
                kept.append(judged)
                if judged.kind in ("appositive", "premodifier"):
                    anchors.append((judged.start, judged.end))
        e.descriptors = sorted(kept, key=lambda d: d.start)


# what may stand between a name and its appositive: a short complement of either ("Sen. Bernie Sanders of Vermont,
# Clinton's challenger", "our speaker of the House, Paul Ryan"), then a comma, a dash or a bracket, or "and"
APPOSED = re.compile(r"(?:\s+(?:of|at|for|from|in|on|to)\s+[^,;:.!?\"\u201c\u201d()]{1,40}?)?"
                     r"\s*(?:[,(\u2013\u2014-]|--)?\s*(?:(?:and|or)\s+)?(?:(?:the|a|an)\s+)?")


def predicates(doc: Doc, names: list[tuple[int, int]]) -> list[Descriptor]:
    """Predicate nominatives of a name in the article's own narration: "Smith is a former minister", "Jones was
    the party's treasurer". Not in a sentence with quotation marks (the words are the speaker's, not the
    outlet's), not negated, conditional, modal or future ("is not", "if ... is", "will be"), not a question."""
    out = []
    for start, end in names:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        cop = root.head
        if root.dep_ != "nsubj" or cop.lemma_ != "be" or cop.tag_ not in ("VBZ", "VBD"):
            continue
        if any(c.dep_ in ("neg", "aux", "auxpass", "mark") for c in cop.children) or cop.dep_ in ("advcl", "ccomp"):
            continue
        sent = cop.sent
        if sent.text.rstrip().endswith("?") or any(t.is_quote or t.text in ('"', "“", "”", "''", "``")
                                                    for t in sent):
            continue
        for attr in (c for c in cop.children if c.dep_ == "attr" and c.pos_ == "NOUN"):
            toks = _np(attr)
            if toks and len(toks) <= MAX_TOKENS:
                s, e, text = _span_text(toks)
                out.append(Descriptor(text, descriptor_key(text), s, e, "predicate", is_loaded(text)))
    return out


def _adjacent(text: str, d: Descriptor, anchors: list[tuple[int, int]]) -> bool:
    """An appositive is written beside its name, set off by a comma, a dash or a bracket ("Jo Bloggs, the union's
    general secretary", "the Labour leader, Jeremy Corbyn"), or joined to another appositive of the same name
    ("the former senator and presidential candidate")."""
    for s, e in anchors:
        gap = text[e:d.start] if e <= d.start else text[d.end:s] if d.end <= s else None
        if gap is not None and len(gap) <= 48 and APPOSED.fullmatch(gap):
            return True
    return False


def _segment_kind(kinds: list[tuple[int, int, str]], start: int) -> str:
    return next((k for s, e, k in kinds if s <= start < e), "body")


def judge(doc: Doc, kinds: list[tuple[int, int, str]], d: Descriptor) -> tuple[Descriptor | None, str]:
    """The descriptor trimmed and scored, or None with the reason (an error kind of the precision gold) when it
    is not a description of one person."""
    span = doc.char_span(d.start, d.end, alignment_mode="expand")
    where = _segment_kind(kinds, d.start)
    if span is None or not len(span):
        return None, "fragment"
    if where == "furniture":
        return None, "furniture"  # captions, bylines, credits, datelines, related links
    toks = list(span)
    while len(toks) > 1 and d.kind == "premodifier" and toks[-1].lower_.strip(".") in HONORIFICS and \
            toks[-1].text[:1].isupper():
        toks = toks[:-1]  # "GOP presidential candidate Dr. Ben Carson": the form of address belongs to the name
    head = toks[-1] if d.kind == "premodifier" else _head(toks)
    text = doc[toks[0].i:toks[-1].i + 1].text
    flaw = _flaw(doc, toks, head, text, d.kind)
    if flaw:
        return None, flaw
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1])
    person = head.lower_.strip(".") in PERSON_NOUNS or head.lemma_.lower() in PERSON_NOUNS or \
        bool(AGENT_SUFFIX.search(head.lower_))
    conf = CONFIDENCE.get((d.kind, person), 0.5) * (IN_TITLE if where == "title" and _title_case(span.sent) else 1.0)
    return Descriptor(text, descriptor_key(text), start, end, d.kind, is_loaded(text), round(conf, 2)), ""


def _title_case(sent: Span) -> bool:
    """Most words of the line capitalised, as headlines are often written."""
    words = [t for t in sent if t.is_alpha and len(t.text) > 3]
    return len(words) >= 3 and sum(t.text[:1].isupper() for t in words) >= 0.6 * len(words)


def _head(toks: list[Token]) -> Token:
    """The token of the phrase whose syntactic head lies outside it (the last such, as in a noun phrase)."""
    ids = {t.i for t in toks}
    outside = [t for t in toks if t.head.i not in ids or t.head.i == t.i]
    return outside[-1] if outside else toks[-1]


def _flaw(doc: Doc, toks: list[Token], head: Token, text: str, kind: str) -> str:
    """Why the phrase cannot stand for one person ("" when it can): not a singular noun phrase, a clause, a time
    stamp, a name, a piece of a longer word."""
    if CLOCK.search(text) or head.ent_type_ in NUMBER_TYPES or any(t.ent_type_ == "TIME" for t in toks):
        return "timestamp"  # "10:30 a.m. EDT", "all times", "Monday"
    if head.pos_ not in ("NOUN", "PROPN") or head.tag_ in ("NNS", "NNPS"):
        return "not_a_description"  # "original", "blasting", "three moderates", "top aides": not one person
    if any(t.tag_ in ("VBZ", "VBD", "VBP", "MD") for t in toks):
        return "not_a_description"  # a clause read as a phrase: "Finally Endorses House Speaker"
    if head.ent_type_ in NAME_TYPES and head.lower_.strip(".") not in TITLE_HEADS:
        return "other_entity"  # another entity's name ("Nintendo Switch Lite"), not a description of this one
    first, last = toks[0], toks[-1]
    if first.i > 0 and not doc[first.i - 1].whitespace_ and doc[first.i - 1].text in ("-", "–", "‐"):
        return "fragment"  # "thumping Dallas Mavericks owner" out of "Trump-thumping ..."
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if nxt is not None and not last.whitespace_ and nxt.is_alpha:
        return "fragment"
    if kind == "appositive" and nxt is not None and nxt.tag_ in ("VBD", "VBZ", "VBP", "MD"):
        return "wrong_entity"  # "Clinton, a top aide said, ...": the phrase is someone else, speaking
    return "" if any(t.is_alpha and len(t.text) >= 2 for t in toks) else "not_a_description"
