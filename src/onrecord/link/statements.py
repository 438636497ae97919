"""One statement, many reports: the same quoted words in several articles (or twice in one) grouped together.

Outlets copy agency text and transcribe the same remarks with small differences: spelling of names
("Qassem"/"Qasem"), capitals ("Quds Force"/"Quds force"), curly or straight marks, a word dropped, or only a
fragment quoted ("a threat to all our interests" inside the full remarks). Two quotes of the same speaker are
*the same words* (``near_duplicate``) when one lies inside the other, or when their normalised texts are alike
(``similarity`` >= ``THRESHOLD``) and differ only in function words ("is"/"was"), spellings ("recognised"/
"recognized", "centre"/"center") and a few words one of them leaves out, no number among those. A quote inside
a longer one and under half its length is a *fragment*: it joins the statement of the quotes that contain it
when they are all one statement; a fragment found inside different statements ("make America great again"
inside three different speeches) stays a statement of its own, so a shared phrase never chains different
remarks together. A fragment needs a content word ("I do not think so" is no evidence of the same remarks).

Quotes are compared only when their content can meet (``Blocking``). Each quote is indexed under its content
words (spelled as ``skeleton``s); one of two quotes of the same words has all its content words in the other,
so a quote looks up its rarest content word (finding the quotes that have all of its words) and the words it
has itself in a register where every quote sits under one of its own words (finding the quotes whose words it
has all). Which word is rarest only changes the cost, never the pairs found, so linking articles one batch at a
time gives the statements of linking them all at once, and 5,000 different quotes of one speaker compare in
seconds instead of pairwise.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

THRESHOLD = 0.85
MIN_FRAGMENT = 4
FUNCTION_WORDS = frozenset("""
a about after again against all am an and any are as at be because been before being below between both but by
can could did do does doing down during each few for from further had has have having he her here hers herself
him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only
or other our ours ourselves out over own same she should so some such than that the their theirs them themselves
then there these they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves really also yes well oh
""".split())


@dataclass
class QuoteRef:
    """What the grouping needs from a stored quote."""

    id: int
    article_id: str
    speaker_key: str | None
    text: str
    date: str | None = None
    speaker: str | None = None
    speaker_entity_id: str | None = None

    @property
    def bucket(self) -> str | None:
        """Whose words these are: the speaker's entity, else the speaker's name key; None: compared with none."""
        return ("e:" + self.speaker_entity_id if self.speaker_entity_id
                else "k:" + self.speaker_key if self.speaker_key else None)


@dataclass
class Statement:
    """A group of reports of the same words; ``text`` is the longest variant."""

    speaker: str | None
    speaker_entity_id: str | None
    text: str
    first_date: str | None
    reports: list[tuple[int, str, float]] = field(default_factory=list)  # (quote id, article id, similarity)
    main: int | None = None  # the id of the quote whose text speaks for the statement


@dataclass(frozen=True)
class Edge:
    """Two quotes of the same words: ``a`` is the fragment when ``fragment`` (``b`` contains it)."""

    a: int
    b: int
    similarity: float
    fragment: bool = False


def normalise(text: str) -> str:
    """Case-fold, unify marks and dashes, drop punctuation, and collapse doubled letters (Qassem ~ Qasem)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[’‘`´]", "'", text)
    text = re.sub(r"[^\w\s']", " ", text)
    text = re.sub(r"'s\b", "s", text).replace("'", "")
    text = re.sub(r"(\w)\1+", r"\1", text)
    return " ".join(text.split())


def similarity(a: str, b: str) -> float:
    """Similarity of two normalised texts in [0, 1]: 1.0 when the shorter (>= MIN_FRAGMENT words) lies inside
    the longer, else difflib's ratio."""
    if not a or not b:
        return 0.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short.split()) >= MIN_FRAGMENT and f" {short} " in f" {long_} ":
        return 1.0
    if min(len(a), len(b)) / max(len(a), len(b)) < THRESHOLD - 0.1:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def skeleton(word: str) -> str:
    """A word as its spellings share it: accents dropped, z as s, a plural s dropped, vowels after the first
    letter dropped ("recognised"/"recognized" -> "rcgnsd", "centre"/"center" -> "cntr")."""
    w = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode() or word
    w = w.replace("z", "s")
    if len(w) > 3 and w.endswith("s"):
        w = w[:-1]
    return w[:1] + re.sub(r"[aeiouy]", "", w[1:])


def content(norm: str) -> frozenset[str]:
    """The skeletons of a normalised text's content words (function words left out)."""
    return frozenset(skeleton(w) for w in norm.split() if w not in FUNCTION_WORDS)


def slack(words: int) -> int:
    """How many content words one of two near-duplicates may add to the other."""
    return max(1, words // 4)


def near_duplicate(a: str, b: str, ca: frozenset[str] | None = None, cb: frozenset[str] | None = None
                   ) -> Edge | None:
    """How two normalised texts are the same words, as an Edge between placeholder ids 0 (``a``) and 1 (``b``):
    similarity, and whether the shorter is a fragment of the longer; None when they are different words.
    ``ca``/``cb``: their ``content``, when already known."""
    if not a or not b:
        return None
    ca = content(a) if ca is None else ca
    cb = content(b) if cb is None else cb
    if not (ca <= cb or cb <= ca):
        return None
    flip = len(a) > len(b)
    short, long_, cs = (b, a, cb) if flip else (a, b, ca)
    ws = short.count(" ") + 1
    if ws >= MIN_FRAGMENT and cs and f" {short} " in f" {long_} ":
        return Edge(1 if flip else 0, 0 if flip else 1, 1.0, 2 * ws < long_.count(" ") + 1)
    extra = ca ^ cb
    if (not ca or not cb) and ca != cb or len(extra) > slack(max(len(ca), len(cb))):
        return None
    if any(ch.isdigit() for w in extra for ch in w) or len(short) / len(long_) < THRESHOLD - 0.1:
        return None
    if 2 * sum((Counter(a) & Counter(b)).values()) / (len(a) + len(b)) < THRESHOLD:
        return None  # difflib's ratio is at most the share of characters in common
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    return Edge(0, 1, round(ratio, 3)) if ratio >= THRESHOLD else None


class Blocking:
    """One speaker's quotes indexed by content word, in memory: the earlier quotes a new quote can be the same
    words as. The link stage keeps the same index in the store (``link/statements_store.py``)."""

    def __init__(self) -> None:
        self.words: dict[str, list[int]] = defaultdict(list)  # content word -> quotes with it ("": with none)
        self.register: dict[str, list[int]] = defaultdict(list)  # content word -> quotes registered under it

    def candidates(self, words: frozenset[str]) -> set[int]:
        """Earlier quotes whose content words include these, or lie within them."""
        if not words:
            return set(self.words.get("", ()))
        rarest = min(words, key=lambda w: (len(self.words.get(w, ())), w))
        found = set(self.words.get(rarest, ()))
        for w in words:
            found.update(self.register.get(w, ()))
        return found

    def add(self, i: int, words: frozenset[str]) -> None:
        for w in words or ("",):
            self.words[w].append(i)
        if words:
            self.register[min(words, key=lambda w: (len(self.words[w]), w))].append(i)


def find_edges(quotes: list[QuoteRef]) -> list[Edge]:
    """The pairs of quotes that are the same words (ids are positions in ``quotes``); a text said again is
    joined to its first copy only, which links it to everything the first copy is linked to."""
    norm = [normalise(q.text) for q in quotes]
    by_bucket: dict[str, list[int]] = defaultdict(list)
    for i, q in enumerate(quotes):
        if q.bucket is not None and norm[i]:
            by_bucket[q.bucket].append(i)
    edges: list[Edge] = []
    for members in by_bucket.values():
        index = Blocking()
        first: dict[str, int] = {}
        words: dict[int, frozenset[str]] = {}
        for i in members:
            if norm[i] in first:
                edges.append(Edge(first[norm[i]], i, 1.0))
                continue
            first[norm[i]] = i
            words[i] = content(norm[i])
            for j in sorted(index.candidates(words[i])):
                e = near_duplicate(norm[j], norm[i], words[j], words[i])
                if e is not None:
                    edges.append(Edge(j if e.a == 0 else i, i if e.a == 0 else j, e.similarity, e.fragment))
            index.add(i, words[i])
    return edges


def statements_from_edges(ids: Iterable[int], edges: Iterable[Edge]) -> list[list[int]]:
    """Group quotes into statements: near-duplicates (and long containments) together, then each fragment
    with the statement its containers form when they form one."""
    ids = sorted(set(ids))
    parent = {i: i for i in ids}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> bool:
        ra, rb = find(a), find(b)
        if ra == rb:
            return False
        parent[max(ra, rb)] = min(ra, rb)
        return True

    containers: dict[int, set[int]] = defaultdict(set)
    for e in edges:
        if e.a not in parent or e.b not in parent:
            continue
        if e.fragment:
            containers[e.a].add(e.b)
        else:
            union(e.a, e.b)
    changed = True
    while changed:  # a fragment joins when all its containers are one statement; joins only ever help others
        changed = False
        by_core: dict[int, set[int]] = defaultdict(set)
        for f, cs in containers.items():
            by_core[find(f)].update(find(c) for c in cs)
        for root, outs in by_core.items():
            if len(outs) == 1:
                changed |= union(root, next(iter(outs)))
    groups: dict[int, list[int]] = defaultdict(list)
    for i in ids:
        groups[find(i)].append(i)
    return sorted(groups.values())


def report_similarity(members: list[int], edges: Iterable[Edge]) -> dict[int, float]:
    """Each member's highest similarity to another member of its statement (1.0 alone)."""
    inside = set(members)
    best: dict[int, float] = {}
    for e in edges:
        if e.a in inside and e.b in inside:
            for k in (e.a, e.b):
                best[k] = max(best.get(k, 0.0), e.similarity)
    return {i: best.get(i, 1.0) for i in members}


def order_key(q: QuoteRef) -> tuple[bool, str, int]:
    """Quotes by date (undated first, as SQL sorts NULL), then id."""
    return q.date is not None, q.date or "", q.id


def make_statement(members: list[QuoteRef], similarities: dict[int, float]) -> Statement:
    """A statement of these reports: the longest text (the earliest on a tie) speaks for it."""
    ordered = sorted(members, key=order_key)
    main = max(ordered, key=lambda q: len(q.text))  # max keeps the first of equals
    dates = sorted(q.date for q in ordered if q.date)
    return Statement(main.speaker, main.speaker_entity_id, main.text, dates[0] if dates else None,
                     [(q.id, q.article_id, round(similarities.get(q.id, 1.0), 3)) for q in ordered], main.id)


def group_statements(quotes: list[QuoteRef]) -> list[Statement]:
    """Group quotes into statements (singletons included), ordered by first date then text."""
    edges = find_edges(quotes)
    out = []
    for members in statements_from_edges(range(len(quotes)), edges):
        sims = report_similarity(members, edges)
        out.append(make_statement([quotes[i] for i in members], {quotes[i].id: s for i, s in sims.items()}))
    return sorted(out, key=lambda s: (s.first_date or "9999", s.text))
