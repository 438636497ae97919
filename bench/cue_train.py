#!/usr/bin/env python3
"""Speaker mentions of quotations in marks against PolNeAR train's gold sources, for reading cue-finding errors.

    python bench/cue_train.py ../shared/corpus/polnear [--every 6] [--cache PARSED.spacy] [--out ROWS.jsonl]
                              [--against OLD_ROWS.jsonl] [--show N]

Every ``--every``-th PolNeAR **train** article (article i with i % every == 0, metadata order; train only: dev is
read as numbers only) is analysed with ``extract_quotes`` (the analysis ingest runs, without the store). Each
quotation found in quote marks is paired with the first annotator's attribution whose content overlaps it most
and has a Source; it counts as right when its speaker mention overlaps that Source span. ``--out`` writes one row
per paired quotation (offsets, the cue, right or not: no article text); ``--against`` compares with an earlier
run's rows and prints how many quotations changed speaker mention and how many of those are right before → after.
The PolNeAR train articles of the speaker dev gold (``tests/fixtures/speaker_dev/articles.json``) are left out: dev
is read as numbers only.
``--show N`` prints N changed (or, without ``--against``, wrong) rows with their sentence, for reading.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from onrecord.evaluate import parse_ann, polnear_articles

MARKS = "“”\"‘’'"
DEV_ARTICLES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "speaker_dev" / "articles.json"


def dev_gold_ids() -> set[str]:
    """The article ids of the speaker dev gold (never read here)."""
    with open(DEV_ARTICLES, encoding="utf-8") as f:
        return {a["id"].removesuffix(".txt") for a in json.load(f)}


def gold_sources(root: str, row: dict[str, str]) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """(content spans, source span) of the first annotator's attributions that have a Source."""
    fn, ann = row["filename"], row["annotators"].split("|")[0]
    T, E = parse_ann(Path(root) / "train" / "attributions" / f"{fn}_{ann}.ann")
    out = []
    for e in E:
        src, content = T.get(e.get("Source", "")), T.get(e.get("Content", ""))
        if src and content:
            out.append((content[1], (src[1][0][0], src[1][-1][1])))
    return out


def in_marks(text: str, s: int, e: int) -> bool:
    """Whether the quotation [s, e) is written between quote marks."""
    return s > 0 and text[s - 1] in MARKS


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def rows_for(root: str, every: int, cache: str | None) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The paired quotations of the drawn train articles, and the drawn texts by article."""
    from attribution_data import parsed

    from onrecord.analyse.attribution.quotes import extract_quotes
    from onrecord.clean import segment

    meta = polnear_articles(root, "train")
    docs = parsed(root, "train", meta, cache)
    rows: list[dict[str, Any]] = []
    texts: dict[str, str] = {}
    dev = dev_gold_ids()
    for i, (row, doc) in enumerate(zip(meta, docs)):
        if i % every or row["filename"] in dev:
            continue
        text = doc.text
        texts[row["filename"]] = text
        gold = gold_sources(root, row)
        for q in extract_quotes(doc, segment(text)):
            if not in_marks(text, q.start, q.end):
                continue
            best = max(gold, key=lambda g: sum(overlap((q.start, q.end), c) for c in g[0]), default=None)
            if best is None or not sum(overlap((q.start, q.end), c) for c in best[0]):
                continue
            sp = tuple(q.speaker_span) if q.speaker_span else None
            rows.append({"article": row["filename"], "start": q.start, "end": q.end, "kind": q.kind,
                         "gold_source": list(best[1]), "speaker_span": list(sp) if sp else None,
                         "speaker": q.speaker, "cue_span": list(q.cue_span) if q.cue_span else None,
                         "right": sp is not None and overlap(sp, best[1]) > 0})
    return rows, texts


def show(r: dict[str, Any], texts: dict[str, str], old: dict[str, Any] | None = None) -> None:
    """One row with the text around the quotation's end, the gold source and the mentions (for reading train)."""
    t = texts[r["article"]]
    g = r["gold_source"]
    lo, hi = max(0, min(r["start"], g[0]) - 40), min(len(t), max(r["end"], g[1]) + 60)
    ctx = t[lo:hi].replace("\n", " / ")
    mine = t[r["speaker_span"][0]:r["speaker_span"][1]] if r["speaker_span"] else None
    was = t[old["speaker_span"][0]:old["speaker_span"][1]] if old and old["speaker_span"] else None
    print(f"- {r['article']} [{r['start']}:{r['end']}] gold={t[g[0]:g[1]]!r} now={mine!r} ({r['speaker']})"
          + (f" was={was!r}" if old else "") + f"\n    {ctx[:600]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", help="the PolNeAR folder (metadata.tsv, train/)")
    ap.add_argument("--every", type=int, default=6, help="every Nth train article (default 6: 140 articles)")
    ap.add_argument("--cache", help="DocBin of all parsed train articles (bench/polnear.py --cache makes the same)")
    ap.add_argument("--out", help="write the paired rows here (JSONL, offsets only)")
    ap.add_argument("--against", help="an earlier run's rows: count the changes")
    ap.add_argument("--show", type=int, default=0, help="print this many changed (or wrong) rows for reading")
    a = ap.parse_args(argv)
    rows, texts = rows_for(a.root, a.every, a.cache)
    right = sum(r["right"] for r in rows)
    print(f"{len(texts)} train articles, {len(rows)} quotations in marks paired with a gold source, "
          f"speaker mention right {right} ({right / max(1, len(rows)):.3f})")
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r) + "\n")
    if a.against:
        with open(a.against, encoding="utf-8") as f:
            old = {(r["article"], r["start"], r["end"]): r for r in map(json.loads, f)}
        new = {(r["article"], r["start"], r["end"]): r for r in rows}
        changed = [k for k in new if k in old and new[k]["speaker_span"] != old[k]["speaker_span"]]
        print(f"paired in both: {sum(k in old for k in new)}, only before: {sum(k not in new for k in old)}, "
              f"only after: {sum(k not in old for k in new)}")
        before, after = sum(old[k]["right"] for k in changed), sum(new[k]["right"] for k in changed)
        print(f"speaker mention changed: {len(changed)}; right among them before {before} -> after {after}")
        for k in changed[:a.show]:
            show(new[k], texts, old[k])
    else:
        for r in [r for r in rows if not r["right"]][:a.show]:
            show(r, texts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
