#!/usr/bin/env python3
"""Descriptor precision on unseen articles: builds a store from ../shared (two disjoint sets, each PolNeAR
TRAIN texts plus article_extraction gold bodies), scores the stored descriptors against the judged gold in
tests/fixtures/descriptor_precision/ and prints precision by set and by error kind.

    python bench/descriptor_precision.py ../shared [--set A|B] [--gold FILE] [--min-confidence X]
        [--floor 0.90] [--dump OUT.jsonl] [--workers 1] [--store PREFIX]

Set A may be read for errors and calibrates the confidence; set B is read as numbers only. ``--dump`` writes
every stored descriptor (unjudged ones included) with its sentence, for judging new output. Run it with
``PYTHONPATH=<an older checkout>/src`` to get the figures before a change: the gold holds the judgements of
both outputs. Exits 1 when set B's precision at the web's cut is below ``--floor``.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

POLNEAR_EVERY = 28  # set A takes PolNeAR train articles 3, 31, 59, ...; set B 17, 45, 73, ... (sorted by name)
SETS = {"A": (3, 0), "B": (17, 1)}  # (PolNeAR offset, article_extraction parity)
PER_SET = {"polnear": 25, "article_extraction": 15}


def articles(shared: Path, which: str) -> list[dict[str, Any]]:
    """The articles of set ``which``: PolNeAR train texts with their outlet and date, and English
    article_extraction bodies (detected as English by the ingest's own check)."""
    from onrecord.ingest.language import detect_language

    off, parity = SETS[which]
    root = shared / "corpus" / "polnear"
    with open(root / "metadata.tsv", encoding="utf-8") as f:
        meta = {r["filename"]: r for r in csv.DictReader(f, delimiter="\t") if r["compartment"] == "train"}
    names = sorted(p.stem for p in (root / "train" / "text").glob("*.txt"))
    out = []
    for name in names[off::POLNEAR_EVERY][:PER_SET["polnear"]]:
        m = meta.get(name, {})
        out.append({"text": (root / "train" / "text" / f"{name}.txt").read_text(encoding="utf-8"),
                    "outlet": m.get("publisher") or None, "date": m.get("publication_date") or None,
                    "source": f"polnear/train/{name}"})
    gt = json.loads((shared / "corpus" / "article_extraction" / "ground-truth.json").read_text(encoding="utf-8"))
    picked = 0
    for i, key in enumerate(sorted(gt)):
        body = gt[key]["articleBody"]
        if i % 2 != parity or detect_language(body) != "en" or len(body) < 800:
            continue
        out.append({"text": body, "outlet": gt[key].get("url", "").split("/")[2] if "//" in gt[key].get("url", "")
                    else None, "source": f"article_extraction/{key}"})
        picked += 1
        if picked == PER_SET["article_extraction"]:
            break
    return out


def stored(which: str, items: list[dict[str, Any]], workers: int | None, keep: str | None = None
           ) -> list[dict[str, Any]]:
    """Ingest the set into a fresh store (kept at ``keep`` when given) and return every descriptor the entity
    step stored."""
    from onrecord.pipeline import ingest_articles
    from onrecord.store import Store

    by_text = {}
    with tempfile.TemporaryDirectory() as tmp:
        with Store(keep or str(Path(tmp) / "bench.db")) as store:
            ingest_articles([{k: v for k, v in it.items() if k != "source"} for it in items], store,
                            any_language=True, workers=workers)
            from onrecord.store.ids import article_id
            by_text = {article_id(it["text"]): it for it in items}
            cols = {r[1] for r in store.conn.execute("PRAGMA table_info(entity_descriptors)")}
            conf = "d.confidence" if "confidence" in cols else "NULL"
            rows = store.conn.execute(
                f'SELECT d.article_id, e.name, d.text, d.start, d."end", d.kind, {conf} FROM entity_descriptors d '
                "JOIN article_entities e ON e.article_id = d.article_id AND e.n = d.n ORDER BY 1, 4").fetchall()
    out = []
    for aid, name, text, start, end, kind, c in rows:
        it = by_text.get(aid)
        if it is None:
            continue
        out.append({"set": which, "source": it["source"], "article_id": aid, "entity": name, "start": start,
                    "end": end, "text": text, "kind": kind, "confidence": c, "_doc": it["text"]})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shared", help="the shared data folder (holds corpus/polnear and corpus/article_extraction)")
    ap.add_argument("--set", choices=sorted(SETS), action="append", help="one set (default: both)")
    ap.add_argument("--gold", default=str(Path(__file__).resolve().parent.parent / "tests" / "fixtures" /
                                          "descriptor_precision" / "gold.jsonl"))
    ap.add_argument("--min-confidence", type=float, default=None, help="default: the web's cut")
    ap.add_argument("--floor", type=float, default=0.90, help="set B precision below this exits 1")
    ap.add_argument("--dump", help="write every stored descriptor with its sentence here (JSONL)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--store", help="keep the stores here (STORE.A.db, STORE.B.db) for `onrecord eval descriptors`")
    args = ap.parse_args()
    try:
        from onrecord.evaluate import load_jsonl, score_descriptors
    except ImportError:  # an older checkout on PYTHONPATH (the figures before): this checkout's scorer
        import importlib.util
        spec = importlib.util.spec_from_file_location("_evaluate", Path(__file__).resolve().parent.parent / "src"
                                                      / "onrecord" / "evaluate.py")
        assert spec is not None and spec.loader is not None
        mod = importlib.util.module_from_spec(spec)
        sys.modules["_evaluate"] = mod
        spec.loader.exec_module(mod)
        load_jsonl, score_descriptors = mod.load_jsonl, mod.score_descriptors
    from onrecord.settings import value

    cut = args.min_confidence if args.min_confidence is not None else float(value("web_min_confidence"))
    gold = load_jsonl(args.gold) if Path(args.gold).exists() else []
    failed = False
    dump = open(args.dump, "w", encoding="utf-8") if args.dump else None
    for which in args.set or sorted(SETS):
        keep = f"{args.store}.{which}.db" if args.store else None
        rows = stored(which, articles(Path(args.shared), which), args.workers, keep)
        if dump:
            for r in rows:
                doc = r.pop("_doc")
                a, b = doc.rfind("\n", 0, r["start"]) + 1, doc.find("\n", r["end"])
                dump.write(json.dumps({**r, "context": doc[max(a, r["start"] - 200):b if b >= 0 else None][:400]})
                           + "\n")
        preds = [{k: v for k, v in r.items() if k != "_doc"} for r in rows]
        for label, c in (("all", None), (f"confidence >= {cut}", cut)):
            res = score_descriptors([g for g in gold if g.get("set") == which], preds, min_confidence=c)
            print(f"set {which} ({label}): " + " ".join(f"{k}={v}" for k, v in res.items()))
            if which == "B" and c is not None and res["judged"] and res["precision"] < args.floor:
                failed = True
    if dump:
        dump.close()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
