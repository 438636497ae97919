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


def test_a_question_put_to_the_speaker_is_not_their_words(nlp):
    # a past participle of saying with no subject of its own: the question was put to the main clause's subject
    text = HEAD + "The bridge closed on Tuesday.\n\nAsked whether the toll would rise, Mayor Anna Lopez said the " \
        "board would decide in May.\n"
    quotes = run(nlp, text)
    assert [q.text for q in quotes] == ["the board would decide in May"]
    assert quotes[0].speaker == "Anna Lopez"
    text = HEAD + "The bridge closed on Tuesday.\n\nWhen asked whether the toll would rise, Mayor Anna Lopez " \
        "smiled.\n"
    assert run(nlp, text) == []


def test_a_fragment_a_source_believes_or_finds_is_not_said(nlp):
    # verbs of thinking or finding only: the marks quote words, the sentence does not say the subject said them
    for verb in ("thought", "believes", "found"):
        text = HEAD + f"The harbour board met on Monday.\n\nMayor Anna Lopez {verb} the plan “a reckless gamble” " \
            "for the town.\n"
        assert [q.text for q in run(nlp, text) if q.kind == "partial"] == [], verb
    text = HEAD + "The harbour board met on Monday.\n\nMayor Anna Lopez called the plan “a reckless gamble” " \
        "for the town.\n"
    [q] = [q for q in run(nlp, text) if q.kind == "partial"]
    assert (q.text, q.speaker) == ("a reckless gamble", "Anna Lopez")


def test_a_finding_credited_to_a_document_and_no_one_is_not_on_record(nlp):
    # "according to a new survey": a poll, a filing or an analysis is no one who said it, and no speaker is given
    text = HEAD + "The bridge closed on Tuesday.\n\nMost drivers now avoid the harbour road, according to a new " \
        "survey by the port.\n"
    assert run(nlp, text) == []
    text = HEAD + "The bridge closed on Tuesday.\n\nMost drivers now avoid the harbour road, according to one " \
        "harbour official.\n"
    [q] = run(nlp, text)
    assert q.text.startswith("Most drivers now avoid the harbour road") and q.speaker_mention == "one harbour official"


def test_a_cue_set_off_by_commas_inside_its_clause_reports_the_clause_on_both_sides(nlp):
    # "It is no accident, X said, that ...": the aside's clause is the content, not the words after the aside alone
    text = HEAD + "The bridge closed on Tuesday.\n\nIt is no accident, Mayor Anna Lopez said, that the bridge " \
        "closed in May.\n"
    [q] = run(nlp, text)
    assert [text[a:b] for a, b in q.spans] == ["It is no accident", "that the bridge closed in May"]
    assert q.speaker == "Anna Lopez" and q.cue == "said"
    text = HEAD + "The bridge closed on Tuesday.\n\nThe toll will rise, Mayor Anna Lopez said, unless the board " \
        "finds more money.\n"
    [q] = run(nlp, text)
    assert [text[a:b] for a, b in q.spans] == ["The toll will rise", "unless the board finds more money"]
    text = HEAD + "The bridge closed on Tuesday.\n\nShe had struggled her whole life, Mayor Anna Lopez explained, " \
        "recalling the time she visited the harbour.\n"
    [q] = run(nlp, text)  # the speaker's own act after the aside is not what she said
    assert [text[a:b] for a, b in q.spans] == ["She had struggled her whole life"]


def test_going_on_doing_is_not_saying(nlp):
    # "continue" is a verb of saying in the lexicon ("she continued: ..."), but with a to-infinitive it is aspect
    text = HEAD + "The bridge closed on Tuesday.\n\nMayor Anna Lopez continues to be the most popular figure in " \
        "the town.\n"
    assert run(nlp, text) == []
    text = HEAD + "The bridge closed on Tuesday.\n\nMayor Anna Lopez continued to insist that the toll would rise.\n"
    [q] = run(nlp, text)
    assert (q.text, q.speaker) == ("that the toll would rise", "Anna Lopez")


def test_a_belief_a_source_tells_is_said(nlp):
    # the fragment's own verb is one of thinking, but the thought is the clause of a speech act: the teller said it
    text = HEAD + "The harbour board met on Monday.\n\nMayor Anna Lopez said she thought the plan “a reckless " \
        "gamble” for the town.\n"
    [q] = [q for q in run(nlp, text) if q.kind == "partial"]
    assert (q.text, q.speaker) == ("a reckless gamble", "Anna Lopez")


def test_capitals_tell_no_title_in_a_sentence_written_in_capitals(nlp):
    # a title-case sentence (a headline set as a paragraph) capitalises the words it quotes as well
    text = HEAD + "The harbour board met on Monday.\n\nMayor Anna Lopez Told A Reporter Not To “Worry” About The " \
        "Toll.\n"
    [q] = [q for q in run(nlp, text) if q.kind == "partial"]
    assert (q.text, q.speaker) == ("Worry", "Anna Lopez")
