"""onrecord: who said what about whom, with the exact characters that prove it.

    import onrecord
    db = onrecord.open("onrecord.db")
    for q in db.quotes(by="Jeremy Corbyn"):
        print(q.date, q.speaker, q.text)
"""
from __future__ import annotations

import os

from onrecord.errors import OnrecordError
from onrecord.models import Article, Quote, Segment
from onrecord.query import Onrecord

__version__ = "0.1.0"
__all__ = ["open", "ingest", "Onrecord", "Article", "Quote", "Segment", "OnrecordError", "__version__"]


def open(path: str | os.PathLike[str] | None = None, *, readonly: bool = False) -> Onrecord:  # noqa: A001
    """Open (creating and migrating if needed) a store and return the query API over it."""
    from onrecord.store import Store

    return Onrecord(Store(path, readonly=readonly))


def ingest(paths: list[str], db: str | os.PathLike[str] | None = None, **options: object) -> object:
    """Ingest files, directories, globs (or '-') into the store at ``db``; returns an IngestReport."""
    from onrecord.pipeline import ingest as run
    from onrecord.store import Store

    with Store(db) as store:
        return run(paths, store, **options)  # type: ignore[arg-type]
