"""A reported quote, or a fragment in quote marks, is on record only with the source it is credited to: words
outside quote marks are a source's only through the attribution (issue 23, reported precision). Real model."""
from __future__ import annotations

from onrecord.analyse.attribution.quotes import extract_quotes
from onrecord.clean import segment

HEAD = "Harbour works\n\n"


def run(nlp, text: str, speech_only: bool = True):
    return extract_quotes(nlp(text), segment(text), strict=True, speech_only=speech_only)


def test_a_pronoun_left_unresolved_is_no_source(nlp):
    text = HEAD + "The bridge closed on Tuesday.\n\nHe says the repairs will take a month.\n"
    assert run(nlp, text) == []
    # what the article attributes is still there for the benchmark's --every-attribution (PolNeAR-style)
    [q] = run(nlp, text, speech_only=False)
    assert q.text == "the repairs will take a month" and q.speaker is None


def test_a_fragment_in_quote_marks_credited_to_nobody_is_no_quote(nlp):
    text = HEAD + "Open the gate by saying “open sesame” twice.\n"
    assert run(nlp, text) == []
    [q] = run(nlp, text, speech_only=False)
    assert (q.kind, q.text, q.speaker) == ("partial", "open sesame", None)


def test_a_named_speaker_and_an_unnamed_source_keep_the_reported_quote(nlp):
    text = HEAD + "The bridge closed on Tuesday.\n\nMayor Anna Lopez says the repairs will take a month.\n"
    [q] = run(nlp, text)
    assert (q.text, q.speaker, q.kind) == ("the repairs will take a month", "Anna Lopez", "indirect")
    text = HEAD + "The bridge closed on Tuesday.\n\nOne harbour source said the repairs would take a month.\n"
    [q] = run(nlp, text)
    assert q.text == "the repairs would take a month" and q.speaker_mention == "One harbour source"
