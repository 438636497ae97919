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
    assert set(model["routes"]) <= set(ROUTES)
    assert set(model["thresholds"]) == set(ROUTES)
    assert all(0.0 <= t <= 1.0 for t in model["thresholds"].values())
    assert {"bias", "spoke_last", "rule_pick", "para0", "type_name"} <= set(model["weights"])


def test_a_quote_inside_a_paragraph_goes_to_the_best_candidate_or_nobody(nlp: Any) -> None:
    model = {**load_model(), "routes": ["inside"]}
    # with any score enough, the best candidate speaks: "She", resolved to the mayor
    assert quotes_of(nlp, INSIDE, Ranker(model, threshold=0.0))[0][1] == "Ruth Calloway"
    # below the threshold the text does not settle who speaks: nobody is named
    assert quotes_of(nlp, INSIDE, Ranker(model, threshold=1.0))[0][1] is None
    # the rules alone name nobody for it
    assert quotes_of(nlp, INSIDE, Ranker(None))[0][1] is None


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
    return {"route": route, "i": i, "rule_right": None, "paired": True,
            "cands": [{"name": "A", "label": 1, "features": {"bias": 1.0, "x": good}},
                      {"name": "B", "label": 0, "features": {"bias": 1.0, "x": bad}}]}


def test_fit_is_deterministic_and_learns_the_feature_that_marks_the_speaker() -> None:
    ctxs = [_ctx("inside", 1.0 + (k % 3) / 3, (k % 4) / 4, k) for k in range(40)]
    ctxs += [_ctx("inside", 0.2, 0.9, 40 + k) for k in range(4)]  # a few where the feature misleads
    first, second = fit(ctxs, 1.0), fit(ctxs, 1.0)
    assert first == second
    assert first["weights"]["x"] > 0
    assert choose(ctxs[0], first)[1]["name"] == "A"
    counts = judge(ctxs, first)["inside"]
    assert counts["n"] == 44 and counts["rank_right"] + counts["rank_wrong"] <= 44
    # the threshold (right - 2 x wrong) leaves the misleading contexts unnamed rather than wrong
    assert counts["rank_wrong"] == 0 and counts["rank_right"] >= 20
