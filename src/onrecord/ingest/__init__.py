"""Ingest: find input files, detect each one's format, and read it into ParsedArticle records.

One reader per format (text, html, jsonl, warc); this module only discovers and dispatches.
"""
from __future__ import annotations

import glob
import gzip
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from onrecord.errors import InputError, TooLarge
from onrecord.ingest.decode import decode
from onrecord.models import ParsedArticle

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
SKIP_NAMES = {"manifest.jsonl"}  # sidecars, not articles, when a directory is walked


@dataclass
class InputFile:
    """One input as the user named it: a path (or '-' for stdin)."""

    path: str

    def read_bytes(self, max_bytes: int) -> bytes:
        if self.path == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            size = os.path.getsize(self.path)
            if size > max_bytes:
                raise TooLarge(self.path, f"{size:,} bytes is over the size cap of {max_bytes:,} "
                                          "(raise it with --max-bytes)")
            with open(self.path, "rb") as f:
                data = f.read()
        if len(data) > max_bytes:
            raise TooLarge(self.path, f"over the size cap of {max_bytes:,} bytes (raise it with --max-bytes)")
        return data


def discover(paths: Iterable[str]) -> Iterator[InputFile | InputError]:
    """Expand directories (recursively, sorted), globs and '-' into input files; missing paths are errors."""
    for p in paths:
        if p == "-":
            yield InputFile("-")
        elif os.path.isdir(p):
            for f in sorted(Path(p).rglob("*")):
                if f.is_file() and not f.name.startswith(".") and f.name not in SKIP_NAMES:
                    yield InputFile(str(f))
        elif os.path.isfile(p):
            yield InputFile(p)
        elif glob.has_magic(p):
            matches = sorted(m for m in glob.glob(p, recursive=True) if os.path.isfile(m))
            if not matches:
                yield InputError(p, "the pattern matches no file")
            yield from (InputFile(m) for m in matches)
        else:
            yield InputError(p, "no such file or directory")


def detect_format(name: str, data: bytes) -> str:
    """'warc', 'jsonl', 'html' or 'text', from the content first and the file extension second."""
    from onrecord.ingest.html import looks_like_html
    from onrecord.ingest.warc import looks_like_warc

    lower = name.lower()
    if looks_like_warc(data[:64]) or lower.endswith((".warc", ".warc.gz")):
        return "warc"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if lower.endswith((".jsonl", ".ndjson")) or _first_line_is_json_object(data.lstrip(b"\xef\xbb\xbf \t\r\n")):
        return "jsonl"
    if lower.endswith((".html", ".htm", ".xhtml")) or looks_like_html(head):
        return "html"
    return "text"


def read_input(item: InputFile, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[ParsedArticle | InputError]:
    """Yield the articles in one input file, or InputErrors naming the file (and record) and the reason."""
    source = "<stdin>" if item.path == "-" else item.path
    try:
        data = item.read_bytes(max_bytes)
        name = source
        if source.lower().endswith(".gz") and not source.lower().endswith(".warc.gz"):
            data = _gunzip(data, source)
            name = source[:-3]
        fmt = detect_format(name, data)
        if fmt == "warc":
            from onrecord.ingest.warc import iter_warc

            yield from iter_warc(io.BytesIO(data), source)
        elif fmt == "jsonl":
            from onrecord.ingest.jsonl import iter_jsonl

            yield from iter_jsonl(decode(data, source), source)
        elif fmt == "html":
            from onrecord.ingest.html import read_html

            yield read_html(data, source)
        else:
            from onrecord.ingest.text import read_text

            yield read_text(decode(data, source), source)
    except InputError as exc:
        yield exc
    except OSError as exc:
        yield InputError(source, f"cannot read the file ({exc.strerror or exc})")


def _first_line_is_json_object(head: bytes) -> bool:
    if not head.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(head.split(b"\n", 1)[0]), dict)
    except ValueError:
        return False


def _gunzip(data: bytes, source: str) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError) as exc:
        raise InputError(source, f"not a valid gzip file ({exc})") from exc
