"""Bytes -> text: binary detection, charset decoding, newline normalisation (as Python's text mode reads).

UTF-8 comes first: a UTF-8 file with a few bytes that are not valid UTF-8 (a stray Latin-1 byte, a character
cut in half) is read as UTF-8 with each of those bytes replaced by U+FFFD, and the caller warns. Whether a file
is mostly UTF-8 is measured, not guessed: the bytes of its valid multi-byte sequences against its invalid bytes
(a cp1252/Latin-1 file has almost no valid multi-byte sequences, a UTF-8 file almost no invalid bytes). Only a
file with more invalid bytes than multi-byte ones is read as a legacy code page: cp1252 when it reads as cp1252
letters and punctuation and no other code page reads better, else charset-normalizer's guess.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes

from onrecord.errors import BinaryInput, DecodeError, EmptyInput

_TEXT_CONTROLS = {9, 10, 12, 13, 27}
_ESCAPED = re.compile("[\udc80-\udcff]")  # bytes Python's surrogateescape kept undecoded
_SURROGATES = re.compile("[\ud800-\udfff]")  # those, and lone surrogates from \\ud800 escapes
_UTF16_MIN_PAIRS = 4
_HIGH = bytes(range(0x80, 0x100))
# what cp1252 text holds beyond ASCII besides letters: typographic punctuation, currency, a few signs
_CP1252_SIGNS = frozenset("\u00a0‘’‚“”„–—…•€£¥¢©®™°±·«»‹›§¶¡¿†‡‰×÷")


@dataclass(frozen=True)
class Decoded:
    """Decoded text, and the offsets in it of each U+FFFD put in for a byte that was not valid UTF-8."""

    text: str
    replaced: tuple[int, ...] = ()

    def count(self, start: int = 0, end: int | None = None) -> int:
        """How many bytes were replaced in text[start:end]."""
        stop = len(self.text) if end is None else end
        return sum(1 for i in self.replaced if start <= i < stop)


def invalid_bytes_warning(n: int) -> str:
    """The warning for an article in which ``n`` bytes that were not valid UTF-8 were replaced."""
    what = "byte that is" if n == 1 else "bytes that are"
    return f"{n} {what} not valid UTF-8 replaced with U+FFFD (the rest read as UTF-8)"


def repair_string(value: str) -> tuple[str, int]:
    """The string with each surrogate (a byte that was not UTF-8, kept by Python as \\udcXX in a file name
    or argument; half of an emoji from a \\ud800 escape) replaced by U+FFFD, and how many: a surrogate
    cannot be written as UTF-8, to the store or to a terminal."""
    return _SURROGATES.subn("\ufffd", value)


def repaired_warning(n: int, what: str) -> str:
    """The warning for ``n`` characters of a user-supplied string (``what``: "the --outlet value") that were
    not valid UTF-8 (stray bytes or lone surrogates) and were replaced."""
    chars = "character that was" if n == 1 else "characters that were"
    return f"{what}: {n} {chars} not valid UTF-8 (a stray byte or half of an emoji) replaced with U+FFFD"


def utf16_encoding(data: bytes) -> str | None:
    """'utf-16' for UTF-16 text with a BOM, 'utf-16-le'/'utf-16-be' for UTF-16 without one (every other byte
    NUL, as in mostly-ASCII UTF-16 text), else None."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:8192]
    pairs = len(head) // 2
    if pairs < _UTF16_MIN_PAIRS:
        return None
    even, odd = head[0:2 * pairs:2].count(0), head[1:2 * pairs:2].count(0)
    if odd >= 0.3 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.3 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _controls(sample: bytes | str) -> float:
    """The share of control characters that text does not use (NUL, BEL, ...) in ``sample``."""
    codes = sample if isinstance(sample, bytes) else [ord(c) for c in sample]
    return sum(1 for b in codes if b < 32 and b not in _TEXT_CONTROLS) / max(1, len(codes))


def looks_binary(data: bytes) -> bool:
    """True for data that is not text: NUL bytes or many control characters in the first 8 KiB."""
    head = data[:8192]
    if not head:
        return False
    enc = utf16_encoding(head)
    if enc is not None:  # UTF-16 text has NULs; judge the characters instead
        return _controls(head.decode(enc, errors="replace")) > 0.05
    if b"\x00" in head:
        return True
    return _controls(head) > 0.05


def normalise_newlines(text: str) -> str:
    """Turn CRLF and CR into LF, exactly as Python's open() does in text mode."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def utf8_replacing(data: bytes) -> Decoded:
    """The data as UTF-8, each byte that is not valid UTF-8 replaced with one U+FFFD (so it can be counted)."""
    try:
        return Decoded(normalise_newlines(data.decode("utf-8")))
    except UnicodeDecodeError:
        pass
    raw = normalise_newlines(data.decode("utf-8", errors="surrogateescape"))
    replaced = tuple(m.start() for m in _ESCAPED.finditer(raw))
    return Decoded(_ESCAPED.sub("\ufffd", raw), replaced)


def lenient_utf8(data: bytes) -> Decoded | None:
    """The data as UTF-8 with its invalid bytes replaced when it is mostly UTF-8 (at least as many bytes in
    valid multi-byte sequences as invalid bytes); None for data that looks like a legacy code page."""
    decoded = utf8_replacing(data)
    if not decoded.replaced:
        return decoded
    multibyte = len(data) - len(data.translate(None, _HIGH)) - len(decoded.replaced)
    return decoded if multibyte >= len(decoded.replaced) else None


def _reads_as_cp1252(text: str) -> bool:
    """True when every character beyond ASCII is a letter or common typographic punctuation (not ³ or ¹,
    which is what Polish ł and ą become when cp1250 text is read as cp1252)."""
    return all(c < "\x80" or c in _CP1252_SIGNS or (c.isalpha() and unicodedata.name(c, "").startswith("LATIN"))
               for c in text)


def legacy_text(data: bytes) -> str | None:
    """Text that is not mostly UTF-8, read as a legacy code page: cp1252 (what Western news sites wrote before
    UTF-8) when it reads as letters and punctuation and charset-normalizer finds no code page with less
    mess, else charset-normalizer's best guess; None when nothing decodes it."""
    results = from_bytes(data)
    best = results.best()
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and _reads_as_cp1252(western):
        cp1252 = next((r for r in results if r.encoding == "cp1252"), None)
        if best is None or str(best) == western or cp1252 is not None and cp1252.chaos <= best.chaos:
            return western
    if best is None or best.encoding is None:
        return None
    return str(best)


def decode(data: bytes, source: str, declared: str | None = None) -> Decoded:
    """Decode bytes to text: BOM, then a declared charset, then UTF-8 (with a few invalid bytes replaced),
    then a detected charset, else a clear error."""
    if not data.strip():
        raise EmptyInput(source, "the file is empty")
    if looks_binary(data):
        raise BinaryInput(source, "binary data, not text, HTML, JSONL or WARC (is it an image, a PDF or an archive?)")
    if data.startswith(codecs.BOM_UTF8):
        return utf8_replacing(data[len(codecs.BOM_UTF8):])
    utf16 = utf16_encoding(data)
    if utf16 is not None:
        return Decoded(normalise_newlines(data.decode(utf16, errors="replace")))
    if declared:
        try:
            return Decoded(normalise_newlines(data.decode(declared)))
        except (UnicodeDecodeError, LookupError):
            pass
    utf8 = lenient_utf8(data)
    if utf8 is not None:
        return utf8
    legacy = legacy_text(data)
    if legacy is None:
        raise DecodeError(source, "cannot decode the text: it is not UTF-8 and no charset could be detected; "
                                  "re-save it as UTF-8")
    return Decoded(normalise_newlines(legacy))
