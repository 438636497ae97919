#!/usr/bin/env python3
"""Unlabelled in-domain targets for distilling the tone model (issue 24): PolNeAR train sentences and their mentions.

    python bench/tone_unlabelled.py ../shared/corpus OUT.jsonl [--fixtures tests/fixtures] [--max-sentences N]

Reads every PolNeAR TRAIN text (never dev: its golds score the pipeline; never article_extraction pages: they hold
golds) except the articles that any gold under ``tests/fixtures/`` names (speaker_dev, speaker_train,
stance_precision, reported_precision, entity_dev, descriptor_precision: a file's name anywhere in those folders
excludes it), runs the pipeline over them (one worker, a throwaway store) and writes, for every call the tone step
makes (one a body sentence with person, organisation or country mentions: the entity step's mentions, pronouns
included), one line ``{"doc", "sentence", "mentions": [[from, to], ...]}``, offsets into the sentence: exactly the
sentences and targets the shipped model will read. No labels: ``bench/train_tone_finetune.py --unlabelled`` has
a teacher label them. The output holds copyrighted text: keep it under /tmp, never in the repository.
Deterministic (files sorted; ``--max-sentences`` keeps a seeded draw of that many sentences).
"""
from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import onrecord.analyse.tone.record as record
from onrecord.models import Tone
from onrecord.pipeline import ingest_articles
from onrecord.store.db import Store

SEED = 24


def excluded(fixtures: Path, stems: set[str]) -> set[str]:
    """The PolNeAR file stems that any file under the gold folders names."""
    folders = ("speaker_dev", "speaker_train", "stance_precision", "reported_precision", "entity_dev",
               "descriptor_precision")
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                     for f in folders for p in sorted((fixtures / f).rglob("*")) if p.is_file())
    return {s for s in stems if s in text}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, help="the corpus folder (polnear/train/text/*.txt)")
    ap.add_argument("out", type=Path, help="the JSONL file to write (outside the repository)")
    ap.add_argument("--fixtures", type=Path, default=Path(__file__).resolve().parent.parent / "tests" / "fixtures")
    ap.add_argument("--max-sentences", type=int, default=0, help="keep a seeded draw of N sentences (0: all)")
    args = ap.parse_args()
    files = sorted((args.corpus / "polnear" / "train" / "text").glob("*.txt"))
    skip = excluded(args.fixtures, {f.stem for f in files})
    files = [f for f in files if f.stem not in skip]
    t0, c0 = time.perf_counter(), time.process_time()
    rows: list[dict[str, Any]] = []
    shipped = record.tones
    current = {"doc": ""}

    def collect(sentence: str, mentions: Sequence[tuple[int, int]]) -> list[Tone]:
        rows.append({"doc": current["doc"], "sentence": sentence,
                     "mentions": sorted({(s, e) for s, e in mentions})})
        return shipped(sentence, mentions)

    record.tones = collect
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "unlabelled.db")
        for f in files:  # one at a time, so that each row knows its article
            current["doc"] = f.stem
            ingest_articles([{"id": f.stem, "text": f.read_text(encoding="utf-8")}], store, workers=1,
                            any_language=True)
        store.close()
    record.tones = shipped
    if args.max_sentences and len(rows) > args.max_sentences:
        keep = sorted(random.Random(SEED).sample(range(len(rows)), args.max_sentences))
        rows = [rows[i] for i in keep]
    with args.out.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(json.dumps({"articles": len(files), "excluded": len(skip), "sentences": len(rows),
                      "mentions": sum(len(r["mentions"]) for r in rows),
                      "wall_s": round(time.perf_counter() - t0, 1), "cpu_s": round(time.process_time() - c0, 1)}))


if __name__ == "__main__":
    main()
