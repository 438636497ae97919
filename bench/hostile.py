"""Hostile inputs next to normal articles of the same size: time and peak memory of ingesting each.

    python bench/hostile.py [--scale 1.0] [--only NAME ...] [--json OUT.json]

Cases (sizes times --scale):
  marks       100 KB of '"' marks, nothing else
  spaced      100 KB of '"' marks each followed by a space (every mark a token of its own)
  paragraph   a 2 MB article that is one paragraph (the sample articles' paragraphs run together)
  quotes      5,000 quotations by one speaker, one paragraph each
  said-marks  '"He said ' 12,000 times (108 KB): one paragraph of quotations, each nested in the one before
  said-that   'He said that ' 8,000 times (104 KB), no quote marks: reported speech, each clause inside the last
  gzbomb      a .gz file that inflates to 200 MB (past the 50 MB cap: it must fail fast and small)

Each normal article has the same number of characters (the bomb's: a normal 100 KB article, gzipped), built
from the body paragraphs of the bundled sample articles. Every file is ingested by ``onrecord.ingest``
(analysis in the same process, ``workers=1``) in its own fresh Python process, after the model is loaded;
the table shows the ingest's wall time (and the link step's part of it), the process's peak RSS, the
quotations stored, and hostile/normal ratios. Target: both ratios within 2x. Files go to a temporary
folder, never into the repository.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "examples" / "articles"
TARGET = 2.0

CHILD = r"""
import json, resource, sqlite3, sys, time
from onrecord import pipeline
from onrecord.nlp import load_nlp
from onrecord.store import Store

linked = [0.0]
real_link = pipeline.link
def timed_link(*args, **kwargs):
    t = time.perf_counter()
    real_link(*args, **kwargs)
    linked[0] += time.perf_counter() - t
pipeline.link = timed_link
load_nlp()
path, db = sys.argv[1], sys.argv[2]
with Store(db) as store:
    t = time.perf_counter()
    report = pipeline.ingest([path], store, workers=1)
    took = time.perf_counter() - t
    quotes = store.conn.execute("SELECT count(*) FROM quotes").fetchone()[0]
status = ",".join(f"{k}={v}" for k, v in sorted(report.counts.items()))
print(json.dumps({"seconds": took, "link_seconds": linked[0], "peak_mb": resource.getrusage(
    resource.RUSAGE_SELF).ru_maxrss / 1024, "quotes": quotes, "status": status}))
"""


def paragraphs() -> list[str]:
    """Body paragraphs of the sample articles (lines of at least 80 characters)."""
    out: list[str] = []
    for p in sorted(SAMPLES.glob("*.txt")):
        out += [x.strip() for x in p.read_text(encoding="utf-8").split("\n\n") if len(x.strip()) >= 80]
    return out


def fill(parts: list[str], sep: str, n: int) -> str:
    """``parts`` joined by ``sep``, repeated until ``n`` characters, cut at a part boundary."""
    out, size, i = [], 0, 0
    while size < n:
        part = parts[i % len(parts)]
        out.append(part)
        size += len(part) + len(sep)
        i += 1
    return sep.join(out)


def normal(n: int) -> str:
    return "Normal article\n\n" + fill(paragraphs(), "\n\n", n - 16) + "\n"


def cases(scale: float, folder: Path) -> dict[str, tuple[Path, Path]]:
    """name -> (hostile file, normal file)."""
    out: dict[str, tuple[Path, Path]] = {}

    def write(name: str, text: str) -> Path:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return path

    marks = "Marks\n\n" + '"' * int(100_000 * scale) + "\n"
    out["marks"] = (write("marks.txt", marks), write("marks-normal.txt", normal(len(marks))))
    spaced = "Spaced marks\n\n" + '" ' * int(50_000 * scale) + "\n"
    out["spaced"] = (write("spaced.txt", spaced), write("spaced-normal.txt", normal(len(spaced))))
    para = "One paragraph\n\n" + fill(paragraphs(), " ", int(2_000_000 * scale)) + "\n"
    out["paragraph"] = (write("paragraph.txt", para), write("paragraph-normal.txt", normal(len(para))))
    quotes = "Mayor speaks\n\n" + "\n\n".join(
        f'"We will deliver item {i} of the plan on time," said Maria Lopez, the mayor.'
        for i in range(int(5000 * scale))) + "\n"
    out["quotes"] = (write("quotes.txt", quotes), write("quotes-normal.txt", normal(len(quotes))))
    nested = "He said\n\n" + '"He said ' * int(12_000 * scale) + "\n"
    out["said-marks"] = (write("said-marks.txt", nested), write("said-marks-normal.txt", normal(len(nested))))
    that = "He said\n\n" + "He said that " * int(8_000 * scale) + "\n"
    out["said-that"] = (write("said-that.txt", that), write("said-that-normal.txt", normal(len(that))))
    bomb = folder / "bomb.txt.gz"
    with gzip.open(bomb, "wb") as f:
        block = b" " * 1_000_000
        for _ in range(int(200 * max(scale, 0.3))):
            f.write(block)
    nbomb = folder / "bomb-normal.txt.gz"  # a normal 100 KB article, gzipped
    nbomb.write_bytes(gzip.compress(normal(int(100_000 * scale)).encode()))
    out["gzbomb"] = (bomb, nbomb)
    return out


def run(path: Path, folder: Path) -> dict:
    """Ingest ``path`` into a new store in a fresh process; its measurements."""
    db = folder / (path.name + ".db")
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), str(db)], capture_output=True, text=True,
                          check=False, cwd=REPO, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if done.returncode != 0:
        raise SystemExit(f"{path.name}: the ingest failed\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every size (0.1 for a quick run)")
    ap.add_argument("--only", nargs="*", help="cases to run (default: all)")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores, scale {args.scale}")
    head = (f"{'case':<10} {'bytes':>9} | {'hostile s':>9} {'link s':>7} {'MB':>6} {'quotes':>6} | "
            f"{'normal s':>8} {'link s':>7} {'MB':>6} {'quotes':>6} | {'time x':>6} {'mem x':>6}  hostile outcome")
    print(head)
    print("-" * len(head))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, (bad, good) in cases(args.scale, folder).items():
            if args.only and name not in args.only:
                continue
            h, n = run(bad, folder), run(good, folder)
            tx, mx = h["seconds"] / n["seconds"], h["peak_mb"] / n["peak_mb"]
            chars = bad.stat().st_size
            results[name] = {"hostile": h, "normal": n, "time_ratio": tx, "memory_ratio": mx, "bytes": chars}
            print(f"{name:<10} {chars:>9,} | {h['seconds']:>9.2f} {h['link_seconds']:>7.2f} {h['peak_mb']:>6.0f} "
                  f"{h['quotes']:>6} | {n['seconds']:>8.2f} {n['link_seconds']:>7.2f} {n['peak_mb']:>6.0f} "
                  f"{n['quotes']:>6} | {tx:>6.2f} {mx:>6.2f}  {h['status']}", flush=True)
    worst = max((max(r["time_ratio"], r["memory_ratio"]) for r in results.values()), default=0.0)
    print(f"worst ratio {worst:.2f} (target <= {TARGET:g}): {'met' if worst <= TARGET else 'NOT met'}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
