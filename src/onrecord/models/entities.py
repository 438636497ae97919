"""Entities: in-article clusters with mentions, roles and descriptors; canonical entities; roles over time."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from onrecord.models.base import Record

EntityType = str  # person | organisation | country | group


@dataclass
class EntityMention(Record):
    """One place the article refers to the entity; ``kind``: name, short, pronoun, description, metonym."""

    start: int
    end: int
    text: str
    kind: str = "name"


@dataclass
class RoleAssertion(Record):
    """The article says the entity holds (or held, ``former``) a role; the span is the evidence."""

    role: str
    text: str
    start: int
    end: int
    former: bool = False


@dataclass
class Descriptor(Record):
    """A description of the entity as written (``key`` is what is counted), with its loaded flag and how sure
    the extractor is that it describes the entity (``confidence``, calibrated on the descriptor precision gold)."""

    text: str
    key: str
    start: int
    end: int
    kind: str  # premodifier | appositive | description | rule | predicate
    loaded: bool = False
    confidence: float = 0.0


@dataclass
class DescriptorRecord(Record):
    """One stored description of an entity with its evidence: the article, its date and outlet, and the exact
    character offsets of the phrase in the article's text."""

    entity_id: str
    text: str
    key: str
    kind: str
    loaded: bool
    confidence: float
    article_id: str
    start: int
    end: int
    date: str | None = None
    outlet: str | None = None


@dataclass
class ArticleEntity(Record):
    """One entity of one article: its name as the article gives it in full, type, mentions, roles, descriptors."""

    name: str
    type: EntityType
    mentions: list[EntityMention] = field(default_factory=list)
    roles: list[RoleAssertion] = field(default_factory=list)
    descriptors: list[Descriptor] = field(default_factory=list)


@dataclass
class RoleMention(Record):
    """A role-only mention ("the Prime Minister") left for the linker to resolve at the article's date."""

    role: str  # the knowledge file's canonical role
    text: str
    start: int
    end: int
    former: bool = False


@dataclass
class ArticleEntities(Record):
    """Everything the entity step found in one article."""

    entities: list[ArticleEntity] = field(default_factory=list)
    role_mentions: list[RoleMention] = field(default_factory=list)


@dataclass
class KBRole(Record):
    """One row of roles.tsv: ``holder`` held ``role`` from ``start`` to ``end`` (None: still in office)."""

    role: str
    holder: str
    start: str | None
    end: str | None
    source: str = "manual"


@dataclass
class RoleEvidence(Record):
    """Where an article states (or implies, by a role-only mention) that someone holds a role."""

    article_id: str
    date: str | None
    outlet: str | None
    start: int
    end: int
    text: str


@dataclass
class HeldRole(Record):
    """A role held over a period: from the knowledge file (``kb``), the text (``text``: first to last date
    seen), or both (``kb+text``), with the text evidence."""

    role: str
    start: str | None
    end: str | None
    source: str
    former: bool = False
    evidence: list[RoleEvidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        d = super().to_dict()
        d["from"], d["to"] = d.pop("start"), d.pop("end")
        return d

    def covers(self, date: str) -> bool:
        if self.former:
            return False
        if self.source == "text":
            return (self.start or "") <= date <= (self.end or "")
        return (self.start or "") <= date and (self.end is None or date < self.end)


@dataclass
class Correction:
    """A manual decision: ``merge`` name with other, or ``split`` the alias ``other`` off ``name``'s entity."""

    action: str
    name: str
    other: str


@dataclass
class EntitySummary(Record):
    """One canonical entity with its counts, for lists."""

    id: str
    name: str
    type: str
    articles: int
    mentions: int
    quotes: int


@dataclass
class EntityDetail(Record):
    """Everything known about one entity: aliases, roles over time with evidence, how each outlet mentions and
    describes it, and how many quotes are by or about it."""

    id: str
    name: str
    type: str
    aliases: list[str]
    roles: list[HeldRole]
    mentions_by_outlet: dict[str, int]
    descriptors: list[dict[str, Any]]
    quotes_by: int
    quotes_about: int
    articles: int
    written_as: list[dict[str, Any]]  # the mentions as the articles write them (not pronouns), with counts
    joins: list[dict[str, str]] = field(default_factory=list)  # each alias an automatic rule joined, and why
    descriptors_below: int = 0  # descriptions left out as less sure than the ``min_confidence`` asked for

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["roles"] = [r.to_dict() for r in self.roles]
        return d


    def roles_at(self, date: str) -> list[str]:
        """The roles held on ``date`` (ISO), by the knowledge file or the text of that time."""
        return sorted({r.role for r in self.roles if r.covers(date)})


@dataclass
class NameMatch(Record):
    """Whom a name a user typed means: the entity, and ``note`` when the choice is worth saying (a lone surname
    taken as the most quoted person of that name)."""

    id: str
    name: str
    type: str
    note: str | None = None
