"""Ingest: find input files, detect each one's format, and read it into ParsedArticle records.

One reader per format (text, html, jsonl, warc); this module only discovers and dispatches. Whatever a
file holds, reading it ends in articles or in InputErrors that name the file (and record) and the reason:
special files are never opened, links inside an input folder are not followed, and no more than
``max_bytes`` are ever decompressed.
"""
from __future__ import annotations

import errno
import glob
import gzip
import io
import json
import os
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from onrecord.errors import InputError, NotFollowed, TooLarge, describe
from onrecord.ingest.decode import decode, invalid_bytes_warning, repair_string, repaired_warning, utf16_encoding
from onrecord.ingest.html import looks_like_html, read_html
from onrecord.ingest.jsonl import iter_jsonl
from onrecord.ingest.text import read_text
from onrecord.ingest.warc import iter_warc, looks_like_warc
from onrecord.models import ParsedArticle

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
SKIP_NAMES = {"manifest.jsonl"}  # sidecars, not articles, when a directory is walked
_GZIP_MAGIC = b"\x1f\x8b"
_SPECIAL = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
            (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def display_path(path: str) -> str:
    """The path as it can be printed and stored: bytes of a file name that are not UTF-8 become U+FFFD."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _too_large(source: str, max_bytes: int, what: str) -> TooLarge:
    return TooLarge(source, f"{what} over the size cap of {max_bytes:,} bytes (raise it with --max-bytes)")


@dataclass
class InputFile:
    """One input as the user named it: a path (or '-' for stdin)."""

    path: str

    @property
    def source(self) -> str:
        """How events and articles name this input."""
        return "<stdin>" if self.path == "-" else display_path(self.path)

    def read_bytes(self, max_bytes: int) -> bytes:
        """The file's bytes, decompressed if it is gzipped (and not a WARC); TooLarge past ``max_bytes``,
        checked on the decompressed size without ever holding more than max_bytes + 1 of it."""
        if self.path == "-":
            stream: BinaryIO = io.BytesIO(_read_capped(sys.stdin.buffer, self.source, max_bytes))
        else:
            stream = open(self.path, "rb")  # closed below
        with stream:
            head = stream.read(64)
            stream.seek(0)
            if self.gzipped(head):
                return _gunzip(stream, self.source, max_bytes)
            if self.path != "-":
                size = os.fstat(stream.fileno()).st_size
                if size > max_bytes:
                    raise _too_large(self.source, max_bytes, f"{size:,} bytes is")
            return _read_capped(stream, self.source, max_bytes)

    def gzipped(self, head: bytes) -> bool:
        """True for a gzip file that is not a web archive (those are read record by record)."""
        lower = self.path.lower()
        if lower.endswith(".warc.gz") or looks_like_warc(head):
            return False
        return lower.endswith(".gz") or head.startswith(_GZIP_MAGIC)

    def format_name(self) -> str:
        """The name format detection goes by: without a .gz extension, which only says it was compressed."""
        return self.source[:-3] if self.source.lower().endswith(".gz") else self.source


def _read_capped(stream: BinaryIO, source: str, max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(source, max_bytes, "it is")
    return data


def _gunzip(stream: BinaryIO, source: str, max_bytes: int) -> bytes:
    """Decompress at most max_bytes + 1 bytes: a small file that inflates to gigabytes stops at the cap."""
    try:
        with gzip.GzipFile(fileobj=stream) as unzipped:
            data = unzipped.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(source, f"not a valid gzip file ({exc})") from exc
    if len(data) > max_bytes:
        raise _too_large(source, max_bytes, "decompressed, it is")
    return data


# -- discovery ----------------------------------------------------------------------------------------------
def _file_or_error(path: str) -> InputFile | InputError:
    """A regular file (or a link to one) as an InputFile; a broken link, a link loop, a FIFO, a device or a
    socket as an error saying so (reading a FIFO or a device could block or never end)."""
    source = display_path(path)
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if os.path.islink(path):
            if exc.errno == errno.ELOOP:
                return InputError(source, "a symbolic link loop (the link leads back to itself); skipped")
            if exc.errno == errno.ENOENT:
                target = display_path(os.readlink(path))
                return InputError(source, f"a broken symbolic link (its target {target} does not exist); skipped")
        return InputError(source, f"cannot read it ({exc.strerror or exc})")
    if stat.S_ISREG(mode):
        return InputFile(path)
    kind = next((name for test, name in _SPECIAL if test(mode)), "not a regular file")
    return InputError(source, f"{kind}, not a file: skipped (to read from a pipe, give '-' and pipe it to stdin)")


def _walk(top: str) -> list[tuple[Path, InputFile | InputError]]:
    """Every file under ``top`` (hidden ones and sidecars left out) and an error for each entry that cannot
    be read; links to folders are not followed (a loop back up is an error, any other a skip)."""
    found: list[tuple[Path, InputFile | InputError]] = []
    pending: list[tuple[str, tuple[str, ...]]] = [(top, (os.path.realpath(top),))]
    while pending:
        folder, above = pending.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            found.append((Path(folder), InputError(display_path(folder), f"cannot read the folder "
                                                   f"({exc.strerror or exc}); nothing in it was ingested")))
            continue
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                pending.append((entry.path, (*above, os.path.realpath(entry.path))))
            elif entry.name.startswith(".") or entry.name in SKIP_NAMES:
                continue
            elif entry.is_symlink() and os.path.isdir(entry.path):
                found.append((Path(entry.path), _folder_link(entry.path, above)))
            else:
                found.append((Path(entry.path), _file_or_error(entry.path)))
    return found


def _folder_link(path: str, above: tuple[str, ...]) -> InputError:
    """The event for a link to a folder met while walking: a loop if it points back up, else a skip."""
    source, target = display_path(path), os.path.realpath(path)
    if target in above:
        return InputError(source, f"a symbolic link loop (it points back to {display_path(target)}, a folder "
                                  "above it); skipped")
    return NotFollowed(source, f"a link to the folder {display_path(target)}: links inside a folder are not "
                               "followed (name the folder itself to ingest it)")


def discover(paths: Iterable[str]) -> Iterator[InputFile | InputError]:
    """Expand directories (recursively, sorted), globs and '-' into input files; missing paths, unreadable
    folders, broken links, link loops and special files (FIFOs, devices) are errors naming the path."""
    for p in paths:
        if p == "-":
            yield InputFile("-")
        elif os.path.isdir(p):
            yield from (item for _, item in sorted(_walk(p), key=lambda pair: pair[0]))
        elif os.path.lexists(p):
            yield _file_or_error(p)
        elif glob.has_magic(p):
            matches = sorted(m for m in glob.glob(p, recursive=True) if not os.path.isdir(m))
            if not matches:
                yield InputError(display_path(p), "the pattern matches no file")
            yield from (_file_or_error(m) for m in matches)
        else:
            yield InputError(display_path(p), "no such file or directory")


# -- reading ------------------------------------------------------------------------------------------------
def detect_format(name: str, data: bytes) -> str:
    """'warc', 'jsonl', 'html' or 'text', from the content first and the file extension second."""
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
    """Yield the articles in one input file, or InputErrors naming the file (and record) and the reason; a
    file name with bytes that are not UTF-8 (shown as U+FFFD) puts a warning on each of its articles."""
    bad = 0 if item.path == "-" else repair_string(item.path)[1]
    for rec in _read_input(item, max_bytes):
        if bad and isinstance(rec, ParsedArticle):
            rec.warnings.append(repaired_warning(bad, "the file name"))
        yield rec


def _read_input(item: InputFile, max_bytes: int) -> Iterator[ParsedArticle | InputError]:
    source = item.source
    try:
        data = item.read_bytes(max_bytes)
        utf16 = utf16_encoding(data)
        if utf16 is not None:  # read as UTF-8 from here on, so that every format is detected and read
            data = data.decode(utf16, errors="replace").encode("utf-8")
        fmt = detect_format(item.format_name(), data)
        if fmt == "warc":
            yield from iter_warc(io.BytesIO(data), source, max_bytes)
        elif fmt == "jsonl":
            yield from iter_jsonl(decode(data, source), source)
        elif fmt == "html":
            yield read_html(data, source)
        else:
            decoded = decode(data, source)
            article = read_text(decoded.text, source)
            if decoded.replaced:
                article.warnings.append(invalid_bytes_warning(len(decoded.replaced)))
            yield article
    except InputError as exc:
        yield exc
    except OSError as exc:
        yield InputError(source, f"cannot read the file ({exc.strerror or exc})")
    except Exception as exc:  # a reader failing on hostile input fails this file alone
        yield InputError(source, f"could not read the file ({describe(exc)})")


def _first_line_is_json_object(head: bytes) -> bool:
    if not head.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(head.split(b"\n", 1)[0]), dict)
    except (ValueError, RecursionError):
        return False
