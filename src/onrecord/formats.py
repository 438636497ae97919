"""Serializers for typed records: aligned text tables, JSON Lines and CSV."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any


def _cell(v: Any, width: int) -> str:
    s = "" if v is None else str(v)
    s = " ".join(s.split())
    return s if len(s) <= width else s[: width - 1] + "…"


def table(rows: Iterable[dict[str, Any]], columns: Sequence[str], widths: dict[str, int] | None = None) -> str:
    """A plain aligned table; long cells are cut with an ellipsis."""
    widths = widths or {}
    cells = [[_cell(r.get(c), widths.get(c, 40)) for c in columns] for r in rows]
    size = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(size[i]) for i, c in enumerate(columns)).rstrip(),
             "  ".join("-" * size[i] for i in range(len(columns)))]
    lines += ["  ".join(v.ljust(size[i]) for i, v in enumerate(row)).rstrip() for row in cells]
    return "\n".join(lines)


def jsonl(rows: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def to_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in r.items()})
    return buf.getvalue()


def render(rows: list[dict[str, Any]], fmt: str, columns: Sequence[str],
           widths: dict[str, int] | None = None) -> str:
    """Render records in the chosen format ("table", "jsonl" or "csv")."""
    if fmt == "jsonl":
        return jsonl(rows)
    if fmt == "csv":
        return to_csv(rows, list(rows[0].keys()) if rows else columns)
    return table(rows, columns, widths) + "\n"
