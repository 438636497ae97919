"""Scoring of quotation predictions, agreeing exactly with the project's two reference scorers.

``score_quotes`` matches ``shared/tools/score_quotes.py`` (sample gold: span P/R/F1 by char IoU >= 0.5,
speaker accuracy on matched spans, end-to-end F1); ``score_polnear`` matches
``shared/tools/score_polnear.py`` (PolNeAR brat gold: exact content/source/cue F1 after trimming,
content overlap F1 and linked attribution F1). ``quote_rows``/``polnear_rows`` turn Quotes into rows.
"""
from __future__ import annotations

import csv
import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from onrecord.models import Quote, undetermined
from onrecord.store import Store

Row = dict[str, Any]
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "president", "prime", "minister",
           "general", "the", "a", "an"}
TRIM = " \t\n\"'“”‘’,.;:()[]—–-"


def load_jsonl(path: str | os.PathLike[str]) -> list[Row]:
    """Rows of a JSONL file (blank lines skipped)."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# ---------------------------------------------------------------- sample gold (score_quotes.py)

def norm_speaker(s: str | None) -> str:
    """Speaker name normalised as the scorer does: lowercase, no possessive, no titles or articles."""
    s = (s or "").lower().replace("’", "'")
    s = re.sub(r"'s\b", "", s)
    return " ".join(t for t in re.findall(r"[a-z0-9]+", s) if t not in _TITLES)


def speaker_ok(g: Row, p: Row) -> bool:
    """Whether the predicted speaker matches the gold name or an alias (spokespeople: their principal)."""
    want = {norm_speaker(g["speaker"])} | {norm_speaker(a) for a in g.get("speaker_aliases", [])}
    got = norm_speaker(p.get("speaker"))
    if got in want and got:
        return True
    if g.get("speaker_type") == "spokesperson":
        who = norm_speaker(g.get("on_behalf_of"))
        return bool(who) and (norm_speaker(p.get("on_behalf_of")) == who or who in got)
    return False


def _doc_of(r: Row) -> str:
    return os.path.basename(str(r.get("doc") or r.get("source") or r.get("article") or ""))


@dataclass
class _Tally:
    """Counts (and the cases behind them) of a quote scoring, summed over documents."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    sp_ok: int = 0
    misses: list[tuple[str, str]] = field(default_factory=list)
    spurious: list[tuple[str, str]] = field(default_factory=list)
    wrong: list[tuple[str, str, str, Any]] = field(default_factory=list)


def score_quotes(gold: list[Row], pred: list[Row], details: bool = False,
                 texts: dict[str, str] | None = None) -> dict[str, Any]:
    """Span P/R/F1, speaker accuracy on matched spans and end-to-end F1 (indirect predictions left out).
    A gold row without ``text`` (a gold that may not hold the articles' words) takes it from ``texts``
    (document file name -> article text, as ``gold_texts`` reads them from a store): text[start:end]."""
    gold = [g if "text" in g else {**g, "text": (texts or {}).get(_doc_of(g), "")[g["start"]:g["end"]]}
            for g in gold]
    docs = {_doc_of(g) for g in gold}
    pred = [p for p in pred if _doc_of(p) in docs and p.get("kind") != "indirect"]
    tally = _Tally()
    for d in sorted(docs):
        _tally_doc(tally, d, [g for g in gold if _doc_of(g) == d], [p for p in pred if _doc_of(p) == d])
    tp, fp, fn, sp_ok = tally.tp, tally.fp, tally.fn, tally.sp_ok
    span_p, span_r, span_f1 = _prf(tp, tp + fp, tp + fn)
    e2e_f1 = _prf(sp_ok, tp + fp, tp + fn)[2]  # end to end: a match with the right speaker
    res: dict[str, Any] = {"span_p": span_p, "span_r": span_r, "span_f1": span_f1,
                           "speaker_acc": round(sp_ok / tp if tp else 0.0, 3), "e2e_f1": e2e_f1,
                           "tp": tp, "fp": fp, "fn": fn}
    if details:
        res.update(misses=tally.misses, spurious=tally.spurious, wrong=tally.wrong)
    return res


def gold_texts(gold: list[Row], store: Store) -> dict[str, str]:
    """The stored text of each article that a gold row without ``text`` names, by file name as the scorer
    matches documents (the first stored article of that name)."""
    want = {_doc_of(g) for g in gold if "text" not in g}
    out: dict[str, str] = {}
    if want:
        for aid, source in store.conn.execute("SELECT id, source FROM articles ORDER BY rowid"):
            name = os.path.basename(str(source))
            art = store.article(aid) if name in want and name not in out else None
            if art is not None:
                out[name] = art.text
    return out


def _optional(g: Row) -> bool:
    """Whether a gold quote is marked optional: finding it is neither credited nor penalised."""
    return "optional" in (g.get("note") or "")


def _matches(G: list[Row], P: list[Row]) -> list[tuple[int, int]]:
    """(gold, prediction) index pairs with char IoU >= 0.5, taken greedily best first, each used at most once."""
    pairs = []
    for i, g in enumerate(G):
        for j, p in enumerate(P):
            s, e = max(g["start"], p["start"]), min(g["end"], p["end"])
            if e <= s:
                continue
            iou = (e - s) / (max(g["end"], p["end"]) - min(g["start"], p["start"]))
            if iou >= 0.5:
                pairs.append((iou, i, j))
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _iou, i, j in sorted(pairs, reverse=True):
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        out.append((i, j))
    return out


def _tally_doc(tally: _Tally, d: str, G: list[Row], P: list[Row]) -> None:
    """Add one document's matches, misses and spurious predictions (optional gold counts neither way)."""
    matched = _matches(G, P)
    for i, j in matched:
        g, p = G[i], P[j]
        if _optional(g):
            continue
        tally.tp += 1
        if speaker_ok(g, p):
            tally.sp_ok += 1
        else:
            tally.wrong.append((d, g["text"][:60], g["speaker"], p.get("speaker")))
    used_g = {i for i, _ in matched}
    used_p = {j for _, j in matched}
    for i, g in enumerate(G):
        if i not in used_g and not _optional(g):
            tally.fn += 1
            tally.misses.append((d, g["text"][:70]))
    for j, p in enumerate(P):
        if j in used_p:
            continue
        if any(_optional(g) and max(g["start"], p["start"]) < min(g["end"], p["end"]) for g in G):
            continue
        tally.fp += 1
        tally.spurious.append((d, (p.get("text") or "")[:70]))


def _prf(tp: int, np_: int, ng: int) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``tp`` hits among ``np_`` predicted and ``ng`` gold items, to 3 places."""
    p = tp / np_ if np_ else 0.0
    r = tp / ng if ng else 0.0
    return round(p, 3), round(r, 3), round(2 * p * r / (p + r) if p + r else 0.0, 3)


def quote_rows(source: str, quotes: Iterable[Quote]) -> list[Row]:
    """Prediction rows for ``score_quotes`` from an article's Quotes."""
    return [{"source": source, "start": q.start, "end": q.end, "text": q.text, "kind": q.kind, "speaker": q.speaker,
                 "speaker_type": q.speaker_type, "on_behalf_of": q.on_behalf_of} for q in quotes]


# ---------------------------------------------------------------- PolNeAR (score_polnear.py)

BratSpans = dict[str, tuple[str, list[tuple[int, int]]]]  # T id -> (type, [(start, end), ...])


def parse_ann(path: str | os.PathLike[str]) -> tuple[BratSpans, list[dict[str, str]]]:
    """Text-bound annotations and events of a brat .ann file."""
    T: BratSpans = {}
    E: list[dict[str, str]] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if re.match(r"^T\d+$", parts[0]) and len(parts) >= 2:
                typ, spans = parts[1].split(" ", 1)
                T[parts[0]] = (typ, [(int(a), int(b)) for a, b in (s.split() for s in spans.split(";"))])
            elif re.match(r"^E\d+$", parts[0]) and len(parts) >= 2:
                E.append(dict(a.split(":", 1) for a in parts[1].split() if ":" in a))
    return T, E


def trim(text: str, spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Spans without quote marks, spaces and edge punctuation, sorted (the scorer's exact-match key)."""
    out = []
    for s, e in spans:
        while s < e and text[s] in TRIM:
            s += 1
        while e > s and text[e - 1] in TRIM:
            e -= 1
        if e > s:
            out.append((s, e))
    return tuple(sorted(out))


def _chars(spans: Iterable[tuple[int, int]]) -> set[int]:
    return {i for s, e in spans for i in range(s, e)}


def polnear_articles(root: str | os.PathLike[str], compartment: str) -> list[dict[str, str]]:
    """Metadata rows of a PolNeAR compartment (train/dev)."""
    with open(os.path.join(root, "metadata.tsv"), encoding="utf-8") as f:
        return [r for r in csv.DictReader(f, delimiter="\t") if r["compartment"] == compartment]


def polnear_text_path(root: str | os.PathLike[str], compartment: str, filename: str) -> Path:
    return Path(root) / compartment / "text" / (filename + ".txt")


def score_polnear(
    root: str | os.PathLike[str], compartment: str, pred: list[Row], only: set[str] | None = None
) -> dict[str, Any]:
    """Exact F1 per span type, content overlap F1 and linked attribution F1 against the first annotator
    (``only``: restrict to these article file names, without .txt; the tool scores the whole split)."""
    meta = polnear_articles(root, compartment)
    if only is not None:
        meta = [r for r in meta if r["filename"] in only]
    preds: dict[str, list[Row]] = defaultdict(list)
    for r in pred:
        name = os.path.basename(str(r.get("source") or r.get("doc") or ""))
        preds[name.removesuffix(".txt")].append(r)
    cnt: dict[str, int] = defaultdict(int)
    for row in meta:
        fn = row["filename"]
        text = polnear_text_path(root, compartment, fn).read_text(encoding="utf-8")
        ann = os.path.join(root, compartment, "attributions", f"{fn}_{row['annotators'].split('|')[0]}.ann")
        T, E = parse_ann(ann)
        gold = []
        for e in E:
            if "Content" not in e or e["Content"] not in T:
                continue
            gold.append({"content": trim(text, T[e["Content"]][1]),
                             "source": trim(text, T[e["Source"]][1]) if e.get("Source") in T else (),
                             "cue": trim(text, T[e["Cue"]][1]) if e.get("Cue") in T else ()})
        mine = []
        for r in preds.get(fn, []):
            spans = r.get("spans") or [[r["start"], r["end"]]]
            sp, cu = r.get("speaker_span"), r.get("cue_span")
            mine.append({"content": trim(text, [tuple(s) for s in spans]),
                             "source": trim(text, [tuple(sp)]) if sp else (),
                             "cue": trim(text, [tuple(cu)]) if cu else ()})
        for kind in ("content", "source", "cue"):
            gset = {x[kind] for x in gold if x[kind]}
            pset = {x[kind] for x in mine if x[kind]}
            cnt[kind + "_tp"] += len(gset & pset)
            cnt[kind + "_np"] += len(pset)
            cnt[kind + "_ng"] += len(gset)
        for i, j in overlap_pairs([_chars(g["content"]) for g in gold], [_chars(p["content"]) for p in mine]):
            cnt["overlap_tp"] += 1
            gs, ps = _chars(gold[i]["source"]), _chars(mine[j]["source"])
            if (not gs and not ps) or (gs & ps):
                cnt["attr_tp"] += 1
        cnt["overlap_np"] += len(mine)
        cnt["overlap_ng"] += len(gold)
    res: dict[str, Any] = {}
    for kind in ("content", "source", "cue"):
        res[kind + "_exact"] = _prf(cnt[kind + "_tp"], cnt[kind + "_np"], cnt[kind + "_ng"])
    res["content_overlap"] = _prf(cnt["overlap_tp"], cnt["overlap_np"], cnt["overlap_ng"])
    res["attribution"] = _prf(cnt["attr_tp"], cnt["overlap_np"], cnt["overlap_ng"])
    res["articles"] = len(meta)
    res["gold"] = cnt["overlap_ng"]
    res["pred"] = cnt["overlap_np"]
    return res


def overlap_pairs(gold: list[set[int]], pred: list[set[int]]) -> list[tuple[int, int]]:
    """(gold index, prediction index) pairs whose character sets overlap by IoU >= 0.5, one to one, best first: how
    ``score_polnear`` pairs attributions by content."""
    pairs = []
    for i, gc in enumerate(gold):
        for j, pc in enumerate(pred):
            inter = len(gc & pc)
            if inter and inter / len(gc | pc) >= 0.5:
                pairs.append((inter / len(gc | pc), i, j))
    ug: set[int] = set()
    up: set[int] = set()
    out = []
    for _, i, j in sorted(pairs, reverse=True):
        if i not in ug and j not in up:
            ug.add(i)
            up.add(j)
            out.append((i, j))
    return out


def polnear_rows(source: str, quotes: list[Quote], merge_groups: bool = True) -> list[Row]:
    """PolNeAR prediction rows: a partial quote counts as its whole reported clause (a mixed attribution);
    with ``merge_groups`` the paragraphs of one statement (same group, same cue) form one attribution
    with discontinuous spans, as PolNeAR annotates them."""
    rows: list[Row] = []
    by_group: dict[tuple[int, tuple[int, int] | None], Row] = {}
    clauses: set[tuple[int, int]] = set()
    for q in quotes:
        if q.kind == "partial" and q.clause_span:
            if q.clause_span in clauses:  # two quoted fragments of one reported clause: one attribution
                continue
            clauses.add(q.clause_span)
            spans = [list(q.clause_span)]
        else:
            spans = [list(s) for s in (q.spans or [(q.start, q.end)])]
        row = {"source": source, "spans": spans, "speaker_span": list(q.speaker_span) if q.speaker_span else None,
                   "cue_span": list(q.cue_span) if q.cue_span else None, "kind": q.kind}
        key = (q.group, q.cue_span) if q.group is not None else None
        if merge_groups and key is not None and key in by_group and q.kind == "direct":
            by_group[key]["spans"].extend(spans)
            continue
        if key is not None and q.kind == "direct":
            by_group[key] = row
        rows.append(row)
    return rows


# ---------------------------------------------------------------- stance and contradiction precision golds

STANCE_ERRORS = ("not_stance", "holder", "target", "label", "polarity", "voice")  # docs/annotation.md


GOLD_TARGET_WORDS = 6  # a gold row keeps this many words of a target: a name, never an excerpt of the article


def gold_target(target: str | None) -> str | None:
    """A stance target as a precision gold keeps it: its first ``GOLD_TARGET_WORDS`` words."""
    return " ".join(target.split()[:GOLD_TARGET_WORDS]) if target else target


def stance_key(r: Row) -> tuple[Any, ...]:
    """What identifies a judged stance: its article (file name), cue offsets, holder, label, negation, target."""
    cue = r.get("cue_span")
    return (_doc_of(r), tuple(cue) if cue else None, r.get("holder"), r.get("label"), bool(r.get("negated")),
            gold_target(r.get("target")))


def score_stances(gold: list[Row], pred: list[Row], details: bool = False) -> dict[str, Any]:
    """Precision of the predicted stances a judge saw (holder, target, label and polarity all right), the share
    wrong by error kind, how many of the gold articles' stances were judged (``coverage``), and the share of the
    judged-right stances still made (``kept_right``); ``recall`` too when the gold lists stances the system
    missed (``"missed": true`` rows). ``pred`` rows carry ``source`` (the article's file) and the stance fields."""
    judged = {stance_key(g): g for g in gold if not g.get("missed")}
    docs = {_doc_of(g) for g in gold}
    mine = [p for p in pred if _doc_of(p) in docs]
    made = {stance_key(p) for p in mine}
    hits = [(p, judged[stance_key(p)]) for p in mine if stance_key(p) in judged]
    right = sum(1 for _, g in hits if g["ok"])
    n = len(hits)
    res: dict[str, Any] = {"precision": round(right / n, 3) if n else 0.0, "judged": n, "right": right,
                           "stances": len(mine), "coverage": round(n / len(mine), 3) if mine else 0.0}
    for kind in STANCE_ERRORS:
        res["wrong_" + kind] = sum(1 for _, g in hits if not g["ok"] and g.get("error") == kind)
    gold_right = [k for k, g in judged.items() if g["ok"]]
    res["kept_right"] = round(sum(1 for k in gold_right if k in made) / len(gold_right), 3) if gold_right else 0.0
    missed = [g for g in gold if g.get("missed")]
    if missed:
        found = right + sum(1 for g in missed if stance_key(g) in made)
        res["recall"] = round(found / (len(gold_right) + len(missed)), 3)
    if details:
        res["wrong"] = [(_doc_of(p), p.get("holder"), p.get("label"), p.get("target"), g.get("error"))
                        for p, g in hits if not g["ok"]]
        res["unjudged"] = [(_doc_of(p), p.get("holder"), p.get("label"), p.get("target"))
                           for p in mine if stance_key(p) not in judged]
    return res


def score_contradictions(gold: list[Row], pred: list[Row], details: bool = False) -> dict[str, Any]:
    """Precision of the predicted contradictions a judge saw: each pred and gold row has ``claim`` and
    ``counter`` stance rows (keyed as ``stance_key``); ``unjudged`` counts pairs with no judgement."""
    judged = {(stance_key(g["claim"]), stance_key(g["counter"])): g for g in gold}
    hits = [(p, judged.get((stance_key(p["claim"]), stance_key(p["counter"])))) for p in pred]
    seen = [(p, g) for p, g in hits if g is not None]
    right = sum(1 for _, g in seen if g["ok"])
    res: dict[str, Any] = {"precision": round(right / len(seen), 3) if seen else None, "judged": len(seen),
                           "right": right, "contradictions": len(pred), "unjudged": len(pred) - len(seen)}
    errors: dict[str, int] = defaultdict(int)
    for _, g in seen:
        if not g["ok"]:
            errors[g.get("error") or "other"] += 1
    res.update({"wrong_" + k: v for k, v in sorted(errors.items())})
    gold_right = [k for k, g in judged.items() if g["ok"]]
    made = {(stance_key(p["claim"]), stance_key(p["counter"])) for p in pred}
    res["kept_right"] = round(sum(1 for k in gold_right if k in made) / len(gold_right), 3) if gold_right else None
    if details:
        res["wrong"] = [(p["claim"].get("holder"), p["claim"].get("label"), p["counter"].get("label"),
                         g.get("error")) for p, g in seen if not g["ok"]]
    return res


# -- descriptors ---------------------------------------------------------------------------------------------
DESCRIPTOR_ERRORS = ("timestamp", "byline", "caption", "furniture", "other_entity", "wrong_entity", "not_a_description",
                     "fragment")


def score_descriptors(gold: list[Row], pred: list[Row], min_confidence: float | None = None) -> dict[str, Any]:
    """Precision of stored descriptors against a precision gold (rows with article_id, start, end, judgement
    "right"/"wrong" and an error kind for wrong ones): matched by article and exact offsets; descriptors the gold
    does not judge are counted as ``unjudged``, never guessed. ``min_confidence`` keeps those at least this sure."""
    judged = {(g["article_id"], g["start"], g["end"]): g for g in gold}
    kept = [p for p in pred if min_confidence is None or (p.get("confidence") or 0.0) >= min_confidence]
    found = [judged[k] for p in kept if (k := (p["article_id"], p["start"], p["end"])) in judged]
    right = sum(g["judgement"] == "right" for g in found)
    errors: dict[str, int] = {k: 0 for k in DESCRIPTOR_ERRORS}
    for g in found:
        if g["judgement"] != "right":
            errors[g.get("error") or "not_a_description"] = errors.get(g.get("error") or "not_a_description", 0) + 1
    out: dict[str, Any] = {"output": len(kept), "judged": len(found), "unjudged": len(kept) - len(found),
                           "right": right, "precision": round(right / len(found), 3) if found else 0.0}
    out.update({f"wrong_{k}": v for k, v in errors.items() if v})
    return out


# -- reported quotes ---------------------------------------------------------------------------------------
REPORTED_ERRORS = ("not_speech", "span", "speaker")  # the first failing test of docs/annotation.md names the error
CONFIDENCE_BANDS = ((0.0, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01))


def reported_key(r: Row) -> tuple[Any, ...]:
    """What identifies a judged reported quote: its page, content and cue offsets and the speaker credited (None
    for nobody, whether the row writes null or "unknown")."""
    cue = r.get("cue_span")
    return (_doc_of(r), r["start"], r["end"], tuple(cue) if cue else None, None if undetermined(r) else r["speaker"])


def score_reported(gold: list[Row], pred: list[Row], min_confidence: float | None = None) -> dict[str, Any]:
    """Precision of stored reported quotes (kind not "direct") against a judged precision gold (rows keyed as
    ``reported_key`` with ``ok`` and, when wrong, ``error``): by error kind and by confidence band (right/judged).
    Quotes the gold has no judgement of are counted as ``unjudged``, never guessed; ``min_confidence`` keeps
    those at least this sure. ``pred`` rows carry ``source`` (the page's id) and the quote's fields."""
    judged = {reported_key(g): g for g in gold}
    docs = {_doc_of(g) for g in gold}
    mine = [p for p in pred if p.get("kind") != "direct" and _doc_of(p) in docs
            and (min_confidence is None or (p.get("confidence") or 0.0) >= min_confidence)]
    hits = [(p, judged[reported_key(p)]) for p in mine if reported_key(p) in judged]
    right = sum(1 for _, g in hits if g["ok"])
    res: dict[str, Any] = {"precision": round(right / len(hits), 3) if hits else 0.0, "judged": len(hits),
                           "right": right, "reported": len(mine), "unjudged": len(mine) - len(hits)}
    for kind in REPORTED_ERRORS:
        res["wrong_" + kind] = sum(1 for _, g in hits if not g["ok"] and g.get("error") == kind)
    bands: dict[str, list[int]] = {}
    for lo, hi in CONFIDENCE_BANDS:
        inside = [g for p, g in hits if lo <= (p.get("confidence") or 0.0) < hi]
        bands[f"{lo:.1f}-{min(hi, 1.0):.1f}"] = [sum(1 for g in inside if g["ok"]), len(inside)]
    res["bands"] = bands
    return res


# ---------------------------------------------------------------- tone (NewsMTSC format)

TONE_POLARITY = {-1: "negative", 0: "neutral", 1: "positive"}


def score_tone(gold: list[str], pred: list[str]) -> dict[str, Any]:
    """F1 macro over the three tone labels (the NewsMTSC paper's measure), accuracy and n, of aligned lists."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    f1s = []
    for label in TONE_POLARITY.values():
        tp = sum(g == p == label for g, p in zip(gold, pred))
        n_pred, n_gold = pred.count(label), gold.count(label)
        f1s.append(2 * tp / (n_pred + n_gold) if tp else 0.0)
    correct = sum(g == p for g, p in zip(gold, pred))
    return {"f1_macro": round(sum(f1s) / len(f1s), 4), "accuracy": round(correct / len(gold), 4) if gold else 0.0,
            "n": len(gold)}


def tone_rows(path: str | os.PathLike[str]) -> list[Row]:
    """Targets of a NewsMTSC-format JSONL file (``sentence``, ``from``, ``to``, ``polarity`` -1/0/1), checked."""
    rows = load_jsonl(path)
    for n, r in enumerate(rows, 1):
        if not {"sentence", "from", "to", "polarity"} <= r.keys() or r["polarity"] not in TONE_POLARITY:
            raise ValueError(f"{path}: line {n}: expected sentence, from, to and polarity (-1, 0 or 1)")
    return rows


# ---------------------------------------------------------------- entity clusters (issue 25)

EntityMentionRow = tuple[int, int, str, str, str]  # start, end, entity id, entity name, entity type


def entity_mentions(store: Store, docs: set[str]) -> dict[str, list[EntityMentionRow]]:
    """The stored named mentions (not pronouns or descriptions) of the articles whose file names are ``docs``
    (the first stored article of each name), with the entity each links to."""
    out: dict[str, list[EntityMentionRow]] = {}
    for aid, source in store.conn.execute("SELECT id, source FROM articles ORDER BY rowid").fetchall():
        name = os.path.basename(str(source))
        if name not in docs or name in out:
            continue
        out[name] = [(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in store.conn.execute(
            'SELECT m.start, m."end", e.id, e.name, e.type FROM entity_mentions m JOIN article_entities a ON '
            "a.article_id = m.article_id AND a.n = m.n JOIN entities e ON e.id = a.entity_id WHERE m.article_id = ? "
            "AND m.kind IN ('name', 'short', 'metonym') ORDER BY m.start", (aid,))]
    return out


def _best(span: tuple[int, int], found: list[EntityMentionRow]) -> EntityMentionRow | None:
    """The found mention that overlaps the gold span most (ties: the earlier)."""
    s, e = span
    best, most = None, 0
    for m in found:
        overlap = min(e, m[1]) - max(s, m[0])
        if overlap > most:
            best, most = m, overlap
    return best


def score_entities(gold: list[Row], found: dict[str, list[EntityMentionRow]], entity_of: dict[str, str | None]
                   ) -> dict[str, Any]:
    """B-cubed precision/recall/F1 of the entities the gold's person mentions link to, over every gold mention of
    every article at once (one person across articles is one gold cluster), and the share of (article, main
    person) pairs whose person's entity (``entity_of``: gold name -> the entity the name finds) is mentioned in
    that article. A gold mention the store does not have is a cluster of its own. Also lists the person entities
    found in the gold's articles whose name holds a possessive or that have a mention running past a gold name
    into other words (a headline fragment, "Trump Says")."""
    pairs: list[tuple[str, str]] = []  # (gold person, found entity) per gold mention
    linked = mains = 0
    bad: set[str] = set()
    for g in gold:
        doc = _doc_of(g)
        here = found.get(doc, [])
        for person, spans in g["people"].items():
            for k, (s, e) in enumerate(spans):
                m = _best((s, e), here)
                pairs.append((person, m[2] if m else f"missing:{doc}:{person}:{k}"))
                if m and m[4] == "person" and m[1] > e + 2:  # runs past the name (beyond a possessive)
                    bad.add(m[3])
        ids = {m[2] for m in here}
        for person in g.get("main", []):
            mains += 1
            linked += entity_of.get(person) in ids
        bad |= {m[3] for m in here if m[4] == "person" and re.search(r"['’]s\b", m[3])}
    both = Counter(pairs)
    per_gold, per_found = Counter(p for p, _ in pairs), Counter(f for _, f in pairs)
    n = len(pairs) or 1
    precision = sum(c * c / per_found[f] for (_, f), c in both.items()) / n
    recall = sum(c * c / per_gold[p] for (p, _), c in both.items()) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"articles": len(gold), "mentions": len(pairs), "people": len(per_gold),
            "b3_precision": round(precision, 4), "b3_recall": round(recall, 4), "b3_f1": round(f1, 4),
            "main_people": mains, "main_people_linked": round(linked / mains, 4) if mains else 0.0,
            "bad_person_names": sorted(bad)}
