"""Server-drawn SVG charts: the stance timeline (one lane per topic, one mark per statement, coloured and shaped by
stance label) and the portrayal chart (one panel per outlet, the mean tone of its sentences about someone by month).

Marks never overlap: within a lane, a mark that would touch an earlier one moves up or down by one mark's height
(a beeswarm), and the lane grows to fit. Colours come from the Okabe-Ito palette (safe for colour-blind readers);
the shape says the kind of stance (PLOVER's families: accuse, threaten, reject, request, support), so labels that
share a colour never share a shape. Pure function from points to SVG text; every label is escaped and every link is
built here, so the chart can be inlined under a strict Content-Security-Policy (no scripts, no inline styles:
colours are CSS classes).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from onrecord.web.markup import visible_controls

WIDTH, LEFT, RIGHT, TOP, BOTTOM = 880, 190, 24, 12, 34
LANE = 30  # the height of a lane with no stacked marks
STEP = 12  # marks closer than this (both ways) would touch: the next one moves a step up or down
MAX_ROWS = 12

# label -> (family, shape); families follow data/stance_labels.tsv's PLOVER column
FAMILIES: dict[str, tuple[str, str]] = {
    "condemn": ("accuse", "down"), "criticise": ("accuse", "down"), "accuse": ("accuse", "down"),
    "question": ("accuse", "down"), "warn": ("threaten", "diamond"), "threaten": ("threaten", "diamond"),
    "oppose": ("reject", "square"), "refuse": ("reject", "square"), "deny": ("reject", "square"),
    "demand": ("request", "up"), "urge": ("request", "up"),
    "defend": ("support", "circle"), "support": ("support", "circle"), "praise": ("support", "circle"),
}
SHAPES = {"down": "accuses, criticises", "diamond": "warns, threatens", "square": "rejects, refuses, denies",
          "up": "demands, urges", "circle": "supports, defends, praises", "dot": "other"}


@dataclass
class Point:
    """One statement on the chart: when, about what, which stance, and where to read it."""

    date: str | None
    row: str
    label: str
    title: str
    href: str | None = None
    claimed: bool = False  # a claim by someone else (drawn hollow) rather than the holder's own words
    negated: bool = False  # "refused to blame": the label negated (drawn struck through)


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


def shape_of(label: str) -> str:
    return FAMILIES.get(label, ("other", "dot"))[1]


SHAPE_PATHS = {  # each mark about 11 pixels across, centred on (0, 0)
    "down": "M-6 -4.5H6L0 5.5Z", "up": "M-6 4.5H6L0 -5.5Z", "square": "M-4.5 -4.5h9v9h-9Z",
    "diamond": "M0 -6L6 0L0 6L-6 0Z", "circle": "M-5 0a5 5 0 1 0 10 0a5 5 0 1 0 -10 0Z",
    "dot": "M-4 0a4 4 0 1 0 8 0a4 4 0 1 0 -8 0Z"}
NEGATION = "M-6 6L6 -6"  # a negated stance ("refused to blame") is struck through


def mark_path(label: str, negated: bool = False) -> str:
    return SHAPE_PATHS[shape_of(label)] + (NEGATION if negated else "")


def glyph(label: str, *, claimed: bool = False, negated: bool = False) -> Markup:
    """A legend swatch: the label's mark as a small inline SVG."""
    cls = " ".join(["dot", label_class(label), *(["claimed"] if claimed else []), *(["negated"] if negated else [])])
    return Markup(f'<svg class="glyph" viewBox="-8 -8 16 16" aria-hidden="true"><path class="{cls}" '
                  f'd="{mark_path(label, negated)}"/></svg>')


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


def swarm(xs: Sequence[float]) -> list[int]:
    """Vertical offsets, in steps, for marks at ``xs`` (ascending): each takes the offset nearest the lane's centre
    (0, -1, +1, -2, +2 ...) at which it touches no mark placed before it."""
    near: list[tuple[float, int]] = []  # the placed marks less than a step to the left
    out = []
    for x in xs:
        near = [(px, pl) for px, pl in near if x - px < STEP]
        taken = {pl for _, pl in near}
        k = 0
        while (level := (k + 1) // 2 * (-1 if k % 2 else 1)) in taken:
            k += 1
        near.append((x, level))
        out.append(level)
    return out


def axis_range(days: Sequence[dt.date]) -> tuple[dt.date, dt.date]:
    """The dates (sorted) the time axis covers: all of them, unless some lie far outside the bulk (a stance dated
    2003 among a 2015-16 campaign would squeeze the campaign into a sliver): the bulk is the middle 96% of the
    dates (of 10 or more; at least the first and last left aside), and a date more than half the bulk's span (at
    least six months) beyond it is left off."""
    n = len(days)
    if n < 10:
        return days[0], days[-1]
    trim = max(1, n // 50)
    first, last = days[trim], days[-1 - trim]
    margin = max((last - first) / 2, dt.timedelta(days=183))
    inside = [d for d in days if first - margin <= d <= last + margin]
    return inside[0], inside[-1]


def timeline_svg(points: Sequence[Point], *, title: str = "Statements over time") -> Markup:
    """The chart as inline SVG markup; an empty string when no point has a date."""
    dated: list[tuple[dt.date, Point]] = sorted(((d, p) for p in points if (d := parse_day(p.date)) is not None),
                                               key=lambda x: x[0])
    if not dated:
        return Markup("")
    rows: list[str] = []
    for _, p in dated:
        if p.row not in rows:
            rows.append(p.row)
    if len(rows) > MAX_ROWS:
        keep = set(rows[: MAX_ROWS - 1])
        rows = rows[: MAX_ROWS - 1] + ["(other topics)"]
        dated = [(d, p if p.row in keep else Point(p.date, "(other topics)", p.label, p.title, p.href, p.claimed,
                                                  p.negated)) for d, p in dated]
    first, last = axis_range([d for d, _ in dated])
    lo, hi = first - dt.timedelta(days=15), last + dt.timedelta(days=15)
    days = max(1, (hi - lo).days)
    plot_w = WIDTH - LEFT - RIGHT

    def x(d: dt.date) -> float:  # a date off the axis sits at its edge
        return round(LEFT + plot_w * (min(max(d, lo), hi) - lo).days / days, 1)

    levels: dict[int, int] = {}  # index in dated -> offset in steps
    for row in rows:
        idx = [i for i, (_, p) in enumerate(dated) if p.row == row]
        levels.update(zip(idx, swarm([x(dated[i][0]) for i in idx])))
    centre, y = {}, TOP
    for row in rows:  # a lane is as tall as its highest stack
        reach = max((abs(levels[i]) for i, (_, p) in enumerate(dated) if p.row == row), default=0)
        height = LANE + 2 * STEP * reach
        centre[row] = y + height // 2
        y += height
    axis_y = y + 4
    before, after = sum(d < first for d, _ in dated), sum(d > last for d, _ in dated)
    height = axis_y + BOTTOM - 4 + (16 if before or after else 0)
    safe_title = escape(visible_controls(title))
    parts = [(f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
              f'role="img" aria-label="{safe_title}"><title>{safe_title}</title>')]
    for row in rows:
        cy = centre[row]
        parts.append(f'<line class="lane" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{cy}" y2="{cy}"/>')
        name = row if len(row) <= 28 else row[:27] + "\u2026"
        parts.append(f'<text class="rowlabel" x="{LEFT - 8}" y="{cy + 4}" text-anchor="end">'
                     f'{escape(visible_controls(name))}</text>')
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{axis_y}" y2="{axis_y}"/>')
    for n, where, anchor, side in ((before, LEFT, "start", "earlier"), (after, WIDTH - RIGHT, "end", "later")):
        if n:
            parts.append(f'<text class="offaxis" x="{where}" y="{axis_y + 34}" text-anchor="{anchor}">'
                         f'{n} {side}, at the edge (narrow the dates to see them)</text>')
    for t in _ticks(lo, hi):
        label = str(t.year) if t.month == 1 else t.strftime("%b %Y")
        parts.append(f'<line class="tick" x1="{x(t)}" x2="{x(t)}" y1="{TOP}" y2="{axis_y + 4}"/>'
                     f'<text class="ticklabel" x="{x(t)}" y="{axis_y + 18}" text-anchor="middle">{label}</text>')
    for i, (d, p) in enumerate(dated):
        cx, cy = x(d), centre[p.row] + STEP * levels[i]
        cls = " ".join(["dot", label_class(p.label), *(["claimed"] if p.claimed else []),
                        *(["negated"] if p.negated else []), *(["offaxis"] if not first <= d <= last else [])])
        label = ("not " if p.negated else "") + p.label + (", claimed by others" if p.claimed else "")
        tip = escape(visible_controls(f"{p.date or ''} \u00b7 {label} \u00b7 {p.title}"))
        mark = (f'<path class="{cls}" d="{mark_path(p.label, p.negated)}" transform="translate({cx} {cy})" '
                f'data-label="{escape(p.label)}"><title>{tip}</title></path>')
        local = p.href and p.href.startswith("/") and not p.href.startswith("//")  # links stay on this site
        parts.append(f'<a href="{escape(p.href or "")}">{mark}</a>' if local else mark)
    parts.append("</svg>")
    return Markup("".join(parts))


# -- the portrayal chart: small multiples, one panel per outlet, mean tone per month -----------------------------
PANEL = 64  # the height of one outlet's panel
TONE_CLASSES = {"negative": "tone-negative", "neutral": "tone-neutral", "positive": "tone-positive"}


@dataclass
class TonePoint:
    """One outlet's sentences about someone in one month: how many of each tone, their mean score (-1 to 1), and
    where to read them."""

    outlet: str
    month: str  # YYYY-MM
    n: int
    negative: int
    neutral: int
    positive: int
    mean: float
    href: str | None = None

    @property
    def label(self) -> str:
        """The tone most of the sentences have (ties: neutral, then negative)."""
        return max(("neutral", self.neutral), ("negative", self.negative), ("positive", self.positive),
                   key=lambda x: x[1])[0]


def _months_apart(a: dt.date, b: dt.date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def portrayal_svg(points: Sequence[TonePoint], *, title: str = "Portrayal by outlet over time") -> Markup:
    """Small multiples as inline SVG, one panel per outlet in the order first seen: each month a circle at its mean
    tone (its area grows with the sentences, its colour the tone most of them have), consecutive months joined, a
    zero line; every circle links to its sentences. Empty when no point has a month."""
    dated = sorted(((d, p) for p in points if (d := parse_day(p.month)) is not None and len(p.month) == 7),
                   key=lambda x: x[0])
    if not dated:
        return Markup("")
    outlets: list[str] = []
    for p in points:
        if p.outlet not in outlets and parse_day(p.month) is not None:
            outlets.append(p.outlet)
    first, last = axis_range([d for d, _ in dated])
    lo, hi = first - dt.timedelta(days=20), last + dt.timedelta(days=45)
    days = max(1, (hi - lo).days)
    plot_w = WIDTH - LEFT - RIGHT
    top_n = max(p.n for _, p in dated)

    def x(d: dt.date) -> float:  # the middle of the month; a month off the axis sits at its edge
        mid = min(max(d + dt.timedelta(days=14), lo), hi)
        return round(LEFT + plot_w * (mid - lo).days / days, 1)

    def y(panel: int, mean: float) -> float:
        return round(TOP + panel * PANEL + 8 + (PANEL - 16) * (1 - max(-1.0, min(1.0, mean))) / 2, 1)

    axis_y = TOP + len(outlets) * PANEL + 4
    before, after = sum(d < first for d, _ in dated), sum(d > last for d, _ in dated)
    height = axis_y + BOTTOM - 4 + (16 if before or after else 0)
    safe_title = escape(visible_controls(title))
    parts = [(f'<svg class="timeline portrayal" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
              f'role="img" aria-label="{safe_title}"><title>{safe_title}</title>')]
    for t in _ticks(lo, hi):
        label = str(t.year) if t.month == 1 else t.strftime("%b %Y")
        parts.append(f'<line class="tick" x1="{x(t)}" x2="{x(t)}" y1="{TOP}" y2="{axis_y + 4}"/>'
                     f'<text class="ticklabel" x="{x(t)}" y="{axis_y + 18}" text-anchor="middle">{label}</text>')
    for i, outlet in enumerate(outlets):
        zero, top, bottom = y(i, 0.0), y(i, 1.0), y(i, -1.0)
        name = outlet or "unknown outlet"
        name = name if len(name) <= 28 else name[:27] + "\u2026"
        parts.append(f'<line class="panel" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + i * PANEL}" '
                     f'y2="{TOP + i * PANEL}"/>'
                     f'<line class="lane zero" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{zero}" y2="{zero}"/>'
                     f'<text class="rowlabel" x="{LEFT - 8}" y="{zero + 4}" text-anchor="end">'
                     f'{escape(visible_controls(name))}</text>'
                     f'<text class="scale" x="{LEFT - 8}" y="{top + 3}" text-anchor="end">+1</text>'
                     f'<text class="scale" x="{LEFT - 8}" y="{bottom + 3}" text-anchor="end">\u22121</text>')
        mine = [(d, p) for d, p in dated if p.outlet == outlet]
        for (d0, p0), (d1, p1) in zip(mine, mine[1:]):
            if _months_apart(d0, d1) == 1:
                parts.append(f'<line class="toneline" x1="{x(d0)}" x2="{x(d1)}" y1="{y(i, p0.mean)}" '
                             f'y2="{y(i, p1.mean)}"/>')
        for d, p in mine:
            r = round(3 + 5 * (p.n / top_n) ** 0.5, 1)
            cls = " ".join(["dot", "tone", TONE_CLASSES[p.label], *(["offaxis"] if not first <= d <= last else [])])
            tip = escape(visible_controls(
                f"{name} \u00b7 {p.month}: mean tone {p.mean:+.2f} over {p.n} sentence{'' if p.n == 1 else 's'} "
                f"({p.negative} negative, {p.neutral} neutral, {p.positive} positive)"))
            mark = (f'<circle class="{cls}" cx="{x(d)}" cy="{y(i, p.mean)}" r="{r}" '
                    f'data-outlet="{escape(visible_controls(outlet))}" data-month="{escape(p.month)}" '
                    f'data-n="{p.n}" data-mean="{p.mean:.4f}"><title>{tip}</title></circle>')
            local = p.href and p.href.startswith("/") and not p.href.startswith("//")  # links stay on this site
            parts.append(f'<a href="{escape(p.href or "")}">{mark}</a>' if local else mark)
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{axis_y}" y2="{axis_y}"/>')
    for n, where, anchor, side in ((before, LEFT, "start", "earlier"), (after, WIDTH - RIGHT, "end", "later")):
        if n:
            parts.append(f'<text class="offaxis" x="{where}" y="{axis_y + 34}" text-anchor="{anchor}">'
                         f'{n} {side}, at the edge (narrow the dates to see them)</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
