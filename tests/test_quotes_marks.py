"""Quote marks typed wrong: a left double mark at a closing position closes the quotation (pure string code)."""
from __future__ import annotations

from onrecord.analyse.attribution.marks import scan_paragraph


def spans(text: str) -> list[str]:
    return [text[m.start:m.end] for m in scan_paragraph(text, 0, len(text))]


def test_a_left_mark_typed_for_a_right_one_closes_the_quotation():
    assert spans("The senator called the plan “reckless“ in a tweet on Sunday.") == ["reckless"]
    assert spans("“It is unusual,“ said Larry Noble. “We will see,” he added.") == ["It is unusual,", "We will see,"]
    assert spans("“Do you want that?“ he asked.") == ["Do you want that?"]


def test_a_left_mark_that_opens_stays_an_opening_mark():
    # nested double marks, and a mark glued to the word it opens, still open
    assert spans("“He said “no” twice,” she recalled.") == ["He said “no” twice,"]
    assert spans("She wrote:“We are done.”") == ["We are done."]
