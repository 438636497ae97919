"""Roles: the offices people hold, read from the text ("Foreign Secretary Boris Johnson") and from the
knowledge file ``data/roles.tsv`` (who held which office when), and role-only mentions resolved by date.

The knowledge files (roles.tsv, and metonyms.tsv and countries.txt also loaded here) are user-editable;
each is read once per process (``load_kb.cache_clear()`` after editing one in a running process).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from onrecord.models import HeldRole, KBRole, RoleEvidence

# Head nouns that make a phrase an office or position ("Foreign Secretary", "Labour MP", "the nominee").
ROLE_HEADS = {
    "secretary", "minister", "leader", "president", "chancellor", "premier", "mp", "senator", "congressman",
    "congresswoman", "governor", "mayor", "nominee", "candidate", "chairman", "chairwoman", "chair", "chief",
    "director", "ambassador", "envoy", "commander", "general", "spokesman", "spokeswoman", "spokesperson",
    "king", "queen", "prince", "princess", "pope", "judge", "attorney", "speaker", "whip", "deputy", "head",
    "ayatollah", "lawmaker", "representative", "peer", "backbencher", "frontbencher", "mep", "msp", "councillor",
    "ceo", "founder", "editor", "vice-president", "vice-chairman", "monarch", "emperor", "prosecutor",
    "sheriff", "justice", "sen", "rep", "gov",
}
NATIONALITIES = {
    "syrian": "Syria", "russian": "Russia", "iranian": "Iran", "american": "United States", "us": "United States",
    "u.s.": "United States", "british": "United Kingdom", "uk": "United Kingdom", "english": "United Kingdom",
    "french": "France", "german": "Germany", "israeli": "Israel", "iraqi": "Iraq", "chinese": "China",
    "turkish": "Turkey", "saudi": "Saudi Arabia", "ukrainian": "Ukraine", "palestinian": "Palestine",
    "egyptian": "Egypt", "afghan": "Afghanistan", "libyan": "Libya", "lebanese": "Lebanon", "indian": "India",
    "pakistani": "Pakistan", "japanese": "Japan", "korean": "South Korea", "mexican": "Mexico",
    "canadian": "Canada", "european": "European Union", "italian": "Italy", "spanish": "Spain",
    "venezuelan": "Venezuela", "cuban": "Cuba", "yemeni": "Yemen", "qatari": "Qatar", "jordanian": "Jordan",
    "scottish": "United Kingdom", "welsh": "United Kingdom", "irish": "Ireland", "australian": "Australia",
}
COUNTRY_WORDS = {"south", "north", "east", "west", "new", "saudi", "united", "the", "iran", "russia", "syria",
                 "china", "israel", "france", "germany", "britain", "america", "india", "japan", "korea", "turkey"}
PARTICLES = {"al", "el", "bin", "ibn", "abu", "de", "da", "del", "della", "di", "du", "van", "von", "der", "den",
             "la", "le", "bint", "ben", "mc", "st", "y"}
QUALIFIERS_PAST = {"former", "ex", "ex-", "then", "late", "erstwhile", "previous", "outgoing"}
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
    import unicodedata

    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text.lower().replace("'s", "")).split())


def parse_kb(text: str) -> KB:
    """Parse roles.tsv text (see the file's header for its columns)."""
    kb = KB()
    for line in text.splitlines():
        if not line.strip() or line.startswith(("#", "role\t")):
            continue
        cols = (line.split("\t") + [""] * 6)[:6]
        role, holder, start, end, phrases, source = (c.strip() for c in cols)
        if not role or not holder:
            continue
        kb.rows.append(KBRole(role, holder, start or None, end or None, source or "manual"))
        kb.phrases.setdefault(role.lower(), role)
        for p in phrases.split("|"):
            if p.strip():
                kb.phrases[p.strip().lower()] = role
    return kb


@lru_cache(maxsize=1)
def load_kb() -> KB:
    """The bundled roles.tsv, parsed once per process."""
    return parse_kb(resources.files("onrecord.data").joinpath("roles.tsv").read_text(encoding="utf-8"))


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
@lru_cache(maxsize=1)
def load_countries() -> frozenset[str]:
    """data/countries.txt as name keys."""
    text = resources.files("onrecord.data").joinpath("countries.txt").read_text(encoding="utf-8")
    return frozenset(name_key(x) for x in text.splitlines() if x.strip() and not x.startswith("#"))


@lru_cache(maxsize=1)
def metonym_rows() -> tuple[tuple[str, str, str], ...]:
    """data/metonyms.tsv rows: (mention as written, target entity name, target type)."""
    rows = []
    text = resources.files("onrecord.data").joinpath("metonyms.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        cols = line.split("\t")
        if line.startswith("#") or len(cols) < 3 or cols[0] == "mention":
            continue
        rows.append((cols[0].strip(), cols[1].strip(), cols[2].strip()))
    return tuple(rows)


@lru_cache(maxsize=1)
def load_metonyms() -> dict[str, tuple[str, str]]:
    """data/metonyms.tsv as {name key of the mention: (target name, target type)}."""
    return {name_key(m): (t, typ) for m, t, typ in metonym_rows()}
