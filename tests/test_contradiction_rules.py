"""What a contradiction is (docs/stances.md, "Contradictions"): a claim by someone else about X's position on Y
against X's own words on Y from the time the claim speaks about; never X's own words against each other, never
through a bare surname, never the outlet's narration as X's own words. Units over hand-made stances, then the
real pipeline on short texts written for these tests."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from onrecord.analyse.stances import labels
from onrecord.link.contradictions import StanceRef, claim_side, find_contradictions, own_side, position_changes

POL = {k: v.polarity for k, v in labels().items()}
X = "person:jane-miller"


def ref(i: int, label: str, date: str, *, by: str | None = None, quote: int | None = 0, negated: bool = False,
        target: str = "person:tom-reed", keys: list[str] | None = None, holder: str = X, aspect: str | None = None,
        confidence: float | None = 0.9, name: str = "Jane Miller", sure: float | None = 0.9) -> StanceRef:
    """A stance of Jane Miller (own words by default: a quote credited to her) toward Tom Reed."""
    pol = POL[label] * (-0.25 if negated else 1.0)
    return StanceRef(i, name, "entity:" + holder if holder else "person:miller", "Tom Reed",
                     keys if keys is not None else ["person:reed"], label, pol, negated, by, None, date, f"a{i}",
                     holder or None, "person", quote, confidence, aspect, target or None, sure)


def pairs(stances: list[StanceRef], **kw) -> list[tuple[int, int]]:
    return [(c.claim_id, c.counter_id) for c in find_contradictions(stances, POL, **kw)]


def test_a_present_claim_meets_own_words_before_it_within_the_window() -> None:
    claim = ref(1, "support", "2020-06-01", by="Daily Test", quote=None)
    assert pairs([claim, ref(2, "condemn", "2020-01-10")]) == [(1, 2)]
    assert pairs([claim, ref(2, "condemn", "2016-01-10")]) == []  # years before: not her present position
    assert pairs([claim, ref(2, "condemn", "2020-07-10")]) == []  # said after the claim: cannot refute it
    assert pairs([claim, ref(2, "condemn", "2019-01-10")], window_days=100) == []


def test_a_record_claim_meets_own_words_from_any_time_before_it() -> None:
    claim = ref(1, "support", "2020-06-01", by="Daily Test", quote=None, aspect="record")
    found = find_contradictions([claim, ref(2, "condemn", "2014-01-10")], POL)
    assert [(c.claim_id, c.counter_id) for c in found] == [(1, 2)]
    why = found[0].why
    assert why["rule"].startswith("a claim about their record") and why["claim"]["voice"] == "outlet"
    assert why["counter"]["voice"] == "own words" and why["days_apart"] > 2000 and why["shared_keys"]
    # her own record goes both ways: the claim is not refuted by half of it
    assert pairs([claim, ref(2, "condemn", "2014-01-10"), ref(3, "praise", "2015-01-10")]) == []


def test_own_words_at_two_dates_are_a_change_of_position_not_a_contradiction() -> None:
    feb, jul = ref(1, "criticise", "2016-02-01"), ref(2, "support", "2016-07-01")
    assert pairs([feb, jul]) == []
    changes = position_changes([feb, jul], POL)
    assert [(c.before_id, c.after_id) for c in changes] == [(1, 2)]
    # a claim in July that she backs him agrees with her July words: her February words were taken back
    claim = ref(3, "support", "2016-07-15", by="Daily Test", quote=None)
    assert pairs([feb, jul, claim]) == []
    assert pairs([feb, claim]) == [(3, 1)]


def test_a_change_of_position_needs_one_resolved_holder_sure_sides_and_a_later_date() -> None:
    feb, jul = ref(1, "criticise", "2016-02-01"), ref(2, "support", "2016-07-01")
    assert position_changes([feb, ref(2, "support", "2016-07-01", holder="")], POL) == []  # a surname key
    assert position_changes([feb, ref(2, "support", "2016-07-01", confidence=0.2)], POL) == []  # unsure quote
    assert position_changes([feb, ref(2, "support", "2016-02-01")], POL) == []  # the same day: no change
    assert position_changes([feb, ref(2, "criticise", "2016-07-01")], POL) == []  # the same way: no change
    assert position_changes([feb, ref(2, "support", "2016-07-01", by="Daily Test", quote=None)], POL) == []
    assert position_changes([feb, ref(2, "support", "2016-07-01", sure=0.7)], POL) == []  # under the stances' cut
    assert position_changes([feb, ref(2, "support", "2016-07-01", sure=None)], POL) == []  # never scored
    # "warned" by herself: a stance about its own holder is no position on anyone
    assert position_changes([ref(1, "criticise", "2016-02-01", target="person:jane-miller"),
                             ref(2, "support", "2016-07-01", target="person:jane-miller")], POL) == []
    assert [(c.before_id, c.after_id) for c in position_changes([jul, feb], POL)] == [(1, 2)]


def test_sides_join_only_through_resolved_entities() -> None:
    claim = ref(1, "support", "2020-06-01", by="Daily Test", quote=None)
    # two people called Cruz: only the bare surname key is shared
    other = ref(2, "condemn", "2020-05-01", target="person:rafael-cruz", keys=["person:cruz"])
    ted = ref(3, "support", "2020-06-01", by="Daily Test", quote=None, target="person:ted-cruz", keys=["person:cruz"])
    assert pairs([ted, other]) == []
    # an unresolved holder: the group is a surname key, never joined
    assert pairs([ref(1, "support", "2020-06-01", by="Daily Test", quote=None, holder=""),
                  ref(2, "condemn", "2020-05-01", holder="")]) == []
    # a state key is resolved: "the Assad regime" ~ "the Syrian government"
    assert pairs([ref(4, "support", "2020-06-01", by="Daily Test", quote=None, target="", keys=["gov:syria"]),
                  ref(5, "condemn", "2020-05-01", target="", keys=["gov:syria"])]) == [(4, 5)]
    assert pairs([claim, ref(2, "condemn", "2020-05-01", confidence=0.2)]) == []  # an unsure attribution


def test_a_contradiction_rests_only_on_stances_at_or_above_the_stances_cut() -> None:
    claim = ref(1, "support", "2020-06-01", by="Daily Test", quote=None)
    assert pairs([claim, ref(2, "condemn", "2020-01-10")]) == [(1, 2)]
    assert pairs([claim, ref(2, "condemn", "2020-01-10", sure=0.7)]) == []  # own words of a kind right 7 in 10
    assert pairs([ref(1, "support", "2020-06-01", by="Daily Test", quote=None, sure=0.7),
                  ref(2, "condemn", "2020-01-10")]) == []  # the claim under the cut
    assert pairs([claim, ref(2, "condemn", "2020-01-10", sure=0.7)], cut=0.7) == [(1, 2)]
    assert pairs([claim, ref(2, "condemn", "2020-01-10", sure=None)]) == [(1, 2)]  # analysed before scoring


def test_the_outlets_narration_is_a_claim_never_own_words() -> None:
    narration = ref(1, "condemn", "2020-05-01", quote=None)  # "Miller condemned Reed": no quotation behind it
    assert not own_side(narration) and claim_side(narration)
    assert own_side(ref(2, "condemn", "2020-05-01", by="Jane Miller"))  # her quote, her name as reporter
    assert own_side(ref(3, "condemn", "2020-05-01", by="Miller", name="Jane Miller"))
    own = ref(4, "praise", "2020-04-01")
    found = find_contradictions([narration, own], POL)
    assert [(c.claim_id, c.counter_id) for c in found] == [(1, 4)]
    assert found[0].why["claim"]["voice"] == "outlet narration"


# -- the real pipeline on short texts --------------------------------------------------------------------------
ARTICLES = [
    {"id": "a-2019", "outlet": "Daily Test", "date": "2019-03-01", "title": "Miller turns on Reed",
     "text": "Miller turns on Reed\n\n\"I condemn Governor Tom Reed for these cuts,\" Senator Jane Miller said on "
             "Friday.\n"},
    {"id": "b-2020", "outlet": "Evening Test", "date": "2020-02-01", "title": "The senator and the governor",
     "text": "The senator and the governor\n\nSenator Jane Miller has a long history of backing Governor Tom Reed.\n"},
    {"id": "c-2020", "outlet": "Evening Test", "date": "2020-02-03", "title": "Miller on Rafael Cruz",
     "text": "Miller on Rafael Cruz\n\n\"I condemn Rafael Cruz,\" Senator Jane Miller said on Monday.\n"},
    {"id": "d-2020", "outlet": "Daily Test", "date": "2020-02-05", "title": "Miller and Ted Cruz",
     "text": "Miller and Ted Cruz\n\nSenator Jane Miller has always backed Ted Cruz.\n"},
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    import onrecord

    path = str(tmp_path_factory.mktemp("contradictions") / "c.db")
    onrecord.ingest_articles(ARTICLES, path)
    return path


def test_a_record_claim_against_her_earlier_words_is_listed_with_why(db: str) -> None:
    import onrecord

    with onrecord.open(db) as api:
        found = api.contradictions()
        assert [(c.claim.outlet, c.counter.outlet) for c in found] == [("Evening Test", "Daily Test")], \
            [(c.claim.text, c.counter.text) for c in found]
        c = found[0].to_dict()
        assert c["why"]["rule"].startswith("a claim about their record") and c["why"]["counter"]["voice"] == "own words"
        assert c["claim"]["aspect"] == "record"
    from onrecord.cli import main

    res = CliRunner().invoke(main, ["contradictions", "--db", db, "--format", "jsonl"])
    assert res.exit_code == 0 and json.loads(res.output.splitlines()[0])["why"]["days_apart"] > 300


def test_a_shared_surname_joins_nobody(db: str) -> None:
    import onrecord

    with onrecord.open(db) as api:
        cruz = [s for s in api.all_stances(holder="Jane Miller") if s.target and "Cruz" in s.target]
        assert {s.target for s in cruz} == {"Rafael Cruz", "Ted Cruz"}, cruz  # both stances are there
        assert not [c for c in api.contradictions() if "Cruz" in (c.about or "")]
