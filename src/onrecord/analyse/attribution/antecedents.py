"""Who a speaker pronoun ("he said") or a bare role ("the senator said") refers to: a learned ranker.

The candidates are the distinct people the article mentioned before the speaker mention (the ``WINDOW`` most
recent, read from the name index); each is described by where and how it was last mentioned (recency rank,
distance in sentences and paragraphs, grammatical role, whether it was the subject of a speech verb and whether
it spoke last, how often it was mentioned, the kind of its last mention, whether others came in between). A
linear model scores them and the softmax over the candidates is the ranker's probability. The weights
(``data/speaker_ranker.json``: feature names and weights only) are trained by ``bench/train_speakers.py`` on
PolNeAR train; ``speakers.py`` decides with the scores.
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from onrecord import data
from onrecord.analyse.attribution.tree import tree
from onrecord.analyse.entities.names import PRONOUNS_PERSON, Mention, NameIndex, is_role_noun
from onrecord.analyse.textcache import doc_text

MODEL_FILE = "data/speaker_ranker.json"
WINDOW = 8  # distinct people considered, most recent first
LOOKBACK = 80  # mentions read back from the speaker mention at most (keeps the ranker linear in article length)


@dataclass
class Candidate:
    """A person the speaker mention may refer to, with the features the ranker sees."""

    name: str
    features: list[str]


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f"{edges[-1]}+"


def _is_sent_start(t: Token) -> bool:
    return bool(t.is_sent_start)


def _spoke(t: Token) -> bool:
    """The mention is the subject of a speech verb ("X said", "X told")."""
    h = t.head
    return t.dep_ == "nsubj" and h.pos_ in ("VERB", "AUX") and "speech" in data.cue_classes().get(h.lemma_.lower(), ())


def _kind(t: Token) -> str:
    if t.lower_ in PRONOUNS_PERSON:
        return "pron"
    if t.ent_type_ == "PERSON" or t.pos_ == "PROPN":
        return "name"
    return "role" if is_role_noun(t) else "other"


def _newlines(doc: Doc) -> list[int]:
    """Character offsets of the Doc's paragraph breaks (runs of line breaks), computed once per Doc."""
    memo = tree(doc).memo
    found = memo.get("newlines")
    if found is None:
        text = doc_text(doc)
        found = memo["newlines"] = [k for k, ch in enumerate(text) if ch == "\n" and (k == 0 or text[k - 1] != "\n")]
    return found  # type: ignore[no-any-return]


def candidates(index: NameIndex, t: Token) -> list[Candidate]:  # noqa: C901 (one feature list, read top down)
    """The people mentioned before token ``t`` (most recent first), each with its ranker features."""
    doc = t.doc
    ms = index.mentions
    k = bisect.bisect_left(_mention_positions(index), t.i)
    before: list[Mention] = [m for m in ms[max(0, k - LOOKBACK):k] if m.type == "person"]
    if not before:
        return []
    sents = tree(doc).positions("sent_start", _is_sent_start)
    lines = _newlines(doc)
    t_sent = bisect.bisect_right(sents, t.i)
    t_para = bisect.bisect_right(lines, t.idx)
    order: list[str] = []
    last: dict[str, Mention] = {}
    count: dict[str, int] = {}
    spoke: dict[str, int] = {}  # name -> index of its latest speech-verb subject mention
    subj_order: list[str] = []
    for m in reversed(before):
        if m.name not in last:
            if len(order) == WINDOW:
                continue
            order.append(m.name)
            last[m.name] = m
        count[m.name] = count.get(m.name, 0) + 1
        if m.name not in spoke and _spoke(doc[m.i]):
            spoke[m.name] = m.i
        if m.subject and m.name not in subj_order:
            subj_order.append(m.name)
    last_speaker = max(spoke, key=lambda n: spoke[n]) if spoke else None
    # the rule the ranker replaced: the main subject (else a subject, else the first person) of the nearest
    # sentence that mentions a person (``names.antecedent``)
    same = [m for m in before if m.sent_start == before[-1].sent_start]
    nearest = ([m for m in same if m.main] or [m for m in same if m.subject] or same)[0].name
    top = max(index.salience.values(), default=0)
    para_start = lines[t_para - 1] + 1 if t_para else 0
    para_first = t_sent < 2 or doc[sents[t_sent - 2]].idx < para_start  # first sentence of its paragraph
    out = []
    for rank, name in enumerate(order):
        m = last[name]
        mt = doc[m.i]
        sd = t_sent - bisect.bisect_right(sents, m.i)
        pd = t_para - bisect.bisect_right(lines, mt.idx)
        r = str(min(rank, 4))
        sdb, pdb = _bucket(sd, (0, 1, 2, 4)), _bucket(pd, (0, 1, 2))
        f = [f"rank={r}", f"sd={sdb}", f"pd={pdb}", f"rank_pd={r}|{pdb}", f"kind={_kind(mt)}",
             f"cnt={_bucket(count[name], (1, 2, 4))}", f"para_first={int(para_first)}|{r}"]
        if m.subject:
            f += ["subj", f"subj_sd={sdb}"]
        if m.main:
            f += ["main", f"main_sd={sdb}"]
        if name in subj_order:
            f.append(f"subj_rank={min(subj_order.index(name), 2)}")
        if name in spoke:
            f += ["spoke", f"spoke_pd={pdb}"]
        if name == last_speaker:
            f += ["spoke_last", f"spoke_last_pd={pdb}", f"spoke_last_rank={r}"]
        if name == nearest:
            f += ["nearest", f"nearest_sd={sdb}"]
        if top and index.salience.get(name, 0) == top:
            f.append("most_salient")
        if " " not in name:
            f.append("one_word")
        out.append(Candidate(name, f))
    return out


_POSITIONS: list = [None, None]  # the index last asked about, and its mentions' token indices


def _mention_positions(index: NameIndex) -> list[int]:
    """The token indices of the index's mentions (ascending), built once per index."""
    ref, found = _POSITIONS
    if ref is not index or len(found) != len(index.mentions):
        found = [m.i for m in index.mentions]
        _POSITIONS[0], _POSITIONS[1] = index, found
    return found  # type: ignore[no-any-return]


def named_in_sentence(index: NameIndex, t: Token) -> bool:
    """Whether a person is mentioned before token ``t`` in its own sentence."""
    k = bisect.bisect_left(_mention_positions(index), t.i)
    start = tree(t.doc).sent_bounds(t.i)[0]
    return any(m.type == "person" for m in index.mentions[max(0, k - LOOKBACK):k] if m.i >= start)


def load_ranker() -> dict:
    """The shipped ranker: {"weights": {feature: weight}, ...} (``data/speaker_ranker.json``)."""
    return data.speaker_ranker()


def rank(index: NameIndex, t: Token, model: dict | None = None) -> list[tuple[str, float]]:
    """The candidates of ``candidates`` mentioned in earlier sentences with the ranker's probability (softmax
    over them), best first (a person named earlier in the same sentence is the parse's to decide)."""
    cands = [c for c in candidates(index, t) if "sd=0" not in c.features]
    if not cands:
        return []
    weights = (model or load_ranker())["weights"]
    z = [sum(weights.get(f, 0.0) for f in c.features) for c in cands]
    top = max(z)
    ez = [math.exp(x - top) for x in z]
    total = sum(ez)
    return sorted(((c.name, e / total) for c, e in zip(cands, ez)), key=lambda x: -x[1])
