#!/usr/bin/env python3
"""Train the tone model of ``onrecord.analyse.tone`` on NewsMTSC train; writes src/onrecord/data/tone_model.json.

    python bench/train_tone.py ../shared/corpus/newsmtsc [--out FILE]     (make train-tone)

Softmax regression over the binary target-masked features of ``analyse.tone.features``: features seen in fewer than
``--min-count`` training targets are dropped; classes are weighted inversely to their frequency (the measure is
F1 macro); L2-regularised, fitted with full-batch Adam from zero weights in numpy: deterministic, about a minute
on one core. The dev sets are not read here (``bench/newsmtsc.py`` scores them). The file holds feature names
(words and word pairs of the training sentences, as features) and weights only.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from onrecord.analyse.tone.features import features
from onrecord.evaluate import tone_rows
from onrecord.models import TONE_LABELS

OUT = Path(__file__).resolve().parent.parent / "src" / "onrecord" / "data" / "tone_model.json"


def fit(feats: list[list[str]], y: np.ndarray, min_count: int, l2: float, steps: int, lr: float
        ) -> tuple[list[str], np.ndarray]:
    """Feature names kept and their (n_features, 3) weights."""
    seen = Counter(f for fs in feats for f in set(fs))
    names = sorted(f for f, c in seen.items() if c >= min_count)
    index = {f: i for i, f in enumerate(names)}
    rows, cols, vals = [], [], []
    for i, fs in enumerate(feats):
        for j in sorted({index[f] for f in fs if f in index}):  # present or not: counts add nothing on dev
            rows.append(i)
            cols.append(j)
            vals.append(1.0)
    r, c, v = np.array(rows), np.array(cols), np.array(vals)
    n, k, m = len(feats), len(TONE_LABELS), len(names)
    sample_w = (n / (k * np.bincount(y, minlength=k)))[y] / n
    onehot = np.eye(k)[y]
    w = np.zeros((m, k))
    mom, var = np.zeros_like(w), np.zeros_like(w)
    for step in range(1, steps + 1):
        z = np.stack([np.bincount(r, weights=v * w[c, j], minlength=n) for j in range(k)], 1)
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        g_rows = (p - onehot) * sample_w[:, None]
        grad = np.stack([np.bincount(c, weights=v * g_rows[r, j], minlength=m) for j in range(k)], 1) + l2 * w
        mom = 0.9 * mom + 0.1 * grad
        var = 0.999 * var + 0.001 * grad * grad
        w -= lr * (mom / (1 - 0.9 ** step)) / (np.sqrt(var / (1 - 0.999 ** step)) + 1e-8)
        if step % 50 == 0:
            loss = -np.sum(sample_w * np.log(p[np.arange(n), y] + 1e-12))
            print(f"step {step}: weighted loss {loss:.4f}", file=sys.stderr)
    return names, w


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", help="the NewsMTSC folder (with rw/train.jsonl)")
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--l2", type=float, default=1e-2)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--lr", type=float, default=0.05)
    args = ap.parse_args()
    t0 = time.perf_counter()
    rows = tone_rows(Path(args.root) / "rw" / "train.jsonl")
    feats = [features(r["sentence"], r["from"], r["to"]) for r in rows]
    y = np.array([r["polarity"] + 1 for r in rows])
    names, w = fit(feats, y, args.min_count, args.l2, args.steps, args.lr)
    keep = np.abs(w).max(1) >= 1e-4  # weights that cannot move a prediction are left out of the file
    model = {"labels": list(TONE_LABELS), "trained_on": "NewsMTSC rw/train.jsonl", "n_train": len(rows),
             "params": {"min_count": args.min_count, "l2": args.l2, "steps": args.steps, "lr": args.lr},
             "weights": {f: [round(float(x), 4) for x in w[i]] for i, f in enumerate(names) if keep[i]}}
    Path(args.out).write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n",
                              encoding="utf-8")
    print(f"{len(rows)} targets, {int(keep.sum())} of {len(names)} features kept, "
          f"{Path(args.out).stat().st_size / 1e6:.1f} MB, {time.perf_counter() - t0:.0f} s -> {args.out}")


if __name__ == "__main__":
    main()
