"""Set T, the speaker training gold (tests/fixtures/speaker_train/), is well formed and shares no article with
another gold; the speaker calibration fitted on it (data/speaker_confidence.json) is a valid step map. Needs
neither ../shared nor the spaCy model."""
from __future__ import annotations

import json
import re

from conftest import FIXTURES

from onrecord.analyse.attribution.speakers import calibrated, calibration, confidence

TRAIN = FIXTURES / "speaker_train"
TYPES = {"person", "organisation", "group", "spokesperson", "unknown"}
KINDS = {"direct", "partial", "multi-paragraph"}


def test_set_t_is_well_formed_and_holds_no_text():
    arts = json.loads((TRAIN / "articles.json").read_text(encoding="utf-8"))
    docs = {a["doc"] for a in arts}
    rows = [json.loads(line) for line in (TRAIN / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line]
    assert len(docs) == len(arts) >= 20
    assert sum(1 for r in rows if r.get("note") != "optional") >= 150
    seen = set()
    for r in rows:
        assert "text" not in r and r["doc"] in docs and 0 <= r["start"] < r["end"], r
        assert r["speaker_type"] in TYPES and r["kind"] in KINDS and r.get("note") in (None, "optional"), r
        assert (r["speaker"] == "unknown") == (r["speaker_type"] == "unknown"), r
        assert r["speaker_type"] != "spokesperson" or r.get("on_behalf_of"), r
        assert (r["doc"], r["start"]) not in seen, r
        seen.add((r["doc"], r["start"]))


# golds that are themselves read for errors: sharing an article with them reveals nothing held back
# (draws.json names the texts of stance sets D and E, both read for errors)
READ_FOR_ERRORS = {"speaker_train", "set_a.jsonl", "set_c.jsonl", "set_d.jsonl", "set_e.jsonl", "draws.json"}


def test_set_t_shares_no_article_with_a_gold_read_as_numbers():
    ids = {d.removesuffix(".txt") for d in
           (a["doc"] for a in json.loads((TRAIN / "articles.json").read_text(encoding="utf-8")))}
    for p in FIXTURES.rglob("*"):
        if p.is_file() and not READ_FOR_ERRORS & set(p.parts):
            text = p.read_text(encoding="utf-8")
            assert not [i for i in ids if re.search(re.escape(i), text)], p


def test_calibration_steps_are_monotone_shares():
    table = calibration()
    assert table, "data/speaker_confidence.json holds the calibration"
    for how, steps in table.items():
        uptos = [u for u, _ in steps]
        shares = [s for _, s in steps]
        assert uptos == sorted(uptos) and uptos[-1] == 1.0, how
        assert shares == sorted(shares) and all(0.0 < s < 1.0 for s in shares), how
        assert calibrated(how, 0.0) == shares[0] and calibrated(how, 1.0) == shares[-1]


def test_unnamed_speaker_stays_capped_and_unknown_method_keeps_its_score():
    assert confidence("outro", 0.95, None, marked=True) <= 0.2
    assert calibrated("no such method", 0.42) == 0.42
