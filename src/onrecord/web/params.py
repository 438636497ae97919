"""Query-string parameters checked once for the API and the pages: bounded sizes, clear 400 messages."""
from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from onrecord import settings
from onrecord.errors import BadParameter

MAX_LIMIT = 500
MAX_OFFSET = 10_000_000
MAX_TEXT = 200
KINDS = ("direct", "partial", "indirect", "mixed")


def text(params: Mapping[str, str], name: str, *, required: bool = False, max_len: int = MAX_TEXT) -> str | None:
    """A trimmed string parameter, at most ``max_len`` characters; None when absent or blank."""
    value = (params.get(name) or "").strip()
    if not value:
        if required:
            raise BadParameter(f"the parameter {name!r} is required")
        return None
    if len(value) > max_len:
        raise BadParameter(f"{name} is {len(value)} characters long; the limit is {max_len}")
    return value


def texts(params: Mapping[str, str], name: str, *, max_len: int = MAX_TEXT, most: int = 20
          ) -> str | list[str] | None:
    """A parameter that may be repeated (``outlet=A&outlet=B``: any of them): None, one value, or the values in the
    order given, each trimmed and at most ``max_len`` characters, at most ``most`` of them."""
    getlist = getattr(params, "getlist", None)
    raw = getlist(name) if getlist else [params.get(name) or ""]
    values = list(dict.fromkeys(v for v in (text({name: r}, name, max_len=max_len) for r in raw) if v))
    if len(values) > most:
        raise BadParameter(f"{name} is given {len(values)} times; the limit is {most}")
    return None if not values else values[0] if len(values) == 1 else values


def items(params: Mapping[str, str]) -> list[tuple[str, str]]:
    """Every (name, value) of a query string, a repeated name once per value."""
    multi = getattr(params, "multi_items", None)
    return list(multi()) if multi else list(params.items())


def integer(params: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    """An integer parameter within [lo, hi]."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"-?\d{1,12}", raw.strip()):
        raise BadParameter(f"{name} must be a whole number between {lo} and {hi}, got {raw[:40]!r}")
    value = int(raw)
    if not lo <= value <= hi:
        raise BadParameter(f"{name} must be between {lo} and {hi}, got {value}")
    return value


def paging(params: Mapping[str, str], default: int = 50) -> tuple[int, int]:
    """(limit, offset): limit 1..500 (``_size`` is another name for it), offset 0 or more."""
    return size(params, default), integer(params, "offset", 0, 0, MAX_OFFSET)


# the parameters every list takes, on the pages, their exports and the API; ``_size`` is another name for ``limit``
LIST_PARAMS = ("limit", "offset", "_size", "_sort", "_sort_desc")
ALIASES = {"_size": "limit"}


def known(params: Iterable[str], allowed: Iterable[str], where: str) -> None:
    """BadParameter naming each parameter ``where`` does not take (with the closest it does) and listing the ones it
    takes, so that a misspelt filter is never silently ignored."""
    names = set(allowed)
    names |= {alias for alias, name in ALIASES.items() if name in names}
    unknown = sorted(set(params) - names)
    if not unknown:
        return
    hints = []
    for name in unknown:
        close = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.6)
        hints.append(f"{name[:40]!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    raise BadParameter(f"{where} takes no parameter {', '.join(hints)}; it takes: "
                       f"{', '.join(sorted(names, key=lambda n: (n.startswith('_'), n)))}")


def date(params: Mapping[str, str], name: str) -> str | None:
    """A date as YYYY, YYYY-MM or YYYY-MM-DD."""
    value = text(params, name, max_len=10)
    if value is None:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", value)
    try:
        if not m:
            raise ValueError(value)
        dt.date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    except ValueError:
        raise BadParameter(f"{name} must be a date as YYYY-MM-DD (or YYYY-MM, YYYY), got {value!r}") from None
    return value


def kind(params: Mapping[str, str]) -> str | None:
    value = text(params, "kind", max_len=20)
    if value is not None and value not in KINDS:
        raise BadParameter(f"kind must be one of {', '.join(KINDS)}, got {value!r}")
    return value


def quote_filters(params: Mapping[str, str], min_confidence: float | None = None) -> dict[str, Any]:
    """The filters of ``Onrecord.quotes`` from a query string (``min_confidence`` when the string has none)."""
    return {"by": text(params, "by"), "about": text(params, "about"), "outlet": texts(params, "outlet"),
            "since": date(params, "since"), "until": date(params, "until"), "q": text(params, "q"),
            "kind": kind(params), "article": text(params, "article", max_len=64),
            "min_confidence": confidence(params, min_confidence), "method": method(params)}


def span(params: Mapping[str, str], name: str, length: int) -> tuple[int, int] | None:
    """A character span ``START-END`` inside a text of ``length`` characters."""
    value = text(params, name, max_len=30)
    if value is None:
        return None
    m = re.fullmatch(r"(\d{1,9})-(\d{1,9})", value)
    if not m or not int(m[1]) < int(m[2]) <= length:
        raise BadParameter(f"{name} must be START-END with 0 <= START < END <= {length} (the article's length), "
                           f"got {value!r}")
    return int(m[1]), int(m[2])


def path_id(raw: str, what: str) -> int:
    """A numeric id from the URL path (statements are numbered)."""
    if not raw.isdigit() or len(raw) > 12:
        raise BadParameter(f"a {what} id is a number, got {raw[:40]!r}")
    return int(raw)




def default_min_confidence() -> float:
    """The pages' default ``min_confidence`` (the ``web_min_confidence`` setting, 0.4: on PolNeAR train's held-out
    tuning sample, bench/confidence.py, attributions scored 0.3-0.4 are right, content and source, 43% of the time,
    those scored 0.4-0.5 52%; below 0.4 an attribution is more often wrong than right; docs/web.md has the curve)."""
    return float(settings.value("web_min_confidence"))


def stance_min_confidence() -> float:
    """The stance lists' default ``min_confidence``: the web's cut, or the stances' cut (``stance_min_confidence``,
    0.85: a stance's confidence is its kind's measured precision) when higher."""
    return max(default_min_confidence(), float(settings.value("stance_min_confidence")))


METHODS = ("rules", "learned")


def confidence(params: Mapping[str, str], default: float | None = None) -> float | None:
    """``min_confidence``: a number from 0 to 1 (``default`` when absent)."""
    raw = text(params, "min_confidence", max_len=8)
    if raw is None:
        return default
    if not re.fullmatch(r"(0(\.\d{1,4})?|1(\.0{1,4})?|\.\d{1,4})", raw):
        raise BadParameter(f"min_confidence must be a number from 0 to 1, got {raw!r}")
    return float(raw)


def method(params: Mapping[str, str]) -> str | None:
    value = text(params, "method", max_len=20)
    if value is not None and value not in METHODS:
        raise BadParameter(f"method must be one of {', '.join(METHODS)}, got {value!r}")
    return value


def sort(params: Mapping[str, str]) -> str | None:
    """The sort of a list, Datasette style: ``_sort=KEY`` ascending or ``_sort_desc=KEY`` descending (the query
    API's ``KEY`` / ``-KEY``); the keys are checked by the query API."""
    asc, desc = text(params, "_sort", max_len=30), text(params, "_sort_desc", max_len=30)
    if asc and desc:
        raise BadParameter("give _sort or _sort_desc, not both")
    if desc:
        return "-" + desc
    return asc


def size(params: Mapping[str, str], default: int) -> int:
    """``limit`` (or ``_size``, the same): rows per page, 1 to MAX_LIMIT."""
    given = [name for name in ("limit", "_size") if params.get(name)]
    if len(given) == 2 and params["limit"].strip() != params["_size"].strip():
        raise BadParameter("limit and _size are one parameter (rows per page): give one of them")
    return integer(params, given[0] if given else "limit", default, 1, MAX_LIMIT)
