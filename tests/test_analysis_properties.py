"""The whole analysis stage (quotes, entities, stances) on arbitrary news-like text: it returns, never raises
(strict mode: a bug fails the test instead of being logged and skipped), never loops, and every span lies
inside the text."""
from __future__ import annotations

import signal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onrecord import analyse
from onrecord.analyse import analyse_text
from onrecord.analyse.attribution import quotes as quotes_module
from onrecord.clean import segment

WORDS = ["Mr", "Smith", "said", "told", "the", "minister", "condemned", "refused", "to", "blame", "Russia",
         "on", "Saturday", "night", "last", "month", "he", "she", "they", "warned", "that", "\u201c", "\u201d",
         '"', "'", ",", ".", ":", "\n\n", "\n", "Labour", "spokesman", "for", "according", "accused", "of",
         "in", "2013", "Tehran", "urged", "by", "supporters", "The", "Prime", "Minister", "a", "year", "ago",
         "Jane", "Doe", "(", ")", "-", "\u00a0", "5", "Credit:", "Reuters", "WATCH:", "not", "never"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), min_size=0, max_size=120))
def test_analysis_returns_spans_inside_the_text(nlp, words):
    text = " ".join(words)

    def too_slow(*_):
        raise TimeoutError("the analysis did not finish in 20 s")

    old = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(20)
    try:
        result = analyse_text(nlp, text, segment(text), strict=True)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    for q in result.quotes:
        evidence = [x for x in (q.speaker_span, q.cue_span, q.clause_span) if x]
        for s, e in [(q.start, q.end), *(q.spans or []), *evidence]:
            assert 0 <= s <= e <= len(text)
    for stance in result.stances:
        assert 0 <= stance.start <= stance.end <= len(text)


def test_strict_raises_where_the_product_path_logs_and_goes_on(nlp, monkeypatch, caplog):
    text = "Budget row\n\nMr Smith said: “The plan works.”\n\nThe minister condemned Russia.\n"

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug in one step")

    monkeypatch.setattr(analyse, "extract_stances", broken)
    monkeypatch.setattr(quotes_module, "decide", broken)
    result = analyse_text(nlp, text, segment(text))  # the product path: logged, the article kept
    direct = [q for q in result.quotes if q.kind == "direct"]
    assert [q.text for q in direct] == ["The plan works."] and direct[0].speaker is None
    assert result.stances == [] and result.entities is not None
    assert "a bug in one step" in caplog.text
    with pytest.raises(RuntimeError, match="a bug in one step"):
        analyse_text(nlp, text, segment(text), strict=True)
