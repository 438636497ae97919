"""A store that cannot be written, and a full disk (issue 27, item 3).

Reads and ``serve`` open a read-only store, and a store in a read-only folder (``mode=ro``, then ``immutable=1``:
WAL would need a -shm file beside it). Writes to such a store, and a full disk, end with one line naming the file,
the cause and what to do (E201, E202), and lose nothing.

Root ignores file permissions, so the permission tests run their reads and writes as ``nobody`` in a forked child
when the suite runs as root; the fallback is also checked with SQLite's own errors simulated at the connection, and
the full disk is a real SQLITE_FULL from ``PRAGMA max_page_count``.
"""
from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import web_support as ws
from click.testing import CliRunner
from test_hostile import news

import onrecord
from onrecord.cli import main
from onrecord.errors import StoreError, StoreFull, StoreReadOnly
from onrecord.pipeline import ingest_articles
from onrecord.store import Store, db
from onrecord.web.app import create_app

NOBODY = 65534
ARTICLES = 5


def unprivileged(fn: Callable[[], Any]) -> Any:
    """``fn()`` where file permissions apply: here when not root, else in a forked child turned ``nobody`` (root
    ignores them); its return value comes back, its failure fails the test with the child's traceback."""
    if os.geteuid() != 0:
        return fn()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(r)
            try:
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            except PermissionError as exc:  # a container that forbids it: nothing to test here
                out: tuple[str, Any] = ("skip", f"cannot become nobody ({exc})")
            else:
                out = ("ok", fn())
        except BaseException as exc:
            out = ("error", "".join(traceback.format_exception(exc)))
        try:
            with os.fdopen(w, "wb") as f:
                pickle.dump(out, f)
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    kind, value = pickle.loads(data)
    if kind == "error":
        pytest.fail("as an unprivileged user:\n" + value)
    if kind == "skip":
        pytest.skip(value)
    return value


@pytest.fixture()
def place() -> Iterator[Path]:
    """A folder ``nobody`` can reach and write (pytest's own are root's alone), with a store of five articles
    (stored without analysis: what is tested is the file) and an input folder of three more."""
    base = Path(tempfile.mkdtemp(prefix="onrecord-limits-"))
    try:
        (base / "in").mkdir()
        for i in range(3):
            (base / "in" / f"{i}.txt").write_text(news(100 + i), encoding="utf-8")
        (base / "store").mkdir()
        with Store(base / "store" / "s.db") as store:
            ingest_articles([{"text": news(i)} for i in range(ARTICLES)], store, analyse=False)
        assert sorted(os.listdir(base / "store")) == ["s.db"]  # WAL checkpointed and removed on close
        for p in [base, *base.rglob("*")]:
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
            if os.geteuid() == 0:
                os.chown(p, NOBODY, NOBODY)
        yield base
    finally:
        for p in [base, *base.rglob("*")]:
            if p.is_dir():
                os.chmod(p, 0o755)
        shutil.rmtree(base)


def _articles(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


def _reads_and_refuses_writes(store: Path, inputs: Path, cause: str) -> Callable[[], dict[str, Any]]:
    """What the unprivileged user does: read through the API, the CLI and the web app, then try to write."""
    def go() -> dict[str, Any]:
        out: dict[str, Any] = {}
        with onrecord.open(store, readonly=True) as api:
            out["articles"] = len(api.articles(limit=100))
            out["immutable"] = api.store.immutable
        listed = CliRunner().invoke(main, ["articles", "--db", str(store)])
        out["cli_articles"] = (listed.exit_code, sum(f"Council vote number {i} " in listed.output
                                                     for i in range(ARTICLES)))
        with ws.TestClient(create_app(str(store))) as client:
            r = client.get("/api/articles")
            out["web"] = (r.status_code, r.json().get("total"))
        with pytest.raises(StoreReadOnly, match=cause) as err:
            onrecord.ingest([str(inputs)], store, analyse=False)
        out["error"] = str(err.value)
        for args in (["ingest", str(inputs), "--no-analyse"], ["analyse", "--all"], ["merge", "a", "b"]):
            res = CliRunner().invoke(main, [*args, "--db", str(store)])
            out[args[0]] = (res.exit_code, res.output)
        out["files"] = sorted(os.listdir(store.parent))
        return out
    return go


def _check(out: dict[str, Any], store: Path, cause: str) -> None:
    assert out["articles"] == ARTICLES and out["cli_articles"] == (0, ARTICLES)
    assert out["web"] == (200, ARTICLES)
    assert out["error"].startswith(f"[E201] {store}: cannot write to the store: ") and "nothing was changed" in out[
        "error"]
    for command in ("ingest", "analyse", "merge"):
        code, output = out[command]
        assert code == 2 and output.count("\n") == 1, (command, output)  # one line, no traceback
        assert output.startswith(f"Error: [E201] {store}: cannot write to the store: "), (command, output)
        assert cause in output and "writable" in output, (command, output)


def test_a_read_only_store_is_read_and_served_and_a_write_says_so(place):
    store = place / "store" / "s.db"
    store.chmod(0o444)
    out = unprivileged(_reads_and_refuses_writes(store, place / "in", "the file is read-only"))
    _check(out, store, "the file is read-only")
    assert out["immutable"] is False  # its folder can be written: WAL's -shm is made there as usual
    assert _articles(store) == ARTICLES


def test_a_store_in_a_read_only_folder_is_read_and_served_and_a_write_says_so(place):
    store = place / "store" / "s.db"
    store.chmod(0o444)
    store.parent.chmod(0o555)
    cause = f"its folder {store.parent} is read-only"
    out = unprivileged(_reads_and_refuses_writes(store, place / "in", cause))
    _check(out, store, cause)
    assert out["immutable"] is True and out["files"] == ["s.db"]  # no -shm or -wal was needed
    assert _articles(store) == ARTICLES


def test_changes_left_in_a_wal_file_are_not_silently_skipped_in_a_read_only_folder(place):
    store = place / "store" / "s.db"
    shutil.copy(store, place / "store" / "s.db-wal")  # stands in for a -wal a crashed writer left behind
    store.parent.chmod(0o555)

    def go() -> str:
        with pytest.raises(StoreError, match="s.db-wal, which cannot be read while the folder is read-only") as err:
            onrecord.open(store, readonly=True)
        return str(err.value)

    assert "copy the folder" in unprivileged(go)


# -- the same fallback with SQLite's errors simulated (whoever runs the tests) ------------------------------------
class _NoShm(sqlite3.Connection):
    """A mode=ro connection in a folder where SQLite cannot make the -shm file: its first read fails as there."""

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        raise sqlite3.OperationalError("attempt to write a readonly database")


class _ReadOnlyFile(sqlite3.Connection):
    """A connection to a file SQLite opened read-only: every write fails as it does there."""

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        if sql.split()[0].upper() in ("BEGIN", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER"):
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return super().execute(sql, *args)


def test_the_read_only_fallback_with_simulated_errors(place, monkeypatch):
    store = place / "store" / "s.db"
    real = sqlite3.connect
    opened: list[str] = []

    def connect(target: Any, *args: Any, **kw: Any) -> sqlite3.Connection:
        opened.append(str(target))
        if "immutable=1" in str(target):
            return real(target, *args, **kw)
        return real(target, *args, factory=_NoShm if "mode=ro" in str(target) else _ReadOnlyFile, **kw)

    monkeypatch.setattr(db.sqlite3, "connect", connect)
    with onrecord.open(store, readonly=True) as api:
        assert len(api.articles(limit=100)) == ARTICLES and api.store.immutable
    assert opened[:2] == [store.resolve().as_uri() + "?mode=ro", store.resolve().as_uri() + "?mode=ro&immutable=1"]
    with pytest.raises(StoreReadOnly, match=r"^\[E201\] .*s\.db: cannot write to the store: .*nothing was changed"):
        onrecord.ingest([str(place / "in")], store, analyse=False)
    monkeypatch.undo()
    assert _articles(store) == ARTICLES


# -- a full disk ---------------------------------------------------------------------------------------------------
def test_a_full_disk_stops_the_run_with_one_line_and_keeps_what_was_reported(tmp_path, monkeypatch):
    """A real SQLITE_FULL: the store may grow only a few pages (PRAGMA max_page_count), as on a disk with that
    little room left. What was reported ingested is stored, the store is sound, and a re-run completes it."""
    path = tmp_path / "s.db"
    Store(path).close()
    with closing(sqlite3.connect(path)) as conn:
        room = int(conn.execute("PRAGMA page_count").fetchone()[0]) + 40
    src = tmp_path / "in"
    src.mkdir()
    for i in range(120):
        (src / f"{i:03d}.txt").write_text(news(i) + "More words. " * 100, encoding="utf-8")
    real = sqlite3.connect

    def connect(*args: Any, **kw: Any) -> sqlite3.Connection:
        conn = real(*args, **kw)
        conn.execute(f"PRAGMA max_page_count = {room}")
        return conn

    monkeypatch.setattr(db.sqlite3, "connect", connect)
    reported: list[str] = []
    with pytest.raises(StoreFull) as err:
        onrecord.ingest([str(src)], path, analyse=False, on_event=lambda ev: reported.append(ev.source))
    assert str(err.value).startswith(f"[E202] {path}: the disk is full (SQLite: database or disk is full); ")
    assert f"Free space on the disk that holds {tmp_path}, then run the command again" in str(err.value)
    cli = CliRunner().invoke(main, ["ingest", str(src), "--no-analyse", "-q", "--db", str(path)])
    assert cli.exit_code == 2 and cli.output.count("\n") == 1 and cli.output.startswith("Error: [E202] "), cli.output
    monkeypatch.undo()

    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {r[0] for r in conn.execute("SELECT source FROM articles")}
        runs = conn.execute("SELECT finished_at IS NOT NULL, interrupted FROM ingest_runs ORDER BY id").fetchall()
    assert 0 < len(reported) < 120 and set(reported) <= stored  # what was reported is stored
    assert runs[0] == (1, str(err.value))  # the run says why it stopped
    again = onrecord.ingest([str(src)], path, analyse=False)
    assert again.count("ingested") == 120 - len(stored) and again.count("duplicate") == len(stored)
    assert _articles(path) == 120
