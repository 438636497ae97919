"""Link: cross-article work after the store, entity linking, statements and contradictions.

``link(store)`` runs after new articles are stored; the pure algorithms live in ``entities``, ``statements``
and ``contradictions``, and ``store`` reads their inputs from the store and writes their results back.
"""
from onrecord.link.store import link

__all__ = ["link"]
