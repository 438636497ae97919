"""Bytes -> text: binary detection, charset decoding, newline normalisation (as Python's text mode reads)."""
from __future__ import annotations

import codecs

from onrecord.errors import BinaryInput, DecodeError, EmptyInput

_BOMS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]
_TEXT_CONTROLS = {9, 10, 12, 13, 27}


def looks_binary(data: bytes) -> bool:
    """True for data that is not text: NUL bytes or many control characters in the first 8 KiB."""
    head = data[:8192]
    if not head:
        return False
    if any(head.startswith(bom) for bom, _ in _BOMS[1:]):
        return False  # UTF-16 text has NULs
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in _TEXT_CONTROLS)
    return controls / len(head) > 0.05


def normalise_newlines(text: str) -> str:
    """Turn CRLF and CR into LF, exactly as Python's open() does in text mode."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode(data: bytes, source: str, declared: str | None = None) -> str:
    """Decode bytes to text: BOM, then a declared charset, then UTF-8, then a detected charset, else a clear error."""
    if not data.strip():
        raise EmptyInput(source, "the file is empty")
    if looks_binary(data):
        raise BinaryInput(source, "binary data, not text, HTML, JSONL or WARC (is it an image, a PDF or an archive?)")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return normalise_newlines(data.decode(enc, errors="replace"))
    candidates = [declared] if declared else []
    for enc in [*candidates, "utf-8"]:
        try:
            return normalise_newlines(data.decode(enc))
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DecodeError(source, "cannot decode the text: it is not UTF-8 and no charset could be detected; "
                                  "re-save it as UTF-8")
    return normalise_newlines(str(best))
