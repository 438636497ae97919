"""The shipped attribution tagger (issue 23): the spaCy component ``onrecord_attribution_v1`` that ``load_nlp`` runs
last, its parse features, and the cue extent the record takes from it (``analyse.attribution.tagged``). Invented
sentences, the real model and the real weights."""
from __future__ import annotations

from onrecord.analyse.attribution.quotes import extract_quotes
from onrecord.analyse.attribution.tagged import SPAN_GROUPS, tagged, tagged_cues
from onrecord.clean import segment
from onrecord.models import Quote
from onrecord.nlp import load_nlp
from onrecord.nlp.attribution import parse_features

TEXT = "The mayor has said that the new pier would open in June.\n"


def _quotes(doc, speech_only: bool = True) -> list[Quote]:
    return extract_quotes(doc, segment(doc.text), strict=True, speech_only=speech_only)


def test_the_pipeline_runs_the_tagger_last_and_puts_each_role_on_the_doc() -> None:
    nlp = load_nlp()
    assert nlp.pipe_names[-1] == "onrecord_attribution_v1"
    doc = nlp(TEXT)
    assert tagged(doc)
    got = {role: [s.text for s in doc.spans[g]] for role, g in SPAN_GROUPS.items()}
    assert got == {"source": ["The mayor"], "cue": ["has said"],
                   "content": ["that the new pier would open in June"]}
    assert doc[3].tag_ == "VBN" and doc[4].tag_ == "IN"  # the pipeline's own tags are left alone


def test_parse_features_are_on_a_copy() -> None:
    doc = load_nlp()(TEXT)
    feats = parse_features(doc)
    pier = next(t.i for t in doc if t.text == "pier")
    assert feats[pier].norm_ == "ccomp:say" and feats[pier].ent_kb_id_ == "ccomp:say"
    assert doc[pier].norm_ == "pier" and doc[pier].ent_kb_id_ == ""


def test_a_reported_quote_takes_the_tagged_cue_extent_and_keeps_the_rest() -> None:
    doc = load_nlp()(TEXT)
    (q,) = _quotes(doc)
    assert q.kind == "indirect" and q.cue == "has said" and q.cue_span == (10, 18)
    assert q.text == "that the new pier would open in June"
    for g in SPAN_GROUPS.values():  # the same analysis without the tagger: the rules' cue, the same quote
        del doc.spans[g]
    (rule,) = _quotes(doc)
    assert rule.cue == "said" and (rule.start, rule.end, rule.speaker) == (q.start, q.end, q.speaker)
    assert q.speaker == "mayor"


def _with_spans(text: str, cue: str, content: str) -> tuple:
    doc = load_nlp()(text)
    for g in SPAN_GROUPS.values():
        doc.spans[g] = []

    def tokens(s: str):
        span = doc.char_span(text.index(s), text.index(s) + len(s))
        assert span is not None
        return span

    doc.spans[SPAN_GROUPS["cue"]] = [tokens(cue)]
    doc.spans[SPAN_GROUPS["content"]] = [tokens(content)]
    return doc, (text.index(content), text.index(content) + len(content))


def test_the_tagged_cue_must_overlap_the_rules_cue_and_quote_marks_keep_theirs() -> None:
    text = "Ms Okafor was talking about the budget and said the ferry would stop.\n"
    doc, (s, e) = _with_spans(text, "said", "the ferry would stop")
    said = (text.index("said"), text.index("said") + 4)
    talking = (text.index("talking"), text.index("talking") + 7)
    reported = Quote(start=s, end=e, text=text[s:e], kind="indirect", spans=[(s, e)], cue="talking",
                     cue_span=talking)
    direct = Quote(start=s, end=e, text=text[s:e], kind="direct", spans=[(s, e)], cue="was", cue_span=(10, 13))
    tagged_cues(doc, [reported, direct])
    assert reported.cue_span == talking  # another verb than the one the speaker was found from: left alone
    assert direct.cue_span == (10, 13)
    matching = Quote(start=s, end=e, text=text[s:e], kind="indirect", spans=[(s, e)], cue="said", cue_span=said)
    tagged_cues(doc, [matching])
    assert matching.cue_span == said
    # a quote that is not the tagged statement (less than half of the content in common) keeps its cue
    far = Quote(start=0, end=e, text=text[:e], kind="indirect", spans=[(0, e)], cue="said",
                cue_span=(said[0], said[1] - 1))
    tagged_cues(doc, [far])
    assert far.cue_span == (said[0], said[1] - 1)


def test_edge_punctuation_of_a_tagged_cue_is_left_out() -> None:
    text = "The mayor said “the pier is safe” on Monday.\n"
    doc, (s, e) = _with_spans(text, "said “", "the pier is safe")
    said = (text.index("said"), text.index("said") + 4)
    q = Quote(start=s, end=e, text=text[s:e], kind="partial", spans=[(s, e)], cue="said", cue_span=said)
    tagged_cues(doc, [q])
    assert q.cue == "said" and q.cue_span == said


def test_without_the_tagger_the_rules_decide() -> None:
    nlp = load_nlp()
    doc = nlp(TEXT, disable=["onrecord_attribution_v1"])
    assert not tagged(doc)
    (q,) = _quotes(doc)
    assert q.cue == "said"
