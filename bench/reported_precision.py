#!/usr/bin/env python3
"""Reported-quote precision on unseen pages: the seeded draw, a store built with onrecord's real pipeline, and
the score of the stored reported quotes (every quote whose kind is not "direct") against the judged gold.

    python bench/reported_precision.py select [--shared ../shared] [--out selection.json]
    python bench/reported_precision.py build A|B STORE [--shared ../shared] [--dump OUT.jsonl]
    python bench/reported_precision.py score [--set A|B] [--shared ../shared] [--store PREFIX] [--floors]

``select`` prints the draw of ``docs/annotation.md`` ("Reported quotes"): article_extraction pages (English, at
least 97% ASCII, 1,500 to 12,000 characters, one per site, seed ``SEED``) that no other gold in tests/fixtures
names, alternately into set A (read for errors, calibration is fitted on it) and set B (numbers only).
``build`` ingests one set into STORE and, with ``--dump``, writes every stored reported quote with its paragraph
for judging (the dump holds article text: keep it out of the repository). ``score`` builds both sets in temporary
stores (or reads ``PREFIX.A.db`` / ``PREFIX.B.db``) and prints the figures of ``onrecord eval reported``, by error
kind and by confidence band; with ``--floors`` it exits 1 when set B's precision is below ``FLOORS``.
The page texts are read from ``--shared`` and never written into the repository.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "fixtures" / "reported_precision" / "gold.jsonl"
SEED = 20261223
PER_SET = 32
# set B's precision after issue 23, item 3 (docs/evaluation.md): a change may raise it, never lower it
FLOORS = {"B": 0.0}
AE_ID = re.compile(r"[0-9a-f]{64}")
SAMPLE = 40  # percent of the stored reported quotes judged: those whose key hashes below it (``in_sample``)

Row = dict[str, Any]


def used_ids() -> set[str]:
    """Every article_extraction id another gold in tests/fixtures names (speaker dev and train, stance,
    descriptor, entity and seed golds)."""
    out: set[str] = set()
    for p in (ROOT / "tests" / "fixtures").rglob("*"):
        if p.is_file() and "reported_precision" not in p.parts:
            out.update(AE_ID.findall(p.read_text(encoding="utf-8", errors="replace")))
    return out


def select(shared: Path) -> dict[str, list[Row]]:
    """The seeded draw: eligible pages shuffled, one per site, then dealt to A and B in turn."""
    with open(shared / "corpus" / "article_extraction" / "ground-truth.json", encoding="utf-8") as f:
        d = json.load(f)
    used = used_ids()
    rows = []
    for k in sorted(d):
        t = d[k].get("articleBody") or ""
        if k in used or not 1500 <= len(t) <= 12000 or sum(c.isascii() for c in t) / len(t) < 0.97:
            continue
        rows.append((k, urlparse(d[k].get("url", "")).netloc.replace("www.", "")))
    random.Random(SEED).shuffle(rows)
    seen: set[str] = set()
    out: dict[str, list[Row]] = {"A": [], "B": []}
    for k, site in rows:
        if site in seen:
            continue
        seen.add(site)
        which = "A" if len(out["A"]) <= len(out["B"]) else "B"
        out[which].append({"doc": k, "outlet": site})
        if len(out["B"]) == PER_SET:
            break
    return out


def in_sample(doc: str, start: int, end: int) -> bool:
    """Whether a stored quote belongs to the judged sample: a fixed hash of its page and offsets, so that a
    quote a later run makes is in or out of the sample whatever else changed."""
    return int(hashlib.sha1(f"{doc}:{start}:{end}".encode()).hexdigest(), 16) % 100 < SAMPLE


def build(shared: Path, which: str, db: str) -> None:
    """Ingest set ``which`` into the store ``db`` with onrecord's real pipeline (the page's site as outlet)."""
    from onrecord.pipeline import ingest_articles
    from onrecord.store import Store

    gt = json.loads((shared / "corpus" / "article_extraction" / "ground-truth.json").read_text(encoding="utf-8"))
    items = [{"text": gt[r["doc"]]["articleBody"], "outlet": r["outlet"], "source": r["doc"]}
             for r in select(shared)[which]]
    with Store(db) as store:
        ingest_articles(items, store, any_language=True, workers=1)


def dump(shared: Path, db: str, out: str) -> int:
    """Write the stored reported quotes of ``db`` in the judged sample with their paragraph (for judging; never
    commit the file)."""
    import onrecord

    gt = json.loads((shared / "corpus" / "article_extraction" / "ground-truth.json").read_text(encoding="utf-8"))
    n = 0
    with onrecord.open(db, readonly=True) as api, open(out, "w", encoding="utf-8") as f:
        src = dict(api.conn.execute("SELECT id, source FROM articles").fetchall())
        for q in api.all_quotes():
            if q.kind == "direct" or not in_sample(src[q.article_id], q.start, q.end):
                continue
            text = gt[src[q.article_id]]["articleBody"]
            a, b = text.rfind("\n", 0, q.start) + 1, text.find("\n", q.end)
            f.write(json.dumps({"doc": src[q.article_id], "start": q.start, "end": q.end, "kind": q.kind,
                                "cue": q.cue, "cue_span": q.cue_span, "speaker": q.speaker,
                                "confidence": q.confidence, "method": getattr(q, "method", None),
                                "text": q.text, "para": text[max(a, q.start - 600):(b if b >= 0 else None)]})
                    + "\n")
            n += 1
    return n


def score(which: str, db: str) -> dict[str, Any]:
    """``onrecord eval reported`` on set ``which`` of the gold (run as the CLI runs, so the figures are its own)."""
    out = subprocess.run([sys.executable, "-m", "onrecord.cli", "eval", "reported", "--gold", str(GOLD),
                          "--db", db, "--set", which, "--json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=("select", "build", "score"))
    ap.add_argument("args", nargs="*")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--out", help="select: write the draw here")
    ap.add_argument("--dump", help="build: write every stored reported quote with its paragraph here")
    ap.add_argument("--set", choices=("A", "B"), action="append", help="score: one set (default: both)")
    ap.add_argument("--store", help="score: read PREFIX.A.db / PREFIX.B.db instead of building")
    ap.add_argument("--floors", action="store_true", help="score: exit 1 when set B is below its floor")
    a = ap.parse_args()
    shared = Path(a.shared)
    if a.command == "select":
        text = json.dumps(select(shared), indent=1)
        if a.out:
            Path(a.out).write_text(text + "\n", encoding="utf-8")
        else:
            print(text)
        return
    if a.command == "build":
        which, db = a.args
        build(shared, which, db)
        if a.dump:
            print(f"{dump(shared, db, a.dump)} reported quotes written to {a.dump}")
        return
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for which in a.set or ["A", "B"]:
            db = f"{a.store}.{which}.db" if a.store else str(Path(tmp) / f"{which}.db")
            if not a.store:
                build(shared, which, db)
            res = score(which, db)
            print(f"set {which}: " + " ".join(f"{k}={v}" for k, v in res.items() if k != "bands"))
            print(f"set {which} by confidence (right/judged): " + " ".join(
                f"{b}:{r}/{n}" for b, (r, n) in res["bands"].items()))
            if a.floors and which in FLOORS and res["precision"] < FLOORS[which]:
                print(f"set {which} precision {res['precision']} is below its floor {FLOORS[which]}")
                failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
