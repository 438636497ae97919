"""How sure a reported quote is: the measured precision of its structural kind on judged reported quotes.

A false reported quote is the harm (issue 23): with no quote marks to vouch for the words, the record stands on
the cue, the span and the speaker the analysis chose. Every quote that is not direct (reported, "indirect", and
partial ones) gets a few structural features decided from the parse and the record (``reported_features``): how it
was found (a verb of saying, "according to", a "Name:" line in a headline or the body, a fragment in quote marks),
its cue's class in data/cues.txt, how its speaker is written (a name, a role resolved to a name, a pronoun, an
organisation, an unnamed source, none), the content's shape (that-clause, to-infinitive, a question, a fragment,
a bare clause), its length, whether it stands in a transcript ("NAME: ...") paragraph, where the content stands
against its cue, and whether the attribution tagger's CONTENT agrees with it. Its confidence is the precision of
quotes of that kind on the judged sets A and C of tests/fixtures/reported_precision (docs/annotation.md), read
level by level from ``data/reported_confidence.json`` (``bench/reported_precision.py calibrate``), each finer
level's rate shrunk toward the coarser one's where few quotes were judged, as stances do
(``analyse.stances.confidence.calibrated``). Quotes under the reported quotes' cut (``reported_cut``) are stored
and shown only where every record is asked for.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc

from onrecord import data, settings
from onrecord.analyse.attribution.tagged import SPAN_GROUPS, tagged
from onrecord.analyse.stances.confidence import calibrated
from onrecord.analyse.textcache import doc_text
from onrecord.models import Quote

FEATURES = ("finder", "cue", "speaker", "shape", "length", "transcript", "order", "tagger")
PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "his", "her", "their", "its", "our", "my",
                      "him", "them", "who", "whom", "which", "that"})
SAY = frozenset({"say", "tell"})  # the plain verbs of saying, the most frequent cue by far
ASK = frozenset({"ask", "question", "wonder"})  # a question's words are the asker's, often not the subject's
SMALL_WORDS = frozenset({"a", "an", "the", "of", "for", "and", "or", "with", "to", "in", "on", "at", "by", "from"})
TITLE_WORDS = 6  # a fragment in quote marks of at most this many capitalised words names something
DATE_WORDS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
                        "february", "march", "april", "may", "june", "july", "august", "september", "october",
                        "november", "december", "today", "yesterday"})
QUESTION = frozenset({"whether", "what", "why", "how", "who", "when", "where", "if"})
LONG_WORDS = 40
SHORT_WORDS = 6
MIN_IOU = 0.5  # the tagger's CONTENT and the quote are the same words when they overlap this much
# A transcript or Q&A paragraph: a speaker's name in capitals (or "Q"/"A") and a colon at its start.
TRANSCRIPT = re.compile(r"(?:[A-Z][A-Z.'’\- ]{1,40}|Q|A):\s")


def finder(q: Quote) -> str:
    """How the quote was found: "partial" (a fragment in quote marks), "according", "colon_title" or
    "colon_body" (a "Name:" line) or "verb" (a verb or noun of saying and its complement)."""
    if q.kind == "partial":
        return "partial"
    if q.cue == "according to":
        return "according"
    if q.cue == ":":
        return "colon_title" if q.furniture == "headline" else "colon_body"
    return "verb"


def cue_kind(doc: Doc, q: Quote) -> str:
    """The cue's class: "say" (say, tell), else its class in data/cues.txt ("speech", "belief", "frame",
    "stance"), "ask" (ask, question), "according", "colon" or "other" (a noun, or a verb not in the lexicon)."""
    if q.cue in ("according to", ":"):
        return "according" if q.cue == "according to" else "colon"
    span = doc.char_span(*q.cue_span, alignment_mode="expand") if q.cue_span else None
    if span is None or not len(span):
        return "other"
    verbs = [t for t in span if t.pos_ in ("VERB", "AUX")] or list(span)
    lemma = verbs[-1].lemma_.lower()
    if lemma in SAY:
        return "say"
    if lemma in ASK:
        return "ask"
    classes = data.cue_classes().get(lemma, frozenset())
    return next((c for c in data.CUE_CLASSES if c in classes), "other")


def speaker_written(q: Quote) -> str:
    """How the speaker is written and resolved: "none" (no mention), "pronoun", "anonymous" (a mention left
    without a speaker), "unnamed" (an unnamed source credited as written: "officials", "analysts"), "odd" (a
    resolved name that does not look like one: a date word, a digit, a colon, words run together),
    "organisation", "name" (a word of the name written) or "role" (a noun phrase resolved to a name)."""
    mention = (q.speaker_mention or "").strip()
    if not mention and not q.speaker:
        return "none"
    if mention.lower() in PRONOUNS:
        return "pronoun"
    if not q.speaker:
        return "anonymous"
    if not any(w[:1].isupper() for w in q.speaker.split()):
        return "unnamed"
    if not _name_like(q.speaker):
        return "odd"
    if q.speaker_type in ("organisation", "organization", "group", "country"):
        return "organisation"
    words = {w.lower() for w in re.findall(r"[\w’'-]+", q.speaker) if len(w) > 2}
    return "name" if words & {w.lower() for w in re.findall(r"[\w’'-]+", mention)} else "role"


def _name_like(name: str) -> bool:
    """Whether a speaker's name looks like the name of someone who speaks: capitalised words, no date word, no
    digit or colon, no word run into the next ("CarterFlagShareLike", from page furniture)."""
    return not any(w.lower().strip(".,") in DATE_WORDS for w in name.split()) and \
        not re.search(r"[\d:]|[a-z]{3}[A-Z][a-z]", name)


def title_like(text: str, before: str | None = None) -> bool:
    """Whether a fragment in quote marks is a name or a title ("Prison Break", "Neocons For Hillary"): at most
    ``TITLE_WORDS`` words, each capitalised but for short function words (12 of 13 such fragments on sets A and C
    were no one's words; ``quotes.py`` keeps none as a quote). ``before``, the writer's words before the marks:
    capitals tell a title only where the sentence is in lower case (not in a title-case headline, "X Says Crash
    Was An 'Act Of Terror'", nor at a sentence's start, '"No," she replied')."""
    if before is not None and not re.search(r"\b[a-z]{3,}", re.split(r"[.!?:]\s", before)[-1]):
        return False
    words = re.findall(r"[^\W\d_][\w’'-]*", text)
    return 0 < len(words) <= TITLE_WORDS and all(w[0].isupper() or w.lower() in SMALL_WORDS for w in words) \
        and words[0][0].isupper() and not (len(words) > 1 and words[0] == "I")


def shape(doc: Doc, q: Quote) -> str:
    """The content's shape: "fragment" (partial: a title in quote marks is none, ``title_like``), "according",
    "colon", "that", "to" (an infinitive), "question" (whether, what, why ...) or "clause"."""
    f = finder(q)
    if f == "partial":
        return "fragment"
    if f == "according":
        return "according"
    if f.startswith("colon"):
        return "colon"
    first = doc_text(doc)[q.start:q.end].split(maxsplit=1)
    word = first[0].lower() if first else ""
    return "that" if word == "that" else "to" if word == "to" else "question" if word in QUESTION else "clause"


def _iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter / (max(a[1], b[1]) - min(a[0], b[0])) if inter > 0 else 0.0


def tagger_agrees(doc: Doc, q: Quote) -> str:
    """Whether the attribution tagger's CONTENT covers the quote (its clause, for a partial quote): "agree",
    "disagree", or "none" where the tagger did not run."""
    if not tagged(doc):
        return "none"
    span = q.clause_span or (q.start, q.end)
    for s in doc.spans[SPAN_GROUPS["content"]]:
        if _iou(span, (s.start_char, s.end_char)) >= MIN_IOU:
            return "agree"
    return "disagree"


def in_transcript(doc: Doc, q: Quote) -> bool:
    """Whether the quote's paragraph opens as a transcript or Q&A line ("BENENSON: ...")."""
    text = doc_text(doc)
    start = text.rfind("\n", 0, q.start) + 1
    return TRANSCRIPT.match(text, start) is not None and not finder(q).startswith("colon")


def reported_features(doc: Doc, q: Quote) -> dict[str, str]:
    """The structural kind of a quote that is not direct, one value per feature (``FEATURES``)."""
    n = len(doc_text(doc)[q.start:q.end].split())
    cue_at = q.cue_span[0] if q.cue_span else q.start
    return {"finder": finder(q), "cue": cue_kind(doc, q), "speaker": speaker_written(q), "shape": shape(doc, q),
            "length": "short" if n < SHORT_WORDS else "long" if n > LONG_WORDS else "mid",
            "transcript": "yes" if in_transcript(doc, q) else "no",
            "order": "before" if q.start < cue_at else "after", "tagger": tagger_agrees(doc, q)}


def reported_confidence(features: dict[str, str]) -> float:
    """The measured precision of a reported quote's kind (``data/reported_confidence.json``): 0.9 means quotes of
    its kind were right about 9 times in 10 on the judged sets."""
    return round(calibrated(data.reported_confidence_model(), features), 3)


def reported_cut() -> float:
    """The reported quotes' cut (``reported_min_confidence``): a reported quote at least this sure is of a kind
    judged right at least this often; wherever quotes are asked for at a confidence (the web's pages, the
    ``--min-confidence`` option), a reported one must also reach this cut."""
    return float(settings.value("reported_min_confidence"))


def with_confidence(doc: Doc, quotes: list[Quote]) -> list[Quote]:
    """Give each quote that is not direct the measured precision of its kind as its confidence; direct quotes keep
    the speakers' calibration (``speakers.py``)."""
    for q in quotes:
        if q.kind != "direct":
            q.confidence = reported_confidence(reported_features(doc, q))
    return quotes
