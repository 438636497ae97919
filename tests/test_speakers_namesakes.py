"""Namesakes (issue 21, eighth round): in an article naming two people of one surname, an honorific and the
surname ("Mrs. Lowell", "Mr Lowell") name the one whose gender agrees, and a name the text cannot tell apart
names nobody. Invented text, real parses."""
from __future__ import annotations

from onrecord.analyse.attribution.quotes import extract_quotes
from onrecord.analyse.entities.names import build_name_index, gender
from onrecord.clean import segment


def direct(nlp, text: str):
    return [q for q in extract_quotes(nlp(text), segment(text)) if q.kind == "direct"]


COUPLE = ("Flood town counts the cost\n\n"
          "Former governor Robert Lowell and his wife, Susan Lowell, toured the flooded town on Friday.\n\n")


def test_mrs_and_the_surname_name_the_woman_of_two_namesakes(nlp):
    [q] = direct(nlp, COUPLE + "“We will rebuild every house,” Mrs. Lowell said.\n")
    assert q.speaker == "Susan Lowell"


def test_mr_and_the_surname_name_the_man_of_two_namesakes(nlp):
    [q] = direct(nlp, COUPLE + "“We will rebuild every house,” Mr. Lowell said.\n")
    assert q.speaker == "Robert Lowell"


def test_ms_without_the_full_name_first(nlp):
    # the wife is named before the husband: the first full form written is hers, and "Mr" still names him
    text = ("Flood town counts the cost\n\n"
            "Susan Lowell and her husband, Robert Lowell, toured the flooded town on Friday.\n\n"
            "“We will rebuild every house,” Mr Lowell said.\n")
    [q] = direct(nlp, text)
    assert q.speaker == "Robert Lowell"


def test_an_honorific_the_namesakes_do_not_decide_names_nobody(nlp):
    # two men of one surname: "Mr. Okafor" could be either, and a guess is no record
    text = ("Bakery turns ten\n\nBrothers Daniel Okafor and Samuel Okafor opened the bakery in 2009.\n\n"
            "“We never expected the queue,” Mr. Okafor said.\n")
    [q] = direct(nlp, text)
    assert q.speaker is None and q.speaker_type == "unknown"


def test_the_honorific_with_the_full_name_gives_the_gender(nlp):
    # given names in no list: the honorifics written with the full names decide
    text = ("Council sued over drains\n\nMr. Tavish Brennock and Mrs. Oriel Brennock sued the council on Monday.\n\n"
            "“The council ignored us for years,” Mrs. Brennock said.\n")
    doc = nlp(text)
    index = build_name_index(doc)
    assert gender(doc, "Oriel Brennock", index) == "f" and gender(doc, "Tavish Brennock", index) == "m"
    [q] = direct(nlp, text)
    assert q.speaker == "Oriel Brennock"


def test_a_surname_honorific_does_not_give_its_gender_to_every_namesake(nlp):
    # "Mrs. Brennock" says nothing of Corwin Brennock when two Brennocks are named
    text = ("Council sued over drains\n\nCorwin Brennock and his sister Oriel Brennock sued the council on Monday.\n\n"
            "Mrs. Brennock said the council ignored them.\n")
    doc = nlp(text)
    assert gender(doc, "Corwin Brennock", build_name_index(doc)) is None


def test_she_after_namesakes_is_the_woman(nlp):
    text = (COUPLE + "Mrs. Lowell spoke to reporters outside the town hall.\n\n"
            "“Nobody here has slept,” she said.\n")
    [q] = direct(nlp, text)
    assert q.speaker == "Susan Lowell"


def test_one_person_of_a_surname_keeps_the_full_name(nlp):
    text = ("Port needs work\n\nSenator Ruth Calder visited the port on Tuesday.\n\n"
            "“The harbour needs dredging,” Ms. Calder said.\n")
    [q] = direct(nlp, text)
    assert q.speaker == "Ruth Calder"
