"""Serializers for typed records: aligned text tables, JSON Lines and CSV."""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from onrecord.models import ContradictionRecord, EntityDetail, StanceRecord

# what must not reach a terminal raw: C0 and C1 controls (newlines, ESC, CSI), DEL, line and paragraph
# separators, bidirectional overrides (they reorder what follows them) and surrogates
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                          "\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    code = ord(c)
    return _NAMED.get(c) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    """The text safe to print on one terminal line: control characters, line separators, bidi overrides and
    surrogates shown escaped (``\\n``, ``\\x1b``, ``\\u202e``), since a file name or a field may hold anything."""
    return _UNPRINTABLE.sub(_escape, text)


def _cell(v: Any, width: int) -> str:
    s = "" if v is None else str(v)
    s = printable(" ".join(s.split()))
    return s if len(s) <= width else s[: width - 1] + "…"


def table(rows: Iterable[dict[str, Any]], columns: Sequence[str], widths: dict[str, int] | None = None,
          width: int | None = None) -> str:
    """A plain aligned table; long cells are cut with an ellipsis (at ``widths``, 40 by default), and the widest
    columns are cut further until a line fits in ``width`` characters (a terminal's) when it is given."""
    widths = widths or {}
    cells = [[_cell(r.get(c), widths.get(c, 40)) for c in columns] for r in rows]
    size = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    if width is not None:
        # ids and dates are kept whole while anything else can give: a cut id cannot be looked up
        size = _fit(size, [s if c in ("id", "date") else min(len(c), s) for c, s in zip(columns, size)],
                    width - 2 * (len(columns) - 1),
                    [widths.get(c, 40) >= 50 for c in columns], columns)
        cells = [[_cell(v, size[i]) for i, v in enumerate(row)] for row in cells]
    lines = ["  ".join(_cell(c, size[i]).ljust(size[i]) for i, c in enumerate(columns)).rstrip(),
             "  ".join("-" * size[i] for i in range(len(columns)))]
    lines += ["  ".join(v.ljust(size[i]) for i, v in enumerate(row)).rstrip() for row in cells]
    return "\n".join(lines)


def _fit(size: list[int], floor: list[int], room: int, text: list[bool], headers: Sequence[str]) -> list[int]:
    """Column sizes summing to at most ``room``: the short columns give up characters first (the widest first,
    down to 10 or their header), then the text columns (down to their header), and only then ids and dates."""
    size = list(size)
    for phase in range(3):
        if phase == 0:
            low = [s if text[i] else max(f, min(s, 10)) for i, (f, s) in enumerate(zip(floor, size))]
        elif phase == 1:
            low = [f if text[i] else s for i, (f, s) in enumerate(zip(floor, size))]
        else:  # nothing else can give: every column down to its header (or 6)
            low = [min(s, max(6, len(h))) for s, h in zip(size, headers)]
        while sum(size) > room:
            i = max(range(len(size)), key=lambda j: (size[j] - low[j], size[j]))
            if size[i] <= low[i]:
                break
            size[i] -= 1
    return size


def jsonl(rows: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def to_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in r.items()})
    return buf.getvalue()


FORMATS = ("table", "jsonl", "csv", "json")


def render(rows: list[dict[str, Any]], fmt: str, columns: Sequence[str],
           widths: dict[str, int] | None = None, width: int | None = None) -> str:
    """Render records in the chosen format: "table" (cut to ``width`` when given), "jsonl", "csv" or "json"
    (one array); every format but the table keeps every field in full."""
    if fmt == "jsonl":
        return jsonl(rows)
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return to_csv(rows, list(rows[0].keys()) if rows else columns)
    return table(rows, columns, widths, width) + "\n"


def entity_text(e: EntityDetail) -> str:
    """A readable summary of an entity for the terminal."""
    lines = [f"{e.name}  [{e.id}]  {e.type}, {e.articles} article(s)",
             f"  aliases: {', '.join(e.aliases) or '-'}",
             "  written as: " + (", ".join(f"{w['text']} x{w['count']}" for w in e.written_as) or "-")]
    for r in e.roles:
        span = f"{r.start or '?'} .. {r.end or ('now' if r.source != 'text' else '?')}"
        ev = f", {len(r.evidence)} text evidence" if r.evidence else ""
        lines.append(f"  role: {'former ' if r.former else ''}{r.role}  ({span}; {r.source}{ev})")
    if e.mentions_by_outlet:
        lines.append("  mentions: " + ", ".join(f"{o} {n}" for o, n in e.mentions_by_outlet.items()))
    for d in e.descriptors:
        seen = "; ".join(f"{ev['date'] or 'no date'} {ev['article_id'][:12]} {ev['start']}-{ev['end']}"
                         for ev in d.get("evidence", [])[:2])
        lines.append(f"  described as \"{d['text']}\" by {d['outlet'] or 'unknown'} x{d['count']}"
                     + ("  [loaded]" if d["loaded"] else "") + f"  (confidence {d.get('confidence', 0):.2f}"
                     + (f"; {seen}" if seen else "") + ")")
    if e.descriptors_below:
        lines.append(f"  ({e.descriptors_below} less sure descriptions left out: --min-confidence 0 shows them)")
    lines.append(f"  quotes by: {e.quotes_by}, quotes mentioning: {e.quotes_about}")
    return "\n".join(lines)

def flat_contradiction(c: ContradictionRecord) -> dict[str, Any]:
    """One table row for a contradiction: each side's date, who vouches for it, and its evidence sentence. The
    outlet's narration is the outlet's claim, never the holder's own words (``why`` says which side is which)."""
    def by(s: StanceRecord, side: str) -> str:
        if (c.why.get(side) or {}).get("voice") == "outlet narration":
            return s.outlet or "the article"
        return s.reported_by or f"{s.holder} (own words)"

    return {"subject": c.subject, "about": c.about, "confidence": c.confidence, "claim_date": c.claim.date,
            "claim_by": by(c.claim, "claim"),
            "claim": c.claim.text, "counter_date": c.counter.date, "counter_by": by(c.counter, "counter"),
            "counter": c.counter.text, "claim_article": c.claim.article_id, "counter_article": c.counter.article_id}
