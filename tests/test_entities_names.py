"""Person names within one article: headline capitals and possessives are never part of a name; one type per
entity (issue 25 item 1). Real spaCy model on short invented news text."""
from __future__ import annotations

from onrecord.analyse.entities.mentions import extract_entities
from onrecord.clean import segment


def _people(nlp, text: str) -> dict[str, list[str]]:
    found = extract_entities(nlp(text), segment(text, None))
    return {e.name: [m.text for m in e.mentions if m.kind != "pronoun"] for e in found.entities if e.type == "person"}


def test_title_case_headline_words_are_not_part_of_a_name(nlp):
    text = ("Bernie Sanders Pins Blame On Wall Street Banks For Crisis\n\n"
            "Senator Bernie Sanders said on Tuesday that the banks caused the crisis. Sanders spoke in Iowa.\n\n"
            "Related: Hillary Clinton Sides With Bankers On Regulation Of Markets\n\n"
            "Hillary Clinton did not reply.\n")
    people = _people(nlp, text)
    assert not any(len(n.split()) > 2 for n in people), people
    assert "Bernie Sanders" in people and "Hillary Clinton" in people
    assert people["Bernie Sanders"].count("Bernie Sanders") >= 2  # the headline's mention, cut to the name


def test_a_possessive_ends_a_name(nlp):
    text = ("The senator criticised Mitt Romney's Medicare plan on Monday. Mitt Romney said the plan would save "
            "money, and Romney repeated it later.\n")
    people = _people(nlp, text)
    assert "Mitt Romney" in people
    assert not any("Medicare" in n or "'s" in n for n in people), people


def test_a_list_of_names_is_not_a_headline(nlp):
    text = ("The families are still waiting for news.\n\n"
            "Faycal Bettiche, Nouha Saoudi and Joumana Bettiche.\n\n"
            "Relatives said they had heard nothing since Thursday.\n")
    assert "Faycal Bettiche" in _people(nlp, text)


def test_one_type_for_a_surname_that_acts_as_a_person(nlp):
    text = ("For months Trump has dominated the race. When Trump launched his campaign, critics laughed. "
            "Trump told reporters on Friday that he would win. Trump's rivals disagreed.\n")
    found = extract_entities(nlp(text), segment(text, None))
    trump = [e for e in found.entities if e.name == "Trump"]
    assert [e.type for e in trump] == ["person"]
    assert len([m for m in trump[0].mentions if m.kind != "pronoun"]) == 4


def test_a_stop_word_starting_a_sentence_is_not_a_given_name_unless_written_mid_sentence(nlp):
    text = ("Senator Ted Cruz spoke in Iowa on Monday. Will Cruz's supporters turn out? Cruz said they would.\n\n"
            "Will Smith starred in the film. Critics said Will Smith was superb.\n")
    people = _people(nlp, text)
    assert "Will Cruz" not in people and "Ted Cruz" in people
    assert "Will Smith" in people
