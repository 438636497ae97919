#!/usr/bin/env python3
"""Train the speaker antecedent ranker of ``onrecord.analyse.attribution.antecedents`` on PolNeAR train.

    python bench/train_speakers.py ../shared/corpus/polnear [--cache /tmp/polnear_train.spacy] [--cv 5]

PolNeAR marks each attribution's source as written (a name, a role or a pronoun) but not what a pronoun refers
to, so the ranker learns from the sources that are a person's name the article used before: the name is hidden
and the ranker must pick, among the people mentioned before it (``antecedents.candidates``: only where and how
they were mentioned, never the words of the source), the one the source names. ``--cv K`` reports, per fold
(article i in fold i % K, the folds of ``bench/polnear.py --cv``), the ranker's accuracy on the held-out fold
beside the rule it replaces (the subject of the nearest sentence that mentions a person, ``names.antecedent``),
then the shipped model is fitted on every train article. The fit (``train_attribution.fit``: a conditional logit
in numpy, full-batch Adam from zero weights) is deterministic. Dev is never read here.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from train_attribution import _docs, fit

from onrecord.analyse.attribution.antecedents import MODEL_FILE, candidates
from onrecord.analyse.attribution.quotes import speaker_index
from onrecord.analyse.entities.names import antecedent
from onrecord.clean import segment
from onrecord.evaluate import parse_ann, polnear_articles, trim

Example = tuple[list[list[str]], list[int], str | None, list[str]]  # candidates' features, labels, rule, names


def article_examples(root: str, row: dict, doc: Any, max_pd: int = 1) -> list[Example]:
    """One example per distinct gold source that is a person's name mentioned before in the article: the
    candidates' features, which of them is that person, the rule's choice and the candidates' names."""
    text = doc.text
    index = speaker_index(doc, segment(text))
    by_token = {m.i: m for m in index.mentions if m.type == "person"}
    ann = Path(root) / "train" / "attributions" / f"{row['filename']}_{row['annotators'].split('|')[0]}.ann"
    T, E = parse_ann(ann)
    out: list[Example] = []
    seen: set[tuple[int, int]] = set()
    for e in E:
        if e.get("Source") not in T:
            continue
        sp = trim(text, T[e["Source"]][1])
        if not sp or sp[0] in seen:
            continue
        seen.add(sp[0])
        span = doc.char_span(sp[0][0], sp[0][1], alignment_mode="expand")
        if span is None:
            continue
        named = [by_token[t.i] for t in span if t.i in by_token and (t.ent_type_ == "PERSON" or t.pos_ == "PROPN")]
        if not named:
            continue
        # within its own sentence the parse decides who a pronoun is (the rule); the ranker is for the others
        cands = [c for c in candidates(index, span[0]) if "sd=0" not in c.features]
        labels = [int(c.name == named[-1].name) for c in cands]
        if len(cands) < 2 or not any(labels):
            continue
        if max_pd >= 0 and not any(lab and _pd(c.features) <= max_pd for c, lab in zip(cands, labels)):
            continue  # a writer uses a pronoun for someone named in this paragraph or the one before
        out.append(([c.features for c in cands], labels, antecedent(index, span[0].i, "person"),
                    [c.name for c in cands]))
    return out


def _pd(features: list[str]) -> int:
    """The paragraph distance of a candidate, from its ``pd=`` feature (``2+`` reads as 3)."""
    v = next(f for f in features if f.startswith("pd="))[3:]
    return 3 if v.endswith("+") else int(v)


def train(examples: list[Example], min_count: int = 3, l2: float = 1e-4, steps: int = 600) -> dict[str, Any]:
    """The ranker's weights fitted on the given examples (a conditional logit over each example's candidates)."""
    X: list[list[str]] = []
    y: list[int] = []
    g: list[int] = []
    for k, (feats, labels, _rule, _names) in enumerate(examples):
        X += feats
        y += labels
        g += [k] * len(labels)
    return {"version": 1, "examples": len(examples), "weights": fit(X, y, min_count, l2, steps, groups=g, prune=0.01)}


def accuracy(examples: list[Example], model: dict[str, Any]) -> tuple[float, float]:
    """(the ranker's top-1 accuracy, the rule's) on the given examples."""
    w = model["weights"]
    right = rule = 0
    for feats, labels, rule_name, names in examples:
        z = [sum(w.get(f, 0.0) for f in fs) for fs in feats]
        right += labels[z.index(max(z))]
        rule += int(rule_name is not None and rule_name in {n for n, lab in zip(names, labels) if lab})
    n = max(1, len(examples))
    return right / n, rule / n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", help="the PolNeAR folder (metadata.tsv, train/)")
    ap.add_argument("--out", default=str(Path(__file__).parent.parent / "src" / "onrecord" / MODEL_FILE))
    ap.add_argument("--cache", help="DocBin of the parsed train articles (made on first use)")
    ap.add_argument("--cv", type=int, default=0, help="K-fold cross-validation first (0: none)")
    ap.add_argument("--max-pd", type=int, default=1,
                    help="keep the sources whose person was named at most this many paragraphs before (-1: all)")
    ap.add_argument("--no-write", action="store_true", help="report only; leave the shipped model as it is")
    a = ap.parse_args(argv)
    meta = polnear_articles(a.root, "train")
    t0 = time.perf_counter()
    docs = _docs(a.root, meta, a.cache)
    per_article = [article_examples(a.root, row, doc, a.max_pd) for row, doc in zip(meta, docs)]
    print(f"{len(meta)} articles, {sum(map(len, per_article))} examples in {time.perf_counter() - t0:.0f}s")
    if a.cv:
        print(f"{'fold':6}{'examples':>10}{'ranker':>9}{'rule':>9}")
        sums = [0.0, 0.0]
        for f in range(a.cv):
            model = train([x for i, ex in enumerate(per_article) if i % a.cv != f for x in ex])
            held = [x for i, ex in enumerate(per_article) if i % a.cv == f for x in ex]
            acc, rule = accuracy(held, model)
            sums[0] += acc
            sums[1] += rule
            print(f"{f + 1:<6}{len(held):>10}{acc:>9.3f}{rule:>9.3f}")
        print(f"{'mean':6}{'':>10}{sums[0] / a.cv:>9.3f}{sums[1] / a.cv:>9.3f}")
    model = train([x for ex in per_article for x in ex])
    model["trained_on"] = f"PolNeAR train, {len(meta)} articles"
    if not a.no_write:
        Path(a.out).write_text(json.dumps(model, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{model['examples']} examples, {len(model['weights'])} weights"
          + ("" if a.no_write else f" -> {a.out}") + f" in {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
