"""Linking at scale: the time and peak memory to link 10 new articles into a large store and into a 1,000-article store
(the claim: the cost per new article does not grow with the store), one article of 5,000 quotes by one speaker
through the statement grouping and through a real ingest, and the reads behind the entity page on the large store.

    python bench/link.py STORE_SIZE [--small 1000] [--new 10] [--corpus DIR] [--templates 40] [--json OUT]
    python bench/link.py --sizes 1000,4000,12000 [--trials 3] [--keep DIR]   (CPU per new article and pages
                                                                               written, by store size)

The stores are synthesised, so no corpus is needed: the five sample articles (or, with --corpus, up to --templates
.txt files under DIR, e.g. ../shared/corpus/polnear) are ingested once for real, then their analysed rows (clusters,
mentions, roles, descriptors, quotes, stances) are copied under new article ids, ten articles at a time sharing one
set of names: every capitalised word of a person's, organisation's or group's name gets a made-up stand-in in that
set ("Jeremy Corbyn" -> "Dakovin Selutar"), so a store of N articles holds about N/10 times the sample's people and
organisations, each in ten articles, while countries and the people the role file names for role mentions (Theresa
May as "the Prime Minister") recur in every article, as popular entities do. The article text of a copy is a
one-line placeholder (linking reads the analysed rows, never the text), which keeps a 100,000-article store at a few GB.
The store is then linked in full (timed: the full relink), the new articles are copied in (their names drawn from
the store's existing sets, so they join existing entities), and linking them is timed in a fresh process, with its
peak RSS (``ru_maxrss``, interpreter and imports included; the RSS before linking is printed beside it).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
GROUP = 10  # articles sharing one set of names
SEED = 7
NAMED = ("person", "organisation", "group")
ROW_TABLES = ("article_entities", "entity_mentions", "entity_role_assertions", "entity_descriptors", "role_mentions",
              "quotes", "stances")
SKIP = {"id", "speaker_entity_id", "on_behalf_of_entity_id", "holder_entity_id", "target_entity_id", "entity_id",
        "node", "speaker_node", "behalf_node", "holder_key"}

LINK_ONLY = r"""
import collections, json, os, resource, struct, sys, time
from onrecord.store import Store
from onrecord.link import link
store = Store(sys.argv[1])
wal = sys.argv[1] + "-wal"
nockpt = sys.argv[2:] == ["nockpt"]
if nockpt:  # no WAL checkpoint during the link, to show its share (and count the pages it writes)
    store.conn.execute("PRAGMA wal_autocheckpoint = 0")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0, c0 = time.perf_counter(), time.process_time()
report = link(store, [])
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
pages = {}
if nockpt:  # the distinct pages in the WAL (every page the link wrote), by the table whose b-tree holds them
    data = open(wal, "rb").read()
    size = struct.unpack(">I", data[8:12])[0]
    written = {struct.unpack(">I", data[o:o + 4])[0] for o in range(32, len(data) - size - 23, size + 24)}
    owner = {p: n for n, p in store.conn.execute("SELECT name, pageno FROM dbstat")}
    table = dict(store.conn.execute("SELECT name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index')"))
    pages = dict(collections.Counter(table.get(owner.get(p, ""), "other") for p in written).most_common())
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "articles": report.articles, "batches": report.batches,
                  "full": report.full,
                  "max_lock_s": max(report.seconds, default=0.0), "rss_before_mb": before,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "pages": sum(pages.values()), "pages_by_table": pages}), flush=True)
os._exit(0)  # before the connection closes (which checkpoints)
"""


class Template:
    """The analysed rows of the template articles, and the words of their names to vary."""

    def __init__(self, path: str) -> None:
        c = sqlite3.connect(path)
        c.row_factory = sqlite3.Row
        self.articles = [dict(r) for r in c.execute("SELECT * FROM articles ORDER BY id")]
        self.rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for table in ROW_TABLES:
            by: dict[str, list[dict[str, Any]]] = {}
            for r in c.execute(f"SELECT * FROM {table}"):
                by.setdefault(r["article_id"], []).append({k: r[k] for k in r.keys() if k not in SKIP})
            self.rows[table] = by
        words = set()
        for by in self.rows["article_entities"].values():
            for r in by:
                if r["type"] in NAMED:
                    words |= {w for w in r["name"].split() if w[:1].isupper() and w.isalpha()}
        self.words = words
        self.lower = {w.lower() for w in words}
        self.types = {(a, r["n"]): r["type"] for a, by in self.rows["article_entities"].items() for r in by}
        self.made: dict[tuple[str, int], str] = {}

    def made_up(self, word: str, g: int) -> str:
        """The word's stand-in in name set ``g``: a made-up name, the same wherever the word is written."""
        key = (word.lower(), g)
        if key not in self.made:
            rng = random.Random(f"{word.lower()}/{g}")
            self.made[key] = "".join(rng.choice("bcdfghjklmnprstvz") + rng.choice("aeiou")
                                     for _ in range(rng.randint(2, 4))) + rng.choice("nrsk")
        out = self.made[key]
        return out.capitalize() if word[:1].isupper() else out

    def rename(self, text: str | None, g: int) -> str | None:
        if not text:
            return text
        return " ".join(self.made_up(w, g) if w in self.words else w for w in text.split(" "))

    def rename_key(self, key: str, g: int) -> str:
        prefix, _, value = key.partition(":")
        if prefix not in ("person", "name"):
            return key
        return prefix + ":" + " ".join(self.made_up(w, g) if w in self.lower else w for w in value.split(" "))

    def copy(self, t: int, aid: str, g: int) -> dict[str, list[dict[str, Any]]]:
        """The rows of template ``t`` as article ``aid`` with name set ``g``."""
        src = self.articles[t]
        art = {**{k: v for k, v in src.items() if k not in SKIP}, "id": aid,
               "content_hash": hashlib.sha256(aid.encode()).hexdigest(), "source": f"synthetic/{aid}",
               "text": f"Synthetic copy {aid} of {src['id']}."}
        out: dict[str, list[dict[str, Any]]] = {"articles": [art]}
        for table in ROW_TABLES:
            rows = []
            for r in self.rows[table].get(src["id"], []):
                r = {**r, "article_id": aid}
                if table == "article_entities" and r["type"] in NAMED:
                    r["name"] = self.rename(r["name"], g)
                elif table == "entity_mentions" and self.types.get((src["id"], r["n"])) in NAMED:
                    r["text"] = self.rename(r["text"], g)
                elif table == "quotes":
                    for k in ("speaker", "on_behalf_of", "speaker_mention"):
                        r[k] = self.rename(r[k], g)
                elif table == "stances":
                    for k in ("holder", "on_behalf_of", "target", "reported_by", "reporter_for"):
                        r[k] = self.rename(r[k], g)
                    keys = json.loads(r["target_keys"] or "[]")
                    r["target_keys"] = json.dumps([self.rename_key(k, g) for k in keys])
                rows.append(r)
            out[table] = rows
        return out


def insert(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    if rows:
        cols = list(rows[0])
        conn.executemany(f"INSERT INTO {table}({','.join(chr(34) + c + chr(34) for c in cols)}) VALUES "
                         f"({','.join('?' * len(cols))})", [[r[c] for c in cols] for r in rows])


def make_template(corpus: str | None, limit: int, workdir: str) -> Template:
    from onrecord.models import Overrides
    from onrecord.pipeline import ingest, load_manifest
    from onrecord.store import Store

    path = os.path.join(workdir, "template.db")
    if corpus:
        files = sorted(str(p) for p in Path(corpus).rglob("*.txt"))[:limit]
        overrides = Overrides()
    else:
        examples = REPO / "examples" / "articles"
        files = sorted(str(p) for p in examples.glob("*.txt"))
        overrides = Overrides(manifest=load_manifest(str(examples / "manifest.jsonl")))
    with Store(path) as store:
        ingest(files, store, overrides=overrides, workers=1, any_language=True)
    return Template(path)


def build(path: str, n: int, tpl: Template) -> dict[str, float]:
    """A store of ``n`` synthetic analysed articles, then linked in full."""
    from onrecord.link import link
    from onrecord.store import Store

    t0 = time.perf_counter()
    with Store(path) as store:
        conn = store.conn
        conn.execute("PRAGMA synchronous = OFF")
        for start in range(0, n, 1000):
            with store.transaction():
                for k in range(start, min(n, start + 1000)):
                    for table, rows in tpl.copy(k % len(tpl.articles), f"s{k:07d}", k // GROUP).items():
                        insert(conn, table, rows)
        built = time.perf_counter() - t0
        t1 = time.perf_counter()
        report = link(store)
        linked = time.perf_counter() - t1
        conn.execute("PRAGMA synchronous = NORMAL")
        quotes = conn.execute("SELECT count(*) FROM quotes").fetchone()[0]
    return {"articles": n, "quotes": quotes, "build_s": built, "full_link_s": linked,
            "full_link_max_lock_s": max(report.seconds, default=0.0), "db_mb": os.path.getsize(path) / 2**20}


def add_new(path: str, n_old: int, count: int, tpl: Template, rng: random.Random) -> None:
    """``count`` new articles whose names are sets already in the store (they join existing entities)."""
    from onrecord.store import Store

    with Store(path) as store, store.transaction() as conn:
        for i in range(count):
            k = n_old + i
            g = rng.randrange(max(1, n_old // GROUP))
            for table, rows in tpl.copy(k % len(tpl.articles), f"n{k:07d}", g).items():
                insert(conn, table, rows)


def link_new(path: str, checkpoint: bool = True) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", LINK_ONLY, path, *([] if checkpoint else ["nockpt"])],
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    return json.loads(out.stdout.strip().splitlines()[-1])


def quotes_of_one_speaker(n: int, seed: int = SEED) -> list[str]:
    """``n`` different remarks in one frame (the shape that merged 5,000 quotes into one statement)."""
    rng = random.Random(seed)
    vocab = ("economy taxes trade border wall jobs health schools roads bridges energy oil coal wind solar farms "
             "factories workers families veterans police courts judges voters election campaign media allies army "
             "navy budget deficit debt banks markets wages prices housing rent water climate science").split()
    out = []
    for i in range(n):
        a, b, c = rng.sample(vocab, 3)
        out.append(f"We will fix the {a} and the {b} by {i + 2} percent, and our {c} plan number {i * 7 + 3} "
                   f"starts now")
    return out


def five_thousand(workdir: str, n: int) -> dict[str, float]:
    from onrecord.link import link
    from onrecord.link.statements import QuoteRef, group_statements
    from onrecord.pipeline import ingest
    from onrecord.store import Store

    texts = quotes_of_one_speaker(n)
    refs = [QuoteRef(i, "a", "person:holloway", t, "2020-01-01", "Jane Holloway", "person:jane-holloway")
            for i, t in enumerate(texts)]
    t0 = time.perf_counter()
    groups = group_statements(refs)
    grouping = time.perf_counter() - t0
    body = ("Holloway lays out her plans\n\nSenator Jane Holloway spoke to reporters in Springfield on Tuesday.\n\n"
            + "\n\n".join(f"\u201c{t},\u201d Holloway said." for t in texts) + "\n")
    src = os.path.join(workdir, "speech.txt")
    Path(src).write_text(body, encoding="utf-8")
    with Store(os.path.join(workdir, "speech.db")) as store:
        t1 = time.perf_counter()
        ingest([src], store, workers=1)
        ingested = time.perf_counter() - t1
        t2 = time.perf_counter()
        link(store)
        relinked = time.perf_counter() - t2
        quotes = store.conn.execute("SELECT count(*) FROM quotes").fetchone()[0]
        biggest = store.conn.execute("SELECT max(reports) FROM statements").fetchone()[0]
        statements = store.conn.execute("SELECT count(*) FROM statements").fetchone()[0]
    return {"group_statements_s": grouping, "group_statements_groups": len(groups), "ingest_s": ingested,
            "ingest_quotes": quotes, "ingest_statements": statements, "ingest_largest_statement": biggest,
            "relink_s": relinked}


def best_ms(fn: Any, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times) * 1000


def page_reads(path: str) -> dict[str, Any]:
    """The entity page's reads for the store's most quoted, most mentioned and most quoted-about entities."""
    import onrecord

    out: dict[str, Any] = {}
    with onrecord.open(path) as api:
        c = api.conn
        picks = {
            "most quotes": c.execute("SELECT speaker_entity_id FROM quotes WHERE speaker_entity_id IS NOT NULL "
                                     "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0],
            "most articles": c.execute("SELECT entity_id FROM article_entities WHERE entity_id IS NOT NULL "
                                       "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0],
            "most role mentions": c.execute("SELECT entity_id FROM role_mentions WHERE entity_id IS NOT NULL "
                                            "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0],
        }
        for label, eid in picks.items():
            ent = api.entity(eid)
            out[f"{label}: {eid}"] = {
                "quotes_by": ent.quotes_by, "quotes_about": ent.quotes_about, "articles": ent.articles,
                "entity_ms": best_ms(lambda e=eid: api.entity(e)),
                "quotes_by_page_ms": best_ms(lambda e=eid: api.quotes(by=e, limit=20)),
                "stances_page_ms": best_ms(lambda e=eid: api.stances(holder=e, limit=20)),
                "statements_page_ms": best_ms(lambda e=eid: api.statements(by=e, limit=20)),
            }
        out["entities list (100)"] = {"ms": best_ms(lambda: api.entities(limit=100))}
    return out


def scaling(workdir: str, sizes: list[int], trials: int, count: int, tpl: Template) -> dict[str, Any]:
    """CPU ms per new article at each store size, the median of ``trials`` (each links ``count`` new articles,
    drawn with its own seed, into a fresh copy of the store built once), with and without the WAL checkpoint
    a batch may trigger, and the pages the link writes (the WAL's distinct pages when nothing is checkpointed), by
    table. A store already in ``workdir`` (``--keep``) is reused (and migrated when it is older)."""
    import shutil

    out: dict[str, Any] = {}
    for n in sizes:
        base = os.path.join(workdir, f"scale{n}.db")
        if not os.path.exists(base):
            build(base, n, tpl)
        runs: dict[str, list[float]] = {"cpu_ms": [], "cpu_ms_no_checkpoint": [], "pages": []}
        tables: dict[str, list[int]] = {}
        for trial in range(trials):
            for key, checkpoint in (("cpu_ms", True), ("cpu_ms_no_checkpoint", False)):
                path = os.path.join(workdir, f"scale{n}.trial.db")
                for p in (path, path + "-wal", path + "-shm"):
                    if os.path.exists(p):
                        os.remove(p)
                shutil.copy(base, path)
                add_new(path, n, count, tpl, random.Random(SEED + trial))
                new = link_new(path, checkpoint)
                runs[key].append(1000 * new["cpu_seconds"] / max(1, new["articles"]))
                if not checkpoint:  # the pages the link wrote, from the WAL it left
                    runs["pages"].append(new["pages"])
                    for table, pages in new["pages_by_table"].items():
                        tables.setdefault(table, []).append(pages)
        out[str(n)] = {k: sorted(v)[len(v) // 2] for k, v in runs.items()} | {"runs": runs} | {
            "pages_by_table": {t: sorted(v)[len(v) // 2] for t, v in tables.items()}}
        top = sorted(out[str(n)]["pages_by_table"].items(), key=lambda kv: -kv[1])[:4]
        print(f"{n:,} articles: CPU per new article {out[str(n)]['cpu_ms']:.1f} ms, without the WAL checkpoint "
              f"{out[str(n)]['cpu_ms_no_checkpoint']:.1f} ms (medians of {trials}: "
              f"{', '.join(f'{x:.1f}' for x in runs['cpu_ms'])} / "
              f"{', '.join(f'{x:.1f}' for x in runs['cpu_ms_no_checkpoint'])}); pages written by the link "
              f"{out[str(n)]['pages']:,} ({', '.join(f'{t} {p:,}' for t, p in top)})", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", type=int, nargs="?", help="articles in the large store")
    ap.add_argument("--sizes", help="instead: comma-separated store sizes, CPU per new article at each (medians)")
    ap.add_argument("--trials", type=int, default=3, help="with --sizes: trials per size")
    ap.add_argument("--small", type=int, default=1000, help="articles in the small store")
    ap.add_argument("--new", type=int, default=10, help="new articles linked into each store")
    ap.add_argument("--corpus", help="a folder of .txt articles to use as templates instead of the five samples")
    ap.add_argument("--templates", type=int, default=40, help="how many corpus files to use as templates")
    ap.add_argument("--quotes", type=int, default=5000, help="quotes of one speaker in one article")
    ap.add_argument("--keep", help="a folder to keep the stores in (default: a temporary one)")
    ap.add_argument("--json", help="write the figures here too")
    args = ap.parse_args()
    sys.path.insert(0, str(REPO / "src"))
    workdir = args.keep or tempfile.mkdtemp(prefix="onrecord-link-")
    os.makedirs(workdir, exist_ok=True)
    print(f"load average {os.getloadavg()[0]:.2f}; stores in {workdir}", flush=True)
    tpl = make_template(args.corpus, args.templates, workdir)
    print(f"templates: {len(tpl.articles)} articles, {len(tpl.words)} name words varied", flush=True)
    if args.sizes:
        scaled = scaling(workdir, [int(x) for x in args.sizes.split(",")], args.trials, args.new, tpl)
        if args.json:
            Path(args.json).write_text(json.dumps(scaled, indent=2), encoding="utf-8")
        return
    if args.size is None:
        ap.error("give STORE_SIZE or --sizes")
    results: dict[str, Any] = {"size": args.size, "small": args.small, "new": args.new}
    rng = random.Random(SEED)
    for label, n in (("small", args.small), ("large", args.size)):
        path = os.path.join(workdir, f"{label}.db")
        for p in (path, path + "-wal", path + "-shm"):
            if os.path.exists(p):
                os.remove(p)
        built = build(path, n, tpl)
        print(f"{label} store: {built['articles']:,} articles, {built['quotes']:,} quotes, {built['db_mb']:,.0f} MB; "
              f"built in {built['build_s']:.1f} s, full link {built['full_link_s']:.1f} s "
              f"(longest transaction {built['full_link_max_lock_s']:.2f} s)", flush=True)
        add_new(path, n, args.new, tpl, rng)
        new = link_new(path)
        print(f"  link {new['articles']} new articles: {new['seconds']:.3f} s "
              f"({1000 * new['seconds'] / max(1, new['articles']):.1f} ms per article, CPU "
              f"{1000 * new['cpu_seconds'] / max(1, new['articles']):.1f} ms, {new['batches']} batch(es), "
              f"longest transaction {new['max_lock_s']:.3f} s), peak RSS {new['peak_rss_mb']:.0f} MB "
              f"(before linking {new['rss_before_mb']:.0f} MB)", flush=True)
        results[label] = {**built, "link_new": new}
        if label == "large":
            results["page_reads"] = page_reads(path)
            for what, figures in results["page_reads"].items():
                print(f"  entity page, {what}: " + ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}"
                                                             for k, v in figures.items()), flush=True)
    one = five_thousand(workdir, args.quotes)
    results["one_speaker"] = one
    print(f"{args.quotes:,} quotes by one speaker: group_statements {one['group_statements_s']:.2f} s "
          f"({one['group_statements_groups']:,} statements); real ingest of the article {one['ingest_s']:.1f} s "
          f"({one['ingest_quotes']:,} quotes, {one['ingest_statements']:,} statements, the largest of "
          f"{one['ingest_largest_statement']} reports), its relink {one['relink_s']:.2f} s", flush=True)
    small, large = results["small"]["link_new"], results["large"]["link_new"]
    print(f"per new article: {1000 * small['seconds'] / max(1, small['articles']):.1f} ms at {args.small:,} "
          f"articles, {1000 * large['seconds'] / max(1, large['articles']):.1f} ms at {args.size:,} (CPU "
          f"{1000 * small['cpu_seconds'] / max(1, small['articles']):.1f} and "
          f"{1000 * large['cpu_seconds'] / max(1, large['articles']):.1f} ms: wall time counts other processes' "
          f"load)")
    print(f"this process's peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
