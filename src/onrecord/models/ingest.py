"""The ingest run: user overrides of article metadata, and the outcome of every input."""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from onrecord.models.articles import ParsedArticle

KEEP_EVENTS = 10_000  # events kept in memory for the report; all of them are in the store's ingest_events


@dataclass
class Event:
    """One outcome of an ingest run, for progress display and the run record."""

    source: str
    status: str  # ingested | duplicate | failed | skipped
    reason: str | None = None  # why; for an ingested article, what the reader repaired (a warning)
    article_id: str | None = None


@dataclass
class IngestReport:
    """Counts of every outcome; the first KEEP_EVENTS events themselves (the store keeps them all)."""

    run_id: int
    files_seen: int = 0
    events: list[Event] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, ev: Event) -> None:
        self.counts[ev.status] += 1
        if len(self.events) < KEEP_EVENTS or ev.status == "failed" and len(self.events) < 2 * KEEP_EVENTS:
            self.events.append(ev)

    def count(self, status: str) -> int:
        return self.counts[status]

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0


@dataclass
class Overrides:
    """Metadata given by the user: flags apply to every article, the manifest per file name; ``warnings`` say
    what was repaired in the flags' values (a manifest row's own repairs are in its "warnings")."""

    outlet: str | None = None
    date: str | None = None
    manifest: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def apply(self, parsed: ParsedArticle, path: str) -> None:
        """Set the article's metadata from its manifest row, then the flags, with a warning for each repair."""
        entry = self.manifest.get(path) or self.manifest.get(os.path.basename(path)) or {}
        for key in ("outlet", "date", "title", "url"):
            if entry.get(key):
                setattr(parsed, key, entry[key])
        parsed.warnings.extend(entry.get("warnings") or ())
        if self.outlet:
            parsed.outlet = self.outlet
        if self.date:
            parsed.date = self.date
        parsed.warnings.extend(self.warnings)
