"""The base of every record: a dataclass that serialises to a plain dict, and a list of records with a total."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from onrecord.errors import MissingExtra

T = TypeVar("T", bound="Record")


@dataclass
class Record:
    """Base class: every record serialises to a plain dict."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Records(list[T]):
    """A list of typed records with the total count before paging and an optional pandas view."""

    total: int = 0

    def to_pandas(self) -> Any:
        try:
            import pandas as pd
        except ImportError as exc:
            raise MissingExtra("pandas", "pandas") from exc
        return pd.DataFrame([r.to_dict() for r in self])

    def to_dicts(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self]
