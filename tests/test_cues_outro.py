"""Finding the cue and its speaker after a quotation's closing mark, and cue verbs with particles (real model)."""
from __future__ import annotations

from quote_support import quote, run

from onrecord.analyse.attribution import cues as at


def test_the_name_between_the_closing_mark_and_a_late_verb_speaks(nlp):
    # a long apposition puts the verb past the first 12 words; the name before it speaks
    text, quotes = run(nlp, "“We’ve had better budgets than this one,” county delegate Bill Hartley, wearing a green "
                            "scarf and two campaign pins, said quietly as the vote ended.")
    q = quote(quotes, "better budgets")
    assert q.speaker == "Bill Hartley"
    assert q.cue == "said" and text[q.cue_span[0]:q.cue_span[1]] == "said"
    assert text[q.speaker_span[0]:q.speaker_span[1]].endswith("Bill Hartley")


def test_a_verb_of_a_clause_after_the_quote_is_not_its_cue(nlp):
    # "at which point the crowd chanted": the chant is the crowd's, not the mayor's quoted words
    _, quotes = run(nlp, "Mayor Anna Lopez defended the plan. “It is a fair budget,” she said, “and it keeps every "
                         "library open” - at which point the crowd chanted “Shame!” from the gallery.")
    assert quote(quotes, "fair budget").speaker == "Anna Lopez"
    assert not [q for q in quotes if "Shame" in q.text and q.speaker == "Anna Lopez"]


def test_a_particle_verb_is_a_cue_with_its_particle_only(nlp):
    text, quotes = run(nlp, "The opposition leader, Tom Reyes, was unimpressed. “This budget is a fantasy,” Reyes "
                            "fired back on Tuesday.")
    q = quote(quotes, "a fantasy")
    assert q.speaker == "Tom Reyes"
    assert q.cue == "fired back" and text[q.cue_span[0]:q.cue_span[1]] == "fired back"
    doc = nlp("The mayor fired her deputy on Monday.")
    assert not at.is_cue(next(t for t in doc if t.lower_ == "fired"))
    doc = nlp("Reyes lashed out at the mayor on Monday.")
    assert at.is_cue(next(t for t in doc if t.lower_ == "lashed"), ("frame",))


def test_a_verb_of_saying_from_polnear_s_cues_credits_a_partial_quote(nlp):
    _, quotes = run(nlp, "Councillor Tom Reyes opined that the plan was “a fantasy built on hope.”")
    q = quote(quotes, "a fantasy built on hope")
    assert q.kind == "partial" and q.speaker == "Tom Reyes" and q.cue == "opined"


def test_a_second_verb_of_saying_joined_to_the_reported_clause_is_the_reporter_s(nlp):
    # the parser joins "predicted" to "was" (the clause she reported), whose subject, a meeting, cannot speak
    _, quotes = run(nlp, "She told the local radio station on Monday the meeting was calm, and predicted residents "
                         "\"will be feeling a little angry.\"")
    q = quote(quotes, "a little angry")
    assert q.kind == "partial" and q.speaker == "Anna Lopez" and q.cue == "predicted"


def test_after_an_inverted_cue_a_possessive_name_is_not_the_speaker(nlp):
    _, quotes = run(nlp, "Newspapers took sides. \"Voters should stay at home,\" opined Leeds's Evening Courier.")
    q = quote(quotes, "stay at home")
    assert q.speaker != "Leeds" and "Courier" in (q.speaker_mention or "")
