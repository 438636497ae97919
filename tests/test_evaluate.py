"""evaluate.py agrees with the reference scorers (shared/tools/score_quotes.py, score_polnear.py).

The expected numbers below were produced by running those tools on the same synthetic files."""
from __future__ import annotations

import json

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
