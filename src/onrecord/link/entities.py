"""Cross-article linking: the per-article clusters of ``entities.py`` become canonical entities.

Pure and deterministic: the same clusters, knowledge file and corrections give the same entities and ids.
Linking is conservative: exact names (accents, case and punctuation folded, name particles such as "al-"
ignored), close spellings of a name of the same type (every word alike, e.g. "Qassem"/"Qasem Soleimani"),
a lone surname when exactly one known person has it, a leading nationality on an organisation ("Iranian
Quds Force") when the bare name is known, metonyms (data/metonyms.tsv) as aliases, then the user's manual
merge/split decisions, which are keyed by names so they survive re-analysis.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from onrecord.analyse.entities.roles import (
    KB,
    NATIONALITIES,
    PARTICLES,
    load_kb,
    metonym_rows,
    name_key,
    resolve_role_at,
)
from onrecord.models import Correction, Record

Node = tuple[str, str]  # (type, name key)


@dataclass
class LinkCluster:
    """One article's cluster as the linker sees it."""

    article_id: str
    n: int
    name: str
    type: str
    weight: int = 1


@dataclass
class LinkRoleMention:
    """A role-only mention to resolve at the article's date; ``mentioned``: name keys of the article's people."""

    article_id: str
    n: int
    role: str
    date: str | None
    former: bool = False
    mentioned: frozenset[str] = frozenset()


@dataclass
class CanonicalEntity(Record):
    id: str
    name: str
    type: str
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (alias, kind: name | variant | metonym)


@dataclass
class Linking:
    """The result: canonical entities, each cluster's and role mention's entity id, and a name index."""

    entities: list[CanonicalEntity] = field(default_factory=list)
    cluster_ids: dict[tuple[str, int], str] = field(default_factory=dict)
    role_ids: dict[tuple[str, int], str] = field(default_factory=dict)
    by_key: dict[str, list[str]] = field(default_factory=dict)  # name key -> entity ids

    def lookup(self, name: str) -> list[str]:
        """Entity ids whose name or alias is ``name`` (case, accents and punctuation folded)."""
        return self.by_key.get(name_key(name), [])


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name_key(name)).strip("-") or "x"


def core_key(key: str) -> str:
    """A name key without particles ("bashar al assad" -> "bashar assad")."""
    return " ".join(w for w in key.split() if w not in PARTICLES)


def similar_names(a: str, b: str) -> bool:
    """Conservative spelling-variant test for two multi-word names: same number of words, same initials,
    every word alike (ratio >= 0.8) and the last word closer still (>= 0.85)."""
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb) or len(wa) < 2 or a == b:
        return False
    if any(x[0] != y[0] for x, y in zip(wa, wb)):
        return False
    ratios = [SequenceMatcher(None, x, y).ratio() for x, y in zip(wa, wb)]
    return min(ratios) >= 0.8 and ratios[-1] >= 0.85


class _Groups:
    """Union-find over nodes."""

    def __init__(self) -> None:
        self.parent: dict[Node, Node] = {}

    def add(self, n: Node) -> None:
        self.parent.setdefault(n, n)

    def find(self, n: Node) -> Node:
        while self.parent[n] != n:
            self.parent[n] = self.parent[self.parent[n]]
            n = self.parent[n]
        return n

    def union(self, a: Node, b: Node) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def components(self) -> list[list[Node]]:
        out: dict[Node, list[Node]] = defaultdict(list)
        for n in self.parent:
            out[self.find(n)].append(n)
        return [sorted(v) for _, v in sorted(out.items())]


def link_entities(clusters: Iterable[LinkCluster], role_mentions: Iterable[LinkRoleMention] = (),
                  corrections: Iterable[Correction] = (), extra_names: Iterable[tuple[str, str]] = (),
                  kb: KB | None = None, metonyms: Iterable[tuple[str, str, str]] | None = None) -> Linking:
    """Link clusters (and KB holders of role mentions, and ``extra_names`` (name, type) such as quote speakers
    not otherwise known) into canonical entities."""
    kb = kb or load_kb()
    metonyms = list(metonym_rows() if metonyms is None else metonyms)
    clusters, role_mentions = list(clusters), list(role_mentions)
    surfaces: dict[Node, Counter[str]] = defaultdict(Counter)
    g = _Groups()

    def node(name: str, typ: str, weight: int) -> Node:
        n = (typ, name_key(name))
        g.add(n)
        surfaces[n][name] += weight
        return n

    for c in clusters:
        node(c.name, c.type, c.weight)
    role_holders: dict[tuple[str, int], Node] = {}
    for r in role_mentions:
        holder = resolve_role_at(r.role, r.date, set(r.mentioned), r.former, kb)
        if holder:
            role_holders[(r.article_id, r.n)] = node(holder, "person", 0)
    known = {k for _, k in g.parent}
    for name, typ in extra_names:
        if name and name_key(name) not in known:
            node(name, typ, 1)
    _auto_merge(g, kb)
    groups = _apply_corrections(g.components(), list(corrections), surfaces)
    return _build(groups, surfaces, clusters, role_holders, metonyms)


def _auto_merge(g: _Groups, kb: KB) -> None:
    nodes = sorted(g.parent)
    by_core: dict[tuple[str, str], Node] = {}
    for n in nodes:  # particles ignored: "Bashar al-Assad" = "Bashar Assad"
        k = (n[0], core_key(n[1]))
        if k in by_core:
            g.union(by_core[k], n)
        else:
            by_core[k] = n
    persons = [n for n in nodes if n[0] == "person" and len(n[1].split()) >= 2]
    buckets: dict[tuple[int, str], list[Node]] = defaultdict(list)
    for n in persons:
        words = core_key(n[1]).split()
        buckets[(len(words), "".join(w[0] for w in words))].append(n)
    for bucket in buckets.values():  # spelling variants, pairwise within same length and initials
        for i, a in enumerate(bucket):
            for b in bucket[i + 1:]:
                if similar_names(core_key(a[1]), core_key(b[1])):
                    g.union(a, b)
    surnames: dict[str, set[Node]] = defaultdict(set)
    for n in persons:
        surnames[core_key(n[1]).split()[-1]].add(g.find(n))
    kb_surnames: dict[str, set[str]] = defaultdict(set)
    for r in kb.rows:
        kb_surnames[name_key(r.holder).split()[-1]].add(name_key(r.holder))
    for n in nodes:  # a lone surname: the one person known by it
        if n[0] != "person" or len(n[1].split()) != 1:
            continue
        hits = surnames.get(n[1], set())
        if len(hits) == 1:
            g.union(next(iter(hits)), n)
        elif not hits and len(kb_surnames.get(n[1], set())) == 1:
            full = ("person", next(iter(kb_surnames[n[1]])))
            g.add(full)
            g.union(full, n)
    orgs = {n[1]: n for n in nodes if n[0] in ("organisation", "group")}
    for n in nodes:  # "Iranian Quds Force" -> "Quds Force" when both are known
        words = n[1].split()
        if n[0] == "organisation" and len(words) >= 3 and words[0] in NATIONALITIES:
            bare = orgs.get(" ".join(words[1:]))
            if bare is not None:
                g.union(bare, n)


def _apply_corrections(groups: list[list[Node]], corrections: list[Correction],
                       surfaces: dict[Node, Counter[str]]) -> list[list[Node]]:
    """Apply manual merges and splits in the order they were made; a name that matches nothing is skipped."""
    auto = {n: frozenset(grp) for grp in groups for n in grp}
    def find(name: str) -> int | None:
        key = name_key(name)
        for i, grp in enumerate(groups):
            if any(n[1] == key or any(name_key(s) == key for s in surfaces.get(n, ())) for n in grp):
                return i
        return None

    for c in corrections:
        i = find(c.name)
        if i is None:
            continue
        if c.action == "merge":
            j = find(c.other)
            if j is not None and j != i:
                groups[i] = groups[i] + groups[j]
                groups.pop(j)
        elif c.action == "split":  # the alias goes with its own automatic links, not with name's
            key = name_key(c.other)
            own = {m for n in groups[i] if n[1] == key for m in auto[n]}
            keep = {m for n in groups[i] if n[1] == name_key(c.name) for m in auto[n]}
            moved = [n for n in groups[i] if n in own and (n[1] == key or n not in keep)]
            if moved and len(moved) < len(groups[i]):
                groups[i] = [n for n in groups[i] if n not in moved]
                groups.append(moved)
    return groups


def _build(groups: list[list[Node]], surfaces: dict[Node, Counter[str]], clusters: list[LinkCluster],
           role_holders: dict[tuple[str, int], Node], metonyms: list[tuple[str, str, str]]) -> Linking:
    out = Linking()
    node_id: dict[Node, str] = {}
    used: Counter[str] = Counter()
    for grp in groups:
        counts: Counter[str] = Counter()
        for n in grp:
            counts.update(surfaces.get(n) or {n[1].title(): 0})
        typ = Counter(n[0] for n in grp).most_common(1)[0][0]
        if typ == "person":  # the most used full name
            names = sorted(counts, key=lambda s: (-(len(s.split()) >= 2), -counts[s], -len(s), s))
        else:  # the most used name, the shorter on a tie ("Quds Force" over "Iranian Quds Force")
            names = sorted(counts, key=lambda s: (-counts[s], len(s), s))
        name = names[0]
        eid = f"{typ}:{slug(name)}"
        used[eid] += 1
        if used[eid] > 1:
            eid = f"{eid}-{used[eid]}"
        aliases = [(s, "name" if s == name else "variant") for s in names]
        target_key = name_key(name)
        aliases += sorted({(m, "metonym") for m, t, _ in metonyms
                           if name_key(t) == target_key and name_key(m) != target_key and m not in counts})
        out.entities.append(CanonicalEntity(eid, name, typ, aliases))
        for n in grp:
            node_id[n] = eid
        for a, _ in aliases:
            ids = out.by_key.setdefault(name_key(a), [])
            if eid not in ids:
                ids.append(eid)
    for c in clusters:
        out.cluster_ids[(c.article_id, c.n)] = node_id[(c.type, name_key(c.name))]
    for k, n in role_holders.items():
        out.role_ids[k] = node_id[n]
    return out
