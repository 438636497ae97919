"""Plain-text articles: the first non-empty line is the title; a dateline near the top gives the date."""
from __future__ import annotations

from onrecord.ingest.dates import date_line, is_date_label
from onrecord.models import ParsedArticle

HEAD_LINES = 8  # how many non-empty lines from the top may hold a dateline


def read_text(text: str, source: str) -> ParsedArticle:
    """Parse a decoded plain-text article. The text itself is kept exactly as given."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    title = lines[0] if lines else None
    date = None
    for i, line in enumerate(lines[:HEAD_LINES]):
        date = date_line(line)
        if date is None and is_date_label(line) and i + 1 < len(lines):
            date = date_line(lines[i + 1])
        if date:
            break
    if title and date_line(title) and len(lines) > 1:
        title = next((ln for ln in lines[1:] if not date_line(ln)), title)
    return ParsedArticle(text=text, source=source, title=title, date=date, format="text")
