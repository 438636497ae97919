"""Helpers shared by the web tests: the demo store built once per session by the real pipeline, an HTML
checker, and an in-process client (starlette's TestClient)."""
from __future__ import annotations

import json
import shutil
import warnings
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

from onrecord.models import Overrides

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # starlette 1.x nudges from httpx towards httpx2
    from starlette.testclient import TestClient

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"
_BUILT: dict[str, Path] = {}


def request_steps(path: Path, urls: list[str], every: int = 1000) -> dict[str, int]:
    """The SQLite VM steps (in units of ``every``) each URL costs on the store, counted on the app's own
    connections after one request to warm them: a bounded request costs the same on a store with more rows."""
    import onrecord
    from onrecord.web.app import create_app

    steps = [0]
    real_open = onrecord.open

    def tick() -> int:
        steps[0] += 1
        return 0

    def open_counting(*args: Any, **kwargs: Any) -> Any:
        api = real_open(*args, **kwargs)
        api.conn.set_progress_handler(tick, every)
        return api

    out = {}
    onrecord.open = open_counting  # type: ignore[assignment]
    try:
        with TestClient(create_app(str(path))) as client:
            client.get("/")
            for url in urls:
                steps[0] = 0
                r = client.get(url)
                assert r.status_code == 200, (url, r.text[:300])
                out[url] = steps[0]
    finally:
        onrecord.open = real_open  # type: ignore[assignment]
    return out


def demo_store(tmp_path_factory: Any) -> Path:
    """The five sample articles ingested by the real pipeline (built once per session, then copied)."""
    if "demo" not in _BUILT:
        from onrecord.pipeline import ingest, load_manifest
        from onrecord.store import Store

        path = tmp_path_factory.mktemp("webdemo") / "demo.db"
        with Store(path) as store:
            report = ingest([str(EXAMPLES)], store,
                            overrides=Overrides(manifest=load_manifest(str(EXAMPLES / "manifest.jsonl"))))
        assert report.count("ingested") == 5, report.events
        _BUILT["demo"] = path
    return _BUILT["demo"]


RLO, PDF = "\u202e", "\u202c"
LONG_NAME = "W" * 500
AWKWARD_TEXT = (f"Council {RLO}backs{PDF} the budget\n\n"
                f'The council leader said: "We will {RLO}never cut the library budget{PDF} this year," on Monday.\n\n'
                "Opposition councillor Ann Lee said the plan was \"a sensible compromise\" and backed it.\n")


def awkward_store(tmp_path_factory: Any) -> Path:
    """One article with a 500-character outlet name and a quote holding a right-to-left override (U+202E), built
    by the real pipeline once per session."""
    if "awkward" not in _BUILT:
        from onrecord.pipeline import ingest, load_manifest
        from onrecord.store import Store

        d = tmp_path_factory.mktemp("awkward")
        (d / "in").mkdir()
        (d / "in" / "c.txt").write_text(AWKWARD_TEXT, encoding="utf-8")
        (d / "manifest.jsonl").write_text(
            json.dumps({"file": "c.txt", "outlet": LONG_NAME, "date": "2021-03-04"}) + "\n", encoding="utf-8")
        path = d / "awkward.db"
        with Store(path) as store:
            report = ingest([str(d / "in")], store,
                            overrides=Overrides(manifest=load_manifest(str(d / "manifest.jsonl"))))
        assert report.count("ingested") == 1, report.events
        _BUILT["awkward"] = path
    return _BUILT["awkward"]


def copy_store(src: Path, dest_dir: Path) -> Path:
    dest = dest_dir / src.name
    shutil.copy(src, dest)
    return dest


class Tree(HTMLParser):
    """Parses a page, records every start tag with its attributes, and checks that tags are balanced."""

    VOID: ClassVar[set[str]] = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                                "track", "wbr", "circle", "line", "path", "rect"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        """Start tags named ``tag`` whose attributes contain the given values (class matches one word)."""
        out = []
        for name, a in self.tags:
            if name != tag:
                continue
            ok = True
            for k, v in attrs.items():
                k = k.rstrip("_")
                if k == "class":
                    ok &= v in (a.get("class") or "").split()
                else:
                    ok &= a.get(k) == v
            if ok:
                out.append(a)
        return out
