"""The five bundled sample articles against tests/fixtures/seed_quotes.jsonl.

Floors are the measured values, kept with the other accuracy floors in tests/eval_baseline.json (see
test_eval_gate.py); they may only go up."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from onrecord.analyse.attribution.quotes import extract_quotes
from onrecord.clean import segment
from onrecord.evaluate import quote_rows, score_quotes

FLOORS = json.loads((Path(__file__).parent / "eval_baseline.json").read_text(encoding="utf-8"))["quotes"]


@pytest.fixture(scope="module")
def sample_scores(nlp, sample_texts, seed_gold):
    rows = []
    for name, text in sample_texts.items():
        rows += quote_rows(name, extract_quotes(nlp(text), segment(text)))
    return score_quotes(seed_gold, rows, details=True)


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_sample_gold_floor(sample_scores, metric):
    assert sample_scores[metric] >= FLOORS[metric], (
        f"{metric} fell to {sample_scores[metric]}: misses={sample_scores['misses']} "
        f"spurious={sample_scores['spurious']} wrong={sample_scores['wrong']}")


def test_every_sample_quote_is_inside_its_text(nlp, sample_texts):
    for text in sample_texts.values():
        for q in extract_quotes(nlp(text), segment(text)):
            assert 0 <= q.start < q.end <= len(text) and text[q.start:q.end] == q.text
            for s, e in [*(q.spans or []), *(x for x in (q.speaker_span, q.cue_span, q.clause_span) if x)]:
                assert 0 <= s <= e <= len(text)
            assert 0.0 <= q.confidence <= 1.0
