"""Recognise dates written the ways news pages write them, returning ISO YYYY-MM-DD."""
from __future__ import annotations

import datetime as dt
import re

MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
_MON = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|"
        r"nov(?:ember)?|dec(?:ember)?)\.?")
_PATTERNS = [
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b"),
    re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON.replace("(", "(?P<mon>", 1)
               + r",?\s+(?P<y>(?:19|20)\d\d)\b", re.I),
    re.compile(r"\b" + _MON.replace("(", "(?P<mon>", 1)
               + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b", re.I),
]
# A line that is only a date, optionally with a label such as "Posted On:", "date", "Published", "Updated".
_LABEL = re.compile(r"^\s*(?:(?:posted|published|updated|date|last updated)(?:\s+on)?\s*:?\s*)?", re.I)


def parse_date(s: str) -> str | None:
    """The first date in ``s`` as ISO text, or None."""
    for pat in _PATTERNS:
        m = pat.search(s)
        if not m:
            continue
        g = m.groupdict()
        month = int(g["m"]) if g.get("m") else MONTHS.get(g["mon"].lower().rstrip("."))
        try:
            return dt.date(int(g["y"]), int(month or 0), int(g["d"])).isoformat()
        except ValueError:
            continue
    return None


def date_line(line: str) -> str | None:
    """ISO date when ``line`` is a dateline (a date with at most a label and a few words around it)."""
    rest = _LABEL.sub("", line, count=1)
    iso = parse_date(rest)
    if iso is None or len(rest.split()) > 8:
        return None
    return iso


def is_date_label(line: str) -> bool:
    """True for a bare label such as 'Posted On:' whose date follows on the next line."""
    return bool(re.fullmatch(r"\s*(?:posted|published|updated|last updated)(?:\s+on)?\s*:\s*", line, re.I))
