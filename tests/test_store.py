"""The SQLite store: schema version, WAL, foreign keys, and an ingest killed midway."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from onrecord.store import Store
from onrecord.store.schema import MIGRATIONS, SCHEMA_VERSION

PARA = ("Officials said on {n} that talks would continue into next week, as negotiators from both sides met "
        "again in the capital to discuss the outstanding issues of article {n}.\n")


def test_new_store_is_migrated_wal_with_foreign_keys(tmp_path):
    with Store(tmp_path / "s.db") as store:
        assert store.version() == SCHEMA_VERSION == MIGRATIONS[-1][0]
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_migrations_apply_in_order_from_an_older_version(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for stmt in MIGRATIONS[0][2].split(";"):
        if stmt.strip():
            conn.execute(stmt)
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.version() == SCHEMA_VERSION
        assert store.conn.execute("SELECT count(*) FROM quotes").fetchone()[0] == 0


def test_killed_ingest_keeps_what_was_stored_and_rerun_completes(tmp_path):
    src = tmp_path / "articles"
    src.mkdir()
    n = 400
    for i in range(n):
        (src / f"{i:04d}.txt").write_text(f"Article {i}\n\n" + PARA.format(n=i) * 3, encoding="utf-8")
    db = tmp_path / "s.db"
    cmd = [sys.executable, "-m", "onrecord.cli", "ingest", str(src), "--db", str(db), "--quiet", "--no-analyse"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    stored = 0
    while time.time() < deadline:
        time.sleep(0.05)
        try:
            with sqlite3.connect(db, timeout=1) as c:
                stored = c.execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.OperationalError:
            continue
        if stored >= 20:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 20 <= stored
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        kept = c.execute("SELECT count(*) FROM articles").fetchone()[0]
        orphans = c.execute("SELECT count(*) FROM segments WHERE article_id NOT IN (SELECT id FROM articles)"
                            ).fetchone()[0]
    assert stored <= kept < n and orphans == 0
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM articles").fetchone()[0] == n
        assert c.execute("SELECT count(DISTINCT content_hash) FROM articles").fetchone()[0] == n
        assert c.execute("SELECT count(*) FROM segments s WHERE s.kind = 'title'").fetchone()[0] == n
