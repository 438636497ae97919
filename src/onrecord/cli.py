"""The command line: parse arguments, call one library function, print the result, map errors to messages.

Options that are settings (``onrecord.settings``) are generated from that table: flag, type, default,
environment variable and help are declared once.
"""
from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

import onrecord
import onrecord.spark
from onrecord import formats, settings
from onrecord.errors import MissingExtra, OnrecordError
from onrecord.models import Event

F = TypeVar("F", bound=Callable[..., Any])
FORMAT = click.Choice(["table", "jsonl", "csv"])


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
    """Turns onrecord errors into one clear line on stderr and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OnrecordError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)


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
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or per-file lines; errors still print.")
def ingest(paths: tuple[str, ...], db: str, outlet: str | None, date_: str | None, manifest: str | None,
           any_language: bool, max_bytes: int, no_analyse: bool, jobs: int | None, selective: bool,
           time_limit: float, quiet: bool) -> None:
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
                                 on_event=on_event)
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
    n = onrecord.reanalyse(None if all_ else ids, db, jobs=jobs)
    click.echo(f"analysed {n} articles")


# -- articles, show, quotes, eval, demo -------------------------------------------------------------------------
@main.command()
@setting("db")
@click.option("--outlet")
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--offset", type=int, default=0)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines instead of a table.")
def articles(db: str, outlet: str | None, limit: int, offset: int, as_json: bool) -> None:
    """List stored articles: id, outlet, date, title."""
    with onrecord.open(db, readonly=True) as api:
        rows = api.articles(outlet=outlet, limit=limit, offset=offset).to_dicts()
    click.echo(formats.render(rows, "jsonl" if as_json else "table",
                              ["id", "outlet", "date", "paragraphs", "quotes", "title"], {"title": 60}), nl=False)


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
@setting("min_confidence")
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
def quotes(db: str, by: str | None, about: str | None, article: str | None, outlet: str | None,
           since: str | None, until: str | None, q: str | None, kind: str | None, min_confidence: float | None,
           fmt: str) -> None:
    """Quotes with their speakers and evidence offsets."""
    with onrecord.open(db, readonly=True) as api:
        rows = [r.to_dict() for r in api.all_quotes(by=by, about=about, article=article, outlet=outlet,
                                                    since=since, until=until, q=q, kind=kind,
                                                    min_confidence=min_confidence)]
    click.echo(formats.render(rows, fmt, QUOTE_COLUMNS, {"text": 70, "speaker": 28}), nl=False)


@main.group(name="eval")
def eval_() -> None:
    """Score the store against gold annotations."""


@eval_.command(name="quotes")
@click.option("--gold", required=True, type=click.Path(exists=True, dir_okay=False))
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
    click.echo(json.dumps(res) if as_json else " ".join(f"{k}={v}" for k, v in res.items()))


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
                who = qr.speaker or "(unknown)"
                if qr.speaker_type == "spokesperson" and qr.on_behalf_of:
                    who = f"{qr.speaker_mention or 'spokesperson'} (for {qr.on_behalf_of})"
                click.echo(f"    {who[:40]:40} {(qr.cue or ':')[:10]:10} \u201c{words}\u2026\u201d")
        people = sorted(api.entities(limit=1000), key=lambda e: (-e.quotes, -e.articles, e.name))[:8]
        click.echo("\nMost quoted (quotes, articles):")
        for e in people:
            n = f"{e.articles} article" + ("s" if e.articles != 1 else "")
            click.echo(f"    {e.name[:40]:40} {e.type:12} {e.quotes:3} quotes, in {n:11} [{e.id}]")
        found = api.contradictions()
        click.echo(f"\nContradictions: {len(found)} claims about someone's stance set against their own words")
        for c in list(found)[:3]:
            claimant = c.claim.reported_by or c.claim.holder
            click.echo(f"    {c.claim.date} {claimant}: {' '.join(c.claim.text.split()[:12])}…")
            click.echo(f"      vs {c.counter.date} {c.counter.holder}: {' '.join(c.counter.text.split()[:12])}…")
        click.echo('    (all of them: onrecord contradictions --db DB; a person\'s history: onrecord timeline "NAME")')
    click.echo(f"\nStore: {db}. Serve it with `make serve` and open http://127.0.0.1:8000/")


# -- entities: entities, entity, merge, split ----------------------------------------------------------------
ENTITY_COLUMNS = ["id", "name", "type", "articles", "mentions", "quotes"]
ENTITY_TYPE = click.Choice(["person", "organisation", "country", "group"])


@main.command()
@setting("db")
@click.option("--type", "type_", type=ENTITY_TYPE, help="Only entities of this type.")
@click.option("--limit", type=int, default=1000, show_default=True)
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
def entities(db: str, type_: str | None, limit: int, fmt: str) -> None:
    """People, organisations, countries and groups linked across articles, most mentioned first."""
    with onrecord.open(db, readonly=True) as api:
        rows = [r.to_dict() for r in api.entities(type=type_, limit=limit)]
    click.echo(formats.render(rows, fmt, ENTITY_COLUMNS, {"name": 36, "id": 44}), nl=False)


@main.command()
@click.argument("name")
@setting("db")
@click.option("--json", "as_json", is_flag=True, help="Print the full record as JSON.")
def entity(name: str, db: str, as_json: bool) -> None:
    """One entity by name, alias or id: aliases, roles over time, mentions and descriptors by outlet."""
    with onrecord.open(db, readonly=True) as api:
        rec = api.entity(name)
        said = api.quotes(by=rec.id, limit=8)
    if as_json:
        click.echo(json.dumps(rec.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(formats.entity_text(rec))
    if said.total:
        click.echo(f"  what they said ({len(said)} of {said.total}; all: onrecord quotes --by {rec.id!r}):")
        for q in said:
            click.echo(f"    {q.date or '-':10} {q.outlet or '-':14.14} {q.cue or ':':10.10} "
                       f"\u201c{' '.join(q.text.split()[:14])}\u2026\u201d")


@main.command()
@click.argument("name")
@click.argument("other")
@setting("db")
def merge(name: str, other: str, db: str) -> None:
    """Merge the entity OTHER into NAME (kept by name: survives re-analysis and re-ingest)."""
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


STANCE_COLUMNS = ["date", "outlet", "holder", "label", "target", "reported_by", "text"]


@main.command()
@setting("db")
@click.option("--holder", help="Who holds the stance (name, alias or entity id).")
@click.option("--target", help="Whom or what the stance is about.")
@click.option("--label", help="A label from the inventory (docs/stances.md), e.g. condemn, urge.")
@click.option("--since", metavar="YYYY-MM-DD")
@click.option("--until", metavar="YYYY-MM-DD")
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
def stances(db: str, holder: str | None, target: str | None, label: str | None, since: str | None,
            until: str | None, fmt: str) -> None:
    """Stances: holder, label (CAMEO/PLOVER), target, polarity, date, outlet and evidence offsets."""
    with onrecord.open(db, readonly=True) as api:
        rows = [r.to_dict() for r in api.all_stances(holder=holder, target=target, label=label, since=since,
                                                     until=until)]
    if fmt == "table":
        rows = [_negated_label(r) for r in rows]
    click.echo(formats.render(rows, fmt, STANCE_COLUMNS, {"text": 60, "target": 24, "holder": 24}), nl=False)


@main.command()
@click.argument("name")
@setting("db")
@click.option("--about", help="Only stances toward (and quotes mentioning) this name.")
@click.option("--since", metavar="YYYY-MM-DD")
@click.option("--until", metavar="YYYY-MM-DD")
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
def timeline(name: str, db: str, about: str | None, since: str | None, until: str | None, fmt: str) -> None:
    """A person's statements and stances in date order, with outlet and evidence."""
    with onrecord.open(db, readonly=True) as api:
        rows = [r.to_dict() for r in api.timeline(name, about=about, since=since, until=until)]
    if fmt == "table":
        rows = [_negated_label(r) for r in rows]
    click.echo(formats.render(rows, fmt, ["date", "outlet", "kind", "label", "target", "reported_by", "text"],
                              {"text": 70, "target": 24}), nl=False)


@main.command()
@click.argument("name", required=False)
@setting("db")
@click.option("--about", help="Only pairs whose topic or targets match this name or words.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def contradictions(name: str | None, db: str, about: str | None, fmt: str) -> None:
    """Claims about someone's stance set against their own (or their spokespeople's) words going the other way."""
    with onrecord.open(db, readonly=True) as api:
        found = api.contradictions_about(name, about)
    rows = [c.to_dict() for c in found] if fmt == "jsonl" else [formats.flat_contradiction(c) for c in found]
    click.echo(formats.render(rows, fmt, ["subject", "about", "claim_date", "claim_by", "claim", "counter_date",
                                          "counter_by", "counter"], {"claim": 50, "counter": 50}), nl=False)


@main.command()
@setting("db")
@click.option("--by", help="Speaker name, alias or entity id.")
@click.option("--search", "q", help="Words in the quote.")
@click.option("--min-reports", type=int, default=2, show_default=True, help="Only statements reported this often.")
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
def statements(db: str, by: str | None, q: str | None, min_reports: int, fmt: str) -> None:
    """Statements reported by several articles (one statement, many reports), variants kept."""
    with onrecord.open(db, readonly=True) as api:
        rows = [r.to_dict() for r in api.statements(by=by, q=q, min_reports=min_reports, limit=1000)]
    if fmt != "jsonl":
        rows = [{**r, "reports": len(r["reports"])} for r in rows]
    click.echo(formats.render(rows, fmt, ["id", "first_date", "speaker", "reports", "text"], {"text": 70}), nl=False)


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
    done = onrecord.repair(db, jobs=jobs)
    click.echo(f"{done.analysed} articles analysed, {done.linked} articles linked -> {db}")


@main.command()
@setting("db")
def migrate(db: str) -> None:
    """Bring a store written by an older onrecord to this version's schema (the web server never writes, so it
    refuses an older store until this has run)."""
    before, after = onrecord.migrate(db)
    click.echo(f"{db}: schema {after}, nothing to do" if before == after else
               f"{db}: migrated from schema {before} to {after}")


# -- web: serve -------------------------------------------------------------------------------------------------
@main.command()
@setting("db")
@setting("host")
@setting("port")
@setting("write_token")
def serve(db: str, host: str, port: int, write_token: str | None) -> None:
    """Serve the web UI and the JSON API (read-only unless a write token is set)."""
    try:
        import uvicorn

        from onrecord.web.app import create_app
    except ImportError as exc:
        raise MissingExtra("starlette", "web") from exc
    app = create_app(db, write_token=write_token)
    click.echo(f"Serving {db} on http://{host}:{port}/ ({'uploads need the token' if write_token else 'read-only'})")
    uvicorn.run(app, host=host, port=port, log_level="warning")


if __name__ == "__main__":
    main()
