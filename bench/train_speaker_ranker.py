#!/usr/bin/env python3
"""Train the speaker ranker (``analyse/attribution/ranker.py``) on PolNeAR train, and cross-validate it.

    python bench/train_speaker_ranker.py ../shared/corpus/polnear [--cache PARSED.spacy] [--contexts CTX.jsonl]
                                         [--cv 5] [--out src/onrecord/data/speaker_ranker.json]
    python bench/train_speaker_ranker.py ../shared/corpus/polnear --cache PARSED.spacy --throughput 50

Every PolNeAR **train** article but those of the speaker dev gold and of set T (``tests/fixtures/speaker_dev`` and
``speaker_train``: dev is read as numbers only, set T is kept as a check the ranker was not trained on) is
analysed with the continuation rules deciding (``Ranker(None, log=...)``); every quotation in marks whose own
sentence names nobody is logged with its candidates and their features. Each is paired with the first
annotator's attribution whose content overlaps it most (``cue_train.py``'s pairing); one that no attribution
overlaps (a slogan, a title, a term in marks) is attributed to nobody, and naming anyone for it is wrong.
Labels: a candidate is right when its mention overlaps that attribution's Source span, or when it resolves to the
same name as a candidate that does. Where the gold Source is a pronoun, the pronoun candidate is the one
labelled (its resolution is the resolver's, not the ranker's): no label is guessed for the antecedent. Quotations
with no right candidate stay in training as all-wrong (what "nobody" looks like) and count as wrong for every
method.

The model is a logistic regression over the candidates (numpy, Newton steps, L2 ``--l2``: deterministic). The
threshold (below it nobody is named) maximises right - 2 x wrong on the training articles: a false record costs
more than a missing one. ``--cv K``: article i (metadata order) is in fold i % K; per fold the ranker is trained on
the other folds and compared with the rules on the fold's quotations, per continuation route. Where a rule named
someone, the ranker names its best candidate instead when that scores at least the route's threshold; below it,
and where no rule names anyone (the text does not say who speaks: the ranker does not invent a speaker), the
rule's decision stands. The shipped
model covers the routes where that did no worse than the rules alone in cross-validation and better in one
measure: right (speaker accuracy, the dev gold's measure), and right minus twice the wrong (a false record costs
more than a missing one).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cue_train import dev_gold_ids, gold_sources, in_marks, overlap

from onrecord.evaluate import polnear_articles

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "onrecord" / "data" / "speaker_ranker.json"
SET_T = ROOT / "tests" / "fixtures" / "speaker_train" / "articles.json"
# the continuation rule that saw a quotation: a quotation before it in its paragraph, one in the paragraph before,
# the person the paragraph before is about; none of them, for a quoted paragraph ("bare") or a quote inside one
ROUTES = ("same_para", "prev_para", "about", "bare", "inside")
WRONG_COST = 2.0
MIN_CONTEXTS = 20  # a route with fewer training contexts gets no model (the rules decide it)


def set_t_ids() -> set[str]:
    """The article ids of set T (kept out of training: set T checks the ranker)."""
    with open(SET_T, encoding="utf-8") as f:
        return {a["id"].removesuffix(".txt") for a in json.load(f)}


def contexts(root: str, cache: str | None) -> list[dict[str, Any]]:
    """The logged, labelled contexts of the training articles (each with its article's metadata index)."""
    from attribution_data import parsed

    from onrecord.analyse.attribution.quotes import extract_quotes
    from onrecord.analyse.attribution.ranker import Ranker
    from onrecord.clean import segment

    meta = polnear_articles(root, "train")
    docs = parsed(root, "train", meta, cache)
    left_out = dev_gold_ids() | set_t_ids()
    out: list[dict[str, Any]] = []
    for i, (row, doc) in enumerate(zip(meta, docs)):
        if row["filename"] in left_out:
            continue
        log: list[dict[str, Any]] = []
        extract_quotes(doc, segment(doc.text), learned=False, ranker=Ranker(None, log=log))
        gold = gold_sources(root, row)
        for ctx in log:
            if not in_marks(doc.text, ctx["start"], ctx["end"]):
                continue
            q = (ctx["start"], ctx["end"])
            best = max(gold, key=lambda g: sum(overlap(q, c) for c in g[0]), default=None)
            paired = best is not None and sum(overlap(q, c) for c in best[0]) > 0
            src = best[1] if best is not None and paired else (-1, -1)  # unpaired: nobody is right
            names = {c["name"] for c in ctx["cands"] if c["name"] and overlap(tuple(c["span"]), src) > 0}
            for c in ctx["cands"]:
                c["label"] = int(overlap(tuple(c["span"]), src) > 0 or c["name"] in names)
            rule = ctx["rule"]
            ctx["rule_right"] = None if rule is None else bool(overlap(tuple(rule["span"]), src) > 0
                                                                or rule["name"] in names)
            ctx["article"], ctx["i"], ctx["paired"] = row["filename"], i, paired
            out.append(ctx)
    return out


def matrix(ctxs: list[dict[str, Any]], names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix and labels of every candidate of ``ctxs``."""
    col = {n: k for k, n in enumerate(names)}
    rows = [c for x in ctxs for c in x["cands"]]
    X = np.zeros((len(rows), len(names)))
    for r, c in enumerate(rows):
        for k, v in c["features"].items():
            if k in col:
                X[r, col[k]] = v
    return X, np.array([c["label"] for c in rows], dtype=float)


def fit_route(ctxs: list[dict[str, Any]], l2: float) -> dict[str, Any]:
    """Logistic regression weights by Newton steps (deterministic), and the threshold, for one route's contexts."""
    names = sorted({k for x in ctxs for c in x["cands"] for k in c["features"]} | {"bias"})
    X, y = matrix(ctxs, names)
    w = np.zeros(len(names))
    reg = l2 * np.eye(len(names))
    reg[names.index("bias"), names.index("bias")] = 0.0
    for _ in range(25):
        p = 1.0 / (1.0 + np.exp(-np.clip(X @ w, -30, 30)))
        grad = X.T @ (p - y) + reg @ w
        hess = (X * (p * (1 - p))[:, None]).T @ X + reg + 1e-6 * np.eye(len(names))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    model: dict[str, Any] = {"weights": {n: round(float(v), 6) for n, v in zip(names, w)}, "threshold": 1.0}
    model["threshold"] = best_threshold(ctxs, model)
    return model


def fit(ctxs: list[dict[str, Any]], l2: float) -> dict[str, Any]:
    """One model per route with at least MIN_CONTEXTS contexts (the routes differ in how news writes them: a
    quote after a quote of the same paragraph, after the paragraph before, after a paragraph about someone)."""
    by_route = {}
    for r in ROUTES:
        sub = [x for x in ctxs if x["route"] == r]
        if len(sub) >= MIN_CONTEXTS:
            by_route[r] = fit_route(sub, l2)
    return {"by_route": by_route}


def choose(ctx: dict[str, Any], model: dict[str, Any]) -> tuple[float, dict[str, Any] | None]:
    """The ranker's best candidate of a context and its score."""
    w = model["weights"]
    best, top = None, -1.0
    for c in ctx["cands"]:
        z = sum(w.get(k, 0.0) * v for k, v in c["features"].items())
        s = 1.0 / (1.0 + np.exp(-max(-30.0, min(30.0, z))))
        if s > top and c["name"] is not None:
            best, top = c, s
    return top, best


def best_threshold(ctxs: list[dict[str, Any]], model: dict[str, Any]) -> float:
    """The score from which naming the ranker's pick does better than naming nobody (right - 2 x wrong) on
    ``ctxs``."""
    scored = sorted((choose(x, model) for x in ctxs), key=lambda sb: -sb[0])
    gain, best, at = 0.0, 0.0, 1.0
    for s, c in scored:
        if c is None:
            continue
        gain += 1.0 if c["label"] else -WRONG_COST
        if gain > best:
            best, at = gain, s
    return round(float(at), 4)


def judge(ctxs: list[dict[str, Any]], model: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Per route: quotations, the rules' right and wrong, and the ranker's (its best candidate where a rule named
    someone and it scores at least the threshold, the rule's decision elsewhere); nobody named is neither."""
    out = {r: {"n": 0, "rule_right": 0, "rule_wrong": 0, "rank_right": 0, "rank_wrong": 0} for r in ROUTES}
    for x in ctxs:
        o = out[x["route"]]
        o["n"] += 1
        if x["rule_right"] is not None:
            o["rule_right" if x["rule_right"] else "rule_wrong"] += 1
        m = model["by_route"].get(x["route"])
        s, c = choose(x, m) if m is not None and x["rule"] is not None else (0.0, None)
        if c is not None and s >= m["threshold"]:  # type: ignore[index]
            o["rank_right" if c["label"] else "rank_wrong"] += 1
        elif x["rule_right"] is not None:  # below the threshold the rule's decision stands
            o["rank_right" if x["rule_right"] else "rank_wrong"] += 1
    return out


def gain(o: dict[str, int], who: str) -> float:
    return o[f"{who}_right"] - WRONG_COST * o[f"{who}_wrong"]


def cross_validate(ctxs: list[dict[str, Any]], k: int, l2: float) -> list[dict[str, dict[str, int]]]:
    """Per fold (article i in fold i % k), the judged counts of a ranker trained on the other folds."""
    folds = []
    for f in range(k):
        train = [x for x in ctxs if x["i"] % k != f]
        held = [x for x in ctxs if x["i"] % k == f]
        folds.append(judge(held, fit(train, l2)))
    return folds


def print_cv(folds: list[dict[str, dict[str, int]]]) -> list[str]:
    """The per-fold table (accuracy = right / quotations) and the routes the ranker is to decide."""
    print(f"{'route':10} {'fold':>4} {'n':>5} {'rules right/wrong':>18} {'ranker right/wrong':>19} "
          f"{'rules acc':>9} {'ranker acc':>10}")
    keep = []
    for r in ROUTES:
        tot = {key: 0 for key in folds[0][r]}
        for f, fo in enumerate(folds):
            o = fo[r]
            for key in tot:
                tot[key] += o[key]
            _row(r, str(f + 1), o)
        _row(r, "all", tot)
        no_worse = gain(tot, "rank") >= gain(tot, "rule") and tot["rank_right"] >= tot["rule_right"]
        if no_worse and (gain(tot, "rank") > gain(tot, "rule") or tot["rank_right"] > tot["rule_right"]):
            keep.append(r)
    print(f"routes the ranker decides (as many right as the rules and right - {WRONG_COST:g} x wrong no lower, "
          f"one of them higher): {keep}")
    return keep


def _row(route: str, fold: str, o: dict[str, int]) -> None:
    n = max(1, o["n"])
    print(f"{route:10} {fold:>4} {o['n']:>5} {o['rule_right']:>9}/{o['rule_wrong']:<8} "
          f"{o['rank_right']:>10}/{o['rank_wrong']:<8} {o['rule_right'] / n:>9.3f} {o['rank_right'] / n:>10.3f}")


def throughput(root: str, cache: str | None, n: int) -> None:
    """CPU seconds per article of the quotation analysis (``extract_quotes`` on parsed text, as ingest runs it) on
    the first ``n`` training articles, with the rules alone and with the shipped ranker."""
    from attribution_data import parsed

    from onrecord.analyse.attribution.quotes import extract_quotes
    from onrecord.analyse.attribution.ranker import Ranker, shipped
    from onrecord.clean import segment

    meta = polnear_articles(root, "train")
    left_out = dev_gold_ids() | set_t_ids()
    docs = [d for r, d in zip(meta, parsed(root, "train", meta, cache)) if r["filename"] not in left_out][:n]
    segs = [segment(d.text) for d in docs]
    for d, s in zip(docs, segs):  # a first pass warms every cache the analysis builds once
        extract_quotes(d, s)
    runs: dict[str, list[float]] = {"rules alone": [], "with the ranker": []}
    for _ in range(3):  # interleaved, the fastest of three kept: the machine is shared
        for name, make in (("rules alone", lambda: Ranker(None)), ("with the ranker", shipped)):
            t0 = time.process_time()
            for d, s in zip(docs, segs):
                extract_quotes(d, s, ranker=make())
            runs[name].append(time.process_time() - t0)
    for name, times in runs.items():
        print(f"{name:16} {min(times) / len(docs) * 1000:.1f} ms CPU per article ({len(docs)} articles, "
              f"fastest of {len(times)})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", help="the PolNeAR folder (metadata.tsv, train/)")
    ap.add_argument("--cache", help="DocBin of all parsed train articles (bench/polnear.py --cache makes the same)")
    ap.add_argument("--contexts", help="JSONL of the labelled contexts: read when it exists, else written")
    ap.add_argument("--cv", type=int, default=5, help="folds of cross-validation (0: none; the shipped routes "
                                                      "then are all five)")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--out", default=str(OUT), help="where to write the model ('-': nowhere)")
    ap.add_argument("--throughput", type=int, default=0, metavar="N",
                    help="only time the analysis of N articles with and without the ranker")
    a = ap.parse_args(argv)
    if a.throughput:
        throughput(a.root, a.cache, a.throughput)
        return 0
    t0 = time.process_time()
    if a.contexts and Path(a.contexts).exists():
        with open(a.contexts, encoding="utf-8") as f:
            ctxs = [json.loads(line) for line in f]
    else:
        ctxs = contexts(a.root, a.cache)
        if a.contexts:
            with open(a.contexts, "w", encoding="utf-8") as f:
                for x in ctxs:
                    f.write(json.dumps(x) + "\n")
    labelled = sum(any(c["label"] for c in x["cands"]) for x in ctxs)
    paired = sum(x["paired"] for x in ctxs)
    print(f"{len({x['article'] for x in ctxs})} train articles, {len(ctxs)} quotations in marks with no cue of "
          f"their own, {paired} paired with a gold source, {labelled} with a right candidate; "
          f"{sum(len(x['cands']) for x in ctxs)} candidates ({time.process_time() - t0:.0f}s CPU)")
    routes = print_cv(cross_validate(ctxs, a.cv, a.l2)) if a.cv else list(ROUTES)
    model = fit(ctxs, a.l2)
    model["routes"] = routes
    model["trained_on"] = (f"PolNeAR train, {len(ctxs)} quotations with no cue of their own "
                           f"(bench/train_speaker_ranker.py, l2 {a.l2:g})")
    print(f"thresholds { {r: m['threshold'] for r, m in model['by_route'].items()} }; "
          f"CPU {time.process_time() - t0:.0f}s")
    if a.out != "-":
        with open(a.out, "w", encoding="utf-8") as f:
            json.dump(model, f, indent=1, sort_keys=True)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
