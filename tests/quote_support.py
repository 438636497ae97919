"""Helpers shared by the cue tests: an invented article around a body, its quotes by the real pipeline, one of them."""
from __future__ import annotations

from typing import Any

from onrecord.analyse.attribution.quotes import extract_quotes
from onrecord.clean import segment
from onrecord.models import Quote

HEAD = "Council approves new budget\n\nMayor Anna Lopez met the unions on Monday.\n\n"


def run(nlp: Any, body: str) -> tuple[str, list[Quote]]:
    """The article (a headline and a lead before ``body``) and the quotes the pipeline finds in it."""
    text = HEAD + body + "\n"
    return text, extract_quotes(nlp(text), segment(text))


def quote(quotes: list[Quote], fragment: str) -> Quote:
    """The first quote holding ``fragment``; fails the test, listing what was found, when none does."""
    found = [q for q in quotes if fragment in q.text]
    assert found, f"no quotation containing {fragment!r} in {[q.text for q in quotes]}"
    return found[0]
