"""Stances: who takes which position toward whom, from quotes and reporting sentences.

``extract_stances(doc, segments, quotes)`` finds stance cues (verbs such as "condemn", "urge", "side with";
nouns such as "criticism of"; frames such as "branded X a 'dangerous escalation'"; evaluative quoted content
such as "X posed a threat") and returns one ``Stance`` per holder and target, labelled from the inventory in
``data/stance_labels.tsv`` (CAMEO and PLOVER codes). A stance in the writer's own voice that characterises
rather than reports a speech act ("refused to blame", "has a long history of standing up for") is a claim by
the outlet (``reported_by = OUTLET``); a stance inside someone's quote about a third party is that speaker's
claim. Dates are the time the claim speaks about: the expression that modifies the cue, else the one of the clause
that tells the same event (``when``), anchored later on the article's date (analyse.dates).

The work is split by responsibility: ``lexicon`` (label inventory, cue words, evaluative words), ``context``
(the per-article context every finder is passed: doc, name index, quotes, paragraphs), ``clauses`` (a cue's
participants, negation and modality), ``holders`` (holder, voice, record assembly), ``when`` (the time a cue
speaks about), ``cues`` (cue verbs, frames, nominal cues), ``content`` (quoted content) and ``targets`` (targets
and their keys). This module assembles them.
"""
from __future__ import annotations

from spacy.tokens import Doc

from onrecord.analyse.dates import anchor_mention
from onrecord.analyse.entities.names import NameIndex, build_name_index
from onrecord.analyse.stances.clauses import title_case
from onrecord.analyse.stances.confidence import lead_end, stance_confidence, stance_features
from onrecord.analyse.stances.content import act_stances, content_stances, modal_urges
from onrecord.analyse.stances.context import StanceContext, shift_stance
from onrecord.analyse.stances.cues import cue_stances, frame_stances, nominal_stances
from onrecord.analyse.stances.lexicon import LabelInfo, labels
from onrecord.analyse.stances.targets import leaders
from onrecord.analyse.textcache import doc_text
from onrecord.models import OUTLET, Quote, Segment, Stance

__all__ = ["OUTLET", "LabelInfo", "Stance", "extract_stances", "labels", "shift_stance"]


def extract_stances(doc: Doc, segments: list[Segment], quotes: list[Quote],
                    index: NameIndex | None = None) -> list[Stance]:
    """Every stance in an article's body and headline (furniture is skipped), in reading order."""
    skip = [(s.start, s.end) for s in segments if s.kind == "furniture"]
    index = index or build_name_index(doc, skip)
    body = [(s.start, s.end) for s in segments if s.kind != "furniture"] or [(0, len(doc_text(doc)))]
    ctx = StanceContext(doc, index, leaders(doc, index), quotes, body)
    found: list[Stance] = []
    headline = {sent.start for sent in doc.sents if title_case(sent)}
    for t in doc:
        if not ctx.in_body(t.idx) or (headline and t.sent.start in headline):
            continue
        found += cue_stances(ctx, t) or frame_stances(ctx, t) or nominal_stances(ctx, t)
    for k, q in enumerate(quotes):
        if q.kind != "indirect" and ctx.in_body(q.start):
            found += content_stances(ctx, q, k) + modal_urges(ctx, q, k) + act_stances(ctx, q, k)
    seen: set[tuple[object, ...]] = set()
    out = []
    text = doc_text(doc)
    lead = lead_end(doc, body[0][0])
    for s in sorted(found, key=lambda s: (s.start, s.cue_span or (0, 0))):
        key = (s.holder, s.label, s.target, s.cue_span, s.reported_by)
        if namesake_guess(s, index, text):
            continue
        if key not in seen:
            seen.add(key)
            s.features = stance_features(s, doc, lead)
            s.confidence = stance_confidence(s.features)
            out.append(s)
    return out


def namesake_guess(s: Stance, index: NameIndex, text: str) -> bool:
    """A person holder the stance's sentence does not name in full, in an article naming another person of the
    same surname ("Mr. Khan" or "he" with Khizr and Ghazala Khan both in the story): which of them it is was a
    guess, and a guess is no record."""
    if s.holder_type != "person" or not s.holder or len(s.holder.split()) < 2:
        return False
    surname = s.holder.split()[-1].lower()
    namesakes = {n for n in index.full.values() if n != s.holder and len(n.split()) > 1
                 and n.split()[-1].lower() == surname}
    return bool(namesakes) and s.holder.lower() not in text[s.start:s.end].lower()


def stance_date(s: Stance, article_date: str | None) -> str | None:
    """The stance's date: the time expression its cue speaks about (``when.cue_date``), anchored on the article
    date, else the article date."""
    if s.date_text and article_date:
        return anchor_mention(s.date_text, article_date, future=s.future) or article_date
    return article_date


def date_stances(stances: list[Stance], article_date: str | None) -> None:
    """Set every stance's ``date`` (see ``stance_date``) once the article's publication date is known."""
    for s in stances:
        s.date = stance_date(s, article_date)
