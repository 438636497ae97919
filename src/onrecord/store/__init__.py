"""Store: the SQLite schema, migrations, connection and transactions, and records <-> rows. Imports only models."""
from onrecord.store.db import Store, default_path
from onrecord.store.ids import article_id, content_hash

__all__ = ["Store", "article_id", "content_hash", "default_path"]
