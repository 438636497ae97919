"""Segments and page furniture over the untouched original text (onrecord.clean)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onrecord.clean import furniture as fu
from onrecord.clean.segments import paragraphs, segment


def marked(text: str, title: str | None = None) -> tuple[str | None, set[tuple[str, str]]]:
    """(title line, {(furniture line, kind)}) of a text; asserts every other segment is body."""
    segs = segment(text, title)
    head = None
    furn = set()
    for s in segs:
        line = text[s.start:s.end]
        if s.kind == "title":
            assert head is None
            head = line
        elif s.kind == "furniture":
            assert s.furniture
            furn.add((line, s.furniture))
        else:
            assert s.kind == "body" and s.furniture is None
    return head, furn


# The five bundled sample articles: the furniture a reader sees there, line by line.
EXPECTED: dict[str, tuple[str, set[tuple[str, str]]]] = {
    "000_0c11736e192a045e.txt": (
        "Corbyn accused of 'siding with our enemies' over US killing of Iranian commander",
        {
            ("File photo dated 7/2/2019 of Jeremy Corbyn who is facing sharp criticism from his own MPs over the "
             "disastrous election defeat as former leader Tony Blair warned Labour faces an existential crisis.",
             "caption"),
            ("Jeremy Corbyn has been criticised for \"siding with the UK's enemies\" after making a statement about "
             "the US killing of an Iranian general. (PA Images)", "caption"),
            ("Former Labour MP Ian Austin who has urged Labour voters to back Boris Johnson, speaking at a poster "
             "launch in London.", "caption"),
            ("Ian Austin has criticised Jeremy Corbyn's stance on the killing of an Iranian military commander. "
             "(PA Images)", "caption"),
            ("Iranian Revolutionary Guard Commander Qassem Soleimani (L) stands at the frontline during offensive "
             "operations against Islamic State militants in the town of Tal Ksaiba in Salahuddin province March 8, "
             "2015. Picture taken March 8, 2015.  REUTERS/Stringer (IRAQ - Tags: CIVIL UNREST CONFLICT POLITICS)",
             "caption"),
            ("Qassem Soleimani (L) in 2015. (REUTERS/Stringer)", "caption"),
        },
    ),
    "001_d9314bceb94995f8.txt": (
        "Boris Johnson finally responds to Iran crisis",
        {
            ("date 2020-01-05 Breaking News", "dateline"),
            ("Boris Johnson finally responds to Iran crisis calling Qasem Soleimani 'a threat to all our "
             "interests'. Picture: PA", "caption"),
        },
    ),
    "002_8afbbc9a472fbeea.txt": (
        "How Jeremy Corbyn and his aides have a history of standing up for the Syrian dictator",
        {
            ("Jump directly to the content", "skip_link"),
            ("SIDING WITH ASSAD", "kicker"),
            ("Jeremy Corbyn has refused to condemn Bashar al-Assad", "caption"),
            ("5", "gallery_counter"),
            ("Jeremy Corbyn has refused to condemn Bashar al-AssadCredit: Reuters", "caption"),
            ("Assad is backed by the Russian president Vladimir Putin", "caption"),
            ("Assad is backed by the Russian president Vladimir PutinCredit: Reuters", "caption"),
            ("Mr Corbyn met Assad in 2009 on a trip funded by a Palestinian group", "caption"),
            ("Dozens of children have been killed or injured in a chemical attack", "caption"),
            ("Dozens of children have been killed or injured in a chemical attackCredit: AP:Associated Press",
             "caption"),
            ("Seumas Milne, Mr Corbyn's closest aide, has written in support of Assad's regime", "caption"),
            ("Seumas Milne, Mr Corbyn's closest aide, has written in support of Assad's regimeCredit: Getty - "
             "Contributor", "caption"),
            ("Topics", "topics"),
        },
    ),
    "003_835a80c3a358b54e.txt": (
        "Jeremy Corbyn says Russian attacks in Syria are inexcusable",
        {
            ("Posted On:", "dateline"),
            ("13th December 2016", "dateline"),
            ("Jeremy Corbyn said there was 'no excuse' for the attacks on civilians in Syria", "caption"),
            ("PA Images", "credit"),
            ("WATCH: Jeremy Corbyn human rights speech disrupted by Syria protesters", "related_link"),
            ("Jeremy Corbyn aide: Focus on Russia diverts attention from other Syrian atrocities", "related_link"),
            ("Jeremy Corbyn urged by left-wing supporters to condemn Russia over Syria", "related_link"),
        },
    ),
    "004_b3a66aeb771e6232.txt": (
        "Jeremy Corbyn urged by left-wing supporters to condemn Russia over Syria",
        {
            ("Posted On:", "dateline"),
            ("8th October 2016", "dateline"),
            ("A tank of the Assad regime is seen in the ruins of Aleppo last month", "caption"),
            ("PA Images", "credit"),
            ("Boris Johnson: Russian bombing in Syria 'unquestionably a war crime'", "related_link"),
            ("UK admits involvement in deadly attack on Syrian troops", "related_link"),
            ("US and Russia agree tentative Syria ceasefire", "related_link"),
        },
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_article_furniture(sample_texts: dict[str, str], name: str) -> None:
    text = sample_texts[name]
    want_title, want = EXPECTED[name]
    head, furn = marked(text)
    assert head == want_title
    assert furn == want


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_article_with_known_title(sample_texts: dict[str, str], name: str) -> None:
    text = sample_texts[name]
    want_title, want = EXPECTED[name]
    assert marked(text, title=want_title) == (want_title, want)


def test_sample_body_lines_stay_body(sample_texts: dict[str, str]) -> None:
    """Short one-line paragraphs and quote paragraphs in the samples are body, never furniture."""
    text = sample_texts["000_0c11736e192a045e.txt"]
    body = {text[s.start:s.end] for s in segment(text) if s.kind == "body"}
    assert "Meanwhile, foreign secretary Dominic Raab urged restraint." in body
    assert "Labour was contacted for comment on Mr Austin’s remarks." in body
    assert "Qassem Soleimani was killed in a US air strike in Iraq." in body
    quotes = [t for t in sample_texts.values() for s in segment(t) if t[s.start] in "\"“"]
    assert quotes and all(s.kind == "body" for t in sample_texts.values() for s in segment(t) if t[s.start] in "\"“")


def test_segments_are_exact_trimmed_lines(sample_texts: dict[str, str]) -> None:
    for text in sample_texts.values():
        segs = segment(text)
        want = [line.strip() for line in text.split("\n") if line.strip()]
        assert [text[s.start:s.end] for s in segs] == want


# Property: any text maps to in-order, in-bounds, non-overlapping spans that cover every non-blank line.
_ALPHABET = st.sampled_from(list("ab Z.5:\"“'\n\n\r\t\xa0") + ["Credit: PA", "PA Images", "WATCH: ", "Topics"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join), st.one_of(st.none(), st.text(max_size=10)))
def test_segments_cover_every_line(text: str, title: str | None) -> None:
    segs = segment(text, title)
    prev_end = 0
    for s in segs:
        assert prev_end <= s.start < s.end <= len(text)
        piece = text[s.start:s.end]
        assert piece == piece.strip() and "\n" not in piece
        assert (s.kind == "furniture") == (s.furniture is not None)
        prev_end = s.end
    assert [text[s.start:s.end] for s in segs] == [ln.strip() for ln in text.split("\n") if ln.strip()]
    assert sum(s.kind == "title" for s in segs) <= 1
    assert [(s.start, s.end) for s in segs] == paragraphs(text)


# Synthetic articles: a headline, body paragraphs, and one kind of furniture at a time.
P1 = "The minister announced the new policy on Tuesday after weeks of talks with unions."
P2 = "Critics said the plan would do little to help families struggling with rising bills."
P3 = "The opposition is expected to force a vote on the measure next week."


def article(*middle: str) -> str:
    return "\n\n".join(["Minister unveils plan to cut energy bills", P1, *middle, P2, P3]) + "\n"


def kinds(text: str) -> dict[str, str]:
    return {line: kind for line, kind in marked(text)[1]}


@pytest.mark.parametrize(
    ("lines", "kind"),
    [
        (["Jump directly to the content"], "skip_link"),
        (["Skip to main content"], "skip_link"),
        (["Share this article"], "share"),
        (["Click to share on Twitter (Opens in new window)"], "share"),
        (["Topics"], "topics"),
        (["Tags: Energy, Labour, Budget"], "topics"),
        (["Related topics"], "topics"),
        (["READ MORE: Chancellor rules out windfall tax on energy firms"], "related_link"),
        (["WATCH: Minister grilled over bills on morning television"], "related_link"),
        (["By Jane Smith"], "byline"),
        (["By Jane Smith, Political Correspondent"], "byline"),
        (["Updated: 13 December 2016 10:32 GMT"], "dateline"),
        (["Monday 6 January 2020"], "dateline"),
        (["Credit: Reuters"], "credit"),
        (["Getty Images"], "credit"),
        (["AP Photo/Evan Vucci"], "credit"),
        (["Picture: PA"], "credit"),
    ],
)
def test_synthetic_furniture_kinds(lines: list[str], kind: str) -> None:
    got = kinds(article(*lines))
    assert got == {line: kind for line in lines}


def test_caption_with_glued_credit_and_repeat() -> None:
    cap = "The minister speaks to reporters outside Downing Street"
    got = kinds(article("\n".join([cap, "3", cap + "Credit: Getty Images"])))
    assert got == {cap: "caption", "3": "gallery_counter", cap + "Credit: Getty Images": "caption"}


def test_caption_above_lone_credit_and_file_photo() -> None:
    cap = "The minister is seen leaving a cabinet meeting"
    assert kinds(article(cap + "\nPA Images")) == {cap: "caption", "PA Images": "credit"}
    fp = "File photo dated 3/4/2019 of the minister at the Treasury."
    assert kinds(article(fp)) == {fp: "caption"}
    credited = "The minister at the Treasury on Monday. (PA Images)"
    assert kinds(article(credited)) == {credited: "caption"}
    reuters = "Protesters gather outside parliament in London. REUTERS/Hannah McKay"
    assert kinds(article(reuters)) == {reuters: "caption"}


def test_run_of_other_headlines_between_paragraphs() -> None:
    links = ["Chancellor rules out windfall tax on energy firms", "Ofgem raises price cap for millions of homes"]
    assert kinds(article(*links)) == {line: "related_link" for line in links}


def test_posted_on_and_kicker_before_headline() -> None:
    text = "EXCLUSIVE\nMinister unveils plan to cut energy bills\n\nPosted On:\n8th October 2016\n\n" + P1 + "\n"
    head, furn = marked(text)
    assert head == "Minister unveils plan to cut energy bills"
    assert furn == {("EXCLUSIVE", "kicker"), ("Posted On:", "dateline"), ("8th October 2016", "dateline")}


@pytest.mark.parametrize(
    "line",
    [
        "5 people died.",  # a number starting a sentence is no gallery counter
        "He denied it.",  # a short body sentence
        "“We will not back down,” she said.",  # a one-line quote paragraph
        "“This is a disgrace”",  # a quote without a final stop
        "By Tuesday, the deal had collapsed.",  # "By" that is not a byline
        "Updated figures show prices rising again.",  # "Updated" that is not a dateline
        "Watch what happens when the vote is held.",  # "Watch" that is no related link
        "Tags on the bags were removed by officials.",
        "The agency, known as AP, declined to comment.",
    ],
)
def test_body_sentences_are_never_furniture(line: str) -> None:
    assert kinds(article(line)) == {}


def test_single_crosshead_and_list_are_body() -> None:
    """One unpunctuated subheading, or a list its previous line introduces, is not a related-link run."""
    assert kinds(article("What happens next")) == {}
    items = ["Energy bills capped for two years", "New grants for home insulation"]
    assert kinds(article("The plan includes:", *items)) == {}


def test_lone_number_away_from_captions_is_body() -> None:
    assert kinds(article("5")) == {}


def test_title_argument_and_headline_choice() -> None:
    text = article()
    headline = "Minister unveils plan to cut energy bills"
    assert marked(text, title=headline)[0] == headline
    assert marked(text, title="Another headline entirely")[0] is None
    site_title = "Minister unveils plan to cut energy bills | The Daily Paper"
    assert marked(text, title=site_title)[0] == "Minister unveils plan to cut energy bills"
    assert marked("Just one line of text.")[0] == "Just one line of text."
    assert segment("") == [] and segment("\n \n\t\n") == []


def test_line_cues() -> None:
    assert fu.has_final_punct("He said it was “over.”") and not fu.has_final_punct("Syria ceasefire")
    assert fu.is_counter("5") and fu.is_counter("3/12") and not fu.is_counter("5 people died.")
    assert fu.is_credit_only("(PA Images)") and not fu.is_credit_only("PA said the figures were wrong.")
    assert fu.credit_suffix("Assad is backed by PutinCredit: Reuters") == len("Assad is backed by Putin")
    assert fu.credit_suffix("He spoke to the Press Association on Monday.") is None
