"""Roles: the offices people hold, read from the text ("Foreign Secretary Boris Johnson") and from the
knowledge file ``data/roles.tsv`` (who held which office when), and role-only mentions resolved by date.

The knowledge files (roles.tsv, and metonyms.tsv and countries.txt also served here) are user-editable and
read by ``onrecord.data``, once per process (``onrecord.data.reload()`` after editing one in a running process).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from onrecord import data
from onrecord.models import HeldRole, KBRole, RoleEvidence

ROLE_HEADS = data.words("office_heads")  # the word lists are data/words.toml
NATIONALITIES = data.demonyms()  # "syrian" -> "Syria", "us" -> "United States"
COUNTRY_WORDS = data.words("country_words")
PARTICLES = data.words("name_particles")
QUALIFIERS_PAST = data.words("past_qualifiers")
DETERMINERS = {"the", "a", "an", "this", "that", "its", "his", "her", "their"}


@dataclass
class KB:
    """The role knowledge file: rows, and role phrases ("prime minister") -> canonical role name."""

    rows: list[KBRole] = field(default_factory=list)
    phrases: dict[str, str] = field(default_factory=dict)

    def holders(self, role: str, date: str | None) -> list[KBRole]:
        """Rows of ``role`` in office on ``date`` (ISO; None: none, since the date decides)."""
        if not date:
            return []
        return [r for r in self.rows if r.role == role and (r.start or "") <= date and (r.end is None or date < r.end)]

    def former_holders(self, role: str, date: str | None) -> list[KBRole]:
        """Rows of ``role`` that had ended by ``date``."""
        return [r for r in self.rows if r.role == role and r.end is not None and (not date or r.end <= date)]

    def roles_of(self, holder: str) -> list[KBRole]:
        key = name_key(holder)
        return [r for r in self.rows if name_key(r.holder) == key]


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Lower-case, accents and punctuation folded: the key names are compared on (cached: it is asked for the
    same few thousand names over and over)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text.lower().replace("'s", "")).split())


def _kb(rows: list[data.RoleRow] | tuple[data.RoleRow, ...]) -> KB:
    kb = KB()
    for r in rows:
        kb.rows.append(KBRole(r.role, r.holder, r.start, r.end, r.source))
        kb.phrases.setdefault(r.role.lower(), r.role)
        for p in r.phrases:
            kb.phrases[p] = r.role
    return kb


def parse_kb(text: str) -> KB:
    """Parse roles.tsv text (see the file's header for its columns)."""
    return _kb(data.parse_roles(text))


@data.cached
def load_kb() -> KB:
    """The bundled roles.tsv, parsed once per process."""
    return _kb(data.role_rows())


def normalise_phrase(words: list[str]) -> tuple[str, bool]:
    """Role words as written -> (lower-case phrase without determiners/"former", whether it was "former")."""
    out: list[str] = []
    former = False
    for w in words:
        low = w.lower().replace("’", "'")
        if low in DETERMINERS and not out:
            continue
        if low in QUALIFIERS_PAST:
            former = True
            continue
        if low.startswith("ex-") and len(low) > 3:
            former, low = True, low[3:]
        out.append(low)
    phrase = " ".join(out).replace(" 's", "'s").replace(" - ", "-")
    return phrase, former


def is_role_phrase(phrase: str) -> bool:
    """A phrase names an office when its head word (last, or before "of") is a role noun or the KB knows it."""
    if not phrase:
        return False
    if phrase in load_kb().phrases:
        return True
    words = phrase.split(" of ")[0].split()
    return bool(words) and words[-1].strip(".") in ROLE_HEADS


def kb_role(phrase: str) -> str | None:
    """The knowledge file's canonical role for a phrase ("uk foreign secretary" -> "Foreign Secretary")."""
    phrases = load_kb().phrases
    if phrase in phrases:
        return phrases[phrase]
    words = phrase.split()
    for k in range(1, len(words)):  # drop leading qualifiers one by one: "then-british prime minister"
        if words[k - 1] in NATIONALITIES or words[k - 1].removesuffix("'s") in COUNTRY_WORDS:
            break  # "south korean president" is not the default "president"
        tail = " ".join(words[k:])
        if tail in phrases and words[0] not in ("shadow", "deputy", "vice", "junior", "assistant"):
            return phrases[tail]
    return None


def role_name(phrase: str) -> str:
    """The display name of a role: the KB's canonical name, else the phrase with each word capitalised."""
    canon = kb_role(phrase)
    if canon:
        return canon
    small = {"of", "the", "for", "and", "to", "in", "on"}
    return " ".join(w if w in small else (w.upper() if w in ("mp", "mep", "msp", "ceo", "us", "uk") else
                                          w[:1].upper() + w[1:]) for w in phrase.split())


def resolve_role_at(role: str, date: str | None, mentioned: set[str], former: bool = False,
                    kb: KB | None = None) -> str | None:
    """The holder of ``role`` at ``date``: among several (or any former holder), prefer one the article
    mentions (``mentioned``: name keys); a current holder is accepted from the KB alone."""
    kb = kb or load_kb()
    rows = kb.former_holders(role, date) if former else kb.holders(role, date)
    if not rows:
        return None
    named = [r for r in rows if name_key(r.holder) in mentioned]
    if named:
        return named[-1].holder
    if former or len({name_key(r.holder) for r in rows}) != 1:
        return None
    return rows[0].holder


def held_roles(evidence: list[dict[str, Any]], kb_rows: list[KBRole]) -> list[HeldRole]:
    """Combine a person's knowledge-file rows and text evidence (dicts with role, former, article_id, date,
    outlet, start, end, text) into roles over time; evidence attaches to the KB period that covers its date."""
    out = [HeldRole(r.role, r.start, r.end, "kb") for r in sorted(kb_rows, key=lambda r: (r.start or "", r.role))]
    text_roles: dict[tuple[str, bool], HeldRole] = {}
    for ev in sorted(evidence, key=lambda e: (e.get("date") or "", e.get("article_id") or "")):
        role, former = str(ev["role"]), bool(ev.get("former"))
        date: str | None = ev.get("date")
        item = RoleEvidence(str(ev["article_id"]), date, ev.get("outlet"), int(ev["start"]), int(ev["end"]),
                            str(ev["text"]))
        match = next((h for h in out if _same_role(role, h.role) and h.source != "text" and date and
                      (h.end is not None and h.end <= date if former else h.covers(date))), None)
        if match is not None:
            match.source = "kb+text"
            match.evidence.append(item)
            continue
        held = text_roles.get((role.lower(), former))
        if held is None:
            held = text_roles[(role.lower(), former)] = HeldRole(role, None if former else date, date, "text", former)
            out.append(held)
        held.evidence.append(item)
        if date and not former:
            held.start = min(held.start or date, date)
            held.end = max(held.end or date, date)
    return sorted(out, key=lambda h: (h.start or h.end or "", h.role))


def _same_role(text_role: str, kb_role_name: str) -> bool:
    """A role read from text is a KB role if it is its name or the name's head ("President" of "President of
    Syria", "Supreme Leader" of "Supreme Leader of Iran")."""
    a, b = text_role.lower(), kb_role_name.lower()
    return a == b or b.startswith(a + " of ")


# -- the other knowledge files: metonyms.tsv, countries.txt ------------------------------------------------
@data.cached
def load_countries() -> frozenset[str]:
    """data/countries.txt as name keys."""
    return frozenset(name_key(x) for x in data.countries())


@data.cached
def metonym_rows() -> tuple[tuple[str, str, str], ...]:
    """data/metonyms.tsv rows that apply to every mention (not only to speakers): (mention as written, target
    entity name, target type)."""
    return tuple((m.mention, m.target, m.type) for m in data.metonyms() if m.scope == "any")


@data.cached
def load_metonyms() -> dict[str, tuple[str, str]]:
    """data/metonyms.tsv as {name key of the mention: (target name, target type)}."""
    return {name_key(m): (t, typ) for m, t, typ in metonym_rows()}
