#!/usr/bin/env python3
"""Which PolNeAR attributions the record's "only speech is a quote" rules remove, by rule and by the gold cue's class.

    python bench/speech_only_loss.py ../shared/corpus/polnear --split train [--every N] [--cache FILE]

Issue 23 keeps only what a source said or wrote; PolNeAR also annotates beliefs, perceptions, polls and documents as
attributions. Four rules remove non-speech: in ``reported.said``, a question put to the speaker ("Asked whether ...",
``_put_to``), a fragment in marks whose cue is a verb of thinking or finding only (``_believed``), a finding credited
to a document and no speaker (``_no_one``); in ``quotes.py``, a title-case run in marks (``title_like``). The articles
are parsed once (``load_nlp``, the tagger included, as ingest parses) and analysed (``extract_quotes``, as ingest
analyses) with every rule, with none, and with each one left out; a gold attribution (first annotator, as
``score_polnear``) matched by content overlap (IoU >= 0.5, greedy) without the rules and not with them is a loss,
counted by the rule whose removal brings it back and by its cue's class in ``data/cues.txt`` (speech, belief, frame,
stance; "according to"; other).
Only counts are printed (dev may be run for numbers only: no sentence is printed).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, DocBin

from onrecord.analyse import make_doc
from onrecord.analyse.attribution import cues as at
from onrecord.analyse.attribution import quotes, reported
from onrecord.analyse.attribution.quotes import extract_quotes
from onrecord.clean import segment
from onrecord.evaluate import _chars, overlap_pairs, parse_ann, polnear_articles, polnear_rows, polnear_text_path, trim
from onrecord.nlp import load_nlp

RULES = {"question": (reported, "_put_to"), "belief": (reported, "_believed"), "document": (reported, "_no_one"),
         "title": (quotes, "title_like")}
CLASSES = ("speech", "belief", "frame", "stance")


@contextmanager
def without(rules: list[tuple[Any, str]]) -> Iterator[None]:
    """The rules named (module, attribute) switched off for the block."""
    saved = [(m, n, getattr(m, n)) for m, n in rules]
    off: Callable[..., bool] = lambda *_a, **_k: False  # noqa: E731
    try:
        for m, n in rules:
            setattr(m, n, off)
        yield
    finally:
        for m, n, f in saved:
            setattr(m, n, f)


def gold_of(root: str, split: str, row: dict[str, str], text: str) -> list[dict[str, Any]]:
    """The first annotator's attributions of one article: trimmed content, source and cue spans."""
    ann = os.path.join(root, split, "attributions", f"{row['filename']}_{row['annotators'].split('|')[0]}.ann")
    T, E = parse_ann(ann)
    return [{"content": trim(text, T[e["Content"]][1]),
             "source": trim(text, T[e["Source"]][1]) if e.get("Source") in T else (),
             "cue": trim(text, T[e["Cue"]][1]) if e.get("Cue") in T else ()}
            for e in E if "Content" in e and e["Content"] in T]


def matched(text: str, gold: list[dict[str, Any]], rows: list[dict[str, Any]]) -> set[int]:
    """Indices of the gold attributions a prediction matches by content overlap, as ``score_polnear`` pairs them."""
    mine = [_chars(trim(text, [tuple(s) for s in (r.get("spans") or [[r["start"], r["end"]]])])) for r in rows]
    return {i for i, _ in overlap_pairs([_chars(g["content"]) for g in gold], mine)}


def cue_class(doc: Doc, cue: tuple[tuple[int, int], ...]) -> str:
    """The class of a gold cue in ``data/cues.txt`` (its first verb of the lexicon), "according to", or "other"."""
    if not cue:
        return "none"
    toks = [t for s, e in cue for t in (doc.char_span(s, e, alignment_mode="expand") or [])]
    if any(t.lower_ == "according" for t in toks):
        return "according to"
    for t in toks:
        for cls in CLASSES:
            if at.is_cue(t, (cls,)):
                return cls
    return "other"


def parsed(root: str, split: str, meta: list[dict[str, str]], cache: str | None) -> list[Doc]:
    """The articles parsed as ingest parses them (``load_nlp``, the attribution tagger included)."""
    nlp = load_nlp()
    if cache and Path(cache).exists():
        docs = list(DocBin(store_user_data=True).from_disk(cache).get_docs(nlp.vocab))
        if len(docs) == len(meta):
            return docs
    docs = [nlp(make_doc(nlp, polnear_text_path(root, split, r["filename"]).read_text(encoding="utf-8")))
            for r in meta]
    if cache:
        db = DocBin(store_user_data=True)
        for d in docs:
            db.add(d)
        db.to_disk(cache)
    return docs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", help="the PolNeAR folder (metadata.tsv, train/, dev/)")
    ap.add_argument("--split", default="train", choices=["train", "dev"])
    ap.add_argument("--every", type=int, default=1, help="every Nth article only")
    ap.add_argument("--cache", help="DocBin of the parsed articles (made on first use)")
    a = ap.parse_args(argv)
    meta = polnear_articles(a.root, a.split)[:: a.every]
    t0 = time.process_time()
    docs = parsed(a.root, a.split, meta, a.cache)
    print(f"{len(docs)} {a.split} articles parsed ({time.process_time() - t0:.0f} CPU s)", file=sys.stderr)
    configs = {"all rules": [], "no rule": list(RULES.values()),
               **{f"all but {k}": [v] for k, v in RULES.items()}}
    hits: dict[str, int] = Counter()
    preds: dict[str, int] = Counter()
    lost: dict[tuple[str, str], int] = Counter()
    n_gold = 0
    for row, doc in zip(meta, docs):
        text = doc.text
        gold = gold_of(a.root, a.split, row, text)
        n_gold += len(gold)
        got = {}
        for name, off in configs.items():
            with without(off):
                rows = polnear_rows(row["filename"] + ".txt", extract_quotes(doc, segment(text), strict=True))
            got[name] = matched(text, gold, rows)
            hits[name] += len(got[name])
            preds[name] += len(rows)
        for i in got["no rule"] - got["all rules"]:
            rules = [k for k in RULES if i in got[f"all but {k}"]] or ["together"]
            lost["+".join(rules), cue_class(doc, gold[i]["cue"])] += 1
    print(f"PolNeAR {a.split}: {len(docs)} articles, {n_gold} gold attributions (first annotator)")
    print(f"{'analysis':20}{'predicted':>10}{'matched':>9}{'overlap P':>10}{'overlap R':>10}{'overlap F1':>11}")
    for name in configs:
        p, r = hits[name] / max(preds[name], 1), hits[name] / max(n_gold, 1)
        print(f"{name:20}{preds[name]:>10}{hits[name]:>9}{p:>10.3f}{r:>10.3f}{2 * p * r / (p + r):>11.3f}")
    print("gold attributions matched with no rule and lost with all, by the rule that removes them and the gold cue's "
          "class:")
    classes = sorted({c for _, c in lost})
    print(f"{'rule':20}" + "".join(f"{c:>14}" for c in classes) + f"{'all':>8}")
    for rule in sorted({r for r, _ in lost}):
        print(f"{rule:20}" + "".join(f"{lost[rule, c]:>14}" for c in classes)
              + f"{sum(v for (r, _), v in lost.items() if r == rule):>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
