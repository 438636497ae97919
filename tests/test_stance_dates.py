"""When a stance speaks about (docs/stances.md, "Dates"): the time expression of the cue's own clause, else of the
clause that tells the same event with it, read from the parse; never across a sentence, never from a clause that
neither governs nor hangs on the cue's. Short texts written for each case, the real model, and a control each."""
from __future__ import annotations

from onrecord.analyse.stances import date_stances, extract_stances
from onrecord.clean import segment


def dated(nlp, text: str, on: str = "2020-06-15") -> dict[tuple[str | None, str, str | None], str | None]:
    """(holder, label, target) -> the stance's date, anchored on an article of date ``on``."""
    found = extract_stances(nlp(text), segment(text, None), [])
    date_stances(found, on)
    return {(s.holder, s.label, s.target): s.date for s in found}


def test_a_relative_clause_of_place_takes_the_time_of_the_clause_it_hangs_on(nlp) -> None:
    found = dated(nlp, "In 2012 Senator Tom Reed spoke at a rally in Dover, where he condemned Mayor Bob Lee.")
    assert found[("Tom Reed", "condemn", "Bob Lee")] == "2012"
    found = dated(nlp, "In 2012 Senator Tom Reed appeared on a Dover radio station where he praised Mayor Bob Lee.")
    assert found[("Tom Reed", "praise", "Bob Lee")] == "2012"


def test_a_verb_conjoined_without_its_own_subject_shares_the_time(nlp) -> None:
    found = dated(nlp, "In 2015 Senator Jane Miller appeared on a radio show and praised Governor Tom Reed.")
    assert found[("Jane Miller", "praise", "Tom Reed")] == "2015"
    # a conjunct with a subject of its own is another event: the article's date
    found = dated(nlp, "In 2015 Senator Jane Miller appeared on a radio show, and Governor Tom Reed praised "
                       "Mayor Bob Lee.")
    assert found[("Tom Reed", "praise", "Bob Lee")] == "2020-06-15"


def test_a_participle_sharing_the_subject_shares_the_time_either_way(nlp) -> None:
    assert dated(nlp, "Speaking in 2014, Mayor Bob Lee criticised Senator Jane Miller.")[
        ("Bob Lee", "criticise", "Jane Miller")] == "2014"
    assert dated(nlp, "Senator Jane Miller appeared on a radio show in 2015, praising Governor Tom Reed.")[
        ("Jane Miller", "praise", "Tom Reed")] == "2015"


def test_a_when_clause_dates_the_clause_it_modifies(nlp) -> None:
    found = dated(nlp, "When the strike hit Dover in May 2011, Governor Tom Reed condemned the union leader Bob Lee.")
    assert found[("Tom Reed", "condemn", "Bob Lee")] == "2011-05"


def test_at_the_time_in_a_dependent_clause_takes_its_governors_time(nlp) -> None:
    found = dated(nlp, "In 2015 Senator Jane Miller spoke in Dover, criticising Governor Tom Reed, who at the time "
                       "praised Mayor Bob Lee.")
    assert found[("Tom Reed", "praise", "Bob Lee")] == "2015"
    # a relative clause of "who" without "at the time" says nothing of when
    found = dated(nlp, "In 2015 Senator Jane Miller met Governor Tom Reed, who praised Mayor Bob Lee.")
    assert found[("Tom Reed", "praise", "Bob Lee")] == "2020-06-15"


def test_a_time_never_crosses_a_sentence(nlp) -> None:
    found = dated(nlp, "In 2012 Senator Tom Reed spoke at a rally in Dover. There he condemned Mayor Bob Lee.")
    assert found[("Tom Reed", "condemn", "Bob Lee")] == "2020-06-15"


def test_a_time_that_bounds_a_span_is_not_the_events_time(nlp) -> None:
    # "since May ... has criticized": a claim about now; "before the vote in May": not May itself
    assert dated(nlp, "Since May, Senator Jane Miller has criticized Governor Tom Reed.")[
        ("Jane Miller", "criticise", "Tom Reed")] == "2020-06-15"
    assert dated(nlp, "Before the vote in May, Senator Jane Miller criticized Governor Tom Reed.")[
        ("Jane Miller", "criticise", "Tom Reed")] == "2020-06-15"
    assert dated(nlp, "In May Senator Jane Miller criticized Governor Tom Reed.")[
        ("Jane Miller", "criticise", "Tom Reed")] == "2020-05"


def test_a_past_participle_is_a_background_not_the_event(nlp) -> None:
    assert dated(nlp, "Elected in 2010, Senator Jane Miller has criticized Governor Tom Reed.")[
        ("Jane Miller", "criticise", "Tom Reed")] == "2020-06-15"


def test_the_act_of_saying_dates_the_clause_it_reports(nlp) -> None:
    assert dated(nlp, "In 2011 Senator Jane Miller said that she strongly opposed Governor Tom Reed.")[
        ("Jane Miller", "oppose", "Tom Reed")] == "2011"
    assert dated(nlp, "Senator Jane Miller told reporters on March 3, 2011 that she condemned Governor Tom Reed.")[
        ("Jane Miller", "condemn", "Tom Reed")] == "2011-03-03"
    # the reported clause's own time comes first
    assert dated(nlp, "In 2011 Senator Jane Miller said that she condemned Governor Tom Reed in 2009.")[
        ("Jane Miller", "condemn", "Tom Reed")] == "2009"
