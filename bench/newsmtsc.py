#!/usr/bin/env python3
"""NewsMTSC tone benchmark: onrecord's tone model vs the VADER lexicon baseline on both dev sets, and speed.

    python bench/newsmtsc.py ../shared/corpus/newsmtsc [--json OUT.json] [--floor-f1 F]    (make bench-tone)

For each dev set (rw: real-world distribution, 343 targets; mt: sentences with several targets of differing
tone, 442) it prints F1 macro over the three labels and accuracy (``onrecord.evaluate.score_tone``) of
``onrecord.tone`` and of VADER at sentence level (compound >= 0.05 positive, <= -0.05 negative, as VADER's
authors advise; it cannot tell targets apart: the NewsMTSC paper's lexicon baseline). VADER needs
``pip install vaderSentiment``; without it its lines say so. Then onrecord's targets per second on one core,
standalone (tokenising and features included), over every dev target repeated to at least 2 seconds.
``--floor-f1``: exit 1 when onrecord's F1 macro on either dev set is below it (the pinned floor).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import onrecord
from onrecord.evaluate import TONE_POLARITY, score_tone, tone_rows


def _vader() -> Any:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    return SentimentIntensityAnalyzer()


def _vader_label(analyzer: Any, sentence: str) -> str:
    c = analyzer.polarity_scores(sentence)["compound"]
    return "positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", help="the NewsMTSC folder (rw/dev.jsonl, mt/dev.jsonl)")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--floor-f1", type=float, default=0.0)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    vader = _vader()
    out: dict[str, Any] = {"load": os.getloadavg()[0]}
    print(f"load average {out['load']:.2f}; one core")
    print(f"{'set':4} {'system':9} {'f1_macro':>8} {'accuracy':>8} {'n':>5}")
    every = []
    for name in ("rw", "mt"):
        rows = tone_rows(Path(args.root) / name / "dev.jsonl")
        every += rows
        gold = [TONE_POLARITY[r["polarity"]] for r in rows]
        res = {"onrecord": score_tone(gold, [onrecord.tone(r["sentence"], r["from"], r["to"]).label for r in rows])}
        if vader is not None:
            res["vader"] = score_tone(gold, [_vader_label(vader, r["sentence"]) for r in rows])
        for system, s in res.items():
            print(f"{name:4} {system:9} {s['f1_macro']:8.3f} {s['accuracy']:8.3f} {s['n']:5}")
        if vader is None:
            print(f"{name:4} vader     not installed (pip install vaderSentiment)")
        out[name] = res
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 2.0:
        for r in every:
            onrecord.tone(r["sentence"], r["from"], r["to"])
        done += len(every)
    rate = done / (time.perf_counter() - t0)
    out["targets_per_s"] = round(rate, 1)
    print(f"onrecord: {rate:,.0f} targets/s on one core ({done} targets)")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    low = [n for n in ("rw", "mt") if out[n]["onrecord"]["f1_macro"] < args.floor_f1]
    if low:
        print(f"below the floor F1 macro {args.floor_f1} on {', '.join(low)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
