"""The learned attribution step (analyse/learned.py) and the rules added beside it, on short texts (real model)."""
from __future__ import annotations

import json
from importlib import resources

from onrecord.analyse.attribution.learned import (
    MODEL_FILE,
    candidates,
    load_model,
    score,
)
from onrecord.analyse.attribution.marks import scan_paragraph
from onrecord.analyse.attribution.quotes import extract_quotes
from onrecord.clean import segment

HEAD = "Weekend roundup\n\n"


def run(nlp, text: str, learned: bool = True):
    return extract_quotes(nlp(text), segment(text), learned=learned)


def test_only_speech_is_a_quote(nlp):
    # a stance, a belief, a perception, an act done to an object, a refusal to speak, a speech act that did not
    # take place: none of them is something the senator said (issue 23)
    for body in ["opposes the new pipeline through the county.", "ripped the new pipeline plan on Tuesday.",
                 "worried about the cost of the pipeline.", "declined to comment on the pipeline.",
                 "did not respond to a request for comment.", "voted it through in the council on Tuesday.",
                 "believes the pipeline is safe.", "would say the pipeline is safe.",
                 "issued her strongest criticism of the pipeline yet."]:
        assert run(nlp, HEAD + "Senator Maria Ortiz " + body + "\n") == [], body


def test_speech_acts_report_their_clause(nlp):
    for body, content, cue in [("told reporters the pipeline was safe.", "the pipeline was safe", "told"),
                               ("urged voters to reject the pipeline.", "to reject the pipeline", "urged")]:
        text = HEAD + "Senator Maria Ortiz " + body + "\n"
        [q] = run(nlp, text)
        assert (q.text, q.cue, q.speaker, q.kind) == (content, cue, "Maria Ortiz", "indirect")
        assert text[q.start:q.end] == q.text


def test_the_writer_and_things_do_not_speak(nlp):
    for body in ["I think the pipeline is safe, and we said so last year.",
                 "Video footage shows the pipeline leaking into the river.",
                 "The senator is expected to announce her candidacy next week.",
                 "That's according to a new survey from the county."]:
        assert run(nlp, HEAD + body + "\n") == [], body


def test_reported_clause_stops_before_the_full_stop(nlp):
    text = HEAD + "Mayor Anna Lopez said the city would hire forty new teachers next year.\n"
    [q] = run(nlp, text)
    assert q.text == "the city would hire forty new teachers next year" and q.speaker == "Anna Lopez"


def test_a_plain_event_is_no_attribution(nlp):
    text = HEAD + "The bridge was closed for repairs on Tuesday after a storm.\n"
    assert run(nlp, text) == []


def test_transcript_speaker_colon(nlp):
    text = HEAD + "Chris Matthews hosted the panel.\n\nMatthews: Well, speculation is bad for everybody.\n"
    q = next(q for q in run(nlp, text) if q.cue == ":")
    assert q.text.startswith("Well, speculation") and q.speaker == "Chris Matthews"


def test_markup_quote_marks_are_not_quotations():
    text = '<tweet author="JebBush" tweet_id="1">Praying for the "victims"</tweet>. He said "enough".'
    assert [text[m.start:m.end] for m in scan_paragraph(text, 0, len(text))] == ["victims", "enough"]


def test_candidates_and_scores_are_well_formed(nlp):
    text = HEAD + "Voters in Ohio worried about the economy, a poll found.\n"
    doc = nlp(text)
    model = load_model()
    cands = candidates(doc, segment(text), [])
    assert cands
    for c in cands:
        assert "bias" in c.features and c.variants
        assert all(0 <= v.start < v.end <= len(text) for v in c.variants)
        assert 0.0 < score(c.features, model["weights"]) < 1.0


def test_model_file_holds_only_feature_weights():
    raw = resources.files("onrecord").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    model = json.loads(raw)
    assert len(raw) < 1_000_000
    assert 0.0 < model["threshold"] < 1.0
    for table in ("weights", "span_weights"):
        assert all(isinstance(w, float) for w in model[table].values())
        assert max(len(f) for f in model[table]) < 60  # feature names (labels, lemmas), no text


def test_models_can_be_passed_in_as_cross_validation_does(nlp):
    text = HEAD + "Senator Maria Ortiz said the new pipeline would cross the county.\n"
    doc = nlp(text)
    shipped = extract_quotes(doc, segment(text))
    assert extract_quotes(doc, segment(text), model=load_model()) == shipped and shipped
    strict = dict(load_model(), threshold=1.01, rule_threshold=1.01)  # accepts nothing
    assert [q for q in extract_quotes(doc, segment(text), model=strict) if q.method == "learned"] == []


def test_a_name_before_a_list_is_no_transcript_line(nlp):
    # a police blotter's "Name: charges" has no finite verb: it is not something the person said
    text = HEAD + ("Chris Matthews hosted the panel.\n\nMatthews: We will fight this in court.\n\n"
                   "Matthews: Possession of a controlled substance, held in jail in lieu of $70,000 bond.\n")
    assert [q.text for q in run(nlp, text) if q.cue == ":"] == ["We will fight this in court."]


def test_a_place_before_a_colon_is_a_dateline(nlp):
    # a page's first line read as a "Name: words" headline: the name is a place, and a place does not speak
    text = "Washington, DC, United States: Getting to the Moon, while not easy, has been done.\n\nThe agency met.\n"
    assert run(nlp, text) == []


def test_the_speech_only_setting_stores_what_an_article_attributes_without_anyone_saying_it(nlp, monkeypatch):
    # What PolNeAR annotates as an attribution ("voters worried that ...") is no quote by default; with
    # ONRECORD_SPEECH_ONLY=0 the analysis that ingest runs keeps it, as the benchmark's --every-attribution does.
    from onrecord.analyse import analyse_text

    text = HEAD + "Many voters worried that prices would rise again. The minister said the plan was working.\n"
    said = [q.text for q in analyse_text(nlp, text, segment(text)).quotes]
    monkeypatch.setenv("ONRECORD_SPEECH_ONLY", "0")
    every = [q.text for q in analyse_text(nlp, text, segment(text)).quotes]
    assert said == ["the plan was working"]
    assert sorted(every) == ["that prices would rise again", "the plan was working"]
