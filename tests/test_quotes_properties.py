"""Property tests: for any text, extract_quotes returns, never raises (strict mode: a bug is not logged and
skipped but fails the test), and keeps every span in the text."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onrecord.analyse.attribution.marks import scan_paragraph
from onrecord.analyse.attribution.quotes import extract_quotes
from onrecord.clean import segment
from onrecord.models import Quote
from onrecord.nlp.components import parse_text

MARKS = "\"'“”‘’„«»"
quoteish = st.text(alphabet=st.sampled_from(list(MARKS) + list("ab said: He \n\n.,\u00a0X")), max_size=120)


def check(quotes: list[Quote], text: str) -> None:
    for q in quotes:
        assert 0 <= q.start <= q.end <= len(text)
        assert q.text == text[q.start:q.end]
        for s, e in [*(q.spans or []), *(x for x in (q.speaker_span, q.cue_span, q.clause_span) if x)]:
            assert 0 <= s <= e <= len(text)
        assert 0.0 <= q.confidence <= 1.0


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_scan_paragraph_spans_inside(text):
    for m in scan_paragraph(text, 0, len(text)):
        assert 0 <= m.open_at < m.start <= m.end <= len(text)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=200), quoteish))
def test_extract_quotes_any_text(nlp, text):
    check(extract_quotes(nlp(text), segment(text), strict=True), text)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([
    "“Open quote that never closes", "He said: “Yes.”", "'single", "”", "It's Britain's", "\"", "\u00a0",
    "Mr Smith said the plan was 'a mess'", "“Nested ‘inner’ quote,” she said.", "", "Photo: Reuters"]),
    max_size=12))
def test_unbalanced_marks_across_paragraphs(nlp, parts):
    text = "\n\n".join(parts)
    check(extract_quotes(nlp(text), segment(text), strict=True), text)


def test_one_paragraph_of_a_megabyte(nlp):
    """Past spaCy's max_length, tokenised only (parsing it would take a minute): quotes by marks alone."""
    unit = "He said: “The plan works.” Then nothing happened and the council met again. "
    text = unit * (1_100_000 // len(unit))
    assert len(text) > nlp.max_length
    quotes = extract_quotes(nlp.tokenizer(text), segment(text), strict=True)
    assert len(quotes) == text.count("“")
    check(quotes[:50] + quotes[-50:], text)


def test_parse_text_in_pieces_keeps_the_text(nlp):
    text = ("Mr Olsen said: “The plan works.” Then nothing happened.\n\n" * 40) + "Last line " * 300
    doc = parse_text(nlp, text, chunk=1_000)
    assert doc.text == text
    quotes = extract_quotes(doc, segment(text), strict=True)
    assert len(quotes) >= 40 and quotes[0].speaker == "Olsen"
    check(quotes, text)


def test_extract_quotes_with_bad_segments(nlp):
    text = "He said: “Fine.”"
    from onrecord.models import Segment

    check(extract_quotes(nlp(text), [Segment(-5, 3), Segment(10, 999), Segment(4, 2)], strict=True), text)
