"""The trained attribution tagger (``make train-attribution``) applied to parsed docs: decoded SOURCE/CUE/CONTENT
spans, linked into attributions (``onrecord.analyse.attribution.tagged.link``, as the record links them), and
combined with the rules' quotations in other ways than the record does. Used by ``bench/polnear.py --model``.
"""
from __future__ import annotations

from typing import Any

import numpy
from spacy.tokens import Doc

from onrecord.analyse.attribution.tagged import Attribution, link
from onrecord.nlp.attribution import ROLES, spans_of, tag_probabilities


def load(path: str) -> Any:
    """The trained tagger pipeline (``spacy train`` output's model-best)."""
    import spacy

    return spacy.load(path)


def predict(model: Any, doc: Doc, marginal: bool = False) -> tuple[dict[str, list[tuple[int, int]]], numpy.ndarray]:
    """Token spans of each role in ``doc`` and the per-token probability of the predicted tag. Only the model's
    forward pass runs: the doc's own tags (the parser's) are left as they are. ``marginal``: each role's letter
    is the most probable one summed over the joined tags (else the letters of the most probable joined tag)."""
    labels, probs = tag_probabilities(model.get_pipe("tagger"), doc)
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
