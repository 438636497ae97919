"""The per-article context the stance finders share, and the stance record's offset shift.

``StanceContext`` carries one article's doc, name index, quotes and body paragraphs (passed explicitly to every
finder, nothing rides on the Doc), and answers where a character sits: in which paragraph, inside which quote,
on which quote's cue.
"""
from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from onrecord.analyse.entities.names import NameIndex
from onrecord.analyse.textcache import doc_text
from onrecord.models import Quote, Stance

Voice = tuple  # (reported_by, reporter_type[, reporter_for])
Holder = tuple[str | None, str, tuple[int, int] | None, str | None]  # (name, type, span, on_behalf_of)


def shift_stance(s: Stance, offset: int, quote_base: int = 0) -> Stance:
    """The stance with its offsets moved by ``offset`` (a window's start) and its quote index by ``quote_base``."""

    def sh(span: tuple[int, int] | None) -> tuple[int, int] | None:
        return (span[0] + offset, span[1] + offset) if span else span

    return dataclasses.replace(
        s, start=s.start + offset, end=s.end + offset, holder_span=sh(s.holder_span), target_span=sh(s.target_span),
        cue_span=sh(s.cue_span), date_span=sh(s.date_span),
        quote_index=None if s.quote_index is None else s.quote_index + quote_base)


def quote_holder(q: Quote) -> Holder:
    """The quote's speaker as a stance holder: the speaker holds what their own words say."""
    return q.speaker, q.speaker_type, q.speaker_span, q.on_behalf_of


TITLES = {"mr": "he", "mrs": "she", "ms": "she", "miss": "she"}  # courtesy titles and the pronoun each implies

@dataclass
class StanceContext:
    """One article as the stance finders see it; ``recent_gov`` is the state last named ("the regime")."""

    doc: Doc
    index: NameIndex
    lead: dict[str, str]
    quotes: list[Quote]
    body: list[tuple[int, int]]
    recent_gov: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.body = sorted(self.body)
        self._starts = [s for s, _ in self.body]
        self._titled: dict[str, set[str]] | None = None
        self._word_pos: dict[str, set[str]] | None = None

    def titled(self) -> dict[str, set[str]]:
        """Surname (lower case) -> the pronouns the article's courtesy titles give it: "Mrs. Clinton" -> {"she"},
        "Mr. Sanders" -> {"he"}; read once per article."""
        if self._titled is None:
            self._titled = {}
            for t in self.doc[:-1]:
                pron = TITLES.get(t.lower_.rstrip("."))
                nxt = self.doc[t.i + 1]
                if pron and nxt.text[:1].isupper() and nxt.is_alpha:
                    last = next((x for x in self.doc[t.i + 1:t.i + 4] if not (x.text[:1].isupper() and x.is_alpha)),
                                None)
                    end = last.i if last is not None else min(len(self.doc), t.i + 4)
                    self._titled.setdefault(self.doc[end - 1].lower_, set()).add(pron)
        return self._titled

    def word_pos(self) -> dict[str, set[str]]:
        """Each word as written -> every part of speech the parse gives it in the article; read once per article."""
        if self._word_pos is None:
            self._word_pos = {}
            for t in self.doc:
                self._word_pos.setdefault(t.text, set()).add(t.pos_)
        return self._word_pos

    def _body_at(self, char: int) -> tuple[int, int] | None:
        k = bisect.bisect_right(self._starts, char) - 1
        return self.body[k] if k >= 0 and char < self.body[k][1] else None

    def para(self, char: int) -> int:
        """The number of the body paragraph holding the character (-1 in furniture)."""
        k = bisect.bisect_right(self._starts, char) - 1
        return k if k >= 0 and char < self.body[k][1] else -1

    def same_para(self, a: Token, b: Token) -> bool:
        """Both tokens sit in the same paragraph: spaCy's sentences may run across paragraphs, relations may not."""
        return self.para(a.idx) == self.para(b.idx)

    def in_body(self, char: int) -> bool:
        """The character is in the body or headline, not in page furniture."""
        return self._body_at(char) is not None

    def seg(self, char: int) -> tuple[int, int]:
        """The body paragraph holding the character (the whole text when none does)."""
        return self._body_at(char) or (0, len(doc_text(self.doc)))

    def clip(self, span: tuple[int, int] | None, at: int | None = None) -> tuple[int, int] | None:
        """A span cut to the paragraph of ``at`` (default: its start): spaCy sentences may run across paragraphs."""
        if span is None:
            return None
        s, e = self.seg(span[0] if at is None else at)
        lo, hi = max(span[0], s), min(span[1], e)
        return (lo, hi) if lo < hi else span

    def quote_at(self, char: int) -> int | None:
        """Index of the quote whose content holds this character (direct/partial/mixed marks or indirect clause);
        the shortest when quotes nest."""
        best = None
        for k, q in enumerate(self.quotes):
            if q.method == "learned":  # a classifier's guess is not evidence of whose words these are
                continue
            spans = q.spans or [(q.start, q.end)]
            if q.clause_span:
                spans = [*spans, q.clause_span]
            if any(s <= char < e for s, e in spans) and (
                    best is None or (q.end - q.start) < (self.quotes[best].end - self.quotes[best].start)):
                best = k
        return best

    def quote_around(self, char: int) -> Quote | None:
        """The quote whose content holds this character, if any (see ``quote_at``)."""
        k = self.quote_at(char)
        return self.quotes[k] if k is not None else None

    def cue_quote(self, t: Token) -> int | None:
        """Index of the quote whose reporting cue is this token (the first such quote)."""
        for k, q in enumerate(self.quotes):
            if q.method != "learned" and q.cue_span and q.cue_span[0] <= t.idx < q.cue_span[1]:
                return k
        return None
