#!/usr/bin/env python3
"""NewsMTSC tone benchmark: onrecord's tone model vs the VADER lexicon baseline on both dev sets, and speed.

    python bench/newsmtsc.py ../shared/corpus/newsmtsc [--json OUT.json] [--floor-f1 F]    (make bench-tone)

For each dev set (rw: real-world distribution, 343 targets; mt: sentences with several targets of differing
tone, 442) it prints F1 macro over the three labels and accuracy (``onrecord.evaluate.score_tone``) of
``onrecord.tone`` and of VADER at sentence level (compound >= 0.05 positive, <= -0.05 negative, as VADER's
authors advise; it cannot tell targets apart: the NewsMTSC paper's lexicon baseline). VADER needs
``pip install vaderSentiment``; without it its lines say so. Then onrecord's targets per second on one core,
standalone (tokenising and features included), over every dev target repeated to at least 2 seconds.
``--floor-f1``: exit 1 when onrecord's F1 macro on either dev set is below it (the pinned floor).

``--minilm MODEL.onnx --vocab vocab.txt`` also scores, in the same run, a fine-tuned MiniLM written by
``bench/train_tone_finetune.py`` (not shipped: docs/tone.md) on onnxruntime with one thread, tokenised by
``bench/tone_wordpiece.py``, one target a call, and prints its targets per second beside onrecord's (wall, and per
CPU second: the fair figure on a shared machine). It needs ``onnxruntime``. ``--max-pieces N``: the MiniLM reads a
window of N pieces around the mentions of a longer sentence.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import onrecord
from onrecord.evaluate import TONE_POLARITY, score_tone, tone_rows
from onrecord.models import TONE_LABELS, Tone

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tone_wordpiece import WordPiece, target_pieces


class MiniLM:
    """A fine-tuned MiniLM ONNX file (bench/train_tone_finetune.py) read as ``onrecord.tone`` would: one thread."""

    def __init__(self, model: Path, vocab: Path, max_pieces: int = 0) -> None:
        import onnxruntime as ort
        self.max_pieces = max_pieces  # 0: the whole sentence (up to 128 pieces)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self.tokeniser = WordPiece.from_file(vocab)

    def label(self, sentence: str, start: int, end: int) -> str:
        """The label toward ``sentence[start:end]``."""
        return self.tones(sentence, [(start, end)])[0].label

    def tones(self, sentence: str, mentions: Sequence[tuple[int, int]]) -> list[Tone]:
        """The tone toward each mention ``sentence[start:end]``, all in one pass (as the tone step would call it)."""
        import numpy as np
        ids, spans = self.tokeniser.encode(sentence, 128)
        if self.max_pieces and len(ids) > self.max_pieces:
            ids, spans = _window(ids, spans, mentions, self.max_pieces)
        targets = np.zeros((1, len(mentions), len(ids)), np.float32)
        for k, (start, end) in enumerate(mentions):
            targets[0, k, target_pieces(spans, start, end)] = 1.0
        logits = self.session.run(["logits"], {"input_ids": np.array([ids], np.int64),
                                               "attention_mask": np.ones((1, len(ids)), np.int64),
                                               "targets": targets})[0][0]
        e = np.exp(logits - logits.max(-1, keepdims=True))
        p = (e / e.sum(-1, keepdims=True)).tolist()
        return [Tone(s, t, TONE_LABELS[int(np.argmax(q))], round(q[2] - q[0], 4), round(q[0], 4), round(q[1], 4),
                     round(q[2], 4)) for (s, t), q in zip(mentions, p)]


def _window(ids: list[int], spans: list[tuple[int, int]], mentions: Sequence[tuple[int, int]],
            size: int) -> tuple[list[int], list[tuple[int, int]]]:
    """``size`` pieces in all: [CLS], the run of pieces centred on the mentions' pieces, [SEP] (a mention left
    outside reads from [CLS], as one past the truncation does)."""
    body = size - 2
    pieces = [j for s, e in mentions for j in target_pieces(spans, s, e) if j]
    middle = (min(pieces) + max(pieces)) // 2 if pieces else 1
    a = min(max(1, middle - body // 2), len(ids) - 1 - body)
    return [ids[0], *ids[a:a + body], ids[-1]], [spans[0], *spans[a:a + body], spans[-1]]


def _vader() -> Any:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    return SentimentIntensityAnalyzer()


def _vader_label(analyzer: Any, sentence: str) -> str:
    c = analyzer.polarity_scores(sentence)["compound"]
    return "positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", help="the NewsMTSC folder (rw/dev.jsonl, mt/dev.jsonl)")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--floor-f1", type=float, default=0.0)
    ap.add_argument("--minilm", type=Path, help="also score this MiniLM ONNX file (bench/train_tone_finetune.py)")
    ap.add_argument("--vocab", type=Path, help="the MiniLM's vocab.txt (with --minilm)")
    ap.add_argument("--max-pieces", type=int, default=0,
                    help="the MiniLM reads at most N pieces a sentence, a window around the mentions (0: all)")
    args = ap.parse_args()
    if args.minilm and not args.vocab:
        ap.error("--minilm needs --vocab")
    minilm = MiniLM(args.minilm, args.vocab, args.max_pieces) if args.minilm else None
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    vader = _vader()
    out: dict[str, Any] = {"load": os.getloadavg()[0]}
    print(f"load average {out['load']:.2f}; one core")
    print(f"{'set':4} {'system':9} {'f1_macro':>8} {'accuracy':>8} {'n':>5}")
    every = []
    for name in ("rw", "mt"):
        rows = tone_rows(Path(args.root) / name / "dev.jsonl")
        every += rows
        gold = [TONE_POLARITY[r["polarity"]] for r in rows]
        res = {"onrecord": score_tone(gold, [onrecord.tone(r["sentence"], r["from"], r["to"]).label for r in rows])}
        if minilm is not None:
            res["minilm"] = score_tone(gold, [minilm.label(r["sentence"], r["from"], r["to"]) for r in rows])
        if vader is not None:
            res["vader"] = score_tone(gold, [_vader_label(vader, r["sentence"]) for r in rows])
        for system, s in res.items():
            print(f"{name:4} {system:9} {s['f1_macro']:8.3f} {s['accuracy']:8.3f} {s['n']:5}")
        if vader is None:
            print(f"{name:4} vader     not installed (pip install vaderSentiment)")
        out[name] = res
    systems: list[tuple[str, Any]] = [("onrecord", onrecord.tone)]
    if minilm is not None:
        systems.append(("minilm", minilm.label))
    for system, read in systems:
        done, t0, c0 = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - t0 < 2.0:
            for r in every:
                read(r["sentence"], r["from"], r["to"])
            done += len(every)
        rate, cpu_rate = done / (time.perf_counter() - t0), done / (time.process_time() - c0)
        out["targets_per_s" if system == "onrecord" else f"{system}_targets_per_s"] = round(rate, 1)
        out["targets_per_cpu_s" if system == "onrecord" else f"{system}_targets_per_cpu_s"] = round(cpu_rate, 1)
        print(f"{system}: {rate:,.0f} targets/s on one core, {cpu_rate:,.0f} per CPU second ({done} targets)")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    low = [n for n in ("rw", "mt") if out[n]["onrecord"]["f1_macro"] < args.floor_f1]
    if low:
        print(f"below the floor F1 macro {args.floor_f1} on {', '.join(low)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
