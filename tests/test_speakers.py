"""The in-article name index and speaker resolution: names, roles, pronouns, groups, organisations."""
from __future__ import annotations

import pytest

from onrecord.analyse.attribution.quotes import extract_quotes
from onrecord.analyse.attribution.speakers import resolve
from onrecord.analyse.entities.names import (
    build_name_index,
    clean_person_name,
    resolve_name_text,
)
from onrecord.clean import segment


def token(doc, word: str, nth: int = 0):
    return [t for t in doc if t.text == word][nth]


def test_clean_person_name_drops_titles_and_possessive():
    assert clean_person_name("Mr Corbyn's") == "Corbyn"
    assert clean_person_name("President Donald Trump") == "Donald Trump"
    assert clean_person_name("JEREMY CORBYN") == "Jeremy Corbyn"


def test_surname_and_title_map_to_full_name(nlp):
    doc = nlp("Angela Merkel met the press.\n\nMrs Merkel said little.\n")
    index = build_name_index(doc)
    assert resolve_name_text(index, "Mrs Merkel") == "Angela Merkel"
    assert resolve_name_text(index, "Merkel") == "Angela Merkel"


def test_role_title_maps_to_person(nlp):
    doc = nlp("Foreign Secretary Boris Johnson visited Paris.\n\nThe foreign secretary said the talks went well.\n")
    index = build_name_index(doc)
    assert index.roles.get("foreign secretary") == "Boris Johnson"
    assert resolve(token(doc, "secretary", 0), index).name == "Boris Johnson"


def test_pronoun_prefers_main_clause_subject(nlp):
    doc = nlp("Maria Santos, who met Tom Reed in May, opened the session.\n\nShe said she was hopeful.\n")
    index = build_name_index(doc)
    assert resolve(token(doc, "She"), index).name == "Maria Santos"


def test_spokesperson_of_organisation(nlp):
    # the principal as data/metonyms.tsv names it, the same entity the cross-article linker uses
    doc = nlp("A Pentagon spokesman said the strike was lawful.\n")
    sp = resolve(token(doc, "spokesman"), build_name_index(doc))
    assert sp.type == "spokesperson" and sp.on_behalf_of == "United States Department of Defense"


def test_downing_street_is_the_prime_ministers_office(nlp):
    text = "Talks stall\n\nDowning Street said: “The talks will resume on Monday.”\n"
    [q] = [q for q in extract_quotes(nlp(text), segment(text)) if q.kind == "direct"]
    assert (q.speaker, q.speaker_type) == ("Prime Minister's Office (UK)", "organisation")


def test_capital_speaks_for_its_country_only_as_a_speaker(nlp):
    doc = nlp("Paris warned that the deal was at risk.\n")
    assert resolve(token(doc, "Paris"), build_name_index(doc)).name == "France"


def test_country_short_form(nlp):
    doc = nlp("The US said the embassy would stay open.\n")
    sp = resolve(token(doc, "US"), build_name_index(doc))
    assert (sp.name, sp.type) == ("United States", "organisation")


def test_letter_signatories(nlp):
    text = ("Campaigners urge action on housing\n\n"
            "In an open letter published by the Shelter Now campaign group, they call for new homes.\n\n"
            "The letter goes on: “Every family deserves a safe home.”\n\n"
            "They add: “Ministers must act before winter.”\n")
    quotes = [q for q in extract_quotes(nlp(text), segment(text)) if q.kind == "direct"]
    assert [q.speaker for q in quotes] == ["Shelter Now letter signatories"] * 2
    assert all(q.speaker_type == "group" for q in quotes)


def test_definite_role_refers_to_the_headline_protagonist(nlp):
    text = ("Sarah Collins wins party vote\n\nSarah Collins was elected on Sunday with 60% of the vote.\n\n"
            "Her rival, David Brown, conceded defeat.\n\n"
            "The party leader said she would “unite the country”.\n")
    q = next(q for q in extract_quotes(nlp(text), segment(text)) if "unite" in q.text)
    assert q.speaker == "Sarah Collins"


def test_a_quotation_never_names_its_own_speaker(nlp):
    # the parse makes a word inside the quoted text the speaker ("The fight"): the quote marks hold what was
    # said, so the speaker is found outside them or not at all
    for text in ['Polls\n\nThe governor emailed donors saying: "The fight continues" and vowed to compete.\n']:
        quotes = [q for q in extract_quotes(nlp(text), segment(text), strict=True) if q.kind != "indirect"]
        assert quotes
        for q in quotes:
            assert q.speaker_span is None or not q.start <= q.speaker_span[0] < q.end, (q.speaker, q.text)
            assert q.speaker != "fight"


def test_whoever_was_addressed_is_not_the_speaker_of_a_participle(nlp):
    # "wrote to residents saying ...": the residents were written to; the writer said it
    text = "Budget\n\nMayor Ann Lee wrote to residents saying that the budget was fixed.\n"
    [q] = extract_quotes(nlp(text), segment(text), strict=True)
    assert q.text == "that the budget was fixed" and q.speaker == "Ann Lee"


def _speakers(nlp, text: str) -> list[tuple[str | None, str]]:
    return [(q.speaker, q.speaker_type) for q in extract_quotes(nlp(text), segment(text), strict=True)
            if q.kind != "indirect"]


def test_surname_takes_the_full_name_written_at_first_mention(nlp):
    # news style: the full name once, the surname after; the place before the given name is no part of it
    text = ("Envoy changes his account\n\nThe special envoy to Ukraine Kurt Volker changed his account on Monday.\n\n"
            "“I think the meeting ended there,” Volker said.\n")
    assert _speakers(nlp, text) == [("Kurt Volker", "person")]


def test_possessive_affiliation_is_no_part_of_the_name(nlp):
    text = ("Delegates organise\n\nThe effort is led by Colorado’s Kendal Unruh, a delegate.\n\n"
            "“We are getting his soft support,” said Colorado’s Kendal Unruh.\n")
    assert _speakers(nlp, text)[-1] == ("Kendal Unruh", "person")


def test_an_unnamed_officer_is_unknown_not_a_name(nlp):
    # "an officer said": the text does not say who spoke, so no name is recorded (issue 21 item 4)
    text = "Girl found\n\nPolice forced the door of the room.\n\n“Hands! Let me see your hands!” an officer ordered.\n"
    assert _speakers(nlp, text) == [(None, "unknown")]


def test_outro_cue_reads_past_a_title_abbreviation_and_an_apposition(nlp):
    # "Rep." and "R-Pa." shorten words; the subject of the outro may be a role with its name in apposition
    text = ("Parties\n\nThe museum opened its doors to 40 events.\n\n"
            "\"Never a quiet night!\" Rep. Dana Whitcomb, R-Ohio, said of the events.\n\n"
            "\"He should resign!\" the presumptive Republican nominee, Donald Trump, tweeted on Sunday.\n")
    assert _speakers(nlp, text) == [("Dana Whitcomb", "person"), ("Donald Trump", "person")]


def test_pronoun_after_an_unnamed_person_is_not_the_name_before(nlp):
    # news introduces someone it will not name with an indefinite noun; "she" is that person, not the chancellor
    text = ("Hate speech\n\nChancellor Angela Merkel warned against hate in her speech.\n\n"
            "A 29-year-old woman received probation in July.\n\n“Get out of our town!” she wrote online.\n")
    assert _speakers(nlp, text) == [(None, "unknown")]


def test_pronoun_skips_the_nearest_person_of_the_other_gender(nlp):
    # "he" is never the woman named last: the writer would have written "she"
    text = ("Bullying\n\nGeorge Alvarez spoke to the students on Tuesday.\n\n"
            "Nancy Whitfield, the anchor, asked him about bullying.\n\n"
            "“People get over it,” he said.\n")
    assert _speakers(nlp, text)[-1] == ("George Alvarez", "person")


def test_the_statement_speaks_for_whoever_issued_it(nlp):
    text = ("Crash\n\nTwo soldiers died in a crash, the Northern Command said in a statement on Friday.\n\n"
            "“The cause of the crash is under investigation,” the statement said.\n")
    assert _speakers(nlp, text)[-1][0] == "Northern Command"


def test_two_named_authors_speak_together(nlp):
    text = ("Campaign\n\nThe magazine described a tired campaign.\n\n"
            "“The candidate feels no respect,” Edward Dovell and Gabriel Marsh wrote.\n")
    assert _speakers(nlp, text) == [("Edward Dovell and Gabriel Marsh", "group")]


def test_a_headline_run_of_capitals_is_no_full_name(nlp):
    # title case runs words into the name ("Trump May be Aligning"): the body's "Donald Trump" is the full name
    text = ("Donor Adler and Trump May be Aligning on Trade.\n\nThe donor Sam Adler met Donald Trump this week.\n\n"
            "“He is a friend,” Trump said.\n")
    assert _speakers(nlp, text) == [("Donald Trump", "person")]


def test_pronoun_passes_over_a_sentence_naming_someone_only_as_object(nlp):
    # a subject pronoun refers back to a subject: the man the board thanked is not who speaks next
    text = ("Plan\n\nGeorge Alvarez spoke to the council on Monday.\n\nThe board thanked Tom Reed for the plan.\n\n"
            "“We are ready to start,” he said.\n")
    assert _speakers(nlp, text) == [("George Alvarez", "person")]


def test_a_bare_quote_after_a_paragraph_that_reports_no_speech_names_nobody(nlp):
    # the person a paragraph is about speaks the bare quote after it only if the paragraph reports them speaking
    text = ("Storm\n\nGeorge Alvarez drove to the coast on Monday with his family.\n\n"
            "\"The water came up to the windows in minutes.\"\n")
    assert _speakers(nlp, text) == [(None, "unknown")]


def test_a_headline_run_the_body_never_writes_is_no_speaker_name(nlp):
    # title case runs the verb into the name ("Trump Says He Never"); the body's full name is the speaker's
    text = ("Trump Says He Never Mocked Reporter\n\nDonald Trump said on Thursday that he \"never mocked\" the "
            "reporter.\n\n\"I don't know what he looks like,\" Trump said.\n")
    assert {q.speaker for q in extract_quotes(nlp(text), segment(text), strict=True)} == {"Donald Trump"}


def test_the_noun_after_an_unnamed_a_noun_is_that_unnamed_person(nlp):
    # invented: a named chancellor, then an unnamed woman introduced with "a" and quoted as "the woman"
    text = ("Court fines poster\n\nChancellor Anna Weber spoke about online abuse on Monday.\n\n"
            "A local woman was fined for a post about refugees. “I regret what I wrote,” the woman told reporters.\n")
    [q] = [q for q in extract_quotes(nlp(text), segment(text)) if q.kind == "direct"]
    assert (q.speaker, q.speaker_type) == (None, "unknown")  # not the chancellor
    named = text.replace("A local woman was", "A local woman, Mia Lund, was")
    [q] = [q for q in extract_quotes(nlp(named), segment(named)) if q.kind == "direct"]
    assert q.speaker != "Anna Weber"


@pytest.mark.parametrize("title", ["Wikileaks editor-in-chief Mia Lund", "Medialeaks editor-in-chief Jonas Berg"])
def test_the_person_a_title_phrase_ends_with_speaks(nlp, title):
    # invented names: the parser makes the body or the office the subject; the person named last speaks
    text = ("Leak case\n\nThere was no comment from the court but the site welcomed the ruling.\n\n"
            f"{title} said: \"Let us now look at the threat we have been warning about.\"\n")
    [q] = [q for q in extract_quotes(nlp(text), segment(text)) if q.kind == "direct"]
    assert (q.speaker, q.speaker_type) == (title.split(" editor-in-chief ")[1], "person")
