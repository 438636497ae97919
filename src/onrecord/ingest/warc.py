"""Read web archives (.warc, .warc.gz): one ParsedArticle per archived HTML page.

Only HTTP ``response`` records with status 200 and an HTML content type are articles; requests,
metadata, warcinfo, images and redirects are skipped silently. A page that yields no article text
becomes an InputError naming ``file#record`` and the run goes on; a truncated or corrupt archive
ends with a MalformedRecord naming the record where reading failed, after the good pages before it.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from onrecord.errors import InputError, MalformedRecord
from onrecord.ingest.html import declared_charset, looks_like_html, read_html
from onrecord.models import ParsedArticle

_HTML_TYPES = ("text/html", "application/xhtml+xml")


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


def _article(record: Any, source: str) -> ParsedArticle | InputError | None:
    """The ParsedArticle for one record, an InputError when its page has no article, None to skip it."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    if _status(record) != 200:
        return None
    media, charset = _content_type(record)
    body = record.content_stream().read()
    if media not in _HTML_TYPES and not (media == "" and looks_like_html(body[:4096])):
        return None
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


class _CountingReader:
    """A read-only stream that counts the bytes read, so that a cut-off last record can be noticed."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.count += len(data)
        return data

    def tell(self) -> int:
        return self.count

    def drain(self) -> int:
        """Read what is left; returns how many bytes that was."""
        before = self.count
        while self.read(65536):
            pass
        return self.count - before


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


def iter_warc(stream: BinaryIO, source: str) -> Iterator[ParsedArticle | InputError]:
    """Yield a ParsedArticle per archived HTML page (source ``file#n``, n = 1-based record number) or an error."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    counted = _CountingReader(stream)
    n = n_done = 0  # records started, records read whole
    try:
        records = ArchiveIterator(counted)
        for record in records:
            n += 1
            result = _article(record, f"{source}#{n}")
            records.read_to_end()
            if _is_cut_off(record):
                yield _damaged(source, n, "the record ends before its declared length")
                return
            if result is not None:
                yield result
            n_done = n
        end = records.offset
    except (ArchiveLoadFailed, EOFError, zlib.error, OSError, ValueError) as exc:
        # n is the record being read when it failed: the next one if the last was read whole.
        failed = n + 1 if n_done == n else n
        yield _damaged(source, failed, f"{exc.__class__.__name__}: {exc}")
        return
    if counted.drain() or counted.count > end:
        yield _damaged(source, n + 1, "an incomplete record at the end of the file")
