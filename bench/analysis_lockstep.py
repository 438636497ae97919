"""CPU seconds of each analysis stage (quotes, entities, stances, tones) for several code versions, in lockstep.

    python bench/analysis_lockstep.py CORPUS_DIR LABEL=SRC [LABEL=SRC ...] [--n 100] [--reps 3]

SRC is a checkout's src/ folder (put first on PYTHONPATH; the interpreter is this one). Each version runs in its
own worker process, which parses the same seeded draw of PolNeAR train texts (bench/throughput.py's) once, untimed;
then the driver hands every article to every worker in turn, alternating the order, and each worker reports the
CPU seconds (time.process_time) of each stage on it, so all versions see the same load on a shared machine
article by article, which separate runs minutes apart do not. Per version: each stage's best repetition, the
best total and its ratio to the first version. Parsing (spaCy, the same for all) is left out: bench/throughput.py
times the whole ingest.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGES = ("quotes", "entities", "stances", "tones")


def worker(src: Path) -> None:
    """Parse the texts of ``src`` (JSONL), then time the stages on the article index read from each stdin line."""
    from onrecord.analyse import make_doc
    from onrecord.analyse.attribution.quotes import extract_quotes
    from onrecord.analyse.entities.mentions import extract_entities, merge_windows
    from onrecord.analyse.stances import extract_stances
    from onrecord.analyse.tone.record import with_tones
    from onrecord.clean import segment
    from onrecord.models import Analysis
    from onrecord.nlp import load_nlp

    texts = [json.loads(line)["text"] for line in src.open(encoding="utf-8")]
    nlp = load_nlp()
    docs = list(nlp.pipe([make_doc(nlp, t) for t in texts], batch_size=32))
    segs = [segment(t) for t in texts]
    print("ready", flush=True)
    for line in sys.stdin:
        i = int(line)
        text, doc, sg = texts[i], docs[i], segs[i]
        t0 = time.process_time()
        found = extract_quotes(doc, sg)
        t1 = time.process_time()
        ents = extract_entities(doc, sg)
        t2 = time.process_time()
        stances = extract_stances(doc, sg, found)
        t3 = time.process_time()
        with_tones(text, Analysis(quotes=found, stances=stances, entities=merge_windows([(ents, 0)])), sg)
        t4 = time.process_time()
        print(json.dumps([t1 - t0, t2 - t1, t3 - t2, t4 - t3]), flush=True)


def main() -> None:
    if sys.argv[1:2] == ["--worker"]:
        worker(Path(sys.argv[2]))
        return
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("corpus", type=Path, help="folder holding polnear/train/text/")
    ap.add_argument("versions", nargs="+", metavar="LABEL=SRC", help="code versions: a label and a src/ folder")
    ap.add_argument("--n", type=int, default=100, help="articles (default 100)")
    ap.add_argument("--reps", type=int, default=3, help="passes over the articles (default 3; the best counts)")
    a = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from throughput import draw

    texts = draw(a.corpus, a.n)
    with tempfile.TemporaryDirectory(prefix="onrecord-lockstep-") as tmp:
        src = Path(tmp) / "texts.jsonl"
        src.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
        procs = []
        for spec in a.versions:
            label, _, path = spec.partition("=")
            env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {
                "PYTHONPATH": str(Path(path).resolve())}
            p = subprocess.Popen([sys.executable, __file__, "--worker", str(src)], env=env, stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True)
            if p.stdout is None or p.stdout.readline().strip() != "ready":
                sys.exit(f"{label}: the worker did not start")
            procs.append((label, p))
        runs = {label: [[0.0] * len(STAGES) for _ in range(a.reps)] for label, _ in procs}
        for r in range(a.reps):
            for i in range(len(texts)):
                for label, p in procs if (i + r) % 2 == 0 else procs[::-1]:
                    assert p.stdin is not None and p.stdout is not None
                    p.stdin.write(f"{i}\n")
                    p.stdin.flush()
                    for k, v in enumerate(json.loads(p.stdout.readline())):
                        runs[label][r][k] += v
        for _, p in procs:
            assert p.stdin is not None
            p.stdin.close()
            p.wait()
    print(f"{len(texts)} PolNeAR train texts, {a.reps} passes in lockstep; CPU seconds, best pass "
          f"(load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs)")
    first = None
    for label, _ in procs:
        best = [min(run[k] for run in runs[label]) for k in range(len(STAGES))]
        total = min(sum(run) for run in runs[label])
        first = first or total
        print(f"{label:<12} " + " ".join(f"{s} {b:.3f}" for s, b in zip(STAGES, best)) +
              f"  total {total:.3f} ({total / first:.3f}x); passes: " +
              ", ".join(f"{sum(run):.3f}" for run in runs[label]))


if __name__ == "__main__":
    main()
