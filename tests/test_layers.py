"""The import contract, read from the source with ``ast`` (top-level and function-local imports alike):

- no import circle;
- each layer imports only layers below it (ingest -> clean -> analyse -> nlp -> store -> link -> pipeline ->
  query -> the public API -> interfaces); ``store`` imports only ``models`` and ``errors``;
- the adapters (cli, web, spark) import only the public API: ``onrecord``, ``onrecord.models``,
  ``onrecord.errors``, ``onrecord.formats``, ``onrecord.settings``, ``onrecord.batch``, and their own package;
- no function-local import of an onrecord module, unless that module needs an optional extra to import (it
  imports one at its top level, so it cannot be imported eagerly); function-local imports of third-party
  modules only for the optional extras.

Each failure names the importing module, the line and the import.
"""
from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
EXTRAS = {"pyspark", "pyarrow", "pandas", "uvicorn", "starlette", "jinja2", "markupsafe", "multipart", "httpx"}
PUBLIC = {"onrecord", "onrecord.models", "onrecord.errors", "onrecord.formats", "onrecord.settings", "onrecord.batch"}
ADAPTERS = ("cli", "web", "spark")
# adapters that start other adapters: the CLI serves the web app and runs the Spark job; spark-submit's
# driver script is the CLI's `spark analyse`
STARTS = {"onrecord.cli": {"onrecord.web.app", "onrecord.spark"}, "onrecord.spark.__main__": {"onrecord.cli"}}
# the layer of each top-level part of the package, lowest first; a module imports only layers at or below its own
RANKS = {"errors": 0, "models": 0, "settings": 0, "data": 0, "ingest": 1, "clean": 2, "analyse": 3, "nlp": 4,
         "store": 5, "link": 6, "pipeline": 7, "workers": 7, "evaluate": 7, "query": 8, "browse": 8, "formats": 8,
         "batch": 8, "portrayal": 8, "": 9, "cli": 10, "web": 10, "spark": 10}
FORBIDDEN = {  # stricter rules than the ranks, as the layout promises them
    "store": ("analyse", "link", "pipeline", "query", "ingest", "clean", "nlp"),
    "analyse": ("store", "link", "pipeline", "query", "nlp", *ADAPTERS),
    "link": ("pipeline", "query", "nlp", *ADAPTERS),
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    line: int
    target: str  # the module imported (an onrecord module, resolved), or a third-party module name
    local: bool  # inside a function

    def __str__(self) -> str:
        where = "function-local " if self.local else ""
        return f"{self.module} (line {self.line}) {where}imports {self.target}"


def _modules() -> dict[str, Path]:
    out = {}
    for f in sorted((SRC / "onrecord").rglob("*.py")):
        parts = f.relative_to(SRC).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = f
    return out


MODULES = _modules()


def _resolve(name: str) -> str:
    """The onrecord module a dotted name is in (``onrecord.models.Quote`` -> ``onrecord.models``)."""
    while name not in MODULES and "." in name:
        name = name.rpartition(".")[0]
    return name


def _imports(module: str, path: Path) -> list[Import]:
    out: list[Import] = []
    is_pkg = path.name == "__init__.py"

    def visit(node: ast.AST, local: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for a in child.names:
                    t = _resolve(a.name) if a.name.startswith("onrecord") else a.name
                    out.append(Import(module, child.lineno, t, local))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = module.split(".") if is_pkg else module.split(".")[:-1]
                    parts = parts[:len(parts) - (child.level - 1)]
                    base = ".".join([*parts, base] if base else parts)
                if base.startswith("onrecord"):
                    for a in child.names:  # `from onrecord import batch` imports the module onrecord.batch
                        full = f"{base}.{a.name}"
                        out.append(Import(module, child.lineno, full if full in MODULES else _resolve(base), local))
                elif base != "__future__":
                    out.append(Import(module, child.lineno, base, local))
            visit(child, local or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return out


IMPORTS = list(dict.fromkeys(imp for m, p in MODULES.items() for imp in _imports(m, p)))  # `from x import a, b`: once
OWN = [i for i in IMPORTS if i.target.startswith("onrecord") and i.target != i.module]


def _part(module: str) -> str:
    """The top-level part of the package a module belongs to ("" for the package itself)."""
    return module.split(".")[1] if "." in module else ""


def _needs_extra(module: str) -> bool:
    """Whether a module imports an optional extra at its top level (so it can only be imported lazily)."""
    return any(not i.local and i.target.split(".")[0] in EXTRAS for i in IMPORTS if i.module == module)


def _report(rule: str, bad: list[str]) -> str:
    return f"{rule}:\n  " + "\n  ".join(bad)


def test_the_source_is_read():
    assert {"onrecord", "onrecord.cli", "onrecord.store", "onrecord.query", "onrecord.settings"} <= set(MODULES)
    assert any(i.module == "onrecord.cli" and i.target == "onrecord" for i in IMPORTS)
    assert any(i.local and i.target == "uvicorn" for i in IMPORTS)  # function-local imports are read too


def test_no_import_circle():
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    for i in OWN:
        edges[i.module].add(i.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    circles: list[list[str]] = []

    def connect(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                circles.append(sorted(comp))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for v in sorted(edges):
            if v not in index:
                connect(v)
    finally:
        sys.setrecursionlimit(limit)
    bad = [" <-> ".join(c) + ": " + "; ".join(str(i) for i in OWN if i.module in c and i.target in c)
           for c in circles]
    assert not bad, _report("import circles", bad)


def test_every_module_has_a_layer():
    unknown = sorted({_part(m) for m in MODULES} - set(RANKS))
    assert not unknown, f"top-level parts of the package with no layer in RANKS: {unknown}"


def test_layers_import_only_downwards():
    bad = [f"{i} (layer {_part(i.module) or 'onrecord'} imports the higher layer {_part(i.target) or 'onrecord'})"
           for i in OWN if RANKS.get(_part(i.target), 0) > RANKS.get(_part(i.module), 0)]
    assert not bad, _report("imports of a higher layer", bad)


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_forbidden_layers(layer):
    bad = [f"{i} ({layer} must not import {_part(i.target)})" for i in OWN
           if _part(i.module) == layer and _part(i.target) in FORBIDDEN[layer]]
    assert not bad, _report(f"{layer} imports a layer it must not", bad)


def test_store_imports_only_models_and_errors():
    bad = [str(i) for i in OWN if _part(i.module) == "store" and _part(i.target) not in ("store", "models", "errors")]
    assert not bad, _report("store imports more than models and errors", bad)


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_adapters_use_only_the_public_api(adapter):
    bad = [f"{i} (allowed: {', '.join(sorted(PUBLIC))}, onrecord.{adapter}.*)" for i in OWN
           if _part(i.module) == adapter and not (
               i.target in PUBLIC or _part(i.target) == adapter or i.target in STARTS.get(i.module, ()))]
    assert not bad, _report(f"the {adapter} adapter reaches past the public API", bad)


def test_no_function_local_imports_of_onrecord_modules():
    bad = [f"{i} (import it at the top of the module)" for i in OWN if i.local and not _needs_extra(i.target)]
    assert not bad, _report("function-local imports of onrecord modules", bad)


def test_function_local_third_party_imports_only_for_optional_extras():
    bad = [f"{i} (only the optional extras {', '.join(sorted(EXTRAS))} may be imported lazily)" for i in IMPORTS
           if i.local and not i.target.startswith("onrecord") and i.target.split(".")[0] not in EXTRAS]
    assert not bad, _report("function-local imports of modules that are not optional extras", bad)
