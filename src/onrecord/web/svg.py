"""A server-drawn SVG timeline: one row per topic, one dot per statement, coloured by stance label.

Pure function from points to SVG text; every label is escaped and every link is built here, so the chart can be
inlined in a page under a strict Content-Security-Policy (no scripts, no inline styles: colours are CSS classes).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH, LEFT, RIGHT, ROW, TOP, BOTTOM = 880, 190, 24, 30, 12, 34
MAX_ROWS = 12


@dataclass
class Point:
    """One statement on the chart: when, about what, which stance, and where to read it."""

    date: str | None
    row: str
    label: str
    title: str
    href: str | None = None
    claimed: bool = False  # a claim by someone else (drawn as a ring) rather than the holder's own words
    negated: bool = False  # "refused to blame": the label negated (drawn with a dashed outline)


def parse_day(value: str | None) -> dt.date | None:
    """YYYY, YYYY-MM or YYYY-MM-DD to a date (the first day of a month or year when partial)."""
    m = re.match(r"(\d{4})(?:-(\d\d))?(?:-(\d\d))?", value or "")
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    except ValueError:
        return None


def label_class(label: str) -> str:
    """A CSS class for a stance label: st-support, st-oppose, ... (letters only, so it is always safe)."""
    return "st-" + (re.sub(r"[^a-z]+", "-", label.lower()).strip("-") or "none")


def _ticks(lo: dt.date, hi: dt.date) -> list[dt.date]:
    span = (hi - lo).days
    if span > 3 * 365:
        step = max(1, (hi.year - lo.year) // 8 + 1)
        return [dt.date(y, 1, 1) for y in range(lo.year + 1, hi.year + 1, step)]
    out, d = [], dt.date(lo.year, lo.month, 1)
    months = 1 if span < 200 else 3 if span < 800 else 6
    while d <= hi:
        if d >= lo:
            out.append(d)
        m = d.month - 1 + months
        d = dt.date(d.year + m // 12, m % 12 + 1, 1)
    return out


def timeline_svg(points: Sequence[Point], *, title: str = "Statements over time") -> Markup:
    """The chart as inline SVG markup; an empty string when no point has a date."""
    dated: list[tuple[dt.date, Point]] = [(d, p) for p in points if (d := parse_day(p.date)) is not None]
    if not dated:
        return Markup("")
    rows: list[str] = []
    for _, p in sorted(dated, key=lambda x: x[0]):
        if p.row not in rows:
            rows.append(p.row)
    if len(rows) > MAX_ROWS:
        keep = set(rows[: MAX_ROWS - 1])
        rows = rows[: MAX_ROWS - 1] + ["(other topics)"]
        dated = [(d, p if p.row in keep else Point(p.date, "(other topics)", p.label, p.title, p.href, p.claimed,
                                                  p.negated)) for d, p in dated]
    lo = min(d for d, _ in dated) - dt.timedelta(days=15)
    hi = max(d for d, _ in dated) + dt.timedelta(days=15)
    days = max(1, (hi - lo).days)
    height = TOP + ROW * len(rows) + BOTTOM
    plot_w = WIDTH - LEFT - RIGHT

    def x(d: dt.date) -> float:
        return round(LEFT + plot_w * (d - lo).days / days, 1)

    parts = [(f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
              f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>')]
    for i, row in enumerate(rows):
        y = TOP + ROW * i + ROW // 2
        parts.append(f'<line class="lane" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>')
        name = row if len(row) <= 28 else row[:27] + "\u2026"
        parts.append(f'<text class="rowlabel" x="{LEFT - 8}" y="{y + 4}" text-anchor="end">{escape(name)}</text>')
    axis_y = TOP + ROW * len(rows) + 4
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{axis_y}" y2="{axis_y}"/>')
    for t in _ticks(lo, hi):
        label = str(t.year) if t.month == 1 else t.strftime("%b %Y")
        parts.append(f'<line class="tick" x1="{x(t)}" x2="{x(t)}" y1="{TOP}" y2="{axis_y + 4}"/>'
                     f'<text class="ticklabel" x="{x(t)}" y="{axis_y + 18}" text-anchor="middle">{label}</text>')
    seen: dict[tuple[str, float], int] = {}
    for d, p in sorted(dated, key=lambda x: x[0]):
        row_i = rows.index(p.row)
        cx = x(d)
        stack = seen.get((p.row, cx), 0)  # statements on the same day fan out vertically
        seen[(p.row, cx)] = stack + 1
        cy = TOP + ROW * row_i + ROW // 2 + (0, -9, 9)[stack % 3]
        cx = round(cx + 13 * (stack // 3), 1)
        cls = " ".join(["dot", label_class(p.label), *(["claimed"] if p.claimed else []),
                        *(["negated"] if p.negated else [])])
        label = ("not " if p.negated else "") + p.label
        dot = (f'<circle class="{cls}" cx="{cx}" cy="{cy}" r="6" data-label="{escape(p.label)}">'
               f'<title>{escape(p.date or "")} \u00b7 {escape(label)} \u00b7 {escape(p.title)}</title></circle>')
        local = p.href and p.href.startswith("/") and not p.href.startswith("//")  # links stay on this site
        parts.append(f'<a href="{escape(p.href or "")}">{dot}</a>' if local else dot)
    parts.append("</svg>")
    return Markup("".join(parts))
