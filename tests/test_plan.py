"""The parse plan: which sentences the full pipeline parses, and that skipping the rest loses no quotation."""
from __future__ import annotations

import itertools
from pathlib import Path

from onrecord.analyse import analyse_texts, tokenised
from onrecord.analyse.plan import forms, needs_parse, plan, sentences, trigger_words
from onrecord.models import ParsedArticle
from onrecord.pipeline import prepare

ARTICLES = sorted((Path(__file__).parent.parent / "examples" / "articles").glob("*.txt"))


def test_sentences_do_not_end_at_titles_initials_or_abbreviated_months() -> None:
    text = "Rep. G.K. Butterfield (D-N.C.) spoke on Sept. 4 in Washington. Mr. Obama left. It rained."
    cuts = [text[s:e].strip() for s, e in sentences(text, 0, len(text))]
    assert cuts == ["Rep. G.K. Butterfield (D-N.C.) spoke on Sept. 4 in Washington.", "Mr. Obama left.", "It rained."]


def test_triggers_are_quotation_marks_colons_and_every_form_of_a_cue() -> None:
    assert {"said", "says", "saying", "told", "warned", "accused", "criticised", "criticized", "condemnation",
            "according", "admitted", "slammed"} <= trigger_words()
    assert "go" in forms("go") and "went" in forms("go") and "denied" in forms("deny")
    assert needs_parse("“We will win,” he added.") and needs_parse("Trump: I will win")
    assert needs_parse("The minister denied it.") and needs_parse("It was, according to aides, a mistake.")
    assert needs_parse("'We are ready' was the message.")
    assert not needs_parse("The vote is on Tuesday.") and not needs_parse("Labour's plan won't work.")


def test_runs_cover_the_text_and_reach_back_to_a_pronouns_antecedent() -> None:
    text = ("Corbyn visits Leeds\n\nJeremy Corbyn visited Leeds on Monday. The weather was bad.\n\n"
            "Polls open at seven.\n\nHe said: “We will win.”\n")
    segs, _ = prepare(ParsedArticle(text=text, source="t.txt"))
    runs = plan(text, segs)
    assert runs[0][0] == 0 and runs[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(runs))
    parsed = "".join(text[s:e] for s, e, flag in runs if flag)
    assert "He said" in parsed and "Jeremy Corbyn visited" in parsed  # the antecedent, three sentences back
    assert "Corbyn visits Leeds" not in parsed  # a headline with no cue


def test_a_tokenised_piece_keeps_its_sentences_and_has_no_clauses(nlp) -> None:
    doc = tokenised(nlp, "The weather was bad. It rained in London.\n\nNext paragraph here.")
    assert [s.text.strip() for s in doc.sents] == ["The weather was bad.", "It rained in London.",
                                                   "Next paragraph here."]
    assert {t.dep_ for t in doc} == {"ROOT", "dep"} and not doc.ents


def test_selective_parsing_finds_the_same_quotations_on_the_sample(nlp) -> None:
    items = []
    for path in ARTICLES:
        text = path.read_text(encoding="utf-8")
        items.append((text, prepare(ParsedArticle(text=text, source=path.name))[0]))
    fast = [[(q.start, q.end, q.speaker, q.kind) for q in a.quotes] for a in analyse_texts(nlp, items, selective=True)]
    full = [[(q.start, q.end, q.speaker, q.kind) for q in a.quotes]
            for a in analyse_texts(nlp, items, selective=False)]
    assert fast == full
