"""JSONL dumps: one article per line with ``text`` and optional title, url, date, outlet, id."""
from __future__ import annotations

import json
from collections.abc import Iterator

from onrecord.errors import InputError, MalformedRecord
from onrecord.ingest.dates import parse_date
from onrecord.ingest.text import read_text
from onrecord.models import ParsedArticle


def iter_jsonl(text: str, source: str) -> Iterator[ParsedArticle | InputError]:
    """Yield one ParsedArticle per line (source ``path#LINE``), or an InputError naming the bad line."""
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{source}#{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield MalformedRecord(where, f"line {lineno} is not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield MalformedRecord(where, f"line {lineno} is a JSON {type(obj).__name__}, expected an object")
            continue
        parsed = record_article(obj, where, f"line {lineno}", "field")
        if isinstance(parsed, InputError):
            yield parsed
            continue
        parsed.format = "jsonl"
        yield parsed


def record_article(obj: dict, where: str, label: str, kind: str = "field") -> ParsedArticle | InputError:
    """An article from one record with ``text`` and optional title, url, date, outlet, id (a JSONL line, a
    Parquet row); ``label`` ("line 3", "row 3") and ``kind`` ("field", "column") name it in errors."""
    body = obj.get("text")
    if not isinstance(body, str) or not body.strip():
        return MalformedRecord(where, f"{label} has no non-empty string {kind} 'text'")
    parsed = read_text(body, where)
    title = obj.get("title")
    if isinstance(title, str) and title.strip():
        parsed.title = title.strip()
    date = obj.get("date")
    if date is not None:
        iso = parse_date(str(date))
        if iso is None:
            return MalformedRecord(where, f"{label}: unrecognised date {str(date)[:40]!r} (use YYYY-MM-DD)")
        parsed.date = iso
    for key in ("url", "outlet"):
        if isinstance(obj.get(key), str):
            setattr(parsed, key, obj[key])
    if obj.get("id") is not None:
        parsed.external_id = str(obj["id"])
    return parsed
