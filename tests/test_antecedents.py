"""The speaker antecedent ranker (analyse/attribution/antecedents.py) on short texts (real model)."""
from __future__ import annotations

from onrecord import data
from onrecord.analyse.attribution.antecedents import WINDOW, candidates, rank
from onrecord.analyse.attribution.quotes import extract_quotes, speaker_index
from onrecord.clean import segment

TEXT = ("Budget talks stall\n\n"
        "Mayor Anna Lopez met council leader Tom Brown on Monday. Brown said the deal was close.\n\n"
        "Lopez told reporters the city would wait. She said it was not over.\n")


def _token(doc, word):
    return next(t for t in doc if t.text == word)


def test_candidates_are_the_people_before_most_recent_first(nlp):
    doc = nlp(TEXT)
    cands = candidates(speaker_index(doc, segment(TEXT)), _token(doc, "She"))
    assert [c.name for c in cands] == ["Anna Lopez", "Tom Brown"]
    lopez, brown = (set(c.features) for c in cands)
    # Lopez: the subject of the sentence before, in the same paragraph, and the last to speak
    assert {"rank=0", "sd=1", "pd=0", "subj", "spoke", "spoke_last"} <= lopez
    # Brown: one paragraph back (a blank line is one paragraph break, not two), spoke before Lopez
    assert {"rank=1", "pd=1", "spoke"} <= brown and "spoke_last" not in brown
    assert candidates(speaker_index(doc, segment(TEXT)), doc[0]) == []  # nobody before the headline


def test_the_window_holds_at_most_WINDOW_people(nlp):
    names = ["Ann Lee", "Bob Hart", "Cy Moss", "Dee Park", "Ed Vance", "Flo Ross", "Gus Kane", "Hal Dunn",
             "Ida Wolfe", "Jo Quinn"]
    text = "Panel\n\n" + " ".join(f"{n} spoke on Monday." for n in names) + " She said it was over.\n"
    doc = nlp(text)
    cands = candidates(speaker_index(doc, segment(text)), _token(doc, "She"))
    assert len(cands) == WINDOW < len(names)
    assert len({c.name for c in cands}) == WINDOW


def test_rank_is_a_distribution_best_first(nlp):
    doc = nlp(TEXT)
    ranked = rank(speaker_index(doc, segment(TEXT)), _token(doc, "She"))
    assert [n for n, _ in ranked][0] == "Anna Lopez"
    assert abs(sum(p for _, p in ranked) - 1.0) < 1e-9
    assert ranked[0][1] >= ranked[1][1]


def test_a_pronoun_speaker_is_resolved_by_the_ranker(nlp):
    text = TEXT + '\n"We are not giving up," she said.\n'
    quotes = extract_quotes(nlp(text), segment(text), strict=True)
    q = next(q for q in quotes if q.text.startswith("We are not"))
    assert q.speaker == "Anna Lopez" and q.speaker_mention == "she"
    assert text[q.speaker_span[0]:q.speaker_span[1]] == "she"
    assert 0 < q.confidence < 1


def test_the_shipped_ranker_holds_weights_only():
    model = data.speaker_ranker()
    assert model["weights"] and all(isinstance(v, float) for v in model["weights"].values())
    assert "PolNeAR train" in model["trained_on"]
