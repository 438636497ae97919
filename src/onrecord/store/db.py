"""The embedded SQLite store: connection settings, migrations, and the writes of the ingest pipeline."""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from onrecord.errors import StoreError
from onrecord.models import Article, ParsedArticle, Quote, Segment
from onrecord.store.entities import write_entities
from onrecord.store.ids import content_hash
from onrecord.store.rows import article_row, insert_rows, quote_rows, segment_rows
from onrecord.store.schema import MIGRATIONS
from onrecord.store.stances import replace_stances

DEFAULT_DB = "onrecord.db"
BUSY_TIMEOUT = 30.0  # seconds one statement waits for another process's lock before SQLite gives up
BUSY_RETRY = 600.0  # seconds a write keeps retrying while another process holds the store's write lock


class TimeUp(StoreError):
    """A read ran past the time given to it by ``time_limit`` (SQLite interrupted it)."""


@contextmanager
def time_limit(conn: sqlite3.Connection, seconds: float | None) -> Iterator[None]:
    """Interrupt the statements run inside past ``seconds`` with TimeUp (None: no limit), the way Datasette bounds
    facet counts; SQLite checks the clock every 1,000 virtual-machine steps."""
    if seconds is None:
        yield
        return
    if seconds <= 0:
        raise TimeUp("no time was given to this read")
    deadline = time.monotonic() + seconds
    conn.set_progress_handler(lambda: int(time.monotonic() >= deadline), 1000)
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "interrupted" not in str(exc):
            raise
        raise TimeUp(f"a read took more than {seconds * 1000:.0f} ms") from exc
    finally:
        conn.set_progress_handler(None, 1000)


def default_path() -> str:
    """--db, else $ONRECORD_DB, else ./onrecord.db (the CLI passes --db explicitly when given)."""
    return os.environ.get("ONRECORD_DB") or DEFAULT_DB


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store:
    """One SQLite database file in WAL mode with foreign keys on, migrated to the latest schema on open."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, readonly: bool = False) -> None:
        self.path = str(path or default_path())
        try:
            if readonly:
                if not Path(self.path).exists():
                    raise StoreError(f"{self.path}: no such database (run `onrecord ingest` first)")
                uri = Path(self.path).resolve().as_uri() + "?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, check_same_thread=False)
            else:
                self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
            if not readonly:
                self._retry(self._wal)
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self.migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open as an onrecord SQLite store ({exc})") from exc

    # -- schema ---------------------------------------------------------------------------------------
    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Apply, each in its own transaction, every migration newer than the file's user_version. Safe from
        any number of processes at once: each transaction re-reads the version under the write lock and
        skips what another process applied meanwhile."""
        for version, _desc, sql in MIGRATIONS:
            if version <= self.version():
                continue
            with self.transaction():
                if version <= self.version():
                    continue
                for stmt in _statements(sql):
                    self.conn.execute(stmt)
                self.conn.execute(f"PRAGMA user_version = {int(version)}")

    def _wal(self) -> None:
        """Switch to WAL (a no-op when another process already did: the mode is kept in the file)."""
        if self.conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            self.conn.execute("PRAGMA journal_mode = WAL")

    def _retry(self, step: Any) -> Any:
        """Run ``step()`` again while another process holds the lock it needs (SQLITE_BUSY), for up to
        BUSY_RETRY seconds in all; then StoreError."""
        deadline = time.monotonic() + BUSY_RETRY
        delay = 0.01
        while True:
            try:
                return step()
            except sqlite3.OperationalError as exc:
                if not _busy(exc):
                    raise
                if time.monotonic() + delay > deadline:
                    raise StoreError(f"{self.path}: another process kept the store locked for {BUSY_RETRY:.0f} s; "
                                     "try again once it has finished") from exc
                time.sleep(delay)
                delay = min(1.0, delay * 2)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception; waits while another process writes."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self._retry(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def savepoint(self) -> Iterator[sqlite3.Connection]:
        """A nested step inside a transaction: on an exception only this step is undone."""
        self.conn.execute("SAVEPOINT step")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK TO step")
            self.conn.execute("RELEASE step")
            raise
        self.conn.execute("RELEASE step")

    def time_limit(self, seconds: float | None) -> Any:
        """A context in which reads past ``seconds`` raise TimeUp (see ``time_limit``)."""
        return time_limit(self.conn, seconds)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- ingest runs ------------------------------------------------------------------------------------
    def start_run(self, args: dict[str, object]) -> int:
        with self.transaction():
            cur = self.conn.execute("INSERT INTO ingest_runs(started_at, args) VALUES (?, ?)",
                                    (now(), json.dumps(args, default=str)))
        return int(cur.lastrowid or 0)

    def log_event(self, run_id: int, source: str, status: str, reason: str | None = None,
                  article_id: str | None = None) -> None:
        column = {"ingested": "ingested", "duplicate": "duplicates", "failed": "failures"}.get(status)
        with self.transaction():
            self.conn.execute("INSERT INTO ingest_events(run_id, source, status, reason, article_id) "
                              "VALUES (?, ?, ?, ?, ?)", (run_id, source, status, reason, article_id))
            if column:
                self.conn.execute(f"UPDATE ingest_runs SET {column} = {column} + 1 WHERE id = ?", (run_id,))

    def finish_run(self, run_id: int, files_seen: int) -> None:
        with self.transaction():
            self.conn.execute("UPDATE ingest_runs SET finished_at = ?, files_seen = ? WHERE id = ?",
                              (now(), files_seen, run_id))

    # -- articles -----------------------------------------------------------------------------------
    def find_by_hash(self, text: str) -> str | None:
        row = self.conn.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash(text),)).fetchone()
        return row["id"] if row else None

    def insert_article(self, parsed: ParsedArticle, segments: list[Segment], language: str | None) -> Article:
        """Insert an article and its segments (call inside a transaction). The caller checks for duplicates."""
        row = article_row(parsed, language, now())
        insert_rows(self.conn, "articles", [row])
        insert_rows(self.conn, "segments", segment_rows(row["id"], segments))
        art = Article(**{k: row[k] for k in Article.__dataclass_fields__})
        return art

    def write_analysis(self, article_id: str, analysis: Any, version: str) -> None:
        """Replace everything the analysis stage stored for an article (call inside a transaction)."""
        self.replace_quotes(article_id, analysis.quotes, version)
        write_entities(self.conn, article_id, getattr(analysis, "entities", None))
        replace_stances(self.conn, article_id, getattr(analysis, "stances", None) or [])

    def replace_quotes(self, article_id: str, quotes: list[Quote], version: str) -> None:
        """Replace an article's quotes with a fresh analysis (call inside a transaction)."""
        self.conn.execute("DELETE FROM quotes WHERE article_id = ?", (article_id,))
        insert_rows(self.conn, "quotes", quote_rows(article_id, quotes))
        self.conn.execute("UPDATE articles SET analysed_at = ?, analysis_version = ? WHERE id = ?",
                          (now(), version, article_id))

    # -- reads used by the pipeline ----------------------------------------------------------------------
    def article(self, article_id: str) -> Article | None:
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row_to_article(row) if row else None

    def article_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM articles ORDER BY date, id")]

    def segments(self, article_id: str) -> list[Segment]:
        rows = self.conn.execute('SELECT start, "end", kind, furniture FROM segments WHERE article_id = ? '
                                 "ORDER BY n", (article_id,))
        return [Segment(r["start"], r["end"], r["kind"], r["furniture"]) for r in rows]


def row_to_article(row: sqlite3.Row) -> Article:
    keys = row.keys()
    return Article(**{k: row[k] for k in Article.__dataclass_fields__ if k in keys})


def _busy(exc: sqlite3.OperationalError) -> bool:
    """Whether an error means another connection holds a lock (try again later), not a real failure."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(exc) or "busy" in str(exc)


def _statements(sql: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies (BEGIN ... END;) whole."""
    out, buf = [], []
    for line in sql.strip().splitlines():
        buf.append(line)
        text = "\n".join(buf).strip()
        in_trigger = text.upper().startswith("CREATE TRIGGER")
        if text.endswith(";") and (not in_trigger or text.upper().endswith("END;")):
            out.append(text)
            buf = []
    if "\n".join(buf).strip():
        out.append("\n".join(buf).strip())
    return out
