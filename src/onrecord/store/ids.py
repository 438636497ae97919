"""Article identity: the content hash that deduplicates articles, and the short id derived from it."""
from __future__ import annotations

import hashlib


def content_hash(text: str) -> str:
    """The SHA-256 of the text's UTF-8 bytes, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_id(text: str) -> str:
    """A stable id: the first 12 hex digits of the text's SHA-256 (the same article gets the same id anywhere)."""
    return content_hash(text)[:12]
