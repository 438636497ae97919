"""What browsing a store returns besides the records themselves: counts per value of a field (facets) and the
rows of the entity index."""
from __future__ import annotations

from dataclasses import dataclass, field

from onrecord.models.base import Record


@dataclass
class FacetValue(Record):
    """One value of a facet: ``value`` is what the filter takes (an entity id, a year), ``label`` what to show."""

    value: str | None
    label: str
    count: int


@dataclass
class Facet(Record):
    """How many records of the current selection have each value of one field, most frequent first.

    ``name`` is the filter the values set (``outlet``, ``by``, ``kind``, ``year`` ...); ``more`` is how many
    further values were left off; ``counted`` is False when the counting ran out of the time given to it (then
    ``values`` is empty: too many rows to count in time, not zero)."""

    name: str
    values: list[FacetValue] = field(default_factory=list)
    more: int = 0
    counted: bool = True


@dataclass
class EntityRow(Record):
    """One canonical entity in the index, with what it is counted by: quotes it gave (``quotes_by``, its
    spokespeople's included), quotes that name it (``quotes_about``, pronouns not counted), articles and outlets
    it appears in, and every resolved mention (``mentions``: names, pronouns and role mentions)."""

    id: str
    name: str
    type: str
    quotes_by: int
    quotes_about: int
    articles: int
    outlets: int
    mentions: int
