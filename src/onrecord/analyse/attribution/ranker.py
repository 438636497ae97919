"""Who speaks a quotation whose own sentence names nobody: a learned ranker over the mentions before it.

A quoted paragraph with no cue of its own ("He added: ..." paragraphs later, a bare quoted paragraph after a
quoted paragraph) is spoken by someone the text named before. The candidates are the person, group and
organisation mentions of the name index, the personal pronouns and speech-verb subjects, and the earlier
quotations' speakers, in the quote's paragraph (after the quote too: an outro whose verb is no cue) and the three
body paragraphs before it. Each candidate gets features of how news carries a speaker (paragraphs and sentences
back, grammatical role, mention type, whether it spoke and spoke last, a verb of saying, the quote-mark structure,
a new person introduced between) and a logistic score (``data/speaker_ranker.json``: feature names and weights
per route, trained by ``bench/train_speaker_ranker.py`` on PolNeAR train). ``speakers.decide_ranked`` resolves
the candidates and decides; this module only proposes and scores.
"""
from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Token

from onrecord import data
from onrecord.analyse.attribution.tree import tree
from onrecord.analyse.entities.names import PRONOUNS_PERSON, PRONOUNS_PLURAL, NameIndex
from onrecord.models import Segment

BACK = 3  # body paragraphs before the quote's own that hold candidates
MOST = 30  # the nearest candidates kept
SUBJECTS = ("nsubj", "nsubjpass")
PRONOUNS = PRONOUNS_PERSON | PRONOUNS_PLURAL | {"we"}


@dataclass
class Spoken:
    """An earlier quotation's decided speaker: where the quotation is, its speaker's name and mention token."""

    start: int
    seg: int
    name: str
    token: int | None
    open_end: bool  # the quotation ran to its paragraph's end without a closing mark


@dataclass
class Candidate:
    """A possible speaker: its mention's head token, resolved name and span (``speakers`` fills them), the
    features and the score."""

    token: Token
    para_back: int  # body paragraphs before the quote's (0: its own)
    after: bool  # in the quote's paragraph, after the quote
    name: str | None = None
    span: tuple[int, int] = (0, 0)
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    spoken: Spoken | None = None  # the latest earlier quotation this candidate's name spoke


@dataclass
class Context:
    """Where a quotation stands: its paragraph (segment index), its span, whether it opens its paragraph, and
    the quotations decided before it."""

    seg: int
    start: int
    end: int
    at_start: bool
    spoken: list[Spoken]


@dataclass
class Ranker:
    """The ranker's weights (None: the rules decide) and, when ``log`` is a list, a record of every context it
    was asked about (``bench/train_speaker_ranker.py`` trains on it)."""

    model: dict[str, Any] | None
    log: list[dict[str, Any]] | None = None
    threshold: float | None = None  # overrides the model's: below it the ranker does not decide


def route_model(ranker: Ranker, route: str) -> dict[str, Any] | None:
    """The weights and threshold the ranker decides ``route`` with; None where the rules decide it."""
    model = ranker.model
    if model is None or route not in model.get("routes", ()):
        return None
    found: dict[str, Any] | None = model["by_route"].get(route)
    return found


def threshold(ranker: Ranker, route: str) -> float:
    """The score the best candidate of a quotation seen by ``route`` must reach to be named its speaker."""
    if ranker.threshold is not None:
        return ranker.threshold
    found = route_model(ranker, route)
    return float(found["threshold"]) if found is not None else 1.0


def load_model() -> dict[str, Any]:
    """The shipped ranker weights (``data/speaker_ranker.json``)."""
    return data.speaker_ranker_model()


def shipped() -> Ranker:
    """The ranker with the shipped weights."""
    return Ranker(load_model())


def _body_before(segments: Sequence[Segment], seg: int, n: int) -> list[int]:
    """The quote's paragraph and the ``n`` body paragraphs before it, nearest first."""
    out = [seg]
    j = seg - 1
    while j >= 0 and len(out) <= n:
        if segments[j].kind == "title":
            break
        if segments[j].kind == "body":
            out.append(j)
        j -= 1
    return out


def _cue_verb(t: Token) -> bool:
    """Whether ``t`` is the subject of a verb of saying or of a verbal act (data/cues.txt: speech, frame)."""
    if t.dep_ not in SUBJECTS:
        return False
    classes = data.cue_classes().get(t.head.lemma_.lower(), frozenset())
    return bool({"speech", "frame"} & set(classes))


def _inside(i: int, spans: list[tuple[int, int]], doc: Doc) -> bool:
    idx = doc[i].idx
    return any(s <= idx < e for s, e in spans)


def candidates(doc: Doc, index: NameIndex, segments: Sequence[Segment], ctx: Context,
               quoted: list[tuple[int, int]]) -> list[Candidate]:
    """The possible speakers of the quotation of ``ctx``: mentions outside quote marks in its paragraph and the
    body paragraphs before it, and the last two earlier speakers wherever they were; the ``MOST`` nearest."""
    paras = _body_before(segments, ctx.seg, BACK)
    found: dict[int, Candidate] = {}
    for back, k in enumerate(paras):
        span = doc.char_span(segments[k].start, segments[k].end, alignment_mode="contract")
        if span is None:
            continue
        for t in span:
            if t.idx >= ctx.start and t.idx < ctx.end:
                continue
            mentioned = t.i in _mention_heads(index)
            if not (mentioned or (t.lower_ in PRONOUNS and t.dep_ in SUBJECTS) or _cue_verb(t)):
                continue
            if t.i in index.skip_tokens or _inside(t.i, quoted, doc):
                continue
            found[t.i] = Candidate(t, back, back == 0 and t.idx >= ctx.end)
    for sp in ctx.spoken[-2:]:
        if sp.token is not None and sp.token not in found and 0 <= sp.token < len(doc):
            back = paras.index(sp.seg) if sp.seg in paras else BACK + 1
            found[sp.token] = Candidate(doc[sp.token], back, False)
    out = sorted(found.values(), key=lambda c: _distance(c, ctx))
    return out[:MOST]


def _mention_heads(index: NameIndex) -> set[int]:
    return {m.i for m in index.mentions}


def _distance(c: Candidate, ctx: Context) -> int:
    """Characters between the candidate and the quotation (after it: counted from the quote's end)."""
    return c.token.idx - ctx.end if c.after else ctx.start - c.token.idx


def featurise(doc: Doc, index: NameIndex, segments: Sequence[Segment], ctx: Context, cands: list[Candidate],
              route: str, rule_name: str | None) -> None:
    """Set each candidate's features (names and spans must be filled in): ``route`` is the continuation rule that
    saw the quotation and ``rule_name`` the speaker it gave (the ranker learns when to trust it)."""
    tr = tree(doc)
    q_tok = doc.char_span(ctx.start, ctx.end, alignment_mode="expand")
    q_sent = tr.sent_bounds(q_tok.start if q_tok is not None and len(q_tok) else 0)[0]
    sent_starts = _sentence_starts(doc)
    prev_body = _body_before(segments, ctx.seg, 1)
    prev_seg = prev_body[1] if len(prev_body) > 1 else None
    text = doc.text
    prev_colon = prev_seg is not None and text[segments[prev_seg].start:segments[prev_seg].end].rstrip().endswith(":")
    subjects = [(m.i, m.name) for m in index.mentions if m.subject and m.type == "person"]
    shape = _shape(text, ctx)
    for rank, c in enumerate(cands):
        t = c.token
        f: dict[str, float] = {"bias": 1.0, f"para{min(c.para_back, BACK)}": 1.0, f"route_{route}": 1.0}
        if rule_name is not None and c.name == rule_name:
            f["rule_pick"] = 1.0
            f[f"rule_pick_{route}"] = 1.0
        if c.after:
            f["after"] = 1.0
        s_t = bisect.bisect_right(sent_starts, t.i)
        s_q = bisect.bisect_right(sent_starts, q_sent)
        f["sents"] = math.log1p(abs(s_q - s_t))
        f["rank"] = math.log1p(rank)
        if t.dep_ in SUBJECTS:
            f["subj"] = 1.0
            if t.head.dep_ == "ROOT":
                f["main"] = 1.0
        f[f"type_{_type(t, index)}"] = 1.0
        if _cue_verb(t):
            f["cue_subj"] = 1.0
        if c.name is None:
            f["unresolved"] = 1.0
        else:
            f["salience"] = math.log1p(index.salience.get(c.name, 0))
            f.update(_spoke(c, ctx, route, prev_seg))
            between = {n for i, n in subjects if (t.i < i < (q_tok.start if q_tok is not None else i + 1))
                       and n != c.name}
            if between and not c.after:
                f["new_between"] = math.log1p(len(between))
            if any(o.name == c.name and _distance(o, ctx) < _distance(c, ctx) for o in cands if o is not c):
                f["nearer_same"] = 1.0
        if prev_colon and c.para_back == 1:
            f["prev_colon"] = 1.0
        if ctx.at_start:
            f["at_start"] = 1.0
        f.update(shape)
        c.features = f


def _spoke(c: Candidate, ctx: Context, route: str, prev_seg: int | None) -> dict[str, float]:
    """Whether the candidate's name spoke an earlier quotation, and spoke the last one (where that one stands)."""
    f: dict[str, float] = {}
    spoke = [s for s in ctx.spoken if s.name == c.name]
    if spoke:
        c.spoken = spoke[-1]
        f["spoke"] = 1.0
    last = ctx.spoken[-1] if ctx.spoken else None
    if last is not None and last.name == c.name:
        f["spoke_last"] = 1.0
        f[f"spoke_last_{route}"] = 1.0
        where = "same" if last.seg == ctx.seg else "prev" if last.seg == prev_seg else "far"
        f[f"spoke_last_{where}"] = 1.0
        if ctx.at_start:
            f["spoke_last_at_start"] = 1.0
        if last.open_end:
            f["spoke_last_open"] = 1.0
    return f


def _shape(text: str, ctx: Context) -> dict[str, float]:
    """The quotation's own shape, the same for every candidate: how long it is and whether it is written as
    someone's sentence (a capital first, a full stop, comma or question mark last) rather than a title, a slogan
    or a term in marks."""
    words = text[ctx.start:ctx.end].split()
    body = text[ctx.start:ctx.end].strip().rstrip("\"'”’ ")
    f = {"q_words": math.log1p(len(words))}
    if body[:1].isupper():
        f["q_upper"] = 1.0
    if body[-1:] in (".", "?", "!", ","):
        f["q_stop"] = 1.0
    if len(words) <= 6:
        f["q_short"] = 1.0
    return f


def _sentence_starts(doc: Doc) -> list[int]:
    cache = doc.user_data.get("onrecord.sent_starts")
    if cache is None:
        cache = [s.start for s in doc.sents]
        doc.user_data["onrecord.sent_starts"] = cache
    return list(cache)


def _type(t: Token, index: NameIndex) -> str:
    """The mention's type: a name, a pronoun, an organisation or group, or a common noun."""
    if t.lower_ in PRONOUNS:
        return "pronoun"
    if t.ent_type_ == "PERSON":
        return "name"
    if t.ent_type_ in ("ORG", "GPE", "NORP"):
        return "org"
    if t.pos_ == "PROPN":
        return "propn"
    return "noun"


def score(cands: list[Candidate], model: dict[str, Any]) -> None:
    """Each candidate's logistic score under ``model`` (one route's: its "weights", feature name -> weight)."""
    w = model["weights"]
    for c in cands:
        z = sum(w.get(k, 0.0) * v for k, v in c.features.items())
        c.score = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
