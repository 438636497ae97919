#!/usr/bin/env python3
"""PolNeAR attribution benchmark: onrecord's quotations vs the textacy baseline, side by side.

    python bench/polnear.py ../shared/corpus/polnear --split dev [--limit N] [--out DIR] [--every-attribution]
    python bench/polnear.py ../shared/corpus/polnear --split dev --no-textacy --floors [--every-attribution]
    python bench/polnear.py ../shared/corpus/polnear --cv 5 [--cache /tmp/polnear_train.spacy]

onrecord ingests the texts through its real pipeline (read, clean, parse, analyse, link, store into a temporary
SQLite file) and its quotes are read back from the store; the baseline runs on the same texts with the same
spaCy model (``onrecord.nlp.load_nlp``): it is the code of ``shared/tools/baseline_textacy.py``
(``direct_quotations``). Both prediction files are written to --out and scored with
``onrecord.evaluate.score_polnear``, which gives the numbers of ``shared/tools/score_polnear.py``. Needs
``pip install textacy`` (the "bench" extra).

``--floors`` (the whole dev split) exits 1 when a figure of onrecord is below its floor in ``FLOORS``, one set for
the record and one for ``--every-attribution``.

``--cv K`` is k-fold cross-validation on PolNeAR train, so that a change to the rules or the learned models is
judged on articles it was neither trained nor written from: article i is in fold i % K (metadata order); for each
fold the learned models are retrained on the other folds (``train_attribution.train``, the shipped settings) and
the fold's articles are analysed with them (``extract_quotes`` on the parsed text: the analysis that ingest runs,
without the store). It prints the same figures per fold, and their mean. Parsed articles are kept in ``--cache``.

``--model DIR`` scores the attribution tagger of ``make train-attribution`` (``bench/attribution_model.py``) on the
parsed articles of the split (``--every``/``--limit`` apply; ``--cache`` keeps the parse): rules-only (the
analysis without the store, as ``--cv`` runs it), model-only, combined (the model decides non-direct
attributions' content and cue), combined+added (also the model's attributions the rules lack), model cue only
(the rules' rows with the model's cue) and shipped (the record's own analysis with the tagger's spans on the doc,
as ``load_nlp``'s ``onrecord_attribution_v1`` puts them), in one table; ``--every-attribution`` applies.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from onrecord.evaluate import (
    polnear_articles,
    polnear_rows,
    polnear_text_path,
    score_polnear,
)
from onrecord.models import Quote
from onrecord.nlp import load_nlp
from onrecord.pipeline import ingest
from onrecord.query import MAX_LIMIT, Onrecord
from onrecord.store import Store

# PolNeAR dev F1 floors of the record (only what was said or written) and of --every-attribution, with the attribution
# tagger's cue and without reported quotes whose source is missing or points back unresolved (issue 23, measured
# 2026-12-07); --floors exits 1 below them (the whole dev split only). The record's content overlap, source and linked
# floors were lowered on 2026-12-08 (issue 23, sixth round) to what the record scores once it leaves out what PolNeAR
# annotates but no one said: a finding credited to a document, a question put to the speaker, a belief-only fragment,
# a title in quote marks (bench/speech_only_loss.py: 1.2% of PolNeAR train's gold and 1.3% of dev's, by those kinds).
FLOORS = {"record": {"content_exact": 0.450, "content_overlap": 0.554, "source_exact": 0.581, "cue_exact": 0.526,
                     "attribution": 0.508},
          "every": {"content_exact": 0.519, "content_overlap": 0.696, "source_exact": 0.708, "cue_exact": 0.595,
                    "attribution": 0.620}}
METRICS = [("content exact F1", "content_exact"), ("content overlap F1", "content_overlap"),
           ("source exact F1", "source_exact"), ("cue exact F1", "cue_exact"),
           ("linked attribution F1", "attribution")]


def run_onrecord(items: list[tuple[str, str]], merge_groups: bool, workers: int | None
                 ) -> tuple[list[dict], list[dict], float]:
    """Ingest the texts with onrecord's real pipeline (read, clean, parse, analyse, link, store into a temporary
    SQLite file), read the quotes back from the store, and return the PolNeAR rows (merged groups and per
    paragraph) and articles/s of the whole ingest."""
    merged: list[dict] = []
    split: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "articles"
        src.mkdir()
        for name, text in items:
            (src / name).write_text(text, encoding="utf-8")
        with Store(Path(tmp) / "bench.db") as store:
            t0 = time.perf_counter()
            report = ingest([str(src)], store, any_language=True, workers=workers)
            dt = time.perf_counter() - t0
            if not report.ok:
                print(f"ingest failures: {[e.reason for e in report.events if e.status == 'failed']}", file=sys.stderr)
            api = Onrecord(store)
            for art in api.articles(limit=MAX_LIMIT):
                name = Path(art.source).name
                quotes = [stored_quote(r) for r in api.all_quotes(article=art.id)]
                merged += polnear_rows(name, quotes, merge_groups=True)
                split += polnear_rows(name, quotes, merge_groups=False)
    speed = len(items) / dt
    return (merged, split, speed) if merge_groups else (split, merged, speed)


def stored_quote(r: Any) -> Quote:
    """A Quote rebuilt from a stored quote record (the fields the PolNeAR export reads)."""
    def pair(v: Any) -> tuple[int, int] | None:
        return (int(v[0]), int(v[1])) if v else None

    return Quote(start=r.start, end=r.end, text=r.text, kind=r.kind, spans=[pair(x) for x in r.spans or []],
                 speaker_span=pair(r.speaker_span), cue_span=pair(r.cue_span), clause_span=pair(r.clause_span),
                 group=r.group, method=r.method)


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
        except Exception:  # the baseline raises on some articles; counted, as the tool does
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


def cross_validate(root: str, k: int, cache: str | None, merge_groups: bool = True,
                   log: Any = sys.stderr) -> list[dict[str, Any]]:
    """K-fold cross-validation on PolNeAR train: per fold, the scores of ``score_polnear`` on the fold's articles
    with the learned models retrained on the other folds."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from attribution_data import parsed
    from train_attribution import article_examples, concat, train

    from onrecord.analyse.attribution.quotes import extract_quotes
    from onrecord.clean import segment

    meta = polnear_articles(root, "train")
    t0 = time.perf_counter()
    docs = parsed(root, "train", meta, cache)
    print(f"{len(docs)} train articles parsed in {time.perf_counter() - t0:.0f}s", file=log)
    per_article = [article_examples(root, row, doc) for row, doc in zip(meta, docs)]
    out = []
    for f in range(k):
        t0 = time.perf_counter()
        model = train(concat([ex for i, ex in enumerate(per_article) if i % k != f]))
        rows: list[dict] = []
        held = [i for i in range(len(meta)) if i % k == f]
        for i in held:
            doc = docs[i]
            quotes = extract_quotes(doc, segment(doc.text), model=model)
            rows += polnear_rows(meta[i]["filename"] + ".txt", quotes, merge_groups=merge_groups)
        out.append(score_polnear(root, "train", rows, {meta[i]["filename"] for i in held}))
        print(f"fold {f + 1}/{k}: {len(held)} articles in {time.perf_counter() - t0:.0f}s", file=log)
    return out


def print_cv(results: list[dict[str, Any]]) -> None:
    """The per-fold table and the mean of each figure (F1; the mean is over folds)."""
    k = len(results)
    print(f"PolNeAR train, {k}-fold cross-validation ({sum(r['articles'] for r in results)} articles)")
    print(f"{'metric':24}" + "".join(f"{'fold ' + str(i + 1):>9}" for i in range(k)) + f"{'mean':>9}")
    for label, key in METRICS:
        vals = [r[key][2] for r in results]
        print(f"{label:24}" + "".join(f"{v:>9.3f}" for v in vals) + f"{sum(vals) / k:>9.3f}")
    print(json.dumps({"folds": results, "mean": {key: round(sum(r[key][2] for r in results) / k, 4)
                                                 for _label, key in METRICS}}))


def compare_model(root: str, split: str, meta: list[dict], model_dir: str, cache: str | None,
                  merge_groups: bool = True, marginal: bool = False, speech_only: bool = True,
                  log: Any = sys.stderr) -> dict[str, dict[str, Any]]:
    """Rules-only, model-only, combined, combined+added, model cue only and shipped (the record's analysis with
    the tagger's spans on the doc) scores on the same parsed articles."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from attribution_data import parsed
    from attribution_model import combine, link, load, model_rows, predict

    from onrecord.analyse.attribution.quotes import extract_quotes
    from onrecord.analyse.attribution.tagged import ROLES, SPAN_GROUPS
    from onrecord.clean import segment

    t0 = time.perf_counter()
    docs = parsed(root, split, meta, cache)
    print(f"{len(docs)} {split} articles parsed in {time.perf_counter() - t0:.0f}s", file=log)
    model = load(model_dir)
    rows: dict[str, list[dict]] = {"rules": [], "model": [], "combined": [], "combined+added": [], "model cue only": [],
                                   "shipped": []}
    secs = {k: 0.0 for k in rows}
    for row, doc in zip(meta, docs):
        name = row["filename"] + ".txt"
        for group in SPAN_GROUPS.values():
            doc.spans.pop(group, None)  # the rules alone
        t0 = time.perf_counter()
        rule = polnear_rows(name, extract_quotes(doc, segment(doc.text), speech_only=speech_only),
                            merge_groups=merge_groups)
        secs["rules"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        spans, _conf = predict(model, doc, marginal)
        atts = link(doc, spans)
        secs["model"] += time.perf_counter() - t0
        rows["rules"] += rule
        rows["model"] += model_rows(name, atts)
        rows["combined"] += combine(name, rule, atts)
        rows["combined+added"] += combine(name, rule, atts, add=True)
        rows["model cue only"] += combine(name, rule, atts, cue_only=True)
        for role in ROLES:  # as the onrecord_attribution_v1 component puts them
            doc.spans[SPAN_GROUPS[role]] = [doc[a:b] for a, b in spans[role]]
        rows["shipped"] += polnear_rows(name, extract_quotes(doc, segment(doc.text), speech_only=speech_only),
                                        merge_groups=merge_groups)
    print(f"analysis s/article: rules {secs['rules'] / len(docs):.4f}, tagger+linking "
          f"{secs['model'] / len(docs):.4f}", file=log)
    only = {r["filename"] for r in meta}
    return {k: score_polnear(root, split, v, only) for k, v in rows.items()}


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
    ap.add_argument("--workers", type=int, default=None, help="onrecord's analysis processes (default: auto)")
    ap.add_argument("--cv", type=int, default=0, help="K-fold cross-validation on train (retrains the learned models)")
    ap.add_argument("--cache", help="with --cv or --model: DocBin of the parsed articles (made on first use)")
    ap.add_argument("--model", help="the attribution tagger (make train-attribution): rules, model and combined")
    ap.add_argument("--every-attribution", action="store_true",
                    help="store what articles attribute without anyone saying it too, as PolNeAR annotates "
                         "(ONRECORD_SPEECH_ONLY=0; the record's default keeps only what was said or written)")
    ap.add_argument("--marginal", action="store_true", help="with --model: decode each role by its marginal")
    ap.add_argument("--floors", action="store_true",
                    help="exit 1 when a figure of onrecord on the whole dev split is below its floor (FLOORS)")
    a = ap.parse_args(argv)
    if a.floors and (a.split != "dev" or a.limit or a.every or a.model or a.cv or a.per_paragraph):
        ap.error("--floors scores the whole dev split, merged groups, with the shipped analysis only")
    if a.cv:
        if a.cv < 2:
            ap.error("--cv needs at least 2 folds")
        print_cv(cross_validate(a.root, a.cv, a.cache, merge_groups=not a.per_paragraph))
        return 0
    meta = polnear_articles(a.root, a.split)
    if a.every:
        meta = meta[:: a.every]
    if a.limit:
        meta = meta[: a.limit]
    if a.model:
        res = compare_model(a.root, a.split, meta, a.model, a.cache, merge_groups=not a.per_paragraph,
                            marginal=a.marginal, speech_only=not a.every_attribution)
        print(f"PolNeAR {a.split}: {len(meta)} articles (parsed once; analysis without the store)")
        print(f"{'metric':24}" + "".join(f"{n:>16}" for n in res))
        for label, key in METRICS:
            print(f"{label:24}" + "".join(f"{res[n][key][2]:>16.3f}" for n in res))
        print(json.dumps(res))
        return 0
    if a.every_attribution:  # before any analysis worker starts: they read the setting from the environment
        os.environ["ONRECORD_SPEECH_ONLY"] = "0"
    items = [(r["filename"] + ".txt", polnear_text_path(a.root, a.split, r["filename"]).read_text(encoding="utf-8"))
             for r in meta]
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    ours, other, ours_speed = run_onrecord(items, merge_groups=not a.per_paragraph, workers=a.workers)
    _write(out / "onrecord.jsonl", ours)
    only = {r["filename"] for r in meta} if a.limit or a.every else None
    results = {"onrecord": (score_polnear(a.root, a.split, ours, only), ours_speed)}
    alt = score_polnear(a.root, a.split, other, only)
    if not a.no_textacy:
        nlp = load_nlp()
        nlp("warm up")
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
    print(f"{'articles/s (ingest)':24}" + "".join(f"{results[n][1]:>12.2f}" for n in names))
    other_name = "merged groups" if a.per_paragraph else "per paragraph"
    print(f"(onrecord with {other_name}: attribution F1 {alt['attribution'][2]:.3f}, "
          f"content overlap F1 {alt['content_overlap'][2]:.3f})")
    print(json.dumps({n: results[n][0] for n in names}))
    if a.floors:
        floors = FLOORS["every" if a.every_attribution else "record"]
        low = {k: results["onrecord"][0][k][2] for k, v in floors.items() if results["onrecord"][0][k][2] < v}
        if low:
            print(f"below the floors {floors}: {low}", file=sys.stderr)
            return 1
        print("floors: every figure at or above " + " ".join(f"{k}={v}" for k, v in floors.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
