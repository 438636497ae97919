"""Everything the analysis stage finds in one article."""
from __future__ import annotations

from dataclasses import dataclass, field

from onrecord.models.entities import ArticleEntities
from onrecord.models.quotes import Quote
from onrecord.models.stances import Stance
from onrecord.models.tone import ToneMention


@dataclass
class Analysis:
    """Everything the analysis stage found in one article."""

    quotes: list[Quote] = field(default_factory=list)
    entities: ArticleEntities | None = None  # in-article clusters, mentions, roles and descriptors
    stances: list[Stance] = field(default_factory=list)
    tones: list[ToneMention] = field(default_factory=list)  # tone toward each entity, sentence by sentence
