"""Descriptors: how an article describes a person or group, read off the parse without a second pass.

Three shapes, as news writes them everywhere: premodifiers before a name ("Syrian dictator Bashar al-Assad",
"Foreign Secretary Boris Johnson"), appositives ("Ian Austin, a vocal Corbyn critic and former Labour MP,"
/ "the Labour leader, Jeremy Corbyn") and definite descriptions standing for a name already introduced
("the Syrian tyrant", "the leftie Labour boss"). ``loaded`` flags words listed in data/loaded_terms.txt.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from onrecord import data

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

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
