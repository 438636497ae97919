"""Link: cross-article work after the store, entity linking, statements and contradictions.

``link(store, article_ids)`` runs after new articles are stored and links just what they touch (and anything a
crash left pending); ``link(store)`` relinks the whole store. The pure algorithms live in ``entities``,
``statements`` and ``contradictions``; ``store`` runs a batch through ``entities_store``, ``statements_store``
and ``stances_store``, which read their inputs from the store by indexed lookups and write the results back.
"""
from onrecord.link.store import LinkReport, link, pending

__all__ = ["LinkReport", "link", "pending"]
