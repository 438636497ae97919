"""Relative date anchoring on the article's publication date."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onrecord.analyse.dates import anchor, anchor_mention, find_dates

MONDAY = "2018-04-09"  # Monday 9 April 2018 (The Sun's Douma article)


@pytest.mark.parametrize("expr, on, expected", [
    ("on Saturday night", MONDAY, ("2018-04-07", "day")),
    ("today", MONDAY, ("2018-04-09", "day")),
    ("yesterday", MONDAY, ("2018-04-08", "day")),
    ("last night", MONDAY, ("2018-04-08", "day")),
    ("last month", MONDAY, ("2018-03", "month")),
    ("last month", "2020-01-03", ("2019-12", "month")),
    ("in 2013", MONDAY, ("2013", "year")),
    ("a year ago", MONDAY, ("2017-04", "month")),
    ("two weeks ago", MONDAY, ("2018-03-26", "week")),
    ("earlier this week", "2020-01-03", ("2019-12-30", "week")),
    ("last December", "2016-10-08", ("2015-12", "month")),
    ("in August 2013", MONDAY, ("2013-08", "month")),
    ("13th December 2016", MONDAY, ("2016-12-13", "day")),
    ("March 8, 2015", MONDAY, ("2015-03-08", "day")),
    ("in the early hours of Friday morning", "2020-01-05", ("2020-01-03", "day")),
    ("on Monday", MONDAY, ("2018-04-09", "day")),
    ("last Monday", MONDAY, ("2018-04-02", "day")),
    ("next Monday", MONDAY, ("2018-04-16", "day")),
    ("in March", MONDAY, ("2018-03", "month")),
    ("in November", MONDAY, ("2017-11", "month")),
    ("on 5 May", MONDAY, ("2018-05-05", "day")),
])
def test_anchor(expr: str, on: str, expected: tuple[str, str]) -> None:
    assert anchor(expr, on) == expected


def test_future_weekday_looks_ahead() -> None:
    assert anchor("on Friday", MONDAY, future=True) == ("2018-04-13", "day")
    assert anchor("on Friday", MONDAY) == ("2018-04-06", "day")


def test_may_the_verb_is_not_a_month() -> None:
    assert find_dates("Ministers may 5 times refuse, and he may in future.") == []


def test_no_anchor_without_article_date() -> None:
    assert anchor_mention("yesterday", None) is None
    assert anchor_mention("the government", MONDAY) is None


def test_finds_dates_in_a_news_sentence() -> None:
    text = ("The party leader was today asked if he believes Assad is responsible for the chemical attack "
            "in Douma on Saturday night.")
    found = [(d.text, d.kind) for d in find_dates(text)]
    assert found == [("today", "deictic"), ("on Saturday night", "rel_day")]


@given(st.lists(st.sampled_from(list("abc 0123456789-,.") + ["May ", "last ", "Monday", " 2013", " ago",
                                                             "two weeks", "in ", "th "]), max_size=30).map("".join))
def test_spans_stay_inside_the_text(text: str) -> None:
    for d in find_dates(text):
        assert 0 <= d.start < d.end <= len(text)
        assert text[d.start:d.end] == d.text
