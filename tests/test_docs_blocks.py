"""Docs that cannot rot: every code block of README.md and docs/*.md runs here, against a copy of the sample
store, or says in the Markdown why it cannot (`<!-- not run: REASON -->` on the line before the block); the CLI
reference docs/cli.md is what `--help` prints."""
from __future__ import annotations

import gzip
import io
import json
import os
import re
import shlex
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, FIXTURES, ROOT
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from onrecord.cli import main, reference

MANIFEST = EXAMPLES / "manifest.jsonl"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# shell lines that set up the reader's shell rather than ask onrecord anything
SHELL_SETUP = {". .venv/bin/activate"}
SPARK = ("onrecord spark", "onrecord load")


def blocks(path: Path) -> list[tuple[int, str, str, str | None]]:
    """(line, language, code, reason it is not run or None) of every fenced block of a Markdown file."""
    out = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^```(\w*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        j = i + 1
        while not lines[j].startswith("```"):
            j += 1
        before = lines[i - 1] if i else ""
        why = re.fullmatch(r"<!-- not run: (.+) -->", before.strip())
        out.append((i + 1, m.group(1), "\n".join(lines[i + 1:j]), why.group(1) if why else None))
        i = j + 1
    return out


def commands(code: str) -> list[str]:
    """The shell commands of a bash block: comments dropped, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", code)
    out = []
    for line in text.splitlines():
        words = shlex.split(line, comments=True)
        if words:
            out.append(shlex.join(words))
    return out


def _warc(path: Path, html: str) -> None:
    with gzip.open(path, "wb") as f:
        writer = WARCWriter(f, gzip=False)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://example.org/news/1", "response",
                                                      payload=io.BytesIO(html.encode()), http_headers=headers))


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> Path:
    """A folder laid out as the docs assume: the sample store as demo.db, onrecord.db, news.db and old.db, the
    sample articles as articles/ and crawl/, one file of each other format, the repository's examples/ and gold."""
    box = tmp_path_factory.mktemp("docs")
    built = CliRunner().invoke(main, ["ingest", str(EXAMPLES), "--manifest", str(MANIFEST), "--db",
                                      str(box / "demo.db")])
    assert built.exit_code == 0, built.output
    for name in ("onrecord.db", "news.db", "old.db"):
        with closing(sqlite3.connect(box / "demo.db")) as src, closing(sqlite3.connect(box / name)) as out:
            src.backup(out)
    texts = sorted(EXAMPLES.glob("*.txt"))
    for folder in ("articles", "crawl"):
        (box / folder).mkdir()
        for t in texts[:2]:
            shutil.copy(t, box / folder / t.name)
    body = "".join(f"<p>{p}</p>" for p in texts[2].read_text(encoding="utf-8").split("\n\n") if p.strip())
    html = f"<html><head><title>Sample</title></head><body><article>{body}</article></body></html>"
    (box / "page.html").write_text(html, encoding="utf-8")
    _warc(box / "crawl.warc.gz", html)
    _warc(box / "crawl" / "day1.warc.gz", html)
    (box / "dump.jsonl").write_text(json.dumps({"text": texts[3].read_text(encoding="utf-8"), "outlet": "LBC",
                                                "date": "2020-01-05"}) + "\n", encoding="utf-8")
    (box / "examples").symlink_to(EXAMPLES.parent)
    (box / "tests").mkdir()
    (box / "tests" / "fixtures").symlink_to(FIXTURES)
    return box


def _spark_ready() -> bool:
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return shutil.which("java") is not None


def absolute(args: list[str], box: Path) -> list[str]:
    """A Spark command's paths made absolute: a Spark session that an earlier test started resolves relative
    paths from the folder it started in, not from the sandbox."""
    return [str(box / a) if i >= 2 and not a.startswith("-") and args[i - 1] != "--master" and not os.path.isabs(a)
            else a for i, a in enumerate(args)]


def run_bash(code: str, box: Path) -> None:
    for cmd in commands(code):
        if cmd in SHELL_SETUP:
            continue
        assert cmd.startswith("onrecord "), (
            f"`{cmd}` is not an onrecord command: make it runnable here or mark its block <!-- not run: REASON -->")
        if cmd.startswith(SPARK) and not _spark_ready():
            if os.environ.get("ONRECORD_REQUIRE_SPARK"):
                pytest.fail(f"ONRECORD_REQUIRE_SPARK is set but `{cmd}` cannot run here")
            continue
        args = shlex.split(cmd)[1:]
        if cmd.startswith(SPARK):
            args = absolute(args, box)
        if args[0] == "serve":  # serving blocks: build the app it would serve, on the store it names
            from onrecord.web.app import create_app
            create_app(args[args.index("--db") + 1] if "--db" in args else "onrecord.db")
            continue
        result = CliRunner().invoke(main, args, env={"COLUMNS": "100"})
        assert result.exit_code == 0, f"`{cmd}` failed:\n{result.output}"


def run_python(code: str, box: Path) -> None:
    exec(compile(code, "<docs>", "exec"), {"__name__": "__docs__"})  # the docs' own code, in the sandbox


CASES = [(path, line, lang, code, why) for path in DOCS for line, lang, code, why in blocks(path)]


@pytest.mark.slow
@pytest.mark.parametrize("path,line,lang,code,why", CASES,
                         ids=[f"{c[0].relative_to(ROOT)}:{c[1]}" for c in CASES])
def test_every_code_block_runs(path, line, lang, code, why, sandbox, monkeypatch):
    if why is not None:
        assert len(why) > 10, f"{path.name}:{line}: say why the block is not run"
        pytest.skip(f"not run: {why}")
    if lang in ("", "text"):
        return  # a diagram or program output, not code
    assert lang in ("bash", "python"), f"{path.name}:{line}: a {lang} block must run or say why not"
    monkeypatch.chdir(sandbox)
    monkeypatch.delenv("ONRECORD_DB", raising=False)
    (run_bash if lang == "bash" else run_python)(code, sandbox)


def test_the_docs_have_blocks_and_most_run():
    run = [c for c in CASES if c[4] is None and c[2] in ("bash", "python")]
    assert len(run) >= 6


def test_the_cli_reference_is_what_help_prints():
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert doc == reference() + "\n", "docs/cli.md is out of date: run `make docs`"
    assert "docs/cli.md" in (ROOT / "README.md").read_text(encoding="utf-8")
