#!/usr/bin/env python3
"""PolNeAR attribution benchmark: onrecord's quotations vs the textacy baseline, side by side.

    python bench/polnear.py ../shared/corpus/polnear --split dev [--limit N] [--out DIR]

Both systems run on the same texts with the same spaCy model (loaded once by ``onrecord.nlp.load_nlp``);
the textacy baseline is the code of ``shared/tools/baseline_textacy.py`` (``direct_quotations``). Both
prediction files are written to --out and scored with ``onrecord.evaluate.score_polnear``, which gives the
numbers of ``shared/tools/score_polnear.py``. Needs ``pip install textacy`` (the "bench" extra).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from onrecord.analyse.quotes import extract_quotes
from onrecord.clean import segment
from onrecord.evaluate import (
    polnear_articles,
    polnear_rows,
    polnear_text_path,
    score_polnear,
)
from onrecord.nlp import load_nlp

METRICS = [("content exact F1", "content_exact"), ("content overlap F1", "content_overlap"),
           ("source exact F1", "source_exact"), ("cue exact F1", "cue_exact"),
           ("linked attribution F1", "attribution")]


def run_onrecord(nlp: Any, items: list[tuple[str, str]], merge_groups: bool,
                 learned: bool = True) -> tuple[list[dict], list[dict], float]:
    """onrecord rows (merged groups and per paragraph) and articles/s of parse + segment + extract_quotes
    (with the learned attributions of ``onrecord.analyse.learned`` unless ``learned`` is False)."""
    merged: list[dict] = []
    split: list[dict] = []
    t0 = time.perf_counter()
    for name, text in items:
        doc = nlp(text)
        quotes = extract_quotes(doc, segment(text), learned=learned)
        merged += polnear_rows(name, quotes, merge_groups=True)
        split += polnear_rows(name, quotes, merge_groups=False)
    dt = time.perf_counter() - t0
    return (merged, split, len(items) / dt) if merge_groups else (split, merged, len(items) / dt)


def run_textacy(nlp: Any, items: list[tuple[str, str]]) -> tuple[list[dict], float, int]:
    """The peer baseline (textacy ``direct_quotations``), as in shared/tools/baseline_textacy.py."""
    from textacy.extract.triples import direct_quotations

    rows: list[dict] = []
    errs = 0
    t0 = time.perf_counter()
    for name, text in items:
        doc = nlp(text)
        try:
            triples = list(direct_quotations(doc))
        except Exception:  # noqa: BLE001 - the baseline raises on some articles; counted, as the tool does
            errs += 1
            continue
        for t in triples:
            c = t.content
            rows.append({
                "source": name, "start": c[0].idx if hasattr(c, "__getitem__") else c.start_char,
                "end": c[-1].idx + len(c[-1]), "text": c.text if hasattr(c, "text") else "",
                "speaker": " ".join(x.text for x in t.speaker),
                "speaker_span": [t.speaker[0].idx, t.speaker[-1].idx + len(t.speaker[-1])] if t.speaker else None,
                "cue_span": [t.cue[0].idx, t.cue[-1].idx + len(t.cue[-1])] if t.cue else None})
    return rows, len(items) / (time.perf_counter() - t0), errs


def _write(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", help="the PolNeAR folder (metadata.tsv, train/, dev/)")
    ap.add_argument("--split", default="dev", choices=["train", "dev"])
    ap.add_argument("--limit", type=int, default=0, help="first N articles only (0: all)")
    ap.add_argument("--every", type=int, default=0,
                    help="every Nth article only (train --every 5: the tuning sample train_attribution.py holds out)")
    ap.add_argument("--out", default="bench/out", help="folder for the two prediction files")
    ap.add_argument("--per-paragraph", action="store_true",
                    help="export each paragraph of a multi-paragraph quote as its own attribution")
    ap.add_argument("--no-textacy", action="store_true", help="skip the baseline")
    ap.add_argument("--rules-only", action="store_true", help="without the learned attributions (learned.py)")
    a = ap.parse_args(argv)
    meta = polnear_articles(a.root, a.split)
    if a.every:
        meta = meta[:: a.every]
    if a.limit:
        meta = meta[: a.limit]
    items = [(r["filename"] + ".txt", polnear_text_path(a.root, a.split, r["filename"]).read_text(encoding="utf-8"))
             for r in meta]
    nlp = load_nlp()
    nlp("warm up")
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    ours, other, ours_speed = run_onrecord(nlp, items, merge_groups=not a.per_paragraph, learned=not a.rules_only)
    _write(out / "onrecord.jsonl", ours)
    only = {r["filename"] for r in meta} if a.limit or a.every else None
    results = {"onrecord": (score_polnear(a.root, a.split, ours, only), ours_speed)}
    alt = score_polnear(a.root, a.split, other, only)
    if not a.no_textacy:
        base, base_speed, errs = run_textacy(nlp, items)
        _write(out / "textacy.jsonl", base)
        results["textacy"] = (score_polnear(a.root, a.split, base, only), base_speed)
        if errs:
            print(f"textacy raised on {errs} articles", file=sys.stderr)
    names = list(results)
    print(f"PolNeAR {a.split}: {len(items)} articles" + (" (scored on these only)" if only else ""))
    print(f"{'metric':24}" + "".join(f"{n:>12}" for n in names))
    for label, key in METRICS:
        print(f"{label:24}" + "".join(f"{results[n][0][key][2]:>12.3f}" for n in names))
    print(f"{'articles/s':24}" + "".join(f"{results[n][1]:>12.2f}" for n in names))
    other_name = "merged groups" if a.per_paragraph else "per paragraph"
    print(f"(onrecord with {other_name}: attribution F1 {alt['attribution'][2]:.3f}, "
          f"content overlap F1 {alt['content_overlap'][2]:.3f})")
    print(json.dumps({n: results[n][0] for n in names}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
