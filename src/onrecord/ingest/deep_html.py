"""Pages nested too deeply for lxml: libxml2 stops building the tree 256 elements deep and drops the rest of
the page, text included, so the article would be lost with "no article text found".

Such a page is rebuilt with its structure kept down to ``FLAT_DEPTH`` levels and flattened below: the tags
deeper than that are dropped and their text kept, a block element (div, p, li, h2, ...) starting or ending a
paragraph of its own, inline ones (span, a, b) joining the text around them, scripts and styles dropped.
The rebuilt page parses in full and trafilatura reads it as it reads any page. Pages that lxml parses whole
are never rebuilt, so ordinary pages are read exactly as before.
"""
from __future__ import annotations

import html as htmlib
from html.parser import HTMLParser

from lxml import etree
from lxml.etree import _Element

LXML_DEPTH = 256  # libxml2's nesting limit for HTML (without XML_PARSE_HUGE, which only raises it to 2048)
FLAT_DEPTH = 128  # the rebuilt page keeps its structure down to this depth and flattens below it
# an element this deep means libxml2 may have cut the page at its limit
_AT_LIMIT = etree.XPath("boolean(" + "/*" * (LXML_DEPTH - 6) + ")")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
                   "source", "track", "wbr"})
_INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i",
                     "ins", "kbd", "mark", "nobr", "q", "s", "samp", "small", "span", "strike", "strong", "sub",
                     "sup", "time", "tt", "u", "var"})
_HIDDEN = frozenset({"script", "style", "noscript", "template", "iframe", "svg", "math", "object", "select",
                     "textarea", "button"})
_SELF_CLOSING = frozenset({"p", "li", "dt", "dd", "option", "tr", "td", "th"})  # a second one closes the first


def at_depth_limit(tree: _Element) -> bool:
    """True when the parsed page reaches libxml2's nesting limit (what lay below it was dropped)."""
    return bool(_AT_LIMIT(tree))


class _Flattener(HTMLParser):
    """Re-emits a page, its elements kept down to ``keep`` levels and flattened into paragraphs below."""

    def __init__(self, keep: int) -> None:
        super().__init__(convert_charrefs=True)
        self.keep = keep
        self.out: list[str] = []
        self.stack: list[str] = []
        self.hidden = 0  # how many dropped script/style elements enclose the current position
        self.open_p = False  # a <p> opened for flattened text is open

    def _deep(self) -> bool:
        return len(self.stack) >= self.keep

    def _break(self) -> None:
        if self.open_p:
            self.out.append("</p>")
            self.open_p = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if not self._deep():
                self.out.append(self.get_starttag_text() or f"<{tag}>")
            elif tag == "br" and self.open_p and not self.hidden:
                self.out.append("<br>")
            return
        if tag in _SELF_CLOSING and self.stack and self.stack[-1] == tag:
            self.handle_endtag(tag)
        if self._deep():
            if tag in _HIDDEN:
                self.hidden += 1
            elif tag not in _INLINE:
                self._break()
        else:
            self.out.append(self.get_starttag_text() or f"<{tag}>")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.stack:
            return  # a stray end tag: browsers ignore it too
        while self.stack:
            top = self.stack.pop()
            if len(self.stack) >= self.keep:  # a flattened element ends
                if top in _HIDDEN:
                    self.hidden -= 1
                elif top not in _INLINE:
                    self._break()
            else:
                self._break()
                self.out.append(f"</{top}>")
            if top == tag:
                return

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] in ("script", "style") and not self._deep():
            self.out.append(data)  # raw text, as it came
        elif not self._deep():
            self.out.append(htmlib.escape(data, quote=False))
        elif not self.hidden:
            if not self.open_p and data.strip():
                self.out.append("<p>")
                self.open_p = True
            if self.open_p:
                self.out.append(htmlib.escape(data, quote=False))

    def handle_decl(self, decl: str) -> None:
        if not self.out:
            self.out.append(f"<!{decl}>")

    def close(self) -> None:
        super().close()
        self._break()
        self.out.extend(f"</{tag}>" for tag in reversed(self.stack[:self.keep]))
        self.stack = []


def flatten(page: str, keep: int = FLAT_DEPTH) -> str:
    """The page with its elements kept down to ``keep`` levels and flattened below (text kept, one paragraph
    per block element), so that lxml parses all of it."""
    flattener = _Flattener(keep)
    flattener.feed(page)
    flattener.close()
    return "".join(flattener.out)
