"""Articles/s of the Spark job at local[1] and local[2] against the single-machine ingest at 1 and 2 jobs.

    python bench/spark_scaling.py DIR_OR_JSONL [--n 400] [--json OUT.json]

Input: a PolNeAR folder (texts under DIR/{train,dev}/text/*.txt), any folder of .txt files, or a JSONL file;
the first N texts are written to one temporary JSONL outside the repository, and every system reads that file.
Each command runs in its own subprocess and is timed on the wall clock, whole: interpreter (and JVM) start,
model load, reading, analysis, writing. The Spark job writes Parquet and links nothing; `onrecord load`
(Parquet -> store, then linking) is timed separately so the end-to-end sum compares with `onrecord ingest`,
which links at the end. Overhead ratio = Spark seconds / ingest seconds at the same parallelism; the CPU
columns (user + system seconds of the whole process tree, JVM included) are less sensitive to other load on
the machine than the wall clock.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ONRECORD = [sys.executable, "-m", "onrecord.cli"]


def texts(source: Path, n: int) -> list[str]:
    """The first N texts of a JSONL file, a PolNeAR folder or a folder of .txt files, in sorted file order."""
    if source.is_file():
        with open(source, encoding="utf-8") as f:
            rows = [json.loads(line)["text"] for line in f if line.strip()]
        return rows[:n]
    files = sorted(p for split in ("train", "dev") for p in (source / split / "text").glob("*.txt"))
    files = files or sorted(source.rglob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in files[:n]]


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system over the process tree, JVM and Python workers included,
    sampled every 0.2 s with psutil) of a command; its output is dropped unless it fails."""
    import psutil

    cpu: dict[int, float] = {}
    t = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = psutil.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=err)
        while proc.poll() is None:
            try:
                tree = [proc, *proc.children(recursive=True)]
            except psutil.Error:
                tree = []
            for p in tree:
                try:
                    c = p.cpu_times()
                    cpu[p.pid] = max(cpu.get(p.pid, 0.0), c.user + c.system)
                except psutil.Error:
                    pass
            time.sleep(0.2)
        wall = time.perf_counter() - t
        if proc.returncode not in (0, 1):  # 1: some inputs failed, which the event counts show
            err.seek(0)
            sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.read()[-3000:].decode(errors='replace')}")
    return wall, sum(cpu.values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source", type=Path, help="PolNeAR folder, folder of .txt files, or JSONL with a text field")
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    docs = texts(args.source, args.n)
    if not docs:
        sys.exit(f"{args.source}: no texts found")
    jobs_flag = "--jobs" if "--jobs" in subprocess.run([*ONRECORD, "ingest", "--help"], capture_output=True,
                                                       text=True, check=False).stdout else "--workers"
    work = Path(tempfile.mkdtemp(prefix="onrecord-spark-bench-"))
    try:
        src = work / "in.jsonl"
        src.write_text("".join(json.dumps({"text": t}) + "\n" for t in docs), encoding="utf-8")
        n = len(docs)
        rows = []
        for k in (1, 2):
            db = work / f"ingest{k}.db"
            sec, cpu = timed([*ONRECORD, "ingest", str(src), "--db", str(db), jobs_flag, str(k), "-q"])
            rows.append({"system": f"ingest {jobs_flag} {k}", "parallelism": k, "seconds": sec, "cpu_seconds": cpu})
        for k in (1, 2):
            out = work / f"spark{k}"
            sec, cpu = timed([*ONRECORD, "spark", "analyse", str(src), "--out", str(out), "--master", f"local[{k}]",
                              "--partitions", str(2 * k)])
            load, _ = timed([*ONRECORD, "load", str(out), "--db", str(work / f"load{k}.db")])
            rows.append({"system": f"spark local[{k}]", "parallelism": k, "seconds": sec, "cpu_seconds": cpu,
                         "load_seconds": load})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base = {r["parallelism"]: r for r in rows if r["system"].startswith("ingest")}
    print(f"{n} articles ({sum(len(t) for t in docs) / n:,.0f} chars avg), {os.cpu_count()} CPUs, "
          f"{platform.python_version()}")
    print(f"{'system':20} {'wall s':>7} {'articles/s':>10} {'wall vs ingest':>14} {'CPU s':>7} "
          f"{'CPU vs ingest':>13} {'+ load s':>8} {'end-to-end/s':>12}")
    for r in rows:
        ref = base[r["parallelism"]]
        r["articles_per_s"] = n / r["seconds"]
        r["overhead_ratio"] = r["seconds"] / ref["seconds"]
        r["cpu_ratio"] = r["cpu_seconds"] / ref["cpu_seconds"]
        load = r.get("load_seconds")
        e2e = f"{n / (r['seconds'] + load):12.2f}" if load is not None else f"{'':12}"
        print(f"{r['system']:20} {r['seconds']:7.1f} {r['articles_per_s']:10.2f} {r['overhead_ratio']:13.2f}x "
              f"{r['cpu_seconds']:7.1f} {r['cpu_ratio']:12.2f}x {'' if load is None else f'{load:8.1f}':>8} {e2e}")
    if args.json:
        args.json.write_text(json.dumps({"n": n, "rows": rows}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
