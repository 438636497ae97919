"""Store: the SQLite schema, migrations, reads and writes."""
from onrecord.store.db import Store, article_id, content_hash, default_path

__all__ = ["Store", "article_id", "content_hash", "default_path"]
