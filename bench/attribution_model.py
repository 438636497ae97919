"""The trained attribution tagger (``make train-attribution``) applied to parsed docs: decoded SOURCE/CUE/CONTENT
spans, linked into attributions, and combined with the rules' quotations. Used by ``bench/polnear.py --model``.

Linking follows how news attributes: a content's cue is a predicted cue in the content's own sentence (else in
the sentence just before: "He said:" then the quote), the nearest one; its source is the predicted source span
that holds the cue's grammatical subject, else the nearest predicted source in the cue's sentence. Pieces of
content linked to one cue form one (discontinuous) attribution, as in '"A," he said, "B."'.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy
from attribution_data import ROLES, spans_of, with_parse_features
from spacy.tokens import Doc


@dataclass
class Attribution:
    """A linked attribution: content pieces, cue and source (character spans), and the tagger's mean confidence."""

    content: list[tuple[int, int]]
    cue: tuple[int, int] | None = None
    source: tuple[int, int] | None = None
    confidence: float = 0.0
    tokens: list[tuple[int, int]] = field(default_factory=list)


def load(path: str) -> Any:
    """The trained tagger pipeline (``spacy train`` output's model-best)."""
    import spacy

    return spacy.load(path)


def predict(model: Any, doc: Doc, marginal: bool = False) -> tuple[dict[str, list[tuple[int, int]]], numpy.ndarray]:
    """Token spans of each role in ``doc`` and the per-token probability of the predicted tag. Only the model's
    forward pass runs: the doc's own tags (the parser's) are left as they are. ``marginal``: each role's letter
    is the most probable one summed over the joined tags (else the letters of the most probable joined tag)."""
    tagger = model.get_pipe("tagger")
    # unnormalised scores (Tagger.v2 with normalize = false)
    scores = numpy.asarray(tagger.model.predict([with_parse_features(doc)])[0])
    probs = numpy.exp(scores - scores.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    labels = tagger.labels
    if not marginal:
        return spans_of(labels[i] for i in probs.argmax(axis=1)), probs.max(axis=1)
    letters = []
    conf = numpy.ones(len(probs))
    for k in range(len(ROLES)):
        cols = {c: [j for j, lab in enumerate(labels) if lab[k] == c] for c in "OBI"}
        per = numpy.stack([probs[:, cols[c]].sum(axis=1) for c in "OBI"], axis=1)
        letters.append(["OBI"[j] for j in per.argmax(axis=1)])
        conf = numpy.minimum(conf, per.max(axis=1))
    return spans_of("".join(x) for x in zip(*letters)), conf


def _subject(doc: Doc, cue: tuple[int, int]) -> int | None:
    for t in doc[cue[0]:cue[1]]:
        for c in t.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                return c.i
        if t.dep_ in ("pobj",) and t.head.lower_ == "to" and t.head.head.lower_ == "according":
            return None
    return None


def link(doc: Doc, spans: dict[str, list[tuple[int, int]]], conf: numpy.ndarray) -> list[Attribution]:
    """Attributions from the decoded token spans of one doc (see the module docstring)."""
    sent_of = {}
    for k, s in enumerate(doc.sents):
        for i in range(s.start, s.end):
            sent_of[i] = k
    cues, sources = spans["cue"], spans["source"]
    by_cue: dict[tuple[int, int] | None, Attribution] = {}
    out: list[Attribution] = []
    for a, b in spans["content"]:
        if all(doc[i].is_space or doc[i].is_punct for i in range(a, b)):
            continue
        first, last = sent_of[a], sent_of[b - 1]
        near = [c for c in cues if first <= sent_of[c[0]] <= last]
        if not near:
            near = [c for c in cues if sent_of[c[0]] == first - 1]
        cue = min(near, key=lambda c: min(abs(c[0] - a), abs(c[0] - b))) if near else None
        key = cue if cue is not None else (a, b)
        if cue is not None and cue in by_cue:
            att = by_cue[cue]
        else:
            att = Attribution(content=[])
            src = None
            if cue is not None:
                subj = _subject(doc, cue)
                if subj is not None:
                    src = next((s for s in sources if s[0] <= subj < s[1]), None)
                if src is None:
                    same = [s for s in sources if sent_of[s[0]] == sent_of[cue[0]]]
                    src = min(same, key=lambda s: abs(s[0] - cue[0])) if same else None
                att.cue = (doc[cue[0]].idx, doc[cue[1] - 1].idx + len(doc[cue[1] - 1]))
            if src is not None:
                att.source = (doc[src[0]].idx, doc[src[1] - 1].idx + len(doc[src[1] - 1]))
            by_cue[key] = att
            out.append(att)
        att.tokens.append((a, b))
        att.content.append((doc[a].idx, doc[b - 1].idx + len(doc[b - 1])))
    marked = {i for a, b in cues + sources for i in range(a, b)}
    for att in out:
        att.tokens = _joined(doc, sorted(att.tokens), marked)
        att.content = [(doc[a].idx, doc[b - 1].idx + len(doc[b - 1])) for a, b in att.tokens]
        toks = [i for a, b in att.tokens for i in range(a, b)]
        att.confidence = float(conf[toks].mean()) if toks else 0.0
    return out


def _joined(doc: Doc, pieces: list[tuple[int, int]], marked: set[int]) -> list[tuple[int, int]]:
    """Pieces of one content joined across a gap that holds no cue or source word and no line break: a
    statement is interrupted only by its attribution ('"A," he said, "B."'), so another gap is a tagging slip."""
    out: list[tuple[int, int]] = []
    for a, b in pieces:
        if out and not any(i in marked or "\n" in doc[i].text for i in range(out[-1][1], a)):
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def model_rows(name: str, atts: list[Attribution]) -> list[dict[str, Any]]:
    """PolNeAR prediction rows (as ``evaluate.polnear_rows`` makes them) of the model's attributions."""
    return [{"source": name, "spans": [list(s) for s in a.content], "cue_span": list(a.cue) if a.cue else None,
             "speaker_span": list(a.source) if a.source else None, "kind": "model"} for a in atts]


def _chars(spans: list[list[int]]) -> set[int]:
    return {i for s, e in spans for i in range(s, e)}


def combine(name: str, rule_rows: list[dict[str, Any]], atts: list[Attribution], add: bool = False,
            cue_only: bool = False) -> list[dict[str, Any]]:
    """The rules' rows with the model deciding reported and mixed attributions' content and cue: a non-direct
    rule row whose content overlaps a model attribution's (IoU >= 0.5) takes the model's content pieces and
    cue; the speaker stays the rules' (speakers.py decides it). Direct quotes (quote-mark structure) stay as the
    rules made them. ``add``: model attributions that overlap no rule row are added too; ``cue_only``: the model
    decides the cue alone (the content stays the rules')."""
    out = []
    used: set[int] = set()
    mrows = [(_chars([list(s) for s in a.content]), a) for a in atts]
    for r in rule_rows:
        rc = _chars(r["spans"])
        best, best_iou = None, 0.0
        for k, (mc, _a) in enumerate(mrows):
            inter = len(rc & mc)
            if inter:
                iou = inter / len(rc | mc)
                if iou > best_iou:
                    best, best_iou = k, iou
        if best is not None and best_iou > 0:
            used.add(best)
        if r.get("kind") != "direct" and best is not None and best_iou >= 0.5:
            a = mrows[best][1]
            cue = list(a.cue) if a.cue else r.get("cue_span")
            r = dict(r, cue_span=cue) if cue_only else dict(r, spans=[list(s) for s in a.content], cue_span=cue)
        out.append(r)
    if add:
        out += model_rows(name, [a for k, (_, a) in enumerate(mrows) if k not in used])
    return out


__all__ = ["ROLES", "Attribution", "combine", "link", "load", "model_rows", "predict"]
