"""Learned attributions: two small linear models over parse candidates, beside the rules.

News attributes far more than speech: stances ("Sanders withdrew that bill"), perceptions ("voters
worried about the economy"), plans ("declined to comment"), polls and reports. Every clausal or nominal
complement of a verb (ccomp, dobj, xcomp, prepositional objects, ...) is a candidate. A first logistic
model decides whether a candidate is attributed content; a second one picks its extent among a few
conventional variants (the complement's subtree, the clause without the speaker's own tacked-on
actions, the rest of the sentence, the subtree up to its first comma or dash, the span the rules found).
The reported-speech rules' verb-based finds are candidates with a "rule" feature: they are kept unless
the first model scores them very low. The models (``data/attribution_model.json``: feature names and
weights only) are trained by ``bench/train_attribution.py`` on PolNeAR train; see there to rebuild them.
"""
from __future__ import annotations

import bisect
import itertools
import math
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from onrecord import data
from onrecord.analyse.attribution import cues as at
from onrecord.analyse.attribution.speakers import Proposal, decide_one
from onrecord.analyse.attribution.tree import child_with, children, forwards, tree
from onrecord.analyse.entities.names import GROUP_NOUNS, NameIndex, is_role_noun
from onrecord.analyse.intervals import Intervals
from onrecord.models import Quote, Segment

MODEL_FILE = "data/attribution_model.json"
CAND_DEPS = {"ccomp", "dobj", "xcomp", "pobj", "pcomp", "advcl", "acl", "oprd", "prep"}
_LEADS = {"that", "to", "how", "why", "what", "whether", "if", "who", "when", "where", "for", "about"}
_BREAKS = {",", ";", "—", "–", "--", "-", "("}
_EDGE = " ,;:—–-(\n"
_TAIL = re.compile("[^ .\n\"'”’!?]")  # a character that ``str.strip(" .\n\"'”’!?")`` keeps
SOURCE_NOUNS = data.words("source_nouns")  # "in a CNN poll", "in his view" (data/words.toml)
_NOUN_PREPS = {"of", "about", "on", "over", "for", "against", "that"}  # "criticism of X", "his view on X"


@dataclass
class Variant:
    """One possible extent of a candidate's content, with the features the extent model sees."""

    start: int
    end: int
    features: list[str]


@dataclass
class Candidate:
    """A possible attribution: its cue and speaker tokens, the decision features and the span variants."""

    cue: Token
    speaker: Token | None
    features: list[str]
    variants: list[Variant] = field(default_factory=list)
    rule: bool = False


def _cue_of(t: Token) -> Token:
    """The word that governs a complement: the verb (through the preposition for prepositional objects)."""
    if t.dep_ in ("pobj", "pcomp") and t.head.head.i != t.head.i:
        return t.head.head
    return t.head


def _noun_source(n: Token) -> Token | None:
    """Whose statement a nominal cue is: its possessor ("Trump's criticism"), a "by" agent, or the subject
    of the verb it is the object of ("Sanders voiced criticism of ...")."""
    for c in children(n):
        if c.dep_ == "poss":
            return c
        if c.dep_ == "prep" and c.lower_ == "by":
            return next((p for p in children(c) if p.dep_ == "pobj"), None)
    if n.dep_ in ("dobj", "attr") and n.head.pos_ in ("VERB", "AUX"):
        return at.subject_of(n.head)
    return None


def _subject_kind(s: Token | None) -> str:
    if s is None:
        return "none"
    if s.ent_type_ == "PERSON":
        return "person"
    if s.pos_ == "PRON":
        return "pron_" + s.lower_ if s.lower_ in ("he", "she", "they", "we", "i", "you", "it") else "pron"
    if s.ent_type_ in ("ORG", "GPE", "NORP"):
        return "org"
    if is_role_noun(s):
        return "role"
    if s.lower_ in GROUP_NOUNS:
        return "group"
    return "propn" if s.pos_ == "PROPN" else "noun"


def _bucket(n: int) -> str:
    return "1" if n <= 1 else "2" if n <= 3 else "4" if n <= 7 else "8" if n <= 15 else "16"


def _trimmed(text: str, s: int, e: int) -> tuple[int, int]:
    while e > s and (text[e - 1] in _EDGE or text[e - 1] in ".!?" and not text[e - 2: e - 1].isupper()):
        e -= 1
    while s < e and text[s] in _EDGE:
        s += 1
    return s, e


def _variants(t: Token, cue: Token, rule_span: tuple[int, int] | None) -> dict[tuple[int, int], list[str]]:
    """Span variants of the complement headed by t, each with the names of the conventions giving it."""
    doc = t.doc
    text = at.doc_text(doc)
    out: dict[tuple[int, int], list[str]] = {}

    def add(s: int, e: int, name: str) -> None:
        s, e = _trimmed(text, s, e)
        if e > s and not s <= cue.idx < e:
            out.setdefault((s, e), []).append(name)

    left, right = t.left_edge, t.right_edge
    add(left.idx, right.idx + len(right), "full")
    if t.dep_ == "ccomp":
        add(*at.clause_extent(t), "clause")
    if t.i > cue.i:
        last = doc[tree(doc).sent_bounds(t.i)[1] - 1]
        add(left.idx, last.idx + len(last), "sentend")
    brk = next(forwards(t, "break", _is_break, t.i + 1, right.i + 1), None)
    if brk is not None and brk.i > left.i:
        prev = doc[brk.i - 1]
        add(left.idx, prev.idx + len(prev), "cut")
    subj = child_with(cue, ("nsubjpass", "nsubj"))
    if t.dep_ in ("xcomp", "oprd", "ccomp") and t.i > cue.i and subj is not None and subj.i < cue.i and (
            subj.dep_ == "nsubjpass" or cue.lemma_.lower() in ("appear", "seem")):
        # "She is expected to continue ...", "Trump appears poised to ...": the subject is part of the content
        s, e = _trimmed(text, subj.left_edge.idx, right.idx + len(right))
        if e > s:
            out.setdefault((s, e), []).append("withsubj")
    if rule_span is not None:
        add(*rule_span, "rule")
    return out


def _is_break(t: Token) -> bool:
    """A token a "cut" extent stops before (a comma, a dash, a bracket)."""
    return t.text in _BREAKS


def _is_subject(t: Token) -> bool:
    return t.dep_ in ("nsubj", "nsubjpass")


def _is_word(t: Token) -> bool:
    return not t.is_punct


def _words(doc: Doc, lo: int, hi: int, n: int) -> list[Token]:
    """The first ``n`` tokens of doc[lo:hi] that are not punctuation (from a table built once per Doc)."""
    return list(itertools.islice(forwards(doc[lo], "word", _is_word, lo, hi), n)) if lo < hi else []


def _has_subject(doc: Doc, lo: int, hi: int) -> bool:
    """Whether doc[lo:hi] holds a subject (from counts built once per Doc)."""
    counts = tree(doc).prefix_counts("subject", _is_subject)
    return lo < hi and counts[hi] > counts[lo]


def _variant_features(t: Token, s: int, e: int, names: list[str], dep: str, cls: list[str]) -> list[str]:
    """What an extent includes and where it stops: its conventions, length, and the text just past it."""
    doc = t.doc
    text = at.doc_text(doc)
    full_end = t.right_edge.idx + len(t.right_edge)
    f = [f"n={len(names)}", "vs=" + "+".join(sorted(names)), f"vsd={dep}|" + "+".join(sorted(names))]
    for v in names:
        f += [f"v={v}", f"vd={v}|{dep}"] + [f"vc={v}|{c}" for c in cls]
    span = doc.char_span(s, e, alignment_mode="expand")
    ntok = len(span) if span is not None else 1
    f.append(f"len={_bucket(ntok)}")
    last = doc[tree(doc).sent_bounds(t.i)[1] - 1]
    sent_end = last.idx + len(last)
    tail = _TAIL.search(text, e, sent_end)  # the first character of text[e:sent_end].strip(...), if any
    f.append("to_end" if not tail else "tail=" + (tail[0] if tail[0] in ",;—–-(:" else "w"))
    if tail and span is not None and span.end < len(doc):
        nxt_toks = [x for x in doc[span.end: span.end + 3] if not x.is_space][:2]
        if nxt_toks:
            w = [x.lower_ if x.is_stop or x.is_punct else x.pos_ for x in nxt_toks]
            f += [f"after1={w[0]}", f"after2={'|'.join(w)}", f"afterdep={nxt_toks[-1].dep_}"]
    if e > full_end:  # what the extension adds after the complement's subtree
        nxt = doc.char_span(full_end, e, alignment_mode="expand")
        words = _words(doc, nxt.start, nxt.end, 2) if nxt is not None else []
        if words:
            f += [f"ext={words[0].lower_ if words[0].is_stop else words[0].pos_}", f"extdep={words[0].dep_}"]
        if nxt is not None and _has_subject(doc, nxt.start, nxt.end):
            f.append("ext_subj")
    if e < full_end:
        after = doc.char_span(e, full_end, alignment_mode="expand")
        if after is not None and len(after):
            cut = _words(doc, after.start, after.end, 1)
            f += [f"drop={cut[0].lower_ if cut and cut[0].is_stop else cut[0].pos_ if cut else 'p'}"]
            if _has_subject(doc, after.start, after.end):
                f.append("drop_subj")
    return f


def _features(t: Token, cue: Token, subj: Token | None, title: bool) -> list[str]:
    """Whether the complement is attributed content: cue lemma and class, dependency, subject kind."""
    lem = cue.lemma_.lower()
    dep = t.dep_
    classes = sorted(at.cue_lexicon().get(lem, ())) or ["none"]
    prep = t.head.lower_ if dep in ("pobj", "pcomp") else t.lower_ if dep == "prep" else ""
    sk = _subject_kind(subj)
    first = t.left_edge.lower_
    ntok = t.right_edge.i - t.left_edge.i + 1
    f = ["bias", f"dep={dep}", f"lem={lem}", f"dl={dep}|{lem}", f"subj={sk}", f"ds={dep}|{sk}",
         f"tag={cue.tag_}", f"vdep={cue.dep_}", f"cpos={cue.pos_}", f"len={_bucket(ntok)}",
         f"dlen={dep}|{_bucket(ntok)}", f"rpos={t.pos_}", f"after={int(t.i > cue.i)}"]
    f += [f"cls={c}" for c in classes] + [f"cs={c}|{sk}" for c in classes] + [f"cd={c}|{dep}" for c in classes]
    if prep:
        f += [f"prep={prep}", f"pl={prep}|{lem}"]
    if first in _LEADS:
        f += [f"lead={first}", f"dlead={dep}|{first}"]
    if child_with(cue, ("neg",)) is not None:
        f.append("neg")
    if subj is not None and subj.dep_ == "nsubjpass" or child_with(cue, ("auxpass",)) is not None:
        f.append("passive")
    if t.ent_type_:
        f.append(f"ent={t.ent_type_}")
    if t.pos_ in ("NOUN", "VERB", "ADJ"):  # what the complement is about: "reporters" is an addressee
        f += [f"clem={t.lemma_.lower()}", f"dclem={dep}|{t.lemma_.lower()}"]
    if title:
        f.append("title")
    if subj is not None:
        f.append(f"ls={lem}|{sk}")
        if subj.pos_ == "NOUN":
            f.append(f"sl={subj.lemma_.lower()}")
    if cue.dep_ in ("xcomp", "ccomp", "advcl", "conj", "relcl"):
        f += [f"hl={cue.dep_}|{cue.head.lemma_.lower()}", f"hc={cue.dep_}|" + "+".join(
            sorted(at.cue_lexicon().get(cue.head.lemma_.lower(), ())) or ["none"])]
    return f


def candidates(doc: Doc, segments: list[Segment], taken: list[tuple[int, int]],
               rule: list[Quote] | None = None, quoted_cues: set | None = None) -> list[Candidate]:
    """Complements of verbs in body and headline sentences, with their span variants that overlap none
    of the ``taken`` spans; those the rules of ``reported.py`` also found (``rule``) are marked, and so
    are the cues that already introduce a quotation (``quoted_cues``: "told reporters" then a quote)."""
    out: list[Candidate] = []
    allowed = sorted((s.start, s.end, s.kind == "title") for s in segments if s.kind in ("body", "title"))
    busy = Intervals(taken)
    by_cue = {q.cue_span: (q.start, q.end) for q in rule or [] if q.cue_span}
    for t in doc:
        if t.dep_ not in CAND_DEPS or t.is_punct or t.is_space:
            continue
        cue = _cue_of(t)
        if cue.i == t.i or cue.pos_ not in ("VERB", "AUX") and not (
                cue.pos_ == "NOUN"
                and (t.dep_ == "acl" or t.dep_ in ("pobj", "pcomp") and t.head.lower_ in _NOUN_PREPS)):
            continue
        seg = _segment_at(allowed, t.idx)
        if seg is None:
            continue
        found = by_cue.get(at.cue_span(cue))
        s0, e0 = t.left_edge.idx, t.right_edge.idx + len(t.right_edge)
        if found is not None and not (found[0] < e0 and s0 < found[1]):
            found = None
        variants = [(s, e, names) for (s, e), names in _variants(t, cue, found).items()
                    if not busy.overlaps(s, e)]
        if not variants:
            continue
        subj = _noun_source(cue) if cue.pos_ == "NOUN" else at.subject_of(cue)
        f = _features(t, cue, subj, seg[2])
        if busy.holds(cue.idx):
            f.append("cue_quoted")
        if quoted_cues and at.cue_span(cue) in quoted_cues:
            f += ["cue_used", f"cue_used|{t.dep_}"]
        if found is not None:
            f += ["rule", f"rule|{t.dep_}"]
        classes = sorted(at.cue_lexicon().get(cue.lemma_.lower(), ())) or ["none"]
        vs = [Variant(s, e, _variant_features(t, s, e, names, t.dep_, classes)) for s, e, names in variants]
        out.append(Candidate(cue, subj, f, vs, found is not None))
    return out + _source_phrases(doc, allowed, busy)


def _segment_at(allowed: list[tuple[int, int, bool]], i: int) -> tuple[int, int, bool] | None:
    """The segment of the sorted, disjoint ``allowed`` that holds character ``i``, if any."""
    k = bisect.bisect_right(allowed, (i, float("inf"), True)) - 1
    return allowed[k] if k >= 0 and i < allowed[k][1] else None


def _source_phrases(doc: Doc, allowed: list[tuple[int, int, bool]], busy: Intervals) -> list[Candidate]:
    """"In a CNN poll, X leads", "In Ash's view, ...": a clause attributed by an "in" phrase naming a
    source (poll, survey, view, interview); the content is the rest of the clause, the source the
    phrase's noun (or its possessor)."""
    text = at.doc_text(doc)
    out: list[Candidate] = []
    for t in doc:
        if t.lower_ != "in" or t.dep_ != "prep" or t.head.pos_ not in ("VERB", "AUX"):
            continue
        obj = next((c for c in children(t) if c.dep_ == "pobj" and c.lemma_.lower() in SOURCE_NOUNS), None)
        seg = _segment_at(allowed, t.idx)
        if obj is None or seg is None:
            continue
        head = t.head
        sent = doc[slice(*tree(doc).sent_bounds(head.i))] if head.dep_ == "ROOT" else None
        lo = head.left_edge.idx if sent is None else sent.start_char
        hi = head.right_edge.idx + len(head.right_edge) if sent is None else sent.end_char
        left = _trimmed(text, lo, t.idx)
        right = _trimmed(text, t.right_edge.idx + len(t.right_edge), hi)
        s, e = max(left, right, key=lambda x: x[1] - x[0])
        if e - s < 10 or busy.overlaps(s, e):
            continue
        who = next((c for c in children(obj) if c.dep_ == "poss"), obj)
        lem = obj.lemma_.lower()
        f = ["bias", "inphrase", f"inphrase={lem}", f"inphrase_front={int(t.i < head.i)}",
             f"inphrase_subj={_subject_kind(who)}", "inphrase_cls=" + "+".join(
                 sorted(at.cue_lexicon().get(head.lemma_.lower(), ())) or ["none"])]
        if seg[2]:
            f.append("title")
        out.append(Candidate(t, who, f, [Variant(s, e, ["v=inphrase"])]))
    return out


def load_model() -> dict:
    """The shipped models: {"weights", "span_weights": {feature: weight}, "threshold", "rule_threshold"}."""
    return data.attribution_model()


def score(features: list[str], weights: dict[str, float]) -> float:
    """Logistic probability of a feature list under the given weights."""
    z = sum(weights.get(f, 0.0) for f in features)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def best_variant(c: Candidate, model: dict) -> Variant:
    """The extent the span model prefers (ties: the first, i.e. the complement's own subtree)."""
    return max(c.variants, key=lambda v: score(v.features, model["span_weights"]))


def refine_clauses(doc: Doc, quotes: list[Quote], model: dict | None = None) -> None:
    """Re-pick the reported clause around each partial quote (``clause_span``) among the extents of the
    cue's complement that holds the quote, with the span model; the rules' clause is one of them."""
    model = model or load_model()
    for q in quotes:
        if q.kind != "partial" or q.cue_span is None or q.clause_span is None:
            continue
        cue_toks = doc.char_span(*q.cue_span, alignment_mode="expand")
        if cue_toks is None or cue_toks[0].pos_ not in ("VERB", "AUX"):
            continue
        cue = cue_toks[0]
        comps = [t for c in children(cue) for t in ([c] + [x for x in children(c) if x.dep_ in ("pobj", "pcomp")])
                 if t.dep_ in CAND_DEPS and _cue_of(t).i == cue.i and not t.is_punct]
        classes = sorted(at.cue_lexicon().get(cue.lemma_.lower(), ())) or ["none"]
        best: tuple[float, tuple[int, int]] | None = None
        for t in comps:
            if not t.left_edge.idx <= q.start < q.end <= t.right_edge.idx + len(t.right_edge) + 1:
                continue
            for (s, e), names in _variants(t, cue, q.clause_span).items():
                if s <= q.start and q.end <= e + 1:
                    p = score(_variant_features(t, s, e, names, t.dep_, classes), model["span_weights"])
                    if best is None or p > best[0]:
                        best = (p, (s, e))
        if best is not None:
            q.clause_span = best[1]


def occupied(quotes: list[Quote]) -> list[tuple[int, int]]:
    """Text the quotations already attribute: their spans, and a partial quote's reported clause."""
    out = [(a, b) for q in quotes for a, b in (q.spans or [(q.start, q.end)])]
    return out + [q.clause_span for q in quotes if q.kind == "partial" and q.clause_span]


def split_rule_output(reported: list[Quote]) -> tuple[list[Quote], list[Quote]]:
    """The reported-speech rules' output as (kept as is: "according to", headline colons, a content on both sides
    of its cue, "..., X said, ..."; verb-based, which the classifier re-decides together with every other
    complement of a verb)."""
    fixed = [q for q in reported if q.cue in ("according to", ":") or len(q.spans or ()) > 1]
    return fixed, [q for q in reported if not (q.cue in ("according to", ":") or len(q.spans or ()) > 1)]


def learned_attributions(doc: Doc, segments: list[Segment], quotes: list[Quote], rule: list[Quote],
                         index: NameIndex, model: dict | None = None) -> list[Quote]:
    """Attributions among verb complements that no quotation in ``quotes`` overlaps: the rules' finds
    (``rule``) unless scored very low, and the others the classifier accepts."""
    model = model or load_model()
    taken = occupied(quotes)
    cands = candidates(doc, segments, taken, rule, {q.cue_span for q in quotes if q.cue_span})
    matched = {at.cue_span(c.cue) for c in cands if c.rule}
    busy = Intervals(taken)
    out = [q for q in rule if q.cue_span not in matched and not busy.overlaps(q.start, q.end)]
    for q in out:
        busy.add(q.start, q.end)
    scored = sorted(((score(c.features, model["weights"]), c) for c in cands), key=lambda x: (not x[1].rule, -x[0]))
    text = at.doc_text(doc)
    used_cues: set[int] = set()
    for p, c in scored:
        if p < (model["rule_threshold"] if c.rule else model["threshold"]) or c.cue.i in used_cues:
            continue
        v = best_variant(c, model)
        if busy.overlaps(v.start, v.end):
            continue
        used_cues.add(c.cue.i)
        busy.add(v.start, v.end)
        d = decide_one(Proposal("learned", p, c.speaker), index)
        cs, ce = at.cue_span(c.cue)
        out.append(Quote(
            start=v.start, end=v.end, text=text[v.start:v.end], kind="indirect", spans=[(v.start, v.end)],
            method="learned", **d.quote_fields(), cue=text[cs:ce], cue_span=(cs, ce),
            clause_span=(v.start, v.end)))
    return out
