#!/usr/bin/env python3
"""Fit the speaker confidence calibration (``data/speaker_calibration.json``) on PolNeAR train.

    python bench/train_confidence.py ../shared/corpus/polnear [--cache /tmp/polnear_train.spacy] [--cv 5]

Every quotation in quote marks (direct or partial) with a named speaker that onrecord finds in a train article
and that lies in a gold content (at least half of its characters) is one example: its raw confidence
(``speakers.confidence``, before calibration) and whether its speaker is right, i.e. its speaker mention
overlaps the gold source (quotations without a named speaker stay at most ``speakers.UNNAMED``). PolNeAR marks
the source as written, so a pronoun resolved to the wrong person still counts right here: on names the map is
optimistic. The map is isotonic (pool adjacent violators), deterministic. ``--cv K`` prints the calibration
table of each held-out fold (article i in fold i % K) under the map fitted on the other folds. Dev is
never read here.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from train_attribution import _docs

from onrecord.analyse.attribution.quotes import extract_quotes
from onrecord.analyse.attribution.speakers import CALIBRATION_FILE, calibrated
from onrecord.clean import segment
from onrecord.evaluate import parse_ann, polnear_articles, trim

BINS = [(0.0, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]


def article_examples(root: str, row: dict, doc: Any) -> list[tuple[float, int]]:
    """(raw confidence, speaker right) of the article's quotations in marks that lie in a gold content."""
    text = doc.text
    ann = Path(root) / "train" / "attributions" / f"{row['filename']}_{row['annotators'].split('|')[0]}.ann"
    T, E = parse_ann(ann)
    gold = []
    for e in E:
        if e.get("Content") in T:
            content = trim(text, T[e["Content"]][1])
            source = trim(text, T[e["Source"]][1]) if e.get("Source") in T else ()
            gold.append((content, source))
    out = []
    for q in extract_quotes(doc, segment(text), calibrate=False):
        if q.kind not in ("direct", "partial") or not q.speaker:
            continue
        best = max(gold, key=lambda g: _inside(q.start, q.end, g[0]), default=None)
        if best is None or _inside(q.start, q.end, best[0]) < 0.5:
            continue
        sp = q.speaker_span
        right = bool(sp and any(a < sp[1] and sp[0] < b for a, b in best[1]))
        out.append((q.confidence, int(right)))
    return out


def _inside(start: int, end: int, spans: tuple[tuple[int, int], ...]) -> float:
    """The share of text[start:end] inside the spans."""
    return sum(max(0, min(end, b) - max(start, a)) for a, b in spans) / max(1, end - start)


def fit(examples: list[tuple[float, int]]) -> list[list[float]]:
    """Isotonic regression of rightness on raw confidence: [[lowest raw confidence of a block, share right]]."""
    blocks: list[list[float]] = []  # [lowest raw, right, count]
    for raw, right in sorted(examples):
        blocks.append([raw, float(right), 1.0])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            last = blocks.pop()
            blocks[-1][1] += last[1]
            blocks[-1][2] += last[2]
    return [[round(lo, 3), round(r / n, 3)] for lo, r, n in blocks]


def table(examples: list[tuple[float, int]], points: list[list[float]] | None) -> list[tuple[str, int, float]]:
    """(bin, quotes, share right) by confidence (raw, or calibrated with ``points``)."""
    rows = []
    for lo, hi in BINS:
        sel = [r for c, r in examples if lo <= (calibrated(c, points) if points else c) < hi]
        rows.append((f"{lo:.1f}-{min(hi, 1.0):.1f}", len(sel), sum(sel) / len(sel) if sel else 0.0))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", help="the PolNeAR folder (metadata.tsv, train/)")
    ap.add_argument("--out", default=str(Path(__file__).parent.parent / "src" / "onrecord" / CALIBRATION_FILE))
    ap.add_argument("--cache", help="DocBin of the parsed train articles (made on first use)")
    ap.add_argument("--cv", type=int, default=0, help="K-fold cross-validation first (0: none)")
    ap.add_argument("--no-write", action="store_true", help="report only; leave the shipped map as it is")
    a = ap.parse_args(argv)
    meta = polnear_articles(a.root, "train")
    t0 = time.perf_counter()
    docs = _docs(a.root, meta, a.cache)
    per_article = [article_examples(a.root, row, doc) for row, doc in zip(meta, docs)]
    every = [x for ex in per_article for x in ex]
    print(f"{len(meta)} articles, {len(every)} quotations in marks inside a gold content, "
          f"{sum(r for _, r in every) / max(1, len(every)):.3f} with the right speaker mention")
    print("raw confidence on all of train:")
    for b, n, share in table(every, None):
        print(f"  {b:8} {n:>6} {share:>7.3f}")
    if a.cv:
        print(f"calibrated, each fold under the map fitted on the others ({a.cv} folds):")
        held_rows: list[tuple[float, int]] = []
        for f in range(a.cv):
            points = fit([x for i, ex in enumerate(per_article) if i % a.cv != f for x in ex])
            held_rows += [(calibrated(c, points), r) for i, ex in enumerate(per_article) if i % a.cv == f
                          for c, r in ex]
        for b, n, share in table(held_rows, None):
            print(f"  {b:8} {n:>6} {share:>7.3f}")
    points = fit(every)
    model = {"version": 1, "points": points, "examples": len(every),
             "trained_on": f"PolNeAR train, {len(meta)} articles"}
    if not a.no_write:
        Path(a.out).write_text(json.dumps(model, indent=0) + "\n", encoding="utf-8")
    print(f"{len(points)} steps" + ("" if a.no_write else f" -> {a.out}") + f" in {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
