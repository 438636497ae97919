"""The shipped tone model on sentences written for these tests, its scorer, `onrecord eval tone`, and the
NewsMTSC dev floors (skipped where ../shared is absent)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import onrecord
from onrecord.cli import main
from onrecord.errors import BadParameter
from onrecord.evaluate import score_tone

NEWSMTSC = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "newsmtsc"
# (sentence, mention, tone): clear cases written for these tests, none from NewsMTSC
CLEAR = [
    ("Critics called Halvorsen a liar and a disgrace who has betrayed the voters who trusted him.", "Halvorsen",
     "negative"),
    ("Halvorsen has no idea what he is doing, and his failed policies have been a disaster for working families.",
     "Halvorsen", "negative"),
    ("Halvorsen, a brilliant and widely admired leader, won praise for her courage and honesty.", "Halvorsen",
     "positive"),
    ("Supporters hailed Halvorsen as a hero who has done a wonderful job for the country.", "Halvorsen",
     "positive"),
]
POLARITY = {"negative": -1, "neutral": 0, "positive": 1}


def _at(sentence: str, mention: str) -> tuple[int, int]:
    i = sentence.index(mention)
    return i, i + len(mention)


@pytest.mark.parametrize(("sentence", "mention", "want"), CLEAR)
def test_clear_tone(sentence: str, mention: str, want: str) -> None:
    got = onrecord.tone(sentence, *_at(sentence, mention))
    assert got.label == want
    assert (got.score < 0) == (want == "negative")


def test_tone_record_is_consistent() -> None:
    sentence, mention, _ = CLEAR[2]
    start, end = _at(sentence, mention)
    t = onrecord.tone(sentence, start, end)
    assert (t.start, t.end) == (start, end)
    assert t.negative + t.neutral + t.positive == pytest.approx(1.0, abs=1e-3)
    assert t.score == pytest.approx(t.positive - t.negative, abs=1e-3)
    assert t.label == max(("negative", "neutral", "positive"), key=lambda k: getattr(t, k))
    assert t.to_dict()["label"] == t.label


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (0, 10_000)])
def test_offsets_outside_the_sentence_are_refused(start: int, end: int) -> None:
    with pytest.raises(BadParameter, match="not inside the sentence"):
        onrecord.tone("Halvorsen spoke.", start, end)


def test_score_tone_by_hand() -> None:
    gold = ["negative", "negative", "neutral", "positive"]
    pred = ["negative", "neutral", "neutral", "negative"]
    # F1: negative 2*1/(2+2)=0.5, neutral 2*1/(2+1)=0.667, positive 0 -> macro 0.3889; accuracy 2/4
    assert score_tone(gold, pred) == {"f1_macro": 0.3889, "accuracy": 0.5, "n": 4}
    with pytest.raises(ValueError):
        score_tone(gold, pred[:3])


def test_eval_tone_cli(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    with gold.open("w", encoding="utf-8") as f:
        for sentence, mention, want in CLEAR:
            start, end = _at(sentence, mention)
            f.write(json.dumps({"sentence": sentence, "mention": mention, "from": start, "to": end,
                                "polarity": POLARITY[want]}) + "\n")
    res = CliRunner().invoke(main, ["eval", "tone", "--gold", str(gold), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == {"f1_macro": 0.6667, "accuracy": 1.0, "n": 4}  # no neutral: its F1 is 0
    plain = CliRunner().invoke(main, ["eval", "tone", "--gold", str(gold)])
    assert plain.output.strip() == "f1_macro=0.6667 accuracy=1.0 n=4"


def test_eval_tone_names_the_bad_line(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"sentence": "Halvorsen spoke.", "from": 0, "to": 9, "polarity": 0}\n{"sentence": "x"}\n',
                    encoding="utf-8")
    res = CliRunner().invoke(main, ["eval", "tone", "--gold", str(gold)])
    assert res.exit_code != 0
    assert "line 2" in res.output


@pytest.mark.skipif(not NEWSMTSC.exists(), reason="needs ../shared/corpus/newsmtsc")
@pytest.mark.parametrize(("split", "floor"), [("rw", 0.67), ("mt", 0.65)])  # measured 0.672 and 0.659
def test_newsmtsc_dev_floor(split: str, floor: float) -> None:
    res = onrecord.evaluate_tone(NEWSMTSC / split / "dev.jsonl")
    assert res["f1_macro"] >= floor
