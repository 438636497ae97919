#!/usr/bin/env python3
"""Train the attribution classifier of ``onrecord.analyse.attribution.learned`` on PolNeAR train.

    python bench/train_attribution.py ../shared/corpus/polnear [--cache /tmp/polnear_train.spacy]

Every ``--holdout-every``-th train article (default: 5th, 0th included) is left out: it is the tuning
sample the rules and the threshold are judged on (``bench/polnear.py --split train --every 5``); dev is
never used here. Candidates are the parse complements that the rule stage leaves uncovered (exactly what
``learned_attributions`` scores); a candidate is positive when its span matches a gold content with
char IoU >= 0.5. The model is L2-regularised logistic regression fitted with numpy (full-batch Adam),
deterministic; features seen fewer than ``--min-count`` times are dropped. It writes only feature names
(dependency labels, verb lemmas, lexicon classes) and weights: no PolNeAR text.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from onrecord.analyse.attribution.learned import (
    MODEL_FILE,
    candidates,
    occupied,
    score,
    split_rule_output,
)
from onrecord.analyse.attribution.quotes import extract_quotes
from onrecord.clean import segment
from onrecord.evaluate import parse_ann, polnear_articles, trim

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/: the parse cache of the tagger's conversion
from attribution_data import parsed


def _gold(root: str, row: dict, text: str) -> list[tuple[tuple[int, int], list[tuple[int, int]]]]:
    """Gold (content extent, cue spans) pairs of an article."""
    ann = Path(root) / "train" / "attributions" / f"{row['filename']}_{row['annotators'].split('|')[0]}.ann"
    T, E = parse_ann(ann)
    out = []
    for e in E:
        if e.get("Content") in T:
            sp = trim(text, T[e["Content"]][1])
            if sp:
                out.append(((sp[0][0], sp[-1][1]), T[e["Cue"]][1] if e.get("Cue") in T else []))
    return out


def _match(start: int, end: int, cue_at: int, gold: list) -> float:
    """Best IoU with a gold content whose cue contains the candidate's cue word (0 if none)."""
    return max((_iou((start, end), g) for g, cues in gold if any(a <= cue_at < b for a, b in cues)), default=0.0)


def _iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


Examples = tuple[list[list[str]], list[list[tuple[list[str], float]]], list[list[str]], list[int], list[int]]


def article_examples(root: str, row: dict, doc: Any) -> Examples:
    """Features and labels of every candidate of one article (is it an attribution: some variant matches a
    gold content), and of the variants of the positive ones (is it the best-matching extent; ``vg`` numbers
    the candidate within this article)."""
    X: list[list[str]] = []
    y: list[list[tuple[list[str], float]]] = []  # per candidate: (variant features, IoU) of its variants
    VX: list[list[str]] = []
    vy: list[int] = []
    vg: list[int] = []
    text = doc.text
    segs = segment(text)
    quotes = extract_quotes(doc, segs, learned=False)
    fixed, by_verb = split_rule_output([q for q in quotes if q.kind == "indirect"])
    base = [q for q in quotes if q.kind != "indirect"] + fixed
    taken = occupied(base)
    gold = _gold(root, row, text)
    for c in candidates(doc, segs, taken, by_verb, {q.cue_span for q in base if q.cue_span}):
        ious = [_match(v.start, v.end, c.cue.idx, gold) for v in c.variants]
        X.append(c.features)
        y.append([(v.features, x) for v, x in zip(c.variants, ious)])
        if max(ious) >= 0.5 and len(ious) > 1:
            for v, x in zip(c.variants, ious):
                VX.append(v.features)
                vy.append(int(x >= 0.5))
                vg.append(len(X))
    return X, y, VX, vy, vg


def examples(root: str, meta: list[dict], docs: list) -> Examples:
    """The examples of ``article_examples`` for many articles, concatenated (candidate groups renumbered)."""
    return concat([article_examples(root, row, doc) for row, doc in zip(meta, docs)])


def concat(parts: list[Examples]) -> Examples:
    """Concatenate per-article examples, renumbering the variant groups so that they stay distinct."""
    X: list[list[str]] = []
    y: list[list[tuple[list[str], float]]] = []
    VX: list[list[str]] = []
    vy: list[int] = []
    vg: list[int] = []
    for px, py, pvx, pvy, pvg in parts:
        vg += [len(X) + g for g in pvg]
        X += px
        y += py
        VX += pvx
        vy += pvy
    return X, y, VX, vy, vg


def train(ex: Examples, min_count: int = 3, l2: float = 3e-5, steps: int = 800, threshold: float = 0.3,
          rule_threshold: float = 0.15) -> dict[str, Any]:
    """Both models fitted on the given examples: the model dict ``learned.py`` reads (without provenance)."""
    X, y, VX, vy, vg = ex
    span_weights = fit(VX, vy, min_count, l2, steps, groups=vg)
    # a candidate is an attribution when the extent the span model picks for it matches a gold content
    labels = [int(max(vs, key=lambda v: score(v[0], span_weights))[1] >= 0.5) for vs in y]
    weights = fit(X, labels, min_count, l2, steps)
    return {"version": 2, "threshold": threshold, "rule_threshold": rule_threshold, "candidates": len(y),
            "positives": sum(labels), "variants": len(vy), "weights": weights, "span_weights": span_weights}


def fit(X: list[list[str]], y: list[int], min_count: int, l2: float, steps: int,
        groups: list[int] | None = None, prune: float = 0.02) -> dict[str, float]:
    """L2 logistic regression over binary features (sparse, full-batch Adam); returns feature weights.
    With ``groups`` (a group id per row, rows of a group contiguous): a conditional logit, the softmax
    within each group fitted to the uniform distribution over its positive rows (choosing one of them).
    Weights smaller than ``prune`` are dropped (they change no decision; the file stays small)."""
    counts: dict[str, int] = {}
    for fs in X:
        for f in set(fs):
            counts[f] = counts.get(f, 0) + 1
    names = sorted(f for f, n in counts.items() if n >= min_count or f == "bias")
    col = {f: i for i, f in enumerate(names)}
    rows, cols = [], []
    for r, fs in enumerate(X):
        for f in set(fs):
            if f in col:
                rows.append(r)
                cols.append(col[f])
    R, C = np.array(rows), np.array(cols)
    Y = np.array(y, dtype=float)
    w = np.zeros(len(names))
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    n = len(Y)
    if groups is not None:
        G = np.array(groups)
        _, gi = np.unique(G, return_inverse=True)
        Y = Y / np.bincount(gi, weights=Y)[gi]
    for step in range(1, steps + 1):
        z = np.bincount(R, weights=w[C], minlength=n)
        if groups is None:
            p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        else:
            ez = np.exp(z - np.max(z))
            p = ez / np.bincount(gi, weights=ez)[gi]
        g = np.bincount(C, weights=(p - Y)[R], minlength=len(w)) / n + l2 * w
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= 0.05 * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    return {f: round(float(x), 3) for f, x in zip(names, w) if abs(x) >= prune or f == "bias"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", help="the PolNeAR folder (metadata.tsv, train/)")
    ap.add_argument("--out", default=str(Path(__file__).parent.parent / "src" / "onrecord" / MODEL_FILE))
    ap.add_argument("--cache", help="DocBin of the parsed train articles (made on first use)")
    ap.add_argument("--holdout-every", type=int, default=5, help="leave out every Nth article (0: none)")
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--l2", type=float, default=3e-5)
    ap.add_argument("--steps", type=int, default=800)
    ap.add_argument("--threshold", type=float, default=0.3, help="acceptance probability stored in the model")
    ap.add_argument("--rule-threshold", type=float, default=0.15, help="below it a rule-found attribution is dropped")
    a = ap.parse_args(argv)
    meta = polnear_articles(a.root, "train")
    t0 = time.perf_counter()
    docs = parsed(a.root, "train", meta, a.cache)
    keep = [i for i in range(len(meta)) if not a.holdout_every or i % a.holdout_every]
    ex = examples(a.root, [meta[i] for i in keep], [docs[i] for i in keep])
    model = train(ex, a.min_count, a.l2, a.steps, a.threshold, a.rule_threshold)
    model["trained_on"] = f"PolNeAR train, {len(keep)} articles"
    weights = model["weights"]
    y = ex[1]
    labels = model["positives"]
    Path(a.out).write_text(json.dumps(model, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(keep)} articles, {len(y)} candidates ({labels} positive), {len(weights)} weights "
          f"-> {a.out} in {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
