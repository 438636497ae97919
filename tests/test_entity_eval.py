"""Entity evaluation (issue 25 item 3): B-cubed and main-people scoring, ``onrecord eval entities`` end to end on
invented articles, and groups a person's name only describes never linked to that person."""
from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

import onrecord
from onrecord.cli import main
from onrecord.evaluate import score_entities


def test_b_cubed_and_main_people_by_hand():
    gold = [{"doc": "a.txt", "people": {"Ann Lee": [[0, 7], [20, 23]], "Bo Kim": [[30, 36]]}, "main": ["Ann Lee"]},
            {"doc": "b.txt", "people": {"Ann Lee": [[0, 3]]}, "main": ["Ann Lee", "Bo Kim"]}]
    found = {"a.txt": [(0, 7, "person:ann-lee", "Ann Lee", "person"), (20, 25, "person:lee", "Lee's", "person"),
                       (30, 36, "person:bo-kim", "Bo Kim", "person")],
             "b.txt": [(0, 3, "person:ann-lee", "Ann Lee", "person")]}
    res = score_entities(gold, found, {"Ann Lee": "person:ann-lee", "Bo Kim": "person:bo-kim"})
    # Ann Lee's three mentions fall in two found clusters ({1, 3} and {2}); Bo Kim's one is whole
    assert res["b3_precision"] == 1.0
    assert res["b3_recall"] == round((2 / 3 + 1 / 3 + 2 / 3 + 1) / 4, 4)
    assert res["main_people"] == 3 and res["main_people_linked"] == round(2 / 3, 4)  # Bo Kim is not in b.txt
    assert res["bad_person_names"] == ["Lee's"]


ARTICLE = ("Marla Quinby wins the vote\n\nMarla Quinby won the county vote on Tuesday. Quinby said the result showed "
           "that voters wanted change. One Quinby campaign source said the rally had been cancelled because of "
           "the storm. Quinby's aides told reporters that the campaign was safe.\n")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("eval")
    (folder / "quinby.txt").write_text(ARTICLE, encoding="utf-8")
    db = str(folder / "eval.db")
    onrecord.ingest([str(folder)], db, jobs=1)
    return db


def test_eval_entities_command(store, tmp_path):
    spans = [[m, m + len("Marla Quinby")] for m in (0, ARTICLE.index("Marla Quinby won"))]
    spans += [[i, i + len("Quinby")] for i in (ARTICLE.index("Quinby said"), ARTICLE.index("Quinby campaign"),
                                              ARTICLE.index("Quinby's"))]
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"doc": "quinby.txt", "people": {"Marla Quinby": spans}, "main": ["Marla Quinby"]}))
    res = CliRunner().invoke(main, ["eval", "entities", "--gold", str(gold), "--db", store, "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["mentions"] == 5 and out["main_people_linked"] == 1.0 and out["bad_person_names"] == []
    assert out["b3_precision"] == 1.0 and out["b3_recall"] == 1.0


def test_a_group_a_person_s_name_describes_is_not_that_person(store):
    with sqlite3.connect(store) as c:
        rows = dict(c.execute("SELECT speaker_mention, speaker_entity_id FROM quotes"))
    assert rows["Quinby"] == "person:marla-quinby"  # "Quinby said": the speaker by the full name
    assert rows["One Quinby campaign source"] is None
    assert not (rows["Quinby's aides"] or "").startswith("person:")  # a group, never Marla Quinby
