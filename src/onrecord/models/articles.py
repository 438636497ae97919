"""Articles and their paragraph segments: what ingest reads, what the store keeps, what lists show."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from onrecord.models.base import Record

SegmentKind = Literal["title", "body", "furniture"]


@dataclass
class ParsedArticle(Record):
    """What a format reader returns before the article is stored (no id yet)."""

    text: str
    source: str
    title: str | None = None
    outlet: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD
    url: str | None = None
    format: str = "text"
    external_id: str | None = None  # an id given by the input (JSONL "id", WARC-Record-ID)
    outlet_raw: str | None = None  # the outlet as the input gave it, before the outlets table named it
    warnings: list[str] = field(default_factory=list)  # what the reader repaired (bytes that were not UTF-8)


@dataclass
class Article(Record):
    """A stored article. ``text`` is the original, never rewritten."""

    id: str
    source: str
    text: str
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    format: str = "text"
    language: str | None = None
    content_hash: str = ""
    external_id: str | None = None
    ingested_at: str | None = None
    outlet_raw: str | None = None  # the outlet as the input gave it ("NYTimes"; "": none); ``outlet`` is its name


@dataclass
class Segment(Record):
    """A paragraph-level span of the original text.

    ``kind`` is "title", "body" or "furniture"; ``furniture`` names the furniture kind
    (caption, credit, gallery_counter, skip_link, related_link, topics, dateline, ...).
    """

    start: int
    end: int
    kind: SegmentKind = "body"
    furniture: str | None = None


@dataclass
class ArticleSummary(Record):
    id: str
    source: str
    outlet: str | None
    date: str | None
    title: str | None
    paragraphs: int
    furniture: int
    quotes: int
    url: str | None = None  # the article's source URL
