"""Time expressions in news text, anchored on the article's publication date.

News writes relative to its own date: "today", "on Saturday night", "last month", "a year ago",
"in 2013". ``find_dates`` finds such expressions (pure regex, character offsets); ``anchor`` turns one into an
ISO date of day ("2018-04-07"), week (the Monday, "2018-04-02"), month ("2018-03") or year ("2013") precision.
A weekday alone means the most recent such day on or before the article date (news reports the past), unless
``future`` is set (the verb is future: "will meet on Friday"); a day and month without a year is this year's,
unless that is more than 60 days after the article (then last year's).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from onrecord.ingest.dates import (
    MONTHS,  # month names and abbreviations, one table for the project
)

WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                        "sunday"])}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3, "a few": 3, "few": 3}

_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|" \
         r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
_NUM = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a few)"
_ORD = r"(?:st|nd|rd|th)?"

# Order matters: longer, more specific patterns first; the finder never lets two matches overlap.
PATTERNS: list[tuple[str, str]] = [
    ("dmy", rf"\b(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<m>{_MONTH}),?\s+(?P<y>(?:19|20)\d\d)\b"),
    ("mdy", rf"\b(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}}){_ORD},?\s+(?P<y>(?:19|20)\d\d)\b"),
    ("iso", r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b"),
    ("my", rf"\b(?P<m>{_MONTH})\s+(?:of\s+)?(?P<y>(?:19|20)\d\d)\b"),
    ("dm", rf"\b(?:on\s+)?(?:{_DAY},?\s+)?(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<m>{_MONTH})\b"),
    ("md", rf"\b(?:on\s+)?(?:{_DAY},?\s+)?(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}}){_ORD}\b(?!,?\s+(?:19|20)\d\d)"),
    ("ago", rf"\b(?P<n>{_NUM})\s+(?P<u>days?|weeks?|months?|years?)\s+ago\b"),
    ("rel_unit", r"\b(?:earlier\s+|later\s+)?(?P<w>last|this|next|past)\s+(?P<u>week|month|year|weekend)\b"),
    ("rel_month", rf"\b(?P<w>last|this|next)\s+(?P<m>{_MONTH})\b"),
    ("rel_day", rf"\b(?P<w>last|this|next|on)\s+(?P<wd>{_DAY}){_PART}\b"),
    ("early_day", rf"\bearly\s+hours\s+of\s+(?P<wd>{_DAY}){_PART}\b"),
    ("day", rf"\b(?P<wd>{_DAY}){_PART}\b"),
    ("deictic", r"\b(?P<k>today|tonight|yesterday|tomorrow|last\s+night|this\s+(?:morning|afternoon|evening))\b"),
    ("in_month", rf"\b(?:in|since|during|until|by)\s+(?:early\s+|late\s+|mid-?)?(?P<m>{_MONTH})(?!\s+\d)\b"),
    ("year", (r"\b(?:in|since|during|until|by|of|from|before|after)\s+(?:early\s+|late\s+|mid-?)?"
              r"(?P<y>(?:19|20)\d\d)\b(?!\s*[-/]\d)")),
]
_COMPILED = [(k, re.compile(p, re.IGNORECASE)) for k, p in PATTERNS]


@dataclass
class DateMention:
    """A time expression as written: [start, end) in the text it was found in, and its pattern kind."""

    start: int
    end: int
    text: str
    kind: str


def find_dates(text: str) -> list[DateMention]:
    """All non-overlapping time expressions in ``text``, in reading order."""
    taken: list[tuple[int, int]] = []
    out: list[DateMention] = []
    for kind, rx in _COMPILED:
        for m in rx.finditer(text):
            s, e = m.span()
            if any(s < b and a < e for a, b in taken):
                continue
            if kind == "md" and m.group("m").lower().rstrip(".") == "may" and not m.group(0)[:1].isupper():
                continue  # "may 5" is rarely a date when lowercase
            if kind in ("in_month", "my", "rel_month") and m.group("m").lower().rstrip(".") == "may" \
                    and not re.search(r"\bMay\b", m.group(0)):
                continue
            taken.append((s, e))
            out.append(DateMention(s, e, m.group(0), kind))
    return sorted(out, key=lambda d: d.start)


def _parse_anchor(on: dt.date | str) -> dt.date:
    return on if isinstance(on, dt.date) else dt.date.fromisoformat(on[:10])


def _month_of(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _week(d: dt.date) -> str:
    return (d - dt.timedelta(days=d.weekday())).isoformat()


def _shift_month(d: dt.date, months: int) -> tuple[int, int]:
    n = d.year * 12 + d.month - 1 + months
    return n // 12, n % 12 + 1


Resolved = tuple[str, str]  # (ISO value, precision)


def anchor(expr: str, on: dt.date | str, *, future: bool = False) -> Resolved | None:
    """Resolve one time expression against the article date ``on``: (ISO value, precision) or None.

    Precision is "day", "week" (value: that week's Monday), "month" (YYYY-MM) or "year" (YYYY).
    """
    base = _parse_anchor(on)
    mentions = find_dates(expr)
    if not mentions:
        return None
    mention = mentions[0]
    m = next(rx.search(mention.text) for k, rx in _COMPILED if k == mention.kind)
    if m is None:  # pragma: no cover - the pattern matched in find_dates
        return None
    g = m.groupdict()
    kind = mention.kind
    if kind in ("dmy", "mdy", "iso", "my", "dm", "md"):
        try:
            return _calendar(kind, g, base, future)
        except ValueError:  # no such day ("31 February")
            return None
    resolver = _RELATIVE.get(kind)
    return resolver(g, base, future) if resolver else None


def _calendar(kind: str, g: dict[str, str], base: dt.date, future: bool) -> Resolved:
    """A written calendar date; a day and month without a year is the one nearest the article date."""
    if kind in ("dmy", "mdy", "iso"):
        month = int(g["m"]) if kind == "iso" else _month_of(g["m"])
        return dt.date(int(g["y"]), month, int(g["d"])).isoformat(), "day"
    if kind == "my":
        return f"{int(g['y']):04d}-{_month_of(g['m']):02d}", "month"
    month, day = _month_of(g["m"]), int(g["d"])  # "dm", "md"
    year = base.year
    cand = dt.date(year, month, day)
    if not future and cand > base + dt.timedelta(days=60):  # well past the article: last year
        cand = dt.date(year - 1, month, day)
    elif future and cand < base - dt.timedelta(days=7):
        cand = dt.date(year + 1, month, day)
    return cand.isoformat(), "day"


def _ago(g: dict[str, str], base: dt.date, future: bool) -> Resolved:
    """"two weeks ago": counted back from the article date, at the precision of the unit (years as months)."""
    n = int(g["n"]) if g["n"].isdigit() else NUMBERS.get(" ".join(g["n"].lower().split()), 1)
    unit = g["u"].lower().rstrip("s")
    if unit == "day":
        return (base - dt.timedelta(days=n)).isoformat(), "day"
    if unit == "week":
        return _week(base - dt.timedelta(weeks=n)), "week"
    if unit == "month":
        y, mo = _shift_month(base, -n)
        return f"{y:04d}-{mo:02d}", "month"
    return f"{base.year - n:04d}-{base.month:02d}", "month"


def _relative_unit(g: dict[str, str], base: dt.date, future: bool) -> Resolved:
    """"last week", "this month", "next year": the article's week, month or year, stepped."""
    step = {"last": -1, "past": -1, "this": 0, "next": 1}[g["w"].lower()]
    unit = g["u"].lower()
    if unit in ("week", "weekend"):
        return _week(base + dt.timedelta(weeks=step)), "week"
    if unit == "month":
        y, mo = _shift_month(base, step)
        return f"{y:04d}-{mo:02d}", "month"
    return f"{base.year + step:04d}", "year"


def _relative_month(g: dict[str, str], base: dt.date, future: bool) -> Resolved:
    """"last December", "next March": the named month before or after the article's month."""
    month, w = _month_of(g["m"]), g["w"].lower()
    year = base.year
    if w == "last" and month >= base.month:
        year -= 1
    elif w == "next" and month <= base.month:
        year += 1
    return f"{year:04d}-{month:02d}", "month"


def _weekday(g: dict[str, str], base: dt.date, future: bool) -> Resolved:
    """A weekday: the most recent one on or before the article date, the coming one for "next" or a future
    verb, and never the article's own day for "last"."""
    wd = WEEKDAYS[g["wd"].lower()]
    w = (g.get("w") or "").lower()
    back = (base.weekday() - wd) % 7
    if w == "last":
        back = back or 7
    if w == "next" or (future and w != "last"):
        ahead = (wd - base.weekday()) % 7 or (7 if w == "next" else 0)
        return (base + dt.timedelta(days=ahead)).isoformat(), "day"
    return (base - dt.timedelta(days=back)).isoformat(), "day"


def _deictic(g: dict[str, str], base: dt.date, future: bool) -> Resolved:
    """"today", "yesterday", "last night", "tomorrow": the article date, a day either side."""
    k = " ".join(g["k"].lower().split())
    delta = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(k, 0)
    return (base + dt.timedelta(days=delta)).isoformat(), "day"


def _in_month(g: dict[str, str], base: dt.date, future: bool) -> Resolved:
    """"in March": this year's, unless it is still to come (then last year's, as news reports the past)."""
    month = _month_of(g["m"])
    year = base.year if (month <= base.month or future) else base.year - 1
    return f"{year:04d}-{month:02d}", "month"


def _year(g: dict[str, str], base: dt.date, future: bool) -> Resolved:
    """"in 2013": the year as written."""
    return g["y"], "year"


# pattern kind -> its resolver, for the expressions read relative to the article date
_RELATIVE = {"ago": _ago, "rel_unit": _relative_unit, "rel_month": _relative_month, "rel_day": _weekday,
             "early_day": _weekday, "day": _weekday, "deictic": _deictic, "in_month": _in_month, "year": _year}


def anchor_mention(text: str, on: dt.date | str | None, *, future: bool = False) -> str | None:
    """The ISO value of a time expression, or None when there is no anchor or it does not resolve."""
    if not on:
        return None
    try:
        res = anchor(text, on, future=future)
    except ValueError:
        return None
    return res[0] if res else None
