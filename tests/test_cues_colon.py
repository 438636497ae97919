"""Who a colon introduces, and a dateline that the parse makes a subject (real model, invented text)."""
from __future__ import annotations

from quote_support import quote, run


def test_the_subject_of_the_clause_a_colon_ends_speaks_not_the_last_name(nlp):
    # "... the plan for Leeds:" names a city last; the councillor set out the objection
    _, quotes = run(nlp, "Councillor Ruth Adeyemi set out her objection to the plan for Leeds: “It costs too much "
                         "and helps too few of the people who need it.”")
    q = quote(quotes, "costs too much")
    assert q.speaker == "Ruth Adeyemi" and q.cue == ":"


def test_a_pronoun_subject_before_a_colon_ending_the_paragraph_speaks(nlp):
    _, quotes = run(nlp, "Mayor Anna Lopez spoke to reporters after the vote.\n\nShe then listed her demands for "
                         "the Conservative group:\n\n“Keep every library open and every bus route running.”")
    q = quote(quotes, "every library")
    assert q.speaker == "Anna Lopez"


def test_a_name_a_preposition_governs_before_a_colon_is_not_the_speaker(nlp):
    # "Ruth Adeyemi on Leeds:" (no verb): the name before the preposition speaks, as a headline-style lead has it
    _, quotes = run(nlp, "Ruth Adeyemi on Leeds: “We will win this fight for the city and its libraries.”")
    assert quote(quotes, "win this fight").speaker == "Ruth Adeyemi"


def test_a_dateline_is_not_the_speaker(nlp):
    # the parse makes "LEEDS" the subject of "said", with the name after the dash beside it
    _, quotes = run(nlp, "LEEDS (Reuters) - Jo Bloggs said the new budget was “fair to everyone” in the city.")
    assert quote(quotes, "fair to everyone").speaker == "Jo Bloggs"


def test_a_name_with_a_dashed_apposition_opening_a_paragraph_still_speaks(nlp):
    _, quotes = run(nlp, "Jo Bloggs — a teacher from Leeds — said the plan was “a disgrace to the city”.")
    assert quote(quotes, "a disgrace").speaker == "Jo Bloggs"
