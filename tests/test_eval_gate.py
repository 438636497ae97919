"""Accuracy gate: quotes, stances and entities on the five sample articles against their gold files, each
score held above a floor in tests/eval_baseline.json (set at the measured score; floors only go up).

Gold: tests/fixtures/seed_quotes.jsonl (quotations: span F1, speaker accuracy), seed_stances.jsonl (stances:
precision and recall, by holder, label family, target and evidence), seed_entities.jsonl (in-article
entities with the forms the text names them by; cross-article facts: spellings linked, roles on a date).
When an improvement lifts a score, raise its floor in the same change (the failure message of a drop lists
the misses; ``python -m pytest tests/test_eval_gate.py -s`` prints every score).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import EXAMPLES, FIXTURES

import onrecord
from onrecord.analyse.attribution.quotes import extract_quotes
from onrecord.analyse.entities.mentions import extract_entities
from onrecord.analyse.entities.names import clean_person_name
from onrecord.analyse.entities.roles import name_key
from onrecord.analyse.stances.targets import surname_key
from onrecord.clean import segment
from onrecord.evaluate import load_jsonl, quote_rows, score_quotes
from onrecord.models import ArticleEntities, Overrides
from onrecord.pipeline import ingest, load_manifest
from onrecord.store import Store

BASELINE = Path(__file__).resolve().parent / "eval_baseline.json"
FAMILIES = [{"condemn", "criticise"}, {"urge", "demand"}, {"support", "praise", "defend"}, {"warn", "threaten"}]


@pytest.fixture(scope="module")
def docs(nlp, sample_texts):
    return {name: (nlp(text), segment(text)) for name, text in sample_texts.items()}


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """The sample ingested by the real pipeline (parse, analyse, store, link) with its outlets and dates."""
    path = str(tmp_path_factory.mktemp("gate") / "sample.db")
    with Store(path) as store:
        report = ingest([str(EXAMPLES)], store, workers=1,
                        overrides=Overrides(manifest=load_manifest(str(EXAMPLES / "manifest.jsonl"))))
    assert report.count("ingested") == 5, report.events
    with onrecord.open(path) as db:
        yield db


# -- quotes ----------------------------------------------------------------------------------------------------
def score_quote_gold(docs) -> tuple[dict[str, float], str]:
    rows = []
    for name, (doc, segs) in docs.items():
        rows += quote_rows(name, extract_quotes(doc, segs))
    s = score_quotes(load_jsonl(FIXTURES / "seed_quotes.jsonl"), rows, details=True)
    return ({k: s[k] for k in ("span_f1", "speaker_acc", "e2e_f1")},
            f"misses={s['misses']} spurious={s['spurious']} wrong={s['wrong']}")


# -- stances ---------------------------------------------------------------------------------------------------
def _family(label: str) -> set[str]:
    return next((f for f in FAMILIES if label in f), {label})


def _same_name(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    a_, b_ = a.lower().replace("’", "'"), b.lower().replace("’", "'")
    return a_ in b_ or b_ in a_ or surname_key(a) == surname_key(b)


def score_stance_gold(api, texts: dict[str, str]) -> tuple[dict[str, float], str]:
    """Precision: stored stances with a target that match a gold stance; recall: gold stances matched."""
    gold = load_jsonl(FIXTURES / "seed_stances.jsonl")
    rows = api.conn.execute("SELECT s.*, a.source AS article_source FROM stances s JOIN articles a "
                            "ON a.id = s.article_id WHERE s.target IS NOT NULL").fetchall()

    def match(r, g) -> bool:
        if Path(r["article_source"]).name != g["file"]:
            return False
        s = texts[g["file"]].find(g["evidence"])
        e = s + len(g["evidence"])
        keys = set(json.loads(r["target_keys"] or "[]"))
        return (r["start"] < e and s < r["end"] and _same_name(r["holder"], g["holder"])
                and r["label"] in _family(g["label"])
                and (_same_name(r["target"], g["target"]) or bool(keys & set(g.get("target_keys", [])))))

    tp = sum(any(match(r, g) for g in gold) for r in rows)
    missed = [g for g in gold if not any(match(r, g) for r in rows)]
    scores = {"precision": tp / max(len(rows), 1), "recall": (len(gold) - len(missed)) / max(len(gold), 1)}
    return scores, "missed: " + "; ".join(f"{g['holder']} {g['label']} {g['target']}" for g in missed)


# -- entities --------------------------------------------------------------------------------------------------
def form_key(text: str, person: bool) -> str:
    """How a written form is compared: case, "the", a leading possessor ("Iran's Quds Force"), a trailing
    possessive and, for people, titles ("Mr Corbyn", "President Trump") folded away."""
    t = " ".join(text.replace("’", "'").split())
    t = re.sub(r"^(the|The|THE)\s+", "", t)
    t = re.sub(r"^[A-Z][\w.-]*'s\s+", "", t)
    t = re.sub(r"'s?$", "", t)
    return " ".join((clean_person_name(t) if person else t).lower().split())


def score_entity_gold(found: dict[str, ArticleEntities], api) -> tuple[dict[str, float], str]:
    """entity_recall: gold entities that have a cluster of their type; form_recall: the forms the text names
    them by that are in that cluster; person_precision: person clusters that are a gold person; linked: the
    cross-article facts that hold in the store."""
    gold = load_jsonl(FIXTURES / "seed_entities.jsonl")
    found_n = forms_n = forms_total = 0
    notes: list[str] = []
    for g in (x for x in gold if x["kind"] == "entity"):
        person = g["type"] == "person"
        want = {form_key(f, person) for f in g["forms"]}
        cands = [e for e in found[g["file"]].entities if e.type == g["type"]]
        best, got = None, set()
        for e in cands:
            have = {form_key(m.text, person) for m in e.mentions} & want
            named = name_key(e.name) == name_key(g["name"]) or person and surname_key(e.name) == surname_key(g["name"])
            if len(have) > len(got) or best is None and named:
                best, got = e, have
        forms_total += len(want)
        forms_n += len(got)
        found_n += best is not None
        if best is None or got != want:
            notes.append(f"{g['file'][:3]} {g['name']}: missing {sorted(want - got)}")
    entities = [g for g in gold if g["kind"] == "entity"]
    gold_people = {(g["file"], surname_key(g["name"])) for g in entities if g["type"] == "person"}
    people = [(f, e) for f, a in found.items() for e in a.entities if e.type == "person"]
    wrong = [e.name for f, e in people if (f, surname_key(e.name)) not in gold_people]
    if wrong:
        notes.append(f"not people of the gold: {wrong}")
    facts = [g for g in gold if g["kind"] != "entity"]
    held = 0
    for g in facts:
        ok = _fact_holds(api, g)
        held += ok
        if not ok:
            notes.append(f"fact does not hold: {g}")
    scores = {"entity_recall": found_n / len(entities), "form_recall": forms_n / forms_total,
              "person_precision": (len(people) - len(wrong)) / max(len(people), 1), "linked": held / len(facts)}
    return scores, "; ".join(notes)


def _fact_holds(api, g: dict) -> bool:
    try:
        if g["kind"] == "same":
            return len({i for n in g["names"] for i in api.entity_ids(n)}) == 1
        ent = api.entity(g["name"])
    except onrecord.OnrecordError:
        return False
    if g["kind"] == "not_role":
        return g["role"] not in ent.roles_at(g["date"])
    if g["role"] not in ent.roles_at(g["date"]):
        return False
    if "evidence" not in g:
        return True
    art = next(a.id for a in api.articles() if a.source.endswith(g["file"]))
    return any(e.article_id == art and e.text.lower() == g["evidence"].lower()
               for r in ent.roles if r.role == g["role"] for e in r.evidence)


# -- the gate --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def measured(docs, api, sample_texts):
    quotes = score_quote_gold(docs)
    stances = score_stance_gold(api, sample_texts)
    entities = score_entity_gold({n: extract_entities(doc, segs) for n, (doc, segs) in docs.items()}, api)
    out = {"quotes": quotes, "stances": stances, "entities": entities}
    print("\n" + json.dumps({k: {m: round(v, 3) for m, v in s.items()} for k, (s, _) in out.items()}, indent=1))
    return out


def floors() -> list[tuple[str, str, float]]:
    base = json.loads(BASELINE.read_text(encoding="utf-8"))
    return [(task, metric, v) for task, ms in base.items() if not task.startswith("_") for metric, v in ms.items()]


@pytest.mark.parametrize(("task", "metric", "floor"), floors())
def test_score_is_above_its_floor(measured, task, metric, floor):
    scores, misses = measured[task]
    assert scores[metric] >= floor, f"{task} {metric} fell to {scores[metric]:.3f} (floor {floor}): {misses}"


def test_every_score_has_a_floor(measured):
    gated = {(task, metric) for task, metric, _ in floors()}
    assert gated == {(task, m) for task, (scores, _) in measured.items() for m in scores}
    assert all(0.0 < v <= 1.0 for _, _, v in floors())


def test_entity_gold_is_well_formed(sample_texts):
    for g in load_jsonl(FIXTURES / "seed_entities.jsonl"):
        assert g["kind"] in ("entity", "same", "role", "not_role"), g
        if g["kind"] == "entity":
            text = sample_texts[g["file"]].replace("’", "'")
            assert g["type"] in ("person", "organisation", "country", "group")
            assert all(f in text for f in g["forms"]), g
        if g.get("evidence"):
            assert g["evidence"] in sample_texts[g["file"]], g
