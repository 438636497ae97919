"""JSONL dumps: one article per line with ``text`` and optional title, url, date, outlet, id.

A lone surrogate escape in a field (``"\\ud800"``, half of an emoji cut by a scraper) cannot be stored as
UTF-8: it is replaced with U+FFFD and the article is stored with a warning, since one broken character should
not cost a journalist the article. The replacement is one character for one, so offsets stay valid.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from onrecord.errors import InputError, MalformedRecord, describe
from onrecord.ingest.dates import parse_date
from onrecord.ingest.decode import Decoded, invalid_bytes_warning, repair_string
from onrecord.ingest.text import read_text
from onrecord.models import ParsedArticle

_FIELDS = ("text", "title", "url", "outlet", "date", "id")


def iter_jsonl(decoded: Decoded | str, source: str) -> Iterator[ParsedArticle | InputError]:
    """Yield one ParsedArticle per line (source ``path#LINE``), or an InputError naming the bad line."""
    if isinstance(decoded, str):
        decoded = Decoded(decoded)
    start = 0
    for lineno, line in enumerate(decoded.text.split("\n"), start=1):
        line_start, start = start, start + len(line) + 1
        if not line.strip():
            continue
        where = f"{source}#{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield MalformedRecord(where, f"line {lineno} is not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        except RecursionError:
            yield MalformedRecord(where, f"line {lineno} nests its JSON too deeply to read")
            continue
        if not isinstance(obj, dict):
            yield MalformedRecord(where, f"line {lineno} is a JSON {type(obj).__name__}, expected an object")
            continue
        try:
            parsed = record_article(obj, where, f"line {lineno}", "field")
        except Exception as exc:  # a record the reader cannot handle fails alone
            yield MalformedRecord(where, f"line {lineno} could not be read ({describe(exc)})")
            continue
        if isinstance(parsed, InputError):
            yield parsed
            continue
        parsed.format = "jsonl"
        invalid = decoded.count(line_start, line_start + len(line))
        if invalid:
            parsed.warnings.insert(0, invalid_bytes_warning(invalid))
        yield parsed


def _without_surrogates(obj: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The record with every lone surrogate in its string fields replaced by U+FFFD, and how many there were."""
    clean, n = dict(obj), 0
    for key in _FIELDS:
        value = obj.get(key)
        if isinstance(value, str):
            clean[key], count = repair_string(value)
            n += count
    return clean, n


def record_article(obj: dict, where: str, label: str, kind: str = "field") -> ParsedArticle | InputError:
    """An article from one record with ``text`` and optional title, url, date, outlet, id (a JSONL line, a
    Parquet row); ``label`` ("line 3", "row 3") and ``kind`` ("field", "column") name it in errors."""
    obj, surrogates = _without_surrogates(obj)
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
        parsed.external_id = repair_string(str(obj["id"]))[0]
    if surrogates:
        what = "escape" if surrogates == 1 else "escapes"
        parsed.warnings.append(f"{surrogates} lone surrogate {what} (such as \\ud800, half of an emoji) "
                               "replaced with U+FFFD")
    return parsed
