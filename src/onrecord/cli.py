"""The command line: parse arguments, call one library function, print the result, map errors to messages.

Options that are settings (``onrecord.settings``) are generated from that table: flag, type, default,
environment variable and help are declared once.
"""
from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

import onrecord
import onrecord.spark
from onrecord import formats, settings
from onrecord.errors import MissingExtra, NotFound, OnrecordError, Terminated
from onrecord.models import TONE_LABELS, Event, Record, undetermined

F = TypeVar("F", bound=Callable[..., Any])
FORMAT = click.Choice(list(formats.FORMATS))
PAGE = 1000  # the most records one query call returns; longer lists are read page by page


def _click_type(s: settings.Setting) -> Any:
    if s.type is int:
        return click.IntRange(None if s.minimum is None else int(s.minimum),
                              None if s.maximum is None else int(s.maximum))
    if s.type is float:
        return click.FloatRange(s.minimum, s.maximum)
    return click.STRING


def setting(name: str, *aliases: str) -> Callable[[F], F]:
    """The click option of a declared setting: its flag (plus ``aliases``), type, default, env variable, help."""
    s = settings.get(name)
    kw: dict[str, Any] = {"envvar": s.env, "show_envvar": True, "help": s.help, "default": s.default}
    if s.type is bool:
        kw["is_flag"] = True
    else:
        kw.update(type=_click_type(s), show_default=s.default is not None, metavar=s.metavar)
    return click.option(s.flag, *aliases, s.name, **kw)


class Cli(click.Group):
    """Turns onrecord errors into one clear line on stderr: exit status 1 when what was asked for does not exist
    (an unknown name or id), 2 for every other error."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OnrecordError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1 if isinstance(exc, NotFound) else 2)
        except KeyboardInterrupt as exc:  # what was committed is kept; the shell's convention: 128 + the signal
            how = "terminated (SIGTERM)" if isinstance(exc, Terminated) else "interrupted (Ctrl-C)"
            click.echo(f"Stopped: {how}; what was stored is kept, and running the command again completes it.",
                       err=True)
            sys.exit(143 if isinstance(exc, Terminated) else 130)


def list_options(dated: bool = True, limit: int = 100) -> Callable[[F], F]:
    """The options every list command shares: --format, --limit, --offset and, on dated lists, --oldest-first.

    A table shows ``limit`` records unless told otherwise; jsonl, csv and json are exports, so they hold every
    record unless ``--limit`` is given (a file cut at 100 rows with the note only on stderr loses data quietly).
    """
    def wrap(f: F) -> F:
        @functools.wraps(f)
        def command(*args: Any, **kw: Any) -> Any:
            if kw["limit"] is None:
                kw["limit"] = limit if kw["fmt"] == "table" else 0
            return f(*args, **kw)
        g: Any = command
        if dated:
            g = click.option("--oldest-first", is_flag=True, help="Oldest first (the default is newest first).")(g)
        g = click.option("--offset", type=click.IntRange(0), default=0, help="Skip this many records first.")(g)
        g = click.option("--limit", type=click.IntRange(0), default=None,
                         help=f"At most this many records (0: all of them). Default: {limit} in a table, "
                              "all of them in jsonl, csv and json.")(g)
        return click.option("--format", "fmt", type=FORMAT, default="table", show_default=True,
                            help="table (cut to the terminal's width), jsonl, csv or json (full text).")(g)
    return wrap


def fetch(query: Callable[..., Any], limit: int, offset: int, **filters: Any) -> tuple[list[Any], int]:
    """One page of a paged query method (``limit`` 0: every record from ``offset``) and the total it reports."""
    rows: list[Any] = []
    while True:
        want = PAGE if limit == 0 else min(PAGE, limit - len(rows))
        page = query(**filters, limit=want, offset=offset + len(rows))
        rows.extend(page)
        if len(page) < want or (limit and len(rows) >= limit):
            return rows, int(page.total if page.total is not None else offset + len(rows))


def emit(rows: Sequence[dict[str, Any]], total: int, offset: int, fmt: str, columns: Sequence[str],
         widths: dict[str, int], noun: str, order: str) -> None:
    """Print the records, then say on stderr what was left out: "showing 1-100 of 432 quotes, newest first"."""
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() or "COLUMNS" in os.environ else None
    click.echo(formats.render(list(rows), fmt, columns, widths, width), nl=False)
    if not total:
        click.echo(f"no {noun} match", err=True)
    elif len(rows) < total:
        shown = f"{offset + 1}-{offset + len(rows)}" if rows else "none"
        more = f" (next: --offset {offset + len(rows)}; all: --limit 0)" if offset + len(rows) < total else ""
        click.echo(f"showing {shown} of {total} {noun}, {order}{more}", err=True)


def who(api: onrecord.Onrecord, name: str | None) -> str | None:
    """The name a filter by person uses: as given when it names an entity, the entity's id when a lone surname
    was taken as the most quoted person of that name (said on stderr); an unknown name fails with the closest."""
    if not name:
        return name
    match = api.find_entity(name)
    if match.note:
        click.echo(f"note: {match.note}", err=True)
        return match.id
    return name


def dicts(records: Sequence[Record]) -> list[dict[str, Any]]:
    return [r.to_dict() for r in records]


class Progress:
    """An ``on_progress(stage, done, total)`` callback for long steps: a bar per stage on a terminal (as ingest
    shows), else one line as each stage starts."""

    def __init__(self, label: str) -> None:
        self.label, self.stage, self.done = label, "", 0
        self.bar: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.stage, self.done = stage, 0
            if sys.stderr.isatty():
                self.bar = click.progressbar(length=total, label=stage, file=sys.stderr).__enter__()
            else:
                click.echo(f"{self.label}: {stage} {total} articles", err=True)
        if self.bar is not None:
            self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.group(cls=Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(onrecord.__version__, prog_name="onrecord")
def main() -> None:
    """onrecord: who said what about whom, sourced to the character, from news articles."""


# -- ingest, analyse --------------------------------------------------------------------------------------------
@main.command()
@click.argument("paths", nargs=-1, required=True)
@setting("db")
@click.option("--outlet", help="Outlet name for every article ingested in this run.")
@click.option("--date", "date_", metavar="YYYY-MM-DD", help="Publication date for every article in this run.")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False),
              help="JSONL sidecar with {file, outlet, date, title?, url?} per file.")
@setting("any_language")
@setting("max_bytes")
@click.option("--no-analyse", is_flag=True, help="Store articles without analysing them (run `analyse` later).")
@setting("jobs", "--workers")
@setting("selective")
@setting("time_limit")
@setting("outlets")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or per-file lines; errors still print.")
def ingest(paths: tuple[str, ...], db: str, outlet: str | None, date_: str | None, manifest: str | None,
           any_language: bool, max_bytes: int, no_analyse: bool, jobs: int | None, selective: bool,
           time_limit: float, outlets: str | None, quiet: bool) -> None:
    """Ingest text, HTML, JSONL and WARC files, directories, globs or '-' (stdin) into the store."""
    show_bar = not quiet and sys.stderr.isatty()

    def on_event(ev: Event) -> None:
        source, reason = formats.printable(ev.source), formats.printable(ev.reason or "")  # one line each
        if ev.status in ("failed", "skipped"):
            click.echo(f"{ev.status}: {source}: {reason}", err=True)
        elif ev.status == "ingested" and ev.reason:  # stored, after a repair the reader warns about
            click.echo(f"warning: {source}: {reason}", err=True)
        elif not quiet and not show_bar and ev.status == "duplicate":
            click.echo(f"duplicate: {source}: {reason} (nothing to do)", err=True)

    onrecord.make_overrides(outlet, date_)  # a bad --date fails before the progress bar counts the inputs
    bar = (click.progressbar(length=onrecord.count_inputs(paths), label="ingesting", file=sys.stderr)
           if show_bar else None)
    with bar or contextlib.nullcontext():
        report = onrecord.ingest(paths, db, outlet=outlet, date=date_, manifest=manifest, any_language=any_language,
                                 max_bytes=max_bytes, analyse=not no_analyse, jobs=jobs, selective=selective,
                                 time_limit=time_limit, on_file=(lambda _p: bar.update(1)) if bar else None,
                                 on_event=on_event, outlets=outlets)
    if not quiet:
        click.echo(f"{report.files_seen} files: {report.count('ingested')} articles ingested, "
                   f"{report.count('duplicate')} duplicates (already stored), {report.count('skipped')} skipped, "
                   f"{report.count('failed')} failed -> {db}")
    sys.exit(0 if report.ok else 1)


@main.command()
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Re-analyse every stored article.")
@setting("db")
@setting("jobs", "--workers")
def analyse(ids: tuple[str, ...], all_: bool, db: str, jobs: int | None) -> None:
    """Re-run the analysis on stored articles, replacing earlier results (after a rules or model change)."""
    if bool(ids) == all_:
        raise click.UsageError("give article ids or --all (not both)")
    bar = Progress("analyse")
    try:
        n = onrecord.reanalyse(None if all_ else ids, db, jobs=jobs, on_progress=bar)
    finally:
        bar.close()
    click.echo(f"analysed {n} articles")


@main.command()
@setting("db")
def link(db: str) -> None:
    """Re-run the cross-article stage (entities, statements, contradictions) over the whole store."""
    bar = Progress("link")
    try:
        report = onrecord.link(db, on_progress=bar)
    finally:
        bar.close()
    click.echo(f"linked {report.articles} articles in {report.batches} batches -> {db}")


# -- articles, show, quotes, eval, demo -------------------------------------------------------------------------
@main.command()
@setting("db")
@click.option("--outlet")
@click.option("--since", metavar="YYYY-MM-DD")
@click.option("--until", metavar="YYYY-MM-DD")
@list_options()
@click.option("--json", "as_json", is_flag=True, hidden=True, help="The same as --format jsonl.")
def articles(db: str, outlet: str | None, since: str | None, until: str | None, fmt: str, limit: int, offset: int,
             oldest_first: bool, as_json: bool) -> None:
    """List stored articles: id, outlet, date, title (newest first)."""
    with onrecord.open(db, readonly=True) as api:
        rows, total = fetch(api.articles, limit, offset, outlet=outlet, since=since, until=until,
                            sort="date" if oldest_first else "-date")
    emit(dicts(rows), total, offset, "jsonl" if as_json else fmt, ["id", "outlet", "date", "paragraphs", "quotes",
                                                                   "title"], {"title": 60, "id": 16}, "articles",
         "oldest first" if oldest_first else "newest first")


@main.command()
@click.argument("article_id")
@setting("db")
@click.option("--json", "as_json", is_flag=True)
def show(article_id: str, db: str, as_json: bool) -> None:
    """Show an article's text segment by segment, with page furniture marked."""
    with onrecord.open(db, readonly=True) as api:
        art = api.article(article_id)
        segs = api.segments(art.id)
    if as_json:
        d = art.to_dict()
        d["segments"] = [s.to_dict() for s in segs]
        click.echo(json.dumps(d, ensure_ascii=False, indent=2))
        return
    click.echo(f"{art.id}  {art.outlet or '-'}  {art.date or '-'}  {art.source}")
    for s in segs:
        label = s.furniture if s.kind == "furniture" else s.kind
        mark = f"[{label}]".ljust(18)
        click.echo(f"{mark}{s.start:>6}-{s.end:<6} {art.text[s.start:s.end]}")


QUOTE_COLUMNS = ["date", "outlet", "speaker", "cue", "kind", "text"]


@main.command()
@setting("db")
@click.option("--by", help="Speaker name, alias or entity id.")
@click.option("--about", help="Name of whom or what the quote is about.")
@click.option("--article", help="Article id.")
@click.option("--outlet")
@click.option("--since", metavar="YYYY-MM-DD")
@click.option("--until", metavar="YYYY-MM-DD")
@click.option("--search", "q", help="Full-text search in the quoted words.")
@click.option("--kind", type=click.Choice(["direct", "partial", "indirect", "mixed"]))
@click.option("--tone", type=click.Choice(list(TONE_LABELS)),
              help="Only quotes whose words speak of --about in this tone (with --about; --by, --outlet, --since, "
                   "--until apply too).")
@setting("min_confidence")
@list_options()
def quotes(db: str, by: str | None, about: str | None, article: str | None, outlet: str | None,
           since: str | None, until: str | None, q: str | None, kind: str | None, tone: str | None,
           min_confidence: float | None, fmt: str, limit: int, offset: int, oldest_first: bool) -> None:
    """Quotes with their speakers and evidence offsets (newest first)."""
    if tone is not None:
        if not about or article or q or kind or min_confidence is not None:
            raise click.UsageError("--tone needs --about, and goes with --by, --outlet, --since and --until only")
        with onrecord.open(db, readonly=True) as api:
            f = onrecord.portrayal.tone_filter(api, who(api, about) or about, label=tone, outlet=outlet,
                                               since=since, until=until, speaker=by)
            rows, total = fetch(functools.partial(onrecord.portrayal.quotes, api, f,
                                                  newest_first=not oldest_first), limit, offset)
        emit(dicts(rows), total, offset, fmt, QUOTE_COLUMNS, {"text": 70, "speaker": 28}, "quotes",
             f"{f.describe()}, {'oldest' if oldest_first else 'newest'} first")
        return
    with onrecord.open(db, readonly=True) as api:
        rows, total = fetch(api.quotes, limit, offset, by=who(api, by), about=about, article=article, outlet=outlet,
                            since=since, until=until, q=q, kind=kind, min_confidence=min_confidence,
                            sort="date" if oldest_first else "-date")
    records = dicts(rows)
    if fmt == "table":  # a quote the text credits to nobody says so; the exports write "unknown"
        records = [{**r, "speaker": "(unattributed)"} if undetermined(r) else r for r in records]
    emit(records, total, offset, fmt, QUOTE_COLUMNS, {"text": 70, "speaker": 28}, "quotes",
         "oldest first" if oldest_first else "newest first")


TONE_COLUMNS = ["kind", "outlet", "month", "speaker", "n", "negative", "neutral", "positive", "mean", "evidence"]


def _evidence_cell(group: dict[str, Any], shown: int = 3) -> str:
    """For tables: the clearest few sentences of a figure as ARTICLE:START-END (see `onrecord show ARTICLE`)."""
    ev = [f"{e['article_id'][:12]}:{e['start']}-{e['end']}" for e in group["evidence"][:shown]]
    return ", ".join(ev) + (f" +{group['n'] - shown}" if group["n"] > shown else "")


@main.command(name="tone")
@click.argument("name")
@setting("db")
@click.option("--by-outlet", is_flag=True, help="One figure per outlet.")
@click.option("--by-month", is_flag=True, help="One figure per month.")
@click.option("--kind", type=click.Choice(["portrayal", "speech"]),
              help="Only the outlets' own sentences (portrayal) or only quoted words (speech, per speaker).")
@click.option("--outlet")
@click.option("--since", metavar="YYYY-MM-DD")
@click.option("--until", metavar="YYYY-MM-DD")
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True,
              help="table (the clearest 3 sentences of each figure), jsonl, csv or json (up to 20 each).")
def tone_(name: str, db: str, by_outlet: bool, by_month: bool, kind: str | None, outlet: str | None,
          since: str | None, until: str | None, fmt: str) -> None:
    """How the outlets portray NAME in their own sentences and how each speaker speaks of NAME: sentences
    counted by tone, the mean tone (-1 to 1) and the evidence (article id and offsets), most negative first."""
    with onrecord.open(db, readonly=True) as api:
        f = onrecord.portrayal.tone_filter(api, who(api, name) or name, outlet=outlet, since=since, until=until,
                                           kind=kind)
        by = tuple(g for g, on in (("outlet", by_outlet), ("month", by_month)) if on)
        rows = dicts(onrecord.portrayal.summary(api, f, by))
    if fmt == "table":
        rows = [{**r, "evidence": _evidence_cell(r)} for r in rows]
    click.echo(formats.render(rows, fmt, TONE_COLUMNS, {"speaker": 28, "evidence": 60}), nl=False)
    if not rows:
        click.echo(f"no {f.describe()} is stored", err=True)


@main.group(name="eval")
def eval_() -> None:
    """Score the store against gold annotations."""


GOLD = click.option("--gold", required=True, type=click.Path(exists=True, dir_okay=False))
GOLD_SET = click.option("--set", "subset", help="Only the gold rows of this set (A: read for errors; B: numbers only).")


def _at_least(things: str) -> Callable[[F], F]:
    """The eval commands' ``--min-confidence``, saying what it keeps."""
    return click.option("--min-confidence", type=click.FloatRange(0, 1), default=None, metavar="X",
                        help=f"Only {things} at least this sure (unset: all of them).")


def _scores(res: dict[str, Any], as_json: bool) -> None:
    """An eval command's figures: one JSON object, or ``name=value`` pairs on one line."""
    click.echo(json.dumps(res) if as_json else " ".join(f"{k}={v}" for k, v in res.items()))


@eval_.command(name="quotes")
@GOLD
@setting("db")
@click.option("--show", is_flag=True, help="List misses, spurious spans and wrong speakers.")
@click.option("--json", "as_json", is_flag=True)
def eval_quotes(gold: str, db: str, show: bool, as_json: bool) -> None:
    """Span P/R/F1, speaker accuracy and end-to-end F1 against gold in the seed_quotes.jsonl format."""
    res = onrecord.evaluate_quotes(gold, db, details=show)
    for doc, text in res.pop("misses", []):
        click.echo(f"missed: {doc}: {text}")
    for doc, text in res.pop("spurious", []):
        click.echo(f"spurious: {doc}: {text}")
    for doc, text, want, got in res.pop("wrong", []):
        click.echo(f"wrong speaker: {doc}: {text} (gold {want}, found {got})")
    _scores(res, as_json)


@eval_.command(name="stances")
@GOLD
@setting("db")
@click.option("--show", is_flag=True, help="List the wrong stances and those the gold has no judgement of.")
@_at_least("stances")
@click.option("--json", "as_json", is_flag=True)
def eval_stances(gold: str, db: str, show: bool, min_confidence: float | None, as_json: bool) -> None:
    """Stance precision (holder, target, label and polarity all right) by error kind against a judged gold
    (docs/annotation.md, "Stances and contradictions"); ``--min-confidence`` at the stances' cut
    (``stance_min_confidence``, 0.75): the stances the pages show."""
    res = onrecord.evaluate_stances(gold, db, details=show, min_confidence=min_confidence)
    for doc, holder, label, target, kind in res.pop("wrong", []):
        click.echo(f"wrong ({kind}): {doc}: {holder} {label} {target}")
    for doc, holder, label, target in res.pop("unjudged", []):
        click.echo(f"unjudged: {doc}: {holder} {label} {target}")
    _scores(res, as_json)


@eval_.command(name="contradictions")
@GOLD
@setting("db")
@click.option("--show", is_flag=True, help="List the wrong pairs.")
@click.option("--json", "as_json", is_flag=True)
def eval_contradictions(gold: str, db: str, show: bool, as_json: bool) -> None:
    """Contradiction precision by error kind against judged pairs (docs/annotation.md)."""
    res = onrecord.evaluate_contradictions(gold, db, details=show)
    for holder, claim, counter, kind in res.pop("wrong", []):
        click.echo(f"wrong ({kind}): {holder}: {claim} vs {counter}")
    _scores(res, as_json)


@eval_.command(name="descriptors")
@GOLD
@setting("db")
@GOLD_SET
@_at_least("descriptions")
@click.option("--json", "as_json", is_flag=True)
def eval_descriptors(gold: str, db: str, subset: str | None, min_confidence: float | None, as_json: bool) -> None:
    """Descriptor precision against a judged gold (tests/fixtures/descriptor_precision), by error kind; the
    store's descriptors in the gold's articles that the gold does not judge are counted as unjudged."""
    res = onrecord.evaluate_descriptors(gold, db, subset=subset, min_confidence=min_confidence)
    _scores(res, as_json)


@eval_.command(name="reported")
@GOLD
@setting("db")
@GOLD_SET
@_at_least("quotes")
@click.option("--json", "as_json", is_flag=True)
def eval_reported(gold: str, db: str, subset: str | None, min_confidence: float | None, as_json: bool) -> None:
    """Precision of stored reported quotes (speech act, span and speaker right) against a judged gold
    (tests/fixtures/reported_precision), by error kind and confidence band (right/judged)."""
    res = onrecord.evaluate_reported(gold, db, subset=subset, min_confidence=min_confidence)
    if not as_json:
        res["bands"] = ",".join(f"{b}:{r}/{n}" for b, (r, n) in res["bands"].items())
    _scores(res, as_json)


@eval_.command(name="tone")
@click.option("--gold", required=True, type=click.Path(exists=True, dir_okay=False),
              help="JSONL, one target a line: sentence, from, to, polarity (-1, 0, 1), as NewsMTSC.")
@click.option("--json", "as_json", is_flag=True)
def eval_tone(gold: str, as_json: bool) -> None:
    """F1 macro, accuracy and n of the tone model on targets in the NewsMTSC format (no store needed)."""
    res = onrecord.evaluate_tone(gold)
    _scores(res, as_json)


@eval_.command(name="entities")
@GOLD
@setting("db")
@click.option("--json", "as_json", is_flag=True)
def eval_entities(gold: str, db: str, as_json: bool) -> None:
    """B-cubed P/R/F1 of person entities and the share of main people linked, against a gold of person clusters
    (tests/fixtures/entity_dev/README.md); the gold's articles must be ingested."""
    res = onrecord.evaluate_entities(gold, db)
    bad = res.pop("bad_person_names")
    if as_json:
        _scores({**res, "bad_person_names": bad}, as_json)
        return
    _scores(res, as_json)
    for name in bad:
        click.echo(f"person named with a possessive or a headline fragment: {name}")


@main.command()
@setting("db")
def demo(db: str) -> None:
    """Print a readable summary of the store: each article, then who said what in it."""
    with onrecord.open(db, readonly=True) as api:
        arts = api.articles(limit=1000)
        for a in arts:
            click.echo(f"\n{a.date or 'no date':10}  {a.outlet or 'unknown outlet'}  [{a.id}]  "
                       f"{a.paragraphs} paragraphs, {a.furniture} furniture lines")
            click.echo(f"  {a.title}")
            for qr in api.all_quotes(article=a.id):
                if qr.kind == "indirect":
                    continue
                words = " ".join(qr.text.split()[:9])
                who = qr.speaker or "(unattributed)"
                if qr.speaker_type == "spokesperson" and qr.on_behalf_of:
                    who = f"{qr.speaker_mention or 'spokesperson'} (for {qr.on_behalf_of})"
                click.echo(f"    {who[:40]:40} {(qr.cue or ':')[:10]:10} \u201c{words}\u2026\u201d")
        people = sorted(api.entities(limit=1000), key=lambda e: (-e.quotes, -e.articles, e.name))[:8]
        click.echo("\nMost quoted (quotes, articles):")
        for e in people:
            n = f"{e.articles} article" + ("s" if e.articles != 1 else "")
            click.echo(f"    {e.name[:40]:40} {e.type:12} {e.quotes:3} quotes, in {n:11} [{e.id}]")
        found = api.contradictions()
        click.echo(f"\nContradictions: {len(found)} claims about someone's stance set against their own words "
                   "(or their spokesperson's)")
        for c in list(found)[:3]:
            claimant = c.claim.reported_by or c.claim.holder
            click.echo(f"    {c.claim.date} {claimant}: {' '.join(c.claim.text.split()[:12])}…")
            click.echo(f"      vs {c.counter.date} {c.counter.holder}: {' '.join(c.counter.text.split()[:12])}…")
        click.echo('    (all of them: onrecord contradictions --db DB; a person\'s history: onrecord timeline "NAME")')
    serve_it = "make serve" if os.path.abspath(db) == os.path.abspath("demo.db") else \
        f"onrecord serve --db {shlex.quote(db)}"
    click.echo(f"\nStore: {db}. Serve it with `{serve_it}` and open http://127.0.0.1:8000/")


# -- entities: entities, entity, merge, split ----------------------------------------------------------------
ENTITY_COLUMNS = ["id", "name", "type", "articles", "mentions", "quotes"]
ENTITY_TYPE = click.Choice(["person", "organisation", "country", "group"])


@main.command()
@setting("db")
@click.option("--type", "type_", type=ENTITY_TYPE, help="Only entities of this type.")
@list_options(dated=False)
def entities(db: str, type_: str | None, fmt: str, limit: int, offset: int) -> None:
    """People, organisations, countries and groups linked across articles, most mentioned first."""
    with onrecord.open(db, readonly=True) as api:
        rows, total = fetch(api.entities, limit, offset, type=type_)
    emit(dicts(rows), total, offset, fmt, ENTITY_COLUMNS, {"name": 36, "id": 44}, "entities", "most mentioned first")


@main.command()
@click.argument("name")
@setting("db")
@click.option("--json", "as_json", is_flag=True, help="Print the full record as JSON.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=None, metavar="X",
              help="Only descriptions at least this sure, 0 to 1 (unset: all of them).")
def entity(name: str, db: str, as_json: bool, min_confidence: float | None) -> None:
    """One entity by name, alias or id: aliases, roles over time, mentions and descriptors by outlet (each with its
    confidence and the articles that use it)."""
    with onrecord.open(db, readonly=True) as api:
        match = api.find_entity(name)
        if match.note:
            click.echo(f"note: {match.note}", err=True)
        rec = api.entity(match.id, min_confidence=min_confidence)
        said = api.quotes(by=rec.id, sort="-date", limit=8)
        portrayal = dicts(onrecord.portrayal.portrayal_by_outlet(api, rec.id)) if as_json else []
    if as_json:
        click.echo(json.dumps({**rec.to_dict(), "portrayal": portrayal}, ensure_ascii=False, indent=2))
        return
    click.echo(formats.entity_text(rec))
    if said.total:
        click.echo(f"  what they said ({len(said)} of {said.total}; all: onrecord quotes --by {rec.id!r}):")
        for q in said:
            click.echo(f"    {q.date or '-':10} {q.outlet or '-':14.14} {q.cue or ':':10.10} "
                       f"\u201c{' '.join(q.text.split()[:14])}\u2026\u201d")


DESCRIPTOR_COLUMNS = ["date", "outlet", "text", "kind", "confidence", "article_id", "start", "end"]


@main.command()
@click.argument("name")
@setting("db")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=None, metavar="X",
              help="Only descriptions at least this sure, 0 to 1 (unset: all of them).")
@list_options(dated=False)
def descriptors(name: str, db: str, min_confidence: float | None, fmt: str, limit: int, offset: int) -> None:
    """How the articles describe one entity: each description with its article, date, outlet, character offsets
    and confidence."""
    with onrecord.open(db, readonly=True) as api:
        match = api.find_entity(name)
        if match.note:
            click.echo(f"note: {match.note}", err=True)
        rows, total = fetch(api.descriptors, limit, offset, name_or_id=match.id, min_confidence=min_confidence)
    emit(dicts(rows), total, offset, fmt, DESCRIPTOR_COLUMNS, {"text": 40, "outlet": 16, "article_id": 16},
         "descriptors", "by article")


@main.command()
@click.argument("name")
@click.argument("other")
@setting("db")
def merge(name: str, other: str, db: str) -> None:
    """Merge the entity OTHER into NAME, each by id, name or alias; NAME keeps its id and type (kept by name:
    survives re-analysis and re-ingest). Fails, keeping nothing, when the two are one entity already."""
    with onrecord.open(db, create=False) as api:
        rec = api.merge(name, other)
    click.echo(f"merged: {rec.name} [{rec.id}] aliases: {', '.join(rec.aliases)}")


@main.command()
@click.argument("name")
@click.option("--alias", required=True, help="The alias (a name variant) to split off into its own entity.")
@setting("db")
def split(name: str, alias: str, db: str) -> None:
    """Split an alias wrongly linked to NAME off into an entity of its own (kept by name)."""
    with onrecord.open(db, create=False) as api:
        rec = api.split(name, alias)
    click.echo(f"split: {rec.name} [{rec.id}] aliases now: {', '.join(rec.aliases)}")


# -- stances: stances, timeline, contradictions, statements ---------------------------------------------------
def _negated_label(row: dict[str, Any]) -> dict[str, Any]:
    """For tables: "not accuse" reads better than a label and a separate negated column."""
    return {**row, "label": f"not {row['label']}"} if row.get("negated") and row.get("label") else row


def _changed(row: dict[str, Any]) -> dict[str, Any]:
    """For tables: a change of position shows both statements, the earlier first ("was ...; now ...")."""
    b = row.get("before")
    if not b:
        return row
    was = f"{'not ' if b['negated'] else ''}{b['label']}"
    return {**row, "text": f"was {was} ({b['date'] or 'undated'}, {b['outlet'] or '?'}): {b['text']} | now: "
                           f"{row['text']}"}


STANCE_COLUMNS = ["date", "outlet", "holder", "label", "target", "reported_by", "confidence", "text"]


@main.command()
@setting("db")
@click.option("--holder", help="Who holds the stance (name, alias or entity id).")
@click.option("--target", help="Whom or what the stance is about.")
@click.option("--label", help="A label from the inventory (docs/stances.md), e.g. condemn, urge.")
@click.option("--since", metavar="YYYY-MM-DD")
@click.option("--until", metavar="YYYY-MM-DD")
@setting("min_confidence")
@list_options()
def stances(db: str, holder: str | None, target: str | None, label: str | None, since: str | None,
            until: str | None, min_confidence: float | None, fmt: str, limit: int, offset: int,
            oldest_first: bool) -> None:
    """Stances: holder, label (CAMEO/PLOVER), target, polarity, confidence, date, outlet and evidence offsets
    (newest first)."""
    with onrecord.open(db, readonly=True) as api:
        found, total = fetch(api.stances, limit, offset, holder=who(api, holder), target=target, label=label,
                             since=since, until=until, min_confidence=min_confidence,
                             sort="date" if oldest_first else "-date")
    rows = dicts(found)
    if fmt == "table":
        rows = [_negated_label(r) for r in rows]
    emit(rows, total, offset, fmt, STANCE_COLUMNS, {"text": 60, "target": 24, "holder": 24}, "stances",
         "oldest first" if oldest_first else "newest first")


@main.command()
@click.argument("name")
@setting("db")
@click.option("--about", help="Only stances toward (and quotes mentioning) this name.")
@click.option("--since", metavar="YYYY-MM-DD")
@click.option("--until", metavar="YYYY-MM-DD")
@list_options()
def timeline(name: str, db: str, about: str | None, since: str | None, until: str | None, fmt: str, limit: int,
             offset: int, oldest_first: bool) -> None:
    """A person's statements and stances in date order (newest first), with outlet and evidence."""
    with onrecord.open(db, readonly=True) as api:
        found, total = fetch(api.timeline, limit, offset, name=who(api, name), about=about, since=since,
                             until=until, newest_first=not oldest_first)
    rows = dicts(found)
    if fmt == "table":
        rows = [_changed(_negated_label(r)) for r in rows]
    emit(rows, total, offset, fmt, ["date", "outlet", "kind", "label", "target", "reported_by", "text"],
         {"text": 70, "target": 24}, "entries", "oldest first" if oldest_first else "newest first")


@main.command()
@click.argument("name", required=False)
@setting("db")
@click.option("--about", help="Only pairs whose topic or targets match this name or words.")
@setting("min_confidence")
@list_options(dated=False)
def contradictions(name: str | None, db: str, about: str | None, min_confidence: float | None, fmt: str, limit: int,
                   offset: int) -> None:
    """Claims about someone's stance set against their own (or their spokespeople's) words going the other way,
    by subject, with how sure each pair is."""
    with onrecord.open(db, readonly=True) as api:
        found, total = fetch(api.contradictions, limit, offset, name=who(api, name), about=about,
                             min_confidence=min_confidence)
    rows = [c.to_dict() for c in found] if fmt in ("jsonl", "json") else [formats.flat_contradiction(c) for c in found]
    emit(rows, total, offset, fmt, ["subject", "about", "confidence", "claim_date", "claim_by", "claim",
                                    "counter_date", "counter_by", "counter"], {"claim": 50, "counter": 50},
         "contradictions",
         "by subject")


@main.command()
@setting("db")
@click.option("--by", help="Speaker name, alias or entity id.")
@click.option("--search", "q", help="Words in the quote.")
@click.option("--min-reports", type=int, default=2, show_default=True, help="Only statements reported this often.")
@list_options()
def statements(db: str, by: str | None, q: str | None, min_reports: int, fmt: str, limit: int, offset: int,
               oldest_first: bool) -> None:
    """Statements reported by several articles (one statement, many reports), variants kept (newest first)."""
    with onrecord.open(db, readonly=True) as api:
        found, total = fetch(api.statements, limit, offset, by=who(api, by), q=q, min_reports=min_reports,
                             sort="date" if oldest_first else "-date")
    rows = dicts(found)
    if fmt not in ("jsonl", "json"):
        rows = [{**r, "reports": len(r["reports"])} for r in rows]
    emit(rows, total, offset, fmt, ["id", "first_date", "speaker", "reports", "text"], {"text": 70}, "statements",
         "oldest first" if oldest_first else "newest first")


# -- spark: spark analyse, load ------------------------------------------------------------------------------
@main.group()
def spark() -> None:
    """Analyse many articles on Spark into Parquet tables (needs: pip install 'onrecord[spark]')."""


@spark.command(name="analyse")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder for the Parquet tables.")
@click.option("--master", default=None, help="Spark master (local[2], spark://HOST:7077, yarn; default: the one "
                                               "spark-submit gives, else local[*]).")
@click.option("--partitions", type=int, default=None, help="Partitions for the analysis (default: the parallelism).")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False),
              help="JSONL sidecar with {file, outlet, date, title?, url?} per file.")
@click.option("--outlet", help="Outlet name for every article.")
@click.option("--date", "date_", metavar="YYYY-MM-DD", help="Publication date for every article.")
@setting("any_language")
def spark_analyse(inputs: tuple[str, ...], out: str, master: str | None, partitions: int | None,
                  manifest: str | None, outlet: str | None, date_: str | None, any_language: bool) -> None:
    """Read, clean and analyse INPUT files (text, HTML, JSONL, WARC, Parquet) on Spark; write Parquet tables."""
    given = onrecord.make_overrides(outlet, date_, manifest)
    report = onrecord.spark.analyse(list(inputs), out, master=master, partitions=partitions,
                                    any_language=any_language, manifest=given.manifest or None,
                                    outlet=given.outlet, date=given.date)
    events = ", ".join(f"{n} {status}" for status, n in sorted(report.events.items())) or "no events"
    click.echo(f"{report.rows.get('articles', 0)} articles analysed, {report.rows.get('quotes', 0)} quotes; "
               f"{events} -> {out} (load it: onrecord load {out})")
    sys.exit(1 if report.events.get("failed") else 0)  # as ingest: 1 when some input failed


@main.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@setting("db")
def load(path: str, db: str) -> None:
    """Merge the Parquet tables of `onrecord spark analyse` into the store and link entities across articles."""
    report = onrecord.load(path, db)
    events = ", ".join(f"{n} {status}" for status, n in sorted(report.events.items())) or "none"
    click.echo(f"{report.loaded} articles loaded, {report.duplicates} already stored; job events: {events} -> {db}")


@main.command()
@setting("db")
@setting("jobs", "--workers")
def repair(db: str, jobs: int | None) -> None:
    """Finish what an interrupted ingest, load or link left undone (analysis, then cross-article linking)."""
    bar = Progress("repair")
    try:
        done = onrecord.repair(db, jobs=jobs, on_progress=bar)
    finally:
        bar.close()
    click.echo(f"{done.analysed} articles analysed, {done.linked} articles linked -> {db}")


@main.command()
@setting("db")
def migrate(db: str) -> None:
    """Bring a store written by an older onrecord to this version's schema (the web server never writes, so it
    refuses an older store until this has run)."""
    before, after = onrecord.migrate(db)
    click.echo(f"{db}: schema {after}, nothing to do" if before == after else
               f"{db}: migrated from schema {before} to {after}")


@main.command()
@setting("db")
@setting("outlets")
def outlets(db: str, outlets: str | None) -> None:
    """Name every stored article's outlet again by the outlets table (after editing it, or with your own file),
    from the outlet each article came with; the per-outlet counts are rebuilt when any changed."""
    changed = onrecord.name_outlets(db, outlets=outlets)
    for (old, new), n in sorted(changed.items(), key=lambda kv: (-kv[1], kv[0])):
        click.echo(f"{formats.printable(old or '(none)')} -> {formats.printable(new or '(none)')}: {n} article"
                   + ("" if n == 1 else "s"))
    total = sum(changed.values())
    click.echo(f"{db}: {total} article{'' if total == 1 else 's'} renamed" if total else
               f"{db}: every outlet already named by the table, nothing to do")


# Datasette's settings for an onrecord store: no suggested facets (trying every column of a 100,000-quote table
# took 3 s a page; any column is still faceted on request, from its menu or with _facet=)
DATASETTE_SETTINGS = {"suggest_facets": "off"}


@main.command()
@setting("db")
@click.option("--metadata-only", is_flag=True,
              help="Print Datasette's metadata for the store (JSON) and the command that serves it; start nothing.")
@setting("host")
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True,
              help="Port Datasette listens on.")
def datasette(db: str, metadata_only: bool, host: str, port: int) -> None:
    """Open the store in Datasette (SQL, facets on any column, canned queries), read-only, with onrecord's
    labels, descriptions and queries; without Datasette installed, print the metadata and the command to run."""
    meta = json.dumps(onrecord.datasette_metadata(db), indent=2, ensure_ascii=False)
    stem = os.path.splitext(os.path.basename(db))[0]
    settings_args = [a for name, value in DATASETTE_SETTINGS.items() for a in ("--setting", name, value)]
    command = (f"onrecord datasette --db {shlex.quote(db)} --metadata-only > {shlex.quote(stem + '-metadata.json')}"
               f" && datasette serve --immutable {shlex.quote(db)} --metadata {shlex.quote(stem + '-metadata.json')}"
               f" --host {shlex.quote(host)} --port {port} {' '.join(settings_args)}")
    installed = importlib.util.find_spec("datasette") is not None
    if metadata_only or not installed:
        click.echo(meta)
        missing = "" if installed else "Datasette is not installed: pip install 'onrecord[datasette]', then "
        click.echo(f"{missing}serve it with\n  {command}", err=True)
        sys.exit(0 if metadata_only else 1)  # asked to serve it, and cannot
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, stem + "-metadata.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(meta)
        sys.exit(subprocess.call([sys.executable, "-m", "datasette", "serve", "--immutable", db, "--metadata", path,
                                  "--host", host, "--port", str(port), *settings_args]))


# -- web: serve -------------------------------------------------------------------------------------------------
@main.command()
@setting("db")
@setting("host")
@setting("port")
@setting("write_token")
@setting("time_limit")
def serve(db: str, host: str, port: int, write_token: str | None, time_limit: float) -> None:
    """Serve the web UI and the JSON API (read-only unless a write token is set)."""
    try:
        import uvicorn

        from onrecord.web.app import create_app
    except ImportError as exc:
        raise MissingExtra("starlette", "web") from exc
    app = create_app(db, write_token=write_token, time_limit=time_limit)
    click.echo(f"Serving {db} on http://{host}:{port}/ ({'uploads need the token' if write_token else 'read-only'})")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def reference() -> str:
    """The CLI reference (docs/cli.md): every command's ``--help``, at a fixed width so that it can be checked."""
    out = ["# Command-line reference", "",
           "Generated from `onrecord COMMAND --help` (`make docs` rewrites it; `tests/test_docs.py` checks it).", ""]

    def walk(cmd: click.Command, path: list[str], parent: click.Context | None) -> None:
        ctx = cmd.make_context(path[-1], [], parent=parent, resilient_parsing=True, terminal_width=100,
                               max_content_width=100)
        out.extend([f"## `{' '.join(path)}`", "", "```text", cmd.get_help(ctx).rstrip(), "```", ""])
        if isinstance(cmd, click.Group):
            for name in sorted(cmd.commands):
                walk(cmd.commands[name], [*path, name], ctx)

    walk(main, ["onrecord"], None)
    return "\n".join(out)


if __name__ == "__main__":
    main()
