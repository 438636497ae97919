"""The embedded SQLite store: connection settings, migrations, and the writes of the ingest pipeline."""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from onrecord.errors import StoreError, StoreFull, StoreReadOnly
from onrecord.models import Article, ParsedArticle, Quote, Segment
from onrecord.store.entities import write_entities
from onrecord.store.ids import content_hash
from onrecord.store.rows import article_row, insert_rows, quote_rows, segment_rows, tone_rows
from onrecord.store.schema import MIGRATIONS
from onrecord.store.stances import replace_stances

log = logging.getLogger(__name__)
DEFAULT_DB = "onrecord.db"
BUSY_TIMEOUT = 30.0  # seconds one statement waits for another process's lock before SQLite gives up
BUSY_RETRY = 600.0  # seconds a write keeps retrying while another process holds the store's write lock


class TimeUp(StoreError):
    """A read ran past the time given to it by ``time_limit`` (SQLite interrupted it)."""


@contextmanager
def time_limit(conn: sqlite3.Connection, seconds: float | None) -> Iterator[None]:
    """Interrupt the statements run inside past ``seconds`` of this thread's CPU time with TimeUp (None: no limit),
    the way Datasette bounds facet counts; SQLite checks the clock every 1,000 virtual-machine steps. CPU time, not
    the wall clock: the same read is cut or not whatever else the machine is doing, so a view counts the same on
    every load of a busy server."""
    if seconds is None:
        yield
        return
    if seconds <= 0:
        raise TimeUp("no time was given to this read")
    deadline = time.thread_time() + seconds
    conn.set_progress_handler(lambda: int(time.thread_time() >= deadline), 1000)
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


def write_error(path: str, exc: BaseException) -> StoreError | None:
    """What a failed SQLite call means when the store cannot be written (StoreReadOnly: the file, its folder or
    the disk is read-only) or the disk is full (StoreFull); None for any other error."""
    if not isinstance(exc, sqlite3.Error):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc)
    folder = os.path.dirname(os.path.abspath(path))
    if primary == sqlite3.SQLITE_FULL or "database or disk is full" in text:
        return StoreFull(path, folder)
    if primary == sqlite3.SQLITE_READONLY or "readonly database" in text:
        return StoreReadOnly(path, _readonly_cause(path, folder, code == sqlite3.SQLITE_READONLY_DIRECTORY))
    if (primary == sqlite3.SQLITE_CANTOPEN or "unable to open database file" in text) and os.path.isdir(folder) \
            and not os.access(folder, os.W_OK):
        return StoreReadOnly(path, _readonly_cause(path, folder, True))
    return None


def _readonly_cause(path: str, folder: str, folder_said: bool) -> str:
    """Why SQLite may not write ``path``, as far as this process can tell, in words."""
    if folder_said or (os.path.isdir(folder) and not os.access(folder, os.W_OK)):
        return f"its folder {folder} is read-only (SQLite writes its -wal and -shm files beside the store)"
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return "the file is read-only"
    return "SQLite may not write to it (the file, its folder or the disk is read-only)"


@contextmanager
def _writes(path: str) -> Iterator[None]:
    """Turn a write that fails because the store is read-only or the disk is full into StoreReadOnly or
    StoreFull naming the file (any other error goes on as it is)."""
    try:
        yield
    except sqlite3.Error as exc:
        err = write_error(path, exc)
        if err is None:
            raise
        raise err from exc


class Store:
    """One SQLite database file in WAL mode with foreign keys on, migrated to the latest schema on open.
    ``readonly``: opened with ``mode=ro``, or ``immutable=1`` where its folder cannot be written (see
    ``_open_readonly``); nothing is ever written."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, readonly: bool = False) -> None:
        self.path = str(path or default_path())
        self.immutable = False  # read with immutable=1: the folder is read-only, nothing can change the file
        conn: sqlite3.Connection | None = None
        try:
            if readonly:
                if not Path(self.path).exists():
                    raise StoreError(f"{self.path}: no such database (run `onrecord ingest` first)")
                self.conn = conn = self._open_readonly()
            else:
                if os.path.exists(self.path) and not os.access(self.path, os.W_OK):  # before any work is done
                    raise StoreReadOnly(self.path, _readonly_cause(self.path, os.path.dirname(
                        os.path.abspath(self.path)), False))
                self.conn = conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
            if not readonly:
                with _writes(self.path):
                    self._retry(self._wal)
                    self.conn.execute("PRAGMA synchronous = NORMAL")
                    self.migrate()
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            raise StoreError(f"{self.path}: cannot open as an onrecord SQLite store ({exc})") from exc
        except BaseException:
            if conn is not None:
                conn.close()
            raise

    def _open_readonly(self) -> sqlite3.Connection:
        """``mode=ro``; where SQLite cannot create the -shm file a WAL-mode read needs (a read-only folder or
        mount, a shared archive), ``immutable=1``, which needs none: nobody can change the file there."""
        uri = Path(self.path).resolve().as_uri()
        conn = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT, check_same_thread=False)
        try:
            conn.execute("PRAGMA user_version").fetchone()  # the first read opens the WAL index (-shm)
            return conn
        except sqlite3.OperationalError as exc:
            conn.close()
            if write_error(self.path, exc) is None and "unable to open" not in str(exc):
                raise
        wal = Path(self.path + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise StoreError(f"{self.path}: its latest changes are in {wal.name}, which cannot be read while the "
                             "folder is read-only: open the store once where its folder can be written (or copy "
                             "the folder somewhere writable), then try again")
        log.info("%s: its folder cannot be written; reading it as an immutable file", self.path)
        self.immutable = True
        return sqlite3.connect(uri + "?mode=ro&immutable=1", uri=True, timeout=BUSY_TIMEOUT,
                               check_same_thread=False)

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
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception; waits while another process writes. A store
        that cannot be written raises StoreReadOnly, a full disk StoreFull (nothing of the transaction kept)."""
        if self.conn.in_transaction:
            yield self.conn
            return
        with _writes(self.path):
            self._retry(lambda: self.conn.execute("BEGIN IMMEDIATE"))
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException:
                self._undo("ROLLBACK")
                raise

    @contextmanager
    def savepoint(self) -> Iterator[sqlite3.Connection]:
        """A nested step inside a transaction: on an exception only this step is undone (StoreReadOnly and
        StoreFull as in ``transaction``)."""
        with _writes(self.path):
            self.conn.execute("SAVEPOINT step")
            try:
                yield self.conn
            except BaseException:
                self._undo("ROLLBACK TO step", "RELEASE step")
                raise
            self.conn.execute("RELEASE step")

    def _undo(self, *statements: str) -> None:
        """Roll back after an error. SQLite may have rolled the whole transaction back itself (it can on a full
        disk): then there is nothing left to undo, and that is no second error."""
        if not self.conn.in_transaction:
            return
        try:
            for stmt in statements:
                self.conn.execute(stmt)
        except sqlite3.OperationalError as exc:
            log.warning("%s: rolling back: %s", self.path, exc)

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

    def finish_run(self, run_id: int, files_seen: int, interrupted: str | None = None) -> None:
        """Mark a run finished, or ``interrupted`` with why (SIGTERM, Ctrl-C, a full disk): re-running it completes
        what it left."""
        with self.transaction():
            self.conn.execute("UPDATE ingest_runs SET finished_at = ?, files_seen = ?, interrupted = ? WHERE id = ?",
                              (now(), files_seen, interrupted, run_id))

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
        self.conn.execute("DELETE FROM tones WHERE article_id = ?", (article_id,))
        insert_rows(self.conn, "tones", tone_rows(article_id, getattr(analysis, "tones", None) or []))

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
