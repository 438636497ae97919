"""Entities: in-article clusters, cross-article linking, roles over time, descriptors, corrections, CLI.

The end-to-end checks run the real pipeline (real spaCy model) on the five bundled sample articles.
"""
from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES

import onrecord
from onrecord.analyse.entities.mentions import extract_entities
from onrecord.analyse.entities.roles import held_roles, load_kb, resolve_role_at
from onrecord.clean import segment
from onrecord.link.entities import (
    LinkCluster,
    LinkRoleMention,
    link_entities,
    similar_names,
)
from onrecord.models import Correction, KBRole, Overrides
from onrecord.pipeline import ingest, load_manifest, reanalyse
from onrecord.store import Store


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory, nlp) -> str:
    path = str(tmp_path_factory.mktemp("entities") / "sample.db")
    with Store(path) as store:
        report = ingest([str(EXAMPLES)], store, overrides=Overrides(manifest=load_manifest(
            str(EXAMPLES / "manifest.jsonl"))), workers=1)
    assert report.count("ingested") == 5
    return path


@pytest.fixture(scope="module")
def api(sample_db):
    with onrecord.open(sample_db) as db:
        yield db


def _article_id(api, name: str) -> str:
    return next(a.id for a in api.articles() if a.source.endswith(name))


# -- roles over time ---------------------------------------------------------------------------------------
def test_boris_johnson_roles_change_over_time(api):
    boris = api.entity("Boris Johnson")
    assert "Foreign Secretary" in boris.roles_at("2016-12-13")  # PoliticsHome, December 2016
    assert "Foreign Secretary" in boris.roles_at("2016-10-08")  # PoliticsHome, October 2016
    jan = boris.roles_at("2020-01-05")  # LBC, January 2020
    assert "Prime Minister" in jan and "Foreign Secretary" not in jan
    by_role = {r.role: r for r in boris.roles}
    fs_evidence = {(e.article_id, e.text) for e in by_role["Foreign Secretary"].evidence}
    assert (_article_id(api, "003_835a80c3a358b54e.txt"), "Foreign Secretary") in fs_evidence
    pm = by_role["Prime Minister"]
    assert pm.start == "2019-07-24" and any(e.date == "2020-01-05" for e in pm.evidence)


def test_the_prime_minister_corbyn_wrote_to_in_2016_is_theresa_may(api):
    may = api.entity("Theresa May")
    pm = next(r for r in may.roles if r.role == "Prime Minister")
    ev = [e for e in pm.evidence if e.date == "2016-12-13"]
    assert ev and ev[0].text == "the Prime Minister"
    art = api.article(ev[0].article_id)
    assert art.text[ev[0].start:ev[0].end] == "the Prime Minister"
    assert "Prime Minister" not in api.entity("Boris Johnson").roles_at("2016-12-13")


def test_the_foreign_secretary_of_2016_is_not_the_one_of_2020(api):
    raab = api.entity("Dominic Raab")
    assert "Foreign Secretary" in raab.roles_at("2020-01-03")
    assert "Foreign Secretary" not in raab.roles_at("2016-12-13")


# -- linking -------------------------------------------------------------------------------------------------
def test_soleimani_spellings_are_one_entity(api):
    ids = set(api.entity_ids("Qassem Soleimani")) | set(api.entity_ids("Qasem Soleimani"))
    assert len(ids) == 1
    ent = api.entity("Qasem Soleimani")
    assert {"Qassem Soleimani", "Qasem Soleimani"} <= set(ent.aliases)
    assert set(ent.mentions_by_outlet) == {"Yahoo News UK", "LBC"}


def test_corbyn_is_one_entity_in_every_article_that_names_him(api, sample_texts):
    corbyn = api.entity("Jeremy Corbyn")
    ids = {r[0] for r in api.conn.execute("SELECT DISTINCT entity_id FROM article_entities WHERE name LIKE '%Corbyn'")}
    assert ids == {corbyn.id}
    assert corbyn.articles == sum("Corbyn" in t for t in sample_texts.values()) == 4
    labour = next(r for r in corbyn.roles if r.role == "Leader of the Labour Party")
    assert any(e.text.lower() == "the labour leader" for e in labour.evidence)
    assert api.entity("Mr Corbyn").id == corbyn.id or "Corbyn" in corbyn.name


def test_metonyms_are_aliases_of_the_government_entity(api):
    iran = api.entity("Tehran")
    assert iran.id == "country:iran" and iran.type == "country"
    assert api.entity("United States government").id == "country:united-states"
    assert api.entity("Downing Street").type == "organisation"


def test_entity_ids_are_stable_names(api):
    assert api.entity("Jeremy Corbyn").id == "person:jeremy-corbyn"
    assert api.entity("person:jeremy-corbyn").name == "Jeremy Corbyn"


# -- descriptors -----------------------------------------------------------------------------------------------
def test_assad_descriptors_by_outlet_are_flagged_loaded(api):
    assad = api.entity("Assad")
    assert assad.name == "Bashar al-Assad"
    sun = {d["key"]: d for d in assad.descriptors if d["outlet"] == "The Sun"}
    assert sun["syrian dictator"]["loaded"] and sun["syrian dictator"]["count"] >= 1
    assert sun["syrian tyrant"]["loaded"]  # "the Syrian tyrant": an anaphoric description, linked by fit
    assert any("assad regime" in d["key"] for d in assad.descriptors if d["outlet"] == "PoliticsHome")


def test_appositive_descriptor_and_role(api):
    austin = api.entity("Ian Austin")
    assert any(d["key"] == "vocal corbyn critic" and d["text"] == "a vocal Corbyn critic" and not d["loaded"]
               for d in austin.descriptors)
    assert any(r.role == "Labour MP" and r.former for r in austin.roles)


def test_the_leftie_labour_boss_is_corbyn(api):
    corbyn = api.entity("Jeremy Corbyn")
    assert any(d["key"] == "leftie labour boss" and d["loaded"] for d in corbyn.descriptors)


# -- quotes point to entities ------------------------------------------------------------------------------------
def test_gold_speakers_resolve_to_one_entity_each(api, seed_gold):
    """Every person speaker and spokesperson principal of the gold resolves through the entity resolver."""
    for g in seed_gold:
        name = g["on_behalf_of"] if g["speaker_type"] == "spokesperson" else g["speaker"]
        if g["speaker_type"] not in ("person", "spokesperson"):
            continue
        ids = api.entity_ids(name)
        assert len(ids) == 1, (name, ids)


def test_stored_quotes_point_to_the_gold_speakers_entity(api, seed_gold):
    """Quotes the quote extractor found (matched to gold by overlap) carry the gold speaker's entity id."""
    ids = {a.source.split("/")[-1]: a.id for a in api.articles()}
    checked = right = 0
    for g in seed_gold:
        if g["speaker_type"] not in ("person", "spokesperson"):
            continue
        want = api.entity_ids(g["on_behalf_of"] if g["speaker_type"] == "spokesperson" else g["speaker"])[0]
        qs = [q for q in api.all_quotes(article=ids[g["doc"]]) if q.start < g["end"] and g["start"] < q.end]
        if not qs:
            continue
        checked += 1
        q = qs[0]
        right += want in (q.speaker_id, q.on_behalf_of_id)
    assert checked >= 40
    assert right / checked >= 0.9, (right, checked)


# -- corrections -----------------------------------------------------------------------------------------------
def test_manual_split_and_merge_survive_reanalysis(sample_db, tmp_path):
    path = str(tmp_path / "copy.db")
    shutil.copy(sample_db, path)
    with onrecord.open(path) as db:
        db.correct_entities("split", "Bashar al-Assad", "Assad")
        db.correct_entities("merge", "United Nations", "UN Security Council")
        assert db.entity("Assad").id != db.entity("Bashar al-Assad").id
        reanalyse(db.store)
        assert db.entity("Assad").id != db.entity("Bashar al-Assad").id
        assert db.entity("UN Security Council").id == db.entity("United Nations").id
        with pytest.raises(onrecord.OnrecordError, match="no alias"):
            db.correct_entities("split", "Jeremy Corbyn", "Nobody")
    from onrecord.cli import main

    res = CliRunner().invoke(main, ["merge", "Qasem Soleimani", "Quds Force", "--db", path])
    assert res.exit_code == 0 and "merged: Qassem Soleimani" in res.output
    res = CliRunner().invoke(main, ["split", "Qassem Soleimani", "--alias", "Quds Force", "--db", path])
    assert res.exit_code == 0 and "Quds Force" not in res.output.split("aliases now:")[1]


# -- pure linking and roles ----------------------------------------------------------------------------------------
def test_similar_names_is_conservative():
    assert similar_names("qassem soleimani", "qasem soleimani")
    assert not similar_names("jeremy hunt", "jeremy corbyn")
    assert not similar_names("ed miliband", "david miliband")
    assert not similar_names("mike pence", "mike pense")  # surnames must be closer still
    assert not similar_names("george bush", "george w bush")


def test_lone_surname_links_only_when_unambiguous():
    clusters = [LinkCluster("a", 0, "Hillary Clinton", "person", 5), LinkCluster("b", 0, "Bill Clinton", "person", 2),
                LinkCluster("c", 0, "Clinton", "person", 3), LinkCluster("c", 1, "Trump", "person", 3),
                LinkCluster("d", 0, "Donald Trump", "person", 9)]
    out = link_entities(clusters)
    assert out.cluster_ids[("c", 0)] not in (out.cluster_ids[("a", 0)], out.cluster_ids[("b", 0)])
    assert out.cluster_ids[("c", 1)] == out.cluster_ids[("d", 0)] == "person:donald-trump"
    merged = link_entities(clusters, corrections=[Correction("merge", "Hillary Clinton", "Clinton")])
    assert merged.cluster_ids[("c", 0)] == merged.cluster_ids[("a", 0)] == "person:hillary-clinton"


def test_role_mentions_resolve_by_date_and_prefer_people_the_article_names():
    kb = load_kb()
    assert resolve_role_at("Prime Minister", "2016-12-13", set(), kb=kb) == "Theresa May"
    assert resolve_role_at("Prime Minister", "2016-06-01", set(), kb=kb) == "David Cameron"
    assert resolve_role_at("US Secretary of State", "2016-09-20", {"hillary clinton"}, former=True) == "Hillary Clinton"
    assert resolve_role_at("US Secretary of State", "2016-09-20", set(), former=True) is None
    out = link_entities([], [LinkRoleMention("x", 0, "Republican presidential nominee", "2016-09-20")])
    assert out.role_ids[("x", 0)] == "person:donald-trump"


def test_held_roles_attach_text_evidence_to_the_kb_period():
    rows = [KBRole("President of Syria", "Bashar al-Assad", "2000-07-17", "2024-12-08")]
    ev = [{"role": "President", "former": 0, "article_id": "a", "date": "2020-01-05", "outlet": "LBC", "start": 1,
           "end": 10, "text": "President"}]
    roles = held_roles(ev, rows)
    assert len(roles) == 1 and roles[0].source == "kb+text" and roles[0].to_dict()["from"] == "2000-07-17"


# -- in-article analysis on short texts ------------------------------------------------------------------------------
def test_us_campaign_descriptions(nlp):
    text = ("Republican nominee Donald Trump attacked Hillary Clinton on Monday. Mrs. Clinton said the "
            "Republican nominee was unfit. Aides to the former secretary of state declined to comment.")
    found = extract_entities(nlp(text), segment(text, None))
    people = {e.name: e for e in found.entities if e.type == "person"}
    assert set(people) == {"Donald Trump", "Hillary Clinton"}
    assert any(m.text == "Clinton" and m.kind == "short" for m in people["Hillary Clinton"].mentions)
    assert any(r.role == "Republican presidential nominee" for r in people["Donald Trump"].roles)
    assert "the Republican nominee" in [m.text for m in people["Donald Trump"].mentions]
    former = [r for r in found.role_mentions if r.former]
    assert [r.role for r in former] == ["US Secretary of State"]


def test_titled_surname_prefers_the_office_holder(nlp):
    text = ("Michelle Obama spoke in Philadelphia on Monday. President Obama said on Tuesday that the president "
            "would campaign in Ohio.")
    found = extract_entities(nlp(text), segment(text, None))
    people = {e.name: e for e in found.entities if e.type == "person"}
    assert "Barack Obama" in people and [m.text for m in people["Michelle Obama"].mentions] == ["Michelle Obama"]
    assert "the president" in [m.text for m in people["Barack Obama"].mentions]


def test_a_surname_the_recogniser_leaves_untagged_is_the_person_named_in_full(nlp):
    text = ("Water rules\n\nGov. Phil Bryant approved the water rules on Thursday after a short debate in the "
            "chamber. Bryant proudly announced the change to reporters, and farmers said Bryant had ignored them."
            "\n\nThe Glass-Bryant debate and the Bryant Tower were not mentioned.\n")
    doc = nlp(text)
    alone = text.index("Bryant proudly")
    assert [t.ent_type_ for t in doc if t.idx == alone] == [""]  # the small model leaves this one untagged
    bryant = next(e for e in extract_entities(doc, segment(text, None)).entities if e.name == "Phil Bryant")
    shorts = {m.start for m in bryant.mentions if m.kind == "short"}
    assert {alone, text.index("Bryant had")} <= shorts
    assert not {text.index("Glass-Bryant") + 6, text.index("Bryant Tower")} & shorts  # parts of other names


def test_a_surname_tagged_as_an_organisation_is_still_the_person(nlp):
    text = ("Budget vote\n\nGov. Ellen Varga vetoed the spending plan on Friday after lawmakers approved it late "
            "at night. Varga quietly returned the bill to the legislature, and opponents said Varga had acted alone."
            "\n\nThe Glass-Varga report and the Varga Institute were not discussed.\n")
    doc = nlp(text)
    tagged = {e.start_char: e.label_ for e in doc.ents}
    assert tagged[text.index("Varga quietly")] == "ORG"
    varga = next(e for e in extract_entities(doc, segment(text, None)).entities if e.name == "Ellen Varga")
    shorts = {m.start for m in varga.mentions if m.kind == "short"}
    assert {text.index("Varga quietly"), text.index("Varga had")} <= shorts


def test_a_surname_tagged_as_a_group_elsewhere_does_not_drop_its_person_mentions(nlp, sample_texts):
    text = sample_texts["002_8afbbc9a472fbeea.txt"]
    doc = nlp(text)
    assert any(e.text == "Assad" and e.label_ == "NORP" for e in doc.ents)  # once, among many PERSON tags
    found = extract_entities(doc, segment(text, None))
    assad = next(e for e in found.entities if e.name == "Bashar al-Assad")
    at = text.index("Assad's atrocities")
    assert any(m.start == at and m.kind == "short" for m in assad.mentions)
    assert sum(m.kind == "short" for m in assad.mentions) >= 10  # one, before


def test_spans_point_into_the_text(nlp, sample_texts):
    for text in sample_texts.values():
        found = extract_entities(nlp(text), segment(text, None))
        for e in found.entities:
            for m in e.mentions:
                assert text[m.start:m.end] == m.text
            for d in e.descriptors:
                assert text[d.start:d.end] == d.text
        for r in found.role_mentions:
            assert text[r.start:r.end] == r.text


# -- CLI -----------------------------------------------------------------------------------------------------------
def test_cli_entity_json_and_entities_csv(sample_db):
    from onrecord.cli import main

    runner = CliRunner()
    res = runner.invoke(main, ["entity", "Boris Johnson", "--json", "--db", sample_db])
    assert res.exit_code == 0, res.output
    rec = json.loads(res.output)
    assert {"id", "name", "type", "aliases", "roles", "mentions_by_outlet", "descriptors", "quotes_by",
            "quotes_about"} <= set(rec)
    fs = next(r for r in rec["roles"] if r["role"] == "Foreign Secretary")
    assert fs["from"] == "2016-07-13" and fs["to"] == "2018-07-09" and fs["evidence"][0]["article_id"]
    res = runner.invoke(main, ["entities", "--type", "country", "--format", "csv", "--db", sample_db])
    assert res.exit_code == 0 and "country:iran" in res.output and "person:" not in res.output
    res = runner.invoke(main, ["entity", "Nobody Atall", "--db", sample_db])
    assert res.exit_code == 1 and "no entity named" in res.output


# -- stances point to entities through the article's own clusters (issue 25, second round) -----------------------
def _cluster_of(conn: sqlite3.Connection, aid: str, name: str, start: int, end: int) -> str | None:
    """The entity of the article's person cluster a holder is: the one of its name, else the one whose longest
    mention holds its span (the article's own resolution of it)."""
    row = conn.execute("SELECT entity_id FROM article_entities WHERE article_id = ? AND name = ? AND type = "
                       "'person'", (aid, name)).fetchone() or conn.execute(
        'SELECT e.entity_id FROM entity_mentions m JOIN article_entities e ON e.article_id = m.article_id AND e.n = '
        "m.n WHERE m.article_id = ? AND m.start <= ? AND m.\"end\" >= ? AND e.type = 'person' ORDER BY m.start - "
        'm."end" LIMIT 1', (aid, start, end)).fetchone()
    return row[0] if row else None


def test_a_person_page_counts_every_stance_whose_holder_is_that_persons_cluster(api, sample_db):
    """A stance whose holder the article writes as one of its person's mentions ("the leftie Labour boss" in The
    Sun is Corbyn) is that person's, and the person's stances are exactly those."""
    conn = sqlite3.connect(sample_db)
    rows = conn.execute("SELECT id, article_id, holder, holder_start, holder_end, holder_entity_id FROM stances "
                        "WHERE holder_type = 'person' AND holder_start IS NOT NULL").fetchall()
    expected = {i: _cluster_of(conn, aid, h, s, e) for i, aid, h, s, e, _ in rows}
    assert {i: eid for i, _, _, _, _, eid in rows if expected[i]} == {i: e for i, e in expected.items() if e}
    corbyn = {i for i, e in expected.items() if e == "person:jeremy-corbyn"}
    assert len(corbyn) >= 6
    page = {s.id for s in api.all_stances(holder="person:jeremy-corbyn")}
    assert page == corbyn
    boss = [s for s in api.all_stances(holder="person:jeremy-corbyn") if s.holder == "Labour boss"]
    assert len(boss) == 1 and boss[0].outlet == "The Sun"


def test_a_group_a_name_only_describes_is_not_that_name(api):
    """'High-profile Labour backbenchers' are not the Labour Party, as speaker or as stance holder; a stance
    target that a country only describes ('the UK's enemies', 'forces in Syria') is not that country."""
    labour = api.entity("Labour Party").id
    backbench = [s for s in api.all_stances() if s.holder == "High-profile Labour backbenchers"]
    assert backbench and all(s.holder_id != labour for s in backbench)
    assert all(q.speaker_id != labour for q in api.all_quotes() if q.speaker == "High-profile Labour backbenchers")
    described = [s for s in api.all_stances()
                 if s.target in ("UK’s enemies", "Russian and Assad-regime forces in Syria")]
    assert len(described) == 2 and all(s.target_id is None for s in described)
