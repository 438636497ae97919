"""Article-body extraction quality: onrecord's HTML reader against plain trafilatura.

Data: the Zyte/ScrapingHub article-extraction benchmark (181 pages, ``html/<id>.html.gz`` and
``ground-truth.json``). Metric: the upstream ``evaluate.py`` one, reimplemented here: per page,
counts of true/false positive and false negative 4-token shingles (``\\w+`` tokens), normalised by
their sum, precision and recall averaged over pages, F1 from the averages.

Usage: python bench/html_extraction.py /work/shared/corpus/article_extraction [--limit N]
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

_TOKEN = re.compile(r"\w+", re.UNICODE)
Counts = tuple[float, float, float]


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of n-token shingles; a text shorter than n tokens is one (short) shingle."""
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def shingle_counts(true: str, pred: str) -> Counts:
    """(tp, fp, fn) over shingles, normalised to sum to 1 so that long pages do not weigh more."""
    t, p = shingles(true), shingles(pred)
    tp = float(sum((t & p).values()))
    fp = float(sum((p - t).values()))
    fn = float(sum((t - p).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def score(counts: list[Counts]) -> dict[str, float]:
    """Precision and recall averaged over pages (as upstream: pages with no prediction/truth skipped)."""
    precision = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
    f1 = 2 * precision * recall / (precision + recall)
    return {"precision": precision, "recall": recall, "f1": f1}


def load_corpus(path: Path, limit: int | None = None) -> list[tuple[str, str, str, str]]:
    """(id, html, url, true article body) for each page, in id order."""
    truth = json.loads((path / "ground-truth.json").read_text(encoding="utf-8"))
    items = []
    for key in sorted(truth)[:limit]:
        with gzip.open(path / "html" / f"{key}.html.gz", "rt", encoding="utf-8") as f:
            items.append((key, f.read(), truth[key].get("url", ""), truth[key].get("articleBody", "")))
    return items


def run(name: str, extract: Callable[[str, str], str | None],
        items: list[tuple[str, str, str, str]]) -> dict[str, float]:
    """Extract every page with ``extract(html, url)`` and score it; adds pages/s."""
    counts = []
    start = time.perf_counter()
    preds = [extract(html, url) or "" for _, html, url, _ in items]
    elapsed = time.perf_counter() - start
    for pred, (_, _, _, true) in zip(preds, items):
        counts.append(shingle_counts(true, pred))
    metrics = score(counts)
    metrics["pages_per_s"] = len(items) / elapsed if elapsed else float("inf")
    print(f"{name:<34} precision={metrics['precision']:.3f} recall={metrics['recall']:.3f} "
          f"F1={metrics['f1']:.3f}  {metrics['pages_per_s']:.1f} pages/s", flush=True)
    return metrics


def _onrecord(html: str, url: str) -> str | None:
    from onrecord.errors import InputError
    from onrecord.ingest.html import read_html

    try:
        return read_html(html, "bench", url=url).text
    except InputError:
        return None


def _trafilatura_upstream(html: str, url: str) -> str | None:
    import trafilatura

    # As the benchmark's own runner (extractors/run_trafilatura.py) calls it.
    return trafilatura.extract(html, include_comments=False)


def _trafilatura_defaults(html: str, url: str) -> str | None:
    import trafilatura

    return trafilatura.extract(html)


def main(argv: list[str] | None = None) -> int:
    """Score both extractors on the corpus and print one comparison line at the end."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="article_extraction corpus folder (html/, ground-truth.json)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages (by id)")
    args = parser.parse_args(argv)
    if not (args.path / "ground-truth.json").exists():
        parser.error(f"{args.path} has no ground-truth.json")
    items = load_corpus(args.path, args.limit)
    print(f"{len(items)} pages")
    traf = run("trafilatura (benchmark runner)", _trafilatura_upstream, items)
    run("trafilatura (all defaults)", _trafilatura_defaults, items)
    ours = run("onrecord read_html", _onrecord, items)
    print(f"onrecord F1={ours['f1']:.3f} trafilatura F1={traf['f1']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
