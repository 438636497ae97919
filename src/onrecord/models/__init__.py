"""Typed records that flow through the pipeline: ingest -> clean -> analyse -> store -> link -> query.

Every public record type lives here, one module per stage. Every record that points into an article carries
character offsets into ``Article.text``, the article text exactly as decoded at ingest.
"""
from onrecord.models.analysis import Analysis
from onrecord.models.articles import (
    Article,
    ArticleSummary,
    ParsedArticle,
    Segment,
    SegmentKind,
)
from onrecord.models.base import Record, Records
from onrecord.models.browse import EntityRow, Facet, FacetValue
from onrecord.models.entities import (
    ArticleEntities,
    ArticleEntity,
    Correction,
    Descriptor,
    DescriptorRecord,
    EntityDetail,
    EntityMention,
    EntitySummary,
    EntityType,
    HeldRole,
    KBRole,
    NameMatch,
    RoleAssertion,
    RoleEvidence,
    RoleMention,
)
from onrecord.models.ingest import KEEP_EVENTS, Event, IngestReport, Overrides
from onrecord.models.quotes import (
    UNKNOWN_SPEAKER,
    Quote,
    QuoteKind,
    QuoteRecord,
    ReportRecord,
    SearchHit,
    SpeakerType,
    StatementRecord,
    undetermined,
    written_speaker,
)
from onrecord.models.stances import (
    OUTLET,
    UNKNOWN_OUTLET,
    ClaimGroupPage,
    ClaimGroupShown,
    ContradictionRecord,
    PositionChangeRecord,
    Stance,
    StanceRecord,
    TimelineEntry,
)
from onrecord.models.tone import TONE_LABELS, Tone, ToneEvidence, ToneGroup, ToneLabel, ToneMention, ToneRecord

__all__ = [
    "Analysis", "Article", "ArticleEntities", "ArticleEntity", "ArticleSummary", "ClaimGroupPage", "ClaimGroupShown",
    "ContradictionRecord", "Correction", "Descriptor", "DescriptorRecord", "EntityDetail", "EntityMention",
    "EntitySummary", "EntityType",
    "Event", "HeldRole", "IngestReport", "KBRole", "NameMatch", "KEEP_EVENTS", "OUTLET", "Overrides", "ParsedArticle",
    "Quote", "QuoteKind", "QuoteRecord", "Record", "Records", "ReportRecord", "RoleAssertion", "RoleEvidence",
    "RoleMention", "SearchHit", "Segment", "SegmentKind", "SpeakerType", "Stance", "StanceRecord", "StatementRecord",
    "PositionChangeRecord", "TimelineEntry",
    "TONE_LABELS", "Tone", "ToneEvidence", "ToneGroup", "ToneLabel", "ToneMention", "ToneRecord",
    "UNKNOWN_OUTLET", "UNKNOWN_SPEAKER", "undetermined", "written_speaker", "EntityRow", "Facet", "FacetValue",
]
