"""Settings declared once, as data: name, type, default, environment variable, help, and the commands that take it.

The CLI generates its options from this table, the table in ``docs/settings.md`` is ``markdown_table()``
(tests/test_docs.py checks that they agree), and the library reads a value with ``value(name)``. Precedence:
the default, then the environment variable, then an explicit argument (a command-line flag or a keyword argument).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from onrecord.errors import BadParameter

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Setting:
    """One setting: ``name`` is the keyword argument, ``--name-with-dashes`` the flag of each command it lists."""

    name: str
    type: type  # str, int, float or bool
    default: Any  # None: unset (the help says what happens then)
    env: str
    help: str
    commands: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    metavar: str | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def parse(self, raw: str, where: str) -> Any:
        """The value of a string (from the environment), checked; BadParameter names ``where`` it came from."""
        text = raw.strip()
        if self.type is bool:
            if text.lower() in _TRUE | _FALSE:
                return text.lower() in _TRUE
            raise BadParameter(f"{where}={raw!r} is not a yes/no value (use 1 or 0)")
        if self.type is str:
            return text
        try:
            val = self.type(text)
        except ValueError:
            kind = "a whole number" if self.type is int else "a number"
            raise BadParameter(f"{where}={raw!r} is not {kind}") from None
        return self.check(val, where)

    def check(self, val: Any, where: str) -> Any:
        """The value, or BadParameter when it is out of this setting's range."""
        if val is not None and self.minimum is not None and val < self.minimum or (
                val is not None and self.maximum is not None and val > self.maximum):
            low = "" if self.minimum is None else f"{self.minimum:g}"
            high = "" if self.maximum is None else f"{self.maximum:g}"
            span = f"between {low} and {high}" if low and high else (f"at least {low}" if low else f"at most {high}")
            raise BadParameter(f"{where} must be {span}, got {val}")
        return val


SETTINGS: tuple[Setting, ...] = (
    Setting("db", str, "onrecord.db", "ONRECORD_DB", "The SQLite store file.",
            ("ingest", "analyse", "articles", "show", "quotes", "eval quotes", "eval stances", "eval contradictions",
             "eval descriptors", "eval reported", "eval entities", "demo", "entities", "entity", "descriptors",
             "merge", "split", "stances", "timeline", "contradictions", "statements", "load", "repair", "link",
             "migrate", "outlets", "serve", "tone", "datasette"),
            metavar="FILE"),
    Setting("max_bytes", int, 50 * 1024 * 1024, "ONRECORD_MAX_BYTES",
            "Size cap per input file in bytes (50 MiB); a larger file fails with a message naming it.", ("ingest",), 1,
            metavar="BYTES"),
    Setting("jobs", int, None, "ONRECORD_JOBS",
            "Analysis processes (unset: both cores once the input is over 1 MB, else one).",
            ("ingest", "analyse", "repair"),
            1, 64, "N"),
    Setting("selective", bool, False, "ONRECORD_SELECTIVE",
            "Parse only the sentences that can carry an attribution (a quotation mark or a cue word): faster on "
            "general news, slightly lower recall on attribution-dense text.", ("ingest",)),
    Setting("any_language", bool, False, "ONRECORD_ANY_LANGUAGE", "Ingest texts that do not look English.",
            ("ingest", "spark analyse")),
    Setting("time_limit", float, 120.0, "ONRECORD_TIME_LIMIT",
            "Seconds the analysis may go without progress on one article before that article fails (the run "
            "goes on; for `serve`, each upload's analysis).", ("ingest", "serve"), 1, metavar="SECONDS"),
    Setting("host", str, "127.0.0.1", "ONRECORD_HOST", "Interface the web server (or Datasette) listens on.",
            ("serve", "datasette"), metavar="HOST"),
    Setting("port", int, 8000, "ONRECORD_PORT", "Port the web server listens on.", ("serve",), 1, 65535, "PORT"),
    Setting("write_token", str, None, "ONRECORD_WRITE_TOKEN",
            "Enables POST /api/articles for clients sending 'Authorization: Bearer TOKEN' (unset: the server is "
            "read-only).", ("serve",), metavar="TOKEN"),
    Setting("web_min_confidence", float, 0.4, "ONRECORD_WEB_MIN_CONFIDENCE",
            "The web pages show attributions, stances and contradictions at least this sure unless asked for all "
            "(each says how many it leaves out, with a link to them); the API and the CLI show every record unless "
            "asked.", (), 0, 1, "X"),
    Setting("stance_min_confidence", float, 0.75, "ONRECORD_STANCE_MIN_CONFIDENCE",
            "The stances' cut: a stance's confidence is the measured precision of its kind, and the web pages show "
            "stances at least this sure unless asked for all (saying how many they leave out); contradictions and "
            "changes of position rest only on stances at least this sure. A change applies from the next `onrecord "
            "link`.", (), 0, 1, "X"),
    Setting("facet_time_limit_ms", int, 50, "ONRECORD_FACET_TIME_LIMIT_MS",
            "Milliseconds of CPU time a web page gives each of its facet counts; a facet not counted in time says "
            "so, with a 'count it' link that gives it ten times as long, instead of holding the page up (0: facets "
            "are never counted).", (), 0, metavar="MS"),
    Setting("contradiction_window_days", int, 730, "ONRECORD_CONTRADICTION_WINDOW_DAYS",
            "How far back a claim about someone's present position ('backs', 'refused to blame') may reach for their "
            "own words saying the opposite (days; two years: a stated position stands until its holder changes it, "
            "and a later change is a change of position, never a contradiction). A claim about a record ('has a "
            "history of') reaches back without limit.", (), 1, metavar="DAYS"),
    Setting("speech_only", bool, True, "ONRECORD_SPEECH_ONLY",
            "A reported quote (no quote marks) is stored only when its source said or wrote it (a speech or writing "
            "act: says, told, wrote, according to). Off (0), what an article attributes without anyone saying it is "
            "stored too (beliefs, perceptions, positions: \"X believes\", \"voters worried\"), as PolNeAR annotates "
            "attributions (`docs/evaluation.md`). Applies to the next ingest or `onrecord analyse`.", ()),
    Setting("reported_min_confidence", float, 0.9, "ONRECORD_REPORTED_MIN_CONFIDENCE",
            "The reported quotes' cut: a quote without quote marks, or a fragment in them, has as confidence the "
            "measured precision of its kind (how it was found, how its speaker is written, its content's shape, its "
            "cue; `docs/evaluation.md`), and wherever quotes are asked for at a confidence above 0 (the web's pages, "
            "`--min-confidence`) it must also be at least this sure: a false quote is worse than a missing one. "
            "Every quote is stored and listed when no confidence is asked for.", (), 0, 1, "X"),
    Setting("contradiction_min_confidence", float, 0.4, "ONRECORD_CONTRADICTION_MIN_CONFIDENCE",
            "A claim and its holder's own words are paired as a contradiction only when the pair is at least this "
            "sure (the product of the two stances' confidences, times the rule's factor): a less sure pair is never "
            "made, so no page or export lists one. The same as the web's cut by default; a change applies from the "
            "next `onrecord link`.", (), 0, 1, "X"),
    Setting("outlets", str, None, "ONRECORD_OUTLETS",
            "A table naming outlets, to use instead of the shipped src/onrecord/data/outlets.tsv (same columns: "
            "outlet, variants, domains): an outlet written as a variant, a domain or a URL on one is stored under "
            "its name, the name as given kept as outlet_raw (docs/data.md).", ("ingest", "outlets"),
            metavar="FILE"),
    Setting("min_confidence", float, None, "ONRECORD_MIN_CONFIDENCE",
            "Only quotes attributed, and stances and contradictions scored, at least this surely, 0 to 1 (unset: "
            "every record).", ("quotes", "stances", "contradictions"), 0, 1, "X"),
)
BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def get(name: str) -> Setting:
    """The declared setting called ``name`` (KeyError for a name not in SETTINGS)."""
    return BY_NAME[name]


def value(name: str, given: Any = None) -> Any:
    """The setting's value: ``given`` when not None, else its environment variable when set, else the default."""
    s = BY_NAME[name]
    if given is not None:
        return s.check(given, s.flag)
    raw = os.environ.get(s.env)
    if raw is not None and raw.strip():
        return s.parse(raw, s.env)
    return s.default


def _default_text(s: Setting) -> str:
    if s.default is None:
        return "unset"
    if s.type is bool:
        return "off"
    return f"`{s.default}`"


def markdown_table() -> str:
    """The settings as the Markdown table of docs/settings.md."""
    lines = ["| setting | flag | environment variable | type | default | commands | what it does |",
             "|---|---|---|---|---|---|---|"]
    for s in SETTINGS:
        commands = ", ".join(f"`{c}`" for c in s.commands) if s.commands else "(library only)"
        flag = f"`{s.flag}`" if s.commands else "-"
        lines.append(f"| `{s.name}` | {flag} | `{s.env}` | {s.type.__name__} | {_default_text(s)} | {commands} "
                     f"| {s.help} |")
    return "\n".join(lines) + "\n"
