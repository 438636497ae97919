"""The statement step of a link batch, over the store: the word index of ``statements.Blocking`` kept in tables,
so a batch's quotes find the earlier quotes they can be the same words as by indexed lookups, the pairs found
are kept (``statement_edges``), and only the statements those pairs reach are regrouped.

Tables: ``statement_words`` (a quote under each content word), ``statement_register`` (a quote under one of its
content words), ``statement_texts`` (the first quote of each normalised text; its later copies are joined to it
and not indexed), all keyed by a 64-bit hash of (speaker bucket, word or text).
"""
from __future__ import annotations

import hashlib
import sqlite3
from collections import deque
from collections.abc import Iterable

from onrecord.analyse.stances.targets import surname_key
from onrecord.link.statements import (
    Edge,
    QuoteRef,
    Statement,
    content,
    make_statement,
    near_duplicate,
    normalise,
    report_similarity,
    statements_from_edges,
)

COUNT_CAP = 1000  # how far a word's quotes are counted when choosing the rarest
ELIGIBLE = ("q.kind != 'indirect' AND q.furniture IS NULL AND (q.article_id IN (SELECT id FROM _link_batch) OR "
            "NOT EXISTS (SELECT 1 FROM link_pending p WHERE p.article_id = q.article_id))")
QUOTE_COLUMNS = "q.id, q.article_id, q.text, q.speaker, q.speaker_type, q.speaker_entity_id, a.date"


def holder_key(name: str | None, holder_type: str | None, entity_id: str | None) -> str | None:
    """A key that matches the same holder across articles: the entity id, else the person's surname."""
    if entity_id:
        return "entity:" + entity_id
    if not name:
        return None
    if holder_type == "person":
        return surname_key(name)
    return "name:" + name.lower()


def _hash(bucket: str, text: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{bucket}\x1f{text}".encode(), digest_size=8).digest(), "big",
                          signed=True)


def _ref(r: sqlite3.Row) -> QuoteRef:
    return QuoteRef(r[0], r[1], holder_key(r[3], r[4], None), r[2], r[6], r[3], r[5])


def _quotes(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, QuoteRef]:
    """The eligible quotes among ``ids`` (kept out of statements: indirect speech, furniture, unlinked)."""
    out: dict[int, QuoteRef] = {}
    ids = list(ids)
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        for r in conn.execute(f"SELECT {QUOTE_COLUMNS} FROM quotes q JOIN articles a ON a.id = q.article_id WHERE "
                              f"q.id IN ({','.join('?' * len(part))}) AND {ELIGIBLE}", part):
            out[r[0]] = _ref(r)
    return out


class _Index:
    """Adds quotes to the stored word index and records the pairs they form."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.norm: dict[int, str] = {}
        self.edges: list[Edge] = []  # the pairs found by this index's ``add`` calls

    def _norm(self, q: QuoteRef) -> str:
        if q.id not in self.norm:
            self.norm[q.id] = normalise(q.text)
        return self.norm[q.id]

    def _count(self, key: int) -> int:
        return int(self.conn.execute("SELECT count(*) FROM (SELECT 1 FROM statement_words WHERE key = ? LIMIT ?)",
                                     (key, COUNT_CAP)).fetchone()[0])

    def _rarest(self, bucket: str, words: frozenset[str]) -> str:
        return min(words, key=lambda w: (self._count(_hash(bucket, w)), w))

    def add(self, q: QuoteRef) -> None:
        """Index one quote (its bucket must be set) and store its edges to the quotes indexed before."""
        bucket, norm = q.bucket, self._norm(q)
        if bucket is None or not norm:
            return
        text_key = _hash(bucket, norm)
        row = self.conn.execute("SELECT quote_id FROM statement_texts WHERE key = ?", (text_key,)).fetchone()
        if row and row[0] != q.id:
            first = _quotes(self.conn, [row[0]]).get(row[0])
            if first is not None and first.bucket == bucket and self._norm(first) == norm:
                self._edge(Edge(first.id, q.id, 1.0))
                return
        self.conn.execute("INSERT OR REPLACE INTO statement_texts(key, quote_id) VALUES (?, ?)", (text_key, q.id))
        words = content(norm)
        rarest = self._rarest(bucket, words) if words else ""
        keys = [_hash(bucket, rarest)]
        found = {r[0] for k in keys for r in self.conn.execute("SELECT quote_id FROM statement_words WHERE key = ?",
                                                               (k,))}
        for w in words:
            found.update(r[0] for r in self.conn.execute("SELECT quote_id FROM statement_register WHERE key = ?",
                                                         (_hash(bucket, w),)))
        found.discard(q.id)
        others = _quotes(self.conn, found)
        for j in sorted(others):
            other = others[j]
            if other.bucket != bucket:
                continue
            e = near_duplicate(self._norm(other), norm, content(self._norm(other)), words)
            if e is not None:
                self._edge(Edge(j if e.a == 0 else q.id, q.id if e.a == 0 else j, e.similarity, e.fragment))
        self.conn.executemany("INSERT OR IGNORE INTO statement_words(key, quote_id) VALUES (?, ?)",
                              [(_hash(bucket, w), q.id) for w in (words or {""})])
        if words:  # registered under its rarest word: any of its words would find it, the rarest costs least
            self.conn.execute("INSERT OR IGNORE INTO statement_register(key, quote_id) VALUES (?, ?)",
                              (_hash(bucket, rarest), q.id))

    def remove(self, q: QuoteRef, bucket: str | None) -> None:
        """Take a quote out of the index as it was filed under ``bucket``, with its pairs."""
        self.conn.execute("DELETE FROM statement_edges WHERE a = ? OR b = ?", (q.id, q.id))
        if bucket is None:
            return
        norm = self._norm(q)
        words = content(norm)
        self.conn.execute("DELETE FROM statement_texts WHERE key = ? AND quote_id = ?", (_hash(bucket, norm), q.id))
        keys = [(_hash(bucket, w), q.id) for w in (words or {""})]
        self.conn.executemany("DELETE FROM statement_words WHERE key = ? AND quote_id = ?", keys)
        self.conn.executemany("DELETE FROM statement_register WHERE key = ? AND quote_id = ?", keys)

    def _edge(self, e: Edge) -> None:
        self.edges.append(e)
        self.conn.execute("INSERT OR REPLACE INTO statement_edges(a, b, similarity, fragment) VALUES (?,?,?,?)",
                          (e.a, e.b, e.similarity, int(e.fragment)))


def _statement_mates(conn: sqlite3.Connection, ids: Iterable[int]) -> set[int]:
    out: set[int] = set()
    for i in ids:
        out.update(r[0] for r in conn.execute(
            "SELECT m.quote_id FROM statement_reports r JOIN statement_reports m ON m.statement_id = r.statement_id "
            "WHERE r.quote_id = ?", (i,)))
    return out


def _reach(conn: sqlite3.Connection, seeds: set[int]) -> tuple[set[int], list[Edge]]:
    """The quotes the stored pairs connect to the seeds, and those pairs."""
    seen, edges = set(seeds), {}
    todo = deque(seeds)
    while todo:
        i = todo.popleft()
        for a, b, sim, frag in conn.execute("SELECT a, b, similarity, fragment FROM statement_edges WHERE a = ? "
                                            "UNION ALL SELECT a, b, similarity, fragment FROM statement_edges "
                                            "WHERE b = ?", (i, i)):
            edges[(a, b)] = Edge(a, b, sim, bool(frag))
            for k in (a, b):
                if k not in seen:
                    seen.add(k)
                    todo.append(k)
    return seen, list(edges.values())


def link_statements_batch(conn: sqlite3.Connection, moved: dict[int, str | None]) -> int:
    """Group the batch's quotes into statements (call inside a transaction, after the entity step): index them,
    re-index the quotes whose speaker entity changed (``moved``: quote id -> entity id before), and regroup the
    statements the new and changed pairs reach. Returns the number of statements rewritten."""
    index = _Index(conn)
    batch = [_ref(r) for r in conn.execute(f"SELECT {QUOTE_COLUMNS} FROM quotes q JOIN articles a ON a.id = "
                                           f"q.article_id WHERE q.article_id IN (SELECT id FROM _link_batch) AND "
                                           f"{ELIGIBLE}")]
    current = _quotes(conn, [i for i in moved if i not in {q.id for q in batch}])
    rekey = {}
    for qid, q in current.items():
        before = QuoteRef(q.id, q.article_id, q.speaker_key, q.text, q.date, q.speaker, moved[qid])
        if before.bucket != q.bucket:
            rekey[qid] = before.bucket
    again = _quotes(conn, _statement_mates(conn, rekey) | set(rekey))
    seeds = set(again) | {q.id for q in batch}
    for qid in again:  # a fragment that lost one of its containers may now join the others
        seeds.update(r[0] for r in conn.execute("SELECT a FROM statement_edges WHERE b = ? UNION SELECT b FROM "
                                                "statement_edges WHERE a = ?", (qid, qid)))
    for qid, q in again.items():
        index.remove(q, rekey.get(qid, q.bucket))
    for q in sorted([*again.values(), *batch], key=lambda q: (q.date is not None, q.date or "", q.id)):
        index.add(q)
    if not again:  # the usual batch: most new quotes join one statement or start their own, without regrouping
        seeds = _extend(conn, {q.id: q for q in batch}, index.edges)
        if not seeds:
            return len(batch)
    region, edges = _reach(conn, seeds)
    refs = _quotes(conn, region)
    old = {r[0] for i in region for r in conn.execute("SELECT statement_id FROM statement_reports WHERE quote_id = ?",
                                                      (i,))}
    conn.executemany("DELETE FROM statements WHERE id = ?", [(s,) for s in sorted(old)])
    groups = statements_from_edges(refs, [e for e in edges if e.a in refs and e.b in refs])
    for members in groups:
        _insert(conn, make_statement([refs[i] for i in members], report_similarity(members, edges)))
    return len(groups)


def _insert(conn: sqlite3.Connection, st: Statement) -> None:
    cur = conn.execute("INSERT INTO statements(speaker, speaker_entity_id, text, first_date, reports, articles, "
                       "main_quote_id) VALUES (?,?,?,?,?,?,?)",
                       (st.speaker, st.speaker_entity_id, st.text, st.first_date, len(st.reports),
                        len({a for _, a, _ in st.reports}), st.main))
    conn.executemany("INSERT INTO statement_reports(statement_id, quote_id, article_id, similarity) "
                     "VALUES (?,?,?,?)", [(cur.lastrowid, q, a, sim) for q, a, sim in st.reports])


def _extend(conn: sqlite3.Connection, new: dict[int, QuoteRef], edges: list[Edge]) -> set[int]:
    """The common case without regrouping: new quotes that are the same words (no fragment among their pairs)
    as at most one existing statement are added to it, or form statements of their own. Returns the new quotes
    left to the full regrouping (a fragment among their pairs, or statements to merge)."""
    parent = {i: i for i in new}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    touching: dict[int, set[int]] = {}  # existing quote -> its statement
    for e in edges:
        if e.a in new and e.b in new:
            parent[find(e.a)] = find(e.b)
        else:
            old = e.b if e.a in new else e.a
            touching[old] = {r[0] for r in conn.execute("SELECT statement_id FROM statement_reports WHERE quote_id = ?",
                                                         (old,))}
    joins: dict[int, set[int]] = {find(i): set() for i in new}
    hard: set[int] = set()
    for e in edges:
        root = find(e.a if e.a in new else e.b)
        if e.fragment:
            hard.add(root)
        if (e.a in new) != (e.b in new):
            joins[root] |= touching[e.b if e.a in new else e.a]
    hard |= {root for root, v in joins.items() if len(v) > 1}
    members: dict[int, list[int]] = {}
    for i in new:
        members.setdefault(find(i), []).append(i)
    best: dict[int, float] = {}
    for e in edges:
        for k in (e.a, e.b):
            best[k] = max(best.get(k, 0.0), e.similarity)
    for root, ids in members.items():
        if root in hard:
            continue
        if not joins[root]:
            _insert(conn, make_statement([new[i] for i in ids], best))
            continue
        sid = next(iter(joins[root]))
        row = conn.execute("SELECT reports, first_date, main_quote_id, speaker, speaker_entity_id, text, articles "
                           "FROM statements WHERE id = ?", (sid,)).fetchone()
        mine = set(ids)
        for k in {k for e in edges if mine & {e.a, e.b} for k in (e.a, e.b) if k not in new}:
            conn.execute("UPDATE statement_reports SET similarity = CASE WHEN ? = 1 THEN ? ELSE max(similarity, ?) "
                         "END WHERE statement_id = ? AND quote_id = ?", (row[0], best[k], best[k], sid, k))
        main = _quotes(conn, [row[2]]).get(row[2]) if row[2] is not None else None
        st = make_statement([new[i] for i in ids] + ([main] if main else []), best)
        conn.executemany("INSERT INTO statement_reports(statement_id, quote_id, article_id, similarity) "
                         "VALUES (?,?,?,?)", [(sid, q, a, sim) for q, a, sim in st.reports if q in mine])
        dates = [d for d in (row[1], st.first_date) if d]
        now = {"speaker": st.speaker, "speaker_entity_id": st.speaker_entity_id, "text": st.text,
               "first_date": min(dates) if dates else None, "main_quote_id": st.main,
               "articles": conn.execute("SELECT count(DISTINCT article_id) FROM statement_reports WHERE "
                                        "statement_id = ?", (sid,)).fetchone()[0]}
        was = dict(zip(("first_date", "main_quote_id", "speaker", "speaker_entity_id", "text", "articles"), row[1:]))
        changed = {k: v for k, v in now.items() if v != was[k]}  # only these: a column set moves its index entries
        conn.execute(f"UPDATE statements SET {''.join(f'{k} = :{k}, ' for k in changed)}reports = reports + :n "
                     "WHERE id = :id", {**changed, "n": len(ids), "id": sid})
    return {i for root in hard for i in members[root]}
