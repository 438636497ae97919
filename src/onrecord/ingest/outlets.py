"""Outlet names as users think of them: "NYTimes", "nytimes.com" and "https://www.nytimes.com/..." are all
"The New York Times", by a user-editable table (``src/onrecord/data/outlets.tsv``, or the user's own file: the
``outlets`` setting, ``--outlets FILE``). An article keeps the name it came with as ``outlet_raw``.
"""
from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

from onrecord import data, settings
from onrecord.data import OutletTable, outlet_key
from onrecord.errors import BadParameter, DataFileError
from onrecord.models import ParsedArticle

_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}")


def load(path: str | None = None) -> OutletTable:
    """The outlet table: the file at ``path`` (else the ``outlets`` setting, $ONRECORD_OUTLETS), else the shipped
    one. A user's file replaces the shipped table; a line that does not parse is an error naming file and line."""
    path = settings.value("outlets", path)
    if not path:
        return data.outlets()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise BadParameter(f"cannot read the outlets file {path}: {exc.strerror or exc}") from None
    try:
        return data.parse_outlets(text, Path(path).name)
    except DataFileError as exc:
        raise BadParameter(f"{path}, line {exc.line}: {exc.reason}") from None


def host(text: str | None) -> str | None:
    """The web host a URL or a bare domain names, lower-case and without "www." (None for other text)."""
    if not text:
        return None
    value = text.strip().lower()
    if "://" in value:
        value = urllib.parse.urlsplit(value).hostname or ""
    else:
        value = value.split("/", 1)[0]
    value = value.removeprefix("www.")
    return value if _DOMAIN.fullmatch(value) else None


def by_domain(table: OutletTable, name: str | None) -> str | None:
    """The outlet whose domain ``name`` (a URL or domain) is on, a subdomain included ("edition.cnn.com")."""
    found = host(name)
    while found and "." in found:
        if found in table.domains:
            return table.domains[found]
        found = found.split(".", 1)[1]
    return None


def normalise(table: OutletTable, outlet: str | None, url: str | None = None) -> str | None:
    """The outlet's name as the table gives it: a name or variant in any case; a domain or a URL on one; with no
    outlet, the outlet of the article's URL. A name the table does not know is kept as given (trimmed), a URL
    given as the name as its site ("https://www.example.com/news" is "example.com")."""
    given = " ".join(outlet.split()) if outlet else None
    if given:
        named = table.names.get(outlet_key(given)) or by_domain(table, given)
        if named:
            return named
        return (host(given) or given) if "://" in given else given  # a URL for a name: its site, as HTML gives it
    return by_domain(table, url)


def apply(parsed: ParsedArticle, table: OutletTable) -> None:
    """Set the article's outlet to its normalised name, keeping the name it came with as ``outlet_raw`` ("" when
    it came with none: NULL is left for articles stored before outlets were named)."""
    parsed.outlet_raw = parsed.outlet or ""
    parsed.outlet = normalise(table, parsed.outlet, parsed.url)


__all__ = ["apply", "by_domain", "host", "load", "normalise"]
