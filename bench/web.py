"""The cost of one web request on a large store: every page and API endpoint, for the entities with the most
quotes, stances and contradictions (the worst cases), timed in process through the ASGI app.

    python bench/web.py STORE [--build ARTICLES] [--repeat 5] [--concurrent 10] [--json OUT] [--check]

STORE is any onrecord store; ``--build 7400`` first synthesises one of 7,400 articles (about 100,000 quotes: the
five sample articles give 13.8 quotes an article) there with ``bench/link.py``'s builder (the sample articles'
analysed rows copied under new ids and names, then linked in full), unless the file exists. Prints, per URL, the
best, median, 95th percentile and worst of ``--repeat`` requests in milliseconds (and the median CPU time, which a
busy machine inflates less), the size of the response and, for a list, how many of its facets were counted in their
time (issue 26: every facet counted on a 100,000-quote store, every page under 200 ms median), then the slowest URL
and the pages over 200 ms or with a facet not counted (``--check``: exit 1 when there is any). The claim (issue 12):
no single request costs more than about 100 ms on a store of 100,000 quotes, whoever it asks about. Then
``onrecord serve`` (uvicorn) is started on the store and ``--concurrent`` clients request the page of the most
quoted entity at once, as a cheap denial of service would: each request's wall time is printed.
Needs the test extra (httpx, for Starlette's TestClient).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.testclient import TestClient

from onrecord.web.app import create_app


def build(path: str, articles: int) -> None:
    """A linked store of ``articles`` synthetic articles at ``path``, made by ``bench/link.py``'s builder."""
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import link as synth  # bench/link.py

    with tempfile.TemporaryDirectory() as tmp:
        made = synth.build(path, articles, synth.make_template(None, 0, tmp))
    print(f"built {path}: {made['articles']:,} articles, {made['quotes']:,} quotes in {made['build_s']:.0f} s, "
          f"linked in {made['full_link_s']:.0f} s", flush=True)


def worst_cases(path: str) -> dict[str, str]:
    """Ids of the entities, article and statement a request costs most for."""
    c = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def one(sql: str) -> str:
        row = c.execute(sql).fetchone()
        return str(row[0]) if row else ""

    out = {
        "most_quoted": one("SELECT speaker_entity_id FROM quotes WHERE speaker_entity_id IS NOT NULL "
                           "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"),
        "most_stances": one("SELECT holder_entity_id FROM stances WHERE holder_entity_id IS NOT NULL "
                            "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"),
        "most_targeted": one("SELECT target_entity_id FROM stances WHERE target_entity_id IS NOT NULL "
                             "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"),
        "most_contradicted": one("SELECT s.holder_entity_id FROM contradictions c JOIN stances s ON s.id = "
                                 "c.claim_id WHERE s.holder_entity_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC "
                                 "LIMIT 1"),
        "article": one("SELECT article_id FROM quotes GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"),
        "statement": one("SELECT id FROM statements ORDER BY reports DESC LIMIT 1"),
        "word": "minister",
    }
    c.close()
    return out


def urls(ids: dict[str, str]) -> list[str]:
    """The requests to time: each list (plain, filtered, deep), each tab of the worst entities, the API."""
    people = sorted({ids[k] for k in ("most_quoted", "most_stances", "most_targeted", "most_contradicted") if ids[k]})
    out = ["/", f"/?q={ids['word']}", "/articles", "/articles?offset=5000", "/quotes", "/quotes?offset=10000",
           "/quotes?_sort=speaker", "/quotes?_sort_desc=confidence", "/quotes?kind=direct", f"/quotes?q={ids['word']}",
           "/quotes?since=2016&until=2016", "/quotes?min_confidence=0", "/stances", "/stances?since=2016",
           "/stances?_sort_desc=date", "/stances?_sort=label", "/statements", "/statements?min_articles=1",
           "/statements?_sort_desc=articles", "/contradictions", "/contradictions.json", "/entities",
           "/entities?_sort_desc=quotes_by", "/entities?type=person", f"/entities?q={ids['word']}", "/quotes.csv",
           "/entities.json",
           "/api/quotes", "/api/entities", "/api/stances", "/api/statements", "/api/contradictions",
           f"/api/search?q={ids['word']}"]
    if ids["article"]:
        out += [f"/articles/{quote(ids['article'])}", f"/api/articles/{quote(ids['article'])}"]
    if ids["statement"]:
        out += [f"/statements/{ids['statement']}", f"/api/statements/{ids['statement']}"]
    for e in people:
        p = quote(e, safe="")
        out += [f"/entities/{p}", *(f"/entities/{p}?tab={t}" for t in ("said", "others", "stances", "claims",
                                                                          "statements", "roles", "descriptions")),
                f"/entities/{p}?tab=said&said=1000", f"/entities/{p}?min_confidence=0",
                f"/quotes?by={p}", f"/stances?holder={p}", f"/stances?target={p}", f"/contradictions?name={p}",
                f"/statements?by={p}", f"/api/entities/{p}", f"/api/quotes?by={p}", f"/api/timeline?name={p}",
                f"/api/contradictions?name={p}"]
    return out


def concurrent(store: str, url: str, clients: int) -> list[float]:
    """Seconds each of ``clients`` simultaneous requests for ``url`` takes from a real ``onrecord serve``."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", "from onrecord.cli import main; main()", "serve", "--db", store,
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/", timeout=5).read()
                break
            except OSError:
                time.sleep(0.1)

        def one(_: int) -> float:
            t0 = time.perf_counter()
            urllib.request.urlopen(base + url, timeout=300).read()
            return time.perf_counter() - t0

        one(0)
        with ThreadPoolExecutor(clients) as pool:
            return list(pool.map(one, range(clients)))
    finally:
        server.terminate()
        server.wait(30)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--concurrent", type=int, default=10, help="simultaneous clients of a real server (0: none)")
    ap.add_argument("--json", help="write the timings here")
    ap.add_argument("--check", action="store_true", help="exit 1 when a page's median is over 200 ms or one of its "
                    "facets was not counted")
    ap.add_argument("--build", type=int, metavar="ARTICLES", help="synthesise a store of this many articles first "
                    "(unless STORE exists)")
    args = ap.parse_args(argv)
    if args.build and not Path(args.store).exists():
        build(args.store, args.build)
    c = sqlite3.connect(f"file:{args.store}?mode=ro", uri=True)
    sizes = {t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
             for t in ("articles", "quotes", "stances", "entities", "statements", "contradictions")}
    c.close()
    print("store:", ", ".join(f"{n:,} {t}" for t, n in sizes.items()))
    ids = worst_cases(args.store)
    print("worst cases:", json.dumps(ids))
    rows: list[dict[str, Any]] = []
    with TestClient(create_app(args.store)) as client:
        client.get("/")  # templates compiled, connection opened
        for url in urls(ids):
            times, cpu = [], []
            for _ in range(args.repeat):
                t0, c0 = time.perf_counter(), time.process_time()
                r = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
            facets = re.findall(r'<section class="facet" data-facet="[^"]+">\s*<h3>[^<]*</h3>\s*(<p class="muted '
                                r'small not-counted">)?', r.text) if "html" in r.headers.get("content-type", "") else []
            counted = f"{sum(not f for f in facets)}/{len(facets)} facets" if facets else ""
            p95 = statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]
            rows.append({"url": url, "status": r.status_code, "best_ms": min(times),
                         "median_ms": statistics.median(times), "p95_ms": p95, "worst_ms": max(times),
                         "cpu_median_ms": statistics.median(cpu), "kb": len(r.content) / 1024,
                         "facets": len(facets), "facets_counted": sum(not f for f in facets)})
            print(f"{min(times):8.1f} {statistics.median(times):8.1f} {p95:8.1f} {max(times):8.1f} ms "
                  f"(CPU {statistics.median(cpu):6.1f})  {r.status_code}  "
                  f"{len(r.content) / 1024:7.1f} KB  {counted:>11}  {url}", flush=True)
    slow = max(rows, key=lambda r: r["median_ms"])
    over = [r for r in rows if r["median_ms"] > 200]
    uncounted = [r for r in rows if r["facets_counted"] < r["facets"]]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (CPU ms: this process's, all threads)")
    print(f"slowest: {slow['url']} {slow['median_ms']:.1f} ms (median of {args.repeat}); "
          f"{len(over)} of {len(rows)} requests over 200 ms (median); facets counted: "
          f"{sum(r['facets_counted'] for r in rows)} of {sum(r['facets'] for r in rows)}")
    for r in over:
        print(f"  over 200 ms: {r['url']} {r['median_ms']:.1f} ms (CPU {r['cpu_median_ms']:.1f})")
    for r in uncounted:
        print(f"  not every facet counted: {r['url']} {r['facets_counted']}/{r['facets']}")
    bad = [r for r in rows if r["status"] >= 500]
    if args.check:
        bad += over + uncounted
    together: list[float] = []
    if args.concurrent and ids["most_quoted"]:
        url = "/entities/" + quote(ids["most_quoted"], safe="")
        together = concurrent(args.store, url, args.concurrent)
        print(f"{args.concurrent} clients at once on {url} (onrecord serve): "
              f"{' '.join(f'{t * 1000:.0f}' for t in sorted(together))} ms; slowest {max(together) * 1000:.0f} ms")
    if args.json:
        Path(args.json).write_text(json.dumps({"store": sizes, "ids": ids, "requests": rows,
                                               "concurrent_s": together}, indent=1))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
