"""The bundled lexicons and knowledge tables, and the one loader that reads them (docs/data.md).

Every file of this folder is read and parsed here, once per process, by a typed accessor; nothing else opens
them. A file that does not parse, or that gives one key two values, raises ``DataFileError`` naming the file,
the line and what to fix. ``reload()`` drops the parsed copies (and the caches built on them, registered with
``cached``) after a file was edited in a running process; the word lists of ``words.toml`` are bound when the
analysis modules are imported, so editing those needs a new process.
"""
from __future__ import annotations

import csv
import functools
import json
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any, NamedTuple, TypeVar

from onrecord.errors import DataFileError

F = TypeVar("F", bound=Callable[..., Any])
_CACHES: list[Any] = []
CUE_CLASSES = ("speech", "belief", "frame", "stance")
METONYM_SCOPES = ("any", "speaker")
ENTITY_TYPES = ("person", "organisation", "country", "group")


def cached(func: F) -> F:
    """``functools.lru_cache`` for a value built from the data files, cleared by ``reload()``."""
    wrapped = functools.lru_cache(maxsize=None)(func)
    _CACHES.append(wrapped)
    return wrapped  # type: ignore[return-value]


def reload() -> None:
    """Forget every parsed file and every cache built on them: the next access reads the files again."""
    for c in _CACHES:
        c.cache_clear()


def read(name: str) -> str:
    """The text of a bundled data file."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def _lines(name: str, text: str | None = None) -> list[tuple[int, str]]:
    """(line number, line) of a data file without comments ('#' at the start) and blank lines."""
    text = read(name) if text is None else text
    return [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.startswith("#")]


def _agree(name: str, seen: dict[str, tuple[Any, int]], key: str, value: Any, line: int) -> None:
    """Record ``key -> value`` (from ``line``), raising when an earlier line gave the key another value."""
    if key in seen and seen[key][0] != value:
        first = seen[key][1]
        raise DataFileError(name, line, f"{key!r} is {value!r} here but {seen[key][0]!r} on line {first}: "
                                        "keep one")
    seen.setdefault(key, (value, line))


# -- cues.txt: reporting verbs ---------------------------------------------------------------------------------
@cached
def cue_classes() -> dict[str, frozenset[str]]:
    """cues.txt: verb lemma -> its classes (speech, belief, frame, stance)."""
    out: dict[str, set[str]] = {}
    for n, line in _lines("cues.txt"):
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        if len(parts) != 2 or parts[1] not in CUE_CLASSES:
            raise DataFileError("cues.txt", n, f"expected 'lemma class' with a class of {', '.join(CUE_CLASSES)}")
        out.setdefault(parts[0], set()).add(parts[1])
    return {k: frozenset(v) for k, v in out.items()}


# -- stance_labels.tsv: the stance label inventory ------------------------------------------------------------
@dataclass
class LabelInfo:
    """One row of the label inventory."""

    label: str
    cameo: str
    cameo_name: str
    plover: str
    polarity: float
    verbs: list[str]
    nouns: list[str]
    example: str


@cached
def stance_labels() -> dict[str, LabelInfo]:
    """stance_labels.tsv, keyed by label; a cue verb or noun belongs to one label only."""
    name = "stance_labels.tsv"
    rows = _lines(name)
    out: dict[str, LabelInfo] = {}
    owner: dict[str, tuple[Any, int]] = {}
    for (n, _), r in zip(rows[1:], csv.DictReader((line for _, line in rows), delimiter="\t")):
        try:
            info = LabelInfo(r["label"], r["cameo"], r["cameo_name"], r["plover"], float(r["polarity"]),
                             [v.strip() for v in r["verbs"].split(",") if v.strip()],
                             [x.strip() for x in r["nouns"].split(",") if x.strip()], r["example"])
        except (KeyError, TypeError, ValueError) as exc:
            raise DataFileError(name, n, f"expected the columns of the header line ({exc})") from exc
        for v in info.verbs:
            _agree(name, owner, "verb " + v, info.label, n)
        for x in info.nouns:
            _agree(name, owner, "noun " + x, info.label, n)
        if info.label in out:
            raise DataFileError(name, n, f"label {info.label!r} is listed twice")
        out[info.label] = info
    return out


# -- loaded_terms.txt -------------------------------------------------------------------------------------------
@cached
def loaded_terms() -> frozenset[str]:
    """loaded_terms.txt: loaded-language terms, lower-case."""
    return frozenset(t for _, line in _lines("loaded_terms.txt") if (t := line.split("#")[0].strip().lower()))


# -- roles.tsv: who held which office when ------------------------------------------------------------------------
class RoleRow(NamedTuple):
    """One row of roles.tsv."""

    role: str
    holder: str
    start: str | None
    end: str | None
    phrases: tuple[str, ...]
    source: str


def parse_roles(text: str, name: str = "roles.tsv") -> list[RoleRow]:
    """Rows of roles.tsv text (see the file's header); a phrase names one office only."""
    out: list[RoleRow] = []
    phrase_of: dict[str, tuple[Any, int]] = {}
    for n, line in _lines(name, text):
        if line.startswith("role\t"):
            continue
        cols = (line.split("\t") + [""] * 6)[:6]
        role, holder, start, end, phrases, source = (c.strip() for c in cols)
        if not role or not holder:
            continue
        ps = tuple(p.strip().lower() for p in phrases.split("|") if p.strip())
        for p in (role.lower(), *ps):
            _agree(name, phrase_of, p, role, n)
        out.append(RoleRow(role, holder, start or None, end or None, ps, source or "manual"))
    return out


@cached
def role_rows() -> tuple[RoleRow, ...]:
    """roles.tsv, parsed."""
    return tuple(parse_roles(read("roles.tsv")))


# -- metonyms.tsv, countries.txt, demonyms.tsv: places, governments, parties -------------------------------------
class Metonym(NamedTuple):
    """One row of metonyms.tsv: a mention as written, what it stands for, its type, where it applies."""

    mention: str
    target: str
    type: str
    scope: str


@cached
def metonyms() -> tuple[Metonym, ...]:
    """metonyms.tsv, every row (scope "any": everywhere; "speaker": only as a speaker or stance holder)."""
    name = "metonyms.tsv"
    out: list[Metonym] = []
    seen: dict[str, tuple[Any, int]] = {}
    for n, line in _lines(name):
        cols = [c.strip() for c in line.split("\t")]
        if cols[0] == "mention":
            continue
        if len(cols) < 3 or cols[2] not in ENTITY_TYPES or (len(cols) > 3 and cols[3] not in ("", *METONYM_SCOPES)):
            raise DataFileError(name, n, "expected mention, target, type (person|organisation|country|group) "
                                         "and an optional scope (any|speaker), tab-separated")
        row = Metonym(cols[0], cols[1], cols[2], (cols[3] if len(cols) > 3 else "") or "any")
        _agree(name, seen, row.mention.lower(), (row.target, row.type), n)
        out.append(row)
    return tuple(out)


@cached
def countries() -> tuple[str, ...]:
    """countries.txt: country names as written."""
    return tuple(line.strip() for _, line in _lines("countries.txt"))


@cached
def demonyms() -> dict[str, str]:
    """demonyms.tsv: demonym or short form (lower-case) -> country."""
    name = "demonyms.tsv"
    seen: dict[str, tuple[Any, int]] = {}
    for n, line in _lines(name):
        cols = [c.strip() for c in line.split("\t")]
        if cols[:2] == ["word", "country"]:
            continue
        if len(cols) != 2 or not all(cols):
            raise DataFileError(name, n, "expected word and country, tab-separated")
        _agree(name, seen, cols[0].lower(), cols[1], n)
    return {k: v for k, (v, _) in seen.items()}


@cached
def nicknames() -> dict[str, str]:
    """nicknames.tsv: a short form of a given name ("bill") or the name itself -> the given name ("william")."""
    name = "nicknames.tsv"
    seen: dict[str, tuple[Any, int]] = {}
    for n, line in _lines(name):
        cols = [c.strip().lower() for c in line.split("\t")]
        if cols == ["name", "short forms"]:
            continue
        if len(cols) != 2 or not all(cols):
            raise DataFileError(name, n, "expected a given name and its short forms (a|b), tab-separated")
        for short in [cols[0], *cols[1].split("|")]:
            _agree(name, seen, short.strip(), cols[0], n)
    return {k: v for k, (v, _) in seen.items()}


@cached
def name_variants() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """name_variants.tsv: a person's name and the other full names written for them (the linker joins them)."""
    name = "name_variants.tsv"
    out = []
    for n, line in _lines(name):
        cols = [c.strip() for c in line.split("\t")]
        if cols[:2] == ["name", "variants"]:
            continue
        if len(cols) not in (2, 3) or not cols[0] or not cols[1]:
            raise DataFileError(name, n, "expected a name, its variants (a|b) and optionally a source, tab-separated")
        out.append((cols[0], tuple(v.strip() for v in cols[1].split("|") if v.strip())))
    return tuple(out)


# -- outlets.tsv: outlet names as users think of them ----------------------------------------------------------
class OutletTable(NamedTuple):
    """outlets.tsv, parsed: a name or variant's key (``outlet_key``) -> the outlet's name; a domain -> the name."""

    names: dict[str, str]
    domains: dict[str, str]


def outlet_key(name: str) -> str:
    """How outlet names are compared: case, accents and runs of spaces aside ("NYTimes" is "nytimes")."""
    decomposed = unicodedata.normalize("NFKD", name)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def parse_outlets(text: str, name: str = "outlets.tsv") -> OutletTable:
    """Rows of outlets.tsv text (``outlet variants domains``, see the file's header); a variant or a domain belongs
    to one outlet only."""
    names: dict[str, tuple[Any, int]] = {}
    domains: dict[str, tuple[Any, int]] = {}
    for n, line in _lines(name, text):
        cols = [c.strip() for c in (line.split("\t") + ["", ""])[:3]]
        if [c.lower() for c in cols] == ["outlet", "variants", "domains"]:
            continue
        if not cols[0] or len(line.split("\t")) > 3:
            raise DataFileError(name, n, "expected an outlet, its variants (a|b) and its domains (a.com|b.com), "
                                         "tab-separated")
        for variant in [cols[0], *cols[1].split("|")]:
            if variant.strip():
                _agree(name, names, outlet_key(variant), cols[0], n)
        for domain in cols[2].split("|"):
            if domain.strip():
                _agree(name, domains, domain.strip().lower().removeprefix("www."), cols[0], n)
    return OutletTable({k: v for k, (v, _) in names.items()}, {k: v for k, (v, _) in domains.items()})


@cached
def outlets() -> OutletTable:
    """outlets.tsv, parsed."""
    return parse_outlets(read("outlets.tsv"))


# -- datasette.json: the store as Datasette shows it ------------------------------------------------------------
def datasette_metadata() -> dict[str, Any]:
    """datasette.json: Datasette's metadata for a store (titles, descriptions, labels, facets, canned queries),
    its one database named "onrecord" (``onrecord.datasette_metadata`` names it after the store's file)."""
    name = "datasette.json"
    try:
        meta = json.loads(read(name))
    except json.JSONDecodeError as exc:
        raise DataFileError(name, exc.lineno, f"not valid JSON: {exc.msg}") from exc
    if not isinstance(meta.get("databases"), dict) or list(meta["databases"]) != ["onrecord"]:
        raise DataFileError(name, 0, 'expected "databases" with one database, "onrecord"')
    return dict(meta)


# -- words.toml: named word lists ------------------------------------------------------------------------------
@cached
def word_lists() -> dict[str, frozenset[str]]:
    """words.toml: every named word list (lower-case words)."""
    try:
        raw = tomllib.loads(read("words.toml"))
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError("words.toml", getattr(exc, "lineno", 0), f"not valid TOML: {exc}") from exc
    out = {}
    for key, table in raw.items():
        if not isinstance(table, dict) or not isinstance(table.get("words"), list) or not table.get("help"):
            raise DataFileError("words.toml", 0, f"[{key}] needs help = \"...\" and words = [...]")
        out[key] = frozenset(str(w).lower() for w in table["words"])
    return out


def words(key: str) -> frozenset[str]:
    """One word list of words.toml (a missing list is an error naming it)."""
    lists = word_lists()
    if key not in lists:
        raise DataFileError("words.toml", 0, f"the list [{key}] is missing: restore it from the bundled file")
    return lists[key]


# -- the learned models' weights (JSON) ---------------------------------------------------------------------------
def _json_model(name: str, keys: tuple[str, ...], rebuild: str) -> dict[str, Any]:
    """A model file of weights: valid JSON holding ``keys``, else a DataFileError saying how to rebuild it."""
    try:
        model: dict[str, Any] = json.loads(read(name))
    except json.JSONDecodeError as exc:
        raise DataFileError(name, exc.lineno, f"not valid JSON: {exc.msg}") from exc
    for key in keys:
        if key not in model:
            raise DataFileError(name, 0, f"{key!r} is missing: rebuild it with {rebuild}")
    return model


@cached
def stance_confidence_model() -> dict[str, Any]:
    """stance_confidence.json: judged and right stances per structural kind (analyse.stances.confidence)."""
    model = _json_model("stance_confidence.json", ("global", "prior", "levels", "kinds"),
                        "bench/stance_precision.py calibrate")
    if not isinstance(model["kinds"], dict):
        raise DataFileError("stance_confidence.json", 0, "'kinds' is not a table of kinds: rebuild it "
                                                         "with bench/stance_precision.py calibrate")
    return model


@cached
def speaker_confidence_model() -> dict[str, Any]:
    """speaker_confidence.json: the speaker confidence calibration per decision method (analyse.attribution.speakers),
    fitted on set T of the speaker training gold."""
    return _json_model("speaker_confidence.json", ("methods",), "bench/speaker_dev.py calibrate")


@cached
def reported_confidence_model() -> dict[str, Any]:
    """reported_confidence.json: judged and right reported quotes per structural kind
    (analyse.attribution.reported_confidence), from sets A and C of the reported-quote precision gold."""
    return _json_model("reported_confidence.json", ("global", "prior", "levels", "kinds"),
                       "bench/reported_precision.py calibrate")


@cached
def speaker_ranker_model() -> dict[str, Any]:
    """speaker_ranker.json: the speaker ranker's feature weights and threshold per route, and the routes it decides
    (analyse.attribution.ranker), trained on PolNeAR train."""
    return _json_model("speaker_ranker.json", ("by_route", "routes"), "bench/train_speaker_ranker.py")


@cached
def attribution_model() -> dict[str, Any]:
    """attribution_model.json: the learned attribution step's feature weights and thresholds."""
    return _json_model("attribution_model.json", ("weights", "span_weights", "threshold", "rule_threshold"),
                       "bench/train_attribution.py")


def attribution_tagger_path() -> str:
    """The folder of the attribution tagger's weights (a spaCy pipeline of one ``tagger``, from
    ``make train-attribution``), for ``onrecord.nlp.attribution`` to load."""
    path = resources.files(__name__).joinpath("attribution_tagger")
    if not path.joinpath("tagger", "model").is_file():
        raise DataFileError("attribution_tagger", 0, "the tagger's weights are missing: rebuild them with "
                                                     "`make train-attribution`")
    return str(path)


@cached
def tone_model() -> dict[str, Any]:
    """tone_model.json: the tone model's labels, feature names and their weights (one list per feature)."""
    return _json_model("tone_model.json", ("labels", "weights"), "`make train-tone`")


# -- tone_lexicon.tsv -------------------------------------------------------------------------------------------
@cached
def tone_lexicon() -> dict[str, float]:
    """tone_lexicon.tsv: lower-case word -> valence (-4 .. 4), for the tone model's lexicon features."""
    name = "tone_lexicon.tsv"
    seen: dict[str, tuple[Any, int]] = {}
    for n, line in _lines(name):
        cols = line.split("\t")
        if cols == ["word", "valence"]:
            continue
        try:
            if len(cols) != 2 or not cols[0]:
                raise ValueError
            value = float(cols[1])
        except ValueError as exc:
            raise DataFileError(name, n, "expected a word and its valence (-4 to 4), tab-separated") from exc
        _agree(name, seen, cols[0], value, n)
    return {k: v for k, (v, _) in seen.items()}
