#!/usr/bin/env python3
"""The tone step's budget in the pipeline's terms (issue 24): what the pipeline may spend on tone per sentence.

    python bench/tone_budget.py ../shared/corpus [--n 100] [--rounds 2] [--json OUT.json]

On a seeded draw of N PolNeAR train texts it ingests the texts into a fresh store in this process (one worker),
alternately with the tone step (``onrecord.analyse.with_tones``) as it is and with it off, ``--rounds`` times
each after a warm-up, and prints the CPU seconds per article of each, the CPU the tone step itself spent, and
how many body sentences with at least one mention (the tone step's passes of the model) and how many mentions
an article has. The budget: the pipeline must keep 85% of its articles/s without the tone step, so the step may
spend (1 / 0.85 - 1) of the CPU per article without it; divided by the sentences with mentions, the milliseconds
a sentence may cost.

``--minilm MODEL.onnx [--minilm ...] --vocab vocab.txt``: the same run also ingests the texts with the tone step
reading through each fine-tuned MiniLM (``bench/newsmtsc.py``'s reader: one pass a sentence for all its mentions,
onnxruntime, one thread; needs ``onnxruntime``) instead of the shipped model, so a candidate is measured in the
pipeline's terms before it is wired in. ``--max-pieces N`` adds each MiniLM reading a window of at most N pieces.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import onrecord.analyse as analyse
import onrecord.analyse.tone.record as record
from onrecord.models import Analysis, Segment, Tone
from onrecord.pipeline import ingest_articles
from onrecord.store.db import Store

SEED = 24
KEEP = 0.85  # the share of the articles/s without the tone step that the pipeline must keep (issue 24)


Reader = Callable[[str, Sequence[tuple[int, int]]], list[Tone]]


def _readers(minilm: list[Path], vocab: Path | None, max_pieces: int) -> dict[str, Reader]:
    """The shipped tone model and each MiniLM (and each MiniLM windowed to ``max_pieces``), by name."""
    readers: dict[str, Reader] = {"shipped": record.tones}
    if minilm and vocab:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from newsmtsc import MiniLM
        readers.update((str(m), MiniLM(m, vocab).tones) for m in minilm)
        if max_pieces:
            readers.update((f"{m}@{max_pieces}", MiniLM(m, vocab, max_pieces).tones) for m in minilm)
    return readers


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", help="the corpus folder (polnear/train/text/*.txt)")
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--minilm", type=Path, action="append", default=[],
                    help="a MiniLM ONNX file (bench/train_tone_finetune.py) to read tone with (repeatable)")
    ap.add_argument("--vocab", type=Path, help="the MiniLM's vocab.txt (with --minilm)")
    ap.add_argument("--max-pieces", type=int, default=0,
                    help="also run each MiniLM reading at most N pieces a sentence (bench/newsmtsc.py's window)")
    args = ap.parse_args()
    if args.minilm and not args.vocab:
        ap.error("--minilm needs --vocab")
    readers = _readers(args.minilm, args.vocab, args.max_pieces)
    files = sorted((Path(args.corpus) / "polnear" / "train" / "text").glob("*.txt"))
    draw = random.Random(SEED).sample(files, min(args.n, len(files)))
    records = [{"id": f.stem, "text": f.read_text(encoding="utf-8")} for f in draw]

    original = analyse.with_tones
    counts: dict[str, Any] = {"tone_cpu": 0.0, "sentences": 0, "mentions": 0}

    def timed(text: str, analysis: Analysis, segments: list[Segment]) -> Analysis:
        c0 = time.process_time()
        out = original(text, analysis, segments)
        counts["tone_cpu"] += time.process_time() - c0
        counts["sentences"] += len({t.start for t in out.tones or []})
        counts["mentions"] += len(out.tones or [])
        return out

    def off(text: str, analysis: Analysis, segments: list[Segment]) -> Analysis:
        return analysis

    def run(step: Any) -> float:
        analyse.with_tones = step
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "budget.db")
            c0 = time.process_time()
            ingest_articles(records, store, workers=1, any_language=True)
            cpu = time.process_time() - c0
            store.close()
        analyse.with_tones = original
        return cpu

    run(off)  # warm-up: the models load
    for read in readers.values():  # and each tone model's
        read("Warm up.", [(0, 4)])
    cpu: dict[str, list[float]] = {"off": [], **{k: [] for k in readers}}
    tone_cpu: dict[str, list[float]] = {k: [] for k in readers}
    for _ in range(args.rounds):
        cpu["off"].append(run(off))
        for name, read in readers.items():
            record.tones = read
            counts.update(tone_cpu=0.0, sentences=0, mentions=0)
            cpu[name].append(run(timed))
            tone_cpu[name].append(counts["tone_cpu"])
    record.tones = readers["shipped"]
    n = len(records)
    per = {k: statistics.median(v) / n for k, v in cpu.items()}
    sentences, mentions = counts["sentences"] / n, counts["mentions"] / n
    budget_article = per["off"] * (1 / KEEP - 1)
    out: dict[str, Any] = {
        "n": n, "rounds": args.rounds, "load": os.getloadavg()[0], "cpu_s": cpu,
        "cpu_ms_per_article_tone_off": round(1000 * per["off"], 1),
        "sentences_with_mentions_per_article": round(sentences, 2), "mentions_per_article": round(mentions, 2),
        "budget_ms_per_article": round(1000 * budget_article, 1),
        "budget_ms_per_sentence": round(1000 * budget_article / sentences, 3) if sentences else None, "models": {}}
    for name in readers:
        step = 1000 * statistics.median(tone_cpu[name]) / n
        out["models"][name] = {"cpu_ms_per_article": round(1000 * per[name], 1),
                               "tone_step_ms_per_article": round(step, 2),
                               "tone_step_ms_per_sentence": round(step / sentences, 3) if sentences else None,
                               "ratio_to_tone_off": round(per["off"] / per[name], 3)}
    for k, v in out.items():
        if k == "models":
            for name, m in v.items():
                print(f"{name}: {m}")
        elif k != "cpu_s":
            print(f"{k}: {v}")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
