"""evaluate.py agrees with the reference scorers (shared/tools/score_quotes.py, score_polnear.py).

The expected numbers below were produced by running those tools on the same synthetic files."""
from __future__ import annotations

import json
from pathlib import Path

from onrecord.evaluate import (
    norm_speaker,
    polnear_rows,
    score_polnear,
    score_quotes,
    trim,
)
from onrecord.models import Quote

GOLD = [
    {"doc": "a.txt", "start": 0, "end": 20, "text": "x" * 20, "speaker": "Jeremy Corbyn", "speaker_type": "person"},
    {"doc": "a.txt", "start": 30, "end": 50, "text": "y" * 20, "speaker": "Labour spokesperson",
         "speaker_type": "spokesperson", "on_behalf_of": "Labour Party", "speaker_aliases": ["Labour"]},
    {"doc": "a.txt", "start": 60, "end": 70, "text": "z" * 10, "speaker": "Iran", "speaker_type": "organisation",
         "speaker_aliases": ["Tehran"]},
    {"doc": "a.txt", "start": 80, "end": 90, "text": "o" * 10, "speaker": "X", "speaker_type": "person",
     "note": "optional"},
    {"doc": "b.txt", "start": 0, "end": 10, "text": "b" * 10, "speaker": "Boris Johnson", "speaker_type": "person"},
]
PRED = [
    {"source": "/any/path/a.txt", "start": 2, "end": 20, "kind": "direct", "speaker": "Mr Corbyn's"},
    {"source": "a.txt", "start": 30, "end": 52, "kind": "direct", "speaker": "party spokesman",
     "on_behalf_of": "Labour Party"},
    {"source": "a.txt", "start": 60, "end": 70, "kind": "partial", "speaker": "Tehran"},
    {"source": "a.txt", "start": 61, "end": 69, "kind": "partial", "speaker": "Iran"},
    {"source": "a.txt", "start": 85, "end": 95, "kind": "direct", "speaker": "Y"},
    {"source": "a.txt", "start": 100, "end": 120, "kind": "indirect", "speaker": "Z"},
    {"source": "b.txt", "start": 0, "end": 3, "kind": "direct", "speaker": "Boris Johnson"},
    {"source": "c.txt", "start": 0, "end": 3, "kind": "direct", "speaker": "Nobody"},
]


def test_score_quotes_matches_tool():
    # python3 shared/tools/score_quotes.py gold.jsonl pred.jsonl --json
    assert score_quotes(GOLD, PRED) == {"span_p": 0.6, "span_r": 0.75, "span_f1": 0.667, "speaker_acc": 0.667,
                                        "e2e_f1": 0.444, "tp": 3, "fp": 2, "fn": 1}


def test_norm_speaker():
    assert norm_speaker("Mr Corbyn’s") == "corbyn"
    assert norm_speaker("The Prime Minister Boris Johnson") == "boris johnson"


def test_trim_drops_marks_and_edge_punctuation():
    text = '“Hello, world,” he said.'
    assert trim(text, [(0, 15)]) == ((1, 13),)
    assert trim(text, [(14, 15)]) == ()


def make_polnear(tmp_path):
    text = 'Mr Smith said: "We will win." Jones said the plan failed, according to aides.\n'
    root = tmp_path / "polnear"
    (root / "dev" / "text").mkdir(parents=True)
    (root / "dev" / "attributions").mkdir(parents=True)
    (root / "metadata.tsv").write_text("compartment\tfilename\tannotators\ndev\tdoc1\tann1|ann2\n", encoding="utf-8")
    (root / "dev" / "text" / "doc1.txt").write_text(text, encoding="utf-8")

    def at(s):
        i = text.index(s)
        return f"{i} {i + len(s)}"
    ann = [f"T1\tSource {at('Mr Smith')}\tMr Smith", f"T2\tCue {at('said:')}\tsaid:",
           f"T3\tContent {at(chr(34) + 'We will win.' + chr(34))}\tx",
           "E1\tAttribution:T9 Content:T3 Cue:T2 Source:T1 ",
           f"T4\tSource {at('Jones')}\tJones",
           f"T5\tCue {at('said the')[:3]} {int(at('said the').split()[0]) + 4}\tsaid",
           f"T6\tContent {at('the plan failed')}\tx", "E2\tAttribution:T10 Content:T6 Cue:T5 Source:T4",
           "#1\tAnnotatorNotes T1\tnote", "junk line"]
    (root / "dev" / "attributions" / "doc1_ann1.ann").write_text("\n".join(ann) + "\n", encoding="utf-8")
    return root, text


def test_score_polnear_matches_tool(tmp_path):
    root, text = make_polnear(tmp_path)

    def span(s):
        i = text.index(s)
        return [i, i + len(s)]
    pred = [
        {"source": "doc1.txt", "spans": [span("We will win.")], "speaker_span": span("Mr Smith"),
         "cue_span": span("said")},
        {"source": "doc1.txt", "start": span("the plan")[0], "end": span("failed")[1], "speaker_span": span("aides"),
             "cue_span": None},
        {"source": "doc1.txt", "start": 0, "end": 5, "speaker_span": None, "cue_span": None},
    ]
    res = score_polnear(root, "dev", pred)
    # python3 shared/tools/score_polnear.py ROOT dev pred.jsonl --json
    assert json.loads(json.dumps(res)) == {
        "content_exact": [0.667, 1.0, 0.8], "source_exact": [0.5, 0.5, 0.5], "cue_exact": [1.0, 0.5, 0.667],
        "content_overlap": [0.667, 1.0, 0.8], "attribution": [0.333, 0.5, 0.4], "articles": 1, "gold": 2, "pred": 3}


def test_polnear_rows_uses_clause_and_merges_groups():
    qs = [Quote(10, 20, "a", "partial", [(10, 20)], clause_span=(5, 30), cue_span=(0, 4)),
          Quote(40, 60, "b", "direct", [(40, 60)], group=1, cue_span=(62, 66), speaker_span=(67, 70)),
          Quote(80, 99, "c", "direct", [(80, 99)], group=1, cue_span=(62, 66), speaker_span=(67, 70))]
    rows = polnear_rows("x.txt", qs)
    assert [r["spans"] for r in rows] == [[[5, 30]], [[40, 60], [80, 99]]]
    assert len(polnear_rows("x.txt", qs, merge_groups=False)) == 3


def test_polnear_rows_one_attribution_per_reported_clause():
    # two quoted fragments of one reported clause ("called it 'a' and 'b'") are one PolNeAR attribution
    qs = [Quote(10, 20, "a", "partial", [(10, 20)], clause_span=(5, 40), cue_span=(0, 4)),
          Quote(25, 35, "b", "partial", [(25, 35)], clause_span=(5, 40), cue_span=(0, 4))]
    assert [r["spans"] for r in polnear_rows("x.txt", qs)] == [[[5, 40]]]


# -- stance and contradiction precision golds ---------------------------------------------------------------------
def _st(doc: str, cue: int, holder: str, label: str = "condemn", target: str | None = "Tom Reed",
        negated: bool = False) -> dict:
    return {"doc": doc, "start": cue - 5, "end": cue + 40, "cue_span": [cue, cue + 8], "holder": holder,
            "label": label, "negated": negated, "target": target}


def test_stance_precision_counts_judged_stances_by_error_kind():
    from onrecord.evaluate import score_stances

    gold = [{**_st("a.txt", 10, "Jane Miller"), "ok": True, "error": None},
            {**_st("a.txt", 90, "the piece"), "ok": False, "error": "holder"},
            {**_st("b.txt", 10, "Ann Lee", "support"), "ok": False, "error": "polarity"},
            {**_st("b.txt", 60, "Ann Lee", "urge"), "ok": True, "error": None}]
    pred = [{**_st("a.txt", 10, "Jane Miller"), "source": "/x/a.txt"},
            {**_st("a.txt", 90, "the piece"), "source": "a.txt"},
            {**_st("b.txt", 10, "Ann Lee", "support"), "source": "b.txt"},
            {**_st("b.txt", 10, "Ann Lee", "support", negated=True), "source": "b.txt"},  # not judged
            {**_st("c.txt", 10, "Bob Ray"), "source": "c.txt"}]  # not a gold article
    res = score_stances(gold, pred, details=True)
    assert (res["precision"], res["judged"], res["right"], res["stances"]) == (0.333, 3, 1, 4)
    assert (res["wrong_holder"], res["wrong_polarity"], res["wrong_label"]) == (1, 1, 0)
    assert res["coverage"] == 0.75 and res["kept_right"] == 0.5 and "recall" not in res
    assert res["unjudged"] == [("b.txt", "Ann Lee", "support", "Tom Reed")]
    missed = {**_st("b.txt", 200, "Ann Lee", "praise"), "ok": True, "missed": True}
    assert score_stances([*gold, missed], pred)["recall"] == round(1 / 3, 3)


def test_contradiction_precision_over_judged_pairs():
    from onrecord.evaluate import score_contradictions

    claim, own, other = _st("a.txt", 10, "Jane Miller"), _st("b.txt", 10, "Jane Miller", "praise"), \
        _st("c.txt", 10, "Jane Miller", "support")
    gold = [{"claim": claim, "counter": own, "ok": True, "error": None},
            {"claim": claim, "counter": other, "ok": False, "error": "change_of_position"}]
    pred = [{"claim": {**claim, "source": "a.txt"}, "counter": {**own, "source": "b.txt"}},
            {"claim": {**claim, "source": "a.txt"}, "counter": {**other, "source": "c.txt"}}]
    res = score_contradictions(gold, pred)
    assert (res["precision"], res["judged"], res["unjudged"], res["wrong_change_of_position"]) == (0.5, 2, 0, 1)
    assert score_contradictions([], pred)["precision"] is None


def test_the_precision_golds_hold_offsets_and_judgements_only():
    """No article text in the golds (PolNeAR is copyrighted); every row judged with a known error kind."""
    from onrecord.evaluate import STANCE_ERRORS, load_jsonl

    folder = Path(__file__).parent / "fixtures" / "stance_precision"
    for name, docs, n in (("set_a.jsonl", 25, 80), ("set_b.jsonl", 25, 80), ("set_c.jsonl", 20, 70),
                          ("set_d.jsonl", 20, 60), ("set_e.jsonl", 25, 75)):
        rows = load_jsonl(folder / name)
        assert len({r["doc"] for r in rows}) >= docs and len(rows) >= n
        for r in rows:
            assert set(r) <= {"doc", "start", "end", "cue_span", "holder", "label", "negated", "target", "ok",
                              "error", "missed"}
            assert isinstance(r["start"], int) and r["start"] < r["end"] and r["cue_span"][0] < r["cue_span"][1]
            assert (r["ok"] and r["error"] is None) or (not r["ok"] and r["error"] in STANCE_ERRORS)
    docs_a = {r["doc"] for r in load_jsonl(folder / "set_a.jsonl")}
    docs_b = {r["doc"] for r in load_jsonl(folder / "set_b.jsonl")}
    docs_c = {r["doc"] for r in load_jsonl(folder / "set_c.jsonl")}
    docs_d = {r["doc"] for r in load_jsonl(folder / "set_d.jsonl")}
    assert not docs_a & docs_b and not docs_c & (docs_a | docs_b) and not docs_d & (docs_a | docs_b | docs_c)
    docs_e = {r["doc"] for r in load_jsonl(folder / "set_e.jsonl")}
    assert not docs_e & (docs_a | docs_b | docs_c | docs_d)
    draws = json.loads((folder / "draws.json").read_text(encoding="utf-8"))  # the judged draws, file names only
    assert len(draws["D"]) == 30 and len(draws["E"]) == 40 and not set(draws["D"]) & set(draws["E"])
    assert {d.removesuffix(".txt") for d in docs_d} <= set(draws["D"])
    assert {d.removesuffix(".txt") for d in docs_e} <= set(draws["E"])
