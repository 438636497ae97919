"""Read one HTML page into a ParsedArticle: the article body (trafilatura), its date (htmldate) and metadata.

The body is rebuilt from trafilatura's XML as paragraphs separated by a blank line, after dropping
page furniture that news sites put inside the article column (the repeated headline, related-link
lists, "Read more:" teasers, newsletter and social promos, reporting credits). Nothing on the page
is executed: lxml only parses it, scripts and styles are dropped by trafilatura.
"""
from __future__ import annotations

import codecs
import re
from copy import deepcopy
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

import trafilatura
from htmldate import find_date
from lxml.etree import _Element
from trafilatura.settings import Document, set_date_params
from trafilatura.utils import load_html

from onrecord.errors import DecodeError, EmptyInput, MalformedRecord
from onrecord.ingest.decode import Decoded, invalid_bytes_warning, legacy_text, lenient_utf8, utf16_encoding
from onrecord.ingest.deep_html import at_depth_limit, flatten
from onrecord.models import ParsedArticle

NO_TEXT = "no article text found in the HTML page (is it an index or a login page?)"

# Extraction settings: precision-oriented first (fewer teasers and link lists), the balanced
# default when the precise pass finds (almost) nothing.
_COMMON: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_links": False,  # links on changes how trafilatura splits paragraphs, for the worse
    "with_metadata": True,
}
_MIN_ARTICLE_WORDS = 20  # fewer words than this is a form, an index or an error page, not an article
_MIN_SENTENCE_WORDS = 8  # ... and so is a page without one paragraph of this many words
_MIN_PRECISE_CHARS = 250  # a precise result shorter than this is retried with balanced settings

# ---------------------------------------------------------------------------------------------
# Detection and decoding
# ---------------------------------------------------------------------------------------------

_HTML_HEAD = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|!--)", re.IGNORECASE | re.DOTALL
)
_HTML_ANYWHERE = re.compile(rb"<(html|head|body|article|div|p)[\s>]", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# What browsers actually use for these labels (WHATWG encoding standard).
_BROWSER_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252",
                    "us-ascii": "cp1252", "iso8859-1": "cp1252", "windows-1252": "cp1252"}


def looks_like_html(head: bytes | str) -> bool:
    """True when the first bytes of a file look like an HTML page (for format detection by content)."""
    raw = head.encode("utf-8", "replace") if isinstance(head, str) else head
    raw = raw[:4096].lstrip(b"\xef\xbb\xbf")
    if _HTML_HEAD.match(raw):
        return True
    return len(_HTML_ANYWHERE.findall(raw)) >= 2


def declared_charset(data: bytes) -> str | None:
    """The charset named by a BOM or a <meta charset>/http-equiv in the first 4 KiB, if it is known."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    label = m.group(1).decode("ascii", "ignore").lower()
    label = _BROWSER_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith("utf-16") and utf16_encoding(data) is None:
        return None  # a page re-encoded to UTF-8 that still says utf-16 (browsers ignore it too)
    return name


def decode_html(data: bytes, source: str) -> Decoded:
    """Decode page bytes: the declared charset (BOM or <meta>), else UTF-8 (a few invalid bytes replaced),
    else a legacy code page (cp1252 or charset-normalizer's guess)."""
    declared = declared_charset(data)
    if declared:
        try:
            return Decoded(data.decode(declared))
        except (UnicodeDecodeError, LookupError):
            pass
    utf8 = lenient_utf8(data)
    if utf8 is not None:
        return utf8
    legacy = legacy_text(data)
    if legacy is None:
        raise DecodeError(source, "cannot tell the character encoding of this HTML page; "
                                  "add a <meta charset> or convert it to UTF-8")
    return Decoded(legacy)


# ---------------------------------------------------------------------------------------------
# From trafilatura's XML body to paragraphs
# ---------------------------------------------------------------------------------------------

_BLOCKS = frozenset({"p", "head", "quote", "item", "list", "row", "table", "code", "div", "lb", "graphic", "note"})
_SPACES = re.compile(r"\s+")


@dataclass
class _Line:
    """One paragraph of extracted text, and whether it is a list item."""

    text: str
    in_list: bool


class _LineBuilder:
    """Flattens trafilatura's XML body into lines, one per block element or line break."""

    def __init__(self) -> None:
        self.lines: list[_Line] = []
        self._parts: list[str] = []
        self._in_list = False

    def add(self, text: str | None, in_list: bool) -> None:
        if not text:
            return
        if not self._parts:
            self._in_list = in_list
        self._parts.append(text)

    def flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self._parts)).strip()
        if text:
            self.lines.append(_Line(text, self._in_list))
        self._parts = []

    def walk(self, el: _Element, in_list: bool = False) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag in _BLOCKS
        if block:
            self.flush()
        inner_list = in_list or tag in ("list", "item")
        self.add(el.text, inner_list)
        for child in el:
            self.walk(child, inner_list)
        if block:
            self.flush()
        elif tag == "cell":
            self.add(" ", inner_list)
        self.add(el.tail, in_list)


def _body_lines(body: _Element) -> list[_Line]:
    builder = _LineBuilder()
    builder.walk(body)
    builder.flush()
    return builder.lines


def _anchor_texts(tree: _Element) -> set[str]:
    """Normalised texts of the page's links of three words or more (to spot teaser links in the body)."""
    texts = set()
    for a in tree.iter("a"):
        if (a.get("href") or "").startswith("mailto:"):
            continue
        norm = _norm(a.text_content())
        if norm.count(" ") >= 2:
            texts.add(norm)
    return texts


# ---------------------------------------------------------------------------------------------
# Furniture inside the article column
# ---------------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")
_APOS = "['’]"
# A teaser or section label that introduces a link to another article.
_TEASER = re.compile(
    r"^\W*(read more|read also|also read|related( articles?| stories| posts?| content| coverage)?|see more|"
    r"see also|more|more from [^:]{1,40}|more on this( story)?|also on \S+|recommended|don" + _APOS + r"?t miss|"
    r"most read( in [^:]{1,40})?|you (may|might) also (like|enjoy)|editor" + _APOS + r"?s picks?|trending|"
    r"more stories|top stories|watch|listen|tags?|topics?|filed under|comments?|share this( article| story)?|"
    r"advertisement)\b\s*[:|\-–—.…]*\s*",
    re.IGNORECASE,
)
# A headline of another story tagged the tabloid way: "... [VIDEO]", "... [INSIGHT]".
_TAGGED_TEASER = re.compile(r"\w.*\[[A-Z][A-Z ]{2,}\]\W*$")
# Calls to action that are about the outlet, not the story.
_PROMO = re.compile(
    r"^\W*(follow (us|@\w+|[^.]{1,60} on (twitter|facebook|instagram|linkedin|youtube))|"
    r"follow [^.]{1,30}" + _APOS + r"s (full )?coverage|subscribe (to|now|for)|sign up (for|to|now)|"
    r"get the (latest|day" + _APOS + r"?s)\b|like this story\?|click here|download (the|our) app|"
    r"(join|get) (our|the) \w+ newsletter|have a (news )?tip\b|email [\w .]{1,40} at |"
    r"reach the reporters? (on|at)\b)",
    re.IGNORECASE,
)
# Who reported and edited the story (wire and newspaper sign-offs).
_CREDIT = re.compile(
    r"^\W*((additional )?reporting by\b|(writing|editing) by\b|"
    r"\w[\w .,'’-]{0,200} contributed (to )?(this report|this story|reporting)|source: [\w .]{1,40}$)",
    re.IGNORECASE,
)
# A byline or dateline alone on its line: "By Jane Doe", "Monday, November 18, 2019", "Updated at 1:23 p.m.".
_BYLINE = re.compile(r"^\W*by( [A-Z][\w.'’-]*){1,4}\W*$")
_DATE_WORDS = re.compile(
    r"\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sept?(ember)?|oct(ober)?|"
    r"nov(ember)?|dec(ember)?|mon(day)?|tue(sday)?|wed(nesday)?|thu(rsday)?|fri(day)?|sat(urday)?|"
    r"sun(day)?|a\.?m|p\.?m|[A-Z]{2,4}T|UTC|GMT|updated|published|posted|last|at|on|\d+(st|nd|rd|th)?)\b",
    re.IGNORECASE,
)
_BYLINE_TAIL = re.compile(r"\bby( [A-Z][\w.'’-]*){1,4}\W*$")
_COPYRIGHT = re.compile(r"^\W*(copyright\b|©|\(c\) \d{4}|all rights reserved)", re.IGNORECASE)
_READING_TIME = re.compile(r"^\W*\d+\W*min(ute)?s?( read)?\W*$|^\W*(reading time|read time)\W", re.IGNORECASE)
_MAX_FURNITURE_WORDS = 60
_URLISH = re.compile(r"^\s*(https?://|www\.)\S+\s*$", re.IGNORECASE)


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _is_dateline(text: str) -> bool:
    """True for a line that is only a date and/or time (with "Updated", "Published"...), or a byline."""
    if _BYLINE.match(text):
        return True
    if not re.search(r"\b(19|20)\d\d\b|\d:\d\d", text):
        return False
    rest = _WORD.findall(_DATE_WORDS.sub(" ", _BYLINE_TAIL.sub(" ", text)))
    return len(rest) <= 1


def _is_furniture(line: _Line, anchors: set[str]) -> bool:
    """True for a short line that news sites put around, not inside, the story."""
    norm = _norm(line.text)
    words = norm.count(" ") + 1 if norm else 0
    if words == 0:
        return True
    if words > _MAX_FURNITURE_WORDS:
        return False
    if norm in anchors and not _URLISH.match(line.text):
        return True  # the whole paragraph is one link: a related-story teaser
    teaser = _TEASER.match(line.text)
    if teaser:
        rest = line.text[teaser.end():]
        if not rest.strip() or _norm(rest) in anchors:
            return True  # a bare label ("Comments", "DON'T MISS") or "Read more: <link>"
        if teaser.group(0).rstrip().endswith(":") and words <= 20:
            return True  # "READ MORE: headline of another story"
    if words <= 20 and _TAGGED_TEASER.search(line.text):
        return True
    if words <= 12 and (_is_dateline(line.text) or _READING_TIME.match(line.text)):
        return True
    if words <= 20 and _COPYRIGHT.match(line.text):
        return True
    return bool(_PROMO.match(line.text) or _CREDIT.match(line.text))


def _clean_lines(lines: list[_Line], headlines: set[str], anchors: set[str]) -> list[str]:
    """The story paragraphs: furniture, the headline repeated at the top and doubled paragraphs dropped."""
    kept: list[str] = []
    previous = None
    for i, line in enumerate(lines):
        norm = _norm(line.text)
        if i < 3 and norm and norm in headlines:
            continue
        if norm == previous or _is_furniture(line, anchors):
            continue
        previous = norm
        kept.append(line.text)
    return kept or [line.text for line in lines]


def _headlines(tree: _Element) -> set[str]:
    """Normalised texts of the page's <h1> headings (the headline that the body may repeat)."""
    return {_norm(h1.text_content()) for h1 in tree.iter("h1")}


# ---------------------------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------------------------


def outlet_from_url(url: str | None) -> str | None:
    """The outlet a URL belongs to, as its host without "www." ("www.bbc.co.uk" -> "bbc.co.uk")."""
    if not url:
        return None
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower().rstrip(".")
    host = re.sub(r"^www\d*\.", "", host)
    return host or None


def _clean_sitename(name: str | None) -> str | None:
    if not name:
        return None
    name = _SPACES.sub(" ", name).strip().lstrip("@").strip()
    return name or None


def _web_url(url: str | None) -> str | None:
    return url if url and urlsplit(url).scheme in ("http", "https") else None


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def _extract(tree: _Element, url: str | None) -> Document | None:
    """trafilatura's Document for the page: precise settings first, balanced when that finds too little.

    Dates come from htmldate's quick search here (markup, JSON-LD, URL); see :func:`_page_date`.
    """
    options = dict(_COMMON, date_extraction_params=set_date_params(False))
    precise = cast(Document | None, trafilatura.bare_extraction(deepcopy(tree), url=url, favor_precision=True,
                                                                 **options))
    if precise is not None and len(precise.text or "") >= _MIN_PRECISE_CHARS:
        return precise
    balanced = cast(Document | None, trafilatura.bare_extraction(tree, url=url, **options))
    if balanced is None or len(balanced.text or "") <= len(getattr(precise, "text", "") or ""):
        return precise
    return balanced


def _page_date(html: str, quick: str | None, url: str | None) -> str | None:
    """Publication date (YYYY-MM-DD): htmldate's markup date, else its search of the page text.

    A bare year (htmldate's copyright-line fallback, reported as YYYY-01-01) is not a publication date.
    """
    if quick and re.fullmatch(r"\d{4}-\d{2}-\d{2}", quick):
        return quick
    found = find_date(html, url=url, original_date=True, extensive_search=True, outputformat="%Y-%m-%d")
    if not found or found.endswith("-01-01") or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", found):
        return None
    return str(found)


def _is_article(text: str) -> bool:
    lines = [len(_WORD.findall(line)) for line in text.split("\n\n")]
    return sum(lines) >= _MIN_ARTICLE_WORDS and max(lines, default=0) >= _MIN_SENTENCE_WORDS


def parse_page(html: str) -> tuple[_Element | None, str]:
    """The page's tree and the HTML it was parsed from: a page nested past lxml's depth limit, whose tree
    would stop there, is flattened below FLAT_DEPTH levels and parsed again (see deep_html)."""
    tree = load_html(html)
    if tree is not None and at_depth_limit(tree):
        html = flatten(html)
        tree = load_html(html)
    return tree, html


def extract_text(html: str, url: str | None = None) -> tuple[str, Document | None]:
    """The article body as paragraphs separated by blank lines ("" when none), and trafilatura's Document."""
    return _extract_text(parse_page(html)[0], url)


def _extract_text(tree: _Element | None, url: str | None) -> tuple[str, Document | None]:
    if tree is None:
        return "", None
    anchors = _anchor_texts(tree)
    h1s = _headlines(tree)
    doc = _extract(tree, url)
    if doc is None or doc.body is None:
        return "", doc
    paragraphs = _clean_lines(_body_lines(doc.body), h1s | {_norm(doc.title or "")}, anchors)
    return "\n\n".join(paragraphs), doc


def read_html(data: bytes | str, source: str, url: str | None = None) -> ParsedArticle:
    """Parse one HTML page into a ParsedArticle (body text, title, outlet, date, url); format="html"."""
    if isinstance(data, bytes):
        if not data.strip():
            raise EmptyInput(source, "the file is empty")
        decoded = decode_html(data, source)
        html, replaced = decoded.text, len(decoded.replaced)
    else:
        html, replaced = data, 0
    if not html.strip():
        raise EmptyInput(source, "the file is empty")
    tree, html = parse_page(html)
    text, doc = _extract_text(tree, url)
    if not _is_article(text):
        raise MalformedRecord(source, NO_TEXT)
    assert doc is not None  # there is text, so trafilatura returned a Document
    page_url = _web_url(url) or _web_url(doc.url)
    outlet = _clean_sitename(doc.sitename) or outlet_from_url(page_url)
    title = _SPACES.sub(" ", doc.title).strip() if doc.title else None
    date = _page_date(html, doc.date, page_url)
    article = ParsedArticle(text=text, source=source, title=title or None, outlet=outlet, date=date,
                            url=page_url or url, format="html")
    kept = min(replaced, text.count("\ufffd"))  # replaced bytes that reached the article text
    if kept:
        article.warnings.append(invalid_bytes_warning(kept))
    return article
