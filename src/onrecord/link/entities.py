"""Cross-article linking: the per-article clusters of ``entities.py`` become canonical entities.

Pure and deterministic: the same clusters, knowledge file and corrections give the same entities and ids.
Linking is conservative: exact names (accents, case and punctuation folded, name particles such as "al-"
ignored), close spellings of a name of the same type (every word alike, e.g. "Qassem"/"Qasem Soleimani"),
a person's name with or without middle names, initials or a Jr./III and with a nickname ("Donald J. Trump",
"Hillary Rodham Clinton", "Bill"/"William J. Clinton": same surname and given name, middle names agreeing where
both give them, and never a bare "George Bush" while "George W." and "George H. W." are two people), a lone
surname when one known person has it or one is written with it DOMINANCE times more than anyone else (else the
knowledge file's only person of that surname), a leading nationality on an organisation ("Iranian Quds Force")
when the bare name is known, the other names the knowledge file name_variants.tsv gives a person ("Muammar
Qadhafi" / "Muammar Gaddafi", read from PETRARCH2's actor dictionaries), metonyms (data/metonyms.tsv) as aliases,
then the user's manual merge/split decisions, which are keyed by names so they survive re-analysis. Every
automatic join records why (``CanonicalEntity.why``, shown by ``onrecord entity NAME --json`` as ``joins``);
``split`` undoes one.

The unit of linking is a *node*, one (type, name key) with the surface forms written for it and their weights.
``group_nodes`` links any set of nodes; every rule that can join two nodes needs them to share one of the keys
``facets`` gives (the name key, the core key, the surname, the spelling bucket, the bare organisation name) or
a row of name_variants.tsv (``known_person``), so
the link stage can relink just the nodes a batch of articles touches and what those keys reach.
"""
from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from onrecord import data
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
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})  # "Joe Manchin III", "Donald Trump Jr.": not the surname
DOMINANCE = 3  # a lone surname goes to the person written with it this many times more than the next one


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
    nodes: list[Node] = field(default_factory=list)
    why: dict[str, str] = field(default_factory=dict)  # alias -> why it joined (the name itself: absent)
    base: str = ""  # the id before a "-2" suffix told apart entities with the same name
    first: str = ""  # the group's smallest node as "type|key": the order lookups and suffixes follow


@dataclass
class Linking:
    """The result: canonical entities, each cluster's and role mention's entity id, and a name index."""

    entities: list[CanonicalEntity] = field(default_factory=list)
    cluster_ids: dict[tuple[str, int], str] = field(default_factory=dict)
    role_ids: dict[tuple[str, int], str] = field(default_factory=dict)
    by_key: dict[str, list[str]] = field(default_factory=dict)  # name key -> entity ids
    node_ids: dict[Node, str] = field(default_factory=dict)

    def lookup(self, name: str) -> list[str]:
        """Entity ids whose name or alias is ``name`` (case, accents and punctuation folded)."""
        return self.by_key.get(name_key(name), [])


@dataclass(frozen=True)
class Facets:
    """The keys under which a node can meet another: see ``group_nodes``."""

    core: str
    surname: str | None  # a person's last core word (a one-word person: that word)
    bucket: str | None  # a person of two words or more: word count and initials of the core key
    bare: str | None  # an organisation with a leading nationality: the rest of its name


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name_key(name)).strip("-") or "x"


def core_key(key: str) -> str:
    """A name key without particles ("bashar al assad" -> "bashar assad")."""
    return " ".join(w for w in key.split() if w not in PARTICLES)


def person_words(key: str) -> list[str]:
    """A person's name key as given names then surname: particles and generational suffixes dropped."""
    words = core_key(key).split()
    while len(words) > 1 and words[-1] in SUFFIXES:
        words.pop()
    return words


def given_name(word: str) -> str:
    """The given name a first name stands for ("bill" -> "william"; nicknames.tsv), else the word itself."""
    return data.nicknames().get(word, word)


def given_forms(word: str) -> list[str]:
    """Every form of the given name a first name stands for, itself included ("bill" -> bill, billy, will, ...)."""
    given = given_name(word)
    return sorted({word, given} | {k for k, v in data.nicknames().items() if v == given})


def variant_names(a: str, b: str) -> bool:
    """Whether two person name keys can be one person written with or without middle names or initials and
    with a nickname: same surname, the same given name (``given_name``), and middle names that agree where
    both give them, word for word or as an initial ("donald j trump" ~ "donald trump", "hillary rodham clinton" ~
    "hillary clinton", "bill clinton" ~ "william j clinton"; never "george w bush" ~ "george h w bush")."""
    wa, wb = person_words(a), person_words(b)
    if len(wa) < 2 or len(wb) < 2 or wa[-1] != wb[-1] or len(wa[0]) < 2 or len(wb[0]) < 2:
        return False
    if given_name(wa[0]) != given_name(wb[0]):
        return False
    ma, mb = wa[1:-1], wb[1:-1]
    if not ma or not mb:
        return True
    return len(ma) == len(mb) and all(x == y or (len(x) == 1 or len(y) == 1) and x[0] == y[0] for x, y in zip(ma, mb))


@functools.lru_cache(maxsize=2)
def _known(rows: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    row_of: dict[str, str] = {}
    names: dict[str, tuple[str, ...]] = {}
    for name, variants in rows:
        keys = tuple(dict.fromkeys(k for k in (core_key(name_key(x)) for x in (name, *variants)) if k))
        for k in keys:
            row_of.setdefault(k, name)
        names[name] = keys
    return row_of, names


def known_person(key: str) -> tuple[str, tuple[str, ...]] | None:
    """The name_variants.tsv row a person's name key is written in (by its core key): the row's name and the core
    keys of all its names; None when no row has it."""
    row_of, names = _known(data.name_variants())
    row = row_of.get(core_key(key))
    return None if row is None else (row, names[row])


def node_text(node: Node) -> str:
    return f"{node[0]}|{node[1]}"


def text_node(text: str) -> Node:
    typ, _, key = text.partition("|")
    return typ, key


def facets(node: Node) -> Facets:
    typ, key = node
    words, core = key.split(), core_key(key)
    cw = core.split()
    surname = bucket = bare = None
    if typ == "person" and len(words) >= 2 and cw:
        surname, bucket = person_words(key)[-1], f"{len(cw)}:{''.join(w[0] for w in cw)}"
    elif typ == "person" and len(words) == 1:
        surname = key
    if typ == "organisation" and len(words) >= 3 and words[0] in NATIONALITIES:
        bare = " ".join(words[1:])
    return Facets(core, surname, bucket, bare)


def similar_names(a: str, b: str) -> bool:
    """Conservative spelling-variant test for two multi-word names: same number of words, same initials,
    every word alike (ratio >= 0.8) and the last word closer still (>= 0.85)."""
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb) or len(wa) < 2 or a == b:
        return False
    if any(x[0] != y[0] for x, y in zip(wa, wb)):
        return False
    if any(2 * min(len(x), len(y)) < 0.8 * (len(x) + len(y)) for x, y in zip(wa, wb)):
        return False  # the ratio cannot reach 0.8 with lengths this far apart
    for i in range(len(wa) - 1, -1, -1):  # the surname first; difflib's cheap upper bounds before its ratio
        m = SequenceMatcher(None, wa[i], wb[i])
        floor = 0.85 if i == len(wa) - 1 else 0.8
        if m.real_quick_ratio() < floor or m.quick_ratio() < floor or m.ratio() < floor:
            return False
    return True


class _Groups:
    """Union-find over nodes; a component's root is its smallest node."""

    def __init__(self) -> None:
        self.parent: dict[Node, Node] = {}
        self.why: dict[Node, tuple[str, Node]] = {}  # node -> (the rule that joined it, the node it joined)

    def add(self, n: Node) -> None:
        self.parent.setdefault(n, n)

    def find(self, n: Node) -> Node:
        while self.parent[n] != n:
            self.parent[n] = self.parent[self.parent[n]]
            n = self.parent[n]
        return n

    def union(self, a: Node, b: Node, why: str = "") -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
            if why and b not in self.why:
                self.why[b] = (why, a)
            elif why and a not in self.why:
                self.why[a] = (why, b)

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
    clusters, role_mentions = list(clusters), list(role_mentions)
    surfaces: dict[Node, Counter[str]] = defaultdict(Counter)
    for c in clusters:
        surfaces[(c.type, name_key(c.name))][c.name] += c.weight
    role_holders: dict[tuple[str, int], Node] = {}
    for r in role_mentions:
        holder = resolve_role_at(r.role, r.date, set(r.mentioned), r.former, kb)
        if holder:
            role_holders[(r.article_id, r.n)] = ("person", name_key(holder))
            surfaces[role_holders[(r.article_id, r.n)]][holder] += 0
    known = {k for _, k in surfaces}
    for name, typ in set(extra_names):
        if name and name_key(name) not in known:
            surfaces[(typ, name_key(name))][name] += 1
    out = group_nodes(surfaces, corrections, kb, metonyms)
    for c in clusters:
        out.cluster_ids[(c.article_id, c.n)] = out.node_ids[(c.type, name_key(c.name))]
    for k, n in role_holders.items():
        out.role_ids[k] = out.node_ids[n]
    return out


def group_nodes(surfaces: dict[Node, Counter[str]], corrections: Iterable[Correction] = (), kb: KB | None = None,
                metonyms: Iterable[tuple[str, str, str]] | None = None) -> Linking:
    """Link nodes (each with its surface forms and their weights) into canonical entities. The result for a
    set of nodes closed under the keys of ``facets`` (and the names of the corrections) is the same as for
    those nodes inside any larger set."""
    kb = kb or load_kb()
    metonyms = list(metonym_rows() if metonyms is None else metonyms)
    g = _Groups()
    for n in surfaces:
        g.add(n)
    _auto_merge(g, kb, surfaces)
    groups, heads = _apply_corrections(g.components(), list(corrections))
    return _build(groups, heads, surfaces, metonyms, g.why, list(corrections))


def _auto_merge(g: _Groups, kb: KB, surfaces: dict[Node, Counter[str]]) -> None:
    nodes = sorted(g.parent)
    by_core: dict[tuple[str, str], Node] = {}
    for n in nodes:  # particles ignored: "Bashar al-Assad" = "Bashar Assad"
        k = (n[0], core_key(n[1]))
        if k in by_core:
            g.union(by_core[k], n, "the same name without particles as")
        else:
            by_core[k] = n
    for n in nodes:  # a person's full name the recogniser read as an organisation somewhere ("an interview with X")
        p = ("person", n[1])
        if n[0] == "organisation" and len(n[1].split()) >= 2 and p in g.parent and _weight(p, surfaces) >= \
                _weight(n, surfaces):
            g.union(p, n, "the same name, written as a person's at least as often, as")
    persons = [n for n in nodes if n[0] == "person" and len(n[1].split()) >= 2 and core_key(n[1])]
    buckets: dict[str | None, list[Node]] = defaultdict(list)
    for n in persons:
        buckets[facets(n).bucket].append(n)
    for bucket in buckets.values():  # spelling variants, pairwise within same length and initials
        for i, a in enumerate(bucket):
            for b in bucket[i + 1:]:
                if similar_names(core_key(a[1]), core_key(b[1])):
                    g.union(a, b, "another spelling of")
    by_row: dict[str, Node] = {}
    for n in persons:  # the knowledge file's other names of one person ("Muammar Qadhafi" / "Muammar Gaddafi")
        known = known_person(n[1])
        if known is not None:
            if known[0] in by_row:
                g.union(by_row[known[0]], n, f"the same person, by the knowledge file (name_variants.tsv, "
                                             f"{known[0]}), as")
            else:
                by_row[known[0]] = n
    _name_variants(g, persons)
    _lone_surnames(g, nodes, persons, kb, surfaces)
    orgs = {n[1]: n for n in nodes if n[0] in ("organisation", "group")}
    for n in nodes:  # "Iranian Quds Force" -> "Quds Force" when both are known
        bare = facets(n).bare
        if bare is not None and bare in orgs:
            g.union(orgs[bare], n, "the same name, after a nationality, as")


def _name_variants(g: _Groups, persons: list[Node]) -> None:
    """People of one surname and given name (``variant_names``): those who give middle names join when they agree;
    those who give none join them when everyone with middle names has joined one person ("George Bush" stays
    apart while "George W. Bush" and "George H. W. Bush" are two)."""
    by_name: dict[tuple[str, str], list[Node]] = defaultdict(list)
    for n in persons:
        w = person_words(n[1])
        if len(w) >= 2 and len(w[0]) >= 2:
            by_name[(w[-1], given_name(w[0]))].append(n)
    for group in by_name.values():
        if len(group) < 2:
            continue
        middle = [n for n in group if len(person_words(n[1])) > 2]
        plain = [n for n in group if len(person_words(n[1])) == 2]
        for i, a in enumerate(middle):
            for b in middle[i + 1:]:
                if variant_names(a[1], b[1]):
                    g.union(a, b, "the same name, with other middle names or initials, as")
        if len({g.find(n) for n in middle}) > 1:
            continue
        for a in plain[1:]:
            same = person_words(a[1]) == person_words(plain[0][1])
            g.union(plain[0], a, "the same name, with or without Jr., Sr. or a numeral, as" if same else
                    "the same person by another form of the given name (nicknames.tsv) as")
        if middle and plain:
            g.union(middle[0], plain[0], "the same name, with or without middle names or initials, as")


def _lone_surnames(g: _Groups, nodes: list[Node], persons: list[Node], kb: KB,
                   surfaces: dict[Node, Counter[str]]) -> None:
    """A lone surname joins the one person (after the merges so far) known by it, or the person written with it
    DOMINANCE times more than anyone else (how often news names them), else the KB's only one."""
    surnames: dict[str, set[Node]] = defaultdict(set)
    weight: Counter[Node] = Counter()
    for n in persons:
        surnames[person_words(n[1])[-1]].add(g.find(n))
        weight[g.find(n)] += _weight(n, surfaces)
    kb_surnames: dict[str, set[str]] = defaultdict(set)
    for r in kb.rows:
        kb_surnames[name_key(r.holder).split()[-1]].add(name_key(r.holder))
    for n in nodes:
        if n[0] != "person" or len(n[1].split()) != 1:
            continue
        hits = surnames.get(n[1], set())
        if len(hits) == 1:
            g.union(next(iter(hits)), n, "the surname of the only person so named:")
        elif len(hits) > 1:
            ranked = sorted(hits, key=lambda h: (-weight[h], h))
            if weight[ranked[0]] > 0 and weight[ranked[0]] >= DOMINANCE * weight[ranked[1]]:
                g.union(ranked[0], n, f"the surname of the person written with it at least {DOMINANCE} times "
                                      "more than anyone else:")
        elif len(kb_surnames.get(n[1], set())) == 1:
            full = ("person", next(iter(kb_surnames[n[1]])))
            g.add(full)
            g.union(full, n, "the surname of the knowledge file's only person so named:")


def _apply_corrections(groups: list[list[Node]], corrections: list[Correction]
                       ) -> tuple[list[list[Node]], list[list[Node] | None]]:
    """Apply manual merges and splits in the order they were made; a name that matches nothing is skipped.
    A merged group keeps a *head*, the nodes of the group it was merged into: ``merge A B`` keeps A's name,
    type and id."""
    auto = {n: frozenset(grp) for grp in groups for n in grp}
    heads: list[list[Node] | None] = [None] * len(groups)

    def find(name: str) -> int | None:
        key = name_key(name)
        for i, grp in enumerate(groups):
            if any(n[1] == key for n in grp):
                return i
        return None

    for c in corrections:
        i = find(c.name)
        if i is None:
            continue
        if c.action == "merge":
            j = find(c.other)
            if j is not None and j != i:
                heads[i] = heads[i] or list(groups[i])
                groups[i] = groups[i] + groups[j]
                groups.pop(j)
                heads.pop(j)
        elif c.action == "split":  # the alias goes with its own automatic links, not with name's
            key = name_key(c.other)
            own = {m for n in groups[i] if n[1] == key for m in auto.get(n, {n})}
            keep = {m for n in groups[i] if n[1] == name_key(c.name) for m in auto.get(n, {n})}
            moved = [n for n in groups[i] if n in own and (n[1] == key or n not in keep)]
            if moved and len(moved) < len(groups[i]):
                groups[i] = [n for n in groups[i] if n not in moved]
                head = [n for n in heads[i] or [] if n not in moved]
                heads[i] = head or None
                groups.append(moved)
                heads.append(None)
    return groups, heads


def _weight(n: Node, surfaces: dict[Node, Counter[str]]) -> int:
    """How often a node's names are written (the weights of its surface forms)."""
    return sum(surfaces.get(n, Counter()).values())


def _naming(nodes: list[Node], surfaces: dict[Node, Counter[str]]) -> tuple[str, str, list[str]]:
    """A group's type (its most common node type), name and surface forms (the name's ranking)."""
    counts: Counter[str] = Counter()
    for n in nodes:
        counts.update(surfaces.get(n) or {n[1].title(): 0})
    typ = Counter(n[0] for n in nodes).most_common(1)[0][0]
    if {"person", "organisation"} <= {n[0] for n in nodes}:  # joined by name: a person where written as one most
        by = Counter({t: sum(_weight(n, surfaces) for n in nodes if n[0] == t) for t in ("person", "organisation")})
        typ = "person" if by["person"] >= by["organisation"] else "organisation"
    if typ == "person":  # the most used full name
        names = sorted(counts, key=lambda s: (-(len(s.split()) >= 2), -counts[s], -len(s), s))
    else:  # the most used name, the shorter on a tie ("Quds Force" over "Iranian Quds Force")
        names = sorted(counts, key=lambda s: (-counts[s], len(s), s))
    return typ, names[0], names


def _explain(grp: list[Node], name: str, names: list[str], surfaces: dict[Node, Counter[str]],
             why: list[tuple[Node, str, Node]], corrections: list[Correction]) -> dict[str, str]:
    """Why each alias of a group joined it: the rule that joined its node (``why``: the group's entries of
    ``_Groups.why``), or the user's merge."""
    def shown(n: Node) -> str:
        forms = surfaces.get(n)
        return forms.most_common(1)[0][0] if forms else n[1].title()

    inside = set(grp)
    told: dict[Node, str] = {}
    for n, rule, other in why:
        if other in inside:  # a rule ending in ":" names the person the group became
            said = f"{shown(n)} is {rule} {name if rule.endswith(':') else shown(other)}"
            told.setdefault(n, said)
            told.setdefault(other, said)
    out: dict[str, str] = {}
    for alias in names:
        if name_key(alias) == name_key(name):
            continue
        node = next((n for n in grp if alias in surfaces.get(n, ())), None)
        if node is None:
            continue
        if node in told:
            out[alias] = told[node]
        elif (merge := next((c for c in corrections if c.action == "merge" and node[1] in
                             (name_key(c.name), name_key(c.other))), None)) is not None:
            out[alias] = f"merged by hand: merge {merge.name!r} {merge.other!r}"
        else:
            out[alias] = f"the same name as {shown(node)}, written otherwise"
    return out


def _build(groups: list[list[Node]], heads: list[list[Node] | None], surfaces: dict[Node, Counter[str]],
           metonyms: list[tuple[str, str, str]], why: dict[Node, tuple[str, Node]] | None = None,
           corrections: list[Correction] | None = None) -> Linking:
    out = Linking()
    made: list[tuple[str, list[Node], str, str, list[str], list[tuple[Node, str, Node]]]] = []
    group_of = {n: i for i, grp in enumerate(groups) for n in grp}
    reasons: dict[int, list[tuple[Node, str, Node]]] = defaultdict(list)
    for n, (rule, other) in (why or {}).items():
        if n in group_of:
            reasons[group_of[n]].append((n, rule, other))
    for grp, head in zip(groups, heads):
        typ, name, names = _naming(grp, surfaces)
        if head:  # merged into this group: the head's name and type stay
            typ, name, _ = _naming(head, surfaces)
            names = [name] + [s for s in names if s != name]
        made.append((node_text(min(grp)), grp, typ, name, names, reasons.get(len(made), [])))
    made.sort(key=lambda m: m[0])
    used: Counter[str] = Counter()
    for first, grp, typ, name, names, group_why in made:  # same names told apart in the order of their first nodes
        base = f"{typ}:{slug(name)}"
        used[base] += 1
        eid = base if used[base] == 1 else f"{base}-{used[base]}"
        aliases = [(s, "name" if s == name else "variant") for s in names]
        target_key = name_key(name)
        aliases += sorted({(m, "metonym") for m, t, _ in metonyms
                           if name_key(t) == target_key and name_key(m) != target_key and m not in names})
        told = _explain(grp, name, names, surfaces, group_why, corrections or [])
        told.update({m: "a metonym of the name (metonyms.tsv)" for m, k in aliases if k == "metonym"})
        out.entities.append(CanonicalEntity(eid, name, typ, aliases, grp, told, base, first))
        for n in grp:
            out.node_ids[n] = eid
        for a, _ in aliases:
            ids = out.by_key.setdefault(name_key(a), [])
            if eid not in ids:
                ids.append(eid)
    return out
