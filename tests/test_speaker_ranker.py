"""The speaker ranker (analyse/attribution/ranker.py, decided in speakers.decide_ranked): candidates and features
of quotations whose own sentence names nobody, the shipped model's routes and threshold, and the training script's
fit (bench/train_speaker_ranker.py) on invented contexts. Real spaCy parses of invented text; no ../shared."""
from __future__ import annotations

import sys
from typing import Any

from conftest import ROOT

from onrecord.analyse.attribution.quotes import extract_quotes
from onrecord.analyse.attribution.ranker import Ranker, load_model
from onrecord.clean import segment

sys.path.insert(0, str(ROOT / "bench"))
from train_speaker_ranker import ROUTES, choose, fit, judge

HEAD = "Harbour works begin\n\nMayor Ruth Calloway opened the harbour works on Monday."
# a quote inside a paragraph, after a sentence whose verb is no verb of saying
INSIDE = HEAD + " She praised the workers. \"The new quay will be ready by spring and the boats will come back.\"\n"
# a quote, then another in the same paragraph with no cue of its own (the rule carries the speaker)
SAME = (HEAD + "\n\nCalloway praised the workers. \"The new quay will be ready by spring,\" she said. Calloway "
        "thanked the crews. \"They worked through the winter in the cold.\"\n")


def quotes_of(nlp: Any, text: str, ranker: Ranker) -> list[tuple[str, str | None]]:
    return [(q.text, q.speaker) for q in extract_quotes(nlp(text), segment(text), strict=True, ranker=ranker)
            if q.kind != "indirect"]


def test_the_shipped_model_names_its_routes_and_thresholds() -> None:
    model = load_model()
    assert model["routes"] and set(model["routes"]) <= set(model["by_route"]) <= set(ROUTES)
    for route, m in model["by_route"].items():
        assert 0.0 <= m["threshold"] <= 1.0
        assert {"bias", "para0", "type_name", "subj"} <= set(m["weights"])
        assert route not in model["routes"] or "rule_pick" in m["weights"]


def test_the_ranker_invents_no_speaker_where_no_rule_names_one(nlp: Any) -> None:
    model = {**load_model(), "routes": ["inside"]}
    assert "inside" in model["by_route"]
    # the rules name nobody for a quote inside a paragraph whose sentence has no cue; the ranker, however low
    # its threshold, does not put a name on it (the text does not say who speaks)
    assert quotes_of(nlp, INSIDE, Ranker(None))[0][1] is None
    assert quotes_of(nlp, INSIDE, Ranker(model, threshold=0.0))[0][1] is None


def test_where_the_rule_names_someone_the_ranker_decides_above_its_threshold(nlp: Any) -> None:
    model = {**load_model(), "routes": ["same_para"]}
    log: list[dict[str, Any]] = []
    ranked = quotes_of(nlp, SAME, Ranker(model, threshold=0.0, log=log))
    kept = quotes_of(nlp, SAME, Ranker(model, threshold=1.0))  # no score reaches 1.0: the rule's decision stands
    assert kept == quotes_of(nlp, SAME, Ranker(None))
    assert ranked[1][1] == "Ruth Calloway" and log and log[0]["route"] == "same_para"


def test_the_log_holds_each_context_its_route_rule_and_features(nlp: Any) -> None:
    log: list[dict[str, Any]] = []
    found = quotes_of(nlp, SAME, Ranker(None, log=log))
    assert [s for _t, s in found] == ["Ruth Calloway", "Ruth Calloway"]
    assert [x["route"] for x in log] == ["same_para"]
    ctx = log[0]
    assert ctx["rule"]["name"] == "Ruth Calloway" and ctx["rule"]["how"] == "continuation"
    named = [c for c in ctx["cands"] if c["name"] == "Ruth Calloway"]
    assert named and all(c["features"]["rule_pick"] == 1.0 and c["features"]["spoke_last_same"] == 1.0
                         for c in named)
    assert all(c["features"]["route_same_para"] == 1.0 for c in ctx["cands"])
    assert all(sum(k.startswith("para") for k in c["features"]) == 1 for c in ctx["cands"])
    assert {k for c in ctx["cands"] for k in c["features"] if k.startswith("para")} == {"para0", "para1"}
    # every candidate lies before the quotation or after it in its paragraph, never inside quote marks
    text = SAME
    for c in ctx["cands"]:
        s, e = c["span"]
        assert not (ctx["start"] <= s < ctx["end"]) and text[s:e].strip()


def test_routes_outside_the_model_keep_the_rules_decision(nlp: Any) -> None:
    model = {**load_model(), "routes": []}
    assert quotes_of(nlp, SAME, Ranker(model)) == quotes_of(nlp, SAME, Ranker(None))


def _ctx(route: str, good: float, bad: float, i: int) -> dict[str, Any]:
    """An invented context: the right candidate has feature "x" at ``good``, the wrong one at ``bad``."""
    return {"route": route, "i": i, "rule": {"name": "B", "span": [0, 1], "how": "continuation"},
            "rule_right": False, "paired": True,
            "cands": [{"name": "A", "label": 1, "features": {"bias": 1.0, "x": good}},
                      {"name": "B", "label": 0, "features": {"bias": 1.0, "x": bad}}]}


def test_fit_is_deterministic_and_learns_the_feature_that_marks_the_speaker() -> None:
    ctxs = [_ctx("inside", 1.0 + (k % 3) / 3, (k % 4) / 4, k) for k in range(40)]
    ctxs += [_ctx("inside", 0.2, 0.9, 40 + k) for k in range(4)]  # a few where the feature misleads
    first, second = fit(ctxs, 1.0), fit(ctxs, 1.0)
    assert first == second and set(first["by_route"]) == {"inside"}  # other routes have no contexts: no model
    inside = first["by_route"]["inside"]
    assert inside["weights"]["x"] > 0
    assert choose(ctxs[0], inside)[1]["name"] == "A"
    counts = judge(ctxs, first)["inside"]
    assert counts["n"] == 44 and counts["rule_wrong"] == 44  # the invented rule always names the wrong one
    # the ranker decides above its threshold; below it the (wrong) rule stands
    assert counts["rank_right"] + counts["rank_wrong"] == 44 and counts["rank_right"] >= 20
