"""Read web archives (.warc, .warc.gz): one ParsedArticle per archived HTML page.

Only HTTP ``response`` records with status 200 and an HTML content type are articles; requests,
metadata, warcinfo, images and redirects are skipped silently. A page that yields no article text
becomes an InputError naming ``file#record`` and the run goes on. A corrupt record (a malformed header,
a wrong Content-Length) is one MalformedRecord naming ``file#record``, and reading goes on at the next
record found after it; a truncated or corrupt end of the archive is one MalformedRecord after the good
pages before it. warcio's own warnings (printed to stderr) are caught and become those messages.
"""
from __future__ import annotations

import io
import logging
import re
import zlib
from collections.abc import Generator, Iterator
from contextlib import redirect_stderr
from dataclasses import dataclass
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator

from onrecord.errors import InputError, MalformedRecord, TooLarge, describe
from onrecord.ingest.html import declared_charset, looks_like_html, read_html
from onrecord.models import ParsedArticle

logging.getLogger("warcio").addHandler(logging.NullHandler())  # no "Replacing spaces in URI" on stderr
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_PLAIN_START = re.compile(rb"(?:^|\n)(WARC/1\.[01]\r?\n)")
_GZIP_START = b"\x1f\x8b\x08"

def looks_like_warc(head: bytes) -> bool:
    """True for the first bytes of a WARC file, plain (b"WARC/1.") or gzipped (first member starts b"WARC/")."""
    if head.startswith(b"WARC/1."):
        return True
    if not head.startswith(b"\x1f\x8b"):
        return False
    try:
        start = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 16)
    except zlib.error:
        return False
    return start.startswith(b"WARC/")


def _content_type(record: Any) -> tuple[str, str | None]:
    """(media type, charset or None) of the archived HTTP response."""
    value = record.http_headers.get_header("Content-Type") or ""
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'")
    return media.strip().lower(), charset


def _status(record: Any) -> int | None:
    try:
        return int(record.http_headers.get_statuscode())
    except (AttributeError, TypeError, ValueError):
        return None


def _page(body: bytes, charset: str | None) -> bytes | str:
    """The page as read_html wants it: decoded with the HTTP charset when the page names none itself."""
    if charset and declared_charset(body) is None:
        try:
            return body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return body


def _article(record: Any, source: str, max_bytes: int | None) -> ParsedArticle | InputError | None:
    """The ParsedArticle for one record, an InputError when its page has no article, None to skip it."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    if _status(record) != 200:
        return None
    media, charset = _content_type(record)
    body = record.content_stream().read(None if max_bytes is None else max_bytes + 1)
    if media not in _HTML_TYPES and not (media == "" and looks_like_html(body[:4096])):
        return None
    if max_bytes is not None and len(body) > max_bytes:
        return TooLarge(source, f"the archived page is over the size cap of {max_bytes:,} bytes "
                                "(raise it with --max-bytes)")
    url = record.rec_headers.get_header("WARC-Target-URI")
    try:
        article = read_html(_page(body, charset), source, url=url)
    except InputError as err:
        return err
    if article.date is None:
        warc_date = record.rec_headers.get_header("WARC-Date") or ""
        article.date = warc_date[:10] if len(warc_date) >= 10 else None
    article.format = "warc"
    article.external_id = record.rec_headers.get_header("WARC-Record-ID")
    return article


def _is_cut_off(record: Any) -> bool:
    """True when a record is shorter than its declared Content-Length (or has no WARC header at all)."""
    if not record.rec_type or record.rec_headers.get_header("Content-Length") is None:
        return True
    raw = record.raw_stream
    while raw is not None:
        if hasattr(raw, "limit") and hasattr(raw, "_orig_limit"):
            return bool(raw.limit > 0)
        raw = getattr(raw, "stream", None)
    return False


def _damaged(source: str, n: int, detail: str) -> MalformedRecord:
    return MalformedRecord(
        source,
        f"the WARC file is truncated or corrupt at record {n} ({detail}); the {n - 1} record(s) before it "
        "were read. Re-download the file or re-run the crawl.",
    )


@dataclass
class _Damage:
    """Where reading stopped: the record number, the offset its bytes start at, and what was wrong."""

    n: int
    start: int
    detail: str
    reported: bool = False  # already reported (a page over the size cap): only skip it


def _noise(captured: io.StringIO) -> str | None:
    """What warcio printed while reading, as a short reason (its notes go to stderr, not to exceptions)."""
    text = " ".join(captured.getvalue().split())
    if not text:
        return None
    if "Content-Length is invalid" in text:
        return "its Content-Length does not match its content"
    return text[:120]


def _parse_error(exc: Exception) -> str:
    """A record header warcio could not parse, as a short reason (its first line shown escaped, ASCII only)."""
    message = str(exc)
    if "first line:" in message:
        first = message.split("first line:", 1)[1].strip()
        return f"its header does not start with a WARC/1.x line but with {first[:30]!a}"
    return describe(exc)


def _declared_length(record: Any) -> tuple[int | None, str | None]:
    """(the record's Content-Length, None) or (None, why it is unusable)."""
    value = record.rec_headers.get_header("Content-Length")
    if value is None:
        return None, "it has no Content-Length"
    try:
        length = int(value)
    except ValueError:
        return None, f"its Content-Length {value[:20]!r} is not a number"
    return (length, None) if length >= 0 else (None, f"its Content-Length {value[:20]!r} is negative")


def _next_start(data: bytes, after: int) -> int | None:
    """The offset of the next record that starts after ``after``: a line ``WARC/1.0`` (or 1.1) in a plain
    archive, a gzip member that opens with one in a compressed archive."""
    if data.startswith(_GZIP_START):
        pos = data.find(_GZIP_START, after)
        while pos != -1:
            if looks_like_warc(data[pos:pos + 512]):
                return pos
            pos = data.find(_GZIP_START, pos + 1)
        return None
    match = _PLAIN_START.search(data, after)
    return match.start(1) if match else None


def _read_from(data: bytes, start: int, n: int, source: str, max_bytes: int | None
               ) -> Generator[ParsedArticle | InputError, None, _Damage | None]:
    """Yield the pages of the records from ``start`` on (numbered after ``n``); return the damage that
    stopped the reading, or None at a clean end of the archive."""
    stream = io.BytesIO(data)
    stream.seek(start)
    records = ArchiveIterator(stream)
    while True:
        begin = records.offset
        captured = io.StringIO()
        try:
            with redirect_stderr(captured):
                record = next(records, None)
        except Exception as exc:  # warcio raises many kinds on a malformed header
            return _Damage(n + 1, begin, _parse_error(exc))
        if record is None:
            break
        n += 1
        where = f"{source}#{n}"
        length, bad_length = _declared_length(record)
        if not record.rec_type:
            return _Damage(n, begin, "its WARC-Type header is missing or malformed")
        if bad_length is not None:
            return _Damage(n, begin, bad_length)
        if max_bytes is not None and length is not None and length > max_bytes:
            yield TooLarge(where, f"record {n} is {length:,} bytes, over the size cap of {max_bytes:,} "
                                  "(raise it with --max-bytes)")
            return _Damage(n, begin, "", reported=True)
        try:
            with redirect_stderr(captured):
                result = _article(record, where, max_bytes)
        except Exception as exc:  # one page the readers cannot handle fails alone
            result = MalformedRecord(where, f"record {n} could not be read ({describe(exc)})")
        try:
            with redirect_stderr(captured):
                records.read_to_end()
        except Exception as exc:
            return _Damage(n, begin, describe(exc))
        problem = _noise(captured)
        if problem is None and _is_cut_off(record):
            problem = "the record ends before its declared length"
        if problem is not None:
            return _Damage(n, begin, problem)
        if result is not None:
            yield result
    end = records.offset
    if data[end:].strip():
        return _Damage(n + 1, end, "an incomplete record at the end of the file")
    return None


def iter_warc(stream: BinaryIO, source: str, max_bytes: int | None = None) -> Iterator[ParsedArticle | InputError]:
    """Yield a ParsedArticle per archived HTML page (source ``file#n``, n = 1-based record number) or an
    error; a corrupt record is reported and skipped, and reading goes on at the next record."""
    data = stream.read()
    start, n = 0, 0
    while True:
        damage = yield from _read_from(data, start, n, source, max_bytes)
        if damage is None:
            return
        resume = _next_start(data, damage.start + 1)
        if resume is None:
            if not damage.reported:
                yield _damaged(source, damage.n, damage.detail)
            return
        if not damage.reported:
            yield MalformedRecord(f"{source}#{damage.n}", f"record {damage.n} is corrupt ({damage.detail}); "
                                                          "skipped, the records after it are read")
        start, n = resume, damage.n
