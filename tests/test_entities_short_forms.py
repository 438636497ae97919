"""Within one article, every short form of a person resolves to the full name the article gives (issue 25, "What to
build", first bullet): titles, a bare surname, a role the text gives them, and the headline's and a caption's
mentions. Real spaCy model on short invented news text."""
from __future__ import annotations

from onrecord.analyse.entities.mentions import extract_entities
from onrecord.clean import segment


def _clusters(nlp, text: str, title: str | None = None) -> dict[str, list[tuple[str, str]]]:
    """Each person of the article: (mention text, kind) of its mentions other than pronouns."""
    found = extract_entities(nlp(text), segment(text, title))
    return {e.name: [(m.text, m.kind) for m in e.mentions if m.kind != "pronoun"] for e in found.entities
            if e.type == "person"}


def test_titles_a_bare_surname_and_a_role_the_text_gives_resolve_to_the_full_name(nlp):
    text = ("Donald Trump, the president, spoke in Ohio on Monday. Mr. Trump said the plant would reopen. "
            "President Trump later flew to Iowa, where Trump met farmers. The president left on Tuesday.\n")
    people = _clusters(nlp, text)
    assert set(people) == {"Donald Trump"}, people
    mentions = people["Donald Trump"]
    assert [t for t, k in mentions if k == "short"] == ["Trump"] * 3, mentions  # "Mr." and "President" are titles
    assert ("The president", "description") in mentions, mentions  # the appositive gave him the role


def test_a_bare_surname_goes_by_the_full_name_the_article_gives(nlp):
    hillary = ("Hillary Clinton spoke in Iowa. Hillary Clinton said jobs came first, and Bill Clinton, her "
               "husband, stood beside her. Hillary Clinton thanked the crowd. Clinton later flew to Ohio.\n")
    people = _clusters(nlp, hillary)
    assert ("Clinton", "short") in people["Hillary Clinton"], people
    assert ("Clinton", "short") not in people.get("Bill Clinton", []), people
    bill = "Bill Clinton spoke in Little Rock on Friday. Clinton said the library would open in May.\n"
    assert ("Clinton", "short") in _clusters(nlp, bill)["Bill Clinton"]


def test_headline_and_caption_mentions_join_the_body_s_people(nlp):
    title = "Sanders Wins Backing Of Nurses Union"
    text = (f"{title}\n\nBernie Sanders speaks to nurses in Des Moines on Monday. (Reuters)\n\n"
            "Bernie Sanders won the backing of a nurses union on Monday. Sanders said he was grateful.\n")
    people = _clusters(nlp, text, title)
    assert set(people) == {"Bernie Sanders"}, people
    found = extract_entities(nlp(text), segment(text, title))
    (person,) = [e for e in found.entities if e.type == "person"]
    spans = {(m.start, m.end) for m in person.mentions}
    caption = text.index("Bernie Sanders speaks")
    assert (0, len("Sanders")) in spans and (caption, caption + len("Bernie Sanders")) in spans, person.mentions
