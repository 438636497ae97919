#!/usr/bin/env python3
"""Precision of onrecord's attributions by confidence on PolNeAR: the curve behind the web UI's default
``min_confidence``.

    python bench/confidence.py ../shared/corpus/polnear --split train --every 5 [--workers 1]

Ingests the texts with the real pipeline (as ``bench/polnear.py`` does), exports every stored quote as one
PolNeAR attribution (the paragraphs of one statement merged, as PolNeAR annotates them, with the statement's
confidence and method) and matches the
rows to the first annotator's attributions per article the way ``onrecord.evaluate.score_polnear`` does:
greedy, best character IoU first, IoU >= 0.5 on the content. A row is *found* when it matches a gold
content and *attributed* when its source span also overlaps the gold source. Prints, for each threshold,
how many rows are kept and the precision of both, for all rows and by method (rules, learned).
``--split train --every 5`` is the tuning sample that ``bench/train_attribution.py`` holds out of training.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from onrecord.evaluate import _chars, parse_ann, polnear_articles, polnear_rows, polnear_text_path, trim
from onrecord.pipeline import ingest
from onrecord.query import MAX_LIMIT, Onrecord
from onrecord.store import Store

THRESHOLDS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]


def predictions(items: list[tuple[str, str]], workers: int | None) -> list[dict[str, Any]]:
    """One PolNeAR row per stored quote with its confidence and method."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from polnear import stored_quote  # the same Quote rebuild as the attribution benchmark

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "articles"
        src.mkdir()
        for name, text in items:
            (src / name).write_text(text, encoding="utf-8")
        with Store(Path(tmp) / "bench.db") as store:
            ingest([str(src)], store, any_language=True, workers=workers)
            api = Onrecord(store)
            for art in api.articles(limit=MAX_LIMIT):
                name = Path(art.source).name
                units: dict[Any, list[Any]] = {}  # the paragraphs of one direct statement form one attribution
                for r in api.all_quotes(article=art.id):
                    key = (r.group, tuple(r.cue_span or ())) if r.group is not None and r.kind == "direct" else r.id
                    units.setdefault(key, []).append(r)
                for unit in units.values():
                    for row in polnear_rows(name, [stored_quote(r) for r in unit], merge_groups=True):
                        rows.append({**row, "confidence": max(r.confidence for r in unit), "method": unit[0].method})
    return rows


def judge(root: str, split: str, meta: list[dict[str, str]], pred: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each prediction with ``found`` (content IoU >= 0.5 with a gold attribution) and ``attributed``."""
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for r in pred:
        by_doc.setdefault(os.path.basename(r["source"]).removesuffix(".txt"), []).append(r)
    out: list[dict[str, Any]] = []
    for row in meta:
        fn = row["filename"]
        text = polnear_text_path(root, split, fn).read_text(encoding="utf-8")
        spans, events = parse_ann(os.path.join(root, split, "attributions",
                                               f"{fn}_{row['annotators'].split('|')[0]}.ann"))
        gold = [{"content": _chars(trim(text, spans[e["Content"]][1])),
                 "source": _chars(trim(text, spans[e["Source"]][1])) if e.get("Source") in spans else set()}
                for e in events if e.get("Content") in spans]
        mine = by_doc.get(fn, [])
        chars = [(_chars(trim(text, [tuple(s) for s in p["spans"]])),
                  _chars(trim(text, [tuple(p["speaker_span"])])) if p.get("speaker_span") else set()) for p in mine]
        pairs = []
        for i, g in enumerate(gold):
            for j, (pc, _) in enumerate(chars):
                inter = len(g["content"] & pc)
                if inter and inter / len(g["content"] | pc) >= 0.5:
                    pairs.append((inter / len(g["content"] | pc), i, j))
        used_g: set[int] = set()
        matched: dict[int, int] = {}
        for _, i, j in sorted(pairs, reverse=True):
            if i not in used_g and j not in matched:
                used_g.add(i)
                matched[j] = i
        for j, p in enumerate(mine):
            found = j in matched
            gs, ps = (gold[matched[j]]["source"], chars[j][1]) if found else (set(), set())
            out.append({"confidence": p["confidence"], "method": p["method"], "found": found,
                        "attributed": found and ((not gs and not ps) or bool(gs & ps))})
    return out


def _share(rows: list[dict[str, Any]], key: str) -> float | None:
    return round(sum(r[key] for r in rows) / len(rows), 3) if rows else None


def curve(judged: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """At each threshold: rows kept, their precision (found) and attribution precision, and the attribution
    precision of the band from this threshold to the next (how often an item just above the cut is right)."""
    out = []
    for t, nxt in zip(THRESHOLDS, [*THRESHOLDS[1:], 2.0]):
        kept = [r for r in judged if r["confidence"] >= t]
        band = [r for r in kept if r["confidence"] < nxt]
        out.append({"min_confidence": t, "kept": len(kept), "precision": _share(kept, "found"),
                    "attribution_precision": _share(kept, "attributed"), "band": len(band),
                    "band_attribution_precision": _share(band, "attributed")})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", help="the PolNeAR folder (metadata.tsv, train/, dev/)")
    ap.add_argument("--split", default="train", choices=["train", "dev"])
    ap.add_argument("--every", type=int, default=5, help="every Nth article (train 5: the held-out tuning sample)")
    ap.add_argument("--limit", type=int, default=0, help="first N articles only (0: all)")
    ap.add_argument("--workers", type=int, default=None, help="onrecord's analysis processes (default: auto)")
    ap.add_argument("--json", help="also write the curves to this file")
    a = ap.parse_args(argv)
    meta = polnear_articles(a.root, a.split)
    if a.every:
        meta = meta[:: a.every]
    if a.limit:
        meta = meta[: a.limit]
    items = [(r["filename"] + ".txt", polnear_text_path(a.root, a.split, r["filename"]).read_text(encoding="utf-8"))
             for r in meta]
    judged = judge(a.root, a.split, meta, predictions(items, a.workers))
    curves = {"all": curve(judged)}
    for method in sorted({r["method"] for r in judged}):
        curves[method] = curve([r for r in judged if r["method"] == method])
    print(f"PolNeAR {a.split}" + (f", every {a.every}th article" if a.every else "") + f": {len(items)} articles, "
          f"{len(judged)} predicted attributions")
    for name, rows in curves.items():
        print(f"\n{name}: min_confidence  kept  precision  attribution precision   band  band attribution precision")
        for r in rows:
            print(f"{'':6}{r['min_confidence']:>9.1f} {r['kept']:>5} {r['precision'] or 0:>10.3f} "
                  f"{r['attribution_precision'] or 0:>12.3f} {r['band']:>14} "
                  f"{r['band_attribution_precision'] or 0:>12.3f}")
    if a.json:
        Path(a.json).write_text(json.dumps({"split": a.split, "every": a.every, "articles": len(items),
                                            "curves": curves}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
