"""bench/attribution_data.py: an invented PolNeAR-style .txt/.ann pair becomes a parsed doc with the gold roles as
span groups, joined BIO tags that decode back to the same spans, and training examples for the tagger; decoded
spans are linked into attributions and combined with the rules' rows (bench/attribution_model.py)."""
from __future__ import annotations

import sys

from conftest import ROOT

from onrecord.nlp import load_nlp
from onrecord.nlp.attribution import spans_of

sys.path.insert(0, str(ROOT / "bench"))
from attribution_data import (
    attribution_examples,
    convert,
    gold_pieces,
    label_doc,
    tags_of,
)
from attribution_model import combine, link, model_rows

TEXT = ("Harbour plan faces delay\n"
        "The harbour master said the new pier would open in June. "
        "“We are nearly done,” Ms Okafor told reporters, “but the weather has been awful.”\n")


def _ann() -> str:
    def at(s: str, n: int = 0) -> tuple[int, int]:
        i = -1
        for _ in range(n + 1):
            i = TEXT.index(s, i + 1)
        return i, i + len(s)

    src1, cue1, con1 = at("The harbour master"), at("said"), at("the new pier would open in June")
    src2, cue2 = at("Ms Okafor"), at("told")
    a, b = at("“We are nearly done,”"), at("“but the weather has been awful.”")
    return "\n".join([
        f"T1\tSource {src1[0]} {src1[1]}\tx", f"T2\tCue {cue1[0]} {cue1[1]}\tx", f"T3\tContent {con1[0]} {con1[1]}\tx",
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1 ",
        f"T5\tSource {src2[0]} {src2[1]}\tx", f"T6\tCue {cue2[0]} {cue2[1]}\tx",
        f"T7\tContent {a[0]} {a[1]};{b[0]} {b[1]}\tx",
        "E2\tAttribution:T8 Content:T7 Cue:T6 Source:T5", "#1\tAnnotatorNotes T7\ta note", ""])


def test_conversion_of_an_invented_article(tmp_path) -> None:
    (tmp_path / "train" / "attributions").mkdir(parents=True)
    (tmp_path / "train" / "attributions" / "art1_ann1.ann").write_text(_ann(), encoding="utf-8")
    pieces = gold_pieces(TEXT, tmp_path / "train" / "attributions" / "art1_ann1.ann")
    # the discontinuous content gives two pieces, without their quote marks and edge commas
    assert [TEXT[s:e] for s, e in pieces["content"]] == [
        "the new pier would open in June", "We are nearly done", "but the weather has been awful"]
    assert [TEXT[s:e] for s, e in pieces["source"]] == ["The harbour master", "Ms Okafor"]
    nlp = load_nlp()
    db, kept, dropped = convert(str(tmp_path), "train", [{"filename": "art1", "annotators": "ann1|ann2"}],
                                [nlp(TEXT)])
    assert (kept, dropped) == (7, 0)
    doc = next(db.get_docs(nlp.vocab))
    assert doc.has_annotation("DEP")  # the pipeline's parse travels with the labels
    assert [s.text for s in doc.spans["cue"]] == ["said", "told"]
    tags = tags_of(doc)
    said = next(t.i for t in doc if t.text == "said")
    assert tags[said] == "OBO" and tags[said + 1] == "OOB" and tags[said + 2] == "OOI"
    decoded = spans_of(tags)
    for role in ("source", "cue", "content"):
        assert decoded[role] == [(s.start, s.end) for s in doc.spans[role]]
    out = tmp_path / "train.spacy"
    db.to_disk(out)
    (eg,) = list(attribution_examples(str(out))(nlp))
    assert eg.predicted.has_annotation("TAG") and [t.tag_ for t in eg.reference] == tags
    # the input carries the parse features: the reported clause hangs from the main verb "say"
    pier = next(t for t in eg.predicted if t.text == "pier")
    assert pier.norm_ == "ccomp:say" and pier.ent_kb_id_ == "ccomp:say"
    assert doc[pier.i].norm_ == "pier"  # on a copy: the parsed doc keeps its own


def test_nested_pieces_of_one_role_keep_the_longer() -> None:
    doc = load_nlp()("Officials said the mayor claimed the vote was rigged.")
    inner = (doc.text.index("the vote"), len(doc.text) - 1)
    outer = (doc.text.index("the mayor"), len(doc.text) - 1)
    doc, dropped = label_doc(doc, {"content": [inner, outer]})
    assert dropped == 1 and [s.text for s in doc.spans["content"]] == ["the mayor claimed the vote was rigged"]


def test_decoding_is_lenient_about_an_inside_without_a_begin() -> None:
    assert spans_of(["OOO", "OOI", "OOI", "BOO", "OBO", "OOB", "OOI"]) == {
        "source": [(3, 4)], "cue": [(4, 5)], "content": [(1, 3), (5, 7)]}


def test_linking_of_decoded_spans_on_an_invented_article() -> None:
    text = "“We are nearly done,” Ms Okafor said, “but the weather has been awful.” The mayor said the pier is safe."
    doc = load_nlp()(text)

    def tok(s: str) -> tuple[int, int]:
        span = doc.char_span(text.index(s), text.index(s) + len(s))
        assert span is not None
        return span.start, span.end

    said = [t.i for t in doc if t.text == "said"]
    spans = {"source": [tok("Ms Okafor"), tok("The mayor")], "cue": [(said[0], said[0] + 1), (said[1], said[1] + 1)],
             # the second quote's content is tagged in two pieces with a slip between them
             "content": [tok("We are nearly done"), tok("but the weather"), tok("has been awful"),
                         tok("the pier is safe")]}
    atts = link(doc, spans)
    got = [([text[s:e] for s, e in a.content], text[slice(*a.cue)], text[slice(*a.source)]) for a in atts]
    assert got == [(["We are nearly done", "but the weather has been awful"], "said", "Ms Okafor"),
                   (["the pier is safe"], "said", "The mayor")]
    assert atts[1].cue == (text.rindex("said"), text.rindex("said") + 4)
    rows = model_rows("a.txt", atts)
    # a rule row of the reported clause with a longer content takes the model's content and cue, keeps its speaker
    rule = [{"source": "a.txt", "spans": [[text.index("the pier"), len(text)]], "kind": "indirect",
             "speaker_span": [0, 3], "cue_span": None}]
    (merged,) = combine("a.txt", rule, atts)
    assert merged["spans"] == rows[1]["spans"] and merged["cue_span"] == rows[1]["cue_span"]
    assert merged["speaker_span"] == [0, 3]
    direct = [dict(rule[0], kind="direct")]
    assert combine("a.txt", direct, atts) == direct  # quote-mark structure stays the rules'
