"""A stance's structural kind and its confidence, the measured precision of that kind (docs/stances.md,
"Confidence"): features read from the real parse of short texts written for these tests, the calibration table's
shrinkage, and the kind stored with the stance."""
from __future__ import annotations

import pytest

from onrecord import data
from onrecord.analyse.attribution.quotes import extract_quotes
from onrecord.analyse.stances import extract_stances
from onrecord.analyse.stances.confidence import FEATURES, calibrated, stance_cut, table
from onrecord.clean import segment


def kinds(nlp, text: str) -> list:
    """Every stance the text gives, with the quotes the pipeline finds first."""
    doc = nlp(text)
    segs = segment(text, None)
    return extract_stances(doc, segs, extract_quotes(doc, segs))


def test_narration_with_the_name_written_is_a_named_holder_in_narration(nlp) -> None:
    [s] = kinds(nlp, "Senator Jane Miller condemned Governor Tom Reed on Friday.")
    f = s.features
    assert set(f) == set(FEATURES)
    assert (f["finder"], f["label"], f["holder"], f["voice"]) == ("cue", "attack", "name", "narration")
    assert (f["target"], f["target_dep"], f["place"], f["marks"]) == ("entity", "object", "lead", "plain")
    assert s.confidence == round(calibrated(data.stance_confidence_model(), f), 3)


def test_a_pronoun_holder_and_a_later_sentence_are_kinds_of_their_own(nlp) -> None:
    text = ("Senator Jane Miller spoke in Dover on Friday. The crowd was large. The hall was full. "
            "She condemned Governor Tom Reed for the cuts.")
    [s] = [s for s in kinds(nlp, text) if s.label == "condemn"]
    assert s.holder == "Jane Miller"
    assert (s.features["holder"], s.features["place"]) == ("pronoun", "body")


def test_a_quote_and_a_writers_characterisation_are_different_voices(nlp) -> None:
    quoted = kinds(nlp, '"I condemn Governor Tom Reed for these cuts," Senator Jane Miller said on Friday.')
    assert any(s.holder == "Jane Miller" and s.features["voice"] == "quote" for s in quoted)
    told = kinds(nlp, "Senator Jane Miller refused to blame Governor Tom Reed for the cuts.")
    assert [(s.negated, s.features["voice"], s.features["marks"]) for s in told
            if s.holder == "Jane Miller"] == [(True, "outlet", "negated")]


def test_the_table_shrinks_a_rare_kind_toward_its_parent() -> None:
    rows = [{"holder": "name", "voice": "quote"}] * 10 + [{"holder": "name", "voice": "outlet"}] * 2 + \
        [{"holder": "pronoun", "voice": "quote"}] * 4
    ok = [True] * 9 + [False] + [False, False] + [True, False, False, False]
    tab = table(rows, ok, [("holder",), ("holder", "voice")], 4.0)
    assert tab["global"] == [16, 10] and tab["kinds"]["holder"]["name"] == [12, 9]
    glob = 10 / 16
    name = (9 + 4 * glob) / (12 + 4)
    assert calibrated(tab, {"holder": "name", "voice": "quote"}) == pytest.approx((9 + 4 * name) / (10 + 4))
    assert calibrated(tab, {"holder": "name", "voice": "outlet"}) == pytest.approx(4 * name / (2 + 4))
    assert calibrated(tab, {"holder": "name", "voice": "speaker"}) == pytest.approx(name)  # never seen: the parent
    assert calibrated(tab, {"holder": "role", "voice": "quote"}) == pytest.approx(glob)


def test_the_shipped_table_puts_the_cut_between_kinds() -> None:
    tab = data.stance_confidence_model()
    finest = tab["kinds"]["+".join(tab["levels"][-1])]
    scores = [calibrated(tab, dict(zip(tab["levels"][-1], k.split("|"), strict=True))) for k in finest]
    assert min(scores) < stance_cut() <= max(scores)  # some kinds shown, some hidden


def test_a_stored_stance_keeps_its_kind(tmp_path) -> None:
    import onrecord

    db = tmp_path / "k.db"
    onrecord.ingest_articles([{"text": "Senator Jane Miller condemned Governor Tom Reed on Friday.\n",
                               "outlet": "Daily Test", "date": "2020-01-03", "source": "k.txt"}], db)
    with onrecord.open(db, readonly=True) as api:
        [s] = api.all_stances()
    assert s.features is not None and s.features["voice"] == "narration"
    assert s.confidence == round(calibrated(data.stance_confidence_model(), s.features), 3)


def test_eval_stances_at_a_confidence_scores_only_the_stances_that_sure(tmp_path) -> None:
    import json

    import onrecord

    db = tmp_path / "e.db"
    onrecord.ingest_articles([{"text": "Senator Jane Miller condemned Governor Tom Reed on Friday. "
                                       "She praised Mayor Ann Cole for the new park.\n",
                               "outlet": "Daily Test", "date": "2020-01-03", "source": "e.txt"}], db)
    with onrecord.open(db, readonly=True) as api:
        found = api.all_stances()
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"doc": "e.txt", "cue_span": s.cue_span, "holder": s.holder, "label": s.label,
                                        "negated": s.negated, "target": s.target, "ok": True}) + "\n"
                            for s in found), encoding="utf-8")
    scores = sorted(s.confidence for s in found)
    assert len(scores) == 2 and scores[0] < scores[1]  # a named holder in narration, then a pronoun
    assert onrecord.evaluate_stances(gold, db)["judged"] == 2
    assert onrecord.evaluate_stances(gold, db, min_confidence=scores[1])["judged"] == 1
    assert onrecord.evaluate_stances(gold, db, min_confidence=1.0)["judged"] == 0
