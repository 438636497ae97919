"""A reported quote, or a fragment in quote marks, is on record only with the source it is credited to: words
outside quote marks are a source's only through the attribution (issue 23, reported precision). Real model."""
from __future__ import annotations

from onrecord.analyse.attribution.quotes import extract_quotes
from onrecord.analyse.attribution.reported import said
from onrecord.clean import segment
from onrecord.models import Quote

HEAD = "Harbour works\n\n"


def run(nlp, text: str, speech_only: bool = True):
    return extract_quotes(nlp(text), segment(text), strict=True, speech_only=speech_only)


def test_a_pronoun_left_unresolved_is_no_source(nlp):
    text = HEAD + "The bridge closed on Tuesday.\n\nHe says the repairs will take a month.\n"
    assert run(nlp, text) == []
    # what the article attributes is still there for the benchmark's --every-attribution (PolNeAR-style)
    [q] = run(nlp, text, speech_only=False)
    assert q.text == "the repairs will take a month" and q.speaker is None


def test_a_fragment_in_quote_marks_needs_a_source_too(nlp):
    text = HEAD + "The harbour board met. He called the plan “a fair deal” and the company called it “a start”.\n"
    doc = nlp(text)

    def fragment(words: str, mention: str | None, speaker: str | None = None) -> Quote:
        s = text.index(words)
        m = (text.index(mention), text.index(mention) + len(mention)) if mention else None
        return Quote(start=s, end=s + len(words), text=words, kind="partial", spans=[(s, s + len(words))],
                     speaker=speaker, speaker_span=m, cue="called", cue_span=(0, 0))

    assert not said(doc, fragment("a fair deal", None))  # credited to no one
    assert not said(doc, fragment("a fair deal", "He"))  # a pronoun left unresolved
    assert not said(doc, fragment("a start", "the company"))  # "the ...": the article names it elsewhere
    assert said(doc, fragment("a fair deal", "He", speaker="Anna Lopez"))  # resolved: on record
    direct = fragment("a fair deal", None)
    direct.kind = "direct"
    assert said(doc, direct)  # a quotation in marks is someone's words whoever said them


def test_a_named_speaker_and_an_unnamed_source_keep_the_reported_quote(nlp):
    text = HEAD + "The bridge closed on Tuesday.\n\nMayor Anna Lopez says the repairs will take a month.\n"
    [q] = run(nlp, text)
    assert (q.text, q.speaker, q.kind) == ("the repairs will take a month", "Anna Lopez", "indirect")
    text = HEAD + "The bridge closed on Tuesday.\n\nOne harbour source said the repairs would take a month.\n"
    [q] = run(nlp, text)
    assert q.text == "the repairs would take a month" and q.speaker_mention == "One harbour source"
